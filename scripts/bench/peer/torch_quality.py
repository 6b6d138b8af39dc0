#!/usr/bin/python3
"""The PyTorch peer of `scripts/bench/quality.ts`: what a plain PyTorch script reaches in the
same wall-clock budget, on the same data, tokenized by the studio.

quality.ts writes a job file with the studio's token ids (its BPE, its vocabulary, its special
ids) of the training pairs, of the validation pairs (teacher-forced loss) and of the validation
sources to translate, and the studio run's model shape. This script trains a model of that
shape for `--minutes` with its own recipe, then translates with its own beam search and writes
the hypotheses as token ids; quality.ts turns them into text with the studio's tokenizer.

The recipe is the one a PyTorch user would pick for a small corpus on a CPU:
- `nn.Transformer` (post-LN, as the paper), one embedding table shared by source, target and
  the output projection, N(0, d^-0.5), times sqrt(d_model), plus the sinusoidal encoding;
  Xavier-uniform for the Transformer's matrices;
- token batches: pairs sorted by length, cut under the padded-token budget, batches shuffled
  every epoch; the source gets `</s>`, the decoder reads `<s>` + target, predicts target + `</s>`;
- label-smoothed cross-entropy over non-padding positions, Adam(0.9, 0.98, 1e-9), linear
  warm-up to the peak lr then inverse square root, gradient-norm clipping at 1.0;
- training stops before the first step that would start after the deadline.

Beam search is the studio's (main/decoding/beam.ts): of the 2B best extensions, `</s>` among the
first B finishes a hypothesis, the first B others stay live; score = log P / ((5 + |Y|) / 6)^alpha
with |Y| counting `</s>`; the longest output is the source length (with `</s>`) + margin; a
sentence stops when nothing is live or its best finished score cannot be beaten.

Output: one JSON object in `--out`; progress lines on stderr.
Run with Debian's interpreter and packages (`apt-get install python3-torch libopenblas0-pthread`):
  /usr/bin/python3 scripts/bench/peer/torch_quality.py --help
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Model(nn.Transformer):
    """nn.Transformer with a tied embedding/output table and sinusoidal positions."""

    def __init__(self, vocab: int, shape: dict, pad: int):
        super().__init__(
            d_model=shape['dModel'],
            nhead=shape['heads'],
            num_encoder_layers=shape['encoderLayers'],
            num_decoder_layers=shape['decoderLayers'],
            dim_feedforward=shape['dFF'],
            dropout=shape['dropout'],
            batch_first=True,
        )
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
        d = shape['dModel']
        self.pad = pad
        self.scale = math.sqrt(d)
        self.embedding = nn.Embedding(vocab, d)
        nn.init.normal_(self.embedding.weight, 0.0, d ** -0.5)
        self.drop = nn.Dropout(shape['dropout'])
        positions = torch.arange(shape['maxPositions'], dtype=torch.float32).unsqueeze(1)
        rates = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
        table = torch.zeros(shape['maxPositions'], d)
        table[:, 0::2] = torch.sin(positions * rates)
        table[:, 1::2] = torch.cos(positions * rates)
        self.register_buffer('positions', table)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        return self.drop(self.embedding(ids) * self.scale + self.positions[: ids.size(1)])

    def encode_source(self, src: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.embed(src), src_key_padding_mask=src.eq(self.pad))

    def decode_logits(self, tgt_in: torch.Tensor, memory: torch.Tensor, src_pad: torch.Tensor,
                      last_only: bool = False) -> torch.Tensor:
        """Logits of every target position, or of the last one only (decoding needs no more)."""
        length = tgt_in.size(1)
        causal = torch.triu(torch.full((length, length), float('-inf')), 1)
        h = self.decoder(
            self.embed(tgt_in),
            memory,
            tgt_mask=causal,
            tgt_key_padding_mask=tgt_in.eq(self.pad),
            memory_key_padding_mask=src_pad,
        )
        if last_only:
            h = h[:, -1]
        return h @ self.embedding.weight.t()


def plan_batches(pairs: list, batch_tokens: int) -> list:
    """Pair indices cut into batches whose padded size stays within batch_tokens, shuffled."""
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][1]), len(pairs[i][0]), random.random()))
    batches, current, longest = [], [], 0
    for i in order:
        need = max(longest, len(pairs[i][0]), len(pairs[i][1]))
        if current and need * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current, need = [], max(len(pairs[i][0]), len(pairs[i][1]))
        current.append(i)
        longest = need
    if current:
        batches.append(current)
    random.shuffle(batches)
    return batches


def padded(rows: list, pad: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([r + [pad] * (width - len(r)) for r in rows], dtype=torch.long)


def tensors(pairs: list, batch: list, ids: dict) -> tuple:
    """(source + </s>, <s> + target, target + </s>), padded."""
    src = padded([pairs[i][0] for i in batch], ids['pad'])
    tgt_in = padded([[ids['bos']] + pairs[i][1][:-1] for i in batch], ids['pad'])
    tgt_out = padded([pairs[i][1] for i in batch], ids['pad'])
    return src, tgt_in, tgt_out


def prepare(src_rows: list, tgt_rows: list, ids: dict, max_length: int) -> list:
    """Pairs as (source + </s>, target + </s>), the studio's length filter applied."""
    pairs = []
    for s, t in zip(src_rows, tgt_rows):
        s, t = s + [ids['eos']], t + [ids['eos']]
        if len(s) <= max_length and len(t) <= max_length:
            pairs.append((s, t))
    return pairs


