/**
 * Seeded randomness behind initialisation, dropout (paper 5.4) and data order (5.1): all
 * derive from one integer seed, so a run (and a resumed run) reproduces exactly.
 */

/** 32-bit FNV-1a over the parts' text: a stable seed for a named purpose. */
export function hashSeed(...parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u0001');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // One round of mixing so that nearby inputs give distant seeds.
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  return h >>> 0;
}

export { Rng } from '../../shared/random';
