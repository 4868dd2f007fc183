"""Benchmark: ``python -m microcalc analyze`` on 10^4, 10^5 and 10^6 rows, time and peak memory.

Run from the repository root::

    python benchmarks/bench_analyze.py                    # 10^4, 10^5, 10^6 rows
    python benchmarks/bench_analyze.py --rows 10000 100000

Each table is drawn from the committed cohort (``data/lesions.csv``) by resampling its rows with
replacement under new participant_ids (seed fixed), so every relation of the data dictionary
holds and every analysis runs. Each measurement is a fresh process, as a user runs it; the
process reports its own peak resident memory (``getrusage``), so the numbers include Python,
numpy, pandas and scipy themselves.

Columns (all measured in this one run):

* ``analyze s`` / ``peak MiB``: the full command, reading and checking the CSV, every analysis
  of the report, writing the JSON;
* ``read_csv s`` / ``read_csv MiB``: the baseline, a process that only imports the same
  libraries and parses the same file with ``pandas.read_csv`` (the floor any analysis pays);
* ``x time`` / ``x memory``: analyze over the baseline;
* ``us/row``: analyze time per row (flat means linear scaling).

Goal (issue 14): 10^6 rows in at most 60 s and 2 GiB of peak memory on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 60.0
GOAL_MIB = 2048.0

_CHILD = """
import resource, sys, time
start = time.perf_counter()
if sys.argv[1] == "analyze":
    from microcalc import cli
    status = cli.main(sys.argv[1:])
else:
    import numpy, pandas, scipy.stats, statsmodels.api  # the same imports as analyze
    pandas.read_csv(sys.argv[2])
    status = 0
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{status} {elapsed} {peak}", file=sys.stderr)
"""


def make_table(n: int, path: Path, seed: int = 2025) -> None:
    """``n`` rows resampled from the committed cohort, with new participant_ids."""
    lesions = pd.read_csv(ROOT / "data" / "lesions.csv", dtype=str, keep_default_na=False)
    rows = np.random.default_rng(seed).integers(0, len(lesions), n)
    table = lesions.iloc[rows].reset_index(drop=True)
    table["participant_id"] = [f"Q{i:07d}" for i in range(n)]
    table.to_csv(path, index=False)


def measure(*args: str) -> tuple[float, float]:
    """(seconds, peak MiB) of one fresh process; fails loudly if the command failed."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, cwd=ROOT
    )
    last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    try:
        status, seconds, peak = last.split()
    except ValueError:
        raise SystemExit(f"benchmark process failed: {result.stderr[-2000:]}") from None
    if status != "0":
        raise SystemExit(f"analyze failed: {result.stderr[-2000:]}")
    return float(seconds), float(peak)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args(argv)
    lines = []
    header = (
        f"{'rows':>9} {'MB file':>8} {'analyze s':>10} {'peak MiB':>9} {'read_csv s':>11} "
        f"{'read_csv MiB':>13} {'x time':>7} {'x memory':>9} {'us/row':>7}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as folder:
        for n in args.rows:
            table = Path(folder) / f"lesions_{n}.csv"
            report = Path(folder) / f"report_{n}.json"
            make_table(n, table)
            size = table.stat().st_size
            base_s, base_mib = measure("read_csv", str(table))
            seconds, mib = measure(
                "analyze",
                str(table),
                "--json",
                "--out",
                str(report),
                "--force",
                "--max-rows",
                str(n),
                "--max-bytes",
                str(size),
            )
            rows = json.loads(report.read_text())["input"]["n_rows"]
            assert rows == n, (rows, n)
            line = (
                f"{n:>9} {size / 1e6:>8.1f} {seconds:>10.1f} {mib:>9.0f} {base_s:>11.1f} "
                f"{base_mib:>13.0f} {seconds / base_s:>7.1f} {mib / base_mib:>9.1f} "
                f"{1e6 * seconds / n:>7.1f}"
            )
            print(line, flush=True)
            lines.append((n, seconds, mib))
    largest = max(lines)
    if largest[0] >= 1_000_000:
        met = largest[1] <= GOAL_SECONDS and largest[2] <= GOAL_MIB
        print(
            f"goal for 10^6 rows (<= {GOAL_SECONDS:.0f} s, <= {GOAL_MIB:.0f} MiB): "
            f"{'met' if met else 'NOT met'} ({largest[1]:.1f} s, {largest[2]:.0f} MiB)"
        )
    print(f"measured {time.strftime('%Y-%m-%d %H:%M')} with {sys.executable}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
