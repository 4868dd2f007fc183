"""Tests of microcalc.stats.logistic.

Reference values come from base R's glm, MASS's confint and formulas written out in
tests/reference/compare_logistic.R (R version recorded in each fixture); R is not needed here.
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

from microcalc.stats.logistic import (
    LogisticFit,
    calibration,
    calibration_table,
    combined_probability,
    detect_separation,
    fit_logistic,
    fit_logistic_batch,
    hosmer_lemeshow,
    odds_ratio_table,
    univariable_screen,
    vif,
)
from microcalc.study.variables import CANDIDATES, COMBINED, add_density_cd

FIXTURES = Path(__file__).parent / "reference" / "fixtures"
TOL = 1e-6


def load(name: str) -> dict:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return json.load(handle)


COHORT = load("logistic_cohort.json")
SEPARATION = load("logistic_separation.json")
DATA = add_density_cd(pd.DataFrame(COHORT["data"]))
VALIDATION = pd.DataFrame(COHORT["validation"])
R_TERM = {"(Intercept)": "const"}


def close(actual, expected, tol: float = TOL) -> bool:
    return abs(actual - expected) <= tol * max(1.0, abs(expected))


def check_coefficients(fit: LogisticFit, reference: list[dict], profile: bool = True) -> None:
    table = fit.coefficients.set_index("term")
    assert list(table.index) == [R_TERM.get(r["term"], r["term"]) for r in reference]
    for ref in reference:
        row = table.loc[R_TERM.get(ref["term"], ref["term"])]
        assert close(row.estimate, ref["coef"]), ref["term"]
        assert close(row.se, ref["se"]), ref["term"]
        assert close(row.statistic, ref["z"]), ref["term"]
        assert close(row.p_value, ref["p_value"]), ref["term"]
        assert close(row.odds_ratio, ref["odds_ratio"]), ref["term"]
        assert close(math.log(row.odds_ratio_ci_low), ref["wald_ci_low"]), ref["term"]
        assert close(math.log(row.odds_ratio_ci_high), ref["wald_ci_high"]), ref["term"]
        if profile:
            assert close(math.log(row.odds_ratio_profile_ci_low), ref["profile_ci_low"]), ref[
                "term"
            ]
            assert close(math.log(row.odds_ratio_profile_ci_high), ref["profile_ci_high"]), ref[
                "term"
            ]
            assert close(row.lr_p_value, ref["lr_p_value"]), ref["term"]
            # MASS's confint interpolates a spline through a grid: same interval, fewer digits
            assert math.log(row.odds_ratio_profile_ci_low) == pytest.approx(
                ref["mass_profile_ci_low"], abs=1e-3
            )
            assert math.log(row.odds_ratio_profile_ci_high) == pytest.approx(
                ref["mass_profile_ci_high"], abs=1e-3
            )


def make_lesions(n: int = 200, seed: int = 11) -> pd.DataFrame:
    """A small synthetic lesion table with the data-dictionary columns the model uses."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    elasticity = 65 + 18 * z
    strain = np.clip(1.75 + 0.5 * (0.75 * z + 0.66 * rng.normal(size=n)), 0.3, None)
    size = rng.uniform(3, 15, n)
    density = rng.choice(list("ABCD"), n)
    eta = 0.05 * (elasticity - 65) + 0.8 * (strain - 1.75) + 0.1 * (size - 9)
    table = pd.DataFrame(
        {
            "participant_id": [f"P{i + 1:03d}" for i in range(n)],
            "malignant": rng.binomial(1, 1 / (1 + np.exp(-eta))),
            "age_years": rng.normal(50, 10, n).round(1),
            "lesion_size_mm": size.round(1),
            "breast_density": density,
            "elasticity_kpa": elasticity.round(1),
            "strain_ratio": strain.round(2),
        }
    )
    return add_density_cd(table)


# --------------------------------------------------------------------------- against R
@pytest.mark.parametrize("entry", COHORT["univariable"], ids=lambda e: e["predictor"])
def test_univariable_fits_match_r(entry):
    fit = fit_logistic(DATA, predictors=[entry["predictor"]], outcome="malignant")
    check_coefficients(fit, entry["coefficients"])


