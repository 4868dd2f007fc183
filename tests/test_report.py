"""``python -m microcalc analyze``: the JSON report on the committed data and on hand-made tables."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from microcalc import cli, report, tablecheck
from microcalc.study import scorecard

# A table a user could type by hand: four columns only, overlapping classes.
HAND_WRITTEN = """participant_id,malignant,elasticity_kpa,strain_ratio
A1,0,38.5,1.21
A2,0,44.0,1.62
A3,0,51.2,1.35
A4,0,57.9,2.10
A5,0,63.1,1.48
A6,0,47.3,1.30
A7,1,59.4,1.95
A8,1,66.0,1.70
A9,1,72.8,2.40
A10,1,88.1,2.05
A11,1,95.6,1.58
A12,1,69.9,2.31
"""


def strict_loads(text: str):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def walk(obj):
    yield obj
    if isinstance(obj, dict):
        for value in obj.values():
            yield from walk(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from walk(value)


@pytest.fixture(scope="module")
def committed_report(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.json"
    status = cli.main(["analyze", str(root / "data" / "lesions.csv"), "--json", "--out", str(out)])
    assert status == 0
    return out


def test_committed_data_full_report(committed_report, root):
    data = strict_loads(committed_report.read_text())
    assert data["format"] == report.FORMAT and data["format_version"] == 2
    assert data["input"]["n_rows"] == 300
    assert data["input"]["n_malignant"] == 150 and data["input"]["n_benign"] == 150
    assert data["input"]["columns_absent"] == []
    assert data["skipped"] == []
    assert list(data["analyses"]) == [spec.name for spec in report.ANALYSES]
    assert all(value is not None for value in data["analyses"].values())
    assert data["settings"]["cutoff_kpa"] == 62.0
    # the same numbers as the scorecard's reproduction (same modules, same table)
    expected = scorecard.reproduce(pd.read_csv(root / "data" / "lesions.csv"))
    a = data["analyses"]
    pairs = {
        "roc.sensitivity": 100 * a["accuracy.at_cutoff"]["accuracy"]["sensitivity"]["estimate"],
        "roc.specificity": 100 * a["accuracy.at_cutoff"]["accuracy"]["specificity"]["estimate"],
        "roc.cutoff_kpa": a["roc.elasticity_kpa"]["youden"]["cutoff"],
        "roc.auc.elasticity": a["roc.elasticity_kpa"]["auc"]["estimate"],
        "roc.auc.combined": a["logistic.combined"]["auc"]["estimate"],
        "roc.delong.p_value": a["logistic.combined"]["delong_test"]["p_value"],
        "table3.hosmer_lemeshow.p_value": a["logistic.combined"]["hosmer_lemeshow"]["p_value"],
        "agreement.kappa": a["agreement.kappa_score"]["unweighted"]["estimate"],
        "table1.age_years.p_value": a["group_comparison.age_years"]["test"]["p_value"],
        "table1.birads.p_value": a["group_comparison.birads"]["test"]["p_value"],
        "text.spearman.elasticity_strain_ratio": a["correlation.elasticity_strain_ratio"][
            "spearman"
        ]["estimate"],
    }
    for key, value in pairs.items():
        assert value == pytest.approx(expected[key], rel=1e-8), key
    strata = {row["stratum"]: row["estimate"] for row in a["roc.auc_by_density"]["strata"]}
    assert strata["C-D (dense)"] == pytest.approx(expected["text.auc_by_density.high"])
    terms = {r["term"]: r for r in a["logistic.multivariable"]["fit"]["coefficients"]}
    assert terms["elasticity_kpa"]["odds_ratio"] == pytest.approx(
        expected["table3.elasticity_kpa.odds_ratio"], rel=1e-8
    )


def test_json_is_strict_plain_and_rounded(committed_report):
    text = committed_report.read_text()
    assert "NaN" not in text and "Infinity" not in text
    data = strict_loads(text)
    floats = [v for v in walk(data) if isinstance(v, float)]
    assert floats
    assert all(v == float(f"{v:.10g}") for v in floats)
    assert text.endswith("\n")


def test_report_is_byte_identical_from_run_to_run(committed_report, root, capsys):
    assert cli.main(["analyze", str(root / "data" / "lesions.csv"), "--json"]) == 0
    assert capsys.readouterr().out == committed_report.read_text()


def test_hand_written_csv_runs_and_lists_skipped_analyses(tmp_path, capsys):
    source = tmp_path / "mine.csv"
    source.write_text(HAND_WRITTEN)
    out = tmp_path / "report.json"
    status = cli.main(["analyze", str(source), "--json", "--out", str(out), "--cutoff", "60"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.out == ""
    assert "wrote" in captured.err
    data = strict_loads(out.read_text())
    assert list(data["analyses"]) == [spec.name for spec in report.ANALYSES]  # stable keys
    assert data["input"]["columns_present"] == [
        "participant_id",
        "malignant",
        "elasticity_kpa",
        "strain_ratio",
    ]
    ran = {name for name, value in data["analyses"].items() if value is not None}
    assert {
        "roc.elasticity_kpa",
        "roc.strain_ratio",
        "accuracy.at_cutoff",
        "logistic.combined",
        "correlation.elasticity_strain_ratio",
        "group_comparison.elasticity_kpa",
        "logistic.univariable.strain_ratio",
    } <= ran
    skipped = {s["analysis"]: s for s in data["skipped"]}
    assert set(skipped) == set(data["analyses"]) - ran
    assert skipped["group_comparison.age_years"]["missing_columns"] == ["age_years"]
    assert skipped["agreement.kappa_score"]["missing_columns"] == [
        "reader1_score",
        "reader2_score",
    ]
    assert skipped["logistic.univariable.density_cd"]["missing_columns"] == ["breast_density"]
    assert set(skipped["logistic.multivariable"]["missing_columns"]) == {
        "age_years",
        "lesion_size_mm",
        "breast_density",
    }
    assert all(s["reason"] for s in data["skipped"])
    accuracy = data["analyses"]["accuracy.at_cutoff"]["accuracy"]
    assert (accuracy["tp"], accuracy["fn"], accuracy["fp"], accuracy["tn"]) == (5, 1, 1, 5)
    assert data["settings"]["cutoff_kpa"] == 60.0
    assert data["input"]["sha256"] and data["input"]["source"] == str(source)


def test_bom_file_is_analysed(tmp_path, capsys):
    source = tmp_path / "excel.csv"
    source.write_bytes(b"\xef\xbb\xbf" + HAND_WRITTEN.encode())
    assert cli.main(["analyze", str(source), "--json"]) == 0
    data = strict_loads(capsys.readouterr().out)
    assert data["input"]["columns_present"][0] == "participant_id"
    assert data["analyses"]["roc.elasticity_kpa"]["n"] == 12


def test_force_overwrites_atomically(tmp_path, capsys):
    source = tmp_path / "mine.csv"
    source.write_text(HAND_WRITTEN)
    out = tmp_path / "report.json"
    out.write_text("old")
    assert cli.main(["analyze", str(source), "--json", "--out", str(out), "--force"]) == 0
    assert strict_loads(out.read_text())["input"]["n_rows"] == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.csv", "report.json"]
    capsys.readouterr()


def test_missing_cells_use_complete_cases_and_say_so(tmp_path):
    lines = HAND_WRITTEN.splitlines()
    lines[3] = "A3,0,51.2,"
    source = tmp_path / "gaps.csv"
    source.write_text("\n".join(lines) + "\n")
    built = report.analyze(tablecheck.read_lesion_table(source))
    data = built.to_dict()
    assert data["input"]["missing_values"] == {"strain_ratio": 1}
    combined = data["analyses"]["logistic.combined"]
    assert combined["n"] == 11 and combined["n_excluded_missing"] == 1
    assert data["analyses"]["roc.elasticity_kpa"]["n_excluded_missing"] == 0


def test_an_analysis_the_module_refuses_is_skipped_with_its_reason():
    rng = np.random.default_rng(7)
    table = pd.DataFrame(
        {
            "participant_id": [f"P{i}" for i in range(20)],
            "malignant": [1] * 10 + [0] * 10,
            "elasticity_kpa": np.r_[rng.normal(75, 12, 10), rng.normal(50, 12, 10)].round(2),
            "breast_density": ["C"] * 10 + ["A"] * 5 + ["D"] * 5,  # A-B has no malignant lesion
        }
    )
    built = report.analyze(table)
    skipped = {s.analysis: s for s in built.skipped}
    assert built.analyses["roc.auc_by_density"] is None
    assert skipped["roc.auc_by_density"].missing_columns == ()
    assert skipped["roc.auc_by_density"].reason.startswith("could not be computed: stratum")
    assert built.analyses["group_comparison.breast_density"] is not None


def test_too_few_complete_cases_skips_the_analysis():
    table = pd.DataFrame(
        {
            "participant_id": list("abcdef"),
            "malignant": [0, 0, 0, 1, 1, 1],
            "elasticity_kpa": [40.0, 45.0, 70.0, 60.0, 80.0, 90.0],
            "strain_ratio": [1.2, None, None, 2.0, 2.5, 1.4],
        }
    )
    built = report.analyze(table)
    reasons = {s.analysis: s.reason for s in built.skipped}
    assert reasons["roc.strain_ratio"].startswith("too few complete cases (3 malignant, 1 benign)")
    assert built.analyses["roc.elasticity_kpa"]["n"] == 6


@pytest.mark.parametrize("cutoff", [0, -1, float("nan"), float("inf"), "62", True])
def test_analyze_refuses_a_bad_cutoff(cutoff):
    table = pd.read_csv(pd.io.common.StringIO(HAND_WRITTEN))
    with pytest.raises(ValueError, match="cutoff"):
        report.analyze(table, cutoff=cutoff)


def test_cli_default_cutoff_is_the_report_default():
    assert cli._ANALYZE_CUTOFF == report.DEFAULT_CUTOFF == 62.0


def test_to_plain_converts_and_refuses_unknown_objects():
    plain = report.to_plain(
        {"x": np.float32(0.5), "y": pd.NA, "z": np.array([1.0, np.inf]), "w": np.bool_(True)}
    )
    assert plain == {"x": 0.5, "y": None, "z": [1.0, None], "w": True}
    with pytest.raises(TypeError, match="cannot put a object"):
        report.to_plain(object())


def test_analyze_through_a_real_process(tmp_path):
    source = tmp_path / "mine.csv"
    source.write_text(HAND_WRITTEN)
    result = subprocess.run(
        [sys.executable, "-m", "microcalc", "analyze", str(source), "--json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert strict_loads(result.stdout)["input"]["n_rows"] == 12
