/**
 * The Inside screen's views in the order of the paper's story: what each shows, where in the
 * paper, the one or two sentences that explain it, and how its answer is drawn.
 */
import type { ReactNode } from 'react';
import type { InsideCallName, InsideOutputs } from '../../../../shared/inside';
import { AttentionView } from './AttentionView';
import { BeamTreeView } from './BeamTreeView';
import { EmbeddingsView } from './EmbeddingsView';
import { KvCacheView } from './KvCacheView';
import { MasksView } from './MasksView';
import { SoftmaxView } from './SoftmaxView';
import { TokenProbsView } from './TokenProbsView';
import { TrainingView } from './TrainingView';

/** Which knobs a view reads besides the run, checkpoint and sentence. */
export type Knob = 'layerHead' | 'topK' | 'beam';

export interface ViewSpec<K extends InsideCallName> {
  name: K;
  title: string;
  paper: string;
  explain: string;
  knobs: Knob[];
  render(result: InsideOutputs[K]): ReactNode;
}

type AnyView = { [K in InsideCallName]: ViewSpec<K> }[InsideCallName];

export const VIEWS: AnyView[] = [
  {
    name: 'insideEmbeddings',
    title: 'Embeddings and positions',
    paper: 'Paper 3.4 Embeddings and Softmax, 3.5 Positional Encoding',
    explain:
      'Attention by itself ignores word order, so each token vector (multiplied by √d_model) gets a positional encoding added: sinusoids of geometrically growing wavelengths, one pair per two dimensions. The sum is what the first encoder layer reads.',
    knobs: [],
    render: (r) => <EmbeddingsView result={r} />,
  },
  {
    name: 'insideAttention',
    title: 'Attention',
    paper: 'Paper 3.2.2 Multi-Head Attention, 3.2.3 Applications of Attention in our Model',
    explain:
      'Each head of each layer mixes the values of the positions it attends to, weighted by softmax(QKᵀ/√d_k); every row sums to 1. The decoder side is your translation fed back token by token (teacher forcing), so row i is the step that produced output token i.',
    knobs: [],
    render: (r) => <AttentionView result={r} />,
  },
  {
    name: 'insideMasks',
    title: 'Masks',
    paper: 'Paper 3.2.3 (masking in the decoder), 3.2.1 (masked scores set to −∞)',
    explain:
      'Masks are added to the scores before the softmax: −10⁹ where a query may not look, so its weight comes out exactly 0. The padding mask hides <pad> of shorter sentences in a batch; the causal mask hides later decoder positions.',
    knobs: ['layerHead'],
    render: (r) => <MasksView result={r} />,
  },
  {
    name: 'insideSoftmax',
    title: 'Softmax scaling',
    paper: 'Paper 3.2.1 Scaled Dot-Product Attention (footnote 4)',
    explain:
      'Dot products of d_k-dimensional vectors grow like √d_k; without the 1/√d_k factor the softmax saturates towards one-hot, where its gradients are tiny. Compare the largest weight and the entropy of the rows.',
    knobs: ['layerHead'],
    render: (r) => <SoftmaxView result={r} />,
  },
  {
    name: 'insideTokenProbs',
    title: 'Token probabilities',
    paper: 'Paper 3.4 (the softmax over the vocabulary)',
    explain:
      'At every output step the decoder gives a probability to every token of the vocabulary; greedy decoding takes the first, beam search keeps several. A confident model puts most of the mass on one token; <unk> in the input means the tokenizer could not spell a word.',
    knobs: ['topK'],
    render: (r) => <TokenProbsView result={r} />,
  },
  {
    name: 'insideBeamTree',
    title: 'Beam search tree',
    paper: 'Paper 6.1 (beam size 4, length penalty α = 0.6; Wu et al. 2016)',
    explain:
      'Beam search keeps the B best prefixes at each step instead of one, ranked by log-probability divided by a length penalty so short outputs do not win by default. The tree is the real search: its best hypothesis is what the Playground returns.',
    knobs: ['beam'],
    render: (r) => <BeamTreeView result={r} />,
  },
  {
    name: 'insideTraining',
    title: 'Training signals',
    paper: 'Paper 5.3 Optimizer, 5.4 Regularization (label smoothing), 3 (teacher forcing)',
    explain:
      'The learning rate rises linearly during warm-up, then decays with 1/√step. The loss aims at a smoothed target, not a one-hot one; and the decoder reads the target shifted behind <s>. The target here is the model’s own translation of your sentence; in training it is the reference.',
    knobs: [],
    render: (r) => <TrainingView result={r} />,
  },
  {
    name: 'insideKvCache',
    title: 'Key/value cache',
    paper: 'Paper 3 (auto-regressive decoding), 3.2.3 (why the causal mask makes caching exact)',
    explain:
      'An earlier position never attends to a later one, so its keys and values never change: the cache keeps them and each step computes only the new position. Without it every step re-runs the decoder on the whole prefix.',
    knobs: [],
    render: (r) => <KvCacheView result={r} />,
  },
];
