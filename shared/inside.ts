/**
 * The Inside screen's contract: one call per view, each answering the numbers of one part of
 * the paper computed by the engine worker on the user's own checkpoint and sentence. The
 * calls are spread into shared/api.ts's CALLS; their outputs carry plain numbers and strings.
 */
import { z } from 'zod';
import { DEFAULT_CHECKPOINT_REF } from './schema/decode';

/** The most layers or heads a view may be asked about (far above every preset). */
const MAX_INDEX = 63;

/**
 * What every Inside view is computed from: a run's checkpoint and a sentence. The target the
 * decoder-side views show is the model's own translation (greedy, or beam with `beamSize` and
 * `alpha`), fed back with teacher forcing. Fields a view does not use are ignored.
 */
export const insideRequestSchema = z.object({
  runId: z.string().min(1).max(200),
  /** A checkpoint id or 'best' / 'last'. */
  checkpoint: z.string().min(1).max(200).default(DEFAULT_CHECKPOINT_REF),
  text: z.string().min(1).max(5000),
  /** How the target of the decoder-side views is found. */
  mode: z.enum(['greedy', 'beam']).default('greedy'),
  beamSize: z.number().int().min(1).max(16).default(4),
  alpha: z.number().min(0).max(5).default(0.6),
  /** Layer (0-based) of the masks and softmax-scaling views. */
  layer: z.number().int().min(0).max(MAX_INDEX).default(0),
  /** Head (0-based) of the masks and softmax-scaling views. */
  head: z.number().int().min(0).max(MAX_INDEX).default(0),
  /** Alternatives per output step in the token-probabilities view. */
  topK: z.number().int().min(1).max(20).default(5),
});

/** What a caller sends: fields with a default may be left out. */
export type InsideRequest = z.input<typeof insideRequestSchema>;
/** The request with every default filled in. */
export type InsideSettings = z.output<typeof insideRequestSchema>;

/** The tokens every decoder-side view is laid out on. */
export interface InsideTokens {
  /** Encoder input, ending with `</s>`. */
  srcTokens: string[];
  /** True where the tokenizer fell back to `<unk>`. */
  srcUnk: boolean[];
  /** Decoder input (teacher forcing): `<s>` then the translation without its last token. */
  tgtInTokens: string[];
  /** What the decoder produced at each position: the translation, ending with `</s>` when finished. */
  outTokens: string[];
}

/** View 2 (paper 3.2.3): every layer's and head's attention weights, rows summing to 1. */
export interface InsideAttention extends InsideTokens {
  /** [layer][head][S][S] encoder self-attention. */
  encoder: number[][][][];
  /** [layer][head][T][T] decoder (masked) self-attention. */
  decoderSelf: number[][][][];
  /** [layer][head][T][S] encoder-decoder attention. */
  cross: number[][][][];
}

/** View 1 (paper 3.4, 3.5): positional encoding, scaled token embeddings and their sum. */
export interface InsideEmbeddings {
  srcTokens: string[];
  srcUnk: boolean[];
  kind: 'sinusoidal' | 'learned';
  dModel: number;
  /** sqrt(d_model), the factor the token vectors are multiplied by. */
  scale: number;
  /** [position][dimension] for the positions shown (at least the sentence's). */
  positional: number[][];
  /** [position][position] dot products PE(i)·PE(j). */
  positionSimilarity: number[][];
  /** [S][d_model] token vectors times sqrt(d_model). */
  tokenEmbeddings: number[][];
  /** [S][d_model] token vectors plus positional encoding: what enters encoder layer 1. */
  sum: number[][];
}

/** Scores of one head before and after the additive mask, [queries][keys]. */
export interface MaskedScores {
  before: number[][];
  after: number[][];
}

/** View 3 (paper 3.2.3): the padding mask and the causal mask, and what they do to scores. */
export interface InsideMasks {
  /** The layers shown: the one asked for, or the last when a stack has fewer. */
  encoderLayer: number;
  decoderLayer: number;
  head: number;
  /** What a masked score becomes (added to it); its exp() is exactly 0. */
  maskedScore: number;
  /** The batch: the sentence, and a shorter one (its first tokens) padded to its length. */
  batchTokens: string[][];
  /** [batch][S]: 1 where the token is `<pad>` (masked for every query). */
  paddingMask: number[][];
  /** Encoder self-attention scores of the padded (second) sentence, [S][S]. */
  encoderScores: MaskedScores;
  tgtInTokens: string[];
  /** [T][T]: 1 above the diagonal (query i may not see key j > i). */
  causalMask: number[][];
  /** Decoder self-attention scores under the causal mask, [T][T]. */
  decoderScores: MaskedScores;
}

/** Scores and softmax weights of one head, [queries][keys], with each row's largest weight. */
export interface SoftmaxPanel {
  scores: number[][];
  weights: number[][];
  rowMax: number[];
  /** Entropy of each row in nats: ln(keys) is uniform, 0 is one-hot (saturated). */
  rowEntropy: number[];
}

/** View 4 (paper 3.2.1): one head's softmax with and without the 1/sqrt(d_k) factor. */
export interface InsideSoftmax {
  layer: number;
  head: number;
  dk: number;
  srcTokens: string[];
  scaled: SoftmaxPanel;
  unscaled: SoftmaxPanel;
  /** The study notes' example: softmax([6, 4]) and the same scores multiplied by factors. */
  example: { factor: number; scores: number[]; weights: number[] }[];
}

/** One alternative of an output step. */
export interface TokenChoice {
  token: string;
  prob: number;
}

/** View 6: at each output step the top-k next tokens and the one the search took. */
export interface InsideTokenProbs {
  srcTokens: string[];
  srcUnk: boolean[];
  steps: { chosen: string; chosenProb: number; top: TokenChoice[] }[];
}

