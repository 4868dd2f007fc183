"""Tests for microcalc.stats.agreement (the study's reader tables: tests/test_readers.py).

Reference values come from R (psych::cohen.kappa, psych::ICC and base R for Bland-Altman and
repeatability), computed by tests/reference/agreement_samplesize.R on data generated there and
stored in the same JSON files, so R is not needed here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa

from microcalc.stats.agreement import (
    BlandAltmanResult,
    IccChoice,
    KappaResult,
    bland_altman,
    bland_altman_points,
    cohen_kappa,
    dichotomised_kappa,
    icc_form,
    intraclass_correlations,
    kappa_estimate,
    kappa_table,
    repeatability_stats,
)

FIXTURES = Path(__file__).parent / "reference" / "fixtures"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


KAPPA = load("agreement_kappa.json")
ICC = load("agreement_icc.json")
BA = load("agreement_blandaltman.json")
READERS = load("agreement_readers.json")


def test_fixtures_record_r_and_package_versions():
    for fixture in (KAPPA, ICC, BA, READERS):
        assert fixture["r_version"].startswith("R version ")
        assert fixture["generated_by"] == "tests/reference/agreement_samplesize.R"
        assert "jsonlite" in fixture["packages"]
    assert KAPPA["packages"]["psych"] and ICC["packages"]["psych"]


# ---------------------------------------------------------------------------------------------
# Cohen's kappa against psych::cohen.kappa
# ---------------------------------------------------------------------------------------------
def _table(r1, r2, levels):
    index = {v: i for i, v in enumerate(levels)}
    t = np.zeros((len(levels), len(levels)))
    for a, b in zip(r1, r2, strict=True):
        t[index[a], index[b]] += 1
    return t / t.sum(), t.sum()


def psych_weighted_variance(r1, r2, levels, w):
    """psych 2.2.9's ``var.weighted``, transcribed from cohen.kappa1 (R recycling made explicit).

    psych computes ``colw <- colSums(w * cs)`` and ``roww <- rowSums(w * rs)``; R recycles the
    margin down the columns, so ``roww[i] = rs[i] * sum_j w[i, j]`` instead of
    ``sum_j cs[j] * w[i, j]`` in Fleiss, Cohen & Everitt (1969).
    """
    x, n = _table(r1, r2, levels)
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    prob = np.outer(rs, cs)
    wpo, wpc = (w * x).sum(), (w * prob).sum()
    colw = (w * cs[:, None]).sum(axis=0)
    roww = (w * rs[:, None]).sum(axis=1)
    m = colw[:, None] + roww[None, :]
    v = (np.sum(x * (w * (1 - wpc) - m * (1 - wpo)) ** 2) - (wpo * wpc - 2 * wpc + wpo) ** 2) / (
        n * (1 - wpc) ** 4
    )
    return max(v, 0.0)


def fleiss_cohen_everitt_variance(r1, r2, levels, w):
    """Large-sample variance of weighted kappa, Fleiss, Cohen & Everitt (1969), eq. 14."""
    x, n = _table(r1, r2, levels)
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    po, pc = (w * x).sum(), (w * np.outer(rs, cs)).sum()
    w_row = w @ cs  # mean weight of row i over the column margin
    w_col = rs @ w  # mean weight of column j over the row margin
    m = w_row[:, None] + w_col[None, :]
    return (np.sum(x * (w * (1 - pc) - m * (1 - po)) ** 2) - (po * pc - 2 * pc + po) ** 2) / (
        n * (1 - pc) ** 4
    )


def agreement_weights(levels, kind):
    k = len(levels)
    i, j = np.indices((k, k))
    return 1 - np.abs(i - j) / (k - 1) if kind == "linear" else 1 - (i - j) ** 2 / (k - 1) ** 2


@pytest.mark.parametrize("case", KAPPA["cases"], ids=lambda c: c["name"])
def test_unweighted_kappa_matches_psych(case):
    ref = case["unweighted"]
    r = cohen_kappa(case["rater1"], case["rater2"], categories=case["levels"])
    assert isinstance(r, KappaResult)
    assert r.estimate == pytest.approx(ref["kappa"], abs=1e-12)
    assert r.se**2 == pytest.approx(ref["var"], rel=1e-9)
    assert r.ci_low == pytest.approx(ref["lower"], abs=1e-9)
    assert r.ci_high == pytest.approx(ref["upper"], abs=1e-9)


@pytest.mark.parametrize("kind", ["linear", "quadratic"])
@pytest.mark.parametrize("case", KAPPA["cases"], ids=lambda c: c["name"])
def test_weighted_kappa_estimate_matches_psych(case, kind):
    r = cohen_kappa(case["rater1"], case["rater2"], weights=kind, categories=case["levels"])
    assert r.estimate == pytest.approx(case[kind]["kappa"], abs=1e-12)


@pytest.mark.parametrize("kind", ["linear", "quadratic"])
@pytest.mark.parametrize("case", KAPPA["cases"], ids=lambda c: c["name"])
def test_weighted_kappa_variance_known_difference_from_psych(case, kind):
    """psych 2.2.9's weighted variance uses a different (mis-recycled) margin term.

    Pinned: (1) the fixture equals psych's formula as transcribed; (2) our variance equals the
    Fleiss-Cohen-Everitt formula written out independently; (3) the two agree for 2 x 2 tables.
    """
    levels = case["levels"]
    w = agreement_weights(levels, kind)
    psych_var = psych_weighted_variance(case["rater1"], case["rater2"], levels, w)
    assert psych_var == pytest.approx(case[kind]["var"], rel=1e-9, abs=1e-15)
    r = cohen_kappa(case["rater1"], case["rater2"], weights=kind, categories=levels)
    fce = fleiss_cohen_everitt_variance(case["rater1"], case["rater2"], levels, w)
    assert r.se**2 == pytest.approx(fce, rel=1e-9)
    if len(levels) == 2:
        assert r.se**2 == pytest.approx(case[kind]["var"], rel=1e-9)
    else:
        assert abs(r.se**2 - case[kind]["var"]) > 1e-5


def test_weighted_kappa_se_matches_resampling():
    """The Fleiss-Cohen-Everitt SE (ours) agrees with multinomial resampling; psych's does not."""
    case = KAPPA["cases"][0]
    levels = case["levels"]
    probs, n = _table(case["rater1"], case["rater2"], levels)
    rng = np.random.default_rng(2024)
    tables = rng.multinomial(int(n), probs.ravel(), size=4000).reshape(-1, 5, 5) / n
    for kind in ("linear", "quadratic"):
        w = agreement_weights(levels, kind)
        po = (tables * w).sum(axis=(1, 2))
        pe = np.einsum("bi,bj,ij->b", tables.sum(axis=2), tables.sum(axis=1), w)
        sd = ((po - pe) / (1 - pe)).std(ddof=1)
        r = cohen_kappa(case["rater1"], case["rater2"], weights=kind, categories=levels)
        assert r.se == pytest.approx(sd, rel=0.06)
        assert abs(np.sqrt(case[kind]["var"]) - sd) / sd > 0.3


