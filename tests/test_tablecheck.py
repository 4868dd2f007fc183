"""Reading and checking a user's lesion CSV: every kind of bad input, through the command line.

Each bad input must give exit status 2, exactly one line ``error: ...`` on standard error that
names what is wrong, and no output file (not even a temporary one).
"""

import subprocess
import sys

import pandas as pd
import pytest

from microcalc import cli, tablecheck

HEADER = (
    "participant_id,malignant,histology,reference_standard,age_years,lesion_size_mm,"
    "breast_density,birads,calcification_pattern,elasticity_kpa,strain_ratio,elasticity_score,"
    "reader1_score,reader2_score,consensus"
)
ROWS = [
    "P01,0,fibroadenoma,histology,45.1,6.0,A,3,sparse_punctate,40.2,1.30,2,2,2,false",
    "P02,0,fibrocystic_change,follow_up,51.0,5.5,B,3,scattered,47.9,1.41,3,3,2,false",
    "P03,0,benign_calcification,histology,38.7,4.9,C,4,sparse_punctate,55.0,1.62,2,2,3,true",
    "P04,0,fibroadenoma,histology,60.2,7.1,D,4,clustered,66.3,1.75,3,3,3,false",
    "P05,1,dcis,histology,55.4,8.8,B,4,clustered,58.1,1.90,4,4,4,false",
    "P06,1,invasive_carcinoma,histology,62.0,9.4,C,5,clustered,71.6,2.05,4,4,5,false",
    "P07,1,dcis,histology,48.3,7.7,A,5,scattered,83.4,2.44,5,5,5,true",
    "P08,1,invasive_carcinoma,histology,66.9,10.2,D,4,clustered,96.0,2.61,5,4,5,false",
]


def table_text(*, header=HEADER, rows=None, change=None, drop=None, sep=",") -> str:
    """The base table as CSV text, with ``change={(row, column): text}`` (row from 1)."""
    names = header.split(",")
    cells = [row.split(",") for row in (ROWS if rows is None else rows)]
    for (row, column), text in (change or {}).items():
        cells[row - 1][names.index(column)] = text
    if drop is not None:
        keep = [i for i, name in enumerate(names) if name != drop]
        names = [names[i] for i in keep]
        cells = [[r[i] for i in keep] for r in cells]
    return "\n".join(sep.join(r) for r in [names, *cells]) + "\n"


