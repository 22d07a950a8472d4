"""The peers of bench/peers.bench.js, driven over stdin/stdout so rounds interleave with myelin's.

Debian's python3 (numpy on Debian's OpenBLAS, python3-torch). The caller sets OPENBLAS_CORETYPE and
OPENBLAS_NUM_THREADS before this process starts (OpenBLAS reads them once). One JSON request per line:
  {"op": "info"}                              -> OpenBLAS core and version, torch version
  {"op": "sgemm", "m":, "n":, "k":, "seconds":, "ta":, "tb":} -> best seconds per numpy float32 product
                                                 op(A) op(B); ta/tb (optional): A or B stored transposed
  {"op": "w3", "threads":, "rows":}           -> seconds for one epoch of the W3 MLP in PyTorch, with
                                                 1 OpenMP thread and `threads` OpenBLAS threads
Answers are one JSON line each.
"""
import ctypes
import json
import sys
import time

import numpy as np

BLAS = "libopenblas.so.0"  # Debian's OpenBLAS (the one numpy and torch call, through libblas.so.3)


def info():
    out = {"numpy": np.__version__}
    try:
        lib = ctypes.CDLL(BLAS)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        out["openblas_core"] = lib.openblas_get_corename().decode()
        out["openblas_config"] = lib.openblas_get_config().decode()
    except (OSError, AttributeError) as e:
        out["openblas_core"] = f"unknown ({e})"
    try:
        import torch

        out["torch"] = torch.__version__
    except ImportError:
        out["torch"] = None
    return out


def sgemm(m, n, k, seconds, ta=False, tb=False):
    rng = np.random.default_rng(1)
    # A transposed view: numpy hands BLAS the stored matrix with the transpose flag, no copy.
    a = rng.random((k, m), dtype=np.float32).T if ta else rng.random((m, k), dtype=np.float32)
    b = rng.random((n, k), dtype=np.float32).T if tb else rng.random((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)
    t = time.perf_counter()
    np.matmul(a, b, out=c)
    reps = max(1, int(seconds / max(time.perf_counter() - t, 1e-7)))
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - t) / reps)
    return best


_w3 = {}


def w3(threads, rows):
    """One epoch of 784-256-128-10 (relu, relu, softmax + crossentropy), SGD(0.05, momentum 0.9), batch 128."""
    import torch

    torch.set_num_threads(1)
    ctypes.CDLL(BLAS).openblas_set_num_threads(threads)  # the library torch's BLAS calls land in
    key = rows
    if key not in _w3:
        g = torch.Generator().manual_seed(1)
        x = torch.rand(rows, 784, generator=g)
        y = (x[:, 0] * 10).long().clamp(max=9)
        torch.manual_seed(1)
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
        )
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        _w3[key] = (x, y, model, opt)
    x, y, model, opt = _w3[key]
    loss_fn = torch.nn.CrossEntropyLoss()
    perm = torch.randperm(rows)
    t = time.perf_counter()
    for s in range(0, rows, 128):
        idx = perm[s : s + 128]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - t


def main():
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "info":
            out = info()
        elif op == "sgemm":
            out = {"seconds": sgemm(req["m"], req["n"], req["k"], req["seconds"], req.get("ta"), req.get("tb"))}
        elif op == "w3":
            out = {"seconds": w3(req["threads"], req["rows"])}
        else:
            out = {"error": f"unknown op {op}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
