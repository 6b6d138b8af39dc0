import { describe, expect, it } from 'vitest';
import { tokenize13a } from './tokenizer13a';

// sacreBLEU's Python test suite has no unit vectors for the 13a tokenizer: test.sh checks it
// end to end against mteval-v13a.pl on WMT17 system outputs. These expected outputs were
// produced by sacreBLEU 2.6.0 itself (PyPI wheel; sacrebleu/tokenizers/tokenizer_13a.py,
// Tokenizer13a()(input)), on inputs chosen to exercise every rule: `<skipped>`, `-\n`, the
// entity unescaping and its order, each punctuation range, the period/comma digit rules, the
// dash-after-digit rule, non-ASCII, astral characters and Python's whitespace set.
const CASES: [string, string][] = [
  ['Hello, world!', 'Hello , world !'],
  ["It wasn't surprising.", "It wasn't surprising ."],
  ['The dog bit the man.', 'The dog bit the man .'],
  ["I'm a student.", "I'm a student ."],
  ['3.14 and 1,000,000 people', '3.14 and 1,000,000 people'],
  ['pages 5-6 and well-known e-mail', 'pages 5 - 6 and well-known e-mail'],
  ['a.b,c', 'a . b , c'],
  ['end.', 'end .'],
  ['.start', '. start'],
  ['1.', '1 .'],
  ['.5', '. 5'],
  ['x,5 5,x', 'x , 5 5 , x'],
  ['He said &quot;hi&quot; &amp; left &lt;now&gt;', 'He said " hi " & left < now >'],
  ['&amp;quot;', '& quot ;'],
  ['A <skipped> segment', 'A segment'],
  ['hyphen-\nated line\nbreak', 'hyphenated line break'],
  ['(parens) [brackets] {braces} <angles>', '( parens ) [ brackets ] { braces } < angles >'],
  [
    '$5 #tag @user 50% a&b a*b a+b a/b a=b a^b a_b a`b a|b a~b',
    '$ 5 # tag @ user 50 % a & b a * b a + b a / b a = b a ^ b a _ b a ` b a | b a ~ b',
  ],
  ['quote "this" and \'that\'', 'quote " this " and \'that\''],
  ['tab\there  and   spaces ', 'tab here and spaces'],
  ['Überraschung: Größe 3,5 m.', 'Überraschung : Größe 3,5 m .'],
  ['Ein Mann (35) läuft 10-15 km.', 'Ein Mann ( 35 ) läuft 10 - 15 km .'],
  ['mixed…ellipsis — em-dash «guillemets»', 'mixed…ellipsis — em-dash «guillemets»'],
  ['emoji 😀. ok', 'emoji 😀 . ok'],
  ['日本語、テスト。', '日本語、テスト。'],
  ['', ''],
  ['   ', ''],
  ['a\u00a0b\u2009c\u3000d', 'a b c d'],
  ['x\u001cy\u0085z\ufeffw', 'x y z\ufeffw'],
  ['U.S.A. 2.0 v1.2.3 ...', 'U . S . A . 2.0 v1.2.3 . . .'],
  ['9-', '9 -'],
  ['-9', '-9'],
  ['a-', 'a-'],
  ['1-2-3', '1 - 2 - 3'],
  ['1.2.3,4', '1.2.3,4'],
];

describe('tokenize13a', () => {
  it.each(CASES)('tokenizes %j as sacreBLEU does', (input, expected) => {
    expect(tokenize13a(input)).toBe(expected);
  });
});
