"""Tests of microcalc.stats.roc: against pROC fixtures, against brute force, and by invariants.

The fixtures in tests/reference/fixtures/roc_*.json were written by
tests/reference/roc_accuracy.R (pROC 1.18.0, R 4.2.2; the versions are inside each file);
R is not needed to run these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from microcalc.stats import roc

FIXTURES = Path(__file__).parent / "reference" / "fixtures"
ROC_FILES = sorted(FIXTURES.glob("roc_*.json"))
DATASETS = [p.stem.removeprefix("roc_") for p in ROC_FILES]
MARKERS = ("marker1", "marker2")
CASES = [(d, m) for d in DATASETS for m in MARKERS]

RTOL = 1e-9  # AUC, DeLong variance, z and p
CI_TOL = 1e-6  # confidence limits


def _num(v):
    """A fixture number: JSON number, or "Inf"/"-Inf"/"NaN" for non-finite values."""
    return float(v)


def _vec(v) -> np.ndarray:
    return np.array([_num(x) for x in np.atleast_1d(v)], dtype=float)


def load(dataset: str) -> dict:
    return json.loads((FIXTURES / f"roc_{dataset}.json").read_text())


def data(dataset: str):
    fx = load(dataset)["data"]
    return (
        np.asarray(fx["truth"], dtype=int),
        np.asarray(fx["marker1"], dtype=float),
        np.asarray(fx["marker2"], dtype=float),
    )


def _marker(dataset: str, marker: str):
    y, m1, m2 = data(dataset)
    return y, (m1 if marker == "marker1" else m2)


def brute_auc(y, x) -> float:
    cases, controls = x[y == 1], x[y == 0]
    diff = cases[:, None] - controls[None, :]
    return float(((diff > 0) + 0.5 * (diff == 0)).mean())


def brute_placements(y, x):
    cases, controls = x[y == 1], x[y == 0]
    diff = cases[:, None] - controls[None, :]
    psi = (diff > 0) + 0.5 * (diff == 0)
    return psi.mean(axis=1), psi.mean(axis=0)


def brute_var(y, x) -> float:
    v10, v01 = brute_placements(y, x)
    return v10.var(ddof=1) / v10.size + v01.var(ddof=1) / v01.size


# ---------------------------------------------------------------------------------------------
# the fixtures themselves
# ---------------------------------------------------------------------------------------------
def test_fixtures_present_with_versions():
    assert {"balanced", "unbalanced", "heavy_ties", "near_perfect", "weak", "correlated"} <= set(
        DATASETS
    )
    for path in ROC_FILES:
        fx = json.loads(path.read_text())
        assert fx["r_version"].startswith("R version")
        assert fx["proc_version"]
        assert fx["direction"] == "<"


# ---------------------------------------------------------------------------------------------
# against pROC
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("dataset", "marker"), CASES)
def test_auc_and_delong_variance_match_proc(dataset, marker):
    ref = load(dataset)[marker]
    y, x = _marker(dataset, marker)
    assert roc.auc(y, x) == pytest.approx(ref["auc"], rel=RTOL)
    res = roc.auc_delong(y, x)
    assert res.estimate == pytest.approx(ref["auc"], rel=RTOL)
    assert res.variance == pytest.approx(ref["var_delong"], rel=RTOL)
    assert [res.ci_low, res.ci_high] == pytest.approx(_vec(ref["ci_delong"]), abs=CI_TOL)
    res90 = roc.auc_delong(y, x, confidence_level=0.90)
    assert [res90.ci_low, res90.ci_high] == pytest.approx(_vec(ref["ci_delong_90"]), abs=CI_TOL)


@pytest.mark.parametrize("dataset", DATASETS)
def test_covariance_matches_proc(dataset):
    fx = load(dataset)
    y, m1, m2 = data(dataset)
    res = roc.delong_covariance(y, {"m1": m1, "m2": m2})
    expected = np.array(
        [
            [fx["marker1"]["var_delong"], fx["covariance_delong"]],
            [fx["covariance_delong"], fx["marker2"]["var_delong"]],
        ]
    )
    np.testing.assert_allclose(res.covariance, expected, rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(res.auc, [fx["marker1"]["auc"], fx["marker2"]["auc"]], rtol=RTOL)


@pytest.mark.parametrize("dataset", DATASETS)
def test_paired_delong_test_matches_proc_roc_test(dataset):
    ref = load(dataset)["roc_test"]
    y, m1, m2 = data(dataset)
    res = roc.delong_test(y, m1, m2)
    assert res.statistic == pytest.approx(ref["z"], rel=RTOL)
    assert res.p_value == pytest.approx(ref["p_value"], rel=RTOL)
    assert res.estimate == pytest.approx(ref["difference"], rel=RTOL, abs=1e-15)
    assert [res.ci_low, res.ci_high] == pytest.approx(_vec(ref["ci"]), abs=CI_TOL)
    res90 = roc.delong_test(y, m1, m2, confidence_level=0.90)
    assert [res90.ci_low, res90.ci_high] == pytest.approx(_vec(ref["ci_90"]), abs=CI_TOL)
    swapped = roc.delong_test(y, m2, m1)
    assert swapped.statistic == pytest.approx(ref["z_swapped"], rel=RTOL)


@pytest.mark.parametrize(("dataset", "marker"), CASES)
def test_curve_matches_proc_midpoint_thresholds_exactly(dataset, marker):
    ref = load(dataset)[marker]["curve"]
    y, x = _marker(dataset, marker)
    curve = roc.roc_curve(y, x, convention="midpoint")
    np.testing.assert_array_equal(curve.thresholds, _vec(ref["thresholds"]))
    np.testing.assert_array_equal(curve.sensitivity, _vec(ref["sensitivities"]))
    np.testing.assert_array_equal(curve.specificity, _vec(ref["specificities"]))


@pytest.mark.parametrize(("dataset", "marker"), CASES)
def test_youden_matches_proc_exactly(dataset, marker):
    """pROC's best thresholds, sensitivities and specificities, bit for bit.

    pROC keeps the thresholds whose *floating-point* se + sp equals the maximum; we find ties
    in exact integers. So pROC's set is always contained in ours, and equals the float rule
    applied to our curve; where the two differ, the tie is exact in integers.
    """
    ref = load(dataset)[marker]["youden"]
    y, x = _marker(dataset, marker)
    res = roc.youden_cutoff(y, x, convention="midpoint")
    ref_thr = _vec(ref["threshold"])
    ref_se, ref_sp = _vec(ref["sensitivity"]), _vec(ref["specificity"])
    # pROC's float rule, applied to our (identical) curve, reproduces pROC exactly
    curve = roc.roc_curve(y, x, convention="midpoint")
    crit = curve.sensitivity + curve.specificity
    float_best = crit == crit.max()
    np.testing.assert_array_equal(curve.thresholds[float_best], ref_thr)
    np.testing.assert_array_equal(curve.sensitivity[float_best], ref_se)
    np.testing.assert_array_equal(curve.specificity[float_best], ref_sp)
    # every pROC optimum is one of ours, with the same sensitivity and specificity
    for t, se, sp in zip(ref_thr, ref_se, ref_sp, strict=True):
        i = np.flatnonzero(res.tied_cutoffs == t)
        assert i.size == 1
        assert res.tied_sensitivity[i[0]] == se
        assert res.tied_specificity[i[0]] == sp
    # and any extra tie of ours is an exact tie in integers
    m, n = res.n_positive, res.n_negative
    tp = np.rint(res.tied_sensitivity * m).astype(int)
    tn = np.rint(res.tied_specificity * n).astype(int)
    assert len(set(tp * n + tn * m)) == 1


def test_float_ties_split_by_proc_are_found():
    # in roc_balanced marker1, pROC reports 2 optima; three thresholds tie exactly
    y, x = _marker("balanced", "marker1")
    res = roc.youden_cutoff(y, x, convention="midpoint")
    assert res.n_tied == 3
    assert res.cutoff == res.tied_cutoffs[0]
    high = roc.youden_cutoff(y, x, convention="midpoint", ties="highest")
    assert high.cutoff == res.tied_cutoffs[-1]
    assert high.specificity > res.specificity and high.sensitivity < res.sensitivity


@pytest.mark.parametrize(
    ("dataset", "marker"), [c for c in CASES if c[0] not in {"tiny", "near_perfect"}]
)
def test_bootstrap_ci_close_to_proc_bootstrap(dataset, marker):
    # different random streams, so only close: Monte Carlo error of a 2000-resample quantile
    ref = _vec(load(dataset)[marker]["ci_bootstrap"])
    y, x = _marker(dataset, marker)
    res = roc.auc_bootstrap(y, x, n_boot=2000, seed=20240601)
    assert [res.ci_low, res.ci_high] == pytest.approx(ref, abs=0.01)


# ---------------------------------------------------------------------------------------------
# brute force and invariants
# ---------------------------------------------------------------------------------------------
labelled_samples = st.integers(min_value=2, max_value=25).flatmap(
    lambda n_pos: st.integers(min_value=2, max_value=25).flatmap(
        lambda n_neg: st.tuples(
            st.just(np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]),
            st.lists(
                st.integers(min_value=-4, max_value=4) | st.floats(-1e3, 1e3, width=32),
                min_size=n_pos + n_neg,
                max_size=n_pos + n_neg,
            ),
        )
    )
)


def _usable(x) -> bool:
    return np.unique(x).size > 1


@settings(max_examples=300, deadline=None)
@given(labelled_samples)
def test_fast_auc_and_variance_equal_brute_force(sample):
    y, values = sample
    x = np.asarray(values, dtype=float)
    if not _usable(x):
        return
    res = roc.auc_delong(y, x)
    assert res.estimate == pytest.approx(brute_auc(y, x), rel=1e-12, abs=1e-15)
    assert res.variance == pytest.approx(brute_var(y, x), rel=1e-9, abs=1e-15)
    assert 0.0 <= res.ci_low <= res.estimate <= res.ci_high <= 1.0


@settings(max_examples=200, deadline=None)
@given(labelled_samples, st.permutations(range(50)))
def test_auc_ignores_order_and_monotone_transforms(sample, perm):
    y, values = sample
    x = np.asarray(values, dtype=float)
    if not _usable(x):
        return
    p = np.array([i for i in perm if i < y.size])
    base = roc.auc_delong(y, x)
    shuffled = roc.auc_delong(y[p], x[p])
    transformed = roc.auc_delong(y, 8.0 * x)  # exact in floating point, strictly increasing
    assert shuffled.estimate == base.estimate
    assert shuffled.variance == pytest.approx(base.variance, rel=1e-12, abs=1e-15)
    assert transformed.estimate == base.estimate
    negated = roc.auc_delong(y, -x)
    assert negated.estimate == pytest.approx(1.0 - base.estimate, abs=1e-15)
    assert negated.variance == pytest.approx(base.variance, rel=1e-9, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(labelled_samples)
def test_auc_is_trapezoidal_area_of_the_curve(sample):
    y, values = sample
    x = np.asarray(values, dtype=float)
    if not _usable(x):
        return
    curve = roc.roc_curve(y, x)
    fpr, tpr = curve.fpr[::-1], curve.sensitivity[::-1]
    area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
    assert area == pytest.approx(curve.auc, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(labelled_samples)
def test_both_threshold_conventions_classify_identically(sample):
    y, values = sample
    x = np.asarray(values, dtype=float)
    if not _usable(x):
        return
    obs = roc.roc_curve(y, x, convention="observed")
    mid = roc.roc_curve(y, x, convention="midpoint")
    np.testing.assert_array_equal(obs.sensitivity, mid.sensitivity)
    np.testing.assert_array_equal(obs.specificity, mid.specificity)
    for t_obs, t_mid in zip(obs.thresholds, mid.thresholds, strict=True):
        np.testing.assert_array_equal(x >= t_obs, x >= t_mid)
    for t, tp, fp in zip(obs.thresholds, obs.tp, obs.fp, strict=True):
        assert tp == np.sum((x >= t) & (y == 1)) and fp == np.sum((x >= t) & (y == 0))
    y_obs = roc.youden_cutoff(y, x, convention="observed")
    y_mid = roc.youden_cutoff(y, x, convention="midpoint")
    assert (y_obs.sensitivity, y_obs.specificity) == (y_mid.sensitivity, y_mid.specificity)
    j = obs.youden_index
    assert y_obs.youden_index == pytest.approx(j.max(), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(labelled_samples, st.integers(0, 2**32 - 1))
def test_weighted_auc_equals_explicit_resamples(sample, seed):
    y, values = sample
    x = np.asarray(values, dtype=float)
    assume(x.min() < x.max())  # a single constant marker is refused
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 3, size=(5, y.size))
    counts[:, np.flatnonzero(y == 1)[0]] += 1  # both classes in every resample
    counts[:, np.flatnonzero(y == 0)[0]] += 1
    fast = roc.auc(y, x, weights=counts)
    for b in range(5):
        idx = np.repeat(np.arange(y.size), counts[b])
        assert fast[b] == pytest.approx(brute_auc(y[idx], x[idx]), abs=1e-12)


def test_identical_markers_give_z_zero_p_one():
    y, m1, _ = data("balanced")
    res = roc.delong_test(y, m1, m1.copy())
    assert res.statistic == 0.0 and res.p_value == 1.0 and res.estimate == 0.0 and res.se == 0.0


def test_monotone_transform_of_a_marker_gives_z_zero():
    y, m1, _ = data("unbalanced")
    res = roc.delong_test(y, m1, np.log(m1))
    assert res.statistic == 0.0 and res.p_value == 1.0


def test_swapping_markers_flips_z():
    y, m1, m2 = data("correlated")
    a, b = roc.delong_test(y, m1, m2), roc.delong_test(y, m2, m1)
    assert a.statistic == -b.statistic and a.p_value == b.p_value
    assert (a.ci_low, a.ci_high) == pytest.approx((-b.ci_high, -b.ci_low), abs=1e-15)


def test_one_sided_alternatives():
    y, m1, m2 = data("correlated")  # marker2 has the larger AUC
    two = roc.delong_test(y, m1, m2)
    less = roc.delong_test(y, m1, m2, alternative="less")
    greater = roc.delong_test(y, m1, m2, alternative="greater")
    assert less.p_value + greater.p_value == pytest.approx(1.0)
    assert two.p_value == pytest.approx(2 * min(less.p_value, greater.p_value))
    assert less.p_value < greater.p_value


def test_delong_covariance_k_markers_agree_with_pairs():
    y, m1, m2 = data("correlated")
    m3 = m1 + np.random.default_rng(3).normal(scale=15, size=m1.size)
    cov = roc.delong_covariance(y, {"a": m1, "b": m2, "c": m3})
    assert cov.covariance.shape == (3, 3)
    np.testing.assert_allclose(cov.covariance, cov.covariance.T, rtol=0, atol=1e-18)
    assert np.all(np.linalg.eigvalsh(cov.covariance) > -1e-15)
    t = roc.delong_test(y, m2, m3)
    var_d = cov.covariance[1, 1] + cov.covariance[2, 2] - 2 * cov.covariance[1, 2]
    assert t.se**2 == pytest.approx(var_d, rel=1e-12)
    single = roc.auc_delong(y, m3)
    assert single.variance == pytest.approx(cov.covariance[2, 2], rel=1e-12)
    frame = cov.to_frame()
    assert list(frame.columns) == [
        "marker",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence_level",
    ]
    assert frame["marker"].tolist() == ["a", "b", "c"]


def test_delong_covariance_accepts_several_input_forms():
    y, m1, m2 = data("weak")
    from_dict = roc.delong_covariance(y, {"marker1": m1, "marker2": m2})
    from_frame = roc.delong_covariance(y, pd.DataFrame({"marker1": m1, "marker2": m2}))
    from_array = roc.delong_covariance(y, np.column_stack([m1, m2]))
    from_list = roc.delong_covariance(y, [m1, m2])
    for other in (from_frame, from_array, from_list):
        assert other.names == from_dict.names
        np.testing.assert_array_equal(other.covariance, from_dict.covariance)


def test_ci_is_clipped_to_unit_interval():
    y, m1, _ = data("near_perfect")
    res = roc.auc_delong(y, m1)
    assert res.ci_high == 1.0 and res.estimate + 1.96 * res.se > 1.0
    y = np.array([0, 0, 1, 1])
    perfect = roc.auc_delong(y, [1.0, 2.0, 3.0, 4.0])
    assert (perfect.estimate, perfect.se, perfect.ci_low, perfect.ci_high) == (1.0, 0.0, 1.0, 1.0)


def test_no_auto_direction_flip():
    y, _, m2 = data("weak")  # AUC below 0.5 stays below 0.5
    assert roc.auc(y, m2) < 0.5


def test_midpoint_between_adjacent_doubles():
    lo = 1.0
    hi = np.nextafter(lo, 2.0)
    y = np.array([0, 1])
    curve = roc.roc_curve(y, [lo, hi], convention="midpoint")
    # (lo + hi) / 2 rounds onto lo; the threshold must then be hi so that only hi is positive
    assert curve.thresholds.tolist() == [-np.inf, hi, np.inf]
    assert curve.sensitivity.tolist() == [1.0, 1.0, 0.0]
    assert curve.specificity.tolist() == [0.0, 1.0, 1.0]


def test_observed_youden_cutoff_small_example():
    y = [0, 0, 0, 1, 1, 1]
    x = [1.0, 2.0, 4.0, 3.0, 5.0, 6.0]
    res = roc.youden_cutoff(y, x)
    assert res.cutoff == 3.0 and res.tied_cutoffs.tolist() == [3.0, 5.0]
    assert res.sensitivity == 1.0 and res.specificity == pytest.approx(2 / 3)
    assert res.to_frame()["selected"].tolist() == [True, False]
    assert roc.youden_cutoff(y, x, ties="highest").cutoff == 5.0
    assert roc.youden_cutoff(y, x, convention="midpoint").cutoff == 2.5


def test_bootstrap_is_seeded_and_sensible():
    y, m1, _ = data("balanced")
    a = roc.auc_bootstrap(y, m1, n_boot=500, seed=7)
    b = roc.auc_bootstrap(y, m1, n_boot=500, seed=np.random.default_rng(7))
    c = roc.auc_bootstrap(y, m1, n_boot=500, seed=8)
    assert (a.ci_low, a.ci_high, a.se) == (b.ci_low, b.ci_high, b.se)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    delong = roc.auc_delong(y, m1)
    assert a.estimate == delong.estimate
    assert a.se == pytest.approx(delong.se, rel=0.15)
    assert a.ci_low < a.estimate < a.ci_high
    assert a.to_frame().loc[0, "method"] == "bootstrap"


def test_bootstrap_small_sample():
    y, m1, _ = data("tiny")
    res = roc.auc_bootstrap(y, m1, n_boot=50, seed=1)
    assert res.n_boot == 50 and 0.0 <= res.ci_low <= res.ci_high <= 1.0


def test_results_are_frozen_and_tidy():
    y, m1, m2 = data("balanced")
    res = roc.auc_delong(y, m1)
    with pytest.raises(AttributeError):
        res.estimate = 0.5  # type: ignore[misc]
    assert list(res.to_frame().columns)[:4] == ["estimate", "se", "ci_low", "ci_high"]
    t = roc.delong_test(y, m1, m2, names=("elasticity", "strain ratio"))
    frame = t.to_frame()
    assert frame.loc[0, "contrast"] == "elasticity - strain ratio"
    assert {
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "statistic",
        "p_value",
        "var1",
        "var2",
        "cov",
    } <= set(frame.columns)
    curve = roc.roc_curve(y, m1)
    assert {"threshold", "sensitivity", "specificity", "fpr", "tp", "fp", "tn", "fn"} <= set(
        curve.to_frame().columns
    )
    with pytest.raises(ValueError):
        curve.sensitivity[0] = 0.0


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
GOOD_Y = [0, 0, 1, 1, 0, 1]
GOOD_X = [1.0, 2.0, 3.0, 4.0, 2.5, 0.5]


@pytest.mark.parametrize(
    "func",
    [
        roc.auc,
        roc.auc_delong,
        roc.auc_bootstrap,
        roc.roc_curve,
        roc.youden_cutoff,
        lambda y, x: roc.delong_test(y, x, GOOD_X),
        lambda y, x: roc.delong_covariance(y, {"m": x}),
    ],
)
@pytest.mark.parametrize(
    ("truth", "marker", "pattern"),
    [
        ([1, 1, 1, 1, 1, 1], GOOD_X, r"one class only \(every value is 1 \(positive\)\)"),
        ([0, 0, 0, 0, 0, 0], GOOD_X, r"needs both positive \(1\) and negative \(0\)"),
        ([0, 0, 1, 2, 0, 1], GOOD_X, "truth must be 0 or 1"),
        ([0, 0, 1, np.nan, 0, 1], GOOD_X, "truth holds 1 non-finite"),
        (GOOD_Y, [1.0, 2.0, np.nan, 4.0, 2.5, 0.5], "non-finite"),
        (GOOD_Y, [1.0, 2.0, 3.0], "length mismatch"),
        (GOOD_Y, [2.0] * 6, "constant"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(func, truth, marker, pattern):
    with pytest.raises(ValueError, match=pattern):
        func(truth, marker)


def test_error_messages_name_markers():
    with pytest.raises(ValueError, match="marker2 is constant"):
        roc.delong_test(GOOD_Y, GOOD_X, [1.0] * 6)
    with pytest.raises(ValueError, match=r"markers\['sr'\] holds 1 non-finite"):
        roc.delong_covariance(GOOD_Y, {"e": GOOD_X, "sr": [1, 2, np.inf, 3, 4, 5]})
    with pytest.raises(TypeError, match="marker must hold numbers"):
        roc.auc(GOOD_Y, ["a", "b", "c", "d", "e", "f"])


def test_delong_needs_two_per_class():
    with pytest.raises(ValueError, match="at least 2 of each"):
        roc.auc_delong([0, 0, 1], [1.0, 2.0, 3.0])
    assert roc.auc([0, 0, 1], [1.0, 2.0, 3.0]) == 1.0


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"confidence_level": 1.5}, ValueError, "confidence_level"),
        ({"confidence_level": "0.95"}, TypeError, "confidence_level"),
        ({"alternative": "two.sided"}, ValueError, "alternative"),
    ],
)
def test_bad_options_for_delong_test(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        roc.delong_test(GOOD_Y, GOOD_X, GOOD_X[::-1], **kwargs)


def test_bad_options_elsewhere():
    with pytest.raises(ValueError, match="convention"):
        roc.roc_curve(GOOD_Y, GOOD_X, convention="pROC")
    with pytest.raises(ValueError, match="ties"):
        roc.youden_cutoff(GOOD_Y, GOOD_X, ties="middle")
    with pytest.raises(ValueError, match="n_boot"):
        roc.auc_bootstrap(GOOD_Y, GOOD_X, n_boot=1)
    with pytest.raises(TypeError, match="n_boot"):
        roc.auc_bootstrap(GOOD_Y, GOOD_X, n_boot=100.0)
    with pytest.raises(TypeError, match="markers must be"):
        roc.delong_covariance(GOOD_Y, "elasticity")
    with pytest.raises(TypeError):
        roc.auc_delong(GOOD_Y, GOOD_X, 0.9)  # options are keyword-only


# ---------------------------------------------------------------------------------------------
# pair counts, the test against chance, strata
# ---------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=3, max_size=25),
    st.lists(st.integers(0, 5), min_size=3, max_size=25),
)
def test_pair_counts_equal_brute_force(cases, controls):
    x = np.array(cases + controls, dtype=float)
    y = np.array([1] * len(cases) + [0] * len(controls))
    if np.all(x == x[0]):
        return
    res = roc.pair_counts(y, x)
    diff = np.array(cases)[:, None] - np.array(controls)[None, :]
    assert (res.concordant, res.tied, res.discordant) == (
        int((diff > 0).sum()),
        int((diff == 0).sum()),
        int((diff < 0).sum()),
    )
    assert res.auc == pytest.approx(roc.auc(y, x), rel=1e-12)
    assert res.auc_ties_lost <= res.auc <= res.auc_ties_won
    frame = res.to_frame()
    assert frame["count"].sum() == res.n_pairs
    assert frame["share"].sum() == pytest.approx(1.0)


def test_pair_counts_without_ties_bounds_coincide():
    res = roc.pair_counts([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0])
    assert res.tied == 0
    assert res.auc_ties_lost == res.auc == res.auc_ties_won == pytest.approx(8 / 9)


def test_auc_chance_test_matches_scipy_and_auc():
    from scipy import stats

    rng = np.random.default_rng(3)
    y = np.repeat([1, 0], [30, 40])
    x = np.round(rng.normal(0.4 * y, 1.0), 1)  # rounded: ties
    res = roc.auc_chance_test(y, x)
    ref = stats.mannwhitneyu(x[y == 1], x[y == 0], method="asymptotic")
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert res.estimate == pytest.approx(roc.auc(y, x), rel=1e-12)
    assert res.statistic == pytest.approx(res.estimate * 30 * 40)
    assert res.method == "mann-whitney"
    assert (res.n_positive, res.n_negative) == (30, 40)


def test_auc_chance_test_symmetric_marker_gives_p_one():
    res = roc.auc_chance_test([0, 1, 0, 1], [1.0, 1.0, 2.0, 2.0])
    assert res.estimate == 0.5
    assert res.p_value == pytest.approx(1.0)


def _strata_data():
    rng = np.random.default_rng(11)
    n = 120
    y = rng.integers(0, 2, n)
    y[:8] = [0, 1, 0, 1, 0, 1, 0, 1]
    strata = np.array(["low", "high"] * (n // 2))
    m1 = rng.normal(y * 1.5, 1.0)
    m2 = m1 + rng.normal(0, 0.7, n)
    return y, m1, m2, strata


def test_stratified_auc_equals_per_subset_delong():
    y, m1, m2, strata = _strata_data()
    res = roc.stratified_auc(y, {"a": m1, "b": m2}, strata)
    assert res["stratum"].tolist() == ["high", "high", "low", "low"]  # sorted
    assert list(res.columns) == [
        "stratum",
        "marker",
        "n_positive",
        "n_negative",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence_level",
    ]
    for row in res.itertuples():
        keep = strata == row.stratum
        ref = roc.auc_delong(y[keep], {"a": m1, "b": m2}[row.marker][keep])
        assert row.estimate == pytest.approx(ref.estimate, rel=1e-12)
        assert row.se == pytest.approx(ref.se, rel=1e-12)
        assert (row.ci_low, row.ci_high) == pytest.approx((ref.ci_low, ref.ci_high), rel=1e-12)
        assert (row.n_positive, row.n_negative) == (ref.n_positive, ref.n_negative)


def test_stratified_auc_keeps_categorical_order_and_drops_empty_levels():
    y, m1, _, strata = _strata_data()
    cat = pd.Categorical(strata, categories=["low", "none", "high"])
    res = roc.stratified_auc(y, {"a": m1}, pd.Series(cat), confidence_level=0.9)
    assert res["stratum"].tolist() == ["low", "high"]
    assert (res["confidence_level"] == 0.9).all()


def test_stratified_delong_test_equals_per_subset_test():
    y, m1, m2, strata = _strata_data()
    res = roc.stratified_delong_test(y, m1, m2, strata, names=("a", "b"))
    assert res["stratum"].tolist() == ["high", "low"]
    for row in res.itertuples():
        keep = strata == row.stratum
        ref = roc.delong_test(y[keep], m1[keep], m2[keep])
        assert row.estimate == pytest.approx(ref.estimate, rel=1e-12, abs=1e-15)
        assert row.p_value == pytest.approx(ref.p_value, rel=1e-12)
        assert row.contrast == "a - b"


def test_stratified_errors_name_the_stratum_and_argument():
    y = np.array([0, 1, 0, 1, 1, 1])
    x = np.array([1.0, 2.0, 1.5, 3.0, 2.5, 4.0])
    strata = np.array(["a", "a", "a", "a", "b", "b"])
    with pytest.raises(ValueError, match="stratum 'b'.*one class"):
        roc.stratified_auc(y, {"x": x}, strata)
    with pytest.raises(ValueError, match="stratum 'b'"):
        roc.stratified_delong_test(y, x, -x, strata)
    with pytest.raises(ValueError, match="strata has 5 values"):
        roc.stratified_auc(y, {"x": x}, strata[:5])
    with pytest.raises(ValueError, match="missing"):
        roc.stratified_auc(y, {"x": x}, [None, "a", "a", "a", "a", "a"])
    with pytest.raises(ValueError, match=r"markers\['x'\] has 5 values"):
        roc.stratified_auc(y, {"x": x[:5]}, strata)
    with pytest.raises(ValueError, match="length mismatch"):
        roc.stratified_delong_test(y, x, x[:5], strata)


def _youden_brute(y, x):
    """Lowest observed cutoff maximising Se + Sp - 1, threshold by threshold (exact fractions)."""
    from fractions import Fraction

    m, n = int(np.sum(y == 1)), int(np.sum(y == 0))
    best, cut = None, None
    for t in [*sorted(set(x.tolist())), np.inf]:
        j = Fraction(int(np.sum((x >= t) & (y == 1))), m) + Fraction(
            int(np.sum((x < t) & (y == 0))), n
        )
        if best is None or j > best:
            best, cut = j, t
    return cut


def test_placements_of_a_stack_equal_delong_row_by_row_and_brute_force():
    rng = np.random.default_rng(11)
    truth = np.r_[np.ones(23), np.zeros(31)].astype(int)
    markers = np.round(rng.normal(size=(6, truth.size)) + truth, 1)  # rounding makes ties
    batch = roc.placements(truth, markers)
    assert batch.case.shape == (6, 23) and batch.control.shape == (6, 31)
    for i, row in enumerate(markers):
        single = roc.auc_delong(truth, row)
        assert batch.auc[i] == pytest.approx(single.estimate, rel=1e-12)
        assert batch.se()[i] == pytest.approx(single.se, rel=1e-12)
        assert batch.auc[i] == pytest.approx(brute_auc(truth, row), rel=1e-12)
        assert batch.variance()[i] == pytest.approx(brute_var(truth, row), rel=1e-12)
        v10, v01 = brute_placements(truth, row)
        np.testing.assert_allclose(batch.case[i], v10, rtol=1e-12)
        np.testing.assert_allclose(batch.control[i], v01, rtol=1e-12)
    # the participants along another axis; more than one batch axis
    moved = roc.placements(truth, markers.T, axis=0)
    np.testing.assert_array_equal(moved.auc, batch.auc)
    cube = roc.auc(truth, markers.reshape(2, 3, -1))
    np.testing.assert_array_equal(cube, batch.auc.reshape(2, 3))


def test_placements_reject_bad_shapes():
    with pytest.raises(ValueError, match="lengths must match"):
        roc.placements([0, 1, 1], [[0.1, 0.2]])
    with pytest.raises(ValueError, match="one class"):
        roc.placements([1, 1], [[0.1, 0.2]])
    with pytest.raises(ValueError, match="NaN"):
        roc.placements([0, 1], [[np.nan, 0.2]])
    with pytest.raises(ValueError, match="same shape"):
        roc.delong_test([0, 0, 1, 1], [[1, 2, 3, 4]] * 2, [[1, 2, 3, 4]] * 3)


@pytest.mark.parametrize("dataset", DATASETS)
def test_delong_test_variances_and_covariance(dataset):
    """var1, var2, cov: pROC's var() and cov(), each marker alone, and the SE they make."""
    fx = load(dataset)
    y, m1, m2 = data(dataset)
    res = roc.delong_test(y, m1, m2)
    assert res.var1 + res.var2 - 2 * res.cov == pytest.approx(res.se**2, rel=1e-12)
    assert res.var1 == pytest.approx(roc.auc_delong(y, m1).se ** 2, rel=1e-12)
    assert res.var2 == pytest.approx(roc.auc_delong(y, m2).se ** 2, rel=1e-12)
    assert res.var1 == pytest.approx(fx["marker1"]["var_delong"], rel=RTOL)
    assert res.var2 == pytest.approx(fx["marker2"]["var_delong"], rel=RTOL)
    assert res.cov == pytest.approx(fx["covariance_delong"], rel=RTOL, abs=1e-15)
    assert res.var1 == pytest.approx(brute_var(y, m1), rel=1e-12)
    frame = res.to_frame()
    assert frame.loc[0, ["var1", "var2", "cov"]].tolist() == [res.var1, res.var2, res.cov]


