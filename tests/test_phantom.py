"""Synthetic screens: shape, determinism, Emean/Emax reproduction, strain scores, lesion
choice, ROI bias and the participant flow."""

import itertools

import numpy as np
import pandas as pd
import pytest

from microcalc.study import cohort, phantom
from microcalc.study.phantom import (
    FIELD_MM,
    PIXEL_MM,
    ROI_MM,
    STRAIN_HARD_FRACTION,
    TISSUE_CODES,
    compare_example,
    lesion_phantom,
    participant_flow,
    roi_bias_table,
    roi_selection_bias,
    shear_wave_speed_m_s,
    strain_elastogram,
    typical_by_pattern,
    typical_lesion,
    youngs_modulus_kpa,
)

SEED = cohort.DEFAULT_SEED
TOL_KPA = 0.005  # half the last decimal of elasticity_kpa / elasticity_max_kpa in the CSV
SHAPE = (round(FIELD_MM[0] / PIXEL_MM), round(FIELD_MM[1] / PIXEL_MM))


def row(**changes):
    base = {
        "participant_id": "P900",
        "malignant": 1,
        "histology": "invasive_carcinoma",
        "lesion_size_mm": 8.0,
        "calcification_pattern": "clustered",
        "elasticity_kpa": 90.0,
        "elasticity_max_kpa": 110.0,
    }
    return {**base, **changes}


@pytest.fixture(scope="module")
def lesions(default_cohort):
    return default_cohort.lesions


@pytest.fixture(scope="module")
def sample(lesions):
    """Every 15th lesion plus the extremes of size and of Emax / Emean."""
    ratio = lesions.elasticity_max_kpa / lesions.elasticity_kpa
    picks = set(lesions.index[::15])
    picks |= {ratio.idxmax(), ratio.idxmin(), lesions.lesion_size_mm.idxmin()}
    picks |= {lesions.lesion_size_mm.idxmax(), lesions.elasticity_kpa.idxmin()}
    return [(lesions.loc[i], lesion_phantom(lesions.loc[i], seed=SEED)) for i in sorted(picks)]


# --- shape and content ---------------------------------------------------------------


def test_images_have_the_stated_shape_and_range(sample):
    for _, p in sample:
        assert p.shape == SHAPE
        for image in (p.bmode, p.elasticity_kpa, p.tissue, p.lesion_mask):
            assert image.shape == SHAPE
        assert p.bmode.min() >= 0 and p.bmode.max() <= 1
        assert p.extent_mm == (0.0, FIELD_MM[1], FIELD_MM[0], 0.0)
        assert set(np.unique(p.tissue)) <= set(TISSUE_CODES.values())
        assert np.array_equal(p.tissue == TISSUE_CODES["lesion"], p.lesion_mask)
        assert not p.bmode.flags.writeable and not p.elasticity_kpa.flags.writeable


def test_lesion_width_is_the_lesion_size(sample):
    for lesion, p in sample:
        assert abs(p.lesion_width_mm - lesion.lesion_size_mm) <= PIXEL_MM + 1e-9