def test_univariable_screen_matches_r_and_applies_the_threshold():
    screen = univariable_screen(DATA, predictors=CANDIDATES, outcome="malignant")
    assert list(screen.term) == list(CANDIDATES)
    for row, entry in zip(screen.itertuples(), COHORT["univariable"], strict=True):
        ref = entry["coefficients"][1]
        assert close(row.estimate, ref["coef"])
        assert close(row.p_value, ref["p_value"])
        assert row.selected == (ref["p_value"] < 0.10)
    lr = univariable_screen(
        DATA, predictors=CANDIDATES, test="lr", threshold=0.5, outcome="malignant"
    )
    assert list(lr.selected) == [p < 0.5 for p in lr.lr_p_value]


def test_multivariable_model_matches_r():
    ref = COHORT["multivariable"]
    fit = fit_logistic(DATA, predictors=ref["predictors"], outcome="malignant")
    check_coefficients(fit, ref["coefficients"])
    assert fit.n == 300
    assert fit.n_events == int(DATA.malignant.sum())
    assert fit.converged
    assert fit.method == "mle"
    assert not fit.separation.separated
    for field, key in (
        ("loglik", "loglik"),
        ("loglik_null", "loglik_null"),
        ("cox_snell_r2", "cox_snell"),
        ("nagelkerke_r2", "nagelkerke"),
        ("aic", "aic"),
    ):
        assert close(getattr(fit, field), ref["fit"][key]), field


def test_combined_model_and_its_probability_match_r():
    ref = COHORT["combined"]
    fit = fit_logistic(DATA, predictors=list(COMBINED), outcome="malignant")
    check_coefficients(fit, ref["coefficients"])
    assert close(fit.nagelkerke_r2, ref["fit"]["nagelkerke"])
    probability = combined_probability(DATA, predictors=COMBINED, outcome="malignant")
    assert probability.name == "combined_probability"
    assert probability.index.equals(DATA.index)
    np.testing.assert_allclose(probability, ref["fitted"], rtol=0, atol=TOL)


@pytest.mark.parametrize("model", ["multivariable", "combined"])
def test_hosmer_lemeshow_matches_r_formula(model):
    ref = COHORT[model]
    fit = fit_logistic(DATA, predictors=ref["predictors"], profile=False, outcome="malignant")
    hl = hosmer_lemeshow(DATA.malignant, fit.fitted)
    r = ref["hosmer_lemeshow"]
    assert close(hl.statistic, r["statistic"])
    assert close(hl.p_value, r["p_value"])
    assert hl.df == r["df"] == 8
    assert list(hl.table.n) == r["group_n"]
    assert list(hl.table.observed_events) == r["observed"]
    np.testing.assert_allclose(hl.table.expected_events, r["expected"], atol=TOL)
    np.testing.assert_allclose(hl.table.mean_predicted, r["mean_predicted"], atol=TOL)
    np.testing.assert_allclose(hl.table.p_min, r["p_min"], atol=TOL)
    np.testing.assert_allclose(hl.table.p_max, r["p_max"], atol=TOL)


def test_hosmer_lemeshow_grouping_with_ties_matches_r():
    ref = COHORT["hl_ties"]
    hl = hosmer_lemeshow(ref["truth"], ref["probability"])
    r = ref["hosmer_lemeshow"]
    assert hl.groups == len(r["group_n"]) < 10
    assert list(hl.table.n) == r["group_n"]
    assert hl.df == r["df"]
    assert close(hl.statistic, r["statistic"])
    assert close(hl.p_value, r["p_value"])


def test_vif_matches_r():
    for key in ("multivariable", "combined"):
        ref = COHORT[key]["vif"]
        table = vif(DATA, predictors=list(ref))
        np.testing.assert_allclose(table.vif, list(ref.values()), rtol=TOL)


def test_calibration_on_validation_data_matches_r():
    fit = fit_logistic(DATA, predictors=list(COMBINED), profile=False, outcome="malignant")
    predicted = fit.predict(VALIDATION)
    ref = COHORT["validation_calibration"]
    np.testing.assert_allclose(predicted, ref["predicted"], atol=TOL)
    cal = calibration(VALIDATION.malignant, predicted)
    assert close(cal.slope, ref["slope"])
    assert close(cal.intercept, ref["intercept"])
    assert cal.slope_ci_low < cal.slope < cal.slope_ci_high
    hl = hosmer_lemeshow(VALIDATION.malignant, predicted)
    assert close(hl.statistic, ref["hosmer_lemeshow"]["statistic"])
    assert close(hl.p_value, ref["hosmer_lemeshow"]["p_value"])


