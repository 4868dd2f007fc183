"""Tests of microcalc.stats.optimism: the vectorised pieces against the library, hand-worked .632+,
limiting cases (perfect separation, pure noise), brute-force oracles and determinism."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from microcalc.stats import logistic, optimism, roc
from microcalc.study import cohort

ROOT = Path(__file__).resolve().parents[1]


def _table(seed: int, n: int = 40, shift: float = 8.0, ties: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n)
    e = rng.normal(50 + shift * y, 10)
    if ties:
        e = np.round(e / 2) * 2  # many tied marker values
    return pd.DataFrame(
        {
            "malignant": y,
            "elasticity_kpa": e,
            "strain_ratio": rng.normal(1.5 + 0.3 * y, 0.4),
        }
    )


STUDY = {
    "marker": "elasticity_kpa",
    "predictors": ("elasticity_kpa", "strain_ratio"),
    "outcome": "malignant",
}


def _study(**changes) -> dict:
    """The paper's marker, combined model and outcome, as keyword arguments."""
    return {**STUDY, **changes}


def _samples(counts: np.ndarray) -> list[np.ndarray]:
    """Row indices of each materialised sample."""
    return [np.repeat(np.arange(counts.shape[1]), c) for c in counts]


# --------------------------------------------------------------------------- vectorised pieces


# --------------------------------------------------------------------------- .632+
def test_632plus_hand_worked():
    # apparent 0.9, leave-one-out 0.7, no-information 0.5 (losses 0.1, 0.3, 0.5)
    res = optimism.estimate_632plus(0.9, 0.7, 0.5)
    assert res.relative_overfitting == pytest.approx(0.5)  # (0.3-0.1)/(0.5-0.1)
    assert res.weight == pytest.approx(0.632 / (1 - 0.368 * 0.5))
    assert res.estimate_632 == pytest.approx(1 - (0.368 * 0.1 + 0.632 * 0.3))  # 0.7736
    w = 0.632 / 0.816
    assert res.estimate == pytest.approx(1 - ((1 - w) * 0.1 + w * 0.3))
    assert res.estimate == pytest.approx(0.745098039, abs=1e-9)


def test_632plus_limits():
    # no overfitting seen: R = 0 and the .632 estimate
    res = optimism.estimate_632plus(0.8, 0.85, 0.5)
    assert res.relative_overfitting == 0.0
    assert res.estimate == pytest.approx(0.368 * 0.8 + 0.632 * 0.85)
    # leave-one-out exactly at no-information: R = 1, weight 1, the leave-one-out value
    res = optimism.estimate_632plus(0.9, 0.5, 0.5)
    assert res.relative_overfitting == 1.0
    assert res.weight == pytest.approx(1.0)
    assert res.estimate == pytest.approx(0.5)
    # worse than no information: R clipped to 1, Err1' = gamma (Efron & Tibshirani eq. 32)
    res = optimism.estimate_632plus(0.9, 0.4, 0.5)
    assert res.relative_overfitting == 1.0
    assert res.estimate == pytest.approx(1 - (0.368 * 0.1 + 0.632 * 0.6 + (0.5 - 0.1) * 0.368))
    # apparent no better than no information: nothing to correct beyond .632
    res = optimism.estimate_632plus(0.5, 0.45, 0.5)
    assert res.relative_overfitting == 0.0
    # invariant under the affine map performance -> 2 * performance - 1 (J from balanced acc.)
    a = optimism.estimate_632plus(0.9, 0.7, 0.5)
    b = optimism.estimate_632plus(0.8, 0.4, 0.0)
    assert b.estimate == pytest.approx(2 * a.estimate - 1)


def test_632plus_rejects_bad_input():
    with pytest.raises(TypeError, match="apparent"):
        optimism.estimate_632plus("0.9", 0.7, 0.5)
    with pytest.raises(ValueError, match="loo_bootstrap"):
        optimism.estimate_632plus(0.9, math.nan, 0.5)


