"""An independent MarianMT forward pass, for marianParity.test.ts only.

Written from the semantics of Hugging Face Transformers' modeling_marian.py (MarianMTModel),
not from the studio's code: it parses model.safetensors itself (8-byte length, JSON header,
raw little-endian float32), rebuilds MarianSinusoidalPositionalEmbedding (every sine in the
first half of the dimensions, every cosine in the second), scales the token embeddings by
sqrt(d_model) (scale_embedding), runs post-LN encoder and decoder layers (MarianEncoderLayer,
MarianDecoderLayer: residual add, then LayerNorm eps 1e-5) with ReLU feed-forward networks
and MarianAttention (queries scaled by head_dim ** -0.5, heads split by view), and ends with
the tied lm_head plus final_logits_bias. Dropout is off (eval mode).

Usage: python3 marianReference.py DIR < {"src": [[ids]], "tgt": [[ids]]}
Prints {"logits": [batch][T][V]} for the decoder inputs `tgt` given the sources `src`;
source id pad_token_id is masked as the tokenizer's attention_mask would.
"""

import json
import math
import struct
import sys

import torch


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise SystemExit(f"{name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        buf = bytearray(data[base + begin : base + end])
        tensors[name] = torch.frombuffer(buf, dtype=torch.float32).reshape(entry["shape"])
    return tensors


def sinusoidal_positions(n_pos, dim):
    """MarianSinusoidalPositionalEmbedding._init_weight."""
    enc = torch.tensor(
        [[pos / math.pow(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)],
        dtype=torch.float64,
    )
    out = torch.empty(n_pos, dim, dtype=torch.float32)
    sentinel = dim // 2 if dim % 2 == 0 else dim // 2 + 1
    out[:, :sentinel] = torch.sin(enc[:, 0::2]).float()
    out[:, sentinel:] = torch.cos(enc[:, 1::2]).float()
    return out


class Marian:
    def __init__(self, folder):
        with open(f"{folder}/config.json") as f:
            self.cfg = json.load(f)
        self.w = load_safetensors(f"{folder}/model.safetensors")
        self.d = self.cfg["d_model"]
        assert self.cfg["activation_function"] == "relu"
        self.scale = math.sqrt(self.d) if self.cfg["scale_embedding"] else 1.0
        self.pos = sinusoidal_positions(self.cfg["max_position_embeddings"], self.d)
        self.min = torch.finfo(torch.float32).min

    def linear(self, x, name):
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def norm(self, x, name):
        return torch.nn.functional.layer_norm(
            x, (self.d,), self.w[f"{name}.weight"], self.w[f"{name}.bias"], eps=1e-5
        )

    def attention(self, xq, xkv, name, heads, mask):
        bsz, tq, _ = xq.shape
        tk = xkv.shape[1]
        hd = self.d // heads
        q = self.linear(xq, f"{name}.q_proj") * hd**-0.5
        k = self.linear(xkv, f"{name}.k_proj")
        v = self.linear(xkv, f"{name}.v_proj")
        q = q.view(bsz, tq, heads, hd).transpose(1, 2)
        k = k.view(bsz, tk, heads, hd).transpose(1, 2)
        v = v.view(bsz, tk, heads, hd).transpose(1, 2)
        weights = torch.softmax(q @ k.transpose(-1, -2) + mask, dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(bsz, tq, self.d)
        return self.linear(out, f"{name}.out_proj")

    def ffn(self, x, name):
        return self.linear(torch.relu(self.linear(x, f"{name}.fc1")), f"{name}.fc2")

    def embed(self, ids):
        shared = self.w["model.shared.weight"]
        return shared[ids] * self.scale + self.pos[: ids.shape[1]]

    def forward(self, src, tgt):
        heads_e = self.cfg["encoder_attention_heads"]
        heads_d = self.cfg["decoder_attention_heads"]
        keep = src != self.cfg["pad_token_id"]  # the tokenizer's attention_mask
        src_mask = torch.where(keep, 0.0, self.min)[:, None, None, :]
        h = self.embed(src)
        for i in range(self.cfg["encoder_layers"]):
            p = f"model.encoder.layers.{i}"
            h = self.norm(h + self.attention(h, h, f"{p}.self_attn", heads_e, src_mask), f"{p}.self_attn_layer_norm")
            h = self.norm(h + self.ffn(h, p), f"{p}.final_layer_norm")
        memory = h
        t = tgt.shape[1]
        causal = torch.triu(torch.full((t, t), self.min), diagonal=1)[None, None]
        y = self.embed(tgt)
        for i in range(self.cfg["decoder_layers"]):
            p = f"model.decoder.layers.{i}"
            y = self.norm(y + self.attention(y, y, f"{p}.self_attn", heads_d, causal), f"{p}.self_attn_layer_norm")
            y = self.norm(
                y + self.attention(y, memory, f"{p}.encoder_attn", heads_d, src_mask),
                f"{p}.encoder_attn_layer_norm",
            )
            y = self.norm(y + self.ffn(y, p), f"{p}.final_layer_norm")
        return y @ self.w["model.shared.weight"].T + self.w["final_logits_bias"]


def main():
    request = json.load(sys.stdin)
    model = Marian(sys.argv[1])
    with torch.no_grad():
        logits = model.forward(torch.tensor(request["src"]), torch.tensor(request["tgt"]))
    json.dump({"logits": logits.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