/** What happened to a candidate extension among a step's 2B best. */
export type BeamFate = 'kept' | 'finished' | 'dropped' | 'cutOff';

/** A node of the beam tree: a hypothesis prefix; id 0 is the root `<s>`. */
export interface BeamTreeNode {
  id: number;
  parent: number;
  /** Output step (1 = the first token). */
  step: number;
  token: string;
  tokenLogProb: number;
  /** log P of the prefix. */
  logProb: number;
  /** logProb / length penalty at this length: how the beam ranks it. */
  score: number;
  fate: BeamFate;
}

/** A hypothesis of a search with its path in the tree. */
export interface BeamPath {
  tokens: string[];
  logProb: number;
  score: number;
  finished: boolean;
  /** Tree nodes from the first token to the last; absent when the tree never held it. */
  nodeIds?: number[];
}

/** View 5 (paper 6.1): every hypothesis kept and dropped, the n-best and greedy's path. */
export interface InsideBeamTree {
  beamSize: number;
  alpha: number;
  nodes: BeamTreeNode[];
  /** Why the search stopped: no live hypothesis, the maximum length, or no live one could win. */
  endReason: 'noLive' | 'maxLength' | 'bound';
  /** The step it stopped after. */
  endStep: number;
  /** The beam search's own n-best list (all B), best first. */
  nbest: BeamPath[];
  greedy: BeamPath;
}

/** View 8: decoding the sentence with and without the key/value cache. */
export interface InsideKvCache {
  srcLen: number;
  /** Tokens produced (the same with and without the cache). */
  tokens: string[];
  cachedMs: number;
  uncachedMs: number;
  /** True when both decodings produced the same tokens (they must). */
  sameOutput: boolean;
  /** Bytes per step t: self-attention keys/values grow by one position, cross ones are fixed. */
  perStep: { step: number; selfBytes: number; crossBytes: number }[];
}

/** View 7 (paper 5.3, 5.4, 3 teacher forcing): what training feeds and aims at. */
export interface InsideTraining {
  lr: {
    points: { step: number; lr: number }[];
    /** The checkpoint's step and its learning rate (budget runs: the step schedule's value). */
    current: { step: number; lr: number };
    warmupSteps: number;
    maxSteps: number;
    /** True when the run trained with a time budget (its lr followed the budget schedule). */
    budget: boolean;
  };
  smoothing: {
    epsilon: number;
    vocab: number;
    /** The target token shown. */
    token: string;
    /** The smoothed target's probability of the target token, and of every other token. */
    targetProb: number;
    otherProb: number;
    /** The model's own top predictions for that position, beside both targets. */
    rows: { token: string; oneHot: number; smoothed: number; model: number }[];
  };
  teacherForcing: { decoderInput: string[]; target: string[] };
}

/** A call spec (shared/api.ts's CallSpec shape, spelt out here so api.ts can import this file). */
interface InsideCall<O> {
  input: typeof insideRequestSchema;
  output?: () => O;
}

function insideCall<O>(): InsideCall<O> {
  return { input: insideRequestSchema };
}

/** The Inside screen's calls, one per view; spread into CALLS. */
export const INSIDE_CALLS = {
  insideAttention: insideCall<InsideAttention>(),
  insideEmbeddings: insideCall<InsideEmbeddings>(),
  insideMasks: insideCall<InsideMasks>(),
  insideSoftmax: insideCall<InsideSoftmax>(),
  insideTokenProbs: insideCall<InsideTokenProbs>(),
  insideBeamTree: insideCall<InsideBeamTree>(),
  insideKvCache: insideCall<InsideKvCache>(),
  insideTraining: insideCall<InsideTraining>(),
} as const;

export type InsideCallName = keyof typeof INSIDE_CALLS;
export const INSIDE_CALL_NAMES = Object.keys(INSIDE_CALLS) as InsideCallName[];

/** Output of each Inside call. */
export type InsideOutputs = {
  [K in InsideCallName]: NonNullable<(typeof INSIDE_CALLS)[K]['output']> extends () => infer O
    ? O
    : never;
};

// ---------------------------------------------------------------------------
// View 9, watch it learn: pinned sentences translated at every validation point

/** The most sentences a run may pin, and the longest one. */
export const MAX_PINS = 5;
export const MAX_PIN_CHARS = 500;

/** One pinned sentence at one validation point: greedy translation and cross-attention. */
export interface WatchTranslation {
  text: string;
  srcTokens: string[];
  tokens: string[];
  /** [tgt][src]: the last decoder layer's encoder-decoder attention, mean over heads. */
  cross: number[][];
}

/** What the engine recorded at one validation point (runs/<id>/watch.jsonl, one per line). */
export interface WatchRecord {
  step: number;
  /** Milliseconds since the epoch. */
  time: number;
  translations: WatchTranslation[];
}

export interface WatchState {
  pins: string[];
  records: WatchRecord[];
}

const watchRunInput = z.object({ runId: z.string().min(1).max(200) });
const pinInput = z.object({
  runId: z.string().min(1).max(200),
  sentences: z.array(z.string().trim().min(1).max(MAX_PIN_CHARS)).max(MAX_PINS),
});

/** The watch-it-learn calls (answered by the host from the run folder); spread into CALLS. */
export const WATCH_CALLS = {
  /** A run's pinned sentences and what was recorded for them at each validation point. */
  insideWatch: { input: watchRunInput } as {
    input: typeof watchRunInput;
    output?: () => WatchState;
  },
  /** Sets a run's pinned sentences (recorded from its next validation point on). */
  insidePin: { input: pinInput } as { input: typeof pinInput; output?: () => WatchState },
} as const;
