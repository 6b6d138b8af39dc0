import { Tokenizer } from 'tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import { WordCounter, trainBpe, trainBpeFromCounts, trainTokenizerPair } from './bpeTrainer';
import { readMulti30k as readLines } from './multi30k.fixture';
import { isPunctuation } from './preTokenize';
import { BOS_ID, BpeTokenizer, EOS_ID, PAD_ID, SPECIAL_TOKENS, UNK_ID } from './tokenizer';

// Spacing, punctuation, digits, umlauts, typographic quotes, an astral-plane emoji, a tab.
const EDGE_CASES = [
  'Ein Mann, der „Hallo!“ ruft – 3 Hunde (2 braune) & 1 Katze: 100% süß?',
  'Größe: 1,75 m; Straße Nr. 12a.',
  'Two  spaces,   three spaces and a trailing one ',
  'ÄÖÜ äöü ß é ñ — “curly” ‘quotes’ … 😀 done',
  'tab\there',
  "It's 5 o'clock... isn't it?!",
];

function expectAppError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe(code);
}

describe('special tokens', () => {
  it('have the fixed ids the model and trainer rely on', () => {
    expect([PAD_ID, BOS_ID, EOS_ID, UNK_ID]).toEqual([0, 1, 2, 3]);
    const tok = trainBpe(['a b c'], { vocabSize: 20 });
    expect([0, 1, 2, 3].map((id) => tok.idToToken(id))).toEqual(['<pad>', '<s>', '</s>', '<unk>']);
    expect(SPECIAL_TOKENS.map((t) => tok.tokenToId(t))).toEqual([0, 1, 2, 3]);
  });

  it('are skipped by decode and never produced from ordinary text', () => {
    const tok = trainBpe(['a b c'], { vocabSize: 20 });
    const ids = tok.encode('a b');
    expect(ids.every((id) => id > UNK_ID)).toBe(true);
    expect(tok.decode([BOS_ID, ...ids, EOS_ID, PAD_ID, PAD_ID])).toBe('a b');
  });
});

describe('hand-checked tiny corpus (Sennrich et al. 2016)', () => {
  const corpus = [
    'low low low low low lower lower',
    'newest newest newest newest newest newest widest widest widest',
  ];
  // Alphabet by code point: d e i l n o r s t w ▁ (ids 4..14). Pair counts: es 9, st 9,
  // ▁l lo ow 7, we 8 -> 2 once "es" takes newest's "e". Ties go to the lower ids.
  const expected = [
    ['e', 's'], // 9, tied with (s, t): e < s
    ['es', 't'], // 9
    ['l', 'o'], // 7, tied with (▁, l) and (o, w): l has the lowest id
    ['▁', 'lo'], // 7, tied with (lo, w): ▁ (14) < lo (17)
    ['▁lo', 'w'], // 7
    ['e', 'w'], // 6, tied with ▁n, ne, (w, est)
    ['n', 'ew'], // 6
    ['▁', 'new'], // 6
    ['▁new', 'est'], // 6
  ];

  it('learns the predicted merges in order', () => {
    const tok = trainBpe(corpus, { vocabSize: 4 + 11 + expected.length });
    expect(tok.merges).toEqual(expected);
    expect(tok.vocabSize).toBe(24);
    expect(tok.idToToken(4)).toBe('d');
    expect(tok.idToToken(14)).toBe('▁');
    expect(tok.idToToken(23)).toBe('▁newest');
  });

  it('segments unseen words with those merges', () => {
    const tok = trainBpe(corpus, { vocabSize: 24 });
    expect(tok.tokens('lowest newer')).toEqual(['▁low', 'est', '▁new', 'e', 'r']);
    expect(tok.decode(tok.encode('lowest newer'))).toBe('lowest newer');
  });

  it('stops early, below vocabSize, when no pair occurs minFrequency times', () => {
    const tok = trainBpe(corpus, { vocabSize: 1000 });
    expect(tok.vocabSize).toBeLessThan(1000);
    // Every word is then one token (each occurs at least twice).
    expect(tok.tokens('low lower newest widest')).toEqual(['▁low', '▁lower', '▁newest', '▁widest']);
  });
});

