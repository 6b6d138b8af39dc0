/**
 * The Inside screen's colour scales, one source for SVG fills, canvas pixels and the legend,
 * so a colour means the same number everywhere. Sequential (0 to max: weights,
 * probabilities) runs from the panel colour to the accent; diverging (signed: scores,
 * embeddings, sinusoids) runs orange - panel - accent. Both have a light and a dark palette,
 * matching styles.css's, so maps stay readable in dark mode.
 */
import { useEffect, useState } from 'react';

type Rgb = [number, number, number];

export interface Palette {
  base: Rgb;
  positive: Rgb;
  negative: Rgb;
  /** Masked cells (−∞ after the mask). */
  masked: string;
}

const LIGHT: Palette = {
  base: [255, 255, 255],
  positive: [79, 70, 229],
  negative: [232, 89, 12],
  masked: '#9ca3af',
};
const DARK: Palette = {
  base: [29, 32, 39],
  positive: [139, 135, 255],
  negative: [255, 146, 43],
  masked: '#4b5563',
};

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The palette of the current colour scheme; follows the system when it switches. */
export function usePalette(): Palette {
  const media = typeof window !== 'undefined' ? window.matchMedia?.(DARK_QUERY) : undefined;
  const [dark, setDark] = useState(media?.matches ?? false);
  useEffect(() => {
    if (!media) return;
    const onChange = (e: MediaQueryListEvent) => setDark(e.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, [media]);
  return dark ? DARK : LIGHT;
}

function mix(a: Rgb, b: Rgb, t: number): string {
  const c = a.map((x, i) => Math.round(x + ((b[i] as number) - x) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** How values map to colour: 'sequential' over [0, max], 'diverging' over [-max, max]. */
export interface Scale {
  kind: 'sequential' | 'diverging';
  max: number;
}

/** The colour of a value on a scale (values past the ends take the end colour). */
export function colourOf(value: number, scale: Scale, palette: Palette): string {
  const m = scale.max > 0 ? scale.max : 1;
  if (scale.kind === 'sequential') {
    return mix(palette.base, palette.positive, Math.max(0, Math.min(1, value / m)));
  }
  const t = Math.max(-1, Math.min(1, value / m));
  return t >= 0 ? mix(palette.base, palette.positive, t) : mix(palette.base, palette.negative, -t);
}

/** Values at or below this are masked scores (the model adds -1e9). */
export const MASKED_BELOW = -1e8;

/** The scale that fits a matrix: weights in [0, 1] are sequential, signed values diverging. */
export function scaleFor(values: readonly (readonly number[])[], kind?: Scale['kind']): Scale {
  let min = 0;
  let max = 0;
  for (const row of values) {
    for (const v of row) {
      if (v <= MASKED_BELOW || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const k = kind ?? (min < 0 ? 'diverging' : 'sequential');
  return { kind: k, max: k === 'diverging' ? Math.max(-min, max) : max };
}
