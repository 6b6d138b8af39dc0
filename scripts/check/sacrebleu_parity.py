"""The sacreBLEU side of scripts/check/sacrebleuParity.ts.

Reads {"hyps": [...], "refs": [[...], [...]]} as JSON on stdin and writes, as JSON on stdout,
what the real sacreBLEU computes for them: 13a tokenizations, sentence BLEU / chrF / chrF++
per segment, and corpus BLEU / chrF under several option sets (with signatures).
Needs `pip install sacrebleu` (any 2.x); the TypeScript side picks the interpreter.
"""

import json
import sys

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

# Keep in sync with CORPUS_BLEU / CORPUS_CHRF in sacrebleuParity.ts (same order, same names).
CORPUS_BLEU = [
    ("default", {}),
    ("lowercase", {"lowercase": True}),
    ("tok-none", {"tokenize": "none"}),
    ("tok-char", {"tokenize": "char"}),
    ("smooth-none", {"smooth_method": "none"}),
    ("smooth-floor", {"smooth_method": "floor"}),
    ("smooth-add-k", {"smooth_method": "add-k", "smooth_value": 2}),
    ("eff", {"effective_order": True}),
    ("order-6", {"max_ngram_order": 6}),
]
CORPUS_CHRF = [
    ("chrF", {}),
    ("chrF++", {"word_order": 2}),
    ("chrF-eps", {"eps_smoothing": True}),
    ("chrF-lc-space", {"lowercase": True, "whitespace": True}),
]


def bleu_dict(score, metric):
    return {
        "score": score.score,
        "counts": list(score.counts),
        "totals": list(score.totals),
        "precisions": list(score.precisions),
        "bp": score.bp,
        "sysLen": score.sys_len,
        "refLen": score.ref_len,
        "signature": str(metric.get_signature()),
    }


def main():
    data = json.load(sys.stdin)
    hyps, refs = data["hyps"], data["refs"]
    tok = Tokenizer13a()
    out = {
        "version": sacrebleu.__version__,
        "tokens13a": [tok(h.rstrip()) for h in hyps],
        "sentenceBleu": [],
        "sentenceChrf": [],
        "sentenceChrfpp": [],
        "corpusBleu": {},
        "corpusChrf": {},
    }
    sbleu = BLEU(effective_order=True)
    schrf = CHRF()
    schrfpp = CHRF(word_order=2)
    for i, h in enumerate(hyps):
        seg_refs = [stream[i] for stream in refs]
        out["sentenceBleu"].append(sbleu.sentence_score(h, seg_refs).score)
        out["sentenceChrf"].append(schrf.sentence_score(h, seg_refs).score)
        out["sentenceChrfpp"].append(schrfpp.sentence_score(h, seg_refs).score)
    for nrefs in (1, len(refs)):
        for name, kwargs in CORPUS_BLEU:
            metric = BLEU(**kwargs)
            score = metric.corpus_score(hyps, refs[:nrefs])
            out["corpusBleu"][f"{name}/{nrefs}"] = bleu_dict(score, metric)
        for name, kwargs in CORPUS_CHRF:
            metric = CHRF(**kwargs)
            score = metric.corpus_score(hyps, refs[:nrefs])
            out["corpusChrf"][f"{name}/{nrefs}"] = {
                "score": score.score,
                "signature": str(metric.get_signature()),
            }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