def test_apparent_calibration_is_perfect_by_construction():
    fit = fit_logistic(DATA, predictors=list(COMBINED), profile=False, outcome="malignant")
    cal = calibration(DATA.malignant, fit.fitted)
    assert cal.slope == pytest.approx(1, abs=1e-6)
    assert cal.intercept == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("case", ["complete", "quasi"])
def test_firth_matches_r(case):
    ref = SEPARATION[case]
    data = pd.DataFrame(ref["data"])
    if "breast_density" in data:
        data = add_density_cd(data)
    fit = fit_logistic(data, predictors=ref["predictors"], method="firth", outcome="malignant")
    assert fit.method == "firth"
    np.testing.assert_allclose(fit.coefficients.estimate, ref["firth"]["coef"], atol=TOL)
    np.testing.assert_allclose(fit.coefficients.se, ref["firth"]["se"], atol=TOL)
    assert close(fit.loglik, ref["firth"]["pll"])
    for row, prof in zip(fit.coefficients.itertuples(), ref["firth"]["profile"], strict=True):
        assert close(row.lr_p_value, prof["lr_p_value"]), prof["term"]
        assert close(math.log(row.odds_ratio_profile_ci_low), prof["ci_low"]), prof["term"]
        if case == "complete" and prof["term"] == "strain_ratio":
            # under complete separation the penalised profile is multimodal on the separated
            # side; R's BFGS and our Newton settle in different local maxima (documented)
            continue
        assert close(math.log(row.odds_ratio_profile_ci_high), prof["ci_high"]), prof["term"]


def test_firth_on_the_cohort_matches_r():
    ref = SEPARATION["cohort_firth"]
    fit = fit_logistic(
        DATA, predictors=ref["predictors"], method="firth", profile=False, outcome="malignant"
    )
    np.testing.assert_allclose(fit.coefficients.estimate, ref["firth"]["coef"], atol=TOL)
    np.testing.assert_allclose(fit.coefficients.se, ref["firth"]["se"], atol=TOL)


def test_fixtures_record_the_r_version():
    for fixture in (COHORT, SEPARATION):
        assert fixture["r_version"].startswith("R version")


# --------------------------------------------------------------------------- separation
def test_separation_is_detected_with_one_clear_message():
    complete = pd.DataFrame(SEPARATION["complete"]["data"])
    quasi = add_density_cd(pd.DataFrame(SEPARATION["quasi"]["data"]))
    assert detect_separation(
        complete, predictors=["strain_ratio", "age_years"], outcome="malignant"
    ).status == ("complete")
    check = detect_separation(quasi, predictors=["density_cd", "age_years"], outcome="malignant")
    assert check.status == "quasi_complete"
    assert "density_cd" in check.terms
    assert check.n_separated == 10
    with pytest.raises(ValueError, match=r"quasi-complete separation.*method='firth'"):
        fit_logistic(quasi, predictors=["density_cd", "age_years"], outcome="malignant")
    auto = fit_logistic(
        quasi, predictors=["density_cd", "age_years"], method="auto", outcome="malignant"
    )
    assert auto.method == "firth"
    assert auto.separation.status == "quasi_complete"
    assert (
        detect_separation(DATA, predictors=list(CANDIDATES), outcome="malignant").status == "none"
    )


