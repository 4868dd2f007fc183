"""Tests for microcalc.study.readers: agreement statistics on this study's table layout.

Reference values come from R (psych::cohen.kappa, psych::ICC and base R for Bland-Altman and
repeatability), computed by tests/reference/agreement_samplesize.R and stored in JSON files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from microcalc.stats import agreement
from microcalc.study.readers import (
    ICC_DESIGN,
    kappa_by_group,
    kappa_candidates,
    reader_bland_altman,
    reader_icc,
    repeatability,
    study_icc_form,
)

FIXTURES = Path(__file__).parent / "reference" / "fixtures"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


KAPPA = load("agreement_kappa.json")
ICC = load("agreement_icc.json")
BA = load("agreement_blandaltman.json")
READERS = load("agreement_readers.json")


@pytest.fixture
def lesions() -> pd.DataFrame:
    table = pd.DataFrame(READERS["readers"])
    table.insert(0, "participant_id", [f"P{i + 1:03d}" for i in range(len(table))])
    table["malignant"] = READERS["malignant"]
    return table


@pytest.fixture
def measurements() -> pd.DataFrame:
    return pd.DataFrame(BA["measurements"])


# ---------------------------------------------------------------------------------------------
# Kappa candidates on a lesion table
# ---------------------------------------------------------------------------------------------
def test_kappa_candidates(lesions):
    t = kappa_candidates(lesions, target=0.84, strain_ratio_cutoff=1.6)
    assert t["candidate"].tolist() == [
        "score, unweighted",
        "score, linear weights",
        "score, quadratic weights",
        "score >= 4",
        "elasticity >= 62 kPa",
        "strain ratio >= 1.6",
    ]
    score = next(c for c in KAPPA["cases"] if c["name"] == "score_300")
    assert t.loc[0, "estimate"] == pytest.approx(score["unweighted"]["kappa"], abs=1e-12)
    assert t.loc[2, "estimate"] == pytest.approx(score["quadratic"]["kappa"], abs=1e-12)
    call = next(c for c in KAPPA["cases"] if c["name"] == "call_62kpa_300")
    assert t.loc[4, "estimate"] == pytest.approx(call["unweighted"]["kappa"], abs=1e-12)
    assert t["abs_difference"].tolist() == pytest.approx((t["estimate"] - 0.84).abs().tolist())
    assert t["target_in_ci"].dtype == bool
    assert (t["confidence_level"] == 0.95).all()
    assert "abs_difference" not in kappa_candidates(lesions).columns
    wide = kappa_candidates(lesions, strain_ratio_cutoff=1.6, confidence_level=0.99)
    assert (wide["ci_high"] - wide["ci_low"] > t["ci_high"] - t["ci_low"]).all()


def test_table_errors_name_column_row_and_value(lesions):
    with pytest.raises(ValueError, match="no column 'reader2_score'"):
        kappa_candidates(lesions.drop(columns="reader2_score"))
    bad = lesions.copy()
    bad["reader1_elasticity_kpa"] = bad["reader1_elasticity_kpa"].astype(object)
    bad.loc[4, "reader1_elasticity_kpa"] = "n/a"
    with pytest.raises(
        ValueError, match=r"'reader1_elasticity_kpa', row 4 \(participant_id 'P005'\)"
    ):
        kappa_candidates(bad)
    with pytest.raises(TypeError, match="DataFrame"):
        kappa_candidates(lesions.to_dict())
    bad = lesions.copy()
    bad.loc[2, "reader2_score"] = 6
    with pytest.raises(
        ValueError, match=r"'reader2_score', row 2 \(participant_id 'P003'\): value 6.0"
    ):
        kappa_candidates(bad)


# ---------------------------------------------------------------------------------------------
# ICC of the two readers
# ---------------------------------------------------------------------------------------------
def test_reader_icc_matches_psych(lesions):
    t = reader_icc(lesions, measure="elasticity_kpa")
    case = next(c for c in ICC["cases"] if c["name"] == "elasticity_two_readers")
    assert (t["measure"] == "elasticity_kpa").all()
    np.testing.assert_allclose(t["estimate"], case["icc"], atol=1e-10)
    t2 = reader_icc(lesions, measure="strain_ratio")
    case2 = next(c for c in ICC["cases"] if c["name"] == "strain_ratio_two_readers")
    np.testing.assert_allclose(t2["ci_low"], case2["lower"], atol=1e-10)


def test_study_icc_form_is_icc3k():
    choice = study_icc_form()
    assert (choice.form, choice.shrout_fleiss, choice.mcgraw_wong) == (
        "ICC3k",
        "ICC(3,k)",
        "ICC(C,k)",
    )
    assert choice == agreement.icc_form(**ICC_DESIGN)
    assert "fixed" in choice.reason and "mean" in choice.reason


# ---------------------------------------------------------------------------------------------
# Bland-Altman of the two readers
# ---------------------------------------------------------------------------------------------
def test_reader_bland_altman(lesions):
    case = BA["bland_altman"][0]
    r = reader_bland_altman(lesions)
    assert r.bias == pytest.approx(case["bias"], rel=1e-12)
    assert r.confidence_level == 0.95
    with pytest.raises(ValueError, match="no column 'reader1_strain'"):
        reader_bland_altman(lesions, measure="strain")


# ---------------------------------------------------------------------------------------------
# Repeatability across acquisitions, against base R (aov)
# ---------------------------------------------------------------------------------------------
def test_repeatability_matches_r(measurements):
    t = repeatability(measurements, value="emean_kpa")
    assert t["group"].tolist() == ["1", "2", "all"]
    for ref in BA["repeatability"]:
        row = t.set_index("group").loc[ref["group"]]
        assert row["n_subjects"] == ref["n_subjects"]
        assert row["n_measurements"] == ref["n_measurements"]
        assert row["df"] == ref["df"]
        assert row["mean"] == pytest.approx(ref["mean"], rel=1e-12)
        assert row["within_sd"] == pytest.approx(ref["within_sd"], rel=1e-9)
        assert [row["within_sd_ci_low"], row["within_sd_ci_high"]] == pytest.approx(
            ref["within_sd_ci"], rel=1e-9
        )
        assert row["cv"] == pytest.approx(ref["cv"], rel=1e-9)
        assert row["cv_rms"] == pytest.approx(ref["cv_rms"], rel=1e-9)
        assert row["repeatability_coefficient"] == pytest.approx(
            ref["repeatability_coefficient"], rel=1e-9
        )
        assert row["confidence_level"] == 0.95


def test_repeatability_errors(measurements):
    with pytest.raises(ValueError, match="no column 'acquisition'"):
        repeatability(measurements.drop(columns="acquisition"))
    with pytest.raises(ValueError, match="no column 'emax_kpa'"):
        repeatability(measurements, value="emax_kpa")
    dup = pd.concat([measurements, measurements.iloc[[5]]], ignore_index=True)
    with pytest.raises(ValueError, match=f"row {len(measurements)} repeats participant_id 'P001'"):
        repeatability(dup)
    bad = measurements.copy()
    bad.loc[7, "emean_kpa"] = np.nan
    with pytest.raises(ValueError, match=r"'emean_kpa', row 7 \(participant_id 'P002'\)"):
        repeatability(bad)


# ---------------------------------------------------------------------------------------------
# kappa_by_group
# ---------------------------------------------------------------------------------------------
def test_kappa_by_group_rows_equal_dichotomised_kappa_on_each_subset(lesions):
    table = kappa_by_group(lesions, cutoff=62)
    assert table["group"].tolist() == ["0", "1", "all"]
    for group, keep in (
        ("0", lesions["malignant"] == 0),
        ("1", lesions["malignant"] == 1),
        ("all", np.ones(len(lesions), dtype=bool)),
    ):
        sub = lesions[keep]
        expected = agreement.dichotomised_kappa(
            sub["reader1_elasticity_kpa"], sub["reader2_elasticity_kpa"], cutoff=62
        )
        row = table.set_index("group").loc[group]
        assert row["estimate"] == pytest.approx(expected.estimate, abs=1e-12)
        assert row["se"] == pytest.approx(expected.se, abs=1e-12)
        assert int(row["n"]) == int(keep.sum())
        calls = np.concatenate(
            [sub["reader1_elasticity_kpa"] >= 62, sub["reader2_elasticity_kpa"] >= 62]
        )
        assert row["positive_share"] == pytest.approx(calls.mean())


def test_kappa_by_group_shows_the_prevalence_effect():
    # identical agreement pattern (one discordant pair in ten), different prevalence of calls
    balanced = pd.DataFrame(
        {
            "g": ["a"] * 10,
            "reader1_elasticity_kpa": [70] * 5 + [50] * 5,
            "reader2_elasticity_kpa": [70] * 4 + [50] * 6,
        }
    )
    skewed = pd.DataFrame(
        {
            "g": ["b"] * 10,
            "reader1_elasticity_kpa": [70] * 9 + [50],
            "reader2_elasticity_kpa": [70] * 8 + [50] * 2,
        }
    )
    table = kappa_by_group(pd.concat([balanced, skewed]), group="g").set_index("group")
    assert table.loc["a", "observed_agreement"] == table.loc["b", "observed_agreement"] == 0.9
    assert table.loc["b", "expected_agreement"] > table.loc["a", "expected_agreement"]
    assert table.loc["b", "estimate"] < table.loc["a", "estimate"]


def test_kappa_by_group_errors(lesions):
    with pytest.raises(ValueError, match="group must name a column"):
        kappa_by_group(lesions, group="nope")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        kappa_by_group([1, 2, 3])
    one_sided = lesions.assign(reader1_elasticity_kpa=100.0, reader2_elasticity_kpa=100.0)
    with pytest.raises(ValueError, match="group malignant = '0'"):
        kappa_by_group(one_sided)
    gap = lesions.astype({"malignant": float}).copy()
    gap.loc[gap.index[2], "malignant"] = np.nan
    with pytest.raises(ValueError, match="column 'malignant', row 2"):
        kappa_by_group(gap)