def run_analyze(capsys, source, out, *extra):
    status = cli.main(["analyze", str(source), "--json", "--out", str(out), *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def many_rows(n: int) -> str:
    rows = [f"P{i:04d},{i % 2},,,,,,,,{40 + 30 * (i % 2) + i % 7},,,,," for i in range(1, n + 1)]
    return table_text(rows=[r for r in rows])


# name -> (file content: str, bytes or a callable(tmp_path) -> path; extra arguments;
#          text the error line must contain)
BAD_INPUTS = {
    "missing_required_column": (table_text(drop="malignant"), [], "no column 'malignant'"),
    "missing_participant_id_column": (
        table_text(drop="participant_id"),
        [],
        "no column 'participant_id'",
    ),
    "text_in_number_column": (
        table_text(change={(3, "elasticity_kpa"): "stiff"}),
        [],
        "column 'elasticity_kpa', row 3 (line 4 of the file, participant_id 'P03'): 'stiff' "
        "is not a number",
    ),
    "comma_decimal": (
        table_text(change={(2, "elasticity_kpa"): '"47,9"'}),
        [],
        "'47,9' uses a comma as the decimal separator",
    ),
    "empty_required_cell": (
        table_text(change={(5, "elasticity_kpa"): ""}),
        [],
        "column 'elasticity_kpa', row 5 (line 6 of the file, participant_id 'P05'): missing",
    ),
    "nan_in_required_column": (
        table_text(change={(4, "malignant"): "NaN"}),
        [],
        "column 'malignant', row 4",
    ),
    "empty_participant_id": (
        table_text(change={(2, "participant_id"): ""}),
        [],
        "column 'participant_id', row 2 (line 3 of the file): missing",
    ),
    "infinite_value": (
        table_text(change={(6, "strain_ratio"): "inf"}),
        [],
        "column 'strain_ratio', row 6 (line 7 of the file, participant_id 'P06'): 'inf' is not "
        "a finite number",
    ),
    "overflowing_number": (
        table_text(change={(6, "elasticity_kpa"): "1e999"}),
        [],
        "'1e999' is not a finite number",
    ),
    "one_class_only": (
        table_text(
            change={(r, "malignant"): "0" for r in range(5, 9)}
            | {(r, "histology"): "fibroadenoma" for r in range(5, 9)}
        ),
        [],
        "column 'malignant' holds only 0 (benign) in all 8 rows",
    ),
    "malignant_not_0_1": (
        table_text(change={(7, "malignant"): "2"}),
        [],
        "column 'malignant', row 7 (line 8 of the file, participant_id 'P07'): '2' must be 0",
    ),
    "malignant_as_text": (
        table_text(change={(7, "malignant"): "yes"}),
        [],
        "column 'malignant', row 7",
    ),
    "negative_kpa": (
        table_text(change={(1, "elasticity_kpa"): "-40.2"}),
        [],
        "column 'elasticity_kpa', row 1 (line 2 of the file, participant_id 'P01'): '-40.2' is "
        "out of range (must be > 0 and <= 1000)",
    ),
    "zero_kpa": (
        table_text(change={(1, "elasticity_kpa"): "0"}),
        [],
        "'0' is out of range (must be > 0 and <= 1000)",
    ),
    "score_outside_1_5": (
        table_text(change={(8, "elasticity_score"): "6"}),
        [],
        "column 'elasticity_score', row 8 (line 9 of the file, participant_id 'P08'): '6' is "
        "outside the allowed values 1, 2, 3, 4, 5",
    ),
    "reader_score_zero": (
        table_text(change={(8, "reader2_score"): "0"}),
        [],
        "column 'reader2_score', row 8",
    ),
    "non_integer_score": (
        table_text(change={(4, "elasticity_score"): "3.5"}),
        [],
        "'3.5' is not a whole number",
    ),
    "birads_outside_3_5": (
        table_text(change={(2, "birads"): "2"}),
        [],
        "column 'birads', row 2 (line 3 of the file, participant_id 'P02'): '2' is outside the "
        "allowed values 3, 4, 5",
    ),
    "unknown_breast_density": (
        table_text(change={(3, "breast_density"): "E"}),
        [],
        "column 'breast_density', row 3 (line 4 of the file, participant_id 'P03'): 'E' is not "
        "one of A, B, C, D",
    ),
    "lowercase_breast_density": (
        table_text(change={(3, "breast_density"): "c"}),
        [],
        "'c' is not one of A, B, C, D",
    ),
    "unknown_calcification_pattern": (
        table_text(change={(4, "calcification_pattern"): "linear"}),
        [],
        "column 'calcification_pattern', row 4 (line 5 of the file, participant_id 'P04'): "
        "'linear' is not one of clustered, scattered, sparse_punctate",
    ),
    "histology_contradicts_malignant": (
        table_text(change={(5, "histology"): "fibroadenoma"}),
        [],
        "column 'histology', row 5 (line 6 of the file, participant_id 'P05'): 'fibroadenoma' "
        "is benign but 'malignant' is 1",
    ),
    "follow_up_for_malignant": (
        table_text(change={(6, "reference_standard"): "follow_up"}),
        [],
        "column 'reference_standard', row 6",
    ),
    "age_out_of_range": (
        table_text(change={(2, "age_years"): "510"}),
        [],
        "column 'age_years', row 2 (line 3 of the file, participant_id 'P02'): '510' is out of "
        "range",
    ),
    "boolean_not_true_false": (
        table_text(change={(3, "consensus"): "maybe"}),
        [],
        "column 'consensus', row 3 (line 4 of the file, participant_id 'P03'): 'maybe' is not "
        "true or false",
    ),
    "duplicated_participant_id": (
        table_text(change={(6, "participant_id"): "P02"}),
        [],
        "column 'participant_id': 'P02' appears twice, in rows 2 and 6",
    ),
    "duplicated_column_names": (
        table_text(header=HEADER.replace("reader2_score", "reader1_score")),
        [],
        "column name 'reader1_score' appears twice (header columns 13 and 14)",
    ),
    "empty_file": ("", [], "is empty (0 bytes)"),
    "blank_lines_only": ("\n\n  \n", [], "holds only blank space"),
    "header_only": (HEADER + "\n", [], "has a header but no data rows"),
    "binary_garbage": (
        bytes(range(256)) * 4,
        [],
        "is not a CSV text file (it holds a NUL byte at offset 0",
    ),
    "spreadsheet_file": (
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\xde\xad" * 40,
        [],
        "is not a CSV text file",
    ),
    "not_utf8": (
        table_text(change={(1, "participant_id"): "Pé1"}).encode("latin-1"),
        [],
        "is not UTF-8 text (byte 0xe9",
    ),
    "semicolon_separated": (
        table_text(sep=";", change={(1, "elasticity_kpa"): "40,2"}),
        [],
        "is semicolon-separated",
    ),
    "tab_separated": (table_text(sep="\t"), [], "is tab-separated"),
    "ragged_row": (
        table_text().replace("P04,0,", "P04,0,extra,", 1),
        [],
        "is not a well-formed CSV table",
    ),
    "file_does_not_exist": (lambda tmp: tmp / "nowhere.csv", [], "does not exist"),
    "directory_instead_of_file": (lambda tmp: tmp, [], "is a directory, not a CSV file"),
    "file_larger_than_max_bytes": (
        table_text(),
        ["--max-bytes", "200"],
        "more than the limit of 200 bytes",
    ),
    "more_rows_than_max_rows": (many_rows(50), ["--max-rows", "20"], "more than 20 data rows"),
    "too_few_per_class": (
        table_text(rows=ROWS[:5]),
        [],
        "too few lesions (1 malignant, 4 benign); at least 2 of each",
    ),
}


def write_input(tmp_path, content):
    if callable(content):
        return content(tmp_path)
    path = tmp_path / "lesions.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_gives_one_error_line_status_2_and_no_output(name, tmp_path, capsys):
    content, extra, expected = BAD_INPUTS[name]
    source = write_input(tmp_path, content)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "report.json"
    status, stdout, stderr = run_analyze(capsys, source, out, *extra)
    assert status == 2
    assert stdout == ""
    assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
    assert expected in stderr, stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file either


def test_at_least_twenty_kinds_of_bad_input():
    assert len(BAD_INPUTS) >= 20


def test_the_base_table_of_the_bad_inputs_is_itself_valid(tmp_path):
    path = tmp_path / "lesions.csv"
    path.write_text(table_text())
    checked = tablecheck.read_lesion_table(path)
    assert checked.n_rows == 8
    assert checked.table["birads"].tolist() == [3, 3, 4, 4, 4, 5, 5, 4]
    assert checked.table["consensus"].tolist()[:3] == [False, False, True]


def test_output_folder_that_does_not_exist(tmp_path, capsys):
    source = write_input(tmp_path, table_text())
    out = tmp_path / "missing" / "report.json"
    status, stdout, stderr = run_analyze(capsys, source, out)
    assert status == 2 and stderr.count("\n") == 1
    assert "does not exist" in stderr and "missing" in stderr
    assert not out.parent.exists()


def test_output_is_a_directory(tmp_path, capsys):
    source = write_input(tmp_path, table_text())
    status, _, stderr = run_analyze(capsys, source, tmp_path)
    assert status == 2 and "is a directory" in stderr and stderr.count("\n") == 1


def test_refuses_to_overwrite_the_input_even_with_force(tmp_path, capsys):
    source = write_input(tmp_path, table_text())
    before = source.read_bytes()
    status, _, stderr = run_analyze(capsys, source, source, "--force")
    assert status == 2 and "is the input table" in stderr
    assert source.read_bytes() == before


def test_existing_output_needs_force(tmp_path, capsys):
    source = write_input(tmp_path, table_text())
    out = tmp_path / "report.json"
    out.write_text("keep me")
    status, _, stderr = run_analyze(capsys, source, out)
    assert status == 2 and "--force" in stderr and stderr.count("\n") == 1
    assert out.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesions.csv", "report.json"]


@pytest.mark.parametrize(
    "extra",
    [["--cutoff", "-5"], ["--cutoff", "abc"], ["--cutoff", "nan"], ["--max-rows", "0"]],
)
def test_bad_options(extra, tmp_path, capsys):
    source = write_input(tmp_path, table_text())
    out = tmp_path / "report.json"
    status, _, stderr = run_analyze(capsys, source, out, *extra)
    assert status == 2 and stderr.startswith("error: ") and stderr.count("\n") == 1
    assert not out.exists()


def test_missing_json_flag_is_a_usage_error(tmp_path, capsys):
    source = write_input(tmp_path, table_text())
    assert cli.main(["analyze", str(source)]) == 2
    assert "--json" in capsys.readouterr().err


def test_a_bad_input_through_a_real_process(tmp_path):
    source = write_input(tmp_path, table_text(change={(3, "elasticity_kpa"): "12,5"}))
    out = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "microcalc", "analyze", str(source), "--json", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "line 4 of the file (row 3) has 16 fields but the header has 15" in result.stderr
    assert "comma decimal" in result.stderr
    assert not out.exists()


# ---------------------------------------------------------------------------- accepted inputs
def test_byte_order_mark_is_stripped_and_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + table_text().encode("utf-8"))
    checked = tablecheck.read_lesion_table(path)
    assert checked.present[0] == "participant_id"
    assert checked.table["participant_id"].iloc[0] == "P01"


def test_windows_line_ends_quotes_and_spaces_are_accepted(tmp_path):
    text = table_text().replace("\n", "\r\n").replace("P01,", '"P01", ')
    path = tmp_path / "windows.csv"
    path.write_bytes(text.encode("utf-8"))
    checked = tablecheck.read_lesion_table(path)
    assert checked.table["participant_id"].tolist()[0] == "P01"
    assert checked.table["malignant"].tolist() == [0, 0, 0, 0, 1, 1, 1, 1]


def test_missing_markers_in_optional_columns_are_missing_values(tmp_path):
    text = table_text(change={(2, "strain_ratio"): "NA", (3, "birads"): "", (4, "age_years"): "."})
    path = tmp_path / "gaps.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"column 'age_years', row 4 .*'\.' is not a number"):
        tablecheck.read_lesion_table(path)
    path.write_text(text.replace(",.,", ",null,"))
    checked = tablecheck.read_lesion_table(path)
    assert checked.missing_counts == {"age_years": 1, "birads": 1, "strain_ratio": 1}


def test_unknown_columns_are_kept_but_not_checked(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(table_text().replace("consensus\n", "consensus,notes\n", 1))
    checked = tablecheck.read_lesion_table(path)
    assert checked.extra == ("notes",)
    assert "elasticity_max_kpa" in checked.absent


def test_committed_table_is_accepted(root):
    checked = tablecheck.read_lesion_table(root / "data" / "lesions.csv")
    assert checked.n_rows == 300 and checked.absent == () and checked.extra == ()
    assert checked.missing_counts == {"reader3_elasticity_kpa": 291, "reader3_strain_ratio": 291}
    assert len(checked.sha256) == 64


def test_check_lesion_table_on_a_dataframe_names_the_row():
    frame = pd.DataFrame(
        {
            "participant_id": ["a", "b", "c", "d"],
            "malignant": [0, 1, 0, 1],
            "elasticity_kpa": [1.0, 2.0, float("nan"), 3.0],
        }
    )
    with pytest.raises(ValueError, match=r"column 'elasticity_kpa', row 3 .*participant_id 'c'"):
        tablecheck.check_lesion_table(frame)


def test_limits_must_be_positive_integers(tmp_path):
    with pytest.raises(ValueError, match="max_rows"):
        tablecheck.read_lesion_table(tmp_path / "x.csv", max_rows=0)