def train(model: Model, pairs: list, ids: dict, a: argparse.Namespace) -> dict:
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.98), eps=1e-9)
    step, tokens, epoch, loss_value = 0, 0, 0, float('nan')
    start = time.time()
    deadline = start + a.minutes * 60
    model.train()
    while time.time() < deadline:
        epoch += 1
        for batch in plan_batches(pairs, a.batch_tokens):
            if time.time() >= deadline:
                break
            src, tgt_in, tgt_out = tensors(pairs, batch, ids)
            logits = model.decode_logits(tgt_in, model.encode_source(src), src.eq(ids['pad']))
            loss = F.cross_entropy(
                logits.reshape(-1, logits.size(-1)),
                tgt_out.reshape(-1),
                ignore_index=ids['pad'],
                label_smoothing=a.label_smoothing,
            )
            s = step + 1
            for group in opt.param_groups:
                group['lr'] = a.lr * min(s / a.warmup, math.sqrt(a.warmup / s))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
            step, tokens, loss_value = s, tokens + int(tgt_out.ne(ids['pad']).sum()), loss.item()
            if step % 50 == 0:
                elapsed = time.time() - start
                log(f'epoch {epoch} step {step} loss {loss_value:.3f} {tokens / elapsed:.0f} tok/s {elapsed / 60:.1f} min')
    seconds = time.time() - start
    return {'steps': step, 'epochs': epoch, 'targetTokens': tokens, 'trainSeconds': seconds,
            'tokensPerSec': tokens / seconds if seconds > 0 else 0.0, 'lastLoss': loss_value}


@torch.no_grad()
def validation_loss(model: Model, pairs: list, ids: dict, batch_tokens: int) -> dict:
    """Teacher-forced cross-entropy without smoothing, summed over target tokens (with </s>)."""
    total, count = 0.0, 0
    for batch in plan_batches(pairs, batch_tokens):
        src, tgt_in, tgt_out = tensors(pairs, batch, ids)
        logits = model.decode_logits(tgt_in, model.encode_source(src), src.eq(ids['pad']))
        total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1),
                                 ignore_index=ids['pad'], reduction='sum').item()
        count += int(tgt_out.ne(ids['pad']).sum())
    return {'perToken': total / max(1, count), 'perSentence': total / max(1, len(pairs)),
            'tokens': count, 'sentences': len(pairs)}


def lp(length: int, alpha: float) -> float:
    return ((5 + length) / 6) ** alpha


