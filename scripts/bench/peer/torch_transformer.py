#!/usr/bin/python3
"""The PyTorch peer of `scripts/bench/compare.ts`: the studio's model, trained and decoded in PyTorch.

It exists to answer one question with numbers measured in the same run: how fast would a user
train this model on this CPU with a plain PyTorch script instead of the studio? So it builds the
SAME model as main/model/*.ts and trains it the SAME way as main/training/*.ts:

- post-LN encoder-decoder (paper 3.1): LayerNorm(x + Dropout(Sublayer(x))), no final norms;
- one embedding table shared by source, target and the pre-softmax projection (paper 3.4),
  N(0, d^-0.5), multiplied by sqrt(d_model), plus the sinusoidal encoding (3.5);
- dropout 0.1 on the embedding sums, on every sublayer output and on the attention weights
  (the feed-forward network has none inside, as main/model/feedForward.ts);
- decoder self-attention with the causal mask only, encoder and cross-attention with the
  source padding mask (additive -1e9, main/model/masks.ts);
- Xavier-uniform weights, zero biases, LayerNorm eps 1e-5;
- the loss on non-padding target positions only: label-smoothed cross-entropy (eps 0.1,
  q = (1 - eps) onehot + eps / V, main/training/loss.ts), averaged over those tokens;
- Adam(0.9, 0.98, 1e-9), the warm-up schedule of paper 5.3, global-norm clipping (1.0);
  a non-finite gradient norm skips the update, as main/training/adam.ts does.

The batches are not generated here: compare.ts writes the exact padded batches the engine's
Trainer takes (same token budget, same 24-31-token sentences, same seed) into a job file, so
both sides compute the same shapes. Dropout masks and initial weights come from torch's own
generator: they change the numbers, not the work.

Modes (one JSON object on stdout, progress on stderr):
  --version                       torch version, BLAS library and thread settings
  --gemm-peak --threads N         fp32 torch.mm 2048^3 GFLOP/s, best of several: the machine's peak
  --job FILE --threads N          train and/or decode as the job file says (compare.ts writes it)

Run it with Debian's interpreter and packages (`apt-get install python3-torch
libopenblas0-pthread`): /usr/bin/python3 scripts/bench/peer/torch_transformer.py --help
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from typing import Any

PAD_ID, BOS_ID, EOS_ID = 0, 1, 2
MASKED_SCORE = -1e9
LAYER_NORM_EPS = 1e-5


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="PyTorch peer of the studio's training and decoding benchmark (see the module docstring).",
    )
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads and OpenBLAS threads (default 1)")
    ap.add_argument("--version", action="store_true", help="print torch's version and BLAS library, then exit")
    ap.add_argument("--gemm-peak", action="store_true", help="measure fp32 GEMM GFLOP/s (torch.mm) and exit")
    ap.add_argument("--gemm-size", type=int, default=2048, help="matrix size of --gemm-peak (default 2048)")
    ap.add_argument("--gemm-reps", type=int, default=8, help="timed products of --gemm-peak; the best counts (default 8)")
    ap.add_argument("--job", help="job file written by scripts/bench/compare.ts (model, batches, decoding sources)")
    ap.add_argument(
        "--mem-limit-mb",
        type=int,
        default=0,
        help="cap the process's data segment (RLIMIT_DATA) so a batch too large fails with an error "
        "instead of waking the kernel's OOM killer on a shared machine; 0 = no cap (default)",
    )
    return ap.parse_args()


ARGS = parse_args()
# OpenBLAS sizes its pool when it loads, and torch.set_num_threads does not reach it in a
# generic-BLAS build like Debian's: set both before torch is imported.
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import torch  # noqa: E402  (after the environment above, on purpose)
import torch.nn.functional as F  # noqa: E402
from torch import Tensor, nn  # noqa: E402

torch.set_num_threads(ARGS.threads)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def blas_library() -> str:
    """The BLAS shared object actually mapped: Debian's reference BLAS is ~11x slower than OpenBLAS."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                name = line.split()[-1]
                if "blas" in os.path.basename(name):
                    return os.path.basename(name)
    except OSError:
        pass
    return "unknown"


