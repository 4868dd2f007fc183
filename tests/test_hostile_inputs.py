"""Hard inputs to every command, as a hostile user would try them (issue 14).

Each case names the command, builds its input in a temporary folder and says what must happen:

* ``"error"``: exit status 2, exactly one line ``error: ...`` on standard error that contains
  the expected text (the column, the participant_id, the value or the file), nothing on standard
  output, no new file;
* ``"warning"``: the command succeeds and says ``warning: ...`` with the expected text (on
  standard error, and in the JSON report where there is one);
* ``"skipped"``: ``analyze`` succeeds and the report's ``skipped`` list gives the expected reason.

Never a traceback, never silence. ``python -m tests.test_hostile_inputs`` prints the table
tried / clear error / warning / traceback / silent per command.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from microcalc import cli
from microcalc.study import montecarlo

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def lesions(changes=None) -> pd.DataFrame:
    """The committed lesion table as text; ``changes={(participant_id, column): text}``."""
    table = pd.read_csv(DATA / "lesions.csv", dtype=str, keep_default_na=False)
    for (pid, column), text in (changes or {}).items():
        table.loc[table["participant_id"] == pid, column] = text
    return table


def write(folder: Path, table: pd.DataFrame, name="lesions.csv", **options) -> Path:
    path = folder / name
    table.to_csv(path, index=False, **options)
    return path


def first_consensus() -> str:
    table = lesions()
    return table.loc[table["consensus"] == "true", "participant_id"].iloc[0]


def inverted(folder):
    table = lesions().drop(columns=["histology", "reference_standard"])
    table["malignant"] = (1 - table["malignant"].astype(int)).astype(str)
    return [str(write(folder, table))]


def separated(folder):
    rows = pd.DataFrame(
        {
            "participant_id": [f"S{i}" for i in range(10)],
            "malignant": ["0"] * 5 + ["1"] * 5,
            "elasticity_kpa": ["30", "32", "35", "38", "40", "80", "85", "90", "95", "99"],
        }
    )
    return [str(write(folder, rows))]


def constant_marker(folder):
    table = lesions()[["participant_id", "malignant"]].assign(elasticity_kpa="50")
    return [str(write(folder, table))]


def four_rows(folder):
    table = lesions().iloc[[0, 1, 150, 151]]
    table = table.assign(malignant=["0", "0", "1", "1"]).drop(
        columns=["histology", "reference_standard"]
    )
    return [str(write(folder, table))]


def few_events(folder):
    table = lesions().drop(columns=["histology", "reference_standard"]).iloc[:40].copy()
    table["malignant"] = ["1"] * 3 + ["0"] * 37
    return [str(write(folder, table))]


def truncated_csv(folder):
    text = (DATA / "lesions.csv").read_text()
    path = folder / "lesions.csv"
    path.write_text(text[: len(text) // 2])  # cut in the middle of a row
    return [str(path)]


def montecarlo_pair(folder, *, truncate=False, mismatch=False):
    mc = folder / "mc"
    mc.mkdir()
    shutil.copy(DATA / montecarlo.JSON_NAME, mc / montecarlo.JSON_NAME)
    data = (DATA / montecarlo.CSV_NAME).read_bytes()
    (mc / montecarlo.CSV_NAME).write_bytes(data[: len(data) // 3] if truncate else data)
    if mismatch:
        meta = json.loads((mc / montecarlo.JSON_NAME).read_text())
        meta["n_replicates"] = 17
        (mc / montecarlo.JSON_NAME).write_text(json.dumps(meta))
    return mc


def measurements(folder, changes=None):
    table = pd.read_csv(DATA / "measurements.csv", dtype=str, keep_default_na=False)
    for (row, column), text in (changes or {}).items():
        table.loc[row, column] = text
    table.to_csv(folder / "measurements.csv", index=False)


@dataclass(frozen=True)
class Case:
    command: str  # analyze, scorecard, simulate, montecarlo, book
    name: str
    argv: object  # callable(folder) -> list of arguments (book: path of the lesion table)
    expect: str  # "error", "warning" or "skipped"
    text: str  # what the error line, warning or skip reason must contain


def analyze(name, build, expect, text):
    def argv(folder):
        return ["analyze", *build(folder), "--json", "--out", str(folder / "report.json")]

    return Case("analyze", name, argv, expect, text)


def analyze_table(name, table_fn, expect, text):
    return analyze(name, lambda folder: [str(write(folder, table_fn()))], expect, text)


def scorecard(name, build, expect, text):
    return Case(
        "scorecard", name, lambda folder: ["scorecard", "--json", *build(folder)], expect, text
    )


def scorecard_table(name, table_fn, expect, text, **options):
    return scorecard(
        name,
        lambda folder: ["--lesions", str(write(folder, table_fn(), **options))],
        expect,
        text,
    )


def book(name, build, expect, text):
    return Case("book", name, build, expect, text)


def book_table(name, table_fn, expect, text, with_measurements=True, changes=None):
    def build(folder):
        path = write(folder, table_fn())
        if with_measurements:
            measurements(folder, changes)
        return path

    return book(name, build, expect, text)


def book_semicolon(folder):
    path = write(folder, lesions(), sep=";")
    measurements(folder)
    return path


def existing(*names):
    """Arguments builder helper: copy the committed ``names`` into the folder first."""

    def copy(folder):
        for name in names:
            shutil.copy(DATA / name, folder / name)
        return str(folder)

    return copy


P5 = "participant_id 'P005'"
CASES = [
    # ------------------------------------------------------------------ analyze
    analyze_table(
        "negative kPa",
        lambda: lesions({("P005", "elasticity_kpa"): "-40"}),
        "error",
        f"column 'elasticity_kpa', row 5 (line 6 of the file, {P5}): '-40' is out of range",
    ),
    analyze_table(
        "infinite kPa",
        lambda: lesions({("P005", "elasticity_kpa"): "inf"}),
        "error",
        f"{P5}): 'inf' is not a finite number",
    ),
    analyze_table(
        "1e308 kPa",
        lambda: lesions({("P005", "elasticity_kpa"): "1e308"}),
        "error",
        f"{P5}): '1e308' is out of range (must be > 0 and <= 1000)",
    ),
    analyze_table(
        "score 9",
        lambda: lesions({("P005", "elasticity_score"): "9"}),
        "error",
        f"column 'elasticity_score', row 5 (line 6 of the file, {P5}): '9' is outside",
    ),
    analyze_table(
        "reader score 0",
        lambda: lesions({("P005", "reader1_score"): "0"}),
        "error",
        f"column 'reader1_score', row 5 (line 6 of the file, {P5}): '0'",
    ),
    analyze_table(
        "Emax below Emean",
        lambda: lesions({("P005", "elasticity_max_kpa"): "1"}),
        "error",
        f"column 'elasticity_max_kpa', row 5 (line 6 of the file, {P5}): 1 is below",
    ),
    analyze_table(
        "consensus without third reader",
        lambda: lesions({(first_consensus(), "reader3_elasticity_kpa"): ""}),
        "error",
        "column 'reader3_elasticity_kpa'",
    ),
    analyze_table(
        "third reader without consensus",
        lambda: lesions({("P005", "reader3_strain_ratio"): "1.5"}),
        "error",
        f"column 'reader3_strain_ratio', row 5 (line 6 of the file, {P5}): 1.5 given",
    ),
    analyze_table(
        "malignant 2",
        lambda: lesions({("P005", "malignant"): "2"}),
        "error",
        f"column 'malignant', row 5 (line 6 of the file, {P5}): '2' must be 0",
    ),
    analyze_table(
        "text in a number column",
        lambda: lesions({("P005", "strain_ratio"): "stiff"}),
        "error",
        f"column 'strain_ratio', row 5 (line 6 of the file, {P5}): 'stiff' is not a number",
    ),
    analyze_table(
        "age 130", lambda: lesions({("P005", "age_years"): "130"}), "error", "'130' is out of"
    ),
    analyze_table(
        "lesion size 0.1 mm",
        lambda: lesions({("P005", "lesion_size_mm"): "0.1"}),
        "warning",
        "column 'lesion_size_mm': 1 value(s) outside this study's inclusion range 3 to 15",
    ),
    analyze_table(
        "lesion size 200 mm",
        lambda: lesions({("P005", "lesion_size_mm"): "200"}),
        "warning",
        f"the first is 200 in row 5 (line 6 of the file, {P5})",
    ),
    analyze_table(
        "age 5",
        lambda: lesions({("P005", "age_years"): "5"}),
        "warning",
        "column 'age_years': 1 value(s) outside this study's inclusion range 18 to 90",
    ),
    analyze("inverted marker", inverted, "warning", "the AUC of elasticity_kpa is 0.0"),
    analyze("constant marker", constant_marker, "skipped", "marker is constant"),
    analyze(
        "degenerate Youden cutoff",
        inverted,
        "warning",
        "Youden cutoff of elasticity_kpa is degenerate",
    ),
    analyze(
        "degenerate Youden cutoff is not used",
        inverted,
        "skipped",
        "the Youden cutoff is degenerate (J = 0)",
    ),
    analyze("ten separated rows", separated, "warning", "separates the two classes perfectly"),
    analyze("ten rows", separated, "warning", "few rows per class (5 malignant, 5 benign"),
    analyze("four rows", four_rows, "skipped", "6 parameters (intercept and age_years"),
    analyze("three events", few_events, "warning", "more parameters (6) than events (3"),
    analyze(
        "semicolon file",
        lambda folder: [str(write(folder, lesions(), sep=";"))],
        "error",
        "is semicolon-separated",
    ),
    analyze(
        "missing file", lambda folder: [str(folder / "nowhere.csv")], "error", "does not exist"
    ),
    analyze("a directory", lambda folder: [str(folder)], "error", "is a directory"),
    analyze("truncated file", truncated_csv, "error", "is not a well-formed CSV table"),
    analyze(
        "more rows than --max-rows",
        lambda folder: [str(write(folder, lesions())), "--max-rows", "100"],
        "error",
        "more than 100 data rows",
    ),
    Case(
        "analyze",
        "--out ''",
        lambda folder: ["analyze", str(DATA / "lesions.csv"), "--json", "--out", ""],
        "error",
        "--out must name a file, got ''",
    ),
    Case(
        "analyze",
        "--out in a file",
        lambda folder: [
            "analyze",
            str(DATA / "lesions.csv"),
            "--json",
            "--out",
            str(DATA / "README.md" / "report.json"),
        ],
        "error",
        "README.md",
    ),
    # ------------------------------------------------------------------ scorecard
    scorecard_table(
        "no strain_ratio",
        lambda: lesions().drop(columns=["strain_ratio"]),
        "error",
        "has no column 'strain_ratio', which the scorecard needs",
    ),
    scorecard_table(
        "three columns",
        lambda: lesions()[["participant_id", "malignant", "elasticity_kpa"]],
        "error",
        "which the scorecard needs",
    ),
    scorecard_table("semicolon file", lesions, "error", "is semicolon-separated", sep=";"),
    scorecard("a directory", lambda folder: ["--lesions", str(folder)], "error", "is a directory"),
    scorecard(
        "truncated montecarlo.csv.gz",
        lambda folder: [
            "--lesions",
            str(DATA / "lesions.csv"),
            "--data-dir",
            str(montecarlo_pair(folder, truncate=True)),
        ],
        "error",
        "montecarlo.csv.gz' (truncated or not a gzip CSV?)",
    ),
    scorecard(
        "montecarlo pair that does not match",
        lambda folder: [
            "--lesions",
            str(DATA / "lesions.csv"),
            "--data-dir",
            str(montecarlo_pair(folder, mismatch=True)),
        ],
        "error",
        "do not belong together",
    ),
    scorecard(
        "--data-dir nowhere",
        lambda folder: ["--lesions", str(DATA / "lesions.csv"), "--data-dir", str(folder / "no")],
        "error",
        "does not exist or is not a folder",
    ),
    scorecard_table(
        "negative kPa",
        lambda: lesions({("P005", "elasticity_kpa"): "-40"}),
        "error",
        f"{P5}): '-40' is out of range",
    ),
    scorecard_table(
        "score 9",
        lambda: lesions({("P005", "elasticity_score"): "9"}),
        "error",
        f"{P5}): '9' is outside the allowed values",
    ),
    scorecard_table(
        "malignant 2",
        lambda: lesions({("P005", "malignant"): "2"}),
        "error",
        f"{P5}): '2' must be 0",
    ),
    scorecard_table(
        "text in kPa",
        lambda: lesions({("P005", "elasticity_kpa"): "soft"}),
        "error",
        f"{P5}): 'soft' is not a number",
    ),
    scorecard_table(
        "missing score",
        lambda: lesions({("P005", "elasticity_score"): ""}),
        "error",
        "in a column that the scorecard needs",
    ),
    scorecard_table(
        "age 5 and no Monte Carlo",
        lambda: lesions({("P005", "age_years"): "5"}),
        "warning",
        "outside this study's inclusion range 18 to 90",
    ),
    scorecard_table(
        "no Monte Carlo beside the table", lesions, "warning", "the replicate columns are empty"
    ),
    Case(
        "scorecard",
        "--lesions ''",
        lambda f: ["scorecard", "--csv", "--lesions", ""],
        "error",
        "--lesions must name a file",
    ),
    # ------------------------------------------------------------------ simulate
    Case(
        "simulate",
        "--out ''",
        lambda f: ["simulate", "--out", ""],
        "error",
        "--out must name a folder, got ''",
    ),
    Case(
        "simulate",
        "--out is a file",
        lambda f: ["simulate", "--out", str(DATA / "README.md")],
        "error",
        "is a file",
    ),
    Case(
        "simulate",
        "--out unwritable",
        lambda f: ["simulate", "--out", "/proc/microcalc"],
        "error",
        "cannot write '/proc/microcalc/lesions.csv'",
    ),
    Case(
        "simulate",
        "--seed -1",
        lambda f: ["simulate", "--seed", "-1", "--out", str(f)],
        "error",
        "--seed",
    ),
    Case(
        "simulate",
        "existing files without --force",
        lambda f: ["simulate", "--out", existing("lesions.csv", "measurements.csv")(f)],
        "error",
        "pass --force to overwrite",
    ),
    # ------------------------------------------------------------------ montecarlo
    Case(
        "montecarlo",
        "--replicates 10^12",
        lambda f: ["montecarlo", "--replicates", str(10**12), "--out", str(f)],
        "error",
        "--replicates must be at most 1048576: each replicate holds about 2048 bytes",
    ),
    Case(
        "montecarlo",
        "--replicates 0",
        lambda f: ["montecarlo", "--replicates", "0", "--out", str(f)],
        "error",
        "--replicates",
    ),
    Case(
        "montecarlo",
        "--jobs 0",
        lambda f: ["montecarlo", "--jobs", "0", "--out", str(f)],
        "error",
        "--jobs",
    ),
    Case(
        "montecarlo",
        "--out ''",
        lambda f: ["montecarlo", "--out", ""],
        "error",
        "--out must name a folder",
    ),
    Case(
        "montecarlo",
        "--out is a file",
        lambda f: ["montecarlo", "--out", str(DATA / "README.md")],
        "error",
        "is a file",
    ),
    Case(
        "montecarlo",
        "--out unwritable",
        lambda f: ["montecarlo", "--replicates", "5", "--out", "/proc/microcalc"],
        "error",
        "cannot write '/proc/microcalc/montecarlo.csv.gz'",
    ),
    Case(
        "montecarlo",
        "existing files without --force",
        lambda f: [
            "montecarlo",
            "--out",
            existing(montecarlo.CSV_NAME, montecarlo.JSON_NAME)(f),
        ],
        "error",
        "pass --force to overwrite",
    ),
    # ------------------------------------------------------------------ book (make book DATA=...)
    book("missing file", lambda folder: folder / "nowhere.csv", "error", "does not exist"),
    book_table(
        "negative kPa",
        lambda: lesions({("P005", "elasticity_kpa"): "-40"}),
        "error",
        f"{P5}): '-40' is out of range",
    ),
    book_table(
        "no reader columns",
        lambda: lesions().drop(columns=["reader1_score", "reader2_score"]),
        "error",
        "has no column 'reader1_score', 'reader2_score', which the book needs",
    ),
    book("semicolon file", book_semicolon, "error", "is semicolon-separated"),
    book_table(
        "no measurements.csv",
        lesions,
        "warning",
        "the agreement chapter skips the repeatability",
        with_measurements=False,
    ),
    book_table(
        "measurement Emax below Emean",
        lesions,
        "error",
        "measurements.csv': column 'emax_kpa', row 3 (line 4 of the file, participant_id 'P001')",
        changes={(2, "emax_kpa"): "1"},
    ),
    book_table(
        "measurement of an unknown participant",
        lesions,
        "error",
        "no such participant in the lesion table",
        changes={(0, "participant_id"): "X999"},
    ),
    book_table(
        "measurement reader 4",
        lesions,
        "error",
        "column 'reader', row 2 (line 3 of the file, participant_id 'P001'): '4' is outside",
        changes={(1, "reader"): "4"},
    ),
    book_table("age 5", lambda: lesions({("P005", "age_years"): "5"}), "warning", "age_years"),
]


def run_case(case: Case, folder: Path) -> dict:
    """Run one case in this process; return status, stdout, stderr and whether it raised."""
    out, err = io.StringIO(), io.StringIO()
    before = sorted(p.name for p in folder.iterdir())
    raised = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            if case.command == "book":
                from tools import build_book

                path = case.argv(folder)
                before = sorted(p.name for p in folder.iterdir())
                previous = os.environ.get("MICROCALC_LESIONS")
                os.environ["MICROCALC_LESIONS"] = str(path)
                try:
                    status = build_book.check_data()
                finally:
                    if previous is None:
                        os.environ.pop("MICROCALC_LESIONS", None)
                    else:
                        os.environ["MICROCALC_LESIONS"] = previous
            else:
                argv = case.argv(folder)
                before = sorted(p.name for p in folder.iterdir())
                status = cli.main(argv)
        except BaseException as error:  # noqa: BLE001 - a traceback is what we look for
            raised, status = error, None
    return {
        "status": status,
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "raised": raised,
        "new_files": sorted(set(p.name for p in folder.iterdir()) - set(before)),
        "report": folder / "report.json",
    }


def classify(case: Case, result: dict) -> str:
    """One of: clear error, warning, traceback, silent, unclear."""
    stderr = result["stderr"]
    if result["raised"] is not None or "Traceback" in stderr or "internal error" in stderr:
        return "traceback"
    lines = stderr.splitlines()
    if result["status"] == 2:
        ok = len(lines) == 1 and lines[0].startswith("error: ") and case.text in lines[0]
        return "clear error" if ok and case.expect == "error" else "unclear"
    if result["status"] == 0:
        if case.expect == "skipped":
            report = json.loads(result["report"].read_text())
            reasons = " ".join(s["reason"] for s in report["skipped"])
            return "warning" if case.text in reasons else "silent"
        warned = [line for line in lines if line.startswith("warning: ")]
        if case.expect == "warning" and any(case.text in line for line in warned):
            return "warning"
        return "silent"
    return "unclear"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.command}: {c.name}")
def test_hard_input_gives_a_clear_error_or_a_warning_never_a_traceback(case, tmp_path):
    result = run_case(case, tmp_path)
    outcome = classify(case, result)
    expected = "clear error" if case.expect == "error" else "warning"
    assert outcome == expected, (outcome, result["status"], result["stderr"][-1500:])
    if case.expect == "error":
        assert result["stdout"] == ""
        assert [n for n in result["new_files"] if n != "report.json"] == []
        assert not result["report"].exists()
    if case.command == "analyze" and case.expect == "warning":
        report = json.loads(result["report"].read_text())
        assert any(case.text in w["message"] for w in report["warnings"])


def test_every_command_is_tried_with_hard_inputs():
    commands = {c.command for c in CASES}
    assert commands == {"analyze", "scorecard", "simulate", "montecarlo", "book"}


# ---------------------------------------------------------------------------- make book DATA=
def test_make_book_with_a_bad_table_stops_within_seconds_with_one_error_line(tmp_path, root):
    bad = write(tmp_path, lesions({("P005", "elasticity_kpa"): "-40"}))
    start = time.perf_counter()
    result = subprocess.run(
        ["make", "--no-print-directory", "book", f"DATA={bad}"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: column 'elasticity_kpa', row 5 (line 6 of the file, {P5}): '-40' is out of "
        "range (must be > 0 and <= 1000)"
    ], result.stderr
    assert "Traceback" not in result.stderr and "notebook tracebacks" not in result.stderr
    assert elapsed < 30, elapsed


# ---------------------------------------------------------------------------- the table
def robustness_table() -> str:
    """Run every case and count the outcomes per command."""
    import tempfile

    counts: dict[str, dict[str, int]] = {}
    for case in CASES:
        with tempfile.TemporaryDirectory() as folder:
            outcome = classify(case, run_case(case, Path(folder)))
        row = counts.setdefault(case.command, {"tried": 0})
        row["tried"] += 1
        row[outcome] = row.get(outcome, 0) + 1
    columns = ["tried", "clear error", "warning", "traceback", "silent", "unclear"]
    lines = ["| command | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for command, row in counts.items():
        lines.append(f"| {command} | " + " | ".join(str(row.get(c, 0)) for c in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(robustness_table())
    sys.exit(0)
