/**
 * The model's settings (a single typed config is the model's whole interface, saved in every
 * checkpoint): each field's range, label, help and unit, and the rules that tie fields
 * together (d_k = d_model / h is whole, tied embeddings need one vocabulary).
 * Presets give the values (presets.ts); the vocabulary sizes come from the dataset.
 */
import { z } from 'zod';
import {
  choiceField,
  intField,
  numberField,
  reportIssues,
  settingsGroup,
  switchField,
  tableIssues,
  type ConfigIssue,
} from './field';

/** The largest BPE vocabulary the studio trains or a model reads. */
export const MAX_VOCABULARY = 200_000;

const vocabulary = (side: 'source' | 'target') =>
  intField({
    label: `${side === 'source' ? 'Source' : 'Target'} vocabulary`,
    noun: `${side} vocabulary size`,
    help: `Tokens of the ${side} tokenizer, the 4 special tokens included (set by the dataset).`,
    unit: 'tokens',
    // The 4 special tokens and at least one more.
    min: 5,
    max: MAX_VOCABULARY,
  });

const model = settingsGroup({
  srcVocabSize: vocabulary('source'),
  tgtVocabSize: vocabulary('target'),
  dModel: intField({
    label: 'd_model',
    noun: 'd_model',
    help: 'Width of every sublayer output and of the embeddings.',
    min: 8,
    max: 4096,
    step: 8,
  }),
  heads: intField({
    label: 'Heads',
    noun: 'heads',
    help: 'Attention heads h; each attends with d_k = d_model / h.',
    min: 1,
    max: 64,
  }),
  dFF: intField({
    label: 'd_ff',
    noun: 'd_ff',
    help: 'Inner width of the position-wise feed-forward network.',
    min: 8,
    max: 32_768,
    step: 64,
  }),
  encoderLayers: intField({
    label: 'Encoder layers',
    noun: 'encoder layers',
    help: 'N, the layers of the encoder stack.',
    min: 1,
    max: 32,
  }),
  decoderLayers: intField({
    label: 'Decoder layers',
    noun: 'decoder layers',
    help: 'N, the layers of the decoder stack.',
    min: 1,
    max: 32,
  }),
  dropout: numberField({
    label: 'Dropout',
    noun: 'dropout',
    help: 'P_drop on sublayer outputs, embedding sums and attention weights.',
    min: 0,
    max: 0.9,
    step: 0.05,
  }),
  maxPositions: intField({
    label: 'Max positions',
    noun: 'max positions',
    help: 'Longest sequence, with <s> and </s>, the positional encoding covers.',
    unit: 'tokens',
    // <s>, one token, </s> and room for one more.
    min: 4,
    max: 8192,
    step: 16,
  }),
  positionalEncoding: choiceField({
    label: 'Positional encoding',
    noun: 'positional encoding',
    help: 'Sinusoidal as in the paper, or learned position embeddings.',
    values: ['sinusoidal', 'learned'],
  }),
  normPosition: choiceField({
    label: 'LayerNorm',
    noun: 'LayerNorm position',
    help: 'Post-LN as in the paper (x + Sublayer(x), then LayerNorm), or pre-LN.',
    values: ['post', 'pre'],
    labels: { post: 'post-LN (paper)', pre: 'pre-LN' },
  }),
  tieEmbeddings: switchField({
    label: 'Tie embeddings (one matrix for source, target and output)',
    noun: 'tied embeddings',
    help: 'Paper 3.4: one matrix for both embeddings and the pre-softmax projection; needs a shared vocabulary.',
  }),
});

/** Every model field by key, with its metadata. */
export const MODEL_FIELDS = model.fields;

/** The knobs a form edits and a preset fixes, in form order (vocabulary sizes come from the dataset). */
export const MODEL_SHAPE_TABLE = model.table.filter(
  (f): f is (typeof model.table)[number] & { key: keyof ModelShape } =>
    f.key !== 'srcVocabSize' && f.key !== 'tgtVocabSize',
);

/** Whole-config rules: what no single field's range can say. */
function modelRules(c: ModelConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (
    Number.isInteger(c.dModel) &&
    Number.isInteger(c.heads) &&
    c.heads > 0 &&
    c.dModel % c.heads !== 0
  ) {
    issues.push({
      field: 'dModel',
      message: `d_model ${c.dModel} is not divisible by heads ${c.heads}; d_k = d_model / h must be a whole number.`,
    });
  }
  if (c.positionalEncoding === 'sinusoidal' && c.dModel % 2 !== 0) {
    issues.push({
      field: 'dModel',
      message: `d_model ${c.dModel} must be even for the sinusoidal positional encoding (sine and cosine pairs).`,
    });
  }
  if (c.tieEmbeddings && c.srcVocabSize !== c.tgtVocabSize) {
    issues.push({
      field: 'tieEmbeddings',
      message: `Tied embeddings need one shared vocabulary, but the source has ${c.srcVocabSize} tokens and the target ${c.tgtVocabSize}; untie them or train a shared tokenizer.`,
    });
  }
  return issues;
}

/** A model config as zod checks it: every field in range, and the whole-config rules. */
export const modelConfigSchema = z.object(model.shape).superRefine((c, ctx) => {
  reportIssues(modelRules(c), ctx);
});

/** The model's whole interface: saved in every checkpoint, so a run resumes from it alone. */
export type ModelConfig = z.infer<typeof modelConfigSchema>;
/** Sinusoidal (paper 3.5) or learned positions. */
export type PositionalEncodingKind = ModelConfig['positionalEncoding'];
/** Post-LN as in the paper (x + Sublayer(x) then LayerNorm), or pre-LN. */
export type NormPosition = ModelConfig['normPosition'];

/** Model knobs a preset fixes; vocabulary sizes come from the dataset's tokenizer. */
export type ModelShape = Omit<ModelConfig, 'srcVocabSize' | 'tgtVocabSize'>;

/** The knobs a caller may change on top of a preset: any of them, each in its range. */
export const modelShapeOverridesSchema = z
  .object(model.shape)
  .omit({ srcVocabSize: true, tgtVocabSize: true })
  .partial();

/**
 * Every inconsistency in a model config, as full sentences; empty when it is valid. Works on
 * what a form holds too (NaN for an empty input is reported like any value out of range).
 */
export function modelConfigIssues(c: ModelConfig): ConfigIssue[] {
  return [...tableIssues(model.table, c), ...modelRules(c)];
}
