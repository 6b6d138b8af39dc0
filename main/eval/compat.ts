// Python string semantics that sacreBLEU's scores depend on, reproduced in JavaScript.
//
// sacreBLEU is Python: `str.split()`, `str.rstrip()`, `len()` and `f'{x:.2f}'` behave
// differently from their closest JavaScript counterparts (`/\s/` includes U+FEFF but not
// U+001C..U+001F or U+0085; strings index UTF-16 code units, not code points; `toFixed`
// rounds exact ties up, Python rounds them to even). BLEU and chrF go through these helpers
// so that scores and signatures are byte-for-byte what sacreBLEU prints.

/**
 * The sacreBLEU release whose behaviour bleu.ts and chrf.ts reproduce, emitted as the
 * `version:` field of every signature. It is the version the parity check
 * (scripts/check/sacrebleuParity.ts) compares against; BLEU (13a) and chrF scores have not
 * changed since sacreBLEU 2.0.0, so a 2.x signature is what readers expect to see.
 */
export const SACREBLEU_VERSION = '2.6.0';

// Exactly the characters for which Python 3's str.isspace() is true, i.e. what
// str.split() with no argument splits on and str.rstrip() removes.
const PY_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE_CLASS}]+`);
const PY_TRAILING_WHITESPACE = new RegExp(`[${PY_WHITESPACE_CLASS}]+$`);
const PY_ALL_WHITESPACE = new RegExp(`[${PY_WHITESPACE_CLASS}]+`, 'g');

/**
 * Python's `s.split()`: splits on runs of Unicode whitespace and drops empty strings.
 * @param s any string
 * @returns the words; `[]` for an empty or all-whitespace string
 */
export function pySplit(s: string): string[] {
  const parts = s.split(PY_WHITESPACE_RUN);
  // Leading/trailing whitespace yields empty first/last parts; Python drops them.
  let start = 0;
  let end = parts.length;
  if (parts[0] === '') start = 1;
  if (end > start && parts[end - 1] === '') end -= 1;
  return start === 0 && end === parts.length ? parts : parts.slice(start, end);
}

/** Python's `s.rstrip()`: removes trailing Unicode whitespace. */
export function pyRstrip(s: string): string {
  return s.replace(PY_TRAILING_WHITESPACE, '');
}

/** Python's `''.join(s.split())`: removes every whitespace character. */
export function pyRemoveWhitespace(s: string): string {
  return s.replace(PY_ALL_WHITESPACE, '');
}

/**
 * Python's `f'{x:.{digits}f}'`. Both languages format the exact binary value of `x`, but on
 * an exact tie (0.125 to 2 digits) JavaScript's toFixed rounds up and Python rounds to even.
 * @param x the number to format
 * @param digits digits after the decimal point (0..20)
 */
export function pyFormatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  const rounded = abs.toFixed(digits);
  // A tie has a terminating expansion whose digit `digits + 1` is 5 and the rest zeros;
  // 100 digits is far beyond where a non-tie double could still look like one.
  const exact = abs.toFixed(100);
  const point = exact.indexOf('.');
  const cut = point + 1 + digits;
  const tail = exact.slice(cut);
  if (tail[0] === '5' && /^5?0*$/.test(tail)) {
    const truncated = digits === 0 ? exact.slice(0, point) : exact.slice(0, cut);
    const lastDigit = Number(truncated[truncated.length - 1]);
    if (lastDigit % 2 === 0) return sign + truncated;
  }
  return sign + rounded;
}