# --------------------------------------------------------------------------- tables
def test_odds_ratio_table_per_unit_scaling():
    fit = fit_logistic(DATA, predictors=list(CANDIDATES), outcome="malignant")
    per1 = odds_ratio_table(fit)
    per10 = odds_ratio_table(fit, per={"elasticity_kpa": 10})
    assert list(per1.term) == list(CANDIDATES)
    i = list(per1.term).index("elasticity_kpa")
    for column in (
        "odds_ratio",
        "odds_ratio_ci_low",
        "odds_ratio_ci_high",
        "odds_ratio_profile_ci_low",
        "odds_ratio_profile_ci_high",
    ):
        assert per10[column].iloc[i] == pytest.approx(per1[column].iloc[i] ** 10, rel=1e-12)
    assert per10.p_value.iloc[i] == per1.p_value.iloc[i]
    assert per1.or_text.iloc[i] == (
        f"{per1.odds_ratio.iloc[i]:.2f} "
        f"({per1.odds_ratio_ci_low.iloc[i]:.2f}-{per1.odds_ratio_ci_high.iloc[i]:.2f})"
    )
    assert "const" in set(odds_ratio_table(fit, include_intercept=True).term)
    with pytest.raises(ValueError, match="not a predictor"):
        odds_ratio_table(fit, per={"birads": 2})


def test_predict_reproduces_fitted_values_with_a_categorical_predictor():
    lesions = make_lesions()
    fit = fit_logistic(
        lesions, predictors=["breast_density", "elasticity_kpa"], profile=False, outcome="malignant"
    )
    np.testing.assert_allclose(fit.predict(lesions), fit.fitted, rtol=1e-12)
    assert fit.coefficients.term.tolist() == [
        "const",
        "breast_density[T.B]",
        "breast_density[T.C]",
        "breast_density[T.D]",
        "elasticity_kpa",
    ]
    assert fit.levels == {"breast_density": ("A", "B", "C", "D")}
    # new data with a level the model never saw
    with pytest.raises(ValueError, match=r"level 'E'.*does not know"):
        fit.predict(lesions.assign(breast_density="E"))


def test_calibration_table_groups():
    table = calibration_table([0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.4, 0.5, 0.7, 0.9], groups=3)
    assert list(table.n) == [2, 2, 2]
    assert list(table.observed_events) == [0, 1, 2]
    assert table.expected_events.tolist() == pytest.approx([0.3, 0.9, 1.6])


# --------------------------------------------------------------------------- input checks
def test_errors_name_column_row_and_value():
    lesions = make_lesions().drop(columns="density_cd")
    lesions.loc[4, "breast_density"] = "E"
    with pytest.raises(ValueError, match=r"'breast_density'.*row 4.*'E'"):
        add_density_cd(lesions)
    lesions = make_lesions()
    lesions.loc[9, "malignant"] = 2
    with pytest.raises(ValueError, match=r"'malignant'.*row 9.*2"):
        fit_logistic(lesions, predictors=["age_years"], outcome="malignant")
    lesions = make_lesions()
    lesions.loc[2, "strain_ratio"] = np.nan
    with pytest.raises(ValueError, match=r"'strain_ratio'.*row 2"):
        combined_probability(lesions, predictors=COMBINED, outcome="malignant")
    with pytest.raises(ValueError, match="no column 'stiffness'"):
        fit_logistic(make_lesions(), predictors=["stiffness"], outcome="malignant")
    with pytest.raises(TypeError, match="list of column names"):
        fit_logistic(make_lesions(), predictors="age_years", outcome="malignant")
    with pytest.raises(ValueError, match="linear combination"):
        fit_logistic(
            make_lesions().assign(twice=lambda t: 2 * t.age_years),
            predictors=["age_years", "twice"],
            outcome="malignant",
        )
    with pytest.raises(ValueError, match="probability must lie in"):
        hosmer_lemeshow([0, 1, 1], [0.2, 1.2, 0.5])
    with pytest.raises(ValueError, match="at least 3 groups"):
        hosmer_lemeshow([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5])