# --------------------------------------------------------------------------- oracles
def test_harrell_and_loo_match_brute_force_library_loop():
    t = _table(8, n=25)
    y = t.malignant.to_numpy().astype(bool)
    x = t.elasticity_kpa.to_numpy()
    n_boot, seed = 25, 11
    res = optimism.bootstrap_optimism(t, **_study(), n_boot=n_boot, seed=seed)
    counts = optimism._bootstrap_counts(y, n_boot, np.random.default_rng(seed), True)
    apparent_fit = logistic.fit_logistic(
        t, predictors=STUDY["predictors"], outcome="malignant", profile=False
    )
    apparent = {
        "sensitivity": roc.youden_cutoff(y, x).sensitivity,
        "auc_combined": roc.auc(y, apparent_fit.fitted),
    }
    diffs = {"sensitivity": [], "auc_combined": []}
    cutoffs = []
    for idx in _samples(counts):
        cut = roc.youden_cutoff(y[idx], x[idx])
        cutoffs.append(cut.cutoff)
        fit = logistic.fit_logistic(
            t.iloc[idx].reset_index(drop=True),
            predictors=STUDY["predictors"],
            outcome="malignant",
            profile=False,
        )
        test_sens = np.mean(x[y] >= cut.cutoff)
        diffs["sensitivity"].append(cut.sensitivity - test_sens)
        diffs["auc_combined"].append(
            roc.auc(y[idx], fit.fitted) - roc.auc(y, fit.predict(t).to_numpy())
        )
    table = res.table.set_index("measure")
    np.testing.assert_array_equal(res.cutoffs, cutoffs)
    for m in diffs:
        assert table.loc[m, "apparent"] == pytest.approx(apparent[m])
        assert table.loc[m, "optimism"] == pytest.approx(np.mean(diffs[m]), abs=1e-10)
    # leave-one-out bootstrap sensitivity: each malignant lesion judged by replicates without it
    out = counts == 0
    per = [
        np.mean([x[i] >= cutoffs[b] for b in range(n_boot) if out[b, i]])
        for i in np.flatnonzero(y)
        if out[:, i].any()
    ]
    assert table.loc["sensitivity", "loo_bootstrap"] == pytest.approx(np.mean(per))


def test_leave_pair_out_auc_brute_force():
    rng = np.random.default_rng(3)
    y = np.repeat([False, True], [5, 4])
    scores = rng.normal(size=(12, 9)).round(1)
    out = rng.random((12, 9)) < 0.4
    got = optimism._loo_pair_auc(y, scores, out, chunk=5)
    ratios = []
    for i in np.flatnonzero(y):
        for j in np.flatnonzero(~y):
            both = out[:, i] & out[:, j]
            if both.any():
                s_i, s_j = scores[both, i], scores[both, j]
                ratios.append(np.mean((s_i > s_j) + 0.5 * (s_i == s_j)))
    assert got == pytest.approx(np.mean(ratios))


# --------------------------------------------------------------------------- limiting cases
def test_perfect_two_valued_marker_has_zero_optimism():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    t = pd.DataFrame(
        {"malignant": y, "elasticity_kpa": 40.0 + 30.0 * y, "noise": rng.normal(size=60)}
    )
    res = optimism.validate_cutoff(
        t, **_study(predictors=["noise"]), n_boot=100, n_repeats=3, seed=1
    )
    frame = res.to_frame().set_index("measure")
    for m in ("sensitivity", "specificity", "youden_index", "auc_marker"):
        assert frame.loc[m, "apparent"] == 1.0
        assert frame.loc[m, "optimism"] == 0.0
        assert frame.loc[m, "corrected"] == 1.0
        assert frame.loc[m, "corrected_632plus"] == pytest.approx(1.0)
        assert frame.loc[m, "cross_validated"] == 1.0
    assert (res.bootstrap.cutoffs == 70.0).all()


def test_separating_marker_with_gap_has_no_specificity_or_auc_optimism():
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 30)
    e = np.where(y == 1, rng.uniform(70, 90, 60), rng.uniform(20, 50, 60))
    t = pd.DataFrame({"malignant": y, "elasticity_kpa": e, "strain_ratio": rng.normal(2, 1, 60)})
    res = optimism.validate_cutoff(t, **_study(), n_boot=100, n_repeats=3, seed=2)
    frame = res.to_frame().set_index("measure")
    # every replicate's cutoff lies above every benign value: specificity stays 1
    for m in ("specificity", "auc_combined", "auc_marker"):
        assert frame.loc[m, "apparent"] == 1.0
        assert frame.loc[m, "optimism"] == 0.0
        assert frame.loc[m, "corrected_632plus"] == pytest.approx(1.0)
        assert frame.loc[m, "cross_validated"] == 1.0
    # the combined model is separated in every replicate, and is flagged as such
    assert res.bootstrap.n_not_converged == 100
    # the cutoff hugs the smallest malignant value of each replicate: sensitivity can drop
    assert frame.loc["sensitivity", "optimism"] >= 0.0


