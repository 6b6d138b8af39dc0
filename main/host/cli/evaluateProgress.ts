/**
 * The live progress line of `npm run evaluate` on a terminal (stderr, rewritten in place as
 * `import` and `train` do): sentences translated, percent, and the time left at the speed so far.
 */
import { fmtDuration } from './train';

/**
 * "translated 120/500 sentences  24%  ETA 1m05s". The ETA is the time per sentence so far
 * times the sentences left; before the first batch is done there is none ("ETA ?").
 */
export function evaluateProgressLine(done: number, total: number, elapsedSec: number): string {
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
  const eta = done > 0 ? fmtDuration((elapsedSec / done) * (total - done)) : '?';
  return `translated ${done}/${total} sentences  ${String(percent).padStart(3)}%  ETA ${eta}`;
}

/**
 * Writes progress lines over each other with a carriage return, padding each to the longest
 * so far so a shorter line leaves no characters of the one before; `end` moves to a new line.
 */
export function progressWriter(write: (text: string) => void): {
  line(text: string): void;
  end(): void;
} {
  let width = 0;
  let written = false;
  return {
    line(text) {
      width = Math.max(width, text.length);
      write(`\r${text.padEnd(width)}`);
      written = true;
    },
    end() {
      if (written) write('\n');
      written = false;
    },
  };
}
