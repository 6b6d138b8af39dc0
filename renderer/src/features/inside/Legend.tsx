/** A colour legend: the scale's gradient with its end values, and a note for masked cells. */
import { colourOf, usePalette, type Scale } from './colour';
import { formatNum } from '../../lib/format';

const STOPS = 11;

export function Legend({
  scale,
  label,
  masked = false,
}: {
  scale: Scale;
  label: string;
  masked?: boolean;
}) {
  const palette = usePalette();
  const low = scale.kind === 'diverging' ? -scale.max : 0;
  const stops = Array.from({ length: STOPS }, (_, i) => {
    const v = low + ((scale.max - low) * i) / (STOPS - 1);
    return `${colourOf(v, scale, palette)} ${(100 * i) / (STOPS - 1)}%`;
  });
  return (
    <div className="in-legend" aria-label={`Colour legend: ${label}`} data-testid="legend">
      <span className="muted small">{label}</span>
      <span className="small">{formatNum(low, 3)}</span>
      <span
        className="in-legend-bar"
        style={{ background: `linear-gradient(90deg, ${stops.join(', ')})` }}
      />
      <span className="small">{formatNum(scale.max, 3)}</span>
      {masked && (
        <>
          <span className="in-legend-swatch" style={{ background: palette.masked }} />
          <span className="small">masked (−∞)</span>
        </>
      )}
    </div>
  );
}