def test_dichotomised_kappa_is_the_psych_call_case():
    case = next(c for c in KAPPA["cases"] if c["name"] == "call_62kpa_300")
    r = dichotomised_kappa(
        READERS["readers"]["reader1_elasticity_kpa"],
        READERS["readers"]["reader2_elasticity_kpa"],
        cutoff=62,
    )
    assert r.n_categories == 2
    assert r.estimate == pytest.approx(case["unweighted"]["kappa"], abs=1e-12)
    assert r.se**2 == pytest.approx(case["unweighted"]["var"], rel=1e-9)


def test_cutoff_uses_greater_or_equal():
    r = dichotomised_kappa([62.0, 61.9, 70, 50], [62.0, 61.9, 70, 50], cutoff=62)
    assert r.estimate == 1.0


def test_unused_categories_change_nothing():
    case = KAPPA["cases"][2]  # category 1 never used
    for kind in ("unweighted", "linear", "quadratic"):
        a = cohen_kappa(case["rater1"], case["rater2"], weights=kind)
        b = cohen_kappa(case["rater1"], case["rater2"], weights=kind, categories=[0, 1, 2, 3, 4, 5])
        assert a.n_categories == 4 and b.n_categories == 6
        assert a.estimate == pytest.approx(b.estimate, abs=1e-12)
        assert a.se == pytest.approx(b.se, rel=1e-9)