def test_same_seed_gives_identical_arrays_and_another_seed_does_not(lesions):
    lesion = lesions.iloc[3]
    a, b = lesion_phantom(lesion, seed=SEED), lesion_phantom(lesion, seed=SEED)
    for name in ("bmode", "elasticity_kpa", "tissue", "lesion_mask", "foci_mm"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.roi == b.roi and a.swe_box_mm == b.swe_box_mm
    c = lesion_phantom(lesion, seed=SEED + 1)
    assert not np.array_equal(a.bmode, c.bmode)
    other = lesion_phantom(lesions.iloc[4].to_dict() | {"participant_id": "P999"}, seed=SEED)
    assert not np.array_equal(lesion_phantom(lesions.iloc[4], seed=SEED).bmode, other.bmode)


# --- the shear-wave map reproduces the lesion's numbers ------------------------------


def test_map_reproduces_emean_and_emax_in_the_roi(sample):
    for lesion, p in sample:
        assert abs(p.roi_mean_kpa - lesion.elasticity_kpa) < TOL_KPA, lesion.participant_id
        assert abs(p.roi_max_kpa - lesion.elasticity_max_kpa) < TOL_KPA, lesion.participant_id


def test_map_is_positive_and_softer_outside_the_lesion(sample):
    for lesion, p in sample:
        assert p.elasticity_kpa.min() > 0
        # softest lesion pixel: the ROI's texture (Emax up to ~1.5 x Emean in 400 pixels)
        # carried over a whole lesion reaches about a fifth of Emean at worst in the cohort
        assert p.lesion_min_kpa > 0.15 * lesion.elasticity_kpa
        assert np.median(p.elasticity_kpa[~p.lesion_mask]) < lesion.elasticity_kpa


def test_roi_is_two_mm_and_sits_on_the_stiffest_part(sample):
    k = round(ROI_MM / PIXEL_MM)
    for _, p in sample[:4]:
        assert p.roi.size_px == k and abs(p.roi.side_mm - ROI_MM) < 1e-9
        kpa, mask = p.elasticity_kpa, p.lesion_mask
        rows, cols = np.nonzero(mask)
        candidates = itertools.product(
            range(max(0, rows.min() - k), rows.max() + 1),
            range(max(0, cols.min() - k), cols.max() + 1),
        )
        best_log, best_mean = -np.inf, -np.inf
        for i, j in candidates:
            m = mask[i : i + k, j : j + k]
            if m.sum() >= 0.5 * k * k:
                values = kpa[i : i + k, j : j + k][m]
                best_log = max(best_log, np.log(values).mean())
                best_mean = max(best_mean, values.mean())
        roi_values = kpa[p.roi.slices][mask[p.roi.slices]]
        # the stiffest box by geometric mean; by arithmetic mean it is within 0.5% of the best
        assert np.log(roi_values).mean() == pytest.approx(best_log, abs=1e-9)
        assert p.roi_mean_kpa >= 0.995 * best_mean
        assert p.roi_mean_kpa >= p.lesion_mean_kpa
        assert mask[p.roi.slices].sum() >= 0.5 * k * k


def test_swe_box_holds_the_lesion_with_a_margin(sample):
    for _, p in sample:
        top, bottom, left, right = p.swe_box_mm
        rows, cols = np.nonzero(p.lesion_mask)
        assert top <= rows.min() * PIXEL_MM and bottom >= (rows.max() + 1) * PIXEL_MM
        assert left <= cols.min() * PIXEL_MM and right >= (cols.max() + 1) * PIXEL_MM


# --- B-mode ----------------------------------------------------------------------------


def test_foci_lie_in_the_lesion_and_follow_the_pattern():
    spread, count = {}, {}
    for pattern in phantom.PATTERNS:
        spreads, counts = [], []
        for k in range(6):
            p = lesion_phantom(
                row(participant_id=f"P{k}", calcification_pattern=pattern, lesion_size_mm=9.0),
                seed=SEED,
            )
            idx = (p.foci_mm / PIXEL_MM).astype(int)
            assert p.lesion_mask[idx[:, 0], idx[:, 1]].all()
            spreads.append(np.mean(np.std(p.foci_mm, axis=0)))
            counts.append(len(p.foci_mm))
        spread[pattern], count[pattern] = np.mean(spreads), np.mean(counts)
    assert count["clustered"] > count["scattered"] > count["sparse_punctate"] >= 3
    assert spread["clustered"] < spread["scattered"]


def test_malignant_lesion_is_hypoechoic_and_foci_are_bright():
    p = lesion_phantom(row(), seed=SEED)
    gland = p.tissue == TISSUE_CODES["gland"]
    lesion_grey = np.median(p.bmode[p.lesion_mask])
    assert lesion_grey < np.median(p.bmode[gland]) - 0.1
    assert np.median(p.bmode[gland]) > np.median(p.bmode[p.tissue == TISSUE_CODES["fat"]])
    idx = (p.foci_mm / PIXEL_MM).astype(int)
    assert np.median(p.bmode[idx[:, 0], idx[:, 1]]) > 0.85


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"calcification_pattern": "linear"}, "calcification_pattern"),
        ({"elasticity_max_kpa": 80.0}, "elasticity_max_kpa"),
        ({"elasticity_kpa": -1.0}, "elasticity_kpa"),
        ({"lesion_size_mm": 40.0}, "lesion_size_mm"),
        ({"malignant": 2}, "malignant"),
    ],
)
def test_bad_rows_are_rejected_with_the_column_named(changes, match):
    with pytest.raises(ValueError, match=match):
        lesion_phantom(row(**changes), seed=SEED)