describe('trained on a Multi30k slice', () => {
  let en: string[];
  let de: string[];
  let tok: BpeTokenizer;

  beforeAll(() => {
    en = readLines('train.en.gz', 2000);
    de = readLines('train.de.gz', 2000);
    tok = trainBpe([...en, ...de, ...EDGE_CASES], { vocabSize: 2000 });
  });

  it('has exactly vocabSize tokens', () => {
    expect(tok.vocabSize).toBe(2000);
    expect(new Set(Array.from({ length: 2000 }, (_, id) => tok.idToToken(id))).size).toBe(2000);
  });

  it('round-trips every training sentence and the edge cases exactly', () => {
    const texts = [...en, ...de, ...EDGE_CASES];
    const broken = texts.filter((s) => tok.decode(tok.encode(s)) !== s);
    expect(broken).toEqual([]);
    expect(texts.some((s) => tok.encode(s).includes(UNK_ID))).toBe(false);
  });

  it('keeps repeated, interior and trailing spaces; drops one leading space (documented)', () => {
    for (const s of ['a  b', 'Hund   .', 'end  ', 'x ', 'Mann\tim Hut'])
      expect(tok.decode(tok.encode(s))).toBe(s);
    expect(tok.encode(' Ein Hund')).toEqual(tok.encode('Ein Hund'));
    expect(tok.decode(tok.encode('  Ein Hund'))).toBe(' Ein Hund');
  });

  it('maps characters never seen to <unk>, one per character', () => {
    const ids = tok.encode('Ein ☃☃ Hund');
    expect(ids.filter((id) => id === UNK_ID)).toHaveLength(2);
    expect(tok.tokens('☃')).toEqual(['▁', '<unk>']);
    expect(tok.decode(tok.encode('Ein ☃ Hund'))).toBe('Ein  Hund');
  });

  it('leaves rare characters out of the alphabet when minCharFrequency says so', () => {
    const strict = trainBpe([...en.slice(0, 200), 'Zoë'], { vocabSize: 300, minCharFrequency: 2 });
    expect(strict.tokenToId('ë')).toBeUndefined();
    expect(strict.encode('Zoë')).toContain(UNK_ID);
  });

  it('keeps only the most frequent characters when the alphabet exceeds vocabSize', () => {
    const small = trainBpe(en.slice(0, 200), { vocabSize: 14 });
    expect(small.vocabSize).toBe(14);
    expect(small.tokenToId('e')).toBeDefined(); // the most frequent letter in English
    expect(small.merges).toEqual([]);
  });

  it('streams: WordCounter line by line equals training on the texts', () => {
    const counter = new WordCounter();
    for (const line of en.slice(0, 500)) counter.add(line);
    const streamed = trainBpeFromCounts(counter, { vocabSize: 500 });
    const direct = trainBpe(en.slice(0, 500), { vocabSize: 500 });
    expect(streamed.toJSON()).toBe(direct.toJSON());
    expect(counter.lineCount).toBe(500);
  });

  it('trains a shared vocabulary or one per side', () => {
    const src = new WordCounter();
    const tgt = new WordCounter();
    en.slice(0, 500).forEach((l) => src.add(l));
    de.slice(0, 500).forEach((l) => tgt.add(l));
    const shared = trainTokenizerPair(src, tgt, { vocabSize: 600, shared: true });
    expect(shared.source).toBe(shared.target);
    expect(shared.source.decode(shared.source.encode(de[0] as string))).toBe(de[0]);
    const split = trainTokenizerPair(src, tgt, { vocabSize: 600, shared: false });
    expect(split.source).not.toBe(split.target);
    expect(split.source.vocabSize).toBe(600);
    expect(split.target.vocabSize).toBe(600);
    expect(split.source.tokenToId('ü')).toBeUndefined();
    expect(split.target.tokenToId('ü')).toBeDefined();
  });

  it('reloads from its own JSON identically', () => {
    const json = tok.toJSON();
    const again = BpeTokenizer.fromJSON(json);
    expect(again.toJSON()).toBe(json);
    for (const s of [...de.slice(0, 100), ...EDGE_CASES])
      expect(again.encode(s)).toEqual(tok.encode(s));
  });

  it('encodes to the same ids as the `tokenizers` package loading its tokenizer.json', async () => {
    const hf = Tokenizer.fromString(tok.toJSON());
    expect(hf.getVocabSize(true)).toBe(tok.vocabSize);
    // Validation sentences were not trained on: they include unseen words and characters.
    const texts = [
      ...readLines('val.en.gz', 200),
      ...readLines('val.de.gz', 200),
      ...en.slice(0, 50),
      ...EDGE_CASES,
      ...[
        ' leading',
        '  two leading',
        'trailing  ',
        ' ',
        '',
        'a<s>b</s> <pad><unk>x',
        'a▁b',
        '☃',
        '12:30 + 4.5',
      ],
    ];
    expect(texts.length).toBeGreaterThan(450);
    let unk = 0;
    for (const text of texts) {
      const ours = tok.encode(text);
      const theirs = await hf.encode(text, null, { addSpecialTokens: false });
      expect(ours, JSON.stringify(text)).toEqual(theirs.getIds());
      expect(tok.tokens(text)).toEqual(theirs.getTokens());
      expect(tok.decode(ours)).toBe(await hf.decode(ours, true));
      unk += ours.filter((id) => id === UNK_ID).length;
    }
    expect(unk).toBeGreaterThan(0); // the <unk> path was exercised too
  });
});

