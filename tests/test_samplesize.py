"""Tests for microcalc.stats.samplesize.

Reference values: pROC::power.roc.test and pROC:::var.theta.obuchowski, computed by
tests/reference/agreement_samplesize.R (fixture samplesize_power_roc.json); R is not needed here.
Hanley & McNeil's variance is checked against two exact results instead: the Mann-Whitney null
variance at AUC 0.5 and Monte Carlo under exponential scores, for which the formula is exact.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from microcalc.stats.samplesize import (
    AucCiSampleSize,
    AucSampleSize,
    BinormalSampler,
    BudererSampleSize,
    ShareEstimate,
    SimulatedPower,
    _delong_batch,
    auc_ci_sample_size,
    auc_power,
    auc_sample_size,
    auc_variance,
    binormal_delong_power,
    buderer_sample_size,
    monte_carlo_share,
    power_curve,
    sample_size_candidates,
    simulated_auc_power,
)

FIXTURE = json.loads(
    (Path(__file__).parent / "reference" / "fixtures" / "samplesize_power_roc.json").read_text()
)
ALT = {"two.sided": "two-sided", "one.sided": "one-sided"}


def test_fixture_records_versions():
    assert FIXTURE["r_version"].startswith("R version ")
    assert FIXTURE["packages"]["pROC"]
    assert len(FIXTURE["sample_size"]) == 168


# ---------------------------------------------------------------------------------------------
# pROC::power.roc.test (Obuchowski's variance, published constants)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("row", FIXTURE["sample_size"])
def test_sample_size_matches_proc(row):
    r = auc_sample_size(
        row["auc"],
        alpha=row["sig_level"],
        power=row["power"],
        ratio=row["kappa"],
        alternative=ALT[row["alternative"]],
    )
    assert isinstance(r, AucSampleSize)
    assert r.n_cases_exact == pytest.approx(row["ncases"], rel=1e-9)
    assert r.n_controls_exact == pytest.approx(row["ncontrols"], rel=1e-9)
    assert r.n_cases == math.ceil(row["ncases"])
    assert r.n_controls == math.ceil(row["ncontrols"])


@pytest.mark.parametrize("row", FIXTURE["power"])
def test_power_matches_proc(row):
    p = auc_power(
        row["auc"],
        n_cases=row["ncases"],
        n_controls=row["ncontrols"],
        alpha=row["sig_level"],
        alternative=ALT[row["alternative"]],
    )
    assert p == pytest.approx(row["power"], abs=1e-9)


@pytest.mark.parametrize("row", FIXTURE["variance"])
def test_obuchowski_variance_matches_proc(row):
    v = auc_variance(row["auc"], n_cases=1, n_controls=row["kappa"], method="obuchowski")
    assert v == pytest.approx(row["v"], rel=1e-12)


def test_exact_constants_are_a_documented_convention_difference():
    # At AUC 0.5, A = 0: only 0.0099 vs 1/(32 pi) differs.
    pub = auc_variance(0.5, n_cases=10, n_controls=10, method="obuchowski")
    exact = auc_variance(0.5, n_cases=10, n_controls=10, method="obuchowski", constants="exact")
    assert pub == pytest.approx(0.0792 * 2 / 10, rel=1e-12)
    assert exact / pub == pytest.approx(1 / (32 * math.pi) / 0.0099, rel=1e-12)
    # Elsewhere both constants matter, and the sizes differ by well under 1%.
    a = auc_sample_size(0.85, null_auc=0.75)
    b = auc_sample_size(0.85, null_auc=0.75, constants="exact")
    assert 1 < b.n_cases_exact / a.n_cases_exact < 1.01


# ---------------------------------------------------------------------------------------------
# Hanley & McNeil
# ---------------------------------------------------------------------------------------------
@given(st.integers(1, 500), st.integers(1, 500))
def test_hanley_mcneil_at_half_is_mann_whitney_null_variance(m, n):
    v = auc_variance(0.5, n_cases=m, n_controls=n)
    assert v == pytest.approx((m + n + 1) / (12 * m * n), rel=1e-12)


def test_hanley_mcneil_is_exact_for_exponential_scores():
    # Cases ~ Exp(1), controls ~ Exp(rate r): AUC = r / (1 + r) and Q1, Q2 are exactly
    # Hanley & McNeil's, so their variance is the exact variance of the Mann-Whitney AUC.
    rng = np.random.default_rng(7)
    m, n, auc = 20, 30, 0.85
    rate = auc / (1 - auc)
    cases = rng.exponential(1.0, size=(40000, m))
    controls = rng.exponential(1 / rate, size=(40000, n))
    a, _ = _delong_batch(cases, controls)
    assert a.mean() == pytest.approx(auc, abs=0.002)
    assert a.var(ddof=1) == pytest.approx(auc_variance(auc, n_cases=m, n_controls=n), rel=0.03)


def test_hanley_mcneil_hand_value():
    # A = 0.85, 50 + 50: Q1 = 0.85/1.15, Q2 = 2 * 0.7225 / 1.85
    q1, q2 = 0.85 / 1.15, 2 * 0.7225 / 1.85
    expected = (0.85 * 0.15 + 49 * (q1 - 0.7225) + 49 * (q2 - 0.7225)) / 2500
    assert auc_variance(0.85, n_cases=50, n_controls=50) == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Sample size and power: consistency and monotonicity
# ---------------------------------------------------------------------------------------------
designs = st.tuples(
    st.floats(0.55, 0.97),
    st.floats(0.02, 0.3),
    st.sampled_from(["hanley_mcneil", "obuchowski"]),
    st.sampled_from(["two-sided", "one-sided"]),
    st.sampled_from([0.5, 1.0, 2.0]),
    st.sampled_from(["null", "alternative"]),
)


@given(designs, st.floats(0.6, 0.95))
@settings(max_examples=80, deadline=None)
def test_power_at_exact_size_is_the_target(design, power):
    auc, gap, method, alternative, ratio, null_variance = design
    null_auc = max(0.5, auc - gap)
    if auc - null_auc < 0.02:
        return
    r = auc_sample_size(
        auc,
        null_auc=null_auc,
        power=power,
        alternative=alternative,
        ratio=ratio,
        method=method,
        null_variance=null_variance,
    )
    if r.n_cases_exact > max(1.0, 1 / ratio):  # not at the lower bound
        p = auc_power(
            auc,
            n_cases=r.n_cases_exact,
            n_controls=r.n_controls_exact,
            null_auc=null_auc,
            alternative=alternative,
            method=method,
            null_variance=null_variance,
        )
        assert p == pytest.approx(power, abs=1e-7)
    assert r.achieved_power >= power - 1e-9
    assert r.n_total == r.n_cases + r.n_controls


def test_sample_size_monotonicity():
    base = auc_sample_size(0.85, null_auc=0.75).n_cases_exact
    assert auc_sample_size(0.85, null_auc=0.75, alpha=0.01).n_cases_exact > base
    assert auc_sample_size(0.85, null_auc=0.75, power=0.95).n_cases_exact > base
    assert auc_sample_size(0.85, null_auc=0.8).n_cases_exact > base
    assert auc_sample_size(0.85, null_auc=0.75, alternative="one-sided").n_cases_exact < base
    for method in ("hanley_mcneil", "obuchowski"):
        a = auc_sample_size(0.85, null_auc=0.75, method=method, ratio=1.0)
        b = auc_sample_size(0.85, null_auc=0.75, method=method, ratio=2.0)
        assert b.n_cases_exact < a.n_cases_exact < b.n_controls_exact


def test_auc_below_null_is_symmetric_in_the_test():
    r = auc_sample_size(0.6, null_auc=0.7)
    assert r.n_cases > 0 and r.achieved_power >= 0.9


def test_ci_width_sample_size():
    for method in ("hanley_mcneil", "obuchowski"):
        r = auc_ci_sample_size(0.85, width=0.1, method=method)
        assert isinstance(r, AucCiSampleSize)
        assert r.achieved_width <= 0.1
        var = auc_variance(
            0.85, n_cases=r.n_cases_exact, n_controls=r.n_controls_exact, method=method
        )
        exact = 2 * 1.959963984540054 * math.sqrt(var)
        assert exact == pytest.approx(0.1, rel=1e-9)
        smaller = auc_ci_sample_size(0.85, width=0.1, method=method, confidence_level=0.9)
        assert smaller.n_cases < r.n_cases


def test_sample_size_errors():
    with pytest.raises(ValueError, match="auc and null_auc are both 0.7"):
        auc_sample_size(0.7, null_auc=0.7)
    with pytest.raises(ValueError, match="auc must lie strictly between 0 and 1, got 1.2"):
        auc_sample_size(1.2)
    with pytest.raises(ValueError, match="method must be one of"):
        auc_sample_size(0.8, method="delong")
    with pytest.raises(ValueError, match="alternative must be one of"):
        auc_sample_size(0.8, alternative="greater")
    with pytest.raises(ValueError, match="ratio must be positive, got -1.0"):
        auc_sample_size(0.8, ratio=-1)
    with pytest.raises(TypeError, match="power must be a number"):
        auc_sample_size(0.8, power="0.9")
    with pytest.raises(ValueError, match="n_cases must be positive"):
        auc_variance(0.8, n_cases=0, n_controls=3)
    with pytest.raises(ValueError, match="width must lie strictly"):
        auc_ci_sample_size(0.8, width=0)


# ---------------------------------------------------------------------------------------------
# Buderer
# ---------------------------------------------------------------------------------------------
def test_buderer_values():
    r = buderer_sample_size(sensitivity=0.9, specificity=0.85, prevalence=0.2, precision=0.05)
    assert isinstance(r, BudererSampleSize)
    z2 = 1.959963984540054**2
    assert r.n_cases_exact == pytest.approx(z2 * 0.09 / 0.0025, rel=1e-12)
    assert r.n_controls_exact == pytest.approx(z2 * 0.1275 / 0.0025, rel=1e-12)
    assert r.n_cases_exact == pytest.approx(138.2925, abs=1e-4)
    assert r.n_total_sensitivity == math.ceil(r.n_cases_exact / 0.2)
    assert r.n_total_specificity == math.ceil(r.n_controls_exact / 0.8)
    assert r.n_total == max(r.n_total_sensitivity, r.n_total_specificity)


@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.01, 0.2))
def test_buderer_properties(se, sp, prev, d):
    r = buderer_sample_size(sensitivity=se, specificity=sp, prevalence=prev, precision=d)
    assert r.n_total >= r.n_cases and r.n_total >= r.n_controls
    assert r.n_total_sensitivity * prev >= r.n_cases_exact - 1e-9
    wider = buderer_sample_size(sensitivity=se, specificity=sp, prevalence=prev, precision=d * 2)
    assert wider.n_cases_exact == pytest.approx(r.n_cases_exact / 4, rel=1e-9)


# ---------------------------------------------------------------------------------------------
# The reconstruction table
# ---------------------------------------------------------------------------------------------
def test_candidates_table_shape_and_proc_row():
    t = sample_size_candidates(0.85, target=138)
    assert len(t) == 2 * 3 * 2 * 3 * 2
    for column in ("n_cases", "n_controls", "achieved_power", "matches_target", "abs_difference"):
        assert column in t.columns
    row = t[
        (t["method"] == "obuchowski")
        & (t["null_auc"] == 0.5)
        & (t["alternative"] == "two-sided")
        & (t["ratio"] == 1.0)
        & (t["null_variance"] == "null")
    ].iloc[0]
    ref = next(
        r
        for r in FIXTURE["sample_size"]
        if (r["auc"], r["kappa"], r["sig_level"], r["power"], r["alternative"])
        == (0.85, 1, 0.05, 0.9, "two.sided")
    )
    assert row["n_cases_exact"] == pytest.approx(ref["ncases"], rel=1e-9)


def test_no_candidate_gives_138_per_group():
    """Pins the reconstruction: no 1:1 (or other) design gives 138 in both groups."""
    t = sample_size_candidates(0.85, target=138)
    assert not t["matches_target"].any()
    equal = t[t["ratio"] == 1.0].sort_values("abs_difference")
    best = equal.iloc[0]
    assert (best["method"], best["null_auc"], best["alternative"], best["null_variance"]) == (
        "obuchowski",
        0.75,
        "two-sided",
        "null",
    )
    assert (best["n_cases"], best["n_controls"]) == (126, 126)
    loose = t[t["matches_either"]]
    assert len(loose) == 1 and (loose.iloc[0]["n_cases"], loose.iloc[0]["n_controls"]) == (69, 138)


def test_candidates_without_target():
    t = sample_size_candidates(0.85, null_aucs=[0.7], methods=["hanley_mcneil"], ratios=[1.0])
    assert len(t) == 4 and "matches_target" not in t.columns


# ---------------------------------------------------------------------------------------------
# Simulated power
# ---------------------------------------------------------------------------------------------
def brute_force_delong(cases, controls):
    psi = (cases[:, None] > controls[None, :]) + 0.5 * (cases[:, None] == controls[None, :])
    v10 = psi.mean(axis=1)
    v01 = psi.mean(axis=0)
    return psi.mean(), math.sqrt(v10.var(ddof=1) / cases.size + v01.var(ddof=1) / controls.size)


@given(
    st.lists(st.integers(0, 6), min_size=2, max_size=15),
    st.lists(st.integers(0, 6), min_size=2, max_size=15),
)
def test_delong_batch_equals_pairwise_oracle(cases, controls):
    x = np.array(cases, dtype=float)
    y = np.array(controls, dtype=float)
    auc, se = _delong_batch(x[None, :], y[None, :])
    ref_auc, ref_se = brute_force_delong(x, y)
    assert auc[0] == pytest.approx(ref_auc, abs=1e-12)
    assert se[0] == pytest.approx(ref_se, abs=1e-12)


def test_delong_batch_agrees_with_roc_module():
    roc = pytest.importorskip("microcalc.stats.roc")
    rng = np.random.default_rng(3)
    cases, controls = BinormalSampler(0.8)(rng, 25, 35, 5)
    auc, se = _delong_batch(cases, controls)
    truth = np.r_[np.ones(25), np.zeros(35)]
    for i in range(5):
        est = roc.auc_delong(truth, np.r_[cases[i], controls[i]])
        assert est.estimate == pytest.approx(auc[i], abs=1e-12)
        assert est.se == pytest.approx(se[i], rel=1e-9)


def test_binormal_sampler_has_the_requested_auc():
    rng = np.random.default_rng(11)
    for sd_ratio in (1.0, 1.5):
        cases, controls = BinormalSampler(0.85, sd_ratio=sd_ratio)(rng, 200, 200, 2000)
        auc, _ = _delong_batch(cases, controls)
        assert auc.mean() == pytest.approx(0.85, abs=0.003)


def test_simulated_power_is_reproducible_and_close_to_analytic():
    kwargs = {"n_cases": 60, "n_controls": 60, "null_auc": 0.7, "n_sim": 3000, "seed": 2025}
    a = simulated_auc_power(sampler=BinormalSampler(0.85), **kwargs)
    b = simulated_auc_power(sampler=BinormalSampler(0.85), **kwargs)
    assert isinstance(a, SimulatedPower)
    assert a == b
    assert a.n_rejections == round(a.power * a.n_sim)
    assert a.ci_low <= a.power <= a.ci_high
    assert a.mean_auc == pytest.approx(0.85, abs=0.005)
    assert a.mean_se == pytest.approx(a.sd_auc, rel=0.05)
    # DeLong's SE is close to the Monte Carlo SD, and Hanley & McNeil's power is close to the
    # simulated one; Obuchowski's variance is conservative for binormal data (power lower).
    hm = auc_power(0.85, n_cases=60, n_controls=60, null_auc=0.7, method="hanley_mcneil")
    ob = auc_power(0.85, n_cases=60, n_controls=60, null_auc=0.7, method="obuchowski")
    assert abs(a.power - hm) < 0.05
    assert ob < a.power


def test_simulated_type_one_error():
    r = simulated_auc_power(
        n_cases=80,
        n_controls=80,
        sampler=BinormalSampler(0.75),
        null_auc=0.75,
        n_sim=4000,
        seed=9,
    )
    assert abs(r.power - 0.05) < 0.015


def test_simulated_one_sided_rejects_more_than_two_sided():
    common = {
        "n_cases": 30,
        "n_controls": 30,
        "sampler": BinormalSampler(0.7),
        "n_sim": 2000,
        "seed": 4,
    }
    two = simulated_auc_power(**common)
    one = simulated_auc_power(alternative="one-sided", **common)
    assert one.power >= two.power


def test_simulated_power_errors():
    with pytest.raises(TypeError, match="sampler must be callable"):
        simulated_auc_power(n_cases=10, n_controls=10, sampler=None)
    with pytest.raises(ValueError, match="at least 2"):
        simulated_auc_power(n_cases=1, n_controls=10, sampler=BinormalSampler(0.8))
    with pytest.raises(TypeError, match="n_sim must be an integer"):
        simulated_auc_power(n_cases=5, n_controls=5, sampler=BinormalSampler(0.8), n_sim=10.0)

    def wrong_shape(rng, m, n, size):
        return rng.normal(size=(size, m + 1)), rng.normal(size=(size, n))

    with pytest.raises(ValueError, match="sampler returned shapes"):
        simulated_auc_power(n_cases=5, n_controls=5, sampler=wrong_shape, n_sim=10)

    def with_nan(rng, m, n, size):
        return np.full((size, m), np.nan), np.zeros((size, n))

    with pytest.raises(ValueError, match="non-finite"):
        simulated_auc_power(n_cases=5, n_controls=5, sampler=with_nan, n_sim=10)
    with pytest.raises(ValueError, match="sd_ratio must be positive"):
        BinormalSampler(0.8, sd_ratio=0)


def test_all_public_results_are_frozen():
    r = auc_sample_size(0.85)
    with pytest.raises(AttributeError):
        r.n_cases = 1  # type: ignore[misc]
    for cls in (AucSampleSize, AucCiSampleSize, BudererSampleSize, SimulatedPower, ShareEstimate):
        assert cls.__dataclass_params__.frozen


def test_candidate_grid_is_complete():
    t = sample_size_candidates(0.85)
    combos = set(
        itertools.product(
            ["hanley_mcneil", "obuchowski"],
            [0.5, 0.7, 0.75],
            ["two-sided", "one-sided"],
            [1.0, 0.5, 2.0],
            ["null", "alternative"],
        )
    )
    got = set(
        t[["method", "null_auc", "alternative", "ratio", "null_variance"]].itertuples(
            index=False, name=None
        )
    )
    assert got == combos


def test_power_curve_rows_equal_auc_power():
    table = power_curve([0.8, 0.85], [50, 126], null_auc=0.75, ratio=2.0, method="hanley_mcneil")
    assert len(table) == 4
    assert table["auc"].tolist() == [0.8, 0.8, 0.85, 0.85]
    for row in table.itertuples():
        assert row.n_controls == 2.0 * row.n_cases
        assert row.power == pytest.approx(
            auc_power(
                row.auc,
                n_cases=row.n_cases,
                n_controls=row.n_controls,
                null_auc=0.75,
                method="hanley_mcneil",
            ),
            abs=1e-15,
        )
    # power grows with n and with the distance from the null
    assert table["power"].iloc[1] > table["power"].iloc[0]
    assert table["power"].iloc[2] > table["power"].iloc[0]


def test_power_curve_at_the_solved_size_reaches_the_target():
    r = auc_sample_size(0.85, null_auc=0.75, power=0.9)
    table = power_curve([0.85], [r.n_cases_exact], null_auc=0.75)
    assert table.loc[0, "power"] == pytest.approx(0.9, abs=1e-9)


def test_power_curve_errors():
    with pytest.raises(ValueError, match="at least one value"):
        power_curve([], [10])
    with pytest.raises(ValueError, match="aucs"):
        power_curve([1.2], [10])
    with pytest.raises(ValueError, match="n_per_group"):
        power_curve([0.8], [0])
    with pytest.raises(ValueError, match="no difference"):
        power_curve([0.5], [10], null_auc=0.5)


# ---------------------------------------------------------------------------------------------
# Simulated power of the paired DeLong test
# ---------------------------------------------------------------------------------------------
def test_binormal_delong_power_behaves():
    design = {"n_cases": 150, "n_controls": 150}
    same = binormal_delong_power(0.95, 0.95, 0.8, n_sim=1000, seed=3, **design)
    assert isinstance(same, ShareEstimate)
    assert same.estimate < 0.09  # the test's size
    apart = binormal_delong_power(0.97, 0.9, 0.8, n_sim=500, seed=3, **design)
    assert apart.estimate > 0.9
    assert apart.ci_low < apart.estimate <= apart.ci_high and apart.n == 500
    # higher correlation between the markers -> more power for the same AUCs
    low = binormal_delong_power(0.97, 0.95, 0.3, n_sim=1000, seed=4, **design)
    high = binormal_delong_power(0.97, 0.95, 0.9, n_sim=1000, seed=4, **design)
    assert high.estimate > low.estimate
    with pytest.raises(ValueError, match="auc1"):
        binormal_delong_power(1.2, 0.9, 0.5, **design)
    with pytest.raises(ValueError, match="n_cases"):
        binormal_delong_power(0.9, 0.8, 0.5, n_cases=1, n_controls=10)
    # the AUC of the shifted normal marker is as asked
    shift = np.sqrt(2) * stats.norm.ppf(0.9)
    assert special.ndtr(shift / np.sqrt(2)) == pytest.approx(0.9)


def test_monte_carlo_share_matches_newcombe_worked_example():
    """Newcombe (1998), Table II: 81 of 263, Wilson score interval 0.2553 to 0.3662."""
    res = monte_carlo_share(np.arange(263) < 81)
    assert (res.count, res.n) == (81, 263)
    assert res.estimate == pytest.approx(81 / 263)
    assert res.se == pytest.approx(math.sqrt(81 / 263 * 182 / 263 / 263))
    assert round(res.ci_low, 4) == 0.2553 and round(res.ci_high, 4) == 0.3662
    wider = monte_carlo_share(np.arange(263) < 81, confidence_level=0.99)
    assert wider.ci_low < res.ci_low and wider.ci_high > res.ci_high
    assert wider.confidence_level == 0.99


def test_monte_carlo_share_refuses_floats_and_empty():
    with pytest.raises(TypeError, match="boolean"):
        monte_carlo_share([0.1, 0.2])
    with pytest.raises(ValueError, match="empty"):
        monte_carlo_share(np.array([], dtype=bool))
    with pytest.raises(ValueError, match="confidence_level"):
        monte_carlo_share([True], confidence_level=95)