def test_missing_column_and_bad_seed_are_rejected():
    bad = row()
    del bad["elasticity_max_kpa"]
    with pytest.raises(ValueError, match="elasticity_max_kpa"):
        lesion_phantom(bad, seed=SEED)
    with pytest.raises(ValueError, match="seed"):
        lesion_phantom(row(), seed=-1)
    with pytest.raises(TypeError, match="lesion"):
        lesion_phantom([1, 2], seed=SEED)


# --- strain elastography ----------------------------------------------------------------


def test_strain_score_sets_the_hard_share_of_the_lesion():
    p = lesion_phantom(row(), seed=SEED)
    shares = []
    for score, target in STRAIN_HARD_FRACTION.items():
        s = strain_elastogram(p, score)
        assert s.relative_strain.shape == SHAPE
        assert s.hard_fraction == pytest.approx(target, abs=0.02)
        hard_level = s.relative_strain[s.hard_mask].mean() if s.hard_mask.any() else None
        if hard_level is not None:
            assert hard_level < 0.3  # drawn blue
        shares.append(s.hard_fraction)
    assert shares == sorted(shares)
    again = strain_elastogram(p, 3)
    assert np.array_equal(again.relative_strain, strain_elastogram(p, 3).relative_strain)


@pytest.mark.parametrize("score", [0, 6, 2.5, True])
def test_strain_score_must_be_one_to_five(score):
    with pytest.raises(ValueError, match="score"):
        strain_elastogram(lesion_phantom(row(), seed=SEED), score)


# --- physics ----------------------------------------------------------------------------


def test_shear_wave_speed_and_modulus_are_inverse():
    assert shear_wave_speed_m_s(75.0) == pytest.approx(5.0)
    assert youngs_modulus_kpa(5.0) == pytest.approx(75.0)
    e = np.array([0.0, 10.0, 62.0, 180.0])
    assert np.allclose(youngs_modulus_kpa(shear_wave_speed_m_s(e)), e)
    # density enters as E = 3 rho c^2
    assert youngs_modulus_kpa(2.0, density_kg_m3=1100.0) == pytest.approx(3 * 1100 * 4 / 1000)
    with pytest.raises(ValueError, match="e_kpa"):
        shear_wave_speed_m_s(-1.0)
    with pytest.raises(ValueError, match="density"):
        youngs_modulus_kpa(1.0, density_kg_m3=0)


# --- choosing the typical lesion --------------------------------------------------------


def test_typical_lesion_is_the_closest_to_the_cell_medians(lesions):
    columns = ["elasticity_kpa", "strain_ratio", "lesion_size_mm"]
    for pattern in phantom.PATTERNS:
        for group in (0, 1):
            where = {"calcification_pattern": pattern, "malignant": group}
            t = typical_lesion(lesions, where)
            cell = lesions[
                (lesions.calcification_pattern == pattern) & (lesions.malignant == group)
            ]
            z = (cell[columns] - cell[columns].median()) / cell[columns].std()
            d = np.sqrt((z**2).sum(axis=1))
            assert t.n_candidates == len(cell)
            assert t.distance == pytest.approx(d.min())
            assert cell.loc[d.idxmin(), "participant_id"] == t.participant_id


def test_typical_by_pattern_marks_the_commoner_group(lesions):
    table = typical_by_pattern(lesions)
    assert len(table) == 2 * len(phantom.PATTERNS)
    for _, part in table.groupby("calcification_pattern"):
        assert part.share.sum() == pytest.approx(1.0)
        assert part.shown.sum() == 1
        assert part.loc[part.shown, "n"].item() == part.n.max()
    for _, r in table.iterrows():
        where = {"calcification_pattern": r.calcification_pattern, "malignant": r.malignant}
        assert typical_lesion(lesions, where).participant_id == r.participant_id


def test_typical_lesion_ties_go_to_the_smallest_id_and_errors_name_the_column():
    t = pd.DataFrame({"participant_id": ["P3", "P1", "P2"], "g": 1, "x": [1.0, 1.0, 5.0]})
    # P3 and P1 tie around the median 1.0
    assert typical_lesion(t, {"g": 1}, columns=["x"]).participant_id == "P1"
    with pytest.raises(ValueError, match="no lesion"):
        typical_lesion(t, {"g": 2}, columns=["x"])
    with pytest.raises(ValueError, match="'y'"):
        typical_lesion(t, {"g": 1}, columns=["y"])
    with pytest.raises(TypeError):
        typical_lesion(t.to_dict(), {"g": 1})


