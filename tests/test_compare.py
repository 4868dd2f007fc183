"""Tests of microcalc.stats.compare.

Reference values come from base R (tests/reference/compare_logistic.R, R version recorded in each
fixture); R is not needed to run these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from microcalc.stats import compare
from microcalc.stats.compare import (
    compare_categorical,
    compare_continuous,
    format_p_value,
    normality_test,
    spearman_correlation,
    summary_table,
)
from microcalc.study.variables import CATEGORICAL_COLUMNS, GROUP_LABELS, VARIABLE_LABELS

FIXTURES = Path(__file__).parent / "reference" / "fixtures"
TOL = 1e-6


def load(name: str) -> dict:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return json.load(handle)


CONTINUOUS = load("compare_continuous.json")
CATEGORICAL = load("compare_categorical.json")
SPEARMAN = load("compare_spearman.json")


def close(actual, expected, tol: float = TOL) -> bool:
    return abs(actual - expected) <= tol * max(1.0, abs(expected))


def make_lesions(n_per_group: int = 60, seed: int = 7) -> pd.DataFrame:
    """A small synthetic lesion table with the data-dictionary columns."""
    rng = np.random.default_rng(seed)
    n = 2 * n_per_group
    malignant = np.repeat([1, 0], n_per_group)
    elasticity = np.where(malignant == 1, rng.normal(88, 16, n), rng.normal(46, 10, n))
    strain = np.clip(0.03 * elasticity + rng.normal(0, 0.3, n), 0.3, None)
    histology = np.where(
        malignant == 1,
        rng.choice(["dcis", "invasive_carcinoma"], n),
        rng.choice(["fibroadenoma", "fibrocystic_change", "benign_calcification"], n),
    )
    return pd.DataFrame(
        {
            "participant_id": [f"P{i + 1:03d}" for i in range(n)],
            "malignant": malignant,
            "histology": histology,
            "age_years": rng.normal(50, 10, n).round(1),
            "lesion_size_mm": rng.uniform(3, 15, n).round(1),
            "breast_density": rng.choice(list("ABCD"), n),
            "birads": np.where(malignant == 1, rng.choice([4, 5], n), rng.choice([3, 4], n)),
            "calcification_pattern": rng.choice(["clustered", "scattered", "sparse_punctate"], n),
            "elasticity_kpa": elasticity.round(1),
            "strain_ratio": strain.round(2),
            "elasticity_score": np.where(
                malignant == 1, rng.choice([3, 4, 5], n), rng.choice([1, 2, 3], n)
            ),
        }
    )


def two_group_table(case: dict) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "malignant": [1] * len(case["group1"]) + [0] * len(case["group0"]),
            "x": case["group1"] + case["group0"],
        }
    )


# --------------------------------------------------------------------------- against R
@pytest.mark.parametrize("case", CONTINUOUS["two_groups"], ids=lambda c: c["label"])
def test_t_and_mann_whitney_match_r(case):
    table = two_group_table(case)
    student = compare_continuous(table, "x", method="t", variance="equal", group="malignant")
    welch = compare_continuous(table, "x", method="t", variance="unequal", group="malignant")
    rank = compare_continuous(table, "x", method="rank", group="malignant")
    assert (student.method, welch.method, rank.method) == ("student_t", "welch_t", "mann_whitney")
    for res, ref in ((student, case["student"]), (welch, case["welch"])):
        for field in ("statistic", "df", "p_value", "estimate", "ci_low", "ci_high"):
            assert close(getattr(res, field), ref[field]), field
    assert close(rank.statistic, case["mann_whitney"]["statistic"])
    assert close(rank.p_value, case["mann_whitney"]["p_value"])
    assert close(rank.estimate, case["mann_whitney"]["hodges_lehmann"])
    assert close(student.variance_p_value, case["brown_forsythe"]["p_value"])
    assert close(student.variance_statistic, case["brown_forsythe"]["statistic"])


@pytest.mark.parametrize("case", CONTINUOUS["two_groups"], ids=lambda c: c["label"])
def test_group_summaries_and_lilliefors_statistic_match_r(case):
    res = compare_continuous(two_group_table(case), "x", group="malignant")
    for row, ref, d in zip(
        res.groups.itertuples(),
        (case["summary1"], case["summary0"]),
        (case["lilliefors_d1"], case["lilliefors_d0"]),
        strict=True,
    ):
        assert row.n == ref["n"]
        for field in ("mean", "sd", "median", "q1", "q3"):
            assert close(getattr(row, field), ref[field]), field
        assert close(row.normality_statistic, d)


def test_auto_rule_picks_the_documented_test():
    chosen = {
        case["label"]: compare_continuous(two_group_table(case), "x", group="malignant").method
        for case in CONTINUOUS["two_groups"]
    }
    assert chosen == {
        "normal_equal_var": "student_t",
        "normal_unequal_var": "welch_t",
        "skewed": "mann_whitney",
        "tied_scores": "mann_whitney",
    }
    unequal = CONTINUOUS["two_groups"][1]
    forced = compare_continuous(two_group_table(unequal), "x", variance="equal", group="malignant")
    assert forced.method == "student_t"
    assert "variance='equal'" in forced.reason


def test_three_groups_match_r():
    case = CONTINUOUS["three_groups"]
    table = pd.DataFrame({"pattern": case["groups"], "x": case["values"]})
    refs = {
        "anova": case["anova"],
        "welch_anova": case["welch_anova"],
        "kruskal_wallis": case["kruskal_wallis"],
    }
    for method, variance in (("t", "equal"), ("t", "unequal"), ("rank", "auto")):
        res = compare_continuous(table, "x", group="pattern", method=method, variance=variance)
        ref = refs[res.method]
        assert close(res.statistic, ref["statistic"])
        assert close(res.p_value, ref["p_value"])
        assert close(res.df, ref.get("df1", ref.get("df")))
        if "df2" in ref:
            assert close(res.df2, ref["df2"])
    assert list(res.groups.label) == ["clustered", "scattered", "sparse_punctate"]


@pytest.mark.parametrize("case", CATEGORICAL["cases"], ids=lambda c: c["label"])
def test_chi_square_and_fisher_match_r(case):
    table = pd.DataFrame({"malignant": case["group"], "v": case["category"]})
    chi = compare_categorical(
        table, "v", method="chi_square", group="malignant", group_labels=GROUP_LABELS
    )
    fisher = compare_categorical(table, "v", method="fisher", group="malignant")
    assert chi.method == "chi_square"
    assert fisher.method == "fisher_exact"
    assert close(chi.statistic, case["chisq"]["statistic"])
    assert chi.df == case["chisq"]["df"]
    assert close(chi.p_value, case["chisq"]["p_value"])
    assert close(fisher.p_value, case["fisher"]["p_value"])
    assert close(chi.min_expected, np.min(case["expected"]))
    np.testing.assert_array_equal(chi.counts[["malignant", "benign"]], case["observed"])
    if "chisq_yates" in case:
        yates = compare_categorical(
            table, "v", method="chi_square", correction=True, group="malignant"
        )
        assert yates.method == "chi_square_yates"
        assert close(yates.statistic, case["chisq_yates"]["statistic"])
        assert close(yates.p_value, case["chisq_yates"]["p_value"])


def test_cochran_rule_chooses_fisher_for_small_expected_counts():
    chosen = {}
    for case in CATEGORICAL["cases"]:
        table = pd.DataFrame({"malignant": case["group"], "v": case["category"]})
        chosen[case["label"]] = compare_categorical(table, "v", group="malignant").method
    assert chosen == {
        "density_2x4": "chi_square",
        "birads_2x3": "chi_square",
        "large_2x2": "chi_square",
        "small_2x2": "fisher_exact",
        "small_2x3": "fisher_exact",
    }


@pytest.mark.parametrize("case", SPEARMAN["cases"], ids=lambda c: c["label"])
def test_spearman_matches_r(case):
    table = pd.DataFrame({"a": case["x"], "b": case["y"]})
    for method in ("bonett_wright", "fisher"):
        res = spearman_correlation(table, "a", "b", ci_method=method)
        assert res.n == case["n"]
        assert close(res.estimate, case["estimate"])
        assert close(res.p_value, case["p_value"])
        # the R fixture's "se" is the standard error of atanh(rho)
        assert close(res.se_fisher_z, case[method]["se"])
        for field in ("ci_low", "ci_high"):
            assert close(getattr(res, field), case[method][field]), field


def test_fixtures_record_the_r_version():
    for fixture in (CONTINUOUS, CATEGORICAL, SPEARMAN):
        assert fixture["r_version"].startswith("R version")


# --------------------------------------------------------------------------- behaviour
def test_monte_carlo_fallback_for_large_sparse_tables_is_seeded():
    rng = np.random.default_rng(3)
    table = pd.DataFrame(
        {"g": rng.choice(["a", "b", "c"], 40), "v": rng.choice(["x", "y", "z", "w"], 40)}
    )
    first = compare_categorical(table, "v", group="g")
    second = compare_categorical(table, "v", group="g")
    assert first.method == "fisher_monte_carlo"
    assert first.p_value == second.p_value
    assert 0 <= first.p_value <= 1


def test_nested_levels_are_not_tested():
    res = compare_categorical(make_lesions(), "histology", group="malignant")
    assert res.method == "none"
    assert np.isnan(res.p_value)
    assert "one group only" in res.reason


def test_summary_table_layout_and_values():
    lesions = make_lesions()
    variables = ["age_years", "breast_density", "birads", "histology", "strain_ratio"]
    table = summary_table(
        lesions,
        variables=variables,
        digits={"strain_ratio": 2},
        group="malignant",
        group_labels=GROUP_LABELS,
        categorical=CATEGORICAL_COLUMNS,
        labels=VARIABLE_LABELS,
    )
    assert list(table.columns) == [
        "variable",
        "label",
        "level",
        "summary",
        "malignant",
        "benign",
        "method",
        "p_value",
        "p_text",
        "reason",
    ]
    assert all(name.isidentifier() for name in table.columns)
    assert table.attrs["group_n"] == {"malignant": 60, "benign": 60}
    age = table[table.variable == "age_years"]
    assert list(age.summary) == ["mean_sd", "median_iqr"]
    direct = compare_continuous(lesions, "age_years", group="malignant")
    assert age.p_value.iloc[0] == direct.p_value
    assert np.isnan(age.p_value.iloc[1])
    mean = lesions.loc[lesions.malignant == 1, "age_years"].mean()
    assert age.malignant.iloc[0].startswith(f"{mean:.1f} ± ")
    density = table[table.variable == "breast_density"]
    assert list(density.level) == ["A", "B", "C", "D"]
    counts = density.malignant.str.extract(r"^(\d+) ").astype(int)[0]
    assert counts.sum() == 60
    assert list(table[table.variable == "birads"].level) == ["3", "4", "5"]
    assert table[table.variable == "histology"].method.iloc[0] == "none"
    strain = table[table.variable == "strain_ratio"].malignant.iloc[0]
    assert len(strain.split(" ± ")[1].split(".")[1]) == 2


def test_summary_table_serves_table_2_with_other_group_labels():
    lesions = make_lesions()
    table = summary_table(
        lesions,
        variables=["elasticity_kpa", "elasticity_score"],
        group_labels={1: "cancer", 0: "no_cancer"},
        group="malignant",
    )
    assert {"cancer", "no_cancer"} <= set(table.columns)
    assert (table.method.iloc[[0, 2]] != "").all()


def test_format_p_value():
    assert format_p_value(0.0421) == "0.042"
    assert format_p_value(0.00049) == "< 0.001"
    assert format_p_value(float("nan")) == ""


# --------------------------------------------------------------------------- input checks
def test_errors_name_column_row_and_value():
    lesions = make_lesions()
    lesions["age_years"] = lesions["age_years"].astype(object)
    lesions.loc[5, "age_years"] = "old"
    with pytest.raises(ValueError, match=r"'age_years'.*row 5.*'old'"):
        compare_continuous(lesions, "age_years", group="malignant")
    lesions = make_lesions()
    lesions.loc[7, "elasticity_kpa"] = np.nan
    with pytest.raises(ValueError, match=r"'elasticity_kpa'.*row 7"):
        summary_table(lesions, variables=["elasticity_kpa"], group="malignant")
    lesions = make_lesions()
    lesions.loc[3, "breast_density"] = None
    with pytest.raises(ValueError, match=r"'breast_density'.*row 3"):
        compare_categorical(lesions, "breast_density", group="malignant")
    with pytest.raises(ValueError, match="no column 'size'"):
        compare_continuous(make_lesions(), "size", group="malignant")
    with pytest.raises(TypeError, match="DataFrame"):
        compare_continuous({"a": [1]}, "a", group="malignant")
    with pytest.raises(ValueError, match="method"):
        compare_continuous(make_lesions(), "age_years", method="ks", group="malignant")
    with pytest.raises(ValueError, match="at least two groups"):
        compare_continuous(make_lesions().query("malignant == 1"), "age_years", group="malignant")


def test_normality_test_small_and_constant_samples():
    assert not normality_test([1.0, 2.0, 3.0]).normal
    assert not normality_test([2.0] * 10).normal
    with pytest.raises(ValueError, match="position 1"):
        normality_test([1.0, np.inf, 2.0, 3.0])


# --------------------------------------------------------------------------- properties
samples = st.lists(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 2)),
    min_size=6,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(a=samples, b=samples, seed=st.integers(0, 2**16))
def test_row_order_does_not_matter_and_swapping_groups_negates(a, b, seed):
    table = pd.DataFrame({"malignant": [1] * len(a) + [0] * len(b), "x": a + b})
    res = compare_continuous(table, "x", group="malignant")
    shuffled = table.sample(frac=1, random_state=seed)
    again = compare_continuous(shuffled, "x", group="malignant")
    assert again.method == res.method
    np.testing.assert_allclose(again.p_value, res.p_value, rtol=1e-9, equal_nan=True)
    swapped = table.assign(malignant=1 - table.malignant)
    other = compare_continuous(swapped, "x", method="t", variance="unequal", group="malignant")
    first = compare_continuous(table, "x", method="t", variance="unequal", group="malignant")
    np.testing.assert_allclose(other.p_value, first.p_value, rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(other.estimate, -first.estimate, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(table=st.lists(st.integers(0, 12), min_size=4, max_size=4))
def test_fisher_enumeration_matches_scipy_for_2x2(table):
    observed = np.array(table).reshape(2, 2)
    if (observed.sum(axis=0) == 0).any() or (observed.sum(axis=1) == 0).any():
        return
    ours = compare._fisher_2xc(observed)
    assert ours == pytest.approx(stats.fisher_exact(observed).pvalue, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    x=st.lists(
        st.integers(-10_000, 10_000).map(lambda v: v / 100), min_size=6, max_size=50, unique=True
    ),
    noise=st.integers(0, 2**16),
)
def test_spearman_is_rank_invariant_and_ci_brackets_rho(x, noise):
    rng = np.random.default_rng(noise)
    y = np.asarray(x) + rng.normal(0, 30, len(x))
    table = pd.DataFrame({"a": x, "b": y})
    res = spearman_correlation(table, "a", "b")
    monotone = spearman_correlation(table.assign(a=np.exp(table.a / 50)), "a", "b")
    assert monotone.estimate == pytest.approx(res.estimate, abs=1e-12)
    assert -1 <= res.ci_low <= res.estimate <= res.ci_high <= 1
    assert 0 <= res.p_value <= 1


# --------------------------------------------------------------------------- re-checking a paper
# Reference values computed with R 4.2.2 (2022-11-10): chisq.test(correct = FALSE), the G statistic
# 2 * sum(O * log(O / E)), M2 = (N - 1) * cor(x, y)^2 on the expanded table, fisher.method, and the
# pooled / Welch t formulas written out, on the published counts and summaries of Yan & Fang 2025.
PUBLISHED_TABLES = {
    "density": (
        [[30, 38], [40, 42], [50, 45], [30, 25]],
        [0.635232078898822, 0.634580155964438, 0.199590362347099, 0.644633151964636],
    ),
    "birads": (
        [[20, 60], [65, 70], [65, 20]],
        [2.77733998987302e-10, 9.28952865154316e-11, 3.89883685911021e-11, 1.08774389764802e-10],
    ),
    "pattern": (
        [[72, 54], [45, 33], [33, 63]],
        [0.00101153003447566, 0.000926759030102367, 0.00120316391361781, 0.00103044533352213],
    ),
}


def expand_counts(counts) -> pd.DataFrame:
    rows = []
    for level, (mal, ben) in enumerate(counts):
        rows += [{"malignant": 1, "x": f"L{level}"}] * mal
        rows += [{"malignant": 0, "x": f"L{level}"}] * ben
    return pd.DataFrame(rows)


@pytest.mark.parametrize("name", sorted(PUBLISHED_TABLES))
def test_categorical_test_variants_match_r(name):
    counts, expected = PUBLISHED_TABLES[name]
    table = compare.categorical_test_variants(expand_counts(counts), "x", group="malignant")
    assert list(table.method) == [
        "chi_square",
        "likelihood_ratio",
        "linear_by_linear",
        "fisher_exact",
    ]
    for actual, ref in zip(table.p_value, expected, strict=True):
        assert actual == pytest.approx(ref, rel=1e-6)


def test_categorical_test_variants_two_by_two_adds_yates_and_takes_scores():
    table = compare.categorical_test_variants(
        expand_counts([[70, 80], [80, 70]]), "x", group="malignant"
    )
    assert "chi_square_yates" in set(table.method)
    yates = table.set_index("method").loc["chi_square_yates", "p_value"]
    assert yates == pytest.approx(stats.chi2_contingency([[70, 80], [80, 70]]).pvalue)
    lesions = expand_counts(PUBLISHED_TABLES["density"][0])
    equal = compare.categorical_test_variants(lesions, "x", scores=[0, 1, 2, 3], group="malignant")
    scaled = compare.categorical_test_variants(
        lesions, "x", scores=[10, 20, 30, 40], group="malignant"
    )
    assert equal.p_value.tolist() == pytest.approx(scaled.p_value.tolist())
    with pytest.raises(ValueError, match="scores must hold 4"):
        compare.categorical_test_variants(lesions, "x", scores=[0, 1], group="malignant")


def test_ttest_from_summary_matches_r_and_brackets_rounding():
    student = compare.ttest_from_summary(51.3, 10.2, 150, 49.7, 9.8, 150, decimals=1)
    assert student.statistic == pytest.approx(1.385363601036621, rel=1e-9)
    assert student.p_value == pytest.approx(0.166977369273652, rel=1e-9)
    assert student.p_min < student.p_value < student.p_max
    welch = compare.ttest_from_summary(51.3, 10.2, 150, 49.7, 9.8, 150, equal_var=False)
    assert welch.df == pytest.approx(297.524341656130673, rel=1e-9)
    assert welch.p_value == pytest.approx(0.166979024266399, rel=1e-9)
    assert welch.p_min == welch.p_max == welch.p_value
    size = compare.ttest_from_summary(7.4, 2.1, 150, 5.8, 1.9, 150)
    assert size.p_value == pytest.approx(2.77677044045386e-11, rel=1e-6)
    # a zero difference inside the rounding box allows p = 1
    assert compare.ttest_from_summary(5.0, 1.0, 20, 5.1, 1.0, 20, decimals=1).p_max == 1.0
    with pytest.raises(ValueError, match="sd1"):
        compare.ttest_from_summary(5.0, 0.0, 20, 5.1, 1.0, 20)
    with pytest.raises(ValueError, match="n2"):
        compare.ttest_from_summary(5.0, 1.0, 20, 5.1, 1.0, 1)


def test_rounding_range_holds_every_rounded_input():
    rng = np.random.default_rng(3)
    res = compare.ttest_from_summary(7.4, 2.1, 30, 5.8, 1.9, 30, decimals=1)
    for _ in range(200):
        m1, m2, s1, s2 = rng.uniform(-0.05, 0.05, 4) + (7.4, 5.8, 2.1, 1.9)
        p = stats.ttest_ind_from_stats(m1, s1, 30, m2, s2, 30).pvalue
        assert res.p_min - 1e-15 <= p <= res.p_max + 1e-15


def test_p_value_verdict():
    assert compare.p_value_verdict(0.114, 0.1144, decimals=3) == "agrees"
    assert compare.p_value_verdict(0.114, 0.166, decimals=3) == "differs, same conclusion"
    assert compare.p_value_verdict(0.015, 3e-11, decimals=3) == "differs, same conclusion"
    assert compare.p_value_verdict(0.087, 0.635, decimals=3) == "differs, same conclusion"
    assert compare.p_value_verdict(0.032, 0.20, decimals=3) == "differs, conclusion changes"
    assert compare.p_value_verdict(0.001, 1e-9, decimals=3, qualifier="<") == "agrees"
    assert compare.p_value_verdict(0.001, 0.01, decimals=3, qualifier="<") == (
        "differs, same conclusion"
    )
    assert compare.p_value_verdict(0.90, 0.95, decimals=2, qualifier=">") == "agrees"
    with pytest.raises(ValueError, match="qualifier"):
        compare.p_value_verdict(0.1, 0.1, decimals=2, qualifier="~")
    with pytest.raises(ValueError, match="ours"):
        compare.p_value_verdict(0.1, 1.5, decimals=2)


# --------------------------------------------------------------------------- batched Spearman
def test_spearman_rho_over_a_stack_equals_scipy():
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=(6, 50)), 1)  # ties
    y = np.round(x + rng.normal(size=(6, 50)), 0)
    got = compare.spearman_rho(x, y)
    assert got.shape == (6,)
    for i in range(6):
        assert got[i] == pytest.approx(stats.spearmanr(x[i], y[i]).statistic, rel=1e-12)
    along0 = compare.spearman_rho(x.T, y.T, axis=0)
    np.testing.assert_allclose(along0, got, rtol=1e-14)
    # one shared sample broadcasts against a stack
    shared = compare.spearman_rho(x[0], y)
    assert shared[2] == pytest.approx(stats.spearmanr(x[0], y[2]).statistic, rel=1e-12)
    assert isinstance(compare.spearman_rho(x[0], y[0]), float)


@pytest.mark.parametrize("case", SPEARMAN["cases"], ids=lambda c: c["label"])
def test_spearman_rho_matches_r(case):
    assert close(compare.spearman_rho(case["x"], case["y"]), case["estimate"])


def test_table_errors_name_the_argument_data():
    """The generic table checks call the table ``data``, the name of the argument."""
    table = pd.DataFrame({"g": [1] * 5 + [0] * 5, "x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, np.nan]})
    with pytest.raises(ValueError, match=r"^data has no column 'y'; its columns are: g, x$"):
        compare.compare_continuous(table, "y", group="g")
    with pytest.raises(ValueError, match=r"column 'x' of data must hold finite numbers; row 9"):
        compare.compare_continuous(table, "x", group="g")
    with pytest.raises(ValueError, match=r"^data has no rows$"):
        compare.compare_continuous(table.iloc[:0], "x", group="g")
