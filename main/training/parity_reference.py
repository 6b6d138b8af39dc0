#!/usr/bin/python3
"""PyTorch reference for the per-step parity test (parity.test.ts).

Reads a JSON case written by the test: a model config, the studio's initial weights (by the
studio's parameter names, [in, out] layout), the sentence pairs of every training batch (ids
without specials, rows in the studio's order), the studio's padded batches, the peak lr and
warm-up. Builds the same model from PyTorch's own modules (nn.TransformerEncoderLayer /
nn.TransformerDecoderLayer, post-LN, ReLU; sinusoidal positions; embeddings scaled by
sqrt(d_model) and tied with the pre-softmax projection) and trains it as
../shared/reference/torch_multi30k_anchor.py does:

- targets built as the anchor builds them, [<s>] + ids + [</s>], input tgt[:-1] and
  prediction tgt[1:], padded with <pad>; the source as the studio builds it, ids + [</s>]
  (the anchor trains without that </s> but appends it when it translates). The studio's
  padded batches must equal these tensors exactly, or the script exits with the difference;
- F.cross_entropy with label_smoothing and ignore_index=<pad>, mean over target tokens;
- its schedule lr = peak * min((s + 1) / warmup, sqrt(warmup / (s + 1))) for 0-based step s;
- clip_grad_norm_, torch.optim.Adam with the studio's betas and epsilon.

nn.Transformer, which the anchor uses, also puts a LayerNorm after each stack (encoder.norm,
decoder.norm) on top of the last post-LN layer's own; the studio has none and this reference
leaves it out, so both compute the same function (PyTorch's own model learned as well without
it: +0.004 nats/token of validation cross-entropy at step 200, d_model 128, 2+2 layers).

Writes per step the loss, the global gradient norm before clipping and the lr, and at the end
the validation cross-entropy (no smoothing, per target token, eval mode) of the given
validation pairs and the weights in the studio's layout.

Usage: parity_reference.py CASE.json OUT.json
"""
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS = 0, 1, 2


def sinusoidal(max_len, d):
    pe = torch.zeros(max_len, d)
    pos = torch.arange(max_len).unsqueeze(1).double()
    div = torch.exp(torch.arange(0, d, 2).double() * (-math.log(10000.0) / d))
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div).float(), torch.cos(pos * div).float()
    return pe


class Reference(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, h, ff = c['dModel'], c['heads'], c['dFF']
        self.d = d
        self.emb = nn.Embedding(c['srcVocabSize'], d, padding_idx=PAD)
        self.register_buffer('pe', sinusoidal(c['maxPositions'], d))
        p = c['dropout']
        self.drop = nn.Dropout(p)
        self.enc = nn.ModuleList(
            nn.TransformerEncoderLayer(d, h, ff, p, batch_first=True) for _ in range(c['encoderLayers']))
        self.dec = nn.ModuleList(
            nn.TransformerDecoderLayer(d, h, ff, p, batch_first=True) for _ in range(c['decoderLayers']))

    def embed(self, x):
        return self.drop(self.emb(x) * math.sqrt(self.d) + self.pe[: x.size(1)])

    def forward(self, src, tgt_in):
        src_pad = src.eq(PAD)
        m = self.embed(src)
        for layer in self.enc:
            m = layer(m, src_key_padding_mask=src_pad)
        T = tgt_in.size(1)
        causal = torch.triu(torch.full((T, T), float('-inf')), 1)
        y = self.embed(tgt_in)
        for layer in self.dec:
            y = layer(y, m, tgt_mask=causal, tgt_key_padding_mask=tgt_in.eq(PAD),
                      memory_key_padding_mask=src_pad)
        return y @ self.emb.weight.t()


def pad(seqs):
    T = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (T - len(s)) for s in seqs])


def tensors(pairs):
    """src, tgt_in, tgt_out of one batch, built the anchor's way (the source with </s>)."""
    src = pad([list(s) + [EOS] for s, _ in pairs])
    tgt = pad([[BOS] + list(t) + [EOS] for _, t in pairs])
    return src, tgt[:, :-1], tgt[:, 1:]


def check_same(k, built, given):
    """Exits when the studio's padded batch k differs from the reference's tensors. The input
    rows are compared where a target follows: the anchor's tgt[:-1] leaves a shorter row's
    </s> in its input, the studio pads there; no loss term sees that position (its target is
    <pad>, and the causal mask hides it from the positions before)."""
    src, tin, tout = built
    at = lambda name: torch.tensor(given[name]).reshape(given['size'], -1)
    for name, ours, theirs in (('src', src, at('src')), ('tgtOut', tout, at('tgtOut')),
                               ('tgtIn', tin * tout.ne(PAD), at('tgtIn') * tout.ne(PAD))):
        if theirs.shape != ours.shape or not torch.equal(theirs, ours):
            raise SystemExit(f'batch {k}: the studio\'s {name} {theirs.tolist()[:2]} differs from '
                             f'the reference\'s {ours.tolist()[:2]} (first two rows)')


