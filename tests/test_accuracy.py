"""Tests of microcalc.stats.accuracy: against epiR's epi.tests fixtures and by invariants.

The fixtures in tests/reference/fixtures/accuracy_*.json were written by
tests/reference/roc_accuracy.R (epiR 2.0.57, R 4.2.2; the versions are inside each file);
R is not needed to run these tests.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcalc.stats import accuracy, roc

FIXTURES = Path(__file__).parent / "reference" / "fixtures"
TABLES = sorted(p.stem.removeprefix("accuracy_") for p in FIXTURES.glob("accuracy_*.json"))
TOL = 1e-6

# epiR statistic -> our measure
EPIR = {
    "se": "sensitivity",
    "sp": "specificity",
    "pv.pos": "ppv",
    "pv.neg": "npv",
    "diag.ac": "accuracy",
    "tp": "prevalence",  # epiR's "true prevalence"
    "lr.pos": "lr_positive",
    "lr.neg": "lr_negative",
    "diag.or": "diagnostic_odds_ratio",
}
VARIANTS = [("exact_95", "exact", 0.95), ("wilson_95", "wilson", 0.95), ("exact_90", "exact", 0.90)]


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"accuracy_{name}.json").read_text())


def counts(fx: dict) -> dict:
    return {k: fx[k] for k in ("tp", "fp", "fn", "tn")}


def test_fixtures_present_with_versions():
    assert len(TABLES) >= 4
    for name in TABLES:
        fx = load(name)
        assert fx["r_version"].startswith("R version") and fx["epir_version"]


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize(("key", "method", "confidence_level"), VARIANTS)
def test_matches_epir_epi_tests(name, key, method, confidence_level):
    fx = load(name)
    res = accuracy.accuracy_from_table(
        **counts(fx), method=method, confidence_level=confidence_level
    )
    for stat, measure in EPIR.items():
        ours = getattr(res, measure)
        ref = fx[key][stat]
        for mine, theirs in (
            (ours.estimate, ref["est"]),
            (ours.ci_low, ref["lower"]),
            (ours.ci_high, ref["upper"]),
        ):
            theirs = float(theirs)
            if math.isfinite(theirs):
                if math.isfinite(mine):
                    assert mine == pytest.approx(theirs, abs=TOL), (measure, mine, theirs)
                else:
                    # epiR's log-scale limit degenerates to 0 when the ratio is 0; ours is NaN
                    assert math.isnan(mine) and theirs == 0.0 and ours.estimate == 0.0
            else:
                # epiR gives Inf/NaN where the ratio or its log-scale limit is undefined
                assert not math.isfinite(mine) and (mine == theirs or math.isnan(mine))


def test_zero_cell_gives_nan_ratio_limits_and_exact_proportion_limits():
    res = accuracy.accuracy_from_table(**counts(load("zero_fn")))
    assert res.sensitivity.estimate == 1.0 and res.sensitivity.ci_high == 1.0
    assert res.lr_negative.estimate == 0.0
    assert math.isnan(res.lr_negative.ci_low) and math.isnan(res.lr_negative.ci_high)
    assert math.isinf(res.diagnostic_odds_ratio.estimate)


def test_cutoff_rule_reproduces_the_fixture_table():
    fx = load("balanced_youden")
    truth = json.loads((FIXTURES / "roc_balanced.json").read_text())["data"]
    y = np.asarray(truth["truth"])
    x = np.asarray(truth["marker1"], dtype=float)
    res = accuracy.accuracy_at_cutoff(y, x, cutoff=float(fx["cutoff"]))
    assert (res.tp, res.fp, res.fn, res.tn) == (fx["tp"], fx["fp"], fx["fn"], fx["tn"])
    assert res.cutoff == float(fx["cutoff"])
    # and it is roc.youden_cutoff's observed-convention cutoff, with identical se/sp
    best = roc.youden_cutoff(y, x, convention="observed")
    assert float(fx["cutoff"]) in best.tied_cutoffs.tolist()
    at_best = accuracy.accuracy_at_cutoff(y, x, cutoff=best.cutoff)
    assert at_best.sensitivity.estimate == best.sensitivity
    assert at_best.specificity.estimate == best.specificity


def test_midpoint_youden_cutoff_gives_the_same_table():
    truth = json.loads((FIXTURES / "roc_heavy_ties.json").read_text())["data"]
    y, x = np.asarray(truth["truth"]), np.asarray(truth["marker1"], dtype=float)
    obs = roc.youden_cutoff(y, x, convention="observed")
    mid = roc.youden_cutoff(y, x, convention="midpoint")
    a = accuracy.accuracy_at_cutoff(y, x, cutoff=obs.cutoff)
    b = accuracy.accuracy_at_cutoff(y, x, cutoff=mid.cutoff)
    assert (a.tp, a.fp, a.fn, a.tn) == (b.tp, b.fp, b.fn, b.tn)


def test_value_equal_to_cutoff_is_positive():
    res = accuracy.accuracy_at_cutoff([1, 0, 1, 0], [62.0, 62.0, 61.9, 10.0], cutoff=62)
    assert (res.tp, res.fp, res.fn, res.tn) == (1, 1, 1, 1)


def test_table_forms_agree():
    a = accuracy.accuracy_from_table(tp=131, fp=17, fn=19, tn=133)
    b = accuracy.accuracy_from_table([[131, 17], [19, 133]])
    c = accuracy.accuracy_from_table(np.array([[131, 17], [19, 133]]))
    d = accuracy.accuracy_from_table(pd.DataFrame([[131, 17], [19, 133]]))
    for other in (b, c, d):
        pd.testing.assert_frame_equal(a.to_frame(), other.to_frame())


def test_to_frame_and_table():
    res = accuracy.accuracy_from_table(tp=131, fp=17, fn=19, tn=133)
    frame = res.to_frame()
    assert frame["measure"].tolist() == list(accuracy.MEASURES)
    assert list(frame.columns) == [
        "measure",
        "estimate",
        "ci_low",
        "ci_high",
        "numerator",
        "denominator",
        "ci_method",
        "confidence_level",
    ]
    sens = frame.set_index("measure").loc["sensitivity"]
    assert (sens["numerator"], sens["denominator"]) == (131, 150)
    assert pd.isna(frame.set_index("measure").loc["lr_positive", "numerator"])
    table = res.table()
    assert table.loc["total", "total"] == 300 == res.n
    assert list(table.columns) == ["condition present", "condition absent", "total"]
    assert list(table.index) == ["test positive", "test negative", "total"]
    assert table.loc["test positive", "condition present"] == 131
    assert table.loc["total", "condition absent"] == 150
    with pytest.raises(AttributeError):
        res.tp = 1  # type: ignore[misc]


def test_undefined_ppv_is_nan():
    res = accuracy.accuracy_from_table(tp=0, fp=0, fn=10, tn=20)
    assert math.isnan(res.ppv.estimate) and math.isnan(res.ppv.ci_low)
    assert res.sensitivity.estimate == 0.0 and res.sensitivity.ci_low == 0.0


# ---------------------------------------------------------------------------------------------
# prevalence re-weighting
# ---------------------------------------------------------------------------------------------
def test_at_sample_prevalence_gives_sample_predictive_values():
    res = accuracy.accuracy_from_table(tp=17, fp=98, fn=3, tn=882)
    frame = res.at_prevalence(res.prevalence.estimate).set_index("measure")
    assert frame.loc["ppv", "estimate"] == pytest.approx(res.ppv.estimate, rel=1e-12)
    assert frame.loc["npv", "estimate"] == pytest.approx(res.npv.estimate, rel=1e-12)


def test_at_prevalence_hand_computed():
    res = accuracy.accuracy_from_table(tp=131, fp=17, fn=19, tn=133)
    se, sp = 131 / 150, 133 / 150
    pi = 0.01
    frame = res.at_prevalence([0.5, pi])
    assert frame["prevalence"].tolist() == [0.5, 0.5, pi, pi]
    row = frame.iloc[2]
    assert row["measure"] == "ppv"
    assert row["estimate"] == pytest.approx(se * pi / (se * pi + (1 - sp) * (1 - pi)))
    # logit-scale limits: logit(prior) + log LR+ +/- z sqrt(var log LR+)
    var = 1 / 131 - 1 / 150 + 1 / 17 - 1 / 150
    centre = math.log(pi / (1 - pi)) + math.log(se / (1 - sp))
    half = 1.959963984540054 * math.sqrt(var)
    assert row["ci_low"] == pytest.approx(1 / (1 + math.exp(-(centre - half))), rel=1e-9)
    assert row["ci_high"] == pytest.approx(1 / (1 + math.exp(-(centre + half))), rel=1e-9)


def test_at_prevalence_with_zero_false_positives():
    res = accuracy.accuracy_from_table(tp=10, fp=0, fn=2, tn=30)
    frame = res.at_prevalence(0.1).set_index("measure")
    assert frame.loc["ppv", "estimate"] == 1.0
    assert math.isnan(frame.loc["ppv", "ci_low"])
    assert 0 < frame.loc["npv", "ci_low"] < frame.loc["npv", "estimate"] < 1


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, np.nan])
def test_bad_prevalence(bad):
    res = accuracy.accuracy_from_table(tp=131, fp=17, fn=19, tn=133)
    with pytest.raises(ValueError, match="prevalence"):
        res.at_prevalence(bad)


table_counts = st.tuples(*(st.integers(1, 400) for _ in range(4)))


@settings(max_examples=200, deadline=None)
@given(table_counts, st.floats(0.001, 0.999))
def test_reweighted_values_are_monotone_and_bracketed(cells, pi):
    tp, fp, fn, tn = cells
    res = accuracy.accuracy_from_table(tp=tp, fp=fp, fn=fn, tn=tn)
    frame = res.at_prevalence([pi, min(pi + 0.0005, 0.9995)])
    ppv = frame[frame["measure"] == "ppv"]["estimate"].to_numpy()
    npv = frame[frame["measure"] == "npv"]["estimate"].to_numpy()
    se, sp = res.sensitivity.estimate, res.specificity.estimate
    if se + sp > 1:  # an informative test: PPV rises and NPV falls with prevalence
        assert ppv[1] >= ppv[0] and npv[1] <= npv[0]
    assert np.all(frame["ci_low"] <= frame["estimate"] + 1e-12)
    assert np.all(frame["estimate"] <= frame["ci_high"] + 1e-12)


@settings(max_examples=200, deadline=None)
@given(table_counts, st.sampled_from(["exact", "wilson"]))
def test_intervals_bracket_estimates(cells, method):
    tp, fp, fn, tn = cells
    res = accuracy.accuracy_from_table(tp=tp, fp=fp, fn=fn, tn=tn, method=method)
    frame = res.to_frame()
    assert np.all(frame["ci_low"] <= frame["estimate"] + 1e-12)
    assert np.all(frame["estimate"] <= frame["ci_high"] + 1e-12)
    props = frame[frame["ci_method"] != "log"]
    assert np.all((props["ci_low"] >= 0) & (props["ci_high"] <= 1))
    se, sp = res.sensitivity.estimate, res.specificity.estimate
    assert res.lr_positive.estimate == pytest.approx(se / (1 - sp))
    assert res.accuracy.estimate == pytest.approx(
        accuracy.implied_accuracy(
            sensitivity=se, specificity=sp, prevalence=res.prevalence.estimate
        )
    )


def test_implied_accuracy():
    assert accuracy.implied_accuracy(sensitivity=0.9, specificity=0.8, prevalence=0.5) == (
        pytest.approx(0.85)
    )
    out = accuracy.implied_accuracy(sensitivity=0.9, specificity=0.8, prevalence=[0.1, 0.9])
    np.testing.assert_allclose(out, [0.81, 0.89])
    with pytest.raises(ValueError, match="specificity"):
        accuracy.implied_accuracy(sensitivity=0.9, specificity=1.2, prevalence=0.5)


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"tp": -1, "fp": 1, "fn": 1, "tn": 1}, ValueError, "tp must be a non-negative"),
        ({"tp": 1.5, "fp": 1, "fn": 1, "tn": 1}, ValueError, "tp must be a non-negative"),
        ({"tp": 1, "fp": "2", "fn": 1, "tn": 1}, TypeError, "fp must be a count"),
        ({"tp": 1, "fp": 1, "fn": 1}, ValueError, r"missing \['tn'\]"),
        ({"tp": 0, "fp": 1, "fn": 0, "tn": 1}, ValueError, "tp \\+ fn is 0"),
        ({"tp": 1, "fp": 0, "fn": 1, "tn": 0}, ValueError, "fp \\+ tn is 0"),
        ({"tp": 1, "fp": 1, "fn": 1, "tn": 1, "method": "agresti"}, ValueError, "method"),
        (
            {"tp": 1, "fp": 1, "fn": 1, "tn": 1, "confidence_level": 95},
            ValueError,
            "confidence_level",
        ),
    ],
)
def test_bad_counts(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        accuracy.accuracy_from_table(**kwargs)


def test_bad_tables():
    with pytest.raises(ValueError, match="table must be 2 x 2"):
        accuracy.accuracy_from_table([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="either table or the counts"):
        accuracy.accuracy_from_table([[1, 2], [3, 4]], tp=1)
    with pytest.raises(ValueError, match="tn must be a non-negative"):
        accuracy.accuracy_from_table([[1, 2], [3, -4]])
    with pytest.raises(ValueError, match=r"no participants with the condition \(truth 1\)"):
        accuracy.accuracy_from_table(tp=0, fp=2, fn=0, tn=4)
    with pytest.raises(ValueError, match=r"no participants without the condition \(truth 0\)"):
        accuracy.accuracy_from_table(tp=3, fp=0, fn=1, tn=0)


@pytest.mark.parametrize(
    ("truth", "marker", "cutoff", "exc", "pattern"),
    [
        (
            [1, 1, 1],
            [1.0, 2.0, 3.0],
            2.0,
            ValueError,
            r"one class only.*positive \(1\) and negative",
        ),
        ([0, 1, 2], [1.0, 2.0, 3.0], 2.0, ValueError, "truth must be 0 or 1"),
        ([0, 1, 1], [1.0, np.nan, 3.0], 2.0, ValueError, "marker holds 1 non-finite"),
        ([0, 1, 1], [1.0, 3.0], 2.0, ValueError, "length mismatch"),
        ([0, 1, 1], [1.0, 2.0, 3.0], np.nan, ValueError, "cutoff"),
        ([0, 1, 1], [1.0, 2.0, 3.0], "62", TypeError, "cutoff"),
    ],
)
def test_bad_cutoff_input(truth, marker, cutoff, exc, pattern):
    with pytest.raises(exc, match=pattern):
        accuracy.accuracy_at_cutoff(truth, marker, cutoff=cutoff)


def test_cutoff_is_keyword_only():
    with pytest.raises(TypeError):
        accuracy.accuracy_at_cutoff([0, 1], [1.0, 2.0], 1.5)  # type: ignore[misc]