describe('punctuation (isolated for new tokenizers, attached in older files)', () => {
  let en: string[];
  let de: string[];
  beforeAll(() => {
    en = readLines('train.en.gz', 1000);
    de = readLines('train.de.gz', 1000);
  });

  it('keeps every punctuation character out of word tokens, so a sentence end is its own token', () => {
    const tok = trainBpe([...en, ...de, ...EDGE_CASES], { vocabSize: 1500 });
    expect(tok.punctuation).toBe('isolated');
    expect(tok.tokens('Ein Mann sitzt auf einer Straße.')).toEqual([
      '▁Ein',
      '▁Mann',
      '▁sitzt',
      '▁auf',
      '▁einer',
      '▁Straße',
      '.',
    ]);
    expect(tok.tokens("a woman's (dog)")).toEqual([
      '▁a',
      '▁woman',
      "'",
      's',
      '▁',
      '(',
      'd',
      'og',
      ')',
    ]);
    const mixed = Array.from({ length: tok.vocabSize }, (_, id) => tok.idToToken(id))
      .slice(SPECIAL_TOKENS.length)
      .filter((t) => t.length > 1 && /[\p{P}]/u.test(t));
    expect(mixed).toEqual([]);
    for (const s of [...de.slice(0, 200), ...EDGE_CASES]) expect(tok.decode(tok.encode(s))).toBe(s);
    expect(BpeTokenizer.fromJSON(tok.toJSON()).punctuation).toBe('isolated');
  });

  it('still trains, saves, loads and encodes the attached way, as `tokenizers` does', async () => {
    const tok = trainBpe([...en, ...de], { vocabSize: 1500, punctuation: 'attached' });
    expect(tok.tokens('Ein Mann sitzt auf einer Straße.').at(-1)).toBe('e.');
    expect(tok.tokens("a woman's")).toEqual(['▁a', '▁woman', "'s"]);
    const json = tok.toJSON();
    expect((JSON.parse(json) as { pre_tokenizer: { type: string } }).pre_tokenizer.type).toBe(
      'Metaspace',
    );
    const again = BpeTokenizer.fromJSON(json);
    expect(again.punctuation).toBe('attached');
    const hf = Tokenizer.fromString(json);
    for (const text of [...readLines('val.de.gz', 100), ...EDGE_CASES]) {
      const theirs = await hf.encode(text, null, { addSpecialTokens: false });
      expect(again.encode(text), JSON.stringify(text)).toEqual(theirs.getIds());
    }
  });

  it('splits off exactly the characters `tokenizers` splits off (every candidate code point)', async () => {
    // Every code point that is Unicode punctuation or a symbol, or in our table, up to U+2FFFF.
    const chars: string[] = [];
    for (let cp = 0x21; cp < 0x30000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (ch !== 'a' && ch !== '▁' && (/[\p{P}\p{S}]/u.test(ch) || isPunctuation(ch)))
        chars.push(ch);
    }
    expect(chars.length).toBeGreaterThan(7000);
    // A vocabulary where "a" merges with every one of them: the merge happens only when the
    // character stays in the word, so "a" + ch encodes to 2 ids when attached, 3 when split.
    const tok = new BpeTokenizer({
      tokens: [...SPECIAL_TOKENS, '▁', 'a', ...chars, ...chars.map((c) => 'a' + c)],
      merges: chars.map((c) => ['a', c] as const),
      normalization: 'none',
      punctuation: 'isolated',
    });
    const hf = Tokenizer.fromString(tok.toJSON());
    const differ: string[] = [];
    for (const ch of chars) {
      const theirs = await hf.encode('a' + ch, null, { addSpecialTokens: false });
      if (JSON.stringify(tok.encode('a' + ch)) !== JSON.stringify(theirs.getIds()))
        differ.push(`U+${(ch.codePointAt(0) as number).toString(16)}`);
    }
    expect(differ).toEqual([]);
  });

  it('loads a tokenizer.json written before punctuation could be isolated as attached, unchanged', async () => {
    // Written by the previous version of toJSON (tokens ▁ a . ▁a ▁a., merges ▁+a, ▁a+.).
    const added = SPECIAL_TOKENS.map(
      (content, id) =>
        `{"id":${id},"content":"${content}","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}`,
    ).join(',');
    const metaspace =
      '{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}';
    const old =
      `{"version":"1.0","truncation":null,"padding":null,"added_tokens":[${added}],"normalizer":null,` +
      `"pre_tokenizer":${metaspace},"post_processor":null,"decoder":${metaspace},` +
      '"model":{"type":"BPE","dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,' +
      '"end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":false,' +
      '"vocab":{"<pad>":0,"<s>":1,"</s>":2,"<unk>":3,"▁":4,"a":5,".":6,"▁a":7,"▁a.":8},' +
      '"merges":[["▁","a"],["▁a","."]]}}';
    const tok = BpeTokenizer.fromJSON(old);
    expect(tok.punctuation).toBe('attached');
    expect(tok.tokens('a. a')).toEqual(['▁a.', '▁a']);
    expect(tok.toJSON()).toBe(old);
    const theirs = await Tokenizer.fromString(old).encode('a. a', null, {
      addSpecialTokens: false,
    });
    expect(tok.encode('a. a')).toEqual(theirs.getIds());
    // The same vocabulary made for isolated punctuation keeps the full stop apart.
    const isolated = new BpeTokenizer({
      tokens: Array.from({ length: tok.vocabSize }, (_, i) => tok.idToToken(i)),
      merges: tok.merges,
      normalization: 'none',
      punctuation: 'isolated',
    });
    expect(isolated.tokens('a. a')).toEqual(['▁a', '.', '▁a']);
  });

  it('refuses a pre_tokenizer Sequence other than [Metaspace, Punctuation]', () => {
    const file = JSON.parse(trainBpe(en.slice(0, 50), { vocabSize: 100 }).toJSON()) as {
      pre_tokenizer: { pretokenizers: unknown[] };
    };
    file.pre_tokenizer.pretokenizers.push({ type: 'Digits' });
    expectAppError(() => BpeTokenizer.fromJSON(JSON.stringify(file)), ErrorCode.CheckpointInvalid);
  });
});