def test_pure_noise_marker_corrected_auc_near_half_and_apparent_j_positive():
    rows = []
    for seed in range(12):
        rng = np.random.default_rng(100 + seed)
        y = np.repeat([0, 1], 50)
        t = pd.DataFrame(
            {"malignant": y, "elasticity_kpa": rng.normal(50, 10, 100)}
            | {c: rng.normal(0, 1, 100) for c in "abc"}
        )
        res = optimism.validate_cutoff(
            t, **_study(predictors=["a", "b", "c"]), n_boot=100, n_repeats=3, seed=seed
        )
        rows.append(res.to_frame().set_index("measure"))
    for frame in rows:  # the apparent Youden rule always looks better than chance
        assert frame.loc["sensitivity", "apparent"] + frame.loc["specificity", "apparent"] > 1
        assert frame.loc["youden_index", "optimism"] > 0
    mean = (
        pd.concat(rows)
        .groupby(level=0)[["apparent", "corrected", "corrected_632plus", "cross_validated"]]
        .mean()
    )
    assert mean.loc["auc_combined", "apparent"] > 0.55
    for col in ("corrected", "corrected_632plus", "cross_validated"):
        assert abs(mean.loc["auc_combined", col] - 0.5) < 0.05
        assert abs(mean.loc["youden_index", col]) < 0.05


# --------------------------------------------------------------------------- design
def test_stratified_bootstrap_keeps_group_sizes():
    y = np.repeat([False, True], [7, 5])
    counts = optimism._bootstrap_counts(y, 50, np.random.default_rng(0), True)
    assert (counts[:, ~y].sum(1) == 7).all() and (counts[:, y].sum(1) == 5).all()


def test_folds_are_stratified_and_cover_everyone_once():
    y = np.repeat([False, True], [23, 17])
    folds = optimism._stratified_folds(y, 4, 5, np.random.default_rng(0))
    for r in range(4):
        for f in range(5):
            assert (folds[r, y] == f).sum() in (3, 4)
            assert (folds[r, ~y] == f).sum() in (4, 5)
    assert not (folds[0] == folds[1]).all()


def test_same_seed_same_result_and_other_seed_differs():
    t = _table(9)
    a = optimism.validate_cutoff(t, **_study(), n_boot=60, n_repeats=2, seed=5)
    b = optimism.validate_cutoff(t, **_study(), n_boot=60, n_repeats=2, seed=5)
    c = optimism.validate_cutoff(t, **_study(), n_boot=60, n_repeats=2, seed=6)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    pd.testing.assert_frame_equal(a.bootstrap.replicates, b.bootstrap.replicates)
    assert not a.to_frame()["optimism"].equals(c.to_frame()["optimism"])


def test_result_tables_and_settings():
    t = _table(10)
    res = optimism.validate_cutoff(t, **_study(), n_boot=40, n_repeats=2, n_folds=4, seed=3)
    frame = res.to_frame()
    assert frame["measure"].tolist() == list(optimism.MEASURES)
    assert frame[["n_boot", "n_repeats", "n_folds", "seed"]].iloc[0].tolist() == [40, 2, 4, 3]
    assert (frame["corrected"] == frame["apparent"] - frame["optimism"]).all()
    assert res.cross_validation.fold_cutoffs.shape == (2, 4)
    summary = res.bootstrap.cutoff_summary(reference=55.0)
    assert summary.loc[0, "ci_low"] <= summary.loc[0, "median"] <= summary.loc[0, "ci_high"]
    assert 0 <= summary.loc[0, "share_at_or_below_reference"] <= 1
    assert len(res.bootstrap.replicates) == 40


def test_marker_auc_needs_no_correction():
    res = optimism.bootstrap_optimism(_table(12), **_study(), n_boot=80, seed=0)
    row = res.table.set_index("measure").loc["auc_marker"]
    assert row.loo_bootstrap == pytest.approx(row.apparent)
    assert row.corrected_632plus == pytest.approx(row.apparent)
    assert abs(row.optimism) < 0.01


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_boot": 1}, ValueError, "n_boot"),
        ({"n_boot": 2.5}, TypeError, "n_boot"),
        ({"marker": "nope"}, ValueError, "nope"),
        ({"predictors": "strain_ratio"}, TypeError, "predictors"),
    ],
)
def test_bootstrap_input_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        optimism.bootstrap_optimism(_table(0), **_study(**kwargs))


def test_cross_validation_input_errors():
    with pytest.raises(ValueError, match="n_folds must be at most 40"):
        optimism.repeated_cross_validation(_table(0), **_study(), n_folds=41)


def test_committed_cohort():
    lesions = cohort.read_cohort_csv(ROOT / "data" / "lesions.csv")
    res = optimism.validate_cutoff(lesions, **_study(), n_boot=100, n_repeats=2, seed=0)
    frame = res.to_frame().set_index("measure")
    youden = roc.youden_cutoff(lesions.malignant, lesions.elasticity_kpa)
    assert res.bootstrap.apparent_cutoff == youden.cutoff
    assert frame.loc["sensitivity", "apparent"] == youden.sensitivity
    # the quantity the procedure maximises is optimistic by every estimate
    for col in ("corrected", "corrected_632plus", "cross_validated"):
        assert frame.loc["youden_index", col] < frame.loc["youden_index", "apparent"]
