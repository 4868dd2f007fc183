"""``python -m microcalc montecarlo``: stored replicate results, atomic and deterministic."""

import json
import subprocess
import sys

import numpy as np

from microcalc import cli
from microcalc.study import montecarlo


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "microcalc", *args], capture_output=True, text=True
    )


def test_montecarlo_writes_both_files_deterministically(tmp_path, capsys):
    args = ["montecarlo", "--replicates", "12", "--seed", "4", "--out", str(tmp_path), "--quiet"]
    assert cli.main(args) == 0
    assert "12 replicates" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["montecarlo.csv.gz", "montecarlo.json"]
    first = (tmp_path / "montecarlo.csv.gz").read_bytes()
    meta = json.loads((tmp_path / "montecarlo.json").read_text())
    assert meta["seed"] == 4 and meta["n_replicates"] == 12
    assert set(meta["versions"]) >= {"numpy", "scipy", "pandas", "statsmodels", "microcalc"}
    assert "date" not in json.dumps(meta).lower()
    assert cli.main([*args, "--force"]) == 0
    assert (tmp_path / "montecarlo.csv.gz").read_bytes() == first  # byte for byte
    stored, _ = montecarlo.read_results(tmp_path)
    fresh = montecarlo.run_replicates(12, seed=4)
    numeric = [c for c in montecarlo.COLUMNS if c not in ("replicate", "converged")]
    np.testing.assert_allclose(
        stored[numeric].to_numpy(float), fresh[numeric].to_numpy(float), rtol=1e-10
    )


def test_montecarlo_refuses_to_overwrite_without_force(tmp_path):
    assert cli.main(["montecarlo", "--replicates", "3", "--out", str(tmp_path), "--quiet"]) == 0
    before = (tmp_path / "montecarlo.csv.gz").read_bytes()
    result = run("montecarlo", "--replicates", "5", "--out", str(tmp_path), "--quiet")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "--force" in result.stderr
    assert (tmp_path / "montecarlo.csv.gz").read_bytes() == before


def test_montecarlo_bad_arguments_give_one_error_line(tmp_path):
    for bad in (["--replicates", "0"], ["--replicates", "x"], ["--jobs", "0"], ["--seed", "-1"]):
        result = run("montecarlo", "--out", str(tmp_path), *bad)
        assert result.returncode == 2, bad
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, bad
    assert list(tmp_path.iterdir()) == []


def test_montecarlo_out_must_be_a_folder(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = run("montecarlo", "--replicates", "2", "--out", str(target), "--quiet")
    assert result.returncode == 2
    assert "directory" in result.stderr
