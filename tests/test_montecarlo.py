"""Replicate studies: the lean generator, the vectorised analyses and the stored results."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from microcalc.stats import roc
from microcalc.study import cohort, montecarlo, variables

NUMERIC = [c for c in montecarlo.COLUMNS if c not in ("replicate", "converged")]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model():
    return montecarlo.replicate_model()


@pytest.fixture(scope="module")
def reps(model):
    return montecarlo.draw_replicates(model, montecarlo.replicate_seeds(11, 20))


@pytest.fixture(scope="module")
def vectorised(reps):
    return montecarlo.analyse_replicates(reps)


# ------------------------------------------------------------------------------ generator
def test_truncated_transform_equals_scipy(model):
    z = np.linspace(-4, 4, 41)
    loc, scale, f_low, f_high = model.size_params[:, 0]
    low, high = cohort.default_config().size_bounds_mm
    expected = stats.truncnorm.ppf(
        stats.norm.cdf(z), (low - loc) / scale, (high - loc) / scale, loc=loc, scale=scale
    )
    got = montecarlo._truncated(z, model.size_params[:, :1].repeat(41, axis=1))
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_replicate_arrays_are_in_range(reps):
    assert reps.elasticity_kpa.shape == (20, 300)
    assert reps.malignant.sum() == 150
    assert reps.lesion_size_mm.min() >= 3 and reps.lesion_size_mm.max() <= 15
    assert reps.age_years.min() >= 18
    for name in ("elasticity_score", "reader1_score", "reader2_score"):
        values = getattr(reps, name)
        assert values.min() >= 1 and values.max() <= 5
    assert set(np.unique(reps.pattern)) <= {0, 1, 2}
    # readers differ by at most one point, and only one of them differs from the final score
    assert np.abs(reps.reader1_score - reps.reader2_score).max() == 1
    off1 = reps.reader1_score != reps.elasticity_score
    off2 = reps.reader2_score != reps.elasticity_score
    assert not (off1 & off2).any()


def test_replicate_depends_on_its_own_seed_only(model):
    seeds = montecarlo.replicate_seeds(5, 6)
    all_six = montecarlo.draw_replicates(model, seeds)
    last_two = montecarlo.draw_replicates(model, seeds[4:], index=[4, 5])
    np.testing.assert_array_equal(all_six.elasticity_kpa[4:], last_two.elasticity_kpa)
    np.testing.assert_array_equal(all_six.reader2_score[4:], last_two.reader2_score)
    assert last_two.index.tolist() == [4, 5]


def _cohort_summaries(lesions: pd.DataFrame) -> dict[str, float]:
    y = lesions["malignant"].to_numpy()
    out = {}
    for g, name in ((1, "mal"), (0, "ben")):
        part = lesions[y == g]
        for column in ("elasticity_kpa", "strain_ratio", "lesion_size_mm", "age_years"):
            out[f"{column}_{name}_mean"] = part[column].mean()
            out[f"{column}_{name}_sd"] = part[column].std(ddof=1)
        out[f"score_{name}_mean"] = part["elasticity_score"].mean()
        out[f"dense_{name}"] = part["density_cd"].mean()
        out[f"clustered_{name}"] = (part["calcification_pattern"] == "clustered").mean()
    e = lesions["elasticity_kpa"].to_numpy()
    out["auc_elasticity"] = roc.auc(y, e)
    out["auc_strain_ratio"] = roc.auc(y, lesions["strain_ratio"])
    out["share_62_mal"] = (e[y == 1] >= 62).mean()
    out["share_62_ben"] = (e[y == 0] >= 62).mean()
    out["spearman"] = stats.spearmanr(e, lesions["strain_ratio"]).statistic
    out["spearman_size"] = stats.spearmanr(e, lesions["lesion_size_mm"]).statistic
    out["reader_disagreement"] = (lesions["reader1_score"] != lesions["reader2_score"]).mean()
    return out


def test_generator_mirrors_the_unmatched_cohort_model(model):
    """Distributions agree with simulate_cohort(match_published=False) within MC error."""
    n_rep = 80
    config = cohort.default_config(match_published=False)
    full = []
    for seed in range(n_rep):
        lesions = cohort.simulate_cohort(config, seed=10_000 + seed).lesions
        lesions = variables.add_density_cd(lesions)
        full.append(_cohort_summaries(lesions))
    full = pd.DataFrame(full)
    reps = montecarlo.draw_replicates(model, montecarlo.replicate_seeds(99, 300))
    lean = pd.DataFrame([_cohort_summaries(reps.lesions(i)) for i in range(len(reps))])
    for column in full.columns:
        a, b = full[column], lean[column]
        se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        assert abs(a.mean() - b.mean()) < 4.5 * se + 1e-12, column
    # the spread between replicates agrees too (SDs within 25%)
    for column in ("auc_elasticity", "elasticity_kpa_mal_mean", "spearman", "share_62_ben"):
        ratio = full[column].std() / lean[column].std()
        assert 0.75 < ratio < 1.33, column


# ------------------------------------------------------------------------------ analyses
def test_vectorised_equals_reference(reps, vectorised):
    reference = montecarlo.analyse_replicates_reference(reps)
    assert vectorised["replicate"].tolist() == reference["replicate"].tolist()
    assert vectorised["converged"].tolist() == reference["converged"].tolist()
    ok = vectorised["converged"].to_numpy()
    assert ok.sum() >= 15
    np.testing.assert_allclose(
        vectorised.loc[ok, NUMERIC].to_numpy(float),
        reference.loc[ok, NUMERIC].to_numpy(float),
        rtol=1e-8,
        atol=1e-10,
    )


def test_columns_and_types(vectorised):
    assert tuple(vectorised.columns) == montecarlo.COLUMNS
    assert vectorised["converged"].dtype == bool
    assert vectorised["replicate"].dtype == np.int64


def test_separated_replicate_gives_nan_and_unconverged(model, reps):
    e = reps.elasticity_kpa.copy()
    e[0, :150] += 500  # replicate 0: elasticity separates the groups completely
    sep = montecarlo.Replicates(**{**reps.__dict__, "elasticity_kpa": e})
    out = montecarlo.analyse_replicates(sep)
    assert not out.loc[0, "converged"]
    assert np.isnan(out.loc[0, ["or_elasticity", "auc_combined", "delong_p", "hl_p"]]).all()
    assert out.loc[0, "auc_elasticity"] == 1.0
    assert out.loc[1:, "converged"].all()


# ------------------------------------------------------------------------------ running
def test_one_and_two_workers_give_identical_results():
    one = montecarlo.run_replicates(60, seed=3, jobs=1, chunk_size=25)
    two = montecarlo.run_replicates(60, seed=3, jobs=2, chunk_size=25)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_prefix_of_a_long_run_equals_a_short_run():
    long = montecarlo.run_replicates(30, seed=8, chunk_size=30)
    short = montecarlo.run_replicates(7, seed=8)
    pd.testing.assert_frame_equal(long.iloc[:7], short, check_exact=False, rtol=1e-12)


def test_run_checks_arguments():
    with pytest.raises(ValueError, match="n_replicates"):
        montecarlo.run_replicates(0)
    with pytest.raises(ValueError, match="jobs"):
        montecarlo.run_replicates(2, jobs=0)
    with pytest.raises(ValueError, match="seed"):
        montecarlo.replicate_seeds(-1, 3)
    with pytest.raises(TypeError, match="config"):
        montecarlo.replicate_model("study")


def test_stored_results_do_not_drift_from_the_code():
    """The stored 10,000-replicate file: its first rows equal a fresh run of the code."""
    stored, meta = montecarlo.read_results(ROOT / "data")
    assert meta["n_replicates"] == len(stored) == 10_000
    assert meta["columns"] == list(montecarlo.COLUMNS)
    k = 20
    fresh = montecarlo.run_replicates(k, seed=meta["seed"])
    assert stored["replicate"].iloc[:k].tolist() == fresh["replicate"].tolist()
    assert stored["converged"].iloc[:k].tolist() == fresh["converged"].tolist()
    np.testing.assert_allclose(
        stored[NUMERIC].iloc[:k].to_numpy(float),
        fresh[NUMERIC].to_numpy(float),
        rtol=1e-10,
        equal_nan=True,
    )
    assert int(stored["converged"].sum()) == meta["n_converged"]


def test_results_bytes_are_deterministic(tmp_path):
    frame = montecarlo.run_replicates(4, seed=1)
    data = montecarlo.results_csv_bytes(frame)
    assert data == montecarlo.results_csv_bytes(frame.copy())
    assert data[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
    written = montecarlo.write_results(frame, tmp_path, seed=1)
    assert [p.name for p in written] == ["montecarlo.csv.gz", "montecarlo.json"]
    back, meta = montecarlo.read_results(tmp_path)
    assert meta["seed"] == 1 and meta["n_replicates"] == 4
    np.testing.assert_allclose(
        back[NUMERIC].to_numpy(float), frame[NUMERIC].to_numpy(float), rtol=1e-11
    )
    with pytest.raises(FileExistsError, match="--force"):
        montecarlo.write_results(frame, tmp_path, seed=1)
    montecarlo.write_results(frame, tmp_path, seed=1, force=True)
    assert gzip.decompress((tmp_path / "montecarlo.csv.gz").read_bytes()).startswith(b"replicate,")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------------------ summaries
def test_replicate_summary():
    frame = pd.DataFrame({"auc_elasticity": np.linspace(0.9, 1.0, 101)})
    table = montecarlo.replicate_summary(frame, {"auc_elasticity": 0.95})
    row = table.loc["auc_elasticity"]
    assert row["median"] == pytest.approx(0.95)
    assert row["published_quantile"] == pytest.approx(50 / 101)
    assert row["inside"]
