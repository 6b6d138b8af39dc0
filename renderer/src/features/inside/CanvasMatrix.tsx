/**
 * A dense matrix (positional encodings, embedding vectors: positions or tokens x d_model
 * dimensions, thousands to tens of thousands of cells) drawn on a canvas: one node however
 * many cells, where SVG would need a DOM node per cell. Hover reads the cell under the mouse.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatNum } from '../../lib/format';
import { colourOf, scaleFor, usePalette, type Scale } from './colour';
import { Legend } from './Legend';

export interface CanvasMatrixProps {
  values: number[][];
  /** Labels of the rows (tokens or positions); columns are numbered. */
  rowLabels: string[];
  rowTitle: string;
  colTitle: string;
  scale?: Scale;
  legend?: string;
  /** Cell size in CSS pixels (width, height). */
  cellW?: number;
  cellH?: number;
  testId: string;
}

export function CanvasMatrix({
  values,
  rowLabels,
  rowTitle,
  colTitle,
  scale,
  legend,
  cellW = 3,
  cellH = 10,
  testId,
}: CanvasMatrixProps) {
  const palette = usePalette();
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ r: number; c: number } | undefined>();
  const s = useMemo(() => scale ?? scaleFor(values), [scale, values]);
  const rows = values.length;
  const cols = values[0]?.length ?? 0;

  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    values.forEach((row, r) =>
      row.forEach((v, c) => {
        ctx.fillStyle = colourOf(v, s, palette);
        ctx.fillRect(c * cellW, r * cellH, cellW, cellH);
      }),
    );
  }, [values, s, palette, cellW, cellH]);

  const v = hover ? values[hover.r]?.[hover.c] : undefined;
  return (
    <figure className="in-figure" data-testid={testId} data-rows={rows} data-cols={cols}>
      <div className="in-scroll in-canvas-wrap">
        <div className="in-canvas-labels" style={{ gridAutoRows: `${cellH}px` }}>
          {cellH >= 9 && rowLabels.map((t, i) => <span key={i}>{t}</span>)}
        </div>
        <canvas
          ref={ref}
          width={cols * cellW}
          height={rows * cellH}
          aria-label={`${rows} ${rowTitle} by ${cols} ${colTitle}`}
          role="img"
          onMouseMove={(e) => {
            const box = e.currentTarget.getBoundingClientRect();
            const c = Math.floor((e.clientX - box.left) / cellW);
            const r = Math.floor((e.clientY - box.top) / cellH);
            if (r >= 0 && r < rows && c >= 0 && c < cols) setHover({ r, c });
          }}
          onMouseLeave={() => setHover(undefined)}
        />
      </div>
      <figcaption className="muted small" data-testid={`${testId}-hover`}>
        {hover && v !== undefined
          ? `${rowTitle} ${rowLabels[hover.r] ?? hover.r}, ${colTitle} ${hover.c}: ${formatNum(v, 4)}`
          : `Rows: ${rowTitle}; columns: ${colTitle} 0–${cols - 1}. Hover for a value.`}
      </figcaption>
      <Legend scale={s} label={legend ?? 'value'} />
    </figure>
  );
}
