"""Tests of the statistical corrections of issue 13.

* McNemar's test (``accuracy.mcnemar_test``, ``accuracy.paired_accuracy_test``) against R's
  ``mcnemar.test`` and ``binom.test`` (fixture ``mcnemar_tables.json``);
* Begg and Greenes' correction (``accuracy.begg_greenes``) against the published hepatic
  scintigraphy example;
* partial AUC with McClish's standardisation (``roc.partial_auc``) against pROC
  (fixtures ``pauc_*.json``);
* likelihood-ratio and Wald tests of added value (``logistic.added_value_test``) against R's
  ``glm`` and ``anova`` (fixture ``nested_models.json``).

The fixtures are written by ``tests/reference/corrections.R``.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from microcalc.stats import accuracy, logistic, roc

FIXTURES = Path(__file__).parent / "reference" / "fixtures"
PAUC_FILES = sorted(FIXTURES.glob("pauc_*.json"))


def _load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_correction_fixtures_present_with_versions():
    names = ["mcnemar_tables.json", "nested_models.json", *[p.name for p in PAUC_FILES]]
    assert len(PAUC_FILES) == 7
    for name in names:
        fx = _load(name)
        assert fx["r_version"].startswith("R version")
        assert fx["generated_by"] == "tests/reference/corrections.R"


# ---------------------------------------------------------------------------------------------
# McNemar
# ---------------------------------------------------------------------------------------------
MCNEMAR_CASES = _load("mcnemar_tables.json")["tables"]


@pytest.mark.parametrize("case", MCNEMAR_CASES, ids=lambda c: "-".join(map(str, c["table"])))
def test_mcnemar_matches_r(case):
    a, b, c, d = case["table"]
    cells = [[a, b], [c, d]]
    exact = accuracy.mcnemar_test(cells, method="exact")
    corrected = accuracy.mcnemar_test(cells, method="asymptotic", correction=True)
    plain = accuracy.mcnemar_test(cells, method="asymptotic", correction=False)
    if b + c == 0:  # R returns NaN; we return p = 1 (documented)
        assert case["exact"]["p_value"] is None
        assert exact.p_value == corrected.p_value == plain.p_value == 1.0
        return
    assert exact.p_value == pytest.approx(case["exact"]["p_value"], abs=1e-12)
    assert corrected.statistic == pytest.approx(case["corrected"]["statistic"], abs=1e-12)
    assert corrected.p_value == pytest.approx(case["corrected"]["p_value"], abs=1e-12)
    assert plain.statistic == pytest.approx(case["uncorrected"]["statistic"], abs=1e-12)
    assert plain.p_value == pytest.approx(case["uncorrected"]["p_value"], abs=1e-12)


def test_mcnemar_difference_and_interval_by_hand():
    # 150 pairs, b = 12, c = 3: difference 9/150; SE = sqrt(15 - 81/150) / 150
    res = accuracy.mcnemar_test(a=120, b=12, c=3, d=15, confidence_level=0.90)
    se = math.sqrt(15 - 81 / 150) / 150
    assert res.estimate == pytest.approx(0.06)
    assert res.se == pytest.approx(se)
    assert res.ci_high - res.estimate == pytest.approx(1.6448536269514722 * se)
    assert (res.p1, res.p2, res.n) == (pytest.approx(132 / 150), pytest.approx(123 / 150), 150)
    frame = res.to_frame()
    assert list(frame.columns[:7]) == ["measure", "p1", "p2", "estimate", "se", "ci_low", "ci_high"]


def test_paired_accuracy_test_uses_the_right_participants():
    truth = np.array([1] * 6 + [0] * 5)
    t1 = np.array([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0])
    t2 = np.array([1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1])
    sens = accuracy.paired_accuracy_test(truth, t1, t2)
    # malignant: (1,1) x2, (1,0) x2, (0,0) x1, (0,1) x1 -> Se1 = 4/6, Se2 = 3/6
    assert sens.table == (2, 2, 1, 1)
    assert (sens.p1, sens.p2) == (pytest.approx(4 / 6), pytest.approx(3 / 6))
    spec = accuracy.paired_accuracy_test(truth, t1, t2, measure="specificity")
    # benign (last five): t1 = 0 0 1 1 0, t2 = 0 1 1 1 1; negative calls are the successes:
    # both negative x1, t1 only x2, t2 only x0, neither x2 -> Sp1 = 3/5, Sp2 = 1/5
    assert spec.table == (1, 2, 0, 2)
    assert spec.p1 == pytest.approx(3 / 5) and spec.p2 == pytest.approx(1 / 5)
    assert spec.measure == "specificity"


def test_mcnemar_rejects_bad_input():
    with pytest.raises(ValueError, match="method"):
        accuracy.mcnemar_test([[1, 2], [3, 4]], method="chisq")
    with pytest.raises(ValueError, match="missing"):
        accuracy.mcnemar_test(a=1, b=2)
    with pytest.raises(ValueError, match="2 x 2"):
        accuracy.mcnemar_test([[1, 2, 3], [3, 4, 5]])
    with pytest.raises(ValueError, match="non-negative"):
        accuracy.mcnemar_test(a=1, b=-2, c=1, d=1)
    with pytest.raises(ValueError, match="confidence_level"):
        accuracy.mcnemar_test(a=1, b=2, c=1, d=1, confidence_level=95)
    with pytest.raises(ValueError, match="measure"):
        accuracy.paired_accuracy_test([1, 0], [1, 0], [1, 1], measure="ppv")
    with pytest.raises(ValueError, match=r"no negative \(0\) participants"):
        accuracy.paired_accuracy_test([1, 1], [1, 0], [1, 1], measure="specificity")


# ---------------------------------------------------------------------------------------------
# Begg and Greenes
# ---------------------------------------------------------------------------------------------
# Hepatic scintigraphy for liver metastases, 650 patients, 344 verified by pathology (Drum DE,
# Christacopoulos JS. J Nucl Med 1972;13:908-915), the worked example of partial verification
# in Zhou XH, Obuchowski NA, McClish DK, Statistical Methods in Diagnostic Medicine, 2nd ed.,
# Wiley 2011, chapter 10 (also used by Zhou 1993 and Arifin & Yusof 2022):
#   verified      T+: D+ 231, D- 32     T-: D+ 27, D- 54
#   unverified    T+: 166               T-: 140
# Published: naive (verified only) Se = 0.895, Sp = 0.628; Begg-Greenes Se = 0.836, Sp = 0.738.
HEPATIC = {"tp": 231, "fp": 32, "fn": 27, "tn": 54, "unverified_positive": 166,
           "unverified_negative": 140}  # fmt: skip


def test_begg_greenes_reproduces_the_published_hepatic_example():
    res = accuracy.begg_greenes_from_counts(**HEPATIC)
    assert round(res.sensitivity.naive, 3) == 0.895
    assert round(res.specificity.naive, 3) == 0.628
    assert round(res.sensitivity.estimate, 3) == 0.836
    assert round(res.specificity.estimate, 3) == 0.738
    assert res.n == 650


def test_begg_greenes_equals_the_completed_table_in_exact_arithmetic():
    # Share each unverified group between D+ and D- as among the verified with the same test
    # result, then compute the plain sensitivity and specificity of the completed table.
    h = {k: Fraction(v) for k, v in HEPATIC.items()}
    v1, v0 = h["tp"] + h["fp"], h["fn"] + h["tn"]
    tp = h["tp"] + h["unverified_positive"] * h["tp"] / v1
    fp = h["fp"] + h["unverified_positive"] * h["fp"] / v1
    fn = h["fn"] + h["unverified_negative"] * h["fn"] / v0
    tn = h["tn"] + h["unverified_negative"] * h["tn"] / v0
    res = accuracy.begg_greenes_from_counts(**HEPATIC)
    assert res.sensitivity.estimate == pytest.approx(float(tp / (tp + fn)), rel=1e-14)
    assert res.specificity.estimate == pytest.approx(float(tn / (tn + fp)), rel=1e-14)


def test_begg_greenes_variance_formula_of_the_paper():
    # Begg & Greenes (1983): Var(Se) = [Se(1-Se)]^2 {N/(n1 n0) + (1/TP - 1/v1) + (1/FN - 1/v0)}
    res = accuracy.begg_greenes_from_counts(**HEPATIC)
    se_hat = res.sensitivity.estimate
    n1, n0 = 231 + 32 + 166, 27 + 54 + 140
    var = (se_hat * (1 - se_hat)) ** 2 * (650 / (n1 * n0) + 1 / 231 - 1 / 263 + 1 / 27 - 1 / 81)
    assert res.sensitivity.se == pytest.approx(math.sqrt(var), rel=1e-12)
    assert res.sensitivity.ci_low < se_hat < res.sensitivity.ci_high


def test_begg_greenes_recovers_the_truth_when_verification_depends_on_the_test():
    rng = np.random.default_rng(11)
    n = 200_000
    truth = rng.random(n) < 0.3
    test = np.where(truth, rng.random(n) < 0.8, rng.random(n) < 0.1)
    verified = np.where(test, rng.random(n) < 0.9, rng.random(n) < 0.2)
    res = accuracy.begg_greenes(np.where(verified, truth, np.nan), test, verified)
    assert res.sensitivity.estimate == pytest.approx(0.8, abs=0.01)
    assert res.specificity.estimate == pytest.approx(0.9, abs=0.01)
    assert res.sensitivity.naive > 0.9  # the verified-only estimate is biased upwards


def test_begg_greenes_from_participants_counts_the_table():
    res = accuracy.begg_greenes(
        [1, 1, 0, 0, 0, np.nan, np.nan, 1], [1, 0, 1, 0, 0, 1, 0, 1], [1, 1, 1, 1, 1, 0, 0, 1]
    )
    assert (res.tp, res.fp, res.fn, res.tn) == (2, 1, 1, 2)
    assert (res.unverified_positive, res.unverified_negative) == (1, 1)
    frame = res.to_frame()
    assert list(frame["measure"]) == ["sensitivity", "specificity"]
    with pytest.raises(ValueError, match="no verified test-negative"):
        accuracy.begg_greenes_from_counts(
            tp=3, fp=1, fn=0, tn=0, unverified_positive=1, unverified_negative=2
        )
    with pytest.raises(ValueError, match="truth"):
        accuracy.begg_greenes([1, np.nan], [1, 0], [True, True])


# ---------------------------------------------------------------------------------------------
# partial AUC
# ---------------------------------------------------------------------------------------------
def _pauc_cases():
    for path in PAUC_FILES:
        fx = json.loads(path.read_text())
        for row in fx["partial_auc"]:
            yield pytest.param(
                fx["data"],
                row,
                id=f"{fx['dataset']}-{row['marker']}-{row['focus']}-"
                f"{row['bounds'][0]}-{row['bounds'][1]}",
            )


@pytest.mark.parametrize(("data", "row"), list(_pauc_cases()))
def test_partial_auc_matches_proc(data, row):
    res = roc.partial_auc(
        data["truth"], data[row["marker"]], bounds=tuple(row["bounds"]), focus=row["focus"]
    )
    assert res.raw == pytest.approx(row["raw"], abs=1e-12)
    if row["corrected"] is None:  # pROC: below the diagonal, correction undefined
        assert math.isnan(res.standardized)
    else:
        assert res.standardized == pytest.approx(row["corrected"], abs=1e-12)


def test_partial_auc_over_the_whole_range_is_the_auc():
    fx = json.loads(PAUC_FILES[0].read_text())
    truth, marker = fx["data"]["truth"], fx["data"]["marker1"]
    for focus in ("specificity", "sensitivity"):
        res = roc.partial_auc(truth, marker, bounds=(0, 1), focus=focus, correct=False)
        assert res.estimate == pytest.approx(roc.auc(truth, marker), abs=1e-12)


def test_partial_auc_bootstrap_interval_and_errors():
    fx = json.loads(PAUC_FILES[0].read_text())
    truth, marker = fx["data"]["truth"], fx["data"]["marker1"]
    a = roc.partial_auc(truth, marker, n_boot=200, seed=3)
    b = roc.partial_auc(truth, marker, n_boot=200, seed=3)
    assert a == b
    assert a.ci_low < a.estimate < a.ci_high and a.se > 0
    raw = roc.partial_auc(truth, marker, correct=False)
    assert raw.estimate == raw.raw and math.isnan(raw.se)
    with pytest.raises(ValueError, match="bounds"):
        roc.partial_auc(truth, marker, bounds=(0.9, 0.9))
    with pytest.raises(ValueError, match="bounds"):
        roc.partial_auc(truth, marker, bounds=(0.9, 1.2))
    with pytest.raises(ValueError, match="focus"):
        roc.partial_auc(truth, marker, focus="ppv")


# ---------------------------------------------------------------------------------------------
# tests of added value
# ---------------------------------------------------------------------------------------------
NESTED = _load("nested_models.json")


@pytest.mark.parametrize("case", NESTED["cases"], ids=lambda c: "+".join(c["added"]))
def test_added_value_matches_r_glm(case):
    table = pd.DataFrame(NESTED["data"])
    base = case["base"] if isinstance(case["base"], list) else [case["base"]]
    added = case["added"] if isinstance(case["added"], list) else [case["added"]]
    res = logistic.added_value_test(table, base=base, added=added, outcome="malignant")
    assert res.df == case["df"] == len(added)
    assert res.loglik_base == pytest.approx(case["loglik_base"], rel=1e-9)
    assert res.loglik_full == pytest.approx(case["loglik_full"], rel=1e-9)
    assert res.lr_statistic == pytest.approx(case["lr_statistic"], rel=1e-7, abs=1e-9)
    assert res.lr_p_value == pytest.approx(case["lr_p_value"], rel=1e-6, abs=1e-15)
    assert res.wald_statistic == pytest.approx(case["wald_statistic"], rel=1e-7)
    assert res.wald_p_value == pytest.approx(case["wald_p_value"], rel=1e-6, abs=1e-15)
    if len(added) == 1:
        assert res.estimate == pytest.approx(case["coef"], rel=1e-7)
        assert res.se == pytest.approx(case["se"], rel=1e-7)
        assert res.wald_p_value == pytest.approx(case["z_p_value"], rel=1e-6, abs=1e-15)
    else:
        assert math.isnan(res.estimate)


def test_nested_delong_is_conservative_under_the_null_while_lr_is_not():
    table = pd.DataFrame(NESTED["data"])
    null = logistic.added_value_null_pvalues(
        table,
        base=["elasticity_kpa"],
        added=["strain_ratio"],
        n_replicates=120,
        seed=5,
        outcome="malignant",
    )
    assert len(null) == 120
    # a valid test's p-values are uniform: mean 1/2; the nested DeLong test's are not
    assert null["lr_p"].mean() == pytest.approx(0.5, abs=0.08)
    assert null["delong_p"].mean() > 0.6
    assert (null["delong_p"] < 0.05).mean() < (null["lr_p"] < 0.05).mean() + 1e-12


def test_added_value_rejects_bad_input():
    table = pd.DataFrame(NESTED["data"])
    with pytest.raises(ValueError, match="repeats"):
        logistic.added_value_test(
            table, base=["elasticity_kpa"], added=["elasticity_kpa"], outcome="malignant"
        )
    with pytest.raises(ValueError, match="confidence_level"):
        logistic.added_value_test(
            table,
            base=["elasticity_kpa"],
            added=["noise"],
            confidence_level=1.5,
            outcome="malignant",
        )
