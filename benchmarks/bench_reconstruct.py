"""Benchmark: the reconstruction search, per-move updates against full recomputation.

Run from the repository root::

    python benchmarks/bench_reconstruct.py              # headline set, seed 2025
    python benchmarks/bench_reconstruct.py --moves 2000

Rows (wall-clock, all in this one run):

* ``search engine, one move``: a proposed move evaluated by the engine of
  :mod:`microcalc.study.reconstruct` (sums, sums of squares, histograms, the Mann-Whitney count updated
  in place; the two-marker model refitted by Newton steps from the previous fit).
* ``full recompute, one move``: the same moves, each evaluated from scratch by
  :func:`microcalc.study.reconstruct.achieved_values` (the R-validated library functions the final check
  uses): the baseline.
* ``time to witness``: :func:`microcalc.study.reconstruct.reconstruct` on the headline set until the
  first data set meeting every target, and the whole run (with polishing).

Target (issue 11): the headline witness in at most 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

try:
    from microcalc.study import reconstruct
except ImportError:  # not installed: use the checkout's src/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from microcalc.study import reconstruct


def _engine(seed: int, name: str):
    ref = reconstruct.reference_cohort(seed)
    e = np.rint(ref["elasticity_kpa"].to_numpy() * reconstruct.E_SCALE).astype(np.int64)
    sr = np.rint(ref["strain_ratio"].to_numpy() * reconstruct.SR_SCALE).astype(np.int64)
    n = reconstruct.N_PER_GROUP
    refs = {("e", 0): e[:n], ("e", 1): e[n:], ("sr", 0): sr[:n], ("sr", 1): sr[n:]}
    return reconstruct._Engine(e, sr, reconstruct.targets(name), refs, 0.05)


def _moves(engine, count: int, seed: int):
    rng = np.random.default_rng(seed)
    kinds = ("e_triple", "e_pair", "sr_triple", "sr_pair", "sr_swap", "e_swap")
    out = []
    while len(out) < count:
        change = reconstruct._propose(engine, rng, kinds)
        if change is not None:
            out.append(change)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=3000, help="moves timed per path")
    parser.add_argument("--baseline-moves", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--targets", default="headline")
    args = parser.parse_args(argv)

    engine = _engine(args.seed, args.targets)
    moves = _moves(engine, args.moves, args.seed)

    start = time.perf_counter()
    for change in moves:  # propose, evaluate, undo: what a rejected move costs
        undo = engine.apply(change)
        engine._evaluate()
        engine.apply(undo)
    fast = (time.perf_counter() - start) / len(moves)

    start = time.perf_counter()
    for change in moves[: args.baseline_moves]:
        undo = engine.apply(change)
        reconstruct.achieved_values(reconstruct._frame(engine.e, engine.sr))
        engine.apply(undo)
    slow = (time.perf_counter() - start) / min(len(moves), args.baseline_moves)

    rec = reconstruct.reconstruct(args.targets, seed=args.seed)
    rows = [
        ("full recompute, one move (baseline)", slow * 1e3, 1 / slow, 1.0),
        ("search engine, one move", fast * 1e3, 1 / fast, slow / fast),
    ]
    print(f"reconstruction of '{args.targets}', seed {args.seed}\n")
    print("| path | ms per move | moves per s | speed-up |\n|---|---|---|---|")
    for label, ms, per_s, ratio in rows:
        print(f"| {label} | {ms:.3f} | {per_s:,.0f} | {ratio:.1f}x |")
    s = rec.search
    print(
        f"\n| search | moves | seconds |\n|---|---|---|\n"
        f"| time to witness | {s.moves_to_witness:,} | {s.seconds_to_witness:.1f} |\n"
        f"| whole run (with polishing) | {s.moves:,} | {s.seconds:.1f} |"
    )
    print(
        f"\nwitness found: {rec.found}; targets met {int(rec.check['met'].sum())}/{len(rec.check)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
