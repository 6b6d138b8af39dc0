/**
 * An attention heatmap: rows are the queries (target tokens), columns the keys (source tokens
 * for cross-attention, target tokens for self-attention). SVG, with a hover title per cell.
 */
import { useState } from 'react';

export interface HeatmapProps {
  /** [rows][cols] weights in 0..1. */
  weights: number[][];
  rowLabels: string[];
  colLabels: string[];
  rowTitle: string;
  colTitle: string;
  testId?: string;
}

const CELL = 30;

function label(token: string): string {
  return token.length > 12 ? `${token.slice(0, 11)}…` : token;
}

export function Heatmap({
  weights,
  rowLabels,
  colLabels,
  rowTitle,
  colTitle,
  testId = 'heatmap',
}: HeatmapProps) {
  const [hover, setHover] = useState<{ r: number; c: number } | undefined>();
  const rows = weights.length;
  const cols = weights[0]?.length ?? 0;
  const rowLabelWidth = Math.min(
    120,
    8 + 7 * Math.max(4, ...rowLabels.map((t) => label(t).length)),
  );
  const colLabelHeight = Math.min(
    110,
    10 + 6 * Math.max(4, ...colLabels.map((t) => label(t).length)),
  );
  const width = rowLabelWidth + cols * CELL + 4;
  const height = colLabelHeight + rows * CELL + 4;
  const h = hover && weights[hover.r]?.[hover.c];

  return (
    <figure className="heatmap" data-testid={testId} data-rows={rows} data-cols={cols}>
      <div className="heatmap-scroll">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`Attention weights: ${rows} ${rowTitle} by ${cols} ${colTitle}`}
          onMouseLeave={() => setHover(undefined)}
        >
          {colLabels.map((t, c) => (
            <text
              key={`c${c}`}
              className={`hm-label${hover?.c === c ? ' hot' : ''}`}
              transform={`translate(${rowLabelWidth + c * CELL + CELL / 2 + 4}, ${colLabelHeight - 6}) rotate(-55)`}
            >
              {label(t)}
            </text>
          ))}
          {rowLabels.map((t, r) => (
            <text
              key={`r${r}`}
              className={`hm-label${hover?.r === r ? ' hot' : ''}`}
              x={rowLabelWidth - 6}
              y={colLabelHeight + r * CELL + CELL / 2 + 4}
              textAnchor="end"
            >
              {label(t)}
            </text>
          ))}
          {weights.map((row, r) =>
            row.map((w, c) => (
              <rect
                key={`${r}-${c}`}
                className="hm-cell"
                x={rowLabelWidth + c * CELL}
                y={colLabelHeight + r * CELL}
                width={CELL - 1}
                height={CELL - 1}
                rx={3}
                style={{ fillOpacity: 0.06 + 0.94 * Math.max(0, Math.min(1, w)) }}
                onMouseEnter={() => setHover({ r, c })}
              >
                <title>{`${rowLabels[r] ?? r} → ${colLabels[c] ?? c}: ${w.toFixed(3)}`}</title>
              </rect>
            )),
          )}
        </svg>
      </div>
      <figcaption className="muted" data-testid={`${testId}-hover`}>
        {hover && h !== undefined
          ? `${rowLabels[hover.r] ?? ''} → ${colLabels[hover.c] ?? ''}: ${h.toFixed(3)}`
          : `Rows: ${rowTitle}; columns: ${colTitle}. Hover a cell for its weight.`}
      </figcaption>
    </figure>
  );
}
