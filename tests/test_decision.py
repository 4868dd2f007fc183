"""Tests of microcalc.stats.decision: hand formulas, invariants and a 2x2 table counted by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from microcalc.stats import accuracy, decision

THRESHOLDS = np.array([0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9])


def toy(seed: int = 1, n_pos: int = 40, n_neg: int = 60):
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]
    p = np.clip(rng.beta(2 + 3 * y, 5 - 3 * y), 0, 1)
    return y, p


# --------------------------------------------------------------------------- treat all / none
@pytest.mark.parametrize("prevalence", [0.05, 0.25, 0.5, 0.8])
def test_treat_all_equals_hand_formula(prevalence):
    got = decision.treat_all_net_benefit(THRESHOLDS, prevalence=prevalence)
    by_hand = [prevalence - (1 - prevalence) * t / (1 - t) for t in THRESHOLDS]
    np.testing.assert_allclose(got, by_hand, rtol=1e-14, atol=1e-15)


def test_treat_all_is_zero_where_threshold_equals_prevalence():
    assert decision.treat_all_net_benefit(0.3, prevalence=0.3) == pytest.approx(0, abs=1e-15)


def test_decision_curves_hold_treat_all_and_none():
    y, p = toy()
    curves = decision.decision_curves(y, THRESHOLDS, models={"m": p}).set_index("strategy")
    pi = y.mean()
    np.testing.assert_allclose(
        curves.loc["biopsy all", "net_benefit"], pi - (1 - pi) * THRESHOLDS / (1 - THRESHOLDS)
    )
    assert (curves.loc["biopsy none", "net_benefit"] == 0).all()


# --------------------------------------------------------------------------- models
@pytest.mark.parametrize("prevalence", [None, 0.1, 0.25, 0.6])
def test_perfect_test_net_benefit_equals_prevalence(prevalence):
    y = np.r_[np.ones(30, int), np.zeros(70, int)]
    perfect = y.astype(float)  # probability 1 for cancers, 0 otherwise
    curve = decision.net_benefit_curve(y, perfect, THRESHOLDS, prevalence=prevalence)
    expected = y.mean() if prevalence is None else prevalence
    np.testing.assert_allclose(curve["net_benefit"], expected, atol=1e-15)
    assert decision.net_benefit(1, 1, prevalence=0.2, threshold=0.4) == pytest.approx(0.2)


def test_unweighted_net_benefit_is_tp_minus_weighted_fp_by_hand():
    y, p = toy(3)
    curve = decision.net_benefit_curve(y, p, THRESHOLDS)
    n = y.size
    for t, nb in zip(THRESHOLDS, curve["net_benefit"], strict=True):
        tp = np.sum((p >= t) & (y == 1))
        fp = np.sum((p >= t) & (y == 0))
        assert nb == pytest.approx(tp / n - fp / n * t / (1 - t), abs=1e-12)


@pytest.mark.parametrize("shift_risk", [True, False])
def test_reweighting_at_the_sample_prevalence_reproduces_unweighted(shift_risk):
    y, p = toy(5)
    plain = decision.net_benefit_curve(y, p, THRESHOLDS)
    weighted = decision.net_benefit_curve(
        y, p, THRESHOLDS, prevalence=float(y.mean()), shift_risk=shift_risk
    )
    pd.testing.assert_frame_equal(plain, weighted)


def test_reweighting_follows_the_formula_at_another_prevalence():
    y, p = toy(7)
    curve = decision.net_benefit_curve(y, p, THRESHOLDS, prevalence=0.2, shift_risk=False)
    for t, row in zip(THRESHOLDS, curve.itertuples(), strict=True):
        se = np.mean(p[y == 1] >= t)
        sp = np.mean(p[y == 0] < t)
        assert row.sensitivity == pytest.approx(se)
        assert row.specificity == pytest.approx(sp)
        assert row.net_benefit == pytest.approx(se * 0.2 - (1 - sp) * 0.8 * t / (1 - t))


def test_shift_risk_equals_thresholding_shifted_probabilities():
    y, p = toy(9, 50, 50)
    target = 0.25
    shifted = decision.shift_probability(p, from_prevalence=0.5, to_prevalence=target)
    curve = decision.net_benefit_curve(y, p, THRESHOLDS, prevalence=target)
    for t, row in zip(THRESHOLDS, curve.itertuples(), strict=True):
        assert row.sensitivity == pytest.approx(np.mean(shifted[y == 1] >= t - 1e-12))
        assert row.specificity == pytest.approx(np.mean(shifted[y == 0] < t - 1e-12))


def test_shift_probability_properties():
    assert decision.shift_probability(0.5, from_prevalence=0.5, to_prevalence=0.2) == (
        pytest.approx(0.2)
    )
    p = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    there = decision.shift_probability(p, from_prevalence=0.5, to_prevalence=0.1)
    back = decision.shift_probability(there, from_prevalence=0.1, to_prevalence=0.5)
    np.testing.assert_allclose(back, p, atol=1e-12)
    assert np.all(np.diff(there) >= 0)


@settings(max_examples=60, deadline=None)
@given(
    se=st.floats(0, 1),
    sp=st.floats(0, 1),
    pi=st.floats(0.01, 0.99),
    t=st.floats(0.01, 0.99),
)
def test_net_benefit_never_exceeds_prevalence(se, sp, pi, t):
    assert decision.net_benefit(se, sp, prevalence=pi, threshold=t) <= pi + 1e-12


# --------------------------------------------------------------------------- rules
def test_rule_matches_the_2x2_table_at_the_sample_prevalence():
    res = accuracy.accuracy_from_table(tp=132, fp=20, fn=18, tn=130)
    curve = decision.rule_net_benefit(
        res.sensitivity.estimate, res.specificity.estimate, THRESHOLDS, prevalence=0.5
    )
    np.testing.assert_allclose(
        curve["net_benefit"], 132 / 300 - 20 / 300 * THRESHOLDS / (1 - THRESHOLDS)
    )


def test_rule_limits_reduce_to_a_proportion_limit_and_bracket_the_estimate():
    se_ci, sp_ci = (0.81, 0.93), (0.80, 0.92)
    curve = decision.rule_net_benefit(
        0.88, 0.867, THRESHOLDS, prevalence=0.25, sensitivity_ci=se_ci, specificity_ci=sp_ci
    )
    assert (curve["ci_low"] <= curve["net_benefit"]).all()
    assert (curve["net_benefit"] <= curve["ci_high"]).all()
    # a perfectly known specificity leaves sensitivity's interval, scaled by the prevalence
    exact_sp = decision.rule_net_benefit(
        0.88, 0.867, [0.2], prevalence=0.25, sensitivity_ci=se_ci, specificity_ci=(0.867, 0.867)
    )
    width = float(exact_sp["ci_high"].iloc[0] - exact_sp["ci_low"].iloc[0])
    assert width == pytest.approx(0.25 * (se_ci[1] - se_ci[0]))


def test_decision_curves_rule_from_test_results():
    y, p = toy(11)
    rule = p >= 0.5
    curves = decision.decision_curves(y, THRESHOLDS, rules={"r": rule}).set_index("strategy")
    se = np.mean(rule[y == 1])
    sp = np.mean(~rule[y == 0])
    pi = y.mean()
    np.testing.assert_allclose(
        curves.loc["r", "net_benefit"],
        se * pi - (1 - sp) * (1 - pi) * THRESHOLDS / (1 - THRESHOLDS),
    )
    assert curves.loc["r", "ci_low"].notna().all()


def test_useful_range_is_where_the_rule_wins():
    se, sp, pi = 0.88, 0.867, 0.25
    r = decision.useful_range(se, sp, prevalence=pi)
    grid = np.linspace(0.001, 0.999, 999)
    nb = decision.net_benefit(se, sp, prevalence=pi, threshold=grid)
    wins = (nb > decision.treat_all_net_benefit(grid, prevalence=pi)) & (nb > 0)
    assert grid[wins].min() == pytest.approx(r.lower, abs=0.002)
    assert grid[wins].max() == pytest.approx(r.upper, abs=0.002)
    assert not r.empty
    assert decision.useful_range(1.0, 1.0, prevalence=0.3).lower == 0.0


def test_net_reduction_in_biopsies_of_biopsy_all_is_zero_and_of_perfect_test_by_hand():
    t, pi = 0.2, 0.25
    nb_all = decision.treat_all_net_benefit(t, prevalence=pi)
    assert decision.net_reduction_in_biopsies(nb_all, nb_all, threshold=t) == 0
    # a perfect test avoids every benign biopsy: 75 per 100 at prevalence 0.25
    perfect = decision.net_benefit(1, 1, prevalence=pi, threshold=t)
    assert decision.net_reduction_in_biopsies(perfect, nb_all, threshold=t) == pytest.approx(75)


# --------------------------------------------------------------------------- consequences
def test_biopsies_avoided_by_hand_for_a_2x2_table():
    # 100 women at the study's own prevalence: 40 cancers (36 test positive), 60 benign
    # (45 test negative). Biopsy-all biopsies 100; the rule biopsies 36 + 15 = 51.
    res = accuracy.accuracy_from_table(tp=36, fp=15, fn=4, tn=45)
    out = decision.consequences_from_accuracy(res, prevalence=0.4).set_index("quantity")
    est = out["estimate"]
    assert est["cancers"] == pytest.approx(40)
    assert est["biopsies"] == pytest.approx(51)
    assert est["biopsies_avoided"] == pytest.approx(49)
    assert est["benign_biopsies_avoided"] == pytest.approx(45)
    assert est["benign_biopsies"] == pytest.approx(15)
    assert est["cancers_found"] == pytest.approx(36)
    assert est["cancers_missed"] == pytest.approx(4)
    # per 1000 scales
    big = decision.biopsy_consequences(0.9, 0.75, 0.4, per=1000).set_index("quantity")
    assert big.loc["biopsies_avoided", "estimate"] == pytest.approx(490)


def test_consequence_limits():
    res = accuracy.accuracy_from_table(tp=132, fp=20, fn=18, tn=130)
    out = decision.consequences_from_accuracy(res, prevalence=0.25).set_index("quantity")
    se_lo, se_hi = proportion_confint(132, 150, method="beta")
    assert out.loc["cancers_missed", "ci_low"] == pytest.approx(25 * (1 - se_hi))
    assert out.loc["cancers_missed", "ci_high"] == pytest.approx(25 * (1 - se_lo))
    assert (out["ci_low"] <= out["estimate"] + 1e-12).all()
    assert (out["estimate"] <= out["ci_high"] + 1e-12).all()
    # done + avoided = per, for estimates and mirrored limits
    assert out.loc["biopsies", "estimate"] + out.loc["biopsies_avoided", "estimate"] == (
        pytest.approx(100)
    )
    assert out.loc["biopsies", "ci_low"] == pytest.approx(
        100 - out.loc["biopsies_avoided", "ci_high"]
    )
    assert out.loc["cancers", "ci_low"] == out.loc["cancers", "ci_high"] == 25
    # without limits, the intervals are NaN
    plain = decision.biopsy_consequences(0.88, 0.867, 0.25)
    assert plain.loc[plain.quantity == "biopsies_avoided", "ci_low"].isna().all()


def test_mover_of_one_term_is_the_transformed_limit():
    est, low, high = decision._mover(1.0, [(-2.0, 0.3, 0.2, 0.45)])
    assert (est, low, high) == pytest.approx((0.4, 0.1, 0.6))


# --------------------------------------------------------------------------- spectrum
def test_subgroup_rates_by_hand():
    truth = [1, 1, 1, 1, 0, 0, 0]
    marker = [70, 50, 80, 90, 40, 65, 30]
    groups = ["dcis", "dcis", "inv", "inv", "fa", "fa", "fa"]
    t = decision.subgroup_rates(truth, marker, groups, cutoff=62).set_index("group")
    assert t.loc["dcis", "estimate"] == 0.5 and t.loc["dcis", "n"] == 2
    assert t.loc["inv", "estimate"] == 1.0
    assert t.loc["fa", "measure"] == "specificity"
    assert t.loc["dcis", "reference"] == "condition present"
    assert t.loc["fa", "reference"] == "condition absent"
    assert t.loc["fa", "estimate"] == pytest.approx(2 / 3)
    low, high = proportion_confint(2, 3, method="beta")
    assert t.loc["fa", "ci_low"] == pytest.approx(low) and t.loc["fa", "ci_high"] == pytest.approx(
        high
    )


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: decision.treat_all_net_benefit(0.0, prevalence=0.3), "threshold"),
        (lambda: decision.treat_all_net_benefit(0.2, prevalence=1.0), "prevalence"),
        (lambda: decision.net_benefit(1.2, 0.5, prevalence=0.3, threshold=0.2), "sensitivity"),
        (
            lambda: decision.net_benefit_curve([1, 1], [0.2, 0.4], [0.1]),
            r"one class.*positive \(1\) and negative \(0\)",
        ),
        (lambda: decision.net_benefit_curve([1, 0], [0.2, 1.4], [0.1]), "probability"),
        (lambda: decision.net_benefit_curve([1, 0], [0.2, 0.4], [math.nan]), "thresholds"),
        (lambda: decision.biopsy_consequences(0.9, 0.8, 0.3, per=0), "per"),
        (
            lambda: decision.biopsy_consequences(0.9, 0.8, 0.3, sensitivity_ci=(0.95, 0.85)),
            "sensitivity_ci",
        ),
        (lambda: decision.subgroup_rates([1, 0], [1, 2], ["a", "b"], cutoff="x"), "cutoff"),
    ],
)
def test_errors_name_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
