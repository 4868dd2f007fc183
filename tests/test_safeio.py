"""Pairs of files are replaced as a unit: after a kill or an I/O error at any point, both old or
both new; stale temporaries are removed by the next run; every output has mode 0644."""

import os
import stat
import subprocess
import sys
import textwrap

import pytest

from microcalc import cli, safeio
from microcalc.study import cohort, montecarlo

OLD = {"a.csv": b"old a\n", "b.json": b"old b\n"}
NEW = {"a.csv": b"new a\n" * 1000, "b.json": b"new b\n"}
# every point between two steps of a write of two files over two existing ones, in order
CHECKPOINTS = [
    "wrote a.csv",
    "wrote b.json",
    "before commit",
    "committed",
    "renamed a.csv",
    "renamed b.json",
    "done",
]


def contents(folder):
    return {name: (folder / name).read_bytes() for name in OLD if (folder / name).exists()}


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def kill_at(folder, checkpoint):
    """Write NEW over OLD in a child process that dies (no cleanup at all) at ``checkpoint``."""
    script = textwrap.dedent(
        f"""
        import os
        from microcalc import safeio

        def die(step):
            if step == {checkpoint!r}:
                os._exit(9)

        safeio._checkpoint = die
        safeio.write_files({str(folder)!r}, {NEW!r}, force=True)
        """
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_a_kill_at_any_point_leaves_both_old_or_both_new(checkpoint, tmp_path):
    safeio.write_files(tmp_path, OLD)
    result = kill_at(tmp_path, checkpoint)
    assert result.returncode == 9, result.stderr
    done = safeio.recover(tmp_path, list(OLD))  # what the next run does first
    expected = OLD if CHECKPOINTS.index(checkpoint) < CHECKPOINTS.index("committed") else NEW
    assert contents(tmp_path) == expected, done
    assert leftovers(tmp_path) == []


def test_the_reader_of_a_pair_finishes_an_interrupted_write(tmp_path):
    results = montecarlo.run_replicates(3, seed=1)
    montecarlo.write_results(results, tmp_path, seed=1)
    newer = montecarlo.run_replicates(5, seed=2)
    script = textwrap.dedent(
        f"""
        import os
        from microcalc import safeio
        from microcalc.study import montecarlo

        def die(step):
            if step == "renamed {montecarlo.CSV_NAME}":
                os._exit(9)

        safeio._checkpoint = die
        montecarlo.write_results(montecarlo.run_replicates(5, seed=2), {str(tmp_path)!r},
                                 seed=2, force=True)
        """
    )
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    frame, meta = montecarlo.read_results(tmp_path)  # new csv with old json on disk until now
    assert meta["seed"] == 2 and len(frame) == 5
    assert frame["auc_elasticity"].tolist() == pytest.approx(newer["auc_elasticity"].tolist())


def failing_after(monkeypatch, name, calls, *, once=False):
    """Make ``os.<name>`` raise OSError(EIO) at its ``calls``-th call (and after, unless once)."""
    original = getattr(os, name)
    count = {"n": 0}

    def broken(*args, **kwargs):
        count["n"] += 1
        if count["n"] == calls or (count["n"] > calls and not once):
            raise OSError(5, "Input/output error")
        return original(*args, **kwargs)

    monkeypatch.setattr(os, name, broken)


@pytest.mark.parametrize("once", [True, False], ids=["transient", "persistent"])
@pytest.mark.parametrize(
    "name, calls",
    [("write", 1), ("write", 2), ("fsync", 1), ("fsync", 3), ("link", 1), ("link", 2)]
    + [("replace", n) for n in range(1, 5)],
)
def test_an_io_error_at_any_point_leaves_both_old_or_both_new(
    name, calls, once, tmp_path, monkeypatch
):
    safeio.write_files(tmp_path, OLD)
    failing_after(monkeypatch, name, calls, once=once)
    try:
        safeio.write_files(tmp_path, NEW, force=True)
        failed = None
    except OSError as error:
        failed = str(error)
    monkeypatch.undo()
    if failed is not None:
        assert "cannot write" in failed and ("a.csv" in failed or "b.json" in failed), failed
    safeio.recover(tmp_path, list(OLD))
    assert contents(tmp_path) in (OLD, NEW)
    if failed is not None and "unchanged" in failed:
        assert contents(tmp_path) == OLD
    assert leftovers(tmp_path) == []


def test_the_second_rename_failing_restores_the_first_file(tmp_path, monkeypatch):
    safeio.write_files(tmp_path, OLD)
    failing_after(monkeypatch, "replace", 3, once=True)  # 1: journal, 2: a.csv, 3: b.json
    with pytest.raises(OSError, match=r"b\.json.*previous files are unchanged"):
        safeio.write_files(tmp_path, NEW, force=True)
    monkeypatch.undo()
    assert contents(tmp_path) == OLD
    assert leftovers(tmp_path) == []


def test_stale_temporary_files_are_removed_by_the_next_run(tmp_path):
    for name in (
        ".lesions.csv.x1y2z3.tmp",
        ".measurements.csv.abc.old",
        ".microcalc-1.journal.tmp",
    ):
        (tmp_path / name).write_text("left by a killed run")
    assert cli.main(["simulate", "--seed", "1", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesions.csv", "measurements.csv"]


def test_every_output_has_mode_0644_whatever_the_umask(tmp_path):
    table = tmp_path / "in" / "lesions.csv"
    script = textwrap.dedent(
        f"""
        import os, sys
        os.umask(0o077)
        from microcalc import cli
        out = {str(tmp_path)!r}
        assert cli.main(["simulate", "--seed", "1", "--out", out + "/in"]) == 0
        assert cli.main(["montecarlo", "--replicates", "3", "--out", out + "/mc", "--quiet"]) == 0
        assert cli.main(["analyze", {str(table)!r}, "--json", "--out", out + "/report.json"]) == 0
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 5
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_an_unwritable_folder_is_refused_before_the_work_naming_the_file(tmp_path, monkeypatch):
    from microcalc import report

    cohort.write_cohort(cohort.simulate_cohort(seed=1), tmp_path)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the work started before the output folder was checked")

    monkeypatch.setattr(safeio.tempfile, "mkstemp", denied)
    monkeypatch.setattr(montecarlo, "run_replicates", must_not_run)
    monkeypatch.setattr(cohort, "simulate_cohort", must_not_run)
    monkeypatch.setattr(report, "analyze", must_not_run)
    out = tmp_path / "out"
    assert cli.main(["montecarlo", "--replicates", "5", "--out", str(out)]) == 2
    assert cli.main(["simulate", "--out", str(out)]) == 2
    source = str(tmp_path / "lesions.csv")
    assert cli.main(["analyze", source, "--json", "--out", str(tmp_path / "r.json")]) == 2
    assert not out.exists() and not (tmp_path / "r.json").exists()


def test_unwritable_output_error_names_the_target(tmp_path, capsys, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safeio.tempfile, "mkstemp", denied)
    assert cli.main(["montecarlo", "--replicates", "5", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write '{tmp_path / montecarlo.CSV_NAME}': Permission denied\n"


def test_a_real_unwritable_place_through_a_process():
    result = subprocess.run(
        [sys.executable, "-m", "microcalc", "simulate", "--out", "/proc/microcalc"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot write '/proc/microcalc/lesions.csv'")
    assert result.stderr.count("\n") == 1
