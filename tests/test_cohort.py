"""The simulated cohort: calibration targets, internal consistency, determinism, errors."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from microcalc.study import cohort, paper
from microcalc.study.cohort import (
    CohortConfig,
    ReaderModel,
    calibrate_elasticity,
    default_config,
    score_counts_for,
    simulate_cohort,
)

GROUP_CODE = {"malignant": 1, "benign": 0}
CATEGORICAL = ["breast_density", "histology", "birads", "calcification_pattern"]
MOMENTS = [
    ("table1", "age_years"),
    ("table1", "lesion_size_mm"),
    ("table2", "elasticity_kpa"),
    ("table2", "strain_ratio"),
    ("table2", "elasticity_score"),
]


@pytest.fixture(scope="module")
def lesions(default_cohort):
    return default_cohort.lesions


@pytest.fixture(scope="module")
def measurements(default_cohort):
    return default_cohort.measurements


# --- Table 1 and Table 2 -------------------------------------------------------------


@pytest.mark.parametrize("seed", [cohort.DEFAULT_SEED, 1, 99])
@pytest.mark.parametrize("variable", CATEGORICAL)
@pytest.mark.parametrize("group", ["malignant", "benign"])
def test_categorical_counts_are_exactly_the_published_ones(seed, variable, group):
    frame = simulate_cohort(seed=seed).lesions
    observed = frame.loc[frame.malignant == GROUP_CODE[group], variable].astype(str).value_counts()
    for level, count in paper.counts(variable, group).items():
        assert observed.get(str(level), 0) == count, (variable, group, level)


@pytest.mark.parametrize("seed", [cohort.DEFAULT_SEED, 3, 42])
@pytest.mark.parametrize("table,variable", MOMENTS)
@pytest.mark.parametrize("group", ["malignant", "benign"])
def test_means_and_sds_round_to_the_published_decimal(seed, table, variable, group):
    values = simulate_cohort(seed=seed).lesions.query(f"malignant == {GROUP_CODE[group]}")[variable]
    assert paper.get(f"{table}.{variable}.{group}.mean").rounds_to(values.mean())
    assert paper.get(f"{table}.{variable}.{group}.sd").rounds_to(values.std(ddof=1))


def test_sizes_and_ages_respect_eligibility(lesions):
    assert lesions.lesion_size_mm.between(3, 15).all()
    assert (lesions.age_years >= 18).all()


def test_cutoff_gives_published_sensitivity_and_specificity(lesions):
    positive = lesions.elasticity_kpa >= paper.value("roc.cutoff_kpa")
    malignant = lesions.malignant == 1
    sensitivity = 100 * positive[malignant].mean()
    specificity = 100 * (~positive[~malignant]).mean()
    assert paper.get("roc.sensitivity").rounds_to(sensitivity)
    assert paper.get("roc.specificity").rounds_to(specificity)


def test_spearman_correlations_near_published(lesions):
    """Per cohort within 0.05 / 0.08 (stated tolerances); averaged over seeds, closer."""
    rho_sr = stats.spearmanr(lesions.elasticity_kpa, lesions.strain_ratio).statistic
    rho_size = stats.spearmanr(lesions.elasticity_kpa, lesions.lesion_size_mm).statistic
    assert abs(rho_sr - paper.value("text.spearman.elasticity_strain_ratio")) < 0.05
    assert abs(rho_size - paper.value("text.spearman.elasticity_lesion_size")) < 0.08
    many = [simulate_cohort(seed=s).lesions for s in range(10)]
    mean_sr = np.mean([stats.spearmanr(f.elasticity_kpa, f.strain_ratio).statistic for f in many])
    mean_size = np.mean(
        [stats.spearmanr(f.elasticity_kpa, f.lesion_size_mm).statistic for f in many]
    )
    assert abs(mean_sr - paper.value("text.spearman.elasticity_strain_ratio")) < 0.02
    assert abs(mean_size - paper.value("text.spearman.elasticity_lesion_size")) < 0.03


def test_strain_ratio_ordered_by_pattern(lesions):
    means = lesions.groupby("calcification_pattern").strain_ratio.mean()
    assert means.clustered > means.scattered > means.sparse_punctate


def test_histology_subtypes_differ_in_stiffness(lesions):
    """Invasive carcinoma is stiffer than DCIS on average (a modelling choice)."""
    means = lesions.groupby("histology").elasticity_kpa.median()
    assert means.invasive_carcinoma > means.dcis


def test_reference_standard(lesions):
    assert (lesions.loc[lesions.malignant == 1, "reference_standard"] == "histology").all()
    benign = lesions.loc[lesions.malignant == 0, "reference_standard"].value_counts()
    assert set(benign.index) == {"histology", "follow_up"}


# --- Readers and acquisitions --------------------------------------------------------


def test_each_reader_value_is_the_mean_of_three_acquisitions(lesions, measurements):
    counts = measurements.groupby(["participant_id", "reader"]).size()
    assert (counts == 3).all()
    per_reader = measurements.groupby(["participant_id", "reader"])[
        ["emean_kpa", "strain_ratio"]
    ].mean()
    for reader in (1, 2):
        wide = lesions.set_index("participant_id")
        got = per_reader.xs(reader, level="reader").reindex(wide.index)
        assert np.allclose(got.emean_kpa, wide[f"reader{reader}_elasticity_kpa"], atol=0.0051)
        assert np.allclose(got.strain_ratio, wide[f"reader{reader}_strain_ratio"], atol=0.00051)


def test_final_value_is_the_readers_average_or_the_third_readers(lesions):
    normal = lesions[~lesions.consensus]
    average = (normal.reader1_elasticity_kpa + normal.reader2_elasticity_kpa) / 2
    assert np.allclose(normal.elasticity_kpa, average, atol=0.0151)
    assert normal.reader3_elasticity_kpa.isna().all()
    third = lesions[lesions.consensus]
    assert len(third) > 0
    assert np.allclose(third.elasticity_kpa, third.reader3_elasticity_kpa, atol=0.0101)
    assert np.allclose(third.strain_ratio, third.reader3_strain_ratio, atol=0.00101)


def test_consensus_flags_the_readers_who_differ_by_more_than_20_percent(lesions):
    r1, r2 = lesions.reader1_elasticity_kpa, lesions.reader2_elasticity_kpa
    relative = (r1 - r2).abs() / ((r1 + r2) / 2)
    clear = (relative - 0.20).abs() > 0.002  # rounding cannot decide these
    assert ((relative > 0.20) == lesions.consensus)[clear].all()


def test_third_reader_measures_only_consensus_lesions(lesions, measurements):
    third = set(measurements.loc[measurements.reader == 3, "participant_id"])
    assert third == set(lesions.loc[lesions.consensus, "participant_id"])


def test_emax_is_at_least_emean(measurements, lesions):
    assert (measurements.emax_kpa >= measurements.emean_kpa).all()
    assert (lesions.elasticity_max_kpa >= lesions.elasticity_kpa * 0.99).all()


def test_reader_scores_differ_by_at_most_one_and_final_is_one_of_them(lesions):
    assert ((lesions.reader1_score - lesions.reader2_score).abs() <= 1).all()
    chosen = (lesions.elasticity_score == lesions.reader1_score) | (
        lesions.elasticity_score == lesions.reader2_score
    )
    assert chosen.all()
    assert lesions[["reader1_score", "reader2_score"]].isin([1, 2, 3, 4, 5]).all().all()


def test_participant_ids_unique_and_groups_mixed(lesions):
    assert lesions.participant_id.is_unique
    assert lesions.participant_id.iloc[0] == "P001"
    assert 0 < lesions.malignant.head(20).mean() < 1


# --- Determinism ---------------------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_other_bytes():
    first = cohort.cohort_csv_text(simulate_cohort(seed=11))
    second = cohort.cohort_csv_text(simulate_cohort(seed=11))
    other = cohort.cohort_csv_text(simulate_cohort(seed=12))
    assert first == second
    assert first["lesions.csv"] != other["lesions.csv"]


def test_seed_sequence_children_are_reproducible():
    children = np.random.SeedSequence(5).spawn(2)
    again = np.random.SeedSequence(5).spawn(2)
    a = simulate_cohort(seed=children[1]).lesions
    b = simulate_cohort(seed=again[1]).lesions
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_bad_seed_is_refused(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        simulate_cohort(seed=seed)


# --- Unmatched (replicate-study) mode ------------------------------------------------


def test_unmatched_mode_draws_from_the_model():
    config = default_config(match_published=False)
    frames = [simulate_cohort(config, seed=s).lesions for s in range(8)]
    counts = {int((f.malignant == 1).sum()) for f in frames}
    assert counts == {150}
    densities = {int((f.breast_density == "A").sum()) for f in frames}
    assert len(densities) > 1  # categories are sampled, not fixed
    means = [f.loc[f.malignant == 1, "elasticity_kpa"].mean() for f in frames]
    assert abs(np.mean(means) - paper.value("table2.elasticity_kpa.malignant.mean")) < 2.5
    assert np.std(means) > 0.1


# --- Calibration pieces --------------------------------------------------------------


@pytest.mark.parametrize("group", ["malignant", "benign"])
def test_elasticity_mixture_meets_its_three_targets(group):
    config = default_config()
    targets = getattr(config, group)
    components = calibrate_elasticity(config, group)
    mean, sd = components.mean_sd()
    assert mean == pytest.approx(targets.elasticity_kpa[0], abs=1e-6)
    assert sd == pytest.approx(targets.elasticity_kpa[1], abs=1e-6)
    share = components.share_at_or_above(config.cutoff_kpa)
    assert share == pytest.approx(targets.n_at_or_above_cutoff / targets.n, abs=1e-7)


@pytest.mark.parametrize("mean,sd", [(4.2, 0.6), (2.1, 0.7), (3.0, 1.2)])
def test_score_counts_reproduce_mean_and_sd(mean, sd):
    counts = score_counts_for(mean, sd, 150)
    values = np.repeat(list(counts), list(counts.values()))
    assert len(values) == 150
    assert round(values.mean(), 1) == mean
    assert round(values.std(ddof=1), 1) == sd


def test_score_counts_impossible():
    with pytest.raises(ValueError, match="no counts"):
        score_counts_for(1.0, 1.0, 150)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1, 200, allow_nan=False), min_size=20, max_size=80, unique=True),
    st.floats(-0.5, 0.5),
)
def test_hinged_map_keeps_order_and_sides(values, shift):
    x = np.array(values)
    cutoff = float(np.median(x))
    target_mean = float(x.mean() + shift * x.std())
    try:
        y = cohort._hinged_match(x, target_mean, float(x.std(ddof=1)), cutoff, "x")
    except ValueError:
        return  # no increasing map exists for this target; the error is the contract
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(y[order]) >= -1e-9 * np.abs(y).max())  # increasing map
    assert np.array_equal(x >= cutoff, y >= cutoff)
    assert y.mean() == pytest.approx(target_mean, rel=1e-9)
    assert y.std(ddof=1) == pytest.approx(x.std(ddof=1), rel=1e-9)


# --- Configuration errors ------------------------------------------------------------


def _with_group(**changes):
    config = default_config()
    return {"malignant": replace(config.malignant, **changes)}


@pytest.mark.parametrize(
    "changes,field",
    [
        (_with_group(age_years=(51.3, -1.0)), "malignant.age_years SD"),
        (_with_group(strain_ratio=(-2.0, 0.5)), "malignant.strain_ratio mean"),
        (_with_group(histology={"dcis": 80, "invasive_carcinoma": 71}), "malignant.histology"),
        (_with_group(birads={3: 20, 4: 65, 6: 65}), "malignant.birads"),
        (_with_group(n=1), "malignant.n"),
        (_with_group(n_at_or_above_cutoff=151), "malignant.n_at_or_above_cutoff"),
        (_with_group(follow_up_share=1.5), "malignant.follow_up_share"),
        (_with_group(elasticity_score=(6.0, 0.5)), "malignant.elasticity_score"),
        (_with_group(lesion_size_mm=(20.0, 2.0)), "malignant.lesion_size_mm"),
        ({"cutoff_kpa": -62.0}, "cutoff_kpa"),
        ({"size_bounds_mm": (15.0, 3.0)}, "size_bounds_mm"),
        (
            {
                "latent_correlation": (
                    (1, 0.99, 0, 0),
                    (0.99, 1, 0, -0.99),
                    (0, 0, 1, 0),
                    (0, -0.99, 0, 1),
                )
            },
            "latent_correlation",
        ),
        ({"readers": ReaderModel(score_disagreement=-0.1)}, "readers.score_disagreement"),
        ({"readers": ReaderModel(reader_cv=0.0)}, "readers.reader_cv"),
    ],
)
def test_impossible_configuration_names_the_field(changes, field):
    with pytest.raises(ValueError) as error:
        default_config(**changes)
    assert field in str(error.value)


def test_config_must_be_a_config():
    with pytest.raises(TypeError, match="CohortConfig"):
        simulate_cohort(config={"n": 150})
    with pytest.raises(TypeError, match="GroupTargets"):
        CohortConfig(malignant={"n": 150}, benign=default_config().benign)
