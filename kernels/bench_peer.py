"""PyTorch's matrix products on the shapes of kernels/bench.ts, for its `torch` columns.

Reads {"threads": N, "seconds": S, "shapes": [{"a": [...], "b": [...], "transposeA": bool,
"transposeB": bool}, ...]} on stdin and prints one JSON line: per shape, the process CPU ms
and wall GFLOP/s of `torch.matmul` (OpenBLAS/MKL on this CPU) at N threads, timed the way
bench.ts times the studio kernels (one warm-up, then repeats for S seconds, at most 1,000).
"""
import json
import resource
import sys
import time

import torch


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    job = json.load(sys.stdin)
    torch.set_num_threads(job["threads"])
    seconds = job["seconds"]
    out = []
    with torch.no_grad():
        for s in job["shapes"]:
            a = torch.rand(s["a"]) * 2 - 1
            b = torch.rand(s["b"]) * 2 - 1
            # A transposed operand is a transposed view, as tfjs's flags describe it.
            op_a = a.transpose(-1, -2) if s["transposeA"] else a
            op_b = b.transpose(-1, -2) if s["transposeB"] else b
            torch.matmul(op_a, op_b)
            reps = 0
            c0 = cpu_seconds()
            t0 = time.perf_counter()
            while True:
                torch.matmul(op_a, op_b)
                reps += 1
                if time.perf_counter() - t0 >= seconds or reps >= 1000:
                    break
            wall = time.perf_counter() - t0
            out.append({"cpuMs": (cpu_seconds() - c0) * 1000 / reps, "wallS": wall / reps})
    print(json.dumps({"torch": torch.__version__, "results": out}))


if __name__ == "__main__":
    main()
