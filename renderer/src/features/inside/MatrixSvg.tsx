/**
 * A token-labelled matrix (attention weights, scores, masks) drawn as SVG: one rect per cell
 * with its own hover title, crisp at any zoom and selectable by tests. The cells are few
 * (tokens x tokens), so SVG's one node per cell costs nothing; dense tables use CanvasMatrix.
 * Long sentences scroll inside the figure instead of being clipped.
 */
import { useState } from 'react';
import { formatNum } from '../../lib/format';
import { colourOf, MASKED_BELOW, scaleFor, usePalette, type Scale } from './colour';
import { Legend } from './Legend';

export interface MatrixSvgProps {
  values: number[][];
  rowLabels: string[];
  colLabels: string[];
  rowTitle: string;
  colTitle: string;
  /** Default: fitted to the values (sequential when none is negative). */
  scale?: Scale;
  legend?: string;
  cell?: number;
  /** Row or column labels drawn as flagged (e.g. `<unk>`). */
  flagged?: (label: string) => boolean;
  /** A heading above the figure (e.g. "before" / "after"). */
  title?: string;
  testId: string;
}

function short(token: string): string {
  return token.length > 12 ? `${token.slice(0, 11)}…` : token;
}

export function MatrixSvg({
  values,
  rowLabels,
  colLabels,
  rowTitle,
  colTitle,
  scale,
  legend,
  cell = 28,
  flagged = (t) => t === '<unk>',
  title,
  testId,
}: MatrixSvgProps) {
  const palette = usePalette();
  const [hover, setHover] = useState<{ r: number; c: number } | undefined>();
  const s = scale ?? scaleFor(values);
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  const longest = (labels: string[]) => Math.max(3, ...labels.map((t) => short(t).length));
  const left = Math.min(120, 10 + 7 * longest(rowLabels));
  const top = Math.min(110, 12 + 6 * longest(colLabels));
  const hasMasked = values.some((r) => r.some((v) => v <= MASKED_BELOW));
  const shown = (v: number) => (v <= MASKED_BELOW ? '−∞ (masked)' : formatNum(v, 4));
  const h = hover ? values[hover.r]?.[hover.c] : undefined;
  return (
    <figure className="in-figure" data-testid={testId} data-rows={rows} data-cols={cols}>
      {title && <h5 className="in-figure-title">{title}</h5>}
      <div className="in-scroll">
        <svg
          width={left + cols * cell + 4}
          height={top + rows * cell + 4}
          role="img"
          aria-label={`${rows} ${rowTitle} by ${cols} ${colTitle}`}
          onMouseLeave={() => setHover(undefined)}
        >
          {colLabels.map((t, c) => (
            <text
              key={`c${c}`}
              className={`in-label${hover?.c === c ? ' hot' : ''}${flagged(t) ? ' flag' : ''}`}
              transform={`translate(${left + c * cell + cell / 2 + 4}, ${top - 6}) rotate(-55)`}
            >
              {short(t)}
            </text>
          ))}
          {rowLabels.map((t, r) => (
            <text
              key={`r${r}`}
              className={`in-label${hover?.r === r ? ' hot' : ''}${flagged(t) ? ' flag' : ''}`}
              x={left - 6}
              y={top + r * cell + cell / 2 + 4}
              textAnchor="end"
            >
              {short(t)}
            </text>
          ))}
          {values.map((row, r) =>
            row.map((v, c) => (
              <rect
                key={`${r}-${c}`}
                className="in-cell"
                data-value={v}
                x={left + c * cell}
                y={top + r * cell}
                width={cell - 1}
                height={cell - 1}
                rx={2}
                fill={v <= MASKED_BELOW ? palette.masked : colourOf(v, s, palette)}
                onMouseEnter={() => setHover({ r, c })}
              >
                <title>{`${rowLabels[r] ?? r} → ${colLabels[c] ?? c}: ${shown(v)}`}</title>
              </rect>
            )),
          )}
        </svg>
      </div>
      <figcaption className="muted small" data-testid={`${testId}-hover`}>
        {hover && h !== undefined
          ? `${rowLabels[hover.r] ?? ''} → ${colLabels[hover.c] ?? ''}: ${shown(h)}`
          : `Rows: ${rowTitle}; columns: ${colTitle}. Hover a cell for its value.`}
      </figcaption>
      <Legend scale={s} label={legend ?? 'value'} masked={hasMasked} />
    </figure>
  );
}
