/**
 * The head view (after BertViz): the queries' tokens on the left, the keys' on the right, a
 * line from each query to each key as opaque as its weight, one colour per head. Hovering a
 * token keeps only its lines. SVG: a few hundred lines with per-line opacity and hit-testing.
 */
import { useState, type ReactElement } from 'react';

/** Distinct hues for heads, readable on light and dark panels. */
export const HEAD_COLOURS = [
  '#6366f1',
  '#f97316',
  '#10b981',
  '#ec4899',
  '#0ea5e9',
  '#eab308',
  '#8b5cf6',
  '#ef4444',
];

const ROW = 22;
const GAP = 160;
const TEXT_W = 110;

export function HeadView({
  maps,
  heads,
  queryTokens,
  keyTokens,
  testId = 'head-view',
}: {
  /** [head][query][key] */
  maps: number[][][];
  /** The heads drawn. */
  heads: number[];
  queryTokens: string[];
  keyTokens: string[];
  testId?: string;
}) {
  const [focus, setFocus] = useState<{ side: 'q' | 'k'; i: number } | undefined>();
  const height = Math.max(queryTokens.length, keyTokens.length) * ROW + 10;
  const y = (i: number) => 14 + i * ROW;
  const lines: ReactElement[] = [];
  for (const h of heads) {
    const map = maps[h] ?? [];
    map.forEach((row, q) =>
      row.forEach((w, k) => {
        if (w < 0.01) return;
        if (focus && (focus.side === 'q' ? focus.i !== q : focus.i !== k)) return;
        lines.push(
          <line
            key={`${h}-${q}-${k}`}
            x1={TEXT_W}
            y1={y(q) - 4}
            x2={TEXT_W + GAP}
            y2={y(k) - 4}
            stroke={HEAD_COLOURS[h % HEAD_COLOURS.length]}
            strokeOpacity={Math.min(1, w) * (heads.length > 1 ? 0.7 : 1)}
            strokeWidth={2}
          />,
        );
      }),
    );
  }
  const token = (t: string, i: number, side: 'q' | 'k') => (
    <text
      key={`${side}${i}`}
      x={side === 'q' ? TEXT_W - 8 : TEXT_W + GAP + 8}
      y={y(i)}
      textAnchor={side === 'q' ? 'end' : 'start'}
      className={`in-label${focus?.side === side && focus.i === i ? ' hot' : ''}${t === '<unk>' ? ' flag' : ''}`}
      onMouseEnter={() => setFocus({ side, i })}
    >
      {t.length > 14 ? `${t.slice(0, 13)}…` : t}
    </text>
  );
  return (
    <figure className="in-figure" data-testid={testId}>
      <div className="in-scroll">
        <svg
          width={2 * TEXT_W + GAP}
          height={height}
          role="img"
          aria-label="Head view: lines from each query token to the keys it attends to"
          onMouseLeave={() => setFocus(undefined)}
        >
          {lines}
          {queryTokens.map((t, i) => token(t, i, 'q'))}
          {keyTokens.map((t, i) => token(t, i, 'k'))}
        </svg>
      </div>
      <figcaption className="muted small">
        Left: queries; right: keys. Line opacity = weight. Hover a token to see only its lines.
      </figcaption>
    </figure>
  );
}
