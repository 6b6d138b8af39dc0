/**
 * How a checkpoint translates: greedy or beam search (paper 6.1: "beam search with a beam
 * size of 4 and length penalty alpha = 0.6"), n-best, the maximum length and the key/value
 * cache. Each default is declared here and filled in where a request arrives (API dispatch,
 * CLI parsing); the code below receives complete settings.
 */
import { z } from 'zod';
import {
  choiceField,
  intField,
  numberField,
  settingsGroup,
  switchField,
  type ConfigIssue,
} from './field';

/** The widest beam a request may ask for. */
const MAX_BEAM = 64;

const decode = settingsGroup({
  mode: choiceField({
    label: 'Decoding',
    noun: 'The decoding mode',
    help: 'Greedy takes the most probable token at every step; beam search keeps the B best hypotheses.',
    values: ['greedy', 'beam'],
    labels: { greedy: 'Greedy', beam: 'Beam' },
    default: 'beam',
  }),
  beamSize: intField({
    label: 'Width',
    noun: 'The beam size',
    help: 'Beam width B: hypotheses kept at every step (1 is greedy decoding).',
    flag: 'beam',
    min: 1,
    max: MAX_BEAM,
    default: 4,
  }),
  alpha: numberField({
    label: 'Alpha',
    noun: 'alpha',
    help: 'Length penalty: score / ((5 + len) / 6)^alpha; 0 ranks by log-probability.',
    flag: 'alpha',
    min: 0,
    max: 5,
    step: 0.1,
    default: 0.6,
  }),
  nbest: intField({
    label: 'N-best',
    noun: 'nbest',
    help: 'Hypotheses returned per sentence, at most the beam width.',
    flag: 'nbest',
    min: 1,
    max: MAX_BEAM,
    default: 1,
  }),
  margin: intField({
    label: 'Length margin',
    noun: 'The length margin',
    help: 'Longest translation = source length (with </s>) + this many tokens, within the model positions.',
    unit: 'tokens',
    min: 0,
    max: 8192,
    default: 50,
  }),
  cache: switchField({
    label: 'Key/value cache',
    noun: 'cache',
    help: 'Decode on the key/value cache; off re-runs the decoder every step (slower; the reference).',
    flag: 'no-cache',
    flagHelp: 'Decode without the key/value cache (slower; the reference).',
    flagSets: false,
    default: true,
  }),
  attention: switchField({
    label: 'Attention weights',
    noun: 'attention',
    help: 'Return the attention weights of every layer and head for the best hypothesis.',
    default: false,
  }),
});

/** Every decoding field by key, with its metadata. */
export const DECODE_FIELDS = decode.fields;

/** The one rule between fields: a beam returns at most its width of hypotheses. */
export function nbestIssue(s: {
  mode: string;
  beamSize: number;
  nbest: number;
}): ConfigIssue | undefined {
  if (s.mode !== 'beam' || !(s.nbest > s.beamSize)) return undefined;
  return {
    field: 'nbest',
    message: `nbest (${s.nbest}) cannot exceed the beam size (${s.beamSize}); raise the beam size or ask for fewer hypotheses.`,
  };
}

function checkNbest(
  s: { mode: string; beamSize: number; nbest: number },
  ctx: z.RefinementCtx,
): void {
  const issue = nbestIssue(s);
  if (issue) ctx.addIssue({ code: 'custom', message: issue.message, path: [issue.field] });
}

/** Decoding settings, every default filled in, n-best within the beam. */
export const decodeSettingsSchema = z.object(decode.shape).superRefine(checkNbest);

/** Complete decoding settings: what the engine and the search receive. */
export type DecodeSettings = z.output<typeof decodeSettingsSchema>;
/** What a caller may send: any field left out takes its default. */
export type DecodeSettingsInput = z.input<typeof decodeSettingsSchema>;
/** Greedy decoding or beam search. */
export type DecodeMode = DecodeSettings['mode'];

/** The defaults, as declared above. */
export const DECODE_DEFAULTS: Readonly<DecodeSettings> = decodeSettingsSchema.parse({});

/** Which checkpoint translates when none is named: the best by the run's early-stopping metric. */
export const DEFAULT_CHECKPOINT_REF = 'best';

/** A translate request of the playground: a run, a checkpoint, one sentence, how to decode it. */
export const translateRequestSchema = z
  .object({
    runId: z.string().min(1).max(200),
    /** A checkpoint id ("3000", "avg-...") or 'best' / 'last'. Default 'best'. */
    checkpoint: z.string().min(1).max(200).default(DEFAULT_CHECKPOINT_REF),
    text: z.string().min(1).max(5000),
    ...decode.shape,
  })
  .superRefine(checkNbest);

/** What a caller sends; every decoding field left out takes its default. */
export type TranslateRequest = z.input<typeof translateRequestSchema>;
