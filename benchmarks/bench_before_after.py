"""Benchmark: this checkout against an earlier commit, interleaved in one run.

Run from the repository root::

    python benchmarks/bench_before_after.py --before aadc17a
    python benchmarks/bench_before_after.py --before HEAD~5 --replicates 2000 --sizes 100000

The package of the ``--before`` commit is extracted with ``git archive`` into a temporary folder;
each measurement runs in a fresh Python process whose ``PYTHONPATH`` points at one of the two
``src/`` folders (the process checks which package it imported). Rows alternate before/after for
``--repeat`` rounds, so that a machine that slows down mid-run slows both; the table shows the
best (lowest) time of each and the ratio after / before (below 1 = faster now).

Timed, with the same data in both trees:

* ``montecarlo R replicates``: ``montecarlo.run_replicates(R, seed=2025, jobs=1)`` (generation
  and every headline number of R replicate studies of 300 participants);
* ``DeLong paired test, n = N``: ``roc.delong_test`` on two correlated normal markers with N
  cases and N controls (as ``benchmarks/bench_delong.py``).

The last column compares the numbers: the largest relative difference ``|a - b| / max(|a|, |b|)``
between the two trees' Monte Carlo results (every column, every replicate; NaN in both counts as
equal, NaN in one only as infinite) and between their DeLong z and p. Relative, because a
near-separated replicate can have an odds ratio of 1e130. A refactor that changes no statistic must show 0 (or float rounding).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time, hashlib
import numpy as np
kind, arg = sys.argv[1], int(sys.argv[2])
import microcalc
try:
    from microcalc.study import montecarlo
    from microcalc.stats import roc
except ImportError:
    from microcalc import montecarlo, roc
out = {"package": microcalc.__file__}
if kind == "montecarlo":
    montecarlo.run_replicates(50, seed=1, jobs=1)  # warm-up: imports, caches
    t0 = time.perf_counter()
    res = montecarlo.run_replicates(arg, seed=2025, jobs=1)
    out["seconds"] = time.perf_counter() - t0
    num = res.select_dtypes("number").astype(float)
    out["values"] = {c: num[c].tolist() for c in num.columns}
else:
    rng = np.random.default_rng(20240601)
    y = np.r_[np.ones(arg, np.int8), np.zeros(arg, np.int8)]
    z1 = rng.standard_normal(y.size)
    z2 = 0.6 * z1 + 0.8 * rng.standard_normal(y.size)
    m1, m2 = z1 + 2.0 * y, z2 + 1.7 * y
    warm = np.r_[0:100, arg:arg + 100]
    roc.delong_test(y[warm], m1[warm], m2[warm])
    t0 = time.perf_counter()
    test = roc.delong_test(y, m1, m2)
    out["seconds"] = time.perf_counter() - t0
    z = getattr(test, "statistic", getattr(test, "z", None))
    out["values"] = {"z": [float(z)], "p_value": [float(test.p_value)]}
print(json.dumps(out))
"""


def extract(revision: str, into: Path) -> Path:
    """``src/`` of ``revision`` extracted into ``into``; returns the ``src`` folder."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def measure(src: Path, kind: str, arg: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(arg)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"error: the {kind} measurement failed in {src}:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(result["package"]).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"error: imported {result['package']}, not the package in {src}")
    return result


def largest_difference(a: dict, b: dict) -> float:
    import numpy as np

    worst = 0.0
    for column in sorted(set(a) & set(b)):
        x, y = np.asarray(a[column], float), np.asarray(b[column], float)
        both_nan = np.isnan(x) & np.isnan(y)
        if (np.isnan(x) != np.isnan(y)).any():
            return float("inf")
        scale = np.maximum(np.maximum(np.abs(x), np.abs(y)), 1e-12)
        diff = (np.abs(x - y) / scale)[~both_nan]
        if diff.size:
            worst = max(worst, float(diff.max()))
    return worst


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision to compare with")
    parser.add_argument("--replicates", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**6])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (best of)")
    args = parser.parse_args(argv)

    jobs = [("montecarlo", args.replicates, f"montecarlo {args.replicates:,} replicates")]
    jobs += [("delong", n, f"DeLong paired test, n = {n:,} + {n:,}") for n in args.sizes]
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"before": extract(args.before, Path(tmp)), "after": ROOT / "src"}
        times = {(label, tree): [] for *_, label in jobs for tree in trees}
        values = {}
        for round_ in range(args.repeat):
            for kind, arg, label in jobs:
                for tree, src in trees.items():
                    result = measure(src, kind, arg)
                    times[label, tree].append(result["seconds"])
                    values[label, tree] = result["values"]
                    print(
                        f"round {round_ + 1}: {label:<41} {tree:<6} {result['seconds']:8.2f} s",
                        file=sys.stderr,
                        flush=True,
                    )
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"\nbefore = {args.before}, after = {commit} (+ working tree); best of {args.repeat}\n")
    print(f"| {'measurement':<41} | before (s) | after (s) | after / before | largest rel. diff. |")
    print(f"|{'-' * 43}|-----------:|----------:|---------------:|-------------------:|")
    for _, _, label in jobs:
        before, after = min(times[label, "before"]), min(times[label, "after"])
        diff = largest_difference(values[label, "before"], values[label, "after"])
        print(
            f"| {label:<41} | {before:10.2f} | {after:9.2f} | {after / before:14.2f} | {diff:18.3g} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
