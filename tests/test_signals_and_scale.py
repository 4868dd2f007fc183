"""Ctrl-C gives one line and status 130; large inputs cost bounded time and memory (issue 14)."""

import signal
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from microcalc import report
from microcalc.stats import logistic
from microcalc.study import montecarlo


def interrupt(args, delay, cwd, *, group=False):
    """Start ``python -m microcalc args``, send SIGINT after ``delay`` s, return the result."""
    process = subprocess.Popen(
        [sys.executable, "-m", "microcalc", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        start_new_session=group,
    )
    time.sleep(delay)
    if group:  # as a terminal does: the whole process group, workers included
        import os

        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.mark.parametrize(
    "args, delay, group",
    [
        # while the libraries are imported (about a second): not earlier, because a signal in the
        # interpreter's own first few hundredths of a second, before any line of microcalc runs,
        # is Python's to handle (status -2 or a traceback from importlib), not ours
        (["simulate", "--out", "out"], 0.3, False),
        (["simulate", "--out", "out"], 1.0, False),
        (["montecarlo", "--replicates", "100000", "--out", "out", "--quiet"], 3.0, False),
        (
            ["montecarlo", "--replicates", "100000", "--out", "out", "--quiet", "--jobs", "2"],
            # mid-run (the run takes about a minute): from its first chunk on a worker exits
            # quietly on SIGINT; a signal while a worker is still starting (importing numpy,
            # its first seconds, longer on a busy machine) prints that worker's traceback, a
            # known limit
            12,
            True,
        ),
    ],
    ids=["simulate-importing", "simulate", "montecarlo", "montecarlo-2-workers"],
)
def test_ctrl_c_gives_one_line_status_130_and_leaves_no_file(args, delay, group, tmp_path):
    status, out, err = interrupt(args, delay, tmp_path, group=group)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    folder = tmp_path / "out"
    names = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    if status == 0:  # finished before the signal (simulate is quick): the pair is complete
        assert args[0] == "simulate" and names == ["lesions.csv", "measurements.csv"], names
        return
    if status == -signal.SIGINT:
        # the signal came before Python installed its handler (interpreter start-up, on a busy
        # machine) or while it was shutting down after the work: either nothing was written or
        # the pair is complete, and nothing else is left
        assert names in ([], ["lesions.csv", "measurements.csv"]), names
        return
    assert status == 130, err
    assert err.splitlines()[-1] == "error: interrupted" and err.count("error:") == 1, err
    assert names in ([], ["lesions.csv", "measurements.csv"]), names  # never one of the pair


def test_ctrl_c_during_analyze(tmp_path, root):
    status, out, err = interrupt(
        ["analyze", str(root / "data" / "lesions.csv"), "--json", "--out", "r.json"], 2.5, tmp_path
    )
    assert "Traceback" not in err, err
    if status == 130:
        assert err.strip().splitlines()[-1] == "error: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["r.json"])


# ---------------------------------------------------------------------------- scale
def test_replicate_memory_stays_within_the_stated_bytes_per_replicate():
    def peak(n):
        tracemalloc.start()
        try:
            montecarlo.results_csv_bytes(montecarlo.run_replicates(n, seed=3))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(100)  # first-call costs
    slope = (peak(2500) - peak(500)) / 2000
    assert 0 < slope <= montecarlo.BYTES_PER_REPLICATE, slope
    assert montecarlo.MAX_REPLICATES * montecarlo.BYTES_PER_REPLICATE <= montecarlo.MEMORY_BUDGET


def test_no_separation_shortcut_on_large_tables_is_exact():
    rng = np.random.default_rng(11)
    n = 60_000
    x = rng.normal(0, 1, n)
    table = pd.DataFrame(
        {"malignant": rng.binomial(1, 1 / (1 + np.exp(-2 * x))), "strain_ratio": x}
    )
    assert (
        logistic.detect_separation(table, predictors=["strain_ratio"], outcome="malignant").status
        == "none"
    )
    separated = table.assign(malignant=(x > 0.3).astype(int))  # complete separation
    assert (
        logistic.detect_separation(
            separated, predictors=["strain_ratio"], outcome="malignant"
        ).status
        == "complete"
    )
    quasi = separated.assign(strain_ratio=np.where(x > 0.3, 1.0, np.minimum(x, 1.0)))
    quasi.loc[quasi.index[:3], ["strain_ratio", "malignant"]] = [1.0, 0]  # ties at the border
    assert (
        logistic.detect_separation(quasi, predictors=["strain_ratio"], outcome="malignant").status
        == "quasi_complete"
    )


def test_large_tables_report_wald_intervals_and_say_so(monkeypatch, root):
    monkeypatch.setattr(report, "PROFILE_MAX_ROWS", 100)
    table = pd.read_csv(
        root / "data" / "lesions.csv",
        usecols=["participant_id", "malignant", "age_years", "elasticity_kpa"],
    )
    result = report.analyze(table)
    screen = result.analyses["logistic.univariable.age_years"]["result"]
    assert screen["odds_ratio_profile_ci_low"] is None
    assert screen["odds_ratio_ci_low"] is not None
    assert any("Wald intervals only" in w["message"] for w in result.warnings)
    assert result.settings["profile_likelihood_max_rows"] == 100