# --------------------------------------------------------------------------- properties
@settings(max_examples=20, deadline=None)
@given(scale=st.floats(0.01, 100), seed=st.integers(0, 2**16))
def test_rescaling_a_predictor_rescales_its_coefficient(scale, seed):
    lesions = make_lesions(n=120, seed=seed)
    base = fit_logistic(
        lesions, predictors=["elasticity_kpa", "age_years"], profile=False, outcome="malignant"
    )
    scaled = fit_logistic(
        lesions.assign(elasticity_kpa=lesions.elasticity_kpa * scale),
        predictors=["elasticity_kpa", "age_years"],
        profile=False,
        outcome="malignant",
    )
    b, s = base.coefficients.set_index("term"), scaled.coefficients.set_index("term")
    assert s.at["elasticity_kpa", "estimate"] * scale == pytest.approx(
        b.at["elasticity_kpa", "estimate"], rel=1e-7
    )
    assert s.at["elasticity_kpa", "p_value"] == pytest.approx(
        b.at["elasticity_kpa", "p_value"], rel=1e-6, abs=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    probability=st.lists(st.integers(1, 99).map(lambda v: v / 100), min_size=30, max_size=200),
    seed=st.integers(0, 2**16),
)
def test_risk_groups_partition_the_lesions_in_order(probability, seed):
    y = np.random.default_rng(seed).binomial(1, probability)
    table = calibration_table(y, probability)
    assert table.n.sum() == len(probability)
    assert 1 <= len(table) <= 10
    assert (table.p_max.iloc[:-1].to_numpy() < table.p_min.iloc[1:].to_numpy()).all()
    assert table.observed_events.sum() == y.sum()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_profile_interval_contains_the_estimate(seed):
    fit = fit_logistic(
        make_lesions(n=150, seed=seed), predictors=["elasticity_kpa"], outcome="malignant"
    )
    row = fit.coefficients.iloc[1]
    assert row.odds_ratio_profile_ci_low < row.odds_ratio < row.odds_ratio_profile_ci_high
    assert row.odds_ratio_ci_low < row.odds_ratio < row.odds_ratio_ci_high