@torch.no_grad()
def beam_search(model: Model, source: list, ids: dict, beam: int, alpha: float, margin: int, max_positions: int) -> list:
    """The best hypothesis' ids (without </s>), searched as main/decoding/beam.ts does."""
    src = torch.tensor([source[:max_positions]], dtype=torch.long)
    memory = model.encode_source(src)
    src_pad = src.eq(ids['pad'])
    max_len = max(1, min(src.size(1) + margin, max_positions))
    live = [([ids['bos']], 0.0)]
    finished = []  # (score, ids)
    for t in range(max_len):
        rows = torch.tensor([h for h, _ in live], dtype=torch.long)
        logits = model.decode_logits(rows, memory.expand(len(live), -1, -1), src_pad.expand(len(live), -1),
                                     last_only=True)
        logp = F.log_softmax(logits, dim=-1)
        total = (logp + torch.tensor([so_far for _, so_far in live]).unsqueeze(1)).reshape(-1)
        values, flat = torch.topk(total, min(2 * beam, total.numel()))
        vocab = logp.size(1)
        next_live = []
        for c, (value, index) in enumerate(zip(values.tolist(), flat.tolist())):
            parent, token = divmod(index, vocab)
            seq = live[parent][0] + [token]
            if token == ids['eos']:
                if c < beam:  # only </s> among the first B ends a hypothesis
                    finished.append((value / lp(t + 1, alpha), seq))
            else:
                next_live.append((seq, value))
            if len(next_live) >= beam and c >= beam - 1:
                break
        live = next_live[:beam]
        if t + 1 >= max_len:
            finished.extend((v / lp(t + 1, alpha), s) for s, v in live)
            live = []
        if not live:
            break
        if finished and max(f[0] for f in finished) >= max(v for _, v in live) / lp(max_len, alpha):
            break
    best = max(finished, key=lambda f: f[0])[1] if finished else live[0][0]
    return [i for i in best[1:] if i != ids['eos']]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--job', required=True, help='the job file quality.ts writes (token ids, model shape)')
    ap.add_argument('--out', required=True, help='where to write the result JSON')
    ap.add_argument('--minutes', type=float, required=True, help='training budget in minutes')
    ap.add_argument('--threads', type=int, default=2, help='torch threads (default 2)')
    ap.add_argument('--batch-tokens', type=int, default=4096, help='padded tokens per batch (default 4096)')
    ap.add_argument('--warmup', type=int, default=300, help='warm-up steps (default 300)')
    ap.add_argument('--lr', type=float, default=2e-3, help='peak learning rate (default 2e-3)')
    ap.add_argument('--label-smoothing', type=float, default=0.1, help='default 0.1')
    ap.add_argument('--clip', type=float, default=1.0, help='gradient-norm clipping (default 1.0)')
    ap.add_argument('--seed', type=int, default=1, help='default 1')
    a = ap.parse_args()
    warnings.filterwarnings('ignore', message='.*nested tensors.*')
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    torch.manual_seed(a.seed)

    with open(a.job, encoding='utf-8') as f:
        job = json.load(f)
    ids, shape = job['ids'], job['model']
    pairs = prepare(job['train']['src'], job['train']['tgt'], ids, job['maxLength'])
    valid = prepare(job['valid']['src'], job['valid']['tgt'], ids, shape['maxPositions'])
    model = Model(job['vocabSize'], shape, ids['pad'])
    params = sum(p.numel() for p in model.parameters())
    log(f'torch {torch.__version__}, {a.threads} threads; {params:,} parameters; {len(pairs):,} training pairs; '
        f'{a.minutes} min, batches of {a.batch_tokens} tokens, warm-up {a.warmup}, peak lr {a.lr}')

    figures = train(model, pairs, ids, a)
    log(f"trained {figures['steps']} steps, {figures['targetTokens']:,} target tokens in {figures['trainSeconds']:.0f} s")
    model.eval()
    started = time.time()
    figures['validLoss'] = validation_loss(model, valid, ids, a.batch_tokens)
    log(f"validation cross-entropy {figures['validLoss']['perToken']:.3f} nats per token "
        f"({len(valid)} pairs) in {time.time() - started:.0f} s")
    started = time.time()
    hypotheses = []
    for n, source in enumerate(job['decode']['src']):
        hypotheses.append(beam_search(model, source + [ids['eos']], ids, job['decode']['beam'],
                                      job['decode']['alpha'], job['decode']['margin'], shape['maxPositions']))
        if (n + 1) % 100 == 0:
            log(f"translated {n + 1}/{len(job['decode']['src'])}")
    figures['decodeSeconds'] = time.time() - started
    result = {'torch': torch.__version__, 'threads': a.threads, 'params': params, 'trainPairs': len(pairs),
              'recipe': {'batchTokens': a.batch_tokens, 'warmup': a.warmup, 'peakLr': a.lr,
                         'labelSmoothing': a.label_smoothing, 'clip': a.clip, 'schedule': 'inverse square root'},
              **figures, 'hypotheses': hypotheses}
    with open(a.out, 'w', encoding='utf-8') as f:
        json.dump(result, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