def test_delong_test_of_a_stack_equals_one_test_per_study():
    rng = np.random.default_rng(2)
    y = np.repeat([1, 0], [25, 35])
    x1 = rng.normal(size=(5, 60)) + y
    x2 = np.round(x1 + rng.normal(scale=0.8, size=(5, 60)), 1)
    x2[3] = 0.0  # a constant study in a stack: AUC one half, no error
    stack = roc.delong_test(y, x1, x2, alternative="greater", confidence_level=0.9)
    assert stack.statistic.shape == (5,) and stack.auc2[3] == 0.5
    for i in range(5):
        if i == 3:
            continue
        one = roc.delong_test(y, x1[i], x2[i], alternative="greater", confidence_level=0.9)
        for field in ("auc1", "auc2", "estimate", "se", "var1", "var2", "cov", "statistic"):
            assert getattr(stack, field)[i] == pytest.approx(getattr(one, field), rel=1e-12)
        assert stack.p_value[i] == pytest.approx(one.p_value, rel=1e-10)
        assert stack.ci_low[i] == pytest.approx(one.ci_low, rel=1e-12)
    assert len(stack.to_frame()) == 5
    moved = roc.delong_test(y, x1.T, x2.T, axis=0)
    np.testing.assert_allclose(moved.statistic, roc.delong_test(y, x1, x2).statistic)


