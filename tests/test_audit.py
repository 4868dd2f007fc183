"""The audit of the paper's own numbers.

Every expected value here is worked out independently of the code under test: by hand
arithmetic (written out in the comments), from textbook formulas evaluated with scipy's
distributions directly, or from Python's ``decimal`` rounding.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from microcalc.study import audit, calibration, paper

Z = stats.norm.ppf(0.975)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return audit.audit_paper().set_index("check_id")


# --------------------------------------------------------------------------- the table itself
def test_columns_and_verdicts(table):
    expected = [
        "section",
        "quantity",
        "paper_keys",
        "published",
        "recomputed",
        "recomputed_text",
        "method",
        "verdict",
        "reason",
        "tested_keys",
    ]
    assert list(table.columns) == expected
    assert table.index.is_unique
    assert set(table.verdict) <= set(audit.VERDICTS)
    assert table.recomputed.dtype == float
    for keys in table.paper_keys:
        for key in keys.split(";"):
            paper.get(key)  # every key exists
    assert all("\n" not in r and r for r in table.reason)


def test_records_are_frozen_and_validated():
    record = audit.audit_records()[0]
    assert isinstance(record, audit.AuditRecord)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.verdict = "consistent"
    with pytest.raises(ValueError, match="verdict"):
        dataclasses.replace(record, verdict="maybe")
    with pytest.raises(KeyError, match="no published value"):
        dataclasses.replace(record, paper_keys=("table9.nothing",), tested_keys=None)


def test_audit_does_not_import_the_cohort():
    code = "import sys, microcalc.study.audit; print('microcalc.study.cohort' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- rounding
def test_rounding_helpers():
    assert audit.round_half_up(86.66666, 1) == 86.7
    assert audit.round_half_up(0.125, 2) == 0.13  # Python's round(0.125, 2) gives 0.12
    assert audit.round_half_up(26.65, 1) == 26.7
    assert audit.printed_interval(0.114, 3) == (0.1135, 0.1145)
    assert audit.printed_interval(62, 0) == (61.5, 62.5)
    assert audit.printed_interval(0.001, 3, "<") == (0.0, 0.001)
    with pytest.raises(ValueError, match="qualifier"):
        audit.printed_interval(0.1, 2, "~")


def test_corner_range_of_a_product():
    # x*y with x in [1.9, 2.1], y in [2.9, 3.1]: 5.51 to 6.51
    lo, hi = audit.corner_range(lambda x, y: x * y, {"x": 2.0, "y": 3.0}, {"x": 0.1, "y": 0.1})
    assert lo == pytest.approx(5.51) and hi == pytest.approx(6.51)


# --------------------------------------------------------------------------- t-tests
def test_student_t_by_hand():
    # equal n: pooled SE = sqrt((s1^2 + s2^2) / n) = sqrt((10.2^2 + 9.8^2) / 150) = 1.15494
    # t = (51.3 - 49.7) / 1.15494 = 1.38536 on 298 df
    t_hand = 1.6 / math.sqrt((10.2**2 + 9.8**2) / 150)
    assert t_hand == pytest.approx(1.38536, abs=1e-5)
    r = audit.ttest_readings(51.3, 10.2, 150, 49.7, 9.8, 150, decimals=1).set_index("reading")
    assert r.loc["student", "statistic"] == pytest.approx(t_hand)
    assert r.loc["student", "p_value"] == pytest.approx(2 * stats.t.sf(t_hand, 298))
    assert round(r.loc["student", "p_value"], 3) == 0.167
    # with equal group sizes Welch's t is the same number (only its df differ)
    assert r.loc["welch", "statistic"] == pytest.approx(t_hand)
    # SD read as SE: t = 1.6 / sqrt(10.2^2 + 9.8^2) = 1.6 / 14.1446 = 0.11312
    assert r.loc["sd_as_se", "statistic"] == pytest.approx(1.6 / math.hypot(10.2, 9.8))
    # Mann-Whitney for normal groups: AUC = Phi(0.11312), z = (AUC - 0.5) / sqrt(301 / 270000)
    auc = stats.norm.cdf(1.6 / math.hypot(10.2, 9.8))
    z = (auc - 0.5) / math.sqrt(301 / 270000)
    assert r.loc["mann_whitney_normal", "p_value"] == pytest.approx(2 * stats.norm.sf(z))
    # the rounding box: p at the extreme corner (difference 1.5, SDs 10.25 and 9.85)
    t_far = 1.5 / math.sqrt((10.25**2 + 9.85**2) / 150)
    assert r.loc["student", "p_max"] == pytest.approx(2 * stats.t.sf(t_far, 298))
    assert r.loc["student", "p_min"] < r.loc["student", "p_value"] < r.loc["student", "p_max"]


def test_zero_difference_in_the_box_gives_p_max_one():
    r = audit.ttest_readings(5.0, 1.0, 20, 5.1, 1.0, 20, decimals=1).set_index("reading")
    assert r.loc["student", "p_max"] == 1.0


def test_n_per_group_for_p_solves_the_t_test():
    n = audit.n_per_group_for_p(0.114, 51.3, 10.2, 49.7, 9.8)
    t = 1.6 / math.sqrt((10.2**2 + 9.8**2) / n)
    assert 2 * stats.t.sf(t, 2 * n - 2) == pytest.approx(0.114, rel=1e-6)
    # the large-sample guess: t = z_{0.943} = 1.58 -> n = 200.08 * (1.58 / 1.6)^2 = 195
    assert n == pytest.approx(200.08 * (stats.norm.isf(0.057) / 1.6) ** 2, rel=0.02)
    with pytest.raises(ValueError, match="p_value"):
        audit.n_per_group_for_p(1.5, 1, 1, 0, 1)


def test_ttest_verdicts(table):
    assert table.loc["ttest.age_years", "verdict"] == "inconsistent"
    assert table.loc["ttest.lesion_size_mm", "verdict"] == "inconsistent"
    # lesion size: t = 1.6 / sqrt((2.1^2 + 1.9^2) / 150) = 1.6 / 0.23123 = 6.92
    t = 1.6 / math.sqrt((2.1**2 + 1.9**2) / 150)
    assert t == pytest.approx(6.919, abs=1e-3)
    assert table.loc["ttest.lesion_size_mm", "recomputed"] == pytest.approx(2 * stats.t.sf(t, 298))
    for var in ("elasticity_kpa", "strain_ratio", "elasticity_score"):
        assert table.loc[f"ttest.{var}", "verdict"] == "consistent"


# --------------------------------------------------------------------------- chi-square
def test_chi_square_by_hand():
    # pattern: column totals 126, 78, 96; expected per group = half: 63, 39, 48
    # chi2 = 2 * (9^2/63 + 6^2/39 + 15^2/48) = 2 * (1.28571 + 0.92308 + 4.6875) = 13.79258
    chi2 = 2 * (81 / 63 + 36 / 39 + 225 / 48)
    r = audit.chi_square_readings(audit.table1_counts("calcification_pattern")).set_index("method")
    assert r.loc["chi_square", "statistic"] == pytest.approx(chi2)
    # with 2 df the chi-square tail is exp(-x / 2)
    assert r.loc["chi_square", "p_value"] == pytest.approx(math.exp(-chi2 / 2))
    # density: expected 34, 41, 47.5, 27.5 per group
    chi2_d = 2 * (16 / 34 + 1 / 41 + 6.25 / 47.5 + 6.25 / 27.5)
    d = audit.chi_square_readings(audit.table1_counts("breast_density")).set_index("method")
    assert d.loc["chi_square", "statistic"] == pytest.approx(chi2_d)
    assert d.loc["chi_square", "df"] == 3
    # BI-RADS: expected 40, 67.5, 42.5
    chi2_b = 2 * (400 / 40 + 6.25 / 67.5 + 506.25 / 42.5)
    b = audit.chi_square_readings(audit.table1_counts("birads")).set_index("method")
    assert b.loc["chi_square", "p_value"] == pytest.approx(math.exp(-chi2_b / 2))


def test_dense_vs_not_two_by_two():
    collapse = {"A": "A/B", "B": "A/B", "C": "C/D", "D": "C/D"}
    counts = audit.table1_counts("breast_density", collapse=collapse)
    assert counts.loc["C/D"].tolist() == [80, 70] and counts.loc["A/B"].tolist() == [70, 80]
    r = audit.chi_square_readings(counts).set_index("method")
    # every expected count is 75, every |O - E| = 5: chi2 = 4 * 25 / 75; Yates: 4 * 4.5^2 / 75
    assert r.loc["chi_square", "statistic"] == pytest.approx(4 * 25 / 75)
    assert r.loc["chi_square_yates", "statistic"] == pytest.approx(4 * 4.5**2 / 75)
    with pytest.raises(ValueError, match="collapse"):
        audit.table1_counts("breast_density", collapse={"A": "x"})
    with pytest.raises(ValueError, match="two group columns"):
        audit.chi_square_readings(counts.assign(extra=1))


def test_chi_square_verdicts(table):
    assert table.loc["chisq.breast_density", "verdict"] == "inconsistent"
    assert table.loc["chisq.calcification_pattern", "verdict"] == "inconsistent"
    assert table.loc["chisq.birads", "verdict"] == "consistent"  # only as "p <= 0.001"
    assert "≤" in table.loc["chisq.birads", "reason"]


# --------------------------------------------------------------------------- GRIM and accuracy
def _decimal_percent(k: int, n: int) -> float:
    exact = Decimal(100) * Decimal(k) / Decimal(n)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_grim_counts():
    assert audit.grim_counts(88.0, 150) == (132,)  # 132 / 150 = 0.88 exactly
    assert audit.grim_counts(86.7, 150) == (130,)  # 130 / 150 = 0.86667
    assert audit.grim_counts(86.5, 150) == ()  # 129/150 = 86.0, 130/150 = 86.67
    assert audit.grim_counts(50.0, 1000) == (500,)
    # 998/3000 = 33.27, 999/3000 = 33.30, 1000/3000 = 33.33 all print as 33.3; 1001 -> 33.37
    assert audit.grim_counts(33.3, 3000) == (998, 999, 1000)
    assert audit.grim_counts(50.5, 20) == ()  # 10/20 = 50%, 11/20 = 55%
    with pytest.raises(ValueError, match="n must"):
        audit.grim_counts(10.0, 0)


def test_every_table1_percentage_by_decimal_rounding(table):
    rows = table[table.index.str.startswith("grim.") & table.section.str.contains("Table 1")]
    assert len(rows) == 25 + 8  # 25 percentages, 8 group totals
    for var in ("breast_density", "histology", "birads", "calcification_pattern"):
        for group in paper.GROUPS:
            for level, n in paper.counts(var, group).items():
                pct = paper.value(f"table1.{var}.{group}.{level}.pct")
                assert _decimal_percent(n, 150) == pct
                assert table.loc[f"grim.{var}.{group}.{level}", "verdict"] == "consistent"
            assert table.loc[f"grim.{var}.{group}.total", "recomputed"] == 150
    assert (rows.verdict == "consistent").all()


def test_accuracy_checks(table):
    # 132 + 130 = 262 correct of 300 = 87.33%, not 89.0% (= 267 of 300)
    assert table.loc["accuracy.implied", "recomputed"] == pytest.approx(262 / 3)
    assert table.loc["accuracy.implied", "verdict"] == "inconsistent"
    assert table.loc["grim.accuracy", "recomputed"] == 267
    assert table.loc["grim.accuracy", "verdict"] == "consistent"
    # PPV = 132 / (132 + 20), NPV = 130 / (130 + 18)
    assert table.loc["accuracy.ppv", "recomputed"] == pytest.approx(100 * 132 / 152)
    assert table.loc["accuracy.npv", "recomputed"] == pytest.approx(100 * 130 / 148)
    assert table.loc["accuracy.ppv", "verdict"] == "cannot tell"


def test_predictive_values_by_bayes():
    # 1000 people, prevalence 10%: 90 TP, 10 FN, 180 FP, 720 TN
    pv = audit.predictive_values(0.9, 0.8, 0.1)
    assert pv["ppv"] == pytest.approx(90 / 270)
    assert pv["npv"] == pytest.approx(720 / 730)
    with pytest.raises(ValueError, match="prevalence"):
        audit.predictive_values(0.9, 0.8, 1.5)


# --------------------------------------------------------------------------- proportion CIs
def test_proportion_ci_methods_against_formulas():
    t = audit.proportion_ci_table(132, 150, published=(81.5, 92.8)).set_index("method")
    p, n = 0.88, 150
    # Wald: 0.88 +- 1.96 * sqrt(0.88 * 0.12 / 150) = 0.88 +- 0.05200
    half = Z * math.sqrt(p * (1 - p) / n)
    assert t.loc["normal", "low"] == pytest.approx(100 * (p - half))
    # Clopper-Pearson from the beta distribution
    assert t.loc["beta", "low"] == pytest.approx(100 * stats.beta.ppf(0.025, 132, 19))
    assert t.loc["beta", "high"] == pytest.approx(100 * stats.beta.ppf(0.975, 133, 18))
    # Wilson score interval
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    w = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n)) / (1 + Z**2 / n)
    assert t.loc["wilson", "low"] == pytest.approx(100 * (centre - w))
    # Jeffreys: beta(k + 1/2, n - k + 1/2) quantiles
    assert t.loc["jeffreys", "high"] == pytest.approx(100 * stats.beta.ppf(0.975, 132.5, 18.5))
    assert not t.matches.any()
    assert t.loc["beta", "max_gap"] == pytest.approx(
        max(abs(t.loc["beta", "low"] - 81.5), abs(t.loc["beta", "high"] - 92.8))
    )


def test_ci_count_search_finds_a_known_interval():
    # Clopper-Pearson of 132/150 prints as 81.7-92.7: the search must find it again
    lo = audit.round_half_up(100 * stats.beta.ppf(0.025, 132, 19), 1)
    hi = audit.round_half_up(100 * stats.beta.ppf(0.975, 133, 18), 1)
    found = audit.ci_count_search(lo, hi, n_max=160, methods=["beta"])
    assert ((found["count"] == 132) & (found["nobs"] == 150)).any()
    # the published sensitivity interval: Jeffreys at 110/125
    j = audit.ci_count_search(81.5, 92.8, n_max=150, methods=["jeffreys"])
    assert ((j["count"] == 110) & (j["nobs"] == 125)).any()
    assert round(100 * stats.beta.ppf(0.025, 110.5, 15.5), 1) == 81.5
    with pytest.raises(ValueError, match="method"):
        audit.ci_count_search(1, 2, methods=["magic"])


def test_ci_verdicts(table):
    assert table.loc["ci.sensitivity", "verdict"] == "inconsistent"
    assert table.loc["ci.specificity", "verdict"] == "inconsistent"
    assert "Clopper-Pearson" in table.loc["ci.sensitivity", "recomputed_text"]


# --------------------------------------------------------------------------- binormal model
def test_binormal_auc_by_hand():
    # elasticity: (88.3 - 45.7) / sqrt(16.2^2 + 9.8^2) = 42.6 / 18.933 = 2.250 -> Phi = 0.9878
    assert audit.binormal_auc(88.3, 16.2, 45.7, 9.8) == pytest.approx(0.9878, abs=1e-4)
    # strain ratio: 1.2 / sqrt(0.25 + 0.1225) = 1.966 -> 0.9754
    assert audit.binormal_auc(2.35, 0.50, 1.15, 0.35) == pytest.approx(0.9754, abs=1e-4)
    # equal to the book's other implementation
    assert audit.binormal_auc(88.3, 16.2, 45.7, 9.8) == pytest.approx(
        calibration.binormal_auc(88.3, 16.2, 45.7, 9.8)
    )
    with pytest.raises(ValueError, match="SDs"):
        audit.binormal_auc(1, 0, 0, 1)


def test_binormal_roc_area_equals_formula():
    curve = audit.binormal_roc(88.3, 16.2, 45.7, 9.8, n_points=4001)
    area = np.trapezoid(curve.tpr, curve.fpr)
    assert area == pytest.approx(audit.binormal_auc(88.3, 16.2, 45.7, 9.8), abs=1e-4)
    d = audit.binormal_densities(88.3, 16.2, 45.7, 9.8, n_points=2001)
    assert np.trapezoid(d.positive, d.x) == pytest.approx(1, abs=1e-3)


def test_binormal_operating_point_by_hand():
    op = audit.binormal_operating_point(62, 88.3, 16.2, 45.7, 9.8)
    # sensitivity = Phi((88.3 - 62) / 16.2) = Phi(1.6235); specificity = Phi(16.3 / 9.8)
    assert op["sensitivity"] == pytest.approx(stats.norm.cdf(26.3 / 16.2))
    assert op["specificity"] == pytest.approx(stats.norm.cdf(16.3 / 9.8))
    assert op["sensitivity"] == pytest.approx(0.9477, abs=1e-4)


def test_binormal_youden_cutoffs():
    assert audit.binormal_youden_cutoff(88.3, 16.2, 45.7, 9.8, equal_variance=True) == 67.0
    c = audit.binormal_youden_cutoff(88.3, 16.2, 45.7, 9.8)
    # brute force: maximise J(c) = Phi((m1 - c)/s1) + Phi((c - m0)/s0) - 1 on a fine grid
    grid = np.linspace(46, 88, 420001)
    j = stats.norm.cdf((88.3 - grid) / 16.2) + stats.norm.cdf((grid - 45.7) / 9.8) - 1
    assert c == pytest.approx(grid[np.argmax(j)], abs=1e-3)
    assert stats.norm.pdf(c, 88.3, 16.2) == pytest.approx(stats.norm.pdf(c, 45.7, 9.8))
    with pytest.raises(ValueError, match="mean_pos"):
        audit.binormal_youden_cutoff(1, 1, 2, 1)


def test_binormal_verdicts_are_cannot_tell(table):
    rows = table[table.section == "Binormal model"]
    assert len(rows) == 6 and (rows.verdict == "cannot tell").all()
    assert table.loc["binormal.youden.equal_variance", "recomputed"] == pytest.approx(67.0)


# --------------------------------------------------------------------------- AUC CI, ORs, kappa
def test_hanley_mcneil_se_by_hand():
    # A = 0.95: Q1 = 0.95/1.05 = 0.904762, Q2 = 2 * 0.9025 / 1.95 = 0.925641
    # Var = (0.0475 + 149 (Q1 - 0.9025) + 149 (Q2 - 0.9025)) / 22500 = 1.70337e-4
    q1, q2 = 0.95 / 1.05, 2 * 0.95**2 / 1.95
    var = (0.95 * 0.05 + 149 * (q1 - 0.9025) + 149 * (q2 - 0.9025)) / 150**2
    r = audit.auc_ci_check(0.95, 0.92, 0.98, n_cases=150, n_controls=150)
    assert r["se"] == pytest.approx(math.sqrt(var))
    assert r["se"] == pytest.approx(0.01305, abs=1e-5)
    assert r["reproduced"]
    # width 0.06 (0.05 to 0.07 with rounding) / 3.92
    assert r["se_implied_min"] == pytest.approx(0.05 / (2 * Z))
    # a CI three times too wide cannot be reproduced
    assert not audit.auc_ci_check(0.95, 0.86, 1.0, n_cases=150, n_controls=150)["reproduced"]


def test_auc_ci_verdicts(table):
    assert table.loc["auc_ci.elasticity", "verdict"] == "consistent"
    assert table.loc["auc_ci.combined", "verdict"] == "consistent"


def test_odds_ratio_checks_by_hand():
    # strain ratio: sqrt(1.70 * 3.80) = sqrt(6.46) = 2.5417, not 2.50
    r = audit.odds_ratio_ci_check(2.50, 1.70, 3.80)
    assert r["geometric_mid"] == pytest.approx(math.sqrt(6.46))
    assert not r["symmetric"]
    # lesion size: SE = (ln 1.26 - ln 1.05) / 3.92 = 0.04651; z = ln 1.15 / SE = 3.005
    r = audit.odds_ratio_ci_check(1.15, 1.05, 1.26)
    se = (math.log(1.26) - math.log(1.05)) / (2 * Z)
    assert r["se_log"] == pytest.approx(se)
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(math.log(1.15) / se))
    assert round(r["p_value"], 3) == 0.003
    assert r["symmetric"]
    # dense breast: z = ln 1.2 / ((ln 1.8 - ln 0.8) / 3.92) = 0.8813 -> p = 0.378
    r = audit.odds_ratio_ci_check(1.20, 0.80, 1.80)
    assert r["p_value"] == pytest.approx(0.378, abs=5e-4)
    assert r["p_min"] > 0.3605  # the printed 0.360 lies outside what rounding allows
    with pytest.raises(ValueError, match="low"):
        audit.odds_ratio_ci_check(1.0, 2.0, 1.5)


def test_odds_ratio_verdicts(table):
    assert table.loc["or_symmetry.strain_ratio", "verdict"] == "inconsistent"
    for var in ("elasticity_kpa", "lesion_size_mm", "dense_breast", "age_years"):
        assert table.loc[f"or_symmetry.{var}", "verdict"] == "consistent"
    assert table.loc["or_p.dense_breast", "verdict"] == "inconsistent"
    assert table.loc["or_p.lesion_size_mm", "verdict"] == "consistent"


def test_kappa_se_by_hand():
    # p_e = 0.2, kappa = 0.84: p_o = 0.2 + 0.84 * 0.8 = 0.872
    # SE = sqrt(0.872 * 0.128 / 300) / 0.8 = 0.024111
    assert audit.kappa_se(0.84, 300, 0.2) == pytest.approx(math.sqrt(0.872 * 0.128 / 300) / 0.8)
    # p_e = 0: SE of a proportion sqrt(0.84 * 0.16 / 300)
    assert audit.kappa_se(0.84, 300, 0.0) == pytest.approx(math.sqrt(0.84 * 0.16 / 300))
    with pytest.raises(ValueError, match="chance_agreement"):
        audit.kappa_se(0.5, 10, 1.0)


def test_kappa_verdict(table):
    row = table.loc["kappa.ci_width"]
    assert row.verdict == "consistent"
    assert row.recomputed == pytest.approx(math.sqrt(0.872 * 0.128 / 300) / 0.8)


def test_p_value_points():
    points = audit.p_value_points()
    published = points[points.label == "published"].set_index("check")
    assert len(published) == 8
    assert tuple(published.loc["age (Table 1)", ["low", "high"]]) == (0.1135, 0.1145)
    pattern = points[(points.check == "pattern (Table 1)") & (points.label == "Pearson chi-square")]
    chi2 = 2 * (81 / 63 + 36 / 39 + 225 / 48)
    assert float(pattern.value.iloc[0]) == pytest.approx(math.exp(-chi2 / 2))
    assert (points.low <= points.value + 1e-15).all() and (
        points.value <= points.high + 1e-15
    ).all()


def test_tested_keys(table):
    # the verdict judges the number under test, never the group sizes it was computed from
    assert table.loc["ttest.age_years", "tested_keys"] == "table1.age_years.p_value"
    assert table.loc["ci.sensitivity", "tested_keys"] == (
        "roc.sensitivity.ci_low;roc.sensitivity.ci_high"
    )
    assert table.loc["accuracy.ppv", "tested_keys"] == ""
    inconsistent = table[table.verdict == "inconsistent"]
    tested = {k for keys in inconsistent.tested_keys for k in keys.split(";") if k}
    assert not any(k.startswith("design.") for k in tested)
    for row in table.itertuples():
        assert set(filter(None, row.tested_keys.split(";"))) <= set(row.paper_keys.split(";"))
    record = audit.audit_records()[0]
    with pytest.raises(ValueError, match="tested key"):
        dataclasses.replace(record, tested_keys=("roc.accuracy",))
