/**
 * Everything a dataset import can be told: how to read the files, what cleaning drops, how
 * the validation set is made and the BPE vocabulary. Every field has a default, declared
 * here and filled in where a request arrives; main/importer implements the import.
 */
import { z } from 'zod';
import { MAX_VOCABULARY } from './model';
import { choiceField, intField, numberField, settingsGroup, switchField } from './field';

/** `aligned`: two aligned plain-text files, one sentence per line. The others: one file, two picked columns/fields. */
export const CORPUS_FORMATS = ['aligned', 'tsv', 'csv', 'jsonl'] as const;
/** A format a corpus is read in. */
export type CorpusFormat = (typeof CORPUS_FORMATS)[number];

const cleaning = settingsGroup({
  lengthUnit: choiceField({
    label: 'Length unit',
    noun: 'The length unit',
    help: 'Lengths count whitespace-separated words or UTF-16 characters.',
    flag: 'length-unit',
    values: ['words', 'chars'],
    labels: { words: 'words', chars: 'characters' },
    default: 'words',
  }),
  minLength: intField({
    label: 'Min length',
    noun: 'The minimum length',
    help: 'Drop pairs where either side is shorter than this.',
    flag: 'min-length',
    min: 0,
    max: 100_000,
    default: 1,
  }),
  maxLength: intField({
    label: 'Max length',
    noun: 'The maximum length',
    help: 'Drop pairs where either side is longer than this.',
    flag: 'max-length',
    min: 1,
    max: 1_000_000,
    default: 250,
  }),
  maxRatio: numberField({
    label: 'Max length ratio',
    noun: 'The maximum length ratio',
    help: "Drop pairs whose longer side is more than this many times the shorter (as Moses' clean-corpus-n); 0 = off.",
    flag: 'max-ratio',
    min: 1,
    max: 1000,
    step: 0.5,
    zeroOff: true,
    default: 9,
  }),
  dedupe: switchField({
    label: 'Drop duplicate pairs',
    noun: 'dedupe',
    help: 'Drop exact duplicate pairs after the first.',
    flag: 'keep-duplicates',
    flagHelp: 'Do not drop exact duplicate pairs.',
    flagSets: false,
    default: true,
  }),
  dropIdentical: switchField({
    label: 'Drop pairs whose sides are identical',
    noun: 'dropIdentical',
    help: 'Drop pairs whose two sides are the same text, usually untranslated.',
    flag: 'keep-identical',
    flagHelp: 'Do not drop pairs equal on both sides.',
    flagSets: false,
    default: true,
  }),
});

/** Every cleaning field by key, with its metadata. */
export const CLEANING_FIELDS = cleaning.fields;

/** What is dropped at import; a field left out takes its default. */
export const cleaningSchema = z.object(cleaning.shape);
/** Every cleaning rule, each set. */
export type CleaningOptions = z.output<typeof cleaningSchema>;
/** Lengths in whitespace-separated words or UTF-16 characters. */
export type LengthUnit = CleaningOptions['lengthUnit'];
/** The cleaning rules' defaults, as declared above. */
export const DEFAULT_CLEANING: Readonly<CleaningOptions> = cleaningSchema.parse({});

const split = settingsGroup({
  fraction: numberField({
    label: 'Validation fraction',
    noun: 'The validation fraction',
    help: 'Share of the cleaned pairs sent to validation.',
    flag: 'valid-fraction',
    min: 0,
    max: 0.5,
    step: 0.01,
    default: 0.05,
  }),
  seed: intField({
    label: 'Split seed',
    noun: 'The split seed',
    help: 'Seed of the split: the same seed gives the same split.',
    flag: 'seed',
    min: 0,
    max: 4_294_967_295,
    default: 1,
  }),
  maxPairs: intField({
    label: 'Most validation pairs',
    noun: 'The most validation pairs',
    help: 'At most this many validation pairs; later pairs go to training.',
    min: 1,
    max: 10_000_000,
    default: 5000,
  }),
});

/** Every field of the seeded validation split by key, with its metadata. */
export const SPLIT_FIELDS = split.fields;

const paths = z.array(z.string().min(1)).min(1).max(2);

const splitSchema = z.object(split.shape);

/** How the validation set is made: a seeded share of the corpus, or the user's own files. */
export const validationSchema = z.union([
  splitSchema,
  /** A validation corpus in the same format as the training corpus: two aligned files or one TSV/CSV/JSONL. */
  z.object({ files: paths }),
]);
/** A seeded split names its fraction (the seed and the cap may be left out), or the files. */
export type ValidationOptions =
  (z.input<typeof splitSchema> & { fraction: number }) | { files: string[] };

