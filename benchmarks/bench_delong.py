"""Benchmark: the paired DeLong test of two markers against its floor, O(n^2) DeLong, and pROC.

Run from the repository root::

    python benchmarks/bench_delong.py            # n = 1e4, 1e5, 1e6 per class
    python benchmarks/bench_delong.py --sizes 10000 100000 --repeat 5 --no-r

Columns (seconds are the best of ``--repeat`` runs, in this process):

* ``microcalc``: :func:`microcalc.stats.roc.delong_test` end to end (input checks included).
* ``argsort floor``: a stable ``numpy.argsort`` of each marker's pooled values; any exact AUC
  has to sort each marker once, so this is the floor.
* ``O(n^2)``: the straightforward placement-value DeLong (every case against every control,
  vectorised numpy in blocks), up to ``--quadratic-max`` per class (default 10^4).
* ``pROC``: R's ``roc()`` for both markers + ``roc.test(method = "delong")``, timed inside R
  (``system.time``; R start-up and data loading excluded), when ``Rscript`` and pROC are found.

Targets at 10^6 per class (issue 3): within 2x of the argsort floor, and at least 8x faster
than pROC end to end.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
from scipy import stats

try:
    from microcalc.stats import roc
except ImportError:  # not installed: use the checkout's src/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from microcalc.stats import roc

R_SCRIPT = r"""
suppressPackageStartupMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
n <- as.integer(args[2]); repeats <- as.integer(args[3])
con <- file(args[1], "rb"); v <- readBin(con, "double", n = 3 * n); close(con)
y <- v[1:n]; m1 <- v[(n + 1):(2 * n)]; m2 <- v[(2 * n + 1):(3 * n)]
best <- Inf
for (i in seq_len(repeats)) {
  t <- system.time({
    r1 <- roc(y, m1, levels = c(0, 1), direction = "<", quiet = TRUE)
    r2 <- roc(y, m2, levels = c(0, 1), direction = "<", quiet = TRUE)
    test <- roc.test(r1, r2, method = "delong", paired = TRUE)
  })[["elapsed"]]
  best <- min(best, t)
}
cat(sprintf("%.17g %.17g %s\n", best, as.numeric(test$statistic),
            as.character(packageVersion("pROC"))))
"""


def make_data(n_per_class: int, seed: int = 20240601):
    """Two correlated normal markers, AUCs about 0.92 and 0.88."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(n_per_class, np.int8), np.zeros(n_per_class, np.int8)]
    z1 = rng.standard_normal(y.size)
    z2 = 0.6 * z1 + 0.8 * rng.standard_normal(y.size)
    return y, z1 + 2.0 * y, z2 + 1.7 * y


def best_of(func, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def argsort_floor(m1, m2):
    """The floor: one stable argsort of each marker's pooled values."""
    return np.argsort(m1, kind="stable"), np.argsort(m2, kind="stable")


def quadratic_delong(y, m1, m2):
    """Textbook DeLong: placements by comparing every case with every control."""
    case, ctrl = y == 1, y == 0
    v10, v01 = [], []
    for x in (m1, m2):
        xs, ys = x[case], x[ctrl]
        rows = np.empty(xs.size)
        cols = np.zeros(ys.size)
        for start in range(0, xs.size, 500):
            diff = xs[start : start + 500, None] - ys[None, :]
            psi = (diff > 0) + 0.5 * (diff == 0)
            rows[start : start + 500] = psi.mean(axis=1)
            cols += psi.sum(axis=0)
        v10.append(rows)
        v01.append(cols / xs.size)
    v10, v01 = np.array(v10), np.array(v01)
    s = np.cov(v10) / v10.shape[1] + np.cov(v01) / v01.shape[1]
    auc = v10.mean(axis=1)
    z = (auc[0] - auc[1]) / np.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])
    return z, 2 * stats.norm.sf(abs(z))


def run_proc(y, m1, m2, repeat: int, rscript: str):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.bin"
        np.concatenate([y.astype(float), m1, m2]).astype("<f8").tofile(data)
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run(
            [rscript, str(script), str(data), str(y.size), str(repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
    seconds, z, version = out.stdout.split()
    return float(seconds), float(z), version


def have_proc(rscript: str | None) -> bool:
    if rscript is None:
        return False
    probe = subprocess.run(
        [rscript, "-e", "quit(status = !requireNamespace('pROC', quietly = TRUE))"],
        capture_output=True,
    )
    return probe.returncode == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--no-r", action="store_true", help="skip the pROC column")
    parser.add_argument(
        "--quadratic-max",
        type=int,
        default=10**4,
        help="run the O(n^2) DeLong only up to this many per class",
    )
    args = parser.parse_args(argv)

    rscript = None if args.no_r else shutil.which("Rscript")
    use_r = have_proc(rscript)
    print(f"numpy {np.__version__}; best of {args.repeat} run(s); times in seconds")
    if not use_r:
        print("pROC column skipped (no Rscript with pROC found, or --no-r)")

    rows = []
    for n in args.sizes:
        y, m1, m2 = make_data(n)
        res = roc.delong_test(y, m1, m2)
        t_ours = best_of(partial(roc.delong_test, y, m1, m2), args.repeat)
        t_floor = best_of(partial(argsort_floor, m1, m2), args.repeat)
        t_quad = z_quad = None
        if n <= args.quadratic_max:
            t_quad = best_of(partial(quadratic_delong, y, m1, m2), 1)
            z_quad = quadratic_delong(y, m1, m2)[0]
        t_r = z_r = None
        if use_r:
            t_r, z_r, proc_version = run_proc(y, m1, m2, 1 if n >= 10**6 else args.repeat, rscript)
        rows.append((n, res.statistic, t_ours, t_floor, t_quad, z_quad, t_r, z_r))

    def fmt(v, spec=".4f"):
        return "-" if v is None else format(v, spec)

    header = (
        f"{'n per class':>11} | {'microcalc':>9} | {'argsort floor':>13} | {'ratio':>5} | "
        f"{'O(n^2)':>8} | {'O(n^2)/ours':>11} | {'pROC':>8} | {'pROC/ours':>9} | "
        f"{'|dz| vs pROC':>12}"
    )
    print(header)
    print("-" * len(header))
    for n, z, t_ours, t_floor, t_quad, z_quad, t_r, z_r in rows:
        print(
            f"{n:>11,} | {t_ours:>9.4f} | {t_floor:>13.4f} | {t_ours / t_floor:>5.2f} | "
            f"{fmt(t_quad, '.3f'):>8} | {fmt(t_quad and t_quad / t_ours, '.0f'):>11} | "
            f"{fmt(t_r, '.3f'):>8} | {fmt(t_r and t_r / t_ours, '.1f'):>9} | "
            f"{fmt(z_r if z_r is None else abs(z - z_r), '.1e'):>12}"
        )
        if z_quad is not None:
            assert abs(z - z_quad) < 1e-8, (z, z_quad)
    if use_r:
        print(f"pROC {proc_version}; z agrees with pROC in every row (|dz| column)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