def test_kappa_table_rows():
    case = KAPPA["cases"][0]
    t = kappa_table(case["rater1"], case["rater2"], categories=case["levels"])
    assert t["weights"].tolist() == ["unweighted", "linear", "quadratic"]
    for column in ("estimate", "se", "ci_low", "ci_high", "p_value"):
        assert column in t.columns
    assert t.loc[1, "estimate"] == pytest.approx(case["linear"]["kappa"], abs=1e-12)


def test_kappa_hand_example():
    # 2 x 2 table [[20, 5], [10, 15]]: po = 0.7, pe = 0.5, kappa = 0.4
    r1 = [1] * 25 + [0] * 25
    r2 = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    r = cohen_kappa(r1, r2)
    assert r.observed_agreement == pytest.approx(0.7)
    assert r.expected_agreement == pytest.approx(0.5)
    assert r.estimate == pytest.approx(0.4)


ratings = st.lists(st.integers(1, 5), min_size=2, max_size=60)


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_kappa_properties(data):
    n = data.draw(st.integers(2, 60))
    r1 = data.draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    r2 = data.draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    if len(set(r1) | set(r2)) < 2 or (len(set(r1)) == 1 and len(set(r2)) == 1):
        return
    for kind in ("unweighted", "linear", "quadratic"):
        a = cohen_kappa(r1, r2, weights=kind, categories=range(1, 6))
        b = cohen_kappa(r2, r1, weights=kind, categories=range(1, 6))
        assert -1 - 1e-9 <= a.estimate <= 1 + 1e-9
        assert a.estimate == pytest.approx(b.estimate, abs=1e-9)
        assert a.se == pytest.approx(b.se, rel=1e-6, abs=1e-6)
        assert a.ci_low <= a.estimate + 1e-12 and a.estimate - 1e-12 <= a.ci_high
        assert 0 <= a.p_value <= 1


@given(st.lists(st.integers(1, 5), min_size=2, max_size=40).filter(lambda v: len(set(v)) > 1))
def test_perfect_agreement_gives_one(values):
    for kind in ("unweighted", "linear", "quadratic"):
        assert cohen_kappa(values, values, weights=kind).estimate == pytest.approx(1.0)