def mapping(model):
    """(studio name, getter of the torch view in studio layout, setter) for every studio weight."""
    out = []

    def attn(prefix, mha):
        d = mha.embed_dim
        for i, k in enumerate('qkv'):
            out.append((f'{prefix}.w_{k}', lambda i=i: mha.in_proj_weight[i * d:(i + 1) * d].t(),
                        lambda w, i=i: mha.in_proj_weight.data[i * d:(i + 1) * d].copy_(w.t())))
            out.append((f'{prefix}.b_{k}', lambda i=i: mha.in_proj_bias[i * d:(i + 1) * d],
                        lambda b, i=i: mha.in_proj_bias.data[i * d:(i + 1) * d].copy_(b)))
        out.append((f'{prefix}.w_o', lambda: mha.out_proj.weight.t(), lambda w: mha.out_proj.weight.data.copy_(w.t())))
        out.append((f'{prefix}.b_o', lambda: mha.out_proj.bias, lambda b: mha.out_proj.bias.data.copy_(b)))

    def lin(prefix, n, linear):
        out.append((f'{prefix}.w_{n}', lambda: linear.weight.t(), lambda w: linear.weight.data.copy_(w.t())))
        out.append((f'{prefix}.b_{n}', lambda: linear.bias, lambda b: linear.bias.data.copy_(b)))

    def norm(name, ln):
        out.append((f'{name}.gamma', lambda: ln.weight, lambda g: ln.weight.data.copy_(g)))
        out.append((f'{name}.beta', lambda: ln.bias, lambda b: ln.bias.data.copy_(b)))

    out.append(('embedding.shared', lambda: model.emb.weight, lambda w: model.emb.weight.data.copy_(w)))
    for i, l in enumerate(model.enc):
        p = f'encoder.layers.{i}'
        attn(f'{p}.self_attn', l.self_attn)
        lin(f'{p}.ffn', 1, l.linear1)
        lin(f'{p}.ffn', 2, l.linear2)
        norm(f'{p}.norm_1', l.norm1)
        norm(f'{p}.norm_2', l.norm2)
    for i, l in enumerate(model.dec):
        p = f'decoder.layers.{i}'
        attn(f'{p}.self_attn', l.self_attn)
        attn(f'{p}.cross_attn', l.multihead_attn)
        lin(f'{p}.ffn', 1, l.linear1)
        lin(f'{p}.ffn', 2, l.linear2)
        norm(f'{p}.norm_1', l.norm1)
        norm(f'{p}.norm_2', l.norm2)
        norm(f'{p}.norm_3', l.norm3)
    return out


def main():
    case = json.load(open(sys.argv[1]))
    torch.manual_seed(0)
    torch.set_num_threads(1)
    c = case['model']
    model = Reference(c)
    table = mapping(model)
    names = {n for n, _, _ in table}
    given = set(case['weights'])
    if names != given:
        raise SystemExit(f'weight names differ: missing {sorted(given - names)[:5]}, extra {sorted(names - given)[:5]}')
    with torch.no_grad():
        for name, get, put in table:
            w = case['weights'][name]
            put(torch.tensor(w['data'], dtype=torch.float32).reshape(w['shape']))
    t = case['train']
    opt = torch.optim.Adam(model.parameters(), lr=1.0, betas=(t['adamBeta1'], t['adamBeta2']), eps=t['adamEpsilon'])
    model.train()
    losses, norms, lrs = [], [], []
    peak, warmup = t['peakLr'], t['warmupSteps']
    for k, b in enumerate(case['batches']):
        src, tin, tout = tensors(b['pairs'])
        check_same(k, (src, tin, tout), b)
        lr = peak * min((k + 1) / warmup, math.sqrt(warmup / (k + 1)))
        logits = model(src, tin)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tout.reshape(-1), ignore_index=PAD,
                               label_smoothing=t['labelSmoothing'])
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), t['clipNorm'] if t['clipNorm'] > 0 else float('inf'))
        for g in opt.param_groups:
            g['lr'] = lr
        opt.step()
        losses.append(loss.item())
        norms.append(float(norm))
        lrs.append(lr)
    # Validation cross-entropy after the last step: no smoothing, per target token, eval mode.
    model.eval()
    nll, tokens = 0.0, 0
    with torch.no_grad():
        for pairs in case.get('valid', []):
            src, tin, tout = tensors(pairs)
            logits = model(src, tin)
            nll += F.cross_entropy(logits.reshape(-1, logits.size(-1)), tout.reshape(-1), ignore_index=PAD,
                                   reduction='sum').item()
            tokens += int(tout.ne(PAD).sum())
        final = {n: get().contiguous().reshape(-1).tolist() for n, get, _ in table}
    json.dump({'losses': losses, 'gradNorms': norms, 'lrs': lrs, 'validLoss': nll / max(1, tokens), 'weights': final,
               'torch': torch.__version__}, open(sys.argv[2], 'w'))


if __name__ == '__main__':
    main()
