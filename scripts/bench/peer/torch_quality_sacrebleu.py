#!/usr/bin/python3
"""The independent check of `scripts/bench/quality.ts`: the real sacreBLEU on the same hypotheses.

Reads {"refs": [...], "systems": {"name": [hypotheses...], ...}} as JSON on stdin and prints
{"version": ..., "systems": {"name": {"score", "signature", "line"}}} on stdout: what
`sacrebleu.corpus_bleu` (13a, mixed case, exp smoothing, one reference) computes for each.
Without the sacrebleu module it prints {"error": "..."} and exits 3, so the benchmark can say so.
Any Python 3 with `pip install sacrebleu` will do: --sacrebleu-python PATH in quality.ts.
"""

import json
import sys


def main() -> int:
    try:
        import sacrebleu
        from sacrebleu.metrics import BLEU
    except ImportError as err:
        print(json.dumps({'error': f'no sacrebleu module in {sys.executable} ({err})'}))
        return 3
    job = json.load(sys.stdin)
    out = {}
    for name, hyps in job['systems'].items():
        metric = BLEU()
        score = metric.corpus_score(hyps, [job['refs']])
        out[name] = {'score': score.score, 'signature': str(metric.get_signature()), 'line': str(score)}
    print(json.dumps({'version': sacrebleu.__version__, 'systems': out}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
