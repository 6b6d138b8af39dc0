/**
 * One small multiple of the attention model view: a map drawn on a canvas a few pixels per
 * cell. A grid of layers x heads x three kinds holds hundreds of maps; canvases keep that to
 * one DOM node per map where SVG would need one per cell.
 */
import { useEffect, useRef } from 'react';
import { colourOf, usePalette } from './colour';

/** The side of a thumbnail in CSS pixels (before rounding to whole cells). */
const SIDE = 72;

export function Thumbnail({
  weights,
  label,
  selected,
  onClick,
  testId,
}: {
  weights: number[][];
  label: string;
  selected: boolean;
  onClick: () => void;
  testId?: string;
}) {
  const palette = usePalette();
  const ref = useRef<HTMLCanvasElement>(null);
  const rows = weights.length;
  const cols = weights[0]?.length ?? 0;
  const cell = Math.max(2, Math.floor(SIDE / Math.max(1, rows, cols)));
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    weights.forEach((row, r) =>
      row.forEach((w, c) => {
        ctx.fillStyle = colourOf(w, { kind: 'sequential', max: 1 }, palette);
        ctx.fillRect(c * cell, r * cell, cell, cell);
      }),
    );
  }, [weights, palette, cell]);
  return (
    <button
      type="button"
      className={`in-thumb${selected ? ' selected' : ''}`}
      title={`${label}: click to enlarge`}
      aria-label={`${label}, enlarge`}
      aria-pressed={selected}
      onClick={onClick}
      data-testid={testId}
    >
      <canvas ref={ref} width={cols * cell} height={rows * cell} />
    </button>
  );
}