/** The seeded split's defaults. */
export const DEFAULT_SPLIT: Readonly<z.output<typeof splitSchema>> = splitSchema.parse({});

const corpus = settingsGroup({
  format: choiceField({
    label: 'Format',
    noun: 'The format',
    help: 'Default: two files are aligned text, one file is sniffed (TSV, CSV or JSONL).',
    flag: 'format',
    values: CORPUS_FORMATS,
  }),
  vocabSize: intField({
    label: 'BPE vocabulary size',
    noun: 'The vocabulary size',
    help: 'BPE vocabulary size, the 4 special tokens included.',
    unit: 'tokens',
    flag: 'vocab-size',
    min: 8,
    max: MAX_VOCABULARY,
    step: 500,
    default: 8000,
  }),
  sharedVocab: switchField({
    label: 'One vocabulary for both languages (needed for tied embeddings)',
    noun: 'sharedVocab',
    help: 'One vocabulary for both languages; separate ones cannot tie embeddings.',
    flag: 'separate-vocab',
    flagHelp: 'One vocabulary per language (default: one shared vocabulary).',
    flagSets: false,
    default: true,
  }),
  maxLineBytes: intField({
    label: 'Longest line',
    noun: 'The longest line',
    help: 'Longest accepted line in bytes.',
    unit: 'bytes',
    min: 64,
    max: 1 << 30,
    default: 1 << 20,
  }),
});

/** The corpus-wide import fields by key, with their metadata. */
export const IMPORT_FIELDS = corpus.fields;

/**
 * How a BPE tokenizer treats punctuation (main/text/preTokenize.ts). 'isolated', what every
 * import trains now: each punctuation character is a word of its own, so no token fuses a
 * word with its punctuation, as SentencePiece keeps them apart. 'attached', what tokenizers
 * trained before have (and still load as): punctuation stays inside its word ("▁Sofa." is
 * one token, unrelated to "▁Sofa").
 */
export const PUNCTUATION_MODES = ['attached', 'isolated'] as const;
/** A way of treating punctuation before BPE. */
export type PunctuationMode = (typeof PUNCTUATION_MODES)[number];
/** What new tokenizers use. */
export const DEFAULT_PUNCTUATION: PunctuationMode = 'isolated';

const columnRef = z.union([z.number().int().min(0), z.string().min(1)]);
/** TSV/CSV: a 0-based column index; JSONL: a dotted field path (`translation.en`). */
export type ColumnRef = z.infer<typeof columnRef>;
/** The two columns (TSV/CSV) or fields (JSONL) that hold the source and target text. */
export const columnPickSchema = z.object({ src: columnRef, tgt: columnRef });
/** The source and target columns (TSV/CSV) or fields (JSONL). */
export type ColumnPick = z.infer<typeof columnPickSchema>;

/** Everything an import can be told; every field has a default. */
export const importOptionsSchema = z.object({
  /** Dataset name, unique among datasets (default: from the file names and languages). */
  name: z.string().min(1).max(200).optional(),
  format: corpus.shape.format.optional(),
  /** Default: the preview's suggestion. */
  columns: columnPickSchema.optional(),
  /** TSV/CSV: whether the first row holds column names (default: guessed). */
  header: z.boolean().optional(),
  /** Language codes (default: guessed from file, column or field names; else "src"/"tgt"). */
  srcLang: z.string().max(40).optional(),
  tgtLang: z.string().max(40).optional(),
  cleaning: cleaningSchema.optional(),
  validation: validationSchema.optional(),
  vocabSize: corpus.shape.vocabSize,
  sharedVocab: corpus.shape.sharedVocab,
  maxLineBytes: corpus.shape.maxLineBytes,
});

/** What a caller may send: every field optional. */
export type ImportOptions = Omit<z.input<typeof importOptionsSchema>, 'validation'> & {
  validation?: ValidationOptions;
};

/** The corpus-wide defaults (vocabulary, shared vocabulary, longest line, punctuation). */
export const IMPORT_DEFAULTS = {
  vocabSize: corpus.shape.vocabSize.parse(undefined),
  sharedVocab: corpus.shape.sharedVocab.parse(undefined),
  maxLineBytes: corpus.shape.maxLineBytes.parse(undefined),
  punctuation: DEFAULT_PUNCTUATION,
  validation: DEFAULT_SPLIT,
  cleaning: DEFAULT_CLEANING,
} as const;
