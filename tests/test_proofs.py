"""Bounds from the paper's own numbers: each checked against arithmetic done here by hand and
against extremal data sets that attain the bound (so a bound that is too loose or too tight
fails)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from microcalc.study import proofs


def test_accuracy_bound_is_the_larger_of_sensitivity_and_specificity():
    b = proofs.accuracy_bound()
    # Se printed 88.0 stands for [87.95, 88.05); Sp 86.7 for [86.65, 86.75)
    assert b.bound_low == pytest.approx(86.65)
    assert b.bound_high == pytest.approx(88.05)
    assert (b.published_low, b.published_high) == pytest.approx((88.95, 89.05))
    assert b.impossible
    # counts: 132/150 and 130/150 give 262/300 = 87.33%, inside the bound
    assert b.bound_low <= 100 * 262 / 300 <= b.bound_high


def test_wald_symmetry_of_the_strain_ratio_or():
    b = proofs.wald_symmetry("strain_ratio")
    # limits printed 1.70 and 3.80 stand for [1.695, 1.705) and [3.795, 3.805)
    assert b.bound_low == pytest.approx(math.sqrt(1.695 * 3.795), abs=1e-9)
    assert b.bound_high == pytest.approx(math.sqrt(1.705 * 3.805), abs=1e-9)
    assert b.published_high == pytest.approx(2.505)
    assert b.impossible


def test_wald_symmetry_holds_for_a_symmetric_interval():
    # elasticity: OR 1.09, CI 1.06-1.12: sqrt(1.06 * 1.12) = 1.0896, inside [1.085, 1.095)
    b = proofs.wald_symmetry("elasticity_kpa")
    assert not b.impossible
    assert b.bound_low <= math.sqrt(1.06 * 1.12) <= b.bound_high


def test_wald_symmetry_rejects_unknown_variable():
    with pytest.raises(ValueError, match="no odds ratio"):
        proofs.wald_symmetry("birads")


def test_information_bound_strain_ratio_by_hand():
    b = proofs.information_bound("strain_ratio")
    # largest SS: SDs 0.505, 0.355; means 2.355 and 1.145
    grand = (2.355 + 1.145) / 2
    ss = 149 * (0.505**2 + 0.355**2) + 150 * ((2.355 - grand) ** 2 + (1.145 - grand) ** 2)
    assert b.bound_low == pytest.approx(2 / math.sqrt(ss))
    z = 1.959963984540054
    assert b.published_low == pytest.approx((math.log(3.795) - math.log(1.705)) / (2 * z))
    assert not b.impossible  # the crude bound does not rule the published CI out


def test_information_bound_is_attained_only_by_p_one_half():
    """The information X'WX of a fitted logistic model never exceeds SS / 4 (random fits)."""
    rng = np.random.default_rng(0)
    for _ in range(50):
        x = rng.normal(size=300)
        eta = rng.normal(size=300) * rng.uniform(0, 3)
        p = 1 / (1 + np.exp(-eta))
        info = np.sum(p * (1 - p) * (x - np.average(x, weights=p * (1 - p))) ** 2)
        assert info <= 0.25 * np.sum((x - x.mean()) ** 2) + 1e-12


def _extremal(n, k, mean, sd, distance):
    """k values at mean + distance, the rest equal: the cheapest arrangement."""
    rest = mean - k * distance / (n - k)
    return np.r_[np.full(k, mean + distance), np.full(n - k, rest)]


def test_cutoff_budget_benign_false_positives():
    b = proofs.cutoff_budget("benign")
    assert b.beyond == 20
    # the extremal data set: 20 values at 62 + farthest_mean, 130 equal, mean 45.75 (the top of
    # the printed window): its SD must equal the largest printed SD, 9.85
    x = _extremal(150, 20, 45.75, 9.85, b.cutoff + b.farthest_mean - 45.75)
    assert x.std(ddof=1) == pytest.approx(9.85)
    # and the values beyond each threshold: attaining max_beyond is possible, one more is not
    row = b.counts.set_index("threshold").loc[75.0]
    k = int(row["max_beyond"])
    ss_max = 149 * 9.85**2
    d = 75.0 - 45.75
    assert k * 150 * d**2 / (150 - k) <= ss_max < (k + 1) * 150 * d**2 / (149 - k)


def test_cutoff_budget_malignant_false_negatives():
    b = proofs.cutoff_budget("malignant")
    assert b.beyond == 18
    x = _extremal(150, 18, 88.25, 16.25, -(88.25 - 62 + b.farthest_mean))
    assert x.std(ddof=1) == pytest.approx(16.25)
    assert b.counts["threshold"].iloc[1] < 62  # thresholds go downwards for malignant


def test_cutoff_budget_rejects_unknown_group():
    with pytest.raises(ValueError, match="group"):
        proofs.cutoff_budget("both")


def test_all_bounds_lists_the_two_impossibilities():
    table = proofs.all_bounds()
    assert set(table.loc[table.impossible, "proof_id"]) == {
        "accuracy_bound",
        "wald_symmetry.strain_ratio",
    }