def test_kappa_errors():
    with pytest.raises(ValueError, match="length mismatch"):
        cohen_kappa([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="rater2 .*nan.* at position 1"):
        cohen_kappa([1, 2], [1, float("nan")])
    with pytest.raises(ValueError, match="weights must be one of"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")
    with pytest.raises(ValueError, match="rater1 holds 7.0 at position 2"):
        cohen_kappa([1, 2, 7], [1, 2, 3], categories=range(1, 6))
    with pytest.raises(ValueError, match="at least two categories"):
        cohen_kappa([3, 3], [3, 3])
    with pytest.raises(ValueError, match="single category"):
        cohen_kappa([3, 3], [3, 3], categories=[1, 3])
    with pytest.raises(ValueError, match="confidence_level"):
        cohen_kappa([1, 2], [1, 2], confidence_level=1.5)
    with pytest.raises(TypeError, match="confidence_level"):
        cohen_kappa([1, 2], [1, 2], confidence_level="95%")
    with pytest.raises(TypeError, match="rater1 must hold numbers"):
        cohen_kappa(["a", "b"], [1, 2])


# ---------------------------------------------------------------------------------------------
# The batched kernel against psych and statsmodels
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["unweighted", "linear", "quadratic"])
@pytest.mark.parametrize("case", KAPPA["cases"], ids=lambda c: c["name"])
def test_kappa_estimate_matches_psych(case, kind):
    got = kappa_estimate(case["rater1"], case["rater2"], categories=case["levels"], weights=kind)
    assert isinstance(got, float)
    assert got == pytest.approx(case[kind]["kappa"], abs=1e-12)


def _statsmodels_kappa(r1, r2, categories, kind):
    k = len(categories)
    table = np.zeros((k, k))
    np.add.at(table, (np.searchsorted(categories, r1), np.searchsorted(categories, r2)), 1)
    if kind == "unweighted":
        return sm_cohens_kappa(table).kappa
    return sm_cohens_kappa(table, weights=np.asarray(categories, float), wt=kind).kappa


@pytest.mark.parametrize("kind", ["unweighted", "linear", "quadratic"])
def test_kappa_estimate_on_a_stack_matches_statsmodels(kind):
    rng = np.random.default_rng(15)
    categories = [1, 2, 3, 4, 5]
    r1 = rng.integers(1, 6, size=(40, 60))
    shift = rng.choice([-1, 0, 0, 0, 1], size=r1.shape)
    r2 = np.clip(r1 + shift, 1, 5)
    got = kappa_estimate(r1, r2, categories=categories, weights=kind)
    assert got.shape == (40,)
    expected = [_statsmodels_kappa(a, b, categories, kind) for a, b in zip(r1, r2, strict=True)]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    # observations along axis 0; a 3-D stack; float ratings and non-integer categories
    np.testing.assert_array_equal(
        kappa_estimate(r1.T, r2.T, categories=categories, weights=kind, axis=0), got
    )
    stacked = kappa_estimate(
        r1.reshape(4, 10, 60), r2.reshape(4, 10, 60), categories=categories, weights=kind
    )
    np.testing.assert_array_equal(stacked.ravel(), got)
    scaled = kappa_estimate(r1 / 2.0, r2 / 2.0, categories=np.divide(categories, 2.0), weights=kind)
    np.testing.assert_allclose(scaled, got, rtol=0, atol=1e-12)


def test_kappa_estimate_is_the_estimate_of_cohen_kappa():
    case = KAPPA["cases"][0]
    for kind in ("unweighted", "linear", "quadratic"):
        r = cohen_kappa(case["rater1"], case["rater2"], weights=kind, categories=case["levels"])
        one = kappa_estimate(
            case["rater1"], case["rater2"], categories=case["levels"], weights=kind
        )
        assert r.estimate == one


def test_kappa_estimate_edge_cases_and_errors():
    # a row in which both raters use one category: chance agreement 1, kappa NaN
    got = kappa_estimate([[1, 1, 1], [1, 2, 2]], [[1, 1, 1], [1, 2, 1]], categories=[1, 2])
    assert np.isnan(got[0]) and got[1] == pytest.approx(0.4)
    assert kappa_estimate([True, False, True], [True, False, False], categories=[0, 1]) == (
        pytest.approx(cohen_kappa([1, 0, 1], [1, 0, 0]).estimate)
    )
    with pytest.raises(ValueError, match=r"rater2 holds 6.0 at position \(1, 0\)"):
        kappa_estimate([[1, 2], [3, 4]], [[1, 2], [6, 4]], categories=range(1, 6))
    with pytest.raises(ValueError, match=r"rater1 holds 6.0 at position \(0, 1\)"):
        kappa_estimate([[1, 6], [2, 3]], [[1, 3], [2, 3]], categories=range(1, 6), axis=0)
    with pytest.raises(ValueError, match="rater1 holds 2.5 at position 1"):
        kappa_estimate([1.0, 2.5], [1.0, 2.0], categories=[1, 2])
    with pytest.raises(ValueError, match="not one of the categories"):
        kappa_estimate([1.0, np.nan], [1.0, 2.0], categories=[1, 2])
    with pytest.raises(ValueError, match="same shape"):
        kappa_estimate([1, 2], [1, 2, 1], categories=[1, 2])
    with pytest.raises(ValueError, match="strictly increasing"):
        kappa_estimate([1, 2], [1, 2], categories=[2, 1])
    with pytest.raises(ValueError, match="at least two categories"):
        kappa_estimate([1, 1], [1, 1], categories=[1])
    with pytest.raises(ValueError, match="weights must be one of"):
        kappa_estimate([1, 2], [1, 2], categories=[1, 2], weights="cubic")
    with pytest.raises(TypeError, match="rater1 must hold numbers"):
        kappa_estimate(["a", "b"], [1, 2], categories=[1, 2])
    with pytest.raises(ValueError, match="no observations"):
        kappa_estimate(np.empty((3, 0)), np.empty((3, 0)), categories=[1, 2])


# ---------------------------------------------------------------------------------------------
# ICC against psych::ICC
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ICC["cases"], ids=lambda c: c["name"])
def test_icc_matches_psych(case):
    t = intraclass_correlations(np.column_stack(case["ratings"]))
    assert t["form"].tolist() == case["type"]
    np.testing.assert_allclose(t["estimate"], case["icc"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(t["statistic"], case["f"], rtol=1e-9)
    np.testing.assert_allclose(t["df1"], case["df1"], rtol=0, atol=0)
    np.testing.assert_allclose(t["df2"], case["df2"], rtol=0, atol=0)
    np.testing.assert_allclose(t["p_value"], case["p"], rtol=1e-6)
    np.testing.assert_allclose(t["ci_low"], case["lower"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(t["ci_high"], case["upper"], rtol=0, atol=1e-10)


def test_icc_shrout_fleiss_1979_published_values():
    case = next(c for c in ICC["cases"] if c["name"] == "shrout_fleiss_1979_table2")
    t = intraclass_correlations(np.column_stack(case["ratings"]))
    # Shrout & Fleiss (1979), Table 4
    assert t["estimate"].round(2).tolist() == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    assert t["shrout_fleiss"].tolist() == [
        "ICC(1,1)",
        "ICC(2,1)",
        "ICC(3,1)",
        "ICC(1,k)",
        "ICC(2,k)",
        "ICC(3,k)",
    ]
    assert t["mcgraw_wong"].tolist()[1:3] == ["ICC(A,1)", "ICC(C,1)"]


def test_icc_does_not_change_pingouin_options():
    before = dict(pingouin.options)
    intraclass_correlations([[1, 2], [3, 3], [5, 6], [2, 2]])
    assert dict(pingouin.options) == before


@given(
    arrays(float, (8, 3), elements=st.floats(0, 100, allow_nan=False)),
    st.floats(0.1, 10),
    st.floats(-50, 50),
)
@settings(max_examples=40, deadline=None)
def test_icc_invariances(matrix, scale, shift):
    if np.ptp(matrix, axis=0).min() < 1e-3 or np.ptp(matrix, axis=1).min() < 1e-3:
        return
    base = intraclass_correlations(matrix)
    scaled = intraclass_correlations(matrix * scale + shift)
    np.testing.assert_allclose(scaled["estimate"], base["estimate"], atol=1e-7)
    offset = matrix.copy()
    offset[:, 0] += shift
    moved = intraclass_correlations(offset).set_index("form")
    base = base.set_index("form")
    # consistency forms ignore a constant rater offset
    for form in ("ICC3", "ICC3k"):
        assert moved.loc[form, "estimate"] == pytest.approx(base.loc[form, "estimate"], abs=1e-7)


def test_icc_errors():
    with pytest.raises(ValueError, match="two-dimensional"):
        intraclass_correlations([1, 2, 3])
    with pytest.raises(ValueError, match="at least two raters"):
        intraclass_correlations([[1], [2], [3]])
    with pytest.raises(ValueError, match="at least three targets"):
        intraclass_correlations([[1, 2], [2, 3]])
    with pytest.raises(ValueError, match=r"ratings column 1 \(rater2\).*nan.* at position 2"):
        intraclass_correlations([[1, 2], [2, 3], [3, np.nan]])
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, None, 3.0]})
    with pytest.raises(ValueError, match="column 'b', row 1"):
        intraclass_correlations(frame)
    with pytest.raises(ValueError, match="all equal"):
        intraclass_correlations([[1, 1], [1, 1], [1, 1]])


def test_icc_form():
    choice = icc_form(raters="fixed", unit="average", definition="consistency")
    assert isinstance(choice, IccChoice)
    assert (choice.form, choice.shrout_fleiss, choice.mcgraw_wong) == (
        "ICC3k",
        "ICC(3,k)",
        "ICC(C,k)",
    )
    assert "fixed" in choice.reason and "mean" in choice.reason
    assert icc_form(raters="fixed", unit="average", definition="agreement").form == "ICC2k"
    assert icc_form(raters="random", unit="single", definition="agreement").form == "ICC2"
    assert icc_form(raters="random", unit="single", definition="consistency").form == "ICC3"
    assert icc_form(raters="different", unit="average", definition="consistency").form == "ICC1k"
    single = icc_form(raters="different", unit="single", definition="consistency")
    assert single.shrout_fleiss == "ICC(1,1)"
    with pytest.raises(ValueError, match="raters must be one of"):
        icc_form(raters="some", unit="single", definition="consistency")
    with pytest.raises(TypeError):
        icc_form()  # the design has no default


def test_icc_form_names_a_row_of_the_table():
    t = intraclass_correlations([[1, 2], [3, 3], [5, 6], [2, 2]])
    for raters in ("fixed", "random", "different"):
        for unit in ("average", "single"):
            choice = icc_form(raters=raters, unit=unit, definition="consistency")
            row = t.set_index("form").loc[choice.form]
            assert row["shrout_fleiss"] == choice.shrout_fleiss


# ---------------------------------------------------------------------------------------------
# Bland-Altman against base R
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", BA["bland_altman"], ids=lambda c: c["name"])
def test_bland_altman_matches_r(case):
    r = bland_altman(
        case["x"], case["y"], coverage=case["coverage"], confidence_level=1 - case["alpha"]
    )
    assert isinstance(r, BlandAltmanResult)
    tol = {"rel": 1e-9, "abs": 1e-12}
    assert r.bias == pytest.approx(case["bias"], **tol)
    assert r.bias_se == pytest.approx(case["bias_se"], **tol)
    assert [r.bias_ci_low, r.bias_ci_high] == pytest.approx(case["bias_ci"], **tol)
    assert r.bias_p_value == pytest.approx(case["bias_p"], rel=1e-6)
    assert r.sd_diff == pytest.approx(case["sd"], **tol)
    assert [r.loa_low, r.loa_high] == pytest.approx([case["loa_low"], case["loa_high"]], **tol)
    assert r.loa_se == pytest.approx(case["loa_se"], **tol)
    assert [r.loa_low_ci_low, r.loa_low_ci_high] == pytest.approx(case["loa_low_ci"], **tol)
    assert [r.loa_high_ci_low, r.loa_high_ci_high] == pytest.approx(case["loa_high_ci"], **tol)
    assert r.n_inside == case["n_inside"]
    assert r.share_inside == pytest.approx(case["n_inside"] / r.n)
    assert r.slope == pytest.approx(case["slope"], **tol)
    assert r.slope_se == pytest.approx(case["slope_se"], **tol)
    assert r.slope_p_value == pytest.approx(case["slope_p"], rel=1e-6)
    assert r.intercept == pytest.approx(case["intercept"], **tol)
    assert [r.slope_ci_low, r.slope_ci_high] == pytest.approx(case["slope_ci"], **tol)


def test_bland_altman_frame_and_points():
    case = BA["bland_altman"][0]
    r = bland_altman(case["x"], case["y"], confidence_level=0.9)
    assert r.confidence_level == 0.9 and r.coverage == 0.95
    frame = r.to_frame()
    assert frame["quantity"].tolist() == ["bias", "loa_low", "loa_high", "proportional_bias_slope"]
    assert list(frame.columns) == [
        "quantity",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence_level",
        "p_value",
    ]
    assert (frame["confidence_level"] == 0.9).all()
    points = bland_altman_points(case["x"], case["y"])
    assert points["inside_limits"].sum() == case["n_inside"]
    np.testing.assert_allclose(points["difference"], np.subtract(case["x"], case["y"]))


pairs = arrays(float, st.integers(3, 40), elements=st.floats(1, 1000, allow_nan=False))


@given(pairs, st.data())
@settings(max_examples=60, deadline=None)
def test_bland_altman_properties(x, data):
    noise = data.draw(
        arrays(float, x.size, elements=st.floats(-20, 20, allow_nan=False, allow_subnormal=False))
    )
    y = x + noise
    if np.ptp((x + y) / 2) < 1e-6:
        return
    a = bland_altman(x, y)
    b = bland_altman(y, x)
    assert b.bias == pytest.approx(-a.bias, abs=1e-9)
    assert b.loa_low == pytest.approx(-a.loa_high, abs=1e-9)
    assert b.sd_diff == pytest.approx(a.sd_diff, rel=1e-9, abs=1e-12)
    assert 0 <= a.share_inside <= 1
    assert a.loa_low_ci_low <= a.loa_low <= a.loa_low_ci_high
    assert a.loa_high_ci_low <= a.loa_high <= a.loa_high_ci_high
    assert a.bias_ci_low <= a.bias <= a.bias_ci_high


def test_bland_altman_errors():
    with pytest.raises(ValueError, match="at least 3 pairs"):
        bland_altman([1, 2], [1, 2])
    with pytest.raises(ValueError, match="means of x and y are all equal"):
        bland_altman([1, 2, 3], [3, 2, 1])
    with pytest.raises(ValueError, match="coverage"):
        bland_altman([1, 2, 3], [1, 2, 4], coverage=95)
    with pytest.raises(ValueError, match="y holds 1 non-finite"):
        bland_altman([1, 2, 3], [1, np.inf, 3])


# ---------------------------------------------------------------------------------------------
# Repeatability against base R (aov)
# ---------------------------------------------------------------------------------------------
def test_repeatability_stats_matches_r():
    m = pd.DataFrame(BA["measurements"])
    subjects = (m["participant_id"].astype(str) + "/" + m["reader"].astype(str)).to_numpy()
    ref = next(r for r in BA["repeatability"] if r["group"] == "all")
    r = repeatability_stats(m["emean_kpa"], subjects)
    assert (r.n_subjects, r.n_measurements, r.df) == (
        ref["n_subjects"],
        ref["n_measurements"],
        ref["df"],
    )
    assert r.within_sd == pytest.approx(ref["within_sd"], rel=1e-9)
    assert [r.within_sd_ci_low, r.within_sd_ci_high] == pytest.approx(ref["within_sd_ci"], rel=1e-9)
    assert r.cv_rms == pytest.approx(ref["cv_rms"], rel=1e-9)
    assert r.confidence_level == 0.95
    wide = repeatability_stats(m["emean_kpa"], subjects, confidence_level=0.99)
    assert wide.within_sd_ci_low < r.within_sd_ci_low and wide.rc_ci_high > r.rc_ci_high


def test_repeatability_hand_example():
    r = repeatability_stats([10, 11, 12, 20, 21, 22, 30], ["a"] * 3 + ["b"] * 3 + ["c"])
    assert (r.n_subjects, r.df) == (3, 4)
    assert r.within_sd == pytest.approx(1.0)
    assert r.repeatability_coefficient == pytest.approx(2.7718, abs=1e-4)


@given(
    arrays(float, 12, elements=st.floats(1, 100, allow_nan=False)),
    st.floats(0.01, 100),
)
@settings(max_examples=40, deadline=None)
def test_repeatability_scales(values, scale):
    subjects = np.repeat(["a", "b", "c", "d"], 3)
    a = repeatability_stats(values, subjects)
    b = repeatability_stats(values * scale, subjects)
    assert b.within_sd == pytest.approx(a.within_sd * scale, rel=1e-9, abs=1e-9)
    assert b.cv == pytest.approx(a.cv, rel=1e-9, abs=1e-12)
    assert a.within_sd_ci_low <= a.within_sd <= a.within_sd_ci_high


def test_repeatability_errors():
    with pytest.raises(ValueError, match="two or more measurements"):
        repeatability_stats([1.0, 2.0], ["a", "b"])
    with pytest.raises(ValueError, match="confidence_level"):
        repeatability_stats([1.0, 2.0, 3.0], ["a", "a", "b"], confidence_level=0)