describe('agreement with `tokenizers` on random text', () => {
  it('gives identical ids for 1,000 random strings over a tiny alphabet (corner cases)', async () => {
    // Few letters, many spaces and the characters of special-token strings: runs like
    // "aaaa", repeated spaces and literal "<s>" stress merge order and splitting.
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const letters = ['a', 'b', 'a', 'b', 'c', ' ', ' ', '<', 's', '>', '/', 'é'];
    const line = (max: number): string =>
      Array.from(
        { length: 1 + Math.floor(random() * max) },
        () => letters[Math.floor(random() * letters.length)],
      ).join('');
    let compared = 0;
    for (let trial = 0; trial < 10; trial++) {
      const corpus = Array.from({ length: 100 }, () => line(30));
      const tok = trainBpe(corpus, { vocabSize: 30 + trial * 10, minFrequency: 1 });
      const hf = Tokenizer.fromString(tok.toJSON());
      for (let i = 0; i < 100; i++) {
        const text = line(40);
        const theirs = await hf.encode(text, null, { addSpecialTokens: false });
        expect(tok.encode(text), JSON.stringify(text)).toEqual(theirs.getIds());
        compared++;
      }
    }
    expect(compared).toBe(1000);
  });
});

describe('NFC normalization (optional)', () => {
  it('normalizes decomposed input and matches `tokenizers` with an NFC normalizer', async () => {
    const tok = trainBpe(['Grüße über Straßen', 'süß'], { vocabSize: 40, normalization: 'NFC' });
    const decomposed = 'Grüße süß'.normalize('NFD');
    expect(tok.encode(decomposed)).toEqual(tok.encode('Grüße süß'));
    expect(tok.encode(decomposed)).not.toContain(UNK_ID);
    const hf = Tokenizer.fromString(tok.toJSON());
    const theirs = await hf.encode(decomposed, null, { addSpecialTokens: false });
    expect(tok.encode(decomposed)).toEqual(theirs.getIds());
    expect(BpeTokenizer.fromJSON(tok.toJSON()).normalization).toBe('NFC');
  });
});

