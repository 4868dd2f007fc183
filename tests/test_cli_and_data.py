"""The command line and the committed data files."""

import subprocess
import sys

import pytest

from microcalc import cli
from microcalc.study import cohort


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "microcalc", *args], capture_output=True, text=True
    )


def test_committed_data_are_regenerated_byte_for_byte(root):
    texts = cohort.cohort_csv_text(cohort.simulate_cohort(seed=cohort.DEFAULT_SEED))
    for name, text in texts.items():
        assert (root / "data" / name).read_bytes() == text.encode("utf-8"), name


def test_simulate_writes_both_files(tmp_path):
    result = run("simulate", "--seed", "3", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesions.csv", "measurements.csv"]
    expected = cohort.cohort_csv_text(cohort.simulate_cohort(seed=3))
    assert (tmp_path / "lesions.csv").read_text() == expected["lesions.csv"]


def test_refuses_to_overwrite_without_force(tmp_path):
    assert cli.main(["simulate", "--seed", "1", "--out", str(tmp_path)]) == 0
    before = (tmp_path / "lesions.csv").read_bytes()
    result = run("simulate", "--seed", "2", "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "--force" in result.stderr
    assert (tmp_path / "lesions.csv").read_bytes() == before
    assert cli.main(["simulate", "--seed", "2", "--out", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "lesions.csv").read_bytes() != before


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "--seed", "-3"],
        ["simulate", "--seed", "abc"],
        ["simulate", "--bogus"],
        [],
        ["explode"],
    ],
)
def test_bad_arguments_give_one_error_line_and_status_2(args, tmp_path):
    result = run(*args, "--out", str(tmp_path)) if args[:1] == ["simulate"] else run(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_leaves_nothing_behind(tmp_path):
    target = tmp_path / "not_a_folder"
    target.write_text("x")
    result = run("simulate", "--out", str(target))
    assert result.returncode == 2 and "directory" in result.stderr
    assert target.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not_a_folder"]


def test_no_temporary_file_survives_a_failed_write(tmp_path, monkeypatch):
    def broken_replace(*_):
        raise OSError("disk full")

    monkeypatch.setattr(cohort.os, "replace", broken_replace)
    with pytest.raises(OSError):
        cohort.write_cohort(cohort.simulate_cohort(seed=1), tmp_path)
    assert list(tmp_path.iterdir()) == []