def peak_rss_mb() -> float:
    """High-water resident set of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------------------------
# The model (names as in main/model: MultiHeadAttention, FeedForward, EncoderLayer, ...)


def sinusoidal_encoding(max_positions: int, d_model: int) -> Tensor:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...) (paper 3.5). [positions, d]"""
    pe = torch.zeros(max_positions, d_model)
    pos = torch.arange(max_positions, dtype=torch.float64).unsqueeze(1)
    div = torch.pow(10000.0, torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    pe[:, 0::2] = torch.sin(pos / div).float()
    pe[:, 1::2] = torch.cos(pos / div).float()[:, : d_model // 2]
    return pe


class Linear(nn.Module):
    """y = x W + b with W stored [in, out] and initialised Xavier-uniform, as main/model/params.ts."""

    def __init__(self, d_in: int, d_out: int) -> None:
        super().__init__()
        limit = math.sqrt(6 / (d_in + d_out))
        self.w = nn.Parameter(torch.empty(d_in, d_out).uniform_(-limit, limit))
        self.b = nn.Parameter(torch.zeros(d_out))

    def forward(self, x: Tensor) -> Tensor:
        return torch.addmm(self.b, x.reshape(-1, x.shape[-1]), self.w).view(*x.shape[:-1], -1)


class MultiHeadAttention(nn.Module):
    """Paper 3.2.2, with W_Q | W_K | W_V held as one [d, 3d] matrix: self-attention projects Q, K, V
    in one product (the engine concatenates its three matrices for the same single product), and
    cross-attention uses the Q block on the decoder and the K|V block on the memory, once."""

    def __init__(self, d_model: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.d_model, self.heads, self.dk, self.dropout = d_model, heads, d_model // heads, dropout
        self.qkv_proj = Linear(d_model, 3 * d_model)
        self.o = Linear(d_model, d_model)
        # Xavier-uniform for each d x d block, as the engine's separate w_q, w_k, w_v.
        limit = math.sqrt(6 / (2 * d_model))
        with torch.no_grad():
            self.qkv_proj.w.uniform_(-limit, limit)

    def split(self, x: Tensor) -> Tensor:
        """[batch, T, d] -> [batch, heads, T, d_k]"""
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.dk).transpose(1, 2)

    def project(self, x: Tensor, block: slice) -> Tensor:
        """x [b, T, d] @ W[:, block] + b[block]."""
        w, b = self.qkv_proj.w[:, block], self.qkv_proj.b[block]
        return torch.addmm(b, x.reshape(-1, x.shape[-1]), w).view(*x.shape[:-1], -1)

    def qkv(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Self-attention projections in one product: [b, T, d] -> 3 x [b, heads, T, d_k]."""
        q, k, v = self.project(x, slice(None)).chunk(3, -1)
        return self.split(q), self.split(k), self.split(v)

    def queries(self, x: Tensor) -> Tensor:
        return self.split(self.project(x, slice(0, self.d_model)))

    def keys_values(self, memory: Tensor) -> tuple[Tensor, Tensor]:
        """K and V of the encoder memory (cross-attention), one product."""
        k, v = self.project(memory, slice(self.d_model, None)).chunk(2, -1)
        return self.split(k), self.split(v)

    def attend(self, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None) -> Tensor:
        """softmax(Q K^T / sqrt(d_k) + mask) V, then W_O. q [b, h, Tq, dk], k/v [b, h, Tk, dk] -> [b, Tq, d]"""
        scores = (q * (1 / math.sqrt(self.dk))) @ k.transpose(-1, -2)  # [b, h, Tq, Tk]
        if mask is not None:
            scores = scores + mask
        weights = F.dropout(torch.softmax(scores, -1), self.dropout, self.training)
        out = weights @ v  # [b, h, Tq, dk]
        b, _, tq, _ = out.shape
        return self.o(out.transpose(1, 2).reshape(b, tq, self.heads * self.dk))


class FeedForward(nn.Module):
    """FFN(x) = max(0, x W_1 + b_1) W_2 + b_2 (paper 3.3)."""

    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        self.l1, self.l2 = Linear(d_model, d_ff), Linear(d_ff, d_model)

    def forward(self, x: Tensor) -> Tensor:
        return self.l2(F.relu(self.l1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, d_model: int, heads: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.dropout = dropout
        self.self_attn = MultiHeadAttention(d_model, heads, dropout)
        self.ffn = FeedForward(d_model, d_ff)
        self.norm_1 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.norm_2 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)

    def forward(self, x: Tensor, src_mask: Tensor) -> Tensor:
        drop = lambda t: F.dropout(t, self.dropout, self.training)  # noqa: E731
        x = self.norm_1(x + drop(self.self_attn.attend(*self.self_attn.qkv(x), src_mask)))
        return self.norm_2(x + drop(self.ffn(x)))


class DecoderLayer(nn.Module):
    def __init__(self, d_model: int, heads: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.dropout = dropout
        self.self_attn = MultiHeadAttention(d_model, heads, dropout)
        self.cross_attn = MultiHeadAttention(d_model, heads, dropout)
        self.ffn = FeedForward(d_model, d_ff)
        self.norm_1 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.norm_2 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.norm_3 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)

    def forward(
        self,
        y: Tensor,
        self_kv: tuple[Tensor, Tensor] | None,
        cross_kv: tuple[Tensor, Tensor],
        self_mask: Tensor | None,
        src_mask: Tensor,
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Whole sequences (training: self_kv None, causal self_mask) or one new position per row
        (decoding: self_kv = the cached keys/values of earlier positions, no mask needed).
        Returns y and this layer's self-attention keys/values including the new positions."""
        drop = lambda t: F.dropout(t, self.dropout, self.training)  # noqa: E731
        q, k, v = self.self_attn.qkv(y)
        if self_kv is not None:
            k = torch.cat([self_kv[0], k], 2)  # [b, h, t+1, dk]
            v = torch.cat([self_kv[1], v], 2)
        y = self.norm_1(y + drop(self.self_attn.attend(q, k, v, self_mask)))
        cq = self.cross_attn.queries(y)
        y = self.norm_2(y + drop(self.cross_attn.attend(cq, cross_kv[0], cross_kv[1], src_mask)))
        return self.norm_3(y + drop(self.ffn(y))), (k, v)


class Transformer(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        if cfg["srcVocabSize"] != cfg["tgtVocabSize"] or not cfg["tieEmbeddings"]:
            raise SystemExit("The peer implements the tied-embedding model only (shared vocabulary).")
        if cfg["normPosition"] != "post" or cfg["positionalEncoding"] != "sinusoidal":
            raise SystemExit("The peer implements post-LN with sinusoidal positions only.")
        d, h, dff, p = cfg["dModel"], cfg["heads"], cfg["dFF"], cfg["dropout"]
        self.d_model, self.dropout = d, p
        self.embedding = nn.Parameter(torch.randn(cfg["tgtVocabSize"], d) * d**-0.5)
        self.encoder = nn.ModuleList(EncoderLayer(d, h, dff, p) for _ in range(cfg["encoderLayers"]))
        self.decoder = nn.ModuleList(DecoderLayer(d, h, dff, p) for _ in range(cfg["decoderLayers"]))
        self.register_buffer("pe", sinusoidal_encoding(cfg["maxPositions"], d), persistent=False)
        self.max_positions = cfg["maxPositions"]

    def embed(self, ids: Tensor, offset: int = 0) -> Tensor:
        """[b, T] -> [b, T, d]: E[ids] * sqrt(d) + PE[offset:offset+T], dropout (paper 3.4, 3.5, 5.4)."""
        x = F.embedding(ids, self.embedding) * math.sqrt(self.d_model)
        return F.dropout(x + self.pe[offset : offset + ids.shape[1]], self.dropout, self.training)

    def encode(self, src: Tensor, src_mask: Tensor) -> Tensor:
        x = self.embed(src)
        for layer in self.encoder:
            x = layer(x, src_mask)
        return x  # [b, S, d]

    def cross_keys_values(self, memory: Tensor) -> list[tuple[Tensor, Tensor]]:
        return [layer.cross_attn.keys_values(memory) for layer in self.decoder]

    def forward_hidden(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher forcing up to the decoder output: [b, T, d] (the projection comes in the loss)."""
        src_mask = padding_mask(src)
        cross = self.cross_keys_values(self.encode(src, src_mask))
        y = self.embed(tgt_in)
        self_mask = causal_mask(tgt_in.shape[1])
        for layer, kv in zip(self.decoder, cross):
            y, _ = layer(y, None, kv, self_mask, src_mask)
        return y


def padding_mask(ids: Tensor) -> Tensor:
    """[b, S] -> additive [b, 1, 1, S]: 0 for tokens, -1e9 for padding."""
    return (ids == PAD_ID).float().mul(MASKED_SCORE)[:, None, None, :]


def causal_mask(length: int) -> Tensor:
    """[1, 1, T, T]: -1e9 above the diagonal."""
    return torch.triu(torch.full((length, length), MASKED_SCORE), 1)[None, None]


def learning_rate(step: int, d_model: int, warmup: int, factor: float) -> float:
    """Paper 5.3, as main/training/schedule.ts."""
    s = max(1, step)
    return factor * d_model**-0.5 * min(s**-0.5, s * warmup**-1.5)


# --------------------------------------------------------------------------------------------
# Training


def to_tensors(batch: dict[str, Any]) -> dict[str, Any]:
    """A batch of the job file (flat int arrays, as main/training/batching.ts makes them) as tensors."""
    size, s_len, t_len = batch["size"], batch["srcLen"], batch["tgtLen"]
    tgt_out = torch.tensor(batch["tgtOut"], dtype=torch.long).view(size, t_len)
    rows = (tgt_out.reshape(-1) != PAD_ID).nonzero().squeeze(1)  # positions that have a target
    return {
        "src": torch.tensor(batch["src"], dtype=torch.long).view(size, s_len),
        "tgt_in": torch.tensor(batch["tgtIn"], dtype=torch.long).view(size, t_len),
        "rows": rows,
        "targets": tgt_out.reshape(-1)[rows],
        "tokens": int(batch["tokens"]),
        "shape": [size, s_len, t_len],
    }


def train_step(model: Transformer, opt: torch.optim.Optimizer, b: dict[str, Any], lr: float, cfg: dict[str, Any]) -> float:
    hidden = model.forward_hidden(b["src"], b["tgt_in"])  # [b, T, d]
    # Only positions with a target go through the vocabulary projection, as in the engine's
    # Trainer: padding costs no [rows, V] work and the mean is over target tokens.
    h = hidden.reshape(-1, hidden.shape[-1]).index_select(0, b["rows"])  # [tokens, d]
    logits = h @ model.embedding.t()  # [tokens, V]
    loss = F.cross_entropy(logits, b["targets"], label_smoothing=cfg["labelSmoothing"])
    opt.zero_grad(set_to_none=True)
    loss.backward()
    clip = cfg["clipNorm"]
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip if clip > 0 else float("inf"))
    if math.isfinite(float(norm)):
        for group in opt.param_groups:
            group["lr"] = lr
        opt.step()
    return float(loss.item())


def run_training(job: dict[str, Any]) -> dict[str, Any]:
    model_cfg, train_cfg = job["model"], job["train"]
    torch.manual_seed(train_cfg["seed"])
    model = Transformer(model_cfg)
    model.train()
    opt = torch.optim.Adam(
        model.parameters(),
        lr=0.0,
        betas=(train_cfg["adamBeta1"], train_cfg["adamBeta2"]),
        eps=train_cfg["adamEpsilon"],
    )
    batches = [to_tensors(b) for b in job["batches"]]
    warmup, steps = int(job["warmup"]), int(job["steps"])
    rss_before = peak_rss_mb()
    wall = cpu = 0.0
    tokens = 0
    loss = float("nan")
    step_tokens: list[int] = []
    for i in range(warmup + steps):
        b = batches[i % len(batches)]
        lr = learning_rate(i + 1, model_cfg["dModel"], train_cfg["warmupSteps"], train_cfg["lrFactor"])
        t0, c0 = time.perf_counter(), time.process_time()
        loss = train_step(model, opt, b, lr, train_cfg)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        log(f"peer step {i + 1}{' (warm-up)' if i < warmup else ''}: {dt * 1000:.0f} ms, loss {loss:.3f}, batch {b['shape']}")
        if i >= warmup:
            wall += dt
            cpu += dc
            tokens += b["tokens"]
            step_tokens.append(b["tokens"])
    return {
        "params": sum(p.numel() for p in model.parameters()),
        "steps": steps,
        "warmup": warmup,
        "stepTokens": step_tokens,
        "msPerStep": wall * 1000 / max(1, steps),
        "tokensPerSec": tokens / wall if wall > 0 else 0.0,
        "cpuMsPerStep": cpu * 1000 / max(1, steps),
        # process_time counts every thread of the process: the CPU the step really used,
        # which on a shared machine is steadier than wall time.
        "cpuSecPer1kTokens": cpu / tokens * 1000 if tokens > 0 else 0.0,
        "loss": loss,
        "rssBeforeMB": rss_before,
        "peakRssMB": peak_rss_mb(),
    }


# --------------------------------------------------------------------------------------------
# Decoding on the key/value cache (main/decoding/greedy.ts and beam.ts)


class DecodingState:
    """One batch of hypotheses decoding incrementally: the encoder runs once, the cross-attention
    keys/values are computed once, each step feeds one token per row and appends its self-attention
    keys/values to the cache (Transformer.decodeStep in main/model/transformer.ts)."""

    def __init__(self, model: Transformer, sources: list[list[int]]) -> None:
        self.model = model
        length = max(len(s) for s in sources)
        src = torch.full((len(sources), length), PAD_ID, dtype=torch.long)
        for i, s in enumerate(sources):
            src[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        self.src_mask = padding_mask(src)  # [rows, 1, 1, S]
        self.cross = model.cross_keys_values(model.encode(src, self.src_mask))
        self.self_kv: list[tuple[Tensor, Tensor] | None] = [None] * len(model.decoder)
        self.length = 0
        self.projection_t = model.embedding.t().contiguous()  # [d, V], transposed once as the engine's cache does

    @property
    def rows(self) -> int:
        return self.src_mask.shape[0]

    def step(self, tokens: list[int]) -> Tensor:
        """Feeds one token per row; returns next-token log-probabilities [rows, V]."""
        y = self.model.embed(torch.tensor(tokens, dtype=torch.long).view(-1, 1), self.length)  # [rows, 1, d]
        for i, layer in enumerate(self.model.decoder):
            y, self.self_kv[i] = layer(y, self.self_kv[i], self.cross[i], None, self.src_mask)
        self.length += 1
        return torch.log_softmax(y[:, 0] @ self.projection_t, -1)

    def select(self, rows: list[int]) -> None:
        """Row i becomes old row rows[i]: keeps, reorders or repeats hypotheses."""
        idx = torch.tensor(rows, dtype=torch.long)
        pick = lambda t: t.index_select(0, idx)  # noqa: E731
        self.src_mask = pick(self.src_mask)
        self.cross = [(pick(k), pick(v)) for k, v in self.cross]
        self.self_kv = [None if kv is None else (pick(kv[0]), pick(kv[1])) for kv in self.self_kv]


def prepare_source(ids: list[int]) -> list[int]:
    """Tokenizer ids -> encoder input: drop a leading <s>, append </s> once (stepper.ts prepareSource)."""
    start, end = 0, len(ids)
    if end > 0 and ids[0] == BOS_ID:
        start = 1
    if end > start and ids[end - 1] == EOS_ID:
        end -= 1
    return ids[start:end] + [EOS_ID]


def greedy_decode(model: Transformer, src_ids: list[list[int]], margin: int) -> list[list[int]]:
    """Most probable token at every step until </s> or the maximum length; finished sentences leave the batch."""
    sources = [prepare_source(s) for s in src_ids]
    max_len = [max(1, min(len(s) + margin, model.max_positions)) for s in sources]
    out: list[list[int]] = [[] for _ in sources]
    state = DecodingState(model, sources)
    active = list(range(len(sources)))
    tokens = [BOS_ID] * len(active)
    while active:
        best = state.step(tokens).argmax(-1).tolist()
        keep: list[int] = []
        for row, s in enumerate(active):
            out[s].append(best[row])
            if best[row] != EOS_ID and len(out[s]) < max_len[s]:
                keep.append(row)
        if not keep:
            break
        if len(keep) < len(active):
            state.select(keep)
        tokens = [best[r] for r in keep]
        active = [active[r] for r in keep]
    return out


def length_penalty(length: int, alpha: float) -> float:
    """GNMT (Wu et al. 2016): ((5 + |Y|) / 6)^alpha."""
    return ((5 + length) / 6) ** alpha


def beam_search(model: Transformer, src_ids: list[list[int]], beam: int, alpha: float, margin: int) -> list[list[int]]:
    """Beam search with the rules of main/decoding/beam.ts: of the 2B best extensions, </s> among the
    first B finishes a hypothesis, the first B others stay live; a sentence stops when nothing is live,
    at the maximum length, or when its best finished score cannot be beaten (bound max(L)/lp(maxLen))."""
    sources = [prepare_source(s) for s in src_ids]
    results: list[list[int]] = [[] for _ in sources]
    # Per sentence: index, max length, B live slots (tokens, logprob) or None, finished (score, tokens).
    active = [
        {"index": i, "max_len": max(1, min(len(s) + margin, model.max_positions)),
         "live": [([], 0.0)] + [None] * (beam - 1), "finished": []}
        for i, s in enumerate(sources)
    ]
    state = DecodingState(model, sources)
    state.select([s["index"] for s in active for _ in range(beam)])  # B rows per sentence from the start
    tokens = [BOS_ID] * (len(active) * beam)
    t = 0
    while active:
        log_probs = state.step(tokens)  # [n*B, V]
        vocab = log_probs.shape[1]
        row_scores = torch.tensor(
            [float("-inf") if l is None else l[1] for s in active for l in s["live"]]
        ).view(-1, 1)
        k = min(2 * beam, beam * vocab)
        values, indices = (log_probs + row_scores).view(len(active), beam * vocab).topk(k, -1)
        token_lp = log_probs.view(-1).gather(
            0, (indices + torch.arange(len(active)).view(-1, 1) * beam * vocab).view(-1)
        ).view(len(active), k)
        values, indices, token_lp = values.tolist(), indices.tolist(), token_lp.tolist()
        rows: list[int] = []
        next_tokens: list[int] = []
        still: list[dict[str, Any]] = []
        for j, s in enumerate(active):
            live: list[tuple[list[int], float]] = []
            live_rows: list[int] = []
            for c in range(k):
                if values[j][c] == float("-inf"):
                    break  # sorted: only dead slots remain
                b, token = divmod(indices[j][c], vocab)
                parent = s["live"][b]
                if parent is None:
                    continue
                if token == EOS_ID and c >= beam:
                    continue
                if token != EOS_ID and len(live) >= beam:
                    continue
                ids, lp = parent[0] + [token], parent[1] + token_lp[j][c]
                if token == EOS_ID:
                    s["finished"].append((lp / length_penalty(t + 1, alpha), ids))
                else:
                    live.append((ids, lp))
                    live_rows.append(j * beam + b)
                if len(live) >= beam and c >= beam - 1:
                    break
            if t + 1 >= s["max_len"]:
                s["finished"].extend((lp / length_penalty(t + 1, alpha), ids) for ids, lp in live)
                live = []
            done = not live
            if not done and s["finished"]:
                best_finished = max(score for score, _ in s["finished"])
                done = best_finished >= max(lp for _, lp in live) / length_penalty(s["max_len"], alpha)
            if done:
                results[s["index"]] = max(s["finished"])[1]
                continue
            s["live"] = [live[b] if b < len(live) else None for b in range(beam)]
            for b in range(beam):
                # Dead slots repeat the first live row; their -inf score keeps them out of every top-k.
                rows.append(live_rows[b] if b < len(live_rows) else live_rows[0])
                next_tokens.append((live[b] if b < len(live) else live[0])[0][-1])
            still.append(s)
        active = still
        if not active:
            break
        if len(rows) != state.rows or any(r != i for i, r in enumerate(rows)):
            state.select(rows)
        tokens = next_tokens
        t += 1
    return results


def run_decoding(job: dict[str, Any]) -> dict[str, Any]:
    """ms per sentence as scripts/bench/decodeBench.ts measures it: a warm-up sentence, then the
    batch-1 sentences one by one, or the batch all at once."""
    spec = job["decode"]
    torch.manual_seed(job["train"]["seed"])
    model = Transformer({**job["model"], "dropout": 0.0})
    model.eval()
    out: list[dict[str, Any]] = []
    with torch.inference_mode():
        for search in ("greedy", "beam 4"):
            for batched in (False, True):
                srcs = spec["batch"] if batched else spec["single"]

                def run(sentences: list[list[int]]) -> list[list[int]]:
                    if search == "greedy":
                        return greedy_decode(model, sentences, spec["margin"])
                    return beam_search(model, sentences, 4, spec["alpha"], spec["margin"])

                run(srcs[:1])  # warm-up: allocator, thread pool
                t0, c0 = time.perf_counter(), time.process_time()
                if batched:
                    produced = run(srcs)
                else:
                    produced = [run([s])[0] for s in srcs]
                ms = (time.perf_counter() - t0) * 1000 / len(srcs)
                cpu_ms = (time.process_time() - c0) * 1000 / len(srcs)
                out.append({
                    "search": search,
                    "batch": len(srcs) if batched else 1,
                    "sentences": len(srcs),
                    "msPerSentence": ms,
                    "cpuMsPerSentence": cpu_ms,
                    "meanTargetTokens": sum(len(p) for p in produced) / len(produced),
                })
                log(f"peer decode {search} batch {out[-1]['batch']}: {ms:.1f} ms/sentence")
    return {"cases": out}


# --------------------------------------------------------------------------------------------


def gemm_peak(size: int, reps: int) -> dict[str, Any]:
    """Best fp32 GFLOP/s of torch.mm at size^3: the machine's practical peak for MFU. Run in its own
    process: big GEMMs first left a later model run much slower (thread-pool contention)."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(2):
        torch.mm(a, b)
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return {"gflops": 2 * size**3 / best / 1e9, "size": size, "reps": reps, "bestMs": best * 1000}


def main() -> None:
    info: dict[str, Any] = {
        "torch": torch.__version__,
        "blas": blas_library(),
        "threads": torch.get_num_threads(),
    }
    if ARGS.version:
        print(json.dumps(info))
        return
    if ARGS.gemm_peak:
        print(json.dumps({**info, "gemm": gemm_peak(ARGS.gemm_size, ARGS.gemm_reps)}))
        return
    if not ARGS.job:
        raise SystemExit("Give --job FILE (written by scripts/bench/compare.ts), --gemm-peak or --version.")
    with open(ARGS.job, encoding="utf-8") as f:
        job = json.load(f)
    if ARGS.mem_limit_mb > 0:
        limit = ARGS.mem_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    result: dict[str, Any] = dict(info)
    try:
        if job.get("batches"):
            result["train"] = run_training(job)
        if job.get("decode"):
            result["decode"] = run_decoding(job)
        result["ok"] = True
    except (RuntimeError, MemoryError) as err:
        # An allocation past the cap: report it as data, the caller decides what it means.
        result["ok"] = False
        result["error"] = str(err).split("\n")[0][:300]
        result["outOfMemory"] = isinstance(err, MemoryError) or "allocate" in str(err)
    result["peakRssMB"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