def test_youden_optimum_of_a_stack_with_ties_equals_library_and_brute_force():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 8, size=(30, 40)).astype(float)  # many ties
    y = np.repeat([1, 0], 20)
    x[:, :20] += 1.5
    got = roc.youden_optimum(y, x)
    for i, row in enumerate(x):
        ref = roc.youden_cutoff(y, row, convention="observed", ties="lowest")
        assert got.cutoff[i] == ref.cutoff == _youden_brute(y, row)
        assert got.sensitivity[i] == ref.sensitivity
        assert got.youden_index[i] == ref.youden_index
        high = roc.youden_cutoff(y, row, ties="highest")
        assert roc.youden_optimum(y, row, ties="highest").cutoff == high.cutoff


@pytest.mark.parametrize("stratified", [True, False])
def test_weighted_youden_and_auc_equal_materialised_samples(stratified):
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 40)
    x = np.round(rng.normal(50 + 8.0 * y, 10) / 2) * 2  # many tied marker values
    if stratified:
        counts = np.zeros((60, y.size), dtype=int)
        for group in (np.flatnonzero(y == 1), np.flatnonzero(y == 0)):
            draws = group[rng.integers(0, group.size, size=(60, group.size))]
            for b in range(60):
                counts[b] += np.bincount(draws[b], minlength=y.size)
    else:
        counts = rng.multinomial(y.size, np.full(y.size, 1 / y.size), size=60)
        counts[:, 0] += 1
        counts[:, -1] += 1
    batch = roc.youden_optimum(y, x, weights=counts)
    aucs = roc.auc(y, x, weights=counts)
    for b in range(60):
        idx = np.repeat(np.arange(y.size), counts[b])
        ref = roc.youden_cutoff(y[idx], x[idx], convention="observed")
        assert batch.cutoff[b] == ref.cutoff == _youden_brute(y[idx], x[idx])
        assert batch.sensitivity[b] == pytest.approx(ref.sensitivity, abs=1e-15)
        assert batch.specificity[b] == pytest.approx(ref.specificity, abs=1e-15)
        assert batch.youden_index[b] == pytest.approx(ref.youden_index, abs=1e-12)
        assert aucs[b] == pytest.approx(brute_auc(y[idx], x[idx]), abs=1e-14)
    keep = rng.random(y.size) < 0.7  # 0/1 weights: a subset
    assert roc.youden_optimum(y, x, weights=keep.astype(int)).cutoff == (
        roc.youden_cutoff(y[keep], x[keep]).cutoff
    )


def test_weighted_kernels_broadcast_and_check_weights():
    y = [0, 0, 1, 1]
    got = roc.auc(y, [0.1, 0.4, 0.35, 0.8], weights=[[1, 1, 1, 1], [1, 0, 1, 1]])
    assert got.tolist() == [0.75, 1.0]
    scores = np.array([[0.1, 0.4, 0.35, 0.8], [0.1, 0.2, 0.35, 0.8]])
    assert roc.auc(y, scores, weights=[1, 0, 1, 1]).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="weights must have 4 values"):
        roc.youden_optimum(y, [1.0, 2.0, 3.0, 4.0], weights=[[1, 1, 1]])
    with pytest.raises(ValueError, match="one class only"):
        roc.youden_optimum([0, 1, 0, 1], [1.0, 2.0, 3.0, 4.0], weights=[[1, 0, 1, 0]])
    with pytest.raises(ValueError, match="whole numbers"):
        roc.auc(y, [0.1, 0.4, 0.35, 0.8], weights=[1, 0.5, 1, 1])
    with pytest.raises(ValueError, match="negative"):
        roc.auc(y, [0.1, 0.4, 0.35, 0.8], weights=[1, -1, 1, 1])
