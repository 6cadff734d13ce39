#!/usr/bin/python3
"""Times torch.autograd.gradcheck on gradproof's benchmark workloads.

Usage: torch_gradcheck.py WORKLOADS.json [--modes full,fast] [--quick]

WORKLOADS.json is written by bench/peers/run-peers.ts: a list of
{name, family, sizes, wrt, inputs: {name: {shape, data}}}. Every workload is checked in float64 on one thread
with gradcheck's defaults (eps 1e-6, atol 1e-5, rtol 1e-3), in full mode and with fast_mode=True, timed like
bench/measure.ts (CPU time, fastest of interleaved samples). Prints one JSON document on stdout. Exits 3 with a one-line notice on stderr when torch cannot be imported.
"""
import json
import math
import sys
import time

try:
    import torch
except ImportError:
    print("torch is not installed for this python (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(3)

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass  # already set


def dense(W, x):
    return W @ x


def grad_w(W, x, c):
    return torch.dot(c, W @ x)


def tanh(x):
    return torch.tanh(x)


def relu(x):
    return torch.relu(x)


def mlp(x, W, b1, U, b2, y):
    z = W @ x + b1
    h = torch.relu(z)
    r = U @ h + b2
    return -(y * torch.log_softmax(r, dim=0)).sum()


# The argument order of each function, matching the workloads' input names.
FUNCTIONS = {
    "dense": (dense, ["W", "x"]),
    "grad-W": (grad_w, ["W", "x", "c"]),
    "tanh": (tanh, ["x"]),
    "relu": (relu, ["x"]),
    "mlp": (mlp, ["x", "W", "b1", "U", "b2", "y"]),
}


def cpu_ms():
    return time.process_time_ns() / 1e6


def wall_ms():
    return time.perf_counter_ns() / 1e6


def measure(workload, fast, min_time_ms, min_reps, max_reps, sample_ms, long_run_ms, warmup_ms):
    """Same protocol as bench/measure.ts: CPU time, fastest of interleaved samples, short checks batched."""
    fn, names = FUNCTIONS[workload["family"]]
    args = []
    for name in names:
        spec = workload["inputs"][name]
        t = torch.tensor(spec["data"], dtype=torch.float64).reshape(spec["shape"])
        t.requires_grad_(name in workload["wrt"])
        args.append(t)
    args = tuple(args)
    calls = [0]

    def counted(*a):
        calls[0] += 1
        return fn(*a)

    def check():
        return torch.autograd.gradcheck(counted, args, fast_mode=fast, raise_exception=False)

    def bare(count):
        # As gradcheck calls it: the inputs that require grad build a graph.
        for _ in range(count):
            fn(*args)

    c0, w0 = cpu_ms(), wall_ms()
    passed = check()
    first_cpu, first_wall = cpu_ms() - c0, wall_ms() - w0
    evaluations = calls[0]
    c0, w0 = cpu_ms(), wall_ms()
    bare(evaluations)
    first_bare_cpu, first_bare_wall = cpu_ms() - c0, wall_ms() - w0

    checker, checker_wall, bares, bares_wall = [], [], [], []
    batch = 1
    if first_cpu >= long_run_ms:
        checker, checker_wall = [first_cpu], [first_wall]
        bares, bares_wall = [first_bare_cpu], [first_bare_wall]
    else:
        spent = 0.0
        while spent < warmup_ms:
            c0 = cpu_ms()
            check()
            bare(evaluations)
            spent += cpu_ms() - c0
        batch = min(1000, max(1, math.ceil(sample_ms / max(first_cpu, 1e-3))))
        total = 0.0
        while len(checker) < max_reps and (len(checker) < min_reps or total < min_time_ms):
            c0, w0 = cpu_ms(), wall_ms()
            for _ in range(batch):
                check()
            ms = cpu_ms() - c0
            checker.append(ms / batch)
            checker_wall.append((wall_ms() - w0) / batch)
            total += ms
            c0, w0 = cpu_ms(), wall_ms()
            for _ in range(batch):
                bare(evaluations)
            bares.append((cpu_ms() - c0) / batch)
            bares_wall.append((wall_ms() - w0) / batch)
    return {
        "workload": workload["name"],
        "mode": "fast" if fast else "full",
        "passed": bool(passed),
        "evaluations": evaluations,
        "firstMs": first_cpu,
        "reps": len(checker),
        "batch": batch,
        "checkerMs": min(checker),
        "checkerWallMs": min(checker_wall),
        "bareMs": min(bares),
        "bareWallMs": min(bares_wall),
        "overhead": min(checker) / min(bares),
    }


def main(argv):
    if len(argv) < 2:
        print("usage: torch_gradcheck.py WORKLOADS.json [--modes full,fast] [--quick]", file=sys.stderr)
        return 2
    with open(argv[1]) as fh:
        workloads = json.load(fh)
    modes = ["full", "fast"]
    if "--modes" in argv:
        modes = argv[argv.index("--modes") + 1].split(",")
    quick = "--quick" in argv
    results = []
    for w in workloads:
        for mode in modes:
            opts = (0, 1, 1, 20, 0, 0) if quick else (500, 5, 30, 20, 1000, 1000)
            r = measure(w, mode == "fast", *opts)
            results.append(r)
            print(f"  torch {w['name']} {mode}: {r['checkerMs']:.2f} ms, overhead {r['overhead']:.2f}x", file=sys.stderr)
    doc = {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "dtype": "float64",
        "gradcheck": {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3, "defaults": True},
        "results": results,
    }
    json.dump(doc, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
