// The "13a" tokenizer: mteval-v13a.pl's tokenization as sacreBLEU implements it
// (sacrebleu/tokenizers/tokenizer_13a.py and tokenizer_re.py). BLEU scores are only
// comparable across papers when every system is tokenized by exactly these rules.

import { pySplit } from './compat';

// The regexes are tokenizer_re.py's, applied in the same order with the same replacements.
// Character ranges are written as hex escapes so the ASCII sets are unambiguous:
// { | } ~   [ \ ] ^ _ `   space ! " # $ % &   ( ) * +   : ; < = > ? @   /
const PUNCTUATION = /([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/g;
// Period and comma are split off unless they sit between digits ("3.14", "1,000").
// The `u` flag makes [^0-9] match a whole code point, as Python's `re` does.
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/gu;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/gu;
// A dash after a digit is split off ("5-6" -> "5 - 6"), one after a letter is not.
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/**
 * Tokenizes one segment as sacreBLEU's `Tokenizer13a` does: removes `<skipped>`, joins
 * words hyphenated across lines (`-\n`), unescapes `&quot; &amp; &lt; &gt;`, splits off
 * punctuation (periods and commas only when not next to a digit, dashes only after a
 * digit), and collapses whitespace to single spaces.
 * @param line one segment (sacreBLEU strips trailing whitespace before calling this)
 * @returns space-separated tokens, no leading or trailing space
 */
export function tokenize13a(line: string): string {
  // Language-independent part (mteval-v13a's NormalizeText).
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) {
    // Order matters: "&amp;quot;" must become "&quot;", not '"'.
    s = s
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  }
  // Padding with spaces lets the period/comma rules see a non-digit at both ends.
  s = ` ${s} `;
  s = s.replace(PUNCTUATION, ' $1 ');
  s = s.replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ');
  s = s.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2');
  s = s.replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(s).join(' ');
}
