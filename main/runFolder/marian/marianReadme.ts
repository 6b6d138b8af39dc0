/**
 * README.md of an exported Hugging Face folder: what the model is, how it was trained, how
 * its special tokens map onto Marian's, and the Python lines that load and continue it.
 */
import type { ModelConfig, TrainConfig } from '../../../shared/types';
import { corpusBleu } from '../../eval/bleu';

/** What the README says about where the weights come from. */
export interface ReadmeFacts {
  runName: string;
  runId: string;
  datasetId: string;
  preset: string;
  checkpoint: string;
  step: number;
  model: ModelConfig;
  train: TrainConfig;
  validLoss?: number;
  bleu?: number;
  bleuSentences?: number;
  bleuWholeSet?: boolean;
  averagedFrom?: number[];
}

/** The sacreBLEU signature of the studio's validation BLEU (one reference, its defaults). */
function bleuSignature(): string {
  return corpusBleu(['x'], [['x']]).signature;
}

function scores(f: ReadmeFacts): string[] {
  const lines: string[] = [];
  if (f.validLoss !== undefined) {
    lines.push(
      `- Validation loss (label-smoothed cross-entropy per token): ${f.validLoss.toFixed(4)}`,
    );
  }
  if (f.bleu !== undefined) {
    const on =
      f.bleuSentences === undefined
        ? 'validation sentences'
        : `${f.bleuSentences} validation sentences${f.bleuWholeSet === true ? ' (the whole validation set)' : ' (a fixed sample)'}`;
    lines.push(
      `- BLEU ${f.bleu.toFixed(2)} on ${on}, greedy decoding, signature \`${bleuSignature()}\``,
    );
  }
  if (lines.length === 0) lines.push('- No validation scores were recorded for this checkpoint.');
  return lines;
}

/** The README text. */
export function marianReadme(f: ReadmeFacts): string {
  const m = f.model;
  const t = f.train;
  const averaged =
    f.averagedFrom === undefined
      ? ''
      : ` It is the average of the checkpoints at steps ${f.averagedFrom.join(', ')}.`;
  return `# ${f.runName} (Transformer Studio, MarianMT format)

An encoder-decoder Transformer ("Attention Is All You Need", Vaswani et al. 2017) trained in
Transformer Studio and exported as a Hugging Face **MarianMT** model: post-LN layers, ReLU
feed-forward networks, static sinusoidal positions, embeddings scaled by sqrt(d_model), one
embedding matrix tied to source, target and output (\`model.shared.weight\`), and
\`final_logits_bias\` zero (the studio's model has no output bias).

## Where it comes from

- Run "${f.runName}" (\`${f.runId}\`), preset ${f.preset}, dataset \`${f.datasetId}\`
- Checkpoint \`${f.checkpoint}\` after ${f.step} optimiser steps.${averaged}
- Model: d_model ${m.dModel}, ${m.heads} heads, d_ff ${m.dFF}, ${m.encoderLayers} encoder and ${m.decoderLayers} decoder layers, vocabulary ${m.srcVocabSize} (shared BPE), dropout ${m.dropout}, up to ${m.maxPositions} positions
- Training: Adam (beta1 ${t.adamBeta1}, beta2 ${t.adamBeta2}, eps ${t.adamEpsilon}), warm-up ${t.warmupSteps} steps with lr factor ${t.lrFactor}, about ${t.batchTokens} tokens per batch, label smoothing ${t.labelSmoothing}, gradient clipping ${t.clipNorm}, seed ${t.seed}
${scores(f).join('\n')}

## Special tokens

The studio numbers \`<pad>\` 0, \`<s>\` 1, \`</s>\` 2, \`<unk>\` 3. Marian models usually start
decoding from the pad id; this one was trained to start from \`<s>\`, so config.json says
\`decoder_start_token_id: 1\`. Transformers uses it in \`generate()\` and in
\`shift_tokens_right()\` when it builds decoder inputs from labels, so training continues
exactly as the studio trained. The tokenizer appends \`</s>\` to every sentence (to sources
as the studio does, and to labels as their end).

## The positional encoding

The studio's sinusoidal encoding interleaves sine and cosine (dimension 2i sine, 2i+1
cosine); Transformers' Marian puts every sine in the first half and every cosine in the
second. The export renumbers the d_model dimensions of every weight that reads or writes
the residual stream (embeddings, LayerNorms, projections' residual side) so that this model
computes the same function as the studio's; the attention heads are untouched.

## Use it

\`\`\`python
from transformers import AutoTokenizer, MarianMTModel

tokenizer = AutoTokenizer.from_pretrained("DIR")
model = MarianMTModel.from_pretrained("DIR")
batch = tokenizer(["A sentence to translate."], return_tensors="pt", padding=True)
out = model.generate(**batch, num_beams=4, max_new_tokens=${Math.max(1, m.maxPositions - 1)})
print(tokenizer.batch_decode(out, skip_special_tokens=True))
\`\`\`

Continue training (e.g. with Accelerate or DeepSpeed through the Trainer's arguments):

\`\`\`python
from datasets import Dataset
from transformers import (AutoTokenizer, DataCollatorForSeq2Seq, MarianMTModel,
                          Seq2SeqTrainer, Seq2SeqTrainingArguments)

tokenizer = AutoTokenizer.from_pretrained("DIR")
model = MarianMTModel.from_pretrained("DIR")
pairs = Dataset.from_dict({"src": ["..."], "tgt": ["..."]})
data = pairs.map(lambda b: tokenizer(b["src"], text_target=b["tgt"], truncation=True,
                                     max_length=${t.maxLength}),
                 batched=True, remove_columns=["src", "tgt"])
args = Seq2SeqTrainingArguments("out", learning_rate=1e-4, per_device_train_batch_size=32,
                                label_smoothing_factor=${t.labelSmoothing}, num_train_epochs=1)
Seq2SeqTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer,
               data_collator=DataCollatorForSeq2Seq(tokenizer, model=model)).train()
\`\`\`

Replace DIR with this folder. \`npm run import-hf DIR\` brings a folder like this one back
into the studio.
`;
}