describe('errors', () => {
  it('rejects a bad vocabulary size or frequency with InvalidArgument', () => {
    expectAppError(() => trainBpe(['a'], { vocabSize: 4 }), ErrorCode.InvalidArgument);
    expectAppError(() => trainBpe(['a'], { vocabSize: 10.5 }), ErrorCode.InvalidArgument);
    expectAppError(
      () => trainBpe(['a'], { vocabSize: 10, minFrequency: 0 }),
      ErrorCode.InvalidArgument,
    );
  });

  it('cancels between merges when the signal is aborted', () => {
    expectAppError(
      () => trainBpe(['a b c a b c'], { vocabSize: 100, signal: { aborted: true } }),
      ErrorCode.Cancelled,
    );
  });

  it('rejects malformed tokenizer files with CheckpointInvalid', () => {
    const good = JSON.parse(trainBpe(['a b ab ab'], { vocabSize: 10 }).toJSON()) as {
      model: Record<string, unknown>;
      pre_tokenizer: unknown;
    };
    const variants: Array<(f: typeof good) => void> = [
      (f) => (f.model['type'] = 'WordPiece'),
      (f) => (f.model['vocab'] = { '<pad>': 0, '<s>': 1, '</s>': 2, '<unk>': 7 }),
      (f) => (f.model['vocab'] = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 }),
      (f) => (f.model['merges'] = [['a', 'zz']]),
      (f) => (f.model['merges'] = [42]),
      (f) => (f.model['byte_fallback'] = true),
      (f) => (f.pre_tokenizer = { type: 'Whitespace' }),
    ];
    expectAppError(() => BpeTokenizer.fromJSON('not json {'), ErrorCode.CheckpointInvalid);
    expectAppError(() => BpeTokenizer.fromJSON('[]'), ErrorCode.CheckpointInvalid);
    for (const change of variants) {
      const file = structuredClone(good);
      change(file);
      expectAppError(
        () => BpeTokenizer.fromJSON(JSON.stringify(file)),
        ErrorCode.CheckpointInvalid,
      );
    }
  });

  it('accepts the older "left right" merges format', () => {
    const tok = trainBpe(['ab ab ab'], { vocabSize: 10 });
    const file = JSON.parse(tok.toJSON()) as { model: { merges: string[][] } };
    const old = {
      ...file,
      model: { ...file.model, merges: file.model.merges.map((m) => m.join(' ')) },
    };
    expect(BpeTokenizer.fromJSON(JSON.stringify(old)).encode('ab ab')).toEqual(tok.encode('ab ab'));
  });

  it('throws InvalidArgument for an id outside the vocabulary', () => {
    const tok = trainBpe(['a'], { vocabSize: 10 });
    expectAppError(() => tok.idToToken(tok.vocabSize), ErrorCode.InvalidArgument);
    expectAppError(() => tok.decode([99]), ErrorCode.InvalidArgument);
  });
});
