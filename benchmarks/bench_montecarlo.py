"""Benchmark: 10,000 replicate studies, vectorised, against the straightforward loop.

Run from the repository root::

    python benchmarks/bench_montecarlo.py                     # 10,000 replicates, 1 and 2 workers
    python benchmarks/bench_montecarlo.py --replicates 2000 --reference 50

Rows of the table (wall-clock seconds, all in this one run):

* ``vectorised, 1 worker`` / ``2 workers``: :func:`microcalc.study.montecarlo.run_replicates`, every
  headline number for ``--replicates`` studies of 300 participants (generation included;
  worker start-up included for 2 workers).
* ``reference loop``: :func:`microcalc.study.montecarlo.run_replicates_reference` on the first
  ``--reference`` replicates: one replicate at a time, statsmodels logistic fits (with the exact
  separation check), per-cohort ROC/DeLong/Youden, Hosmer-Lemeshow, kappa, Spearman.

``per replicate`` divides by the replicates each path computed; ``speed-up`` is the reference's
time per replicate over the row's. The last lines compare the two paths on the replicates both
computed (largest relative difference over every headline number, where both logistic fits
converged) and the 1- and 2-worker results (must be identical).

Targets (issue 6): 10,000 replicates in under 60 s on 2 cores, at least 10x faster per
replicate than the loop, results equal to 1e-8.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

try:
    from microcalc.study import montecarlo
except ImportError:  # not installed: use the checkout's src/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from microcalc.study import montecarlo


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=10_000)
    parser.add_argument("--reference", type=int, default=100, help="replicates of the loop")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)

    montecarlo.run_replicates(2, seed=args.seed)  # imports and first-call costs, not timed
    rows, results = [], {}
    for jobs in args.jobs:
        if jobs > 1:  # start the worker processes (loky reuses them), timed separately
            start = time.perf_counter()
            montecarlo.run_replicates(2 * jobs * montecarlo.CHUNK_SIZE, seed=args.seed, jobs=jobs)
            rows.append(
                (
                    f"  start-up + {2 * jobs} chunks",
                    2 * jobs * montecarlo.CHUNK_SIZE,
                    time.perf_counter() - start,
                )
            )
        start = time.perf_counter()
        results[jobs] = montecarlo.run_replicates(args.replicates, seed=args.seed, jobs=jobs)
        rows.append(
            (
                f"vectorised, {jobs} worker{'s' if jobs > 1 else ''}",
                args.replicates,
                time.perf_counter() - start,
            )
        )
    start = time.perf_counter()
    reference = montecarlo.run_replicates_reference(args.reference, seed=args.seed)
    rows.append(("reference loop", args.reference, time.perf_counter() - start))

    ref_per = rows[-1][2] / rows[-1][1]
    print(
        f"replicate studies of 300 participants, seed {args.seed}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(f"{'path':<24}{'replicates':>11}{'seconds':>10}{'per replicate':>16}{'speed-up':>10}")
    for name, n, seconds in rows:
        per = seconds / n
        print(f"{name:<24}{n:>11}{seconds:>10.2f}{per * 1e3:>13.2f} ms{ref_per / per:>9.1f}x")

    first = results[args.jobs[0]]
    numeric = [c for c in montecarlo.COLUMNS if c not in ("replicate", "converged")]
    head = first.iloc[: args.reference]
    ok = head["converged"].to_numpy() & reference["converged"].to_numpy()
    a = head.loc[ok, numeric].to_numpy(float)
    b = reference.loc[ok, numeric].to_numpy(float)
    rel = np.nanmax(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))
    same_flags = bool((head["converged"].to_numpy() == reference["converged"].to_numpy()).all())
    print(
        f"\nvectorised vs loop on {int(ok.sum())} of {args.reference} replicates (both fits "
        f"converged): largest relative difference {rel:.1e}; convergence flags agree: "
        f"{same_flags}"
    )
    if len(results) > 1:
        identical = all(first.equals(other) for other in results.values())
        print(f"results identical for {', '.join(map(str, args.jobs))} workers: {identical}")
    print(
        f"replicates with both logistic fits converged: {int(first['converged'].sum())} "
        f"of {len(first)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