def test_compare_example_percentile_and_identical_count():
    t = pd.DataFrame({"g": 1, "x": [1.0, 2.0, 2.04, 4.0], "y": [5.0, 6.0, 6.01, 9.0]})
    check = compare_example(t, {"g": 1}, {"x": (2.0, 1), "y": (6.0, 1)})
    x = check.table.set_index("column").loc["x"]
    assert x.percentile == pytest.approx(100 * (1 + 0.5) / 4)
    assert x.cell_median == pytest.approx(2.02)
    assert bool(x.within_iqr)
    assert check.n_cell == 4
    assert check.n_identical == 2  # 2.0/6.0 and 2.04/6.01 both print as 2.0/6.0


# --- why the box on the stiffest part reads high ----------------------------------------


def test_roi_bias_vanishes_without_noise_and_grows_with_it():
    flat = roi_selection_bias(50.0, 0.0, n_maps=3)
    for value in (
        flat.centre_mean_kpa,
        flat.centre_max_kpa,
        flat.stiffest_mean_kpa,
        flat.stiffest_max_kpa,
    ):
        assert value == pytest.approx(50.0)
    noisy = roi_selection_bias(50.0, 0.15, n_maps=150, seed=1)
    odd = roi_selection_bias(50.0, 0.15, n_maps=7, seed=1)
    assert odd.n_maps == 7
    assert noisy.centre_mean_kpa == pytest.approx(50.0, rel=1e-9)  # antithetic: exact
    assert noisy.stiffest_mean_kpa > noisy.centre_mean_kpa + 2
    assert noisy.stiffest_max_kpa > noisy.stiffest_mean_kpa
    assert noisy.stiffest_max_kpa > noisy.centre_max_kpa > noisy.centre_mean_kpa
    table = roi_bias_table(50.0, [0.05, 0.2], n_maps=40, seed=2)
    assert list(table.noise_cv) == [0.05, 0.2]
    assert table.stiffest_max_kpa.is_monotonic_increasing
    assert roi_selection_bias(50.0, 0.1, n_maps=5, seed=3) == roi_selection_bias(
        50.0, 0.1, n_maps=5, seed=3
    )


def test_roi_bias_rejects_bad_input():
    with pytest.raises(ValueError, match="true_kpa"):
        roi_selection_bias(0.0, 0.1)
    with pytest.raises(ValueError, match="noise_cv"):
        roi_selection_bias(50.0, -0.1)
    with pytest.raises(ValueError, match="lesion_size_mm"):
        roi_selection_bias(50.0, 0.1, lesion_size_mm=2.0)
    with pytest.raises(ValueError, match="n_maps"):
        roi_selection_bias(50.0, 0.1, n_maps=0)


# --- participant flow -------------------------------------------------------------------


def test_participant_flow_counts_what_the_table_holds(lesions):
    flow = participant_flow(lesions, cutoff_kpa=62.0)
    assert flow.n_enrolled == len(lesions)
    assert flow.n_screened is None and flow.n_excluded is None and flow.n_eligible is None
    g = flow.groups
    for label, code in (("malignant", 1), ("benign", 0)):
        part = lesions[lesions.malignant == code]
        assert g.loc[label, "n"] == len(part)
        assert g.loc[label, "n_index_positive"] == (part.elasticity_kpa >= 62).sum()
        assert g.loc[label, "n_index_positive"] + g.loc[label, "n_index_negative"] == len(part)
        assert g.loc[label, "ref_histology"] + g.loc[label, "ref_follow_up"] == len(part)
        assert g.loc[label, "n_consensus"] == part.consensus.sum()
    assert g.loc["malignant", "ref_follow_up"] == 0
    assert flow.histology.n.sum() == len(lesions)
    truth, e = lesions.malignant == 1, lesions.elasticity_kpa
    assert flow.sensitivity == pytest.approx((e[truth] >= 62).mean())
    assert flow.specificity == pytest.approx((e[~truth] < 62).mean())


def test_participant_flow_counts_missing_index_results_and_checks_columns(lesions):
    gap = lesions.copy()
    gap.loc[gap.index[0], "elasticity_kpa"] = np.nan
    flow = participant_flow(gap, cutoff_kpa=62.0)
    group = "malignant" if gap.malignant.iloc[0] == 1 else "benign"
    assert flow.groups.loc[group, "n_index_missing"] == 1
    assert flow.groups.loc[group, "n_analysed"] == flow.groups.loc[group, "n"] - 1
    with pytest.raises(ValueError, match="consensus"):
        participant_flow(lesions.drop(columns="consensus"), cutoff_kpa=62.0)