def test_cross_validated_probability_is_out_of_fold_and_seeded():
    from microcalc.stats.logistic import cross_validated_probability

    rng = np.random.default_rng(11)
    e = rng.normal(65, 18, 400)
    table = pd.DataFrame(
        {"elasticity_kpa": e, "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))}
    )
    p = cross_validated_probability(
        table, predictors=["elasticity_kpa"], folds=5, seed=2, outcome="malignant"
    )
    again = cross_validated_probability(
        table, predictors=["elasticity_kpa"], folds=5, seed=2, outcome="malignant"
    )
    assert p.name == "cv_probability" and p.index.equals(table.index)
    assert p.equals(again)
    assert not p.equals(
        cross_validated_probability(
            table, predictors=["elasticity_kpa"], folds=5, seed=3, outcome="malignant"
        )
    )
    # out of fold: differs from the apparent fit, but a well-specified model stays calibrated
    apparent = fit_logistic(
        table, predictors=["elasticity_kpa"], profile=False, outcome="malignant"
    ).fitted
    assert not np.allclose(p.to_numpy(), apparent)
    cal = calibration(table.malignant, p)
    assert cal.slope_ci_low < 1 < cal.slope_ci_high
    # folds must fit in the smaller outcome group
    small = table.iloc[:40].reset_index(drop=True)
    n_small = int(min(small.malignant.sum(), 40 - small.malignant.sum()))
    with pytest.raises(ValueError, match="exceeds"):
        cross_validated_probability(
            small, predictors=["elasticity_kpa"], folds=n_small + 1, outcome="malignant"
        )
    with pytest.raises(ValueError, match="folds"):
        cross_validated_probability(
            small, predictors=["elasticity_kpa"], folds=1, outcome="malignant"
        )


def test_hosmer_lemeshow_without_table_is_the_same_test():
    """The fast path (no table) forms the same groups and the same statistic, ties included."""
    rng = np.random.default_rng(21)
    for decimals in (None, 1):
        p = rng.uniform(0.02, 0.98, size=200)
        if decimals is not None:
            p = np.round(p, decimals)
        y = rng.binomial(1, p)
        full = hosmer_lemeshow(y, p)
        fast = hosmer_lemeshow(y, p, with_table=False)
        assert fast.table is None and full.table is not None
        assert (fast.df, fast.groups) == (full.df, full.groups)
        assert fast.statistic == pytest.approx(full.statistic, rel=1e-12)
        assert fast.p_value == pytest.approx(full.p_value, rel=1e-10)


def test_an_odds_ratio_too_large_for_a_float_is_inf_not_an_error():
    """A finite MLE can have exp(coef) beyond the largest double (a predictor on a tiny scale,
    as in some replicate studies): the odds ratio is inf, not an OverflowError."""
    table = pd.DataFrame(
        {
            "x": np.arange(10) * 1e-3,
            "malignant": [0, 0, 0, 0, 1, 0, 1, 1, 1, 1],
        }
    )
    fit = fit_logistic(table, predictors=["x"], profile=False, outcome="malignant")
    row = fit.coefficients.set_index("term").loc["x"]
    assert np.isfinite(row["estimate"]) and row["estimate"] > 710
    assert row["odds_ratio"] == np.inf


# --------------------------------------------------------------------------- categorical predictors
@pytest.mark.parametrize("entry", COHORT["factor_models"], ids=lambda e: e["reference"])
@pytest.mark.parametrize("dtype", ["object", "category"])
def test_categorical_predictor_matches_r_factor(entry, dtype):
    """glm(malignant ~ factor(breast_density) + elasticity_kpa), R's treatment contrasts."""
    data = DATA.drop(columns="density_cd")
    if dtype == "category":
        data = data.assign(breast_density=data.breast_density.astype("category"))
    reference = None if entry["reference"] == "A" else {"breast_density": entry["reference"]}
    fit = fit_logistic(
        data, predictors=entry["predictors"], outcome="malignant", reference=reference
    )
    assert fit.coefficients.term.tolist() == entry["terms"]
    renamed = [dict(r, term=t) for r, t in zip(entry["coefficients"], entry["terms"], strict=True)]
    check_coefficients(fit, [dict(r, term=R_TERM.get(r["term"], r["term"])) for r in renamed])
    np.testing.assert_allclose(fit.fitted, entry["fitted"], rtol=0, atol=TOL)
    assert close(fit.aic, entry["fit"]["aic"])
    assert close(fit.nagelkerke_r2, entry["fit"]["nagelkerke"])


def test_categorical_reference_follows_a_categorical_order_and_is_checked():
    data = DATA.assign(
        breast_density=pd.Categorical(DATA.breast_density, categories=["D", "C", "B", "A"])
    )
    fit = fit_logistic(data, predictors=["breast_density"], outcome="malignant", profile=False)
    assert fit.coefficients.term.tolist()[1:] == [
        "breast_density[T.C]",
        "breast_density[T.B]",
        "breast_density[T.A]",
    ]
    with pytest.raises(ValueError, match="reference level 'E'"):
        fit_logistic(
            DATA,
            predictors=["breast_density"],
            outcome="malignant",
            reference={"breast_density": "E"},
        )
    with pytest.raises(ValueError, match="not categorical predictors"):
        fit_logistic(
            DATA, predictors=["age_years"], outcome="malignant", reference={"age_years": 50}
        )
    screen = univariable_screen(
        DATA, predictors=["breast_density"], outcome="malignant", profile=False
    )
    assert screen.term.tolist() == [f"breast_density[T.{v}]" for v in "BCD"]
    assert set(screen.predictor) == {"breast_density"}


# --------------------------------------------------------------------------- batched fit
def test_batched_fit_matches_r_glm():
    """A stack of R's cohort under three designs; every slice equals R's glm."""
    models = ("multivariable", "combined")
    for key in models:
        ref = COHORT[key]
        X = DATA[list(ref["predictors"])].to_numpy()
        fit = fit_logistic_batch(np.stack([X, X]), DATA.malignant.to_numpy())
        expected = [r["coef"] for r in ref["coefficients"]]
        assert fit.converged.tolist() == [True, True]
        assert not fit.separated.any()
        np.testing.assert_allclose(fit.coefficients[0], expected, rtol=TOL)
        np.testing.assert_allclose(fit.coefficients[1], expected, rtol=TOL)
    one = fit_logistic_batch(DATA[list(COMBINED)].to_numpy(), DATA.malignant.to_numpy())
    assert one.coefficients.shape == (3,) and one.converged.shape == ()
    np.testing.assert_allclose(one.fitted, COHORT["combined"]["fitted"], atol=TOL)


def test_batched_fit_with_weights_equals_statsmodels_on_materialised_samples():
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    table = make_lesions(n=120, seed=4)
    X = table[["elasticity_kpa", "strain_ratio"]].to_numpy()
    y = table.malignant.to_numpy()
    counts = rng.multinomial(len(y), np.full(len(y), 1 / len(y)), size=6)
    fold = (np.arange(len(y)) % 4 != 0).astype(int)[None, :]
    weights = np.vstack([counts, fold])
    fit = fit_logistic_batch(X, y, weights=weights)
    assert fit.converged.all()
    for b, w in enumerate(weights):
        idx = np.repeat(np.arange(len(y)), w)
        ref = sm.Logit(y[idx], sm.add_constant(X[idx])).fit(disp=0, tol=1e-12)
        np.testing.assert_allclose(fit.coefficients[b], ref.params, rtol=1e-7)
        np.testing.assert_allclose(
            fit.linear_predictor[b], sm.add_constant(X) @ ref.params, rtol=1e-7
        )


def test_batched_fit_flags_separation_exactly():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 80, 2))
    y = np.repeat([1.0, 0.0], 40)
    x[1, :40, 0] += 10  # data set 1 completely separated by the first predictor
    fit = fit_logistic_batch(x, y)
    assert fit.converged.tolist() == [True, False, True]
    assert fit.separated.tolist() == [False, True, False]
    # the last iterate of the separated data set still ranks its observations perfectly
    assert (fit.linear_predictor[1, :40, None] > fit.linear_predictor[1, None, 40:]).all()
    table = pd.DataFrame(x[0], columns=["a", "b"]).assign(malignant=y)
    ref = fit_logistic(table, predictors=["a", "b"], outcome="malignant", profile=False)
    np.testing.assert_allclose(
        fit.coefficients[0], ref.coefficients["estimate"], rtol=1e-9, atol=1e-12
    )
    # separation on the support of the weights only
    w = np.ones((2, 80))
    w[1, 40:] = 0  # one class left: separated (the intercept diverges)
    weighted = fit_logistic_batch(x[0], y, weights=w)
    assert weighted.converged.tolist() == [True, False]
    assert weighted.separated.tolist() == [False, True]


def test_batched_fit_input_errors():
    with pytest.raises(ValueError, match="shape"):
        fit_logistic_batch(np.ones(5), np.ones(5))
    with pytest.raises(ValueError, match="constant"):
        fit_logistic_batch(np.ones((6, 1)), [0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="0/1"):
        fit_logistic_batch(np.arange(6.0)[:, None], [0, 1, 0, 2, 0, 1])
    with pytest.raises(ValueError, match="non-negative"):
        fit_logistic_batch(np.arange(6.0)[:, None], [0, 1, 0, 1, 0, 1], weights=[1, -1, 1, 1, 1, 1])


# --------------------------------------------------------------------------- batched Hosmer-Lemeshow
def test_batched_hosmer_lemeshow_matches_r_on_a_stack():
    """R's fixtures stacked (same n): statistic, df and p of every slice equal R's."""
    refs, probabilities = [], []
    for key in ("multivariable", "combined"):
        fit = fit_logistic(
            DATA, predictors=COHORT[key]["predictors"], outcome="malignant", profile=False
        )
        refs.append(COHORT[key]["hosmer_lemeshow"])
        probabilities.append(fit.fitted)
    stack = np.stack(probabilities)
    hl = hosmer_lemeshow(DATA.malignant.to_numpy(), stack)
    assert hl.table is None and hl.p_value.shape == (2,)
    for i, r in enumerate(refs):
        assert close(hl.statistic[i], r["statistic"])
        assert close(hl.p_value[i], r["p_value"])
        assert hl.df[i] == r["df"]
    # observations along axis 0
    again = hosmer_lemeshow(DATA.malignant.to_numpy()[:, None], stack.T, axis=0)
    np.testing.assert_array_equal(again.statistic, hl.statistic)


def test_batched_hosmer_lemeshow_with_ties_matches_r_and_gives_nan_for_too_few_groups():
    ref = COHORT["hl_ties"]
    p = np.asarray(ref["probability"])
    stack = np.stack([p, np.full_like(p, 0.5)])
    hl = hosmer_lemeshow(ref["truth"], stack)
    r = ref["hosmer_lemeshow"]
    assert close(hl.statistic[0], r["statistic"]) and close(hl.p_value[0], r["p_value"])
    assert hl.df[0] == r["df"] and hl.groups[0] == len(r["group_n"])
    assert np.isnan(hl.statistic[1]) and np.isnan(hl.p_value[1]) and hl.groups[1] == 1
