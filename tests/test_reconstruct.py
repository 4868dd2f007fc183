"""Reconstruction: targets, the search engine's per-move updates, witnesses, files, CLI.

The committed witnesses are checked here by code written for the test (brute-force pair
counts, scipy, statsmodels, a textbook DeLong), not by the functions the search uses.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from microcalc import cli
from microcalc.study import paper, reconstruct

ROOT = Path(__file__).resolve().parents[1]
WITNESS_DIR = ROOT / "data" / "reconstructed"


def _rounds_to(key: str, x: float) -> bool:
    """Round half up at the printed decimals, written independently of microcalc.study.audit."""
    pub = paper.get(key)
    scale = 10**pub.decimals
    if pub.qualifier == "<":
        return x < pub.value
    return math.floor(x * scale + 0.5 + 1e-9) == round(pub.value * scale)


def _delong_by_definition(y: np.ndarray, a: np.ndarray, b: np.ndarray):
    """AUCs, variances and covariance from O(n^2) placement matrices (DeLong 1988)."""
    pos, neg = y == 1, y == 0

    def psi(x):
        d = x[pos][:, None] - x[neg][None, :]
        return (d > 0) + 0.5 * (d == 0)

    pa, pb = psi(a), psi(b)
    m, n = pa.shape
    v10 = np.stack([pa.mean(axis=1), pb.mean(axis=1)])
    v01 = np.stack([pa.mean(axis=0), pb.mean(axis=0)])
    s = np.cov(v10) / m + np.cov(v01) / n
    return np.array([pa.mean(), pb.mean()]), s


def _independent_headline_values(data: pd.DataFrame) -> dict[str, float]:
    y = data["malignant"].to_numpy()
    e = data["elasticity_kpa"].to_numpy()
    sr = data["strain_ratio"].to_numpy()
    out = {}
    for name, x in (("elasticity_kpa", e), ("strain_ratio", sr)):
        for grp, flag in (("malignant", 1), ("benign", 0)):
            out[f"table2.{name}.{grp}.mean"] = x[y == flag].mean()
            out[f"table2.{name}.{grp}.sd"] = x[y == flag].std(ddof=1)
    out["roc.sensitivity"] = 100 * np.mean(e[y == 1] >= 62)
    out["roc.specificity"] = 100 * np.mean(e[y == 0] < 62)
    out["text.spearman.elasticity_strain_ratio"] = stats.spearmanr(e, sr).statistic
    logit = sm.Logit(y, sm.add_constant(np.column_stack([e, sr]))).fit(disp=0)
    eta = logit.fittedvalues
    aucs, s = _delong_by_definition(y, eta, e)
    out["roc.auc.elasticity"] = aucs[1]
    out["roc.auc.combined"] = aucs[0]
    z = (aucs[0] - aucs[1]) / math.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])
    out["roc.delong.p_value"] = 2 * stats.norm.sf(abs(z))
    # Youden: J at every distinct threshold "e >= t", by brute force
    thresholds = np.unique(np.r_[e, np.inf])
    j = np.array([np.mean(e[y == 1] >= t) + np.mean(e[y == 0] < t) - 1 for t in thresholds])
    best = np.flatnonzero(np.isclose(j, j.max(), rtol=0, atol=1e-12))
    out["youden_unique"] = best.size == 1
    t_obs = thresholds[best[0]]
    t_mid = 0.5 * (t_obs + e[e < t_obs].max())
    out["roc.cutoff_kpa"] = t_obs
    out["youden_midpoint"] = t_mid
    return out


def test_targets_windows_come_from_the_paper():
    t = {x.statistic: x for x in reconstruct.targets("headline")}
    assert t["auc_elasticity"].low == pytest.approx(0.945)
    assert t["auc_elasticity"].high == pytest.approx(0.955)
    assert t["delong_p"].low == pytest.approx(0.0175)
    assert t["e_mean_malignant"].published == "88.3"
    assert len(t) == 15


def test_target_distance_counts_printed_units():
    t = reconstruct.targets(["auc_elasticity"])[0]
    assert t.distance(0.95) == 0.0
    assert t.distance(0.935) == pytest.approx(1.0)  # 0.01 below the window = 1 unit
    assert t.distance(0.955) > 0  # the window is half-open: 0.955 prints as 0.96
    assert math.isinf(t.distance(float("nan")))


@pytest.mark.parametrize("bad", ["nope", ["auc_elasticity", "unknown"], []])
def test_targets_rejects_unknown_names(bad):
    with pytest.raises(ValueError, match="targets|unknown"):
        reconstruct.targets(bad)


def test_engine_updates_agree_with_the_library_after_many_moves():
    """The per-move shortcuts (sums, histograms, U count, Newton steps) against a recomputation."""
    ref = reconstruct.reference_cohort(7)
    e = np.rint(ref["elasticity_kpa"].to_numpy() * 10).astype(np.int64)
    sr = np.rint(ref["strain_ratio"].to_numpy() * 100).astype(np.int64)
    chosen = reconstruct.targets("all")
    refs = {("e", 0): e[:150], ("e", 1): e[150:], ("sr", 0): sr[:150], ("sr", 1): sr[150:]}
    engine = reconstruct._Engine(e, sr, chosen, refs, 0.05)
    rng = np.random.default_rng(3)
    kinds = ("e_triple", "e_pair", "sr_triple", "sr_pair", "sr_swap", "e_swap")
    applied = 0
    while applied < 300:
        change = reconstruct._propose(engine, rng, kinds)
        if change is None:
            continue
        engine.apply(change)
        engine.values = engine._evaluate()
        engine.beta = engine.beta_trial
        applied += 1
    # converge the warm-started fit fully before comparing
    for _ in range(5):
        engine.values = engine._evaluate()
        engine.beta = engine.beta_trial
    frame = reconstruct._frame(engine.e, engine.sr)
    library = reconstruct.achieved_values(frame)
    for stat in (
        "e_mean_malignant",
        "e_sd_benign",
        "sr_sd_malignant",
        "sensitivity",
        "specificity",
        "auc_elasticity",
        "spearman",
        "auc_combined",
        "delong_p",
        "auc_combined_ci_low",
        "or_strain_ratio",
        "or_elasticity_ci_high",
        "hosmer_lemeshow_p",
    ):
        assert engine.values[stat] == pytest.approx(library[stat], rel=1e-7, abs=1e-10), stat


def test_moves_keep_group_sums_exactly():
    ref = reconstruct.reference_cohort(11)
    e = np.rint(ref["elasticity_kpa"].to_numpy() * 10).astype(np.int64)
    sr = np.rint(ref["strain_ratio"].to_numpy() * 100).astype(np.int64)
    refs = {("e", 0): e[:150], ("e", 1): e[150:], ("sr", 0): sr[:150], ("sr", 1): sr[150:]}
    engine = reconstruct._Engine(e, sr, reconstruct.targets("table2"), refs, 0.05)
    sums = (e[:150].sum(), e[150:].sum(), sr[:150].sum(), sr[150:].sum())
    rng = np.random.default_rng(0)
    for _ in range(500):
        change = reconstruct._propose(engine, rng, ("e_triple", "sr_pair", "e_swap"))
        if change is not None:
            engine.apply(change)
    now = (engine.e[:150].sum(), engine.e[150:].sum(), engine.sr[:150].sum(), engine.sr[150:].sum())
    assert now == sums


def test_reference_cohort_meets_table2_means():
    ref = reconstruct.reference_cohort(2025)
    for grp, flag in (("malignant", 1), ("benign", 0)):
        rows = ref[ref.malignant == flag]
        assert _rounds_to(f"table2.elasticity_kpa.{grp}.mean", rows.elasticity_kpa.mean())
        assert _rounds_to(f"table2.strain_ratio.{grp}.mean", rows.strain_ratio.mean())


def test_small_search_is_deterministic_and_checked():
    a = reconstruct.reconstruct(["e_mean_malignant", "spearman"], moves=300, polish_moves=50)
    b = reconstruct.reconstruct(["e_mean_malignant", "spearman"], moves=300, polish_moves=50)
    assert reconstruct.reconstruction_csv_text(a) == reconstruct.reconstruction_csv_text(b)
    assert reconstruct.reconstruction_json_text(a) == reconstruct.reconstruction_json_text(b)
    assert list(a.check["met"]) == [a.check["distance"].iloc[i] == 0 for i in range(len(a.check))]


@pytest.mark.parametrize("kwargs", [{"moves": 0}, {"restarts": -1}, {"weight": -1.0}])
def test_reconstruct_rejects_bad_budgets(kwargs):
    with pytest.raises(ValueError):
        reconstruct.reconstruct("table2", **kwargs)


def test_committed_headline_witness_meets_every_target_by_independent_code():
    data = pd.read_csv(WITNESS_DIR / "headline.csv")
    assert data.shape == (300, 4)
    assert (data.malignant == 1).sum() == 150
    # printed precision of the data: 0.1 kPa and 0.01
    assert np.allclose(data.elasticity_kpa * 10, np.rint(data.elasticity_kpa * 10))
    assert np.allclose(data.strain_ratio * 100, np.rint(data.strain_ratio * 100))
    values = _independent_headline_values(data)
    assert values.pop("youden_unique")
    midpoint = values.pop("youden_midpoint")
    assert math.floor(midpoint + 0.5) == 62
    for key, x in values.items():
        assert _rounds_to(key, x), (key, x)


def test_committed_json_agrees_with_its_csv():
    doc = json.loads((WITNESS_DIR / "headline.json").read_text())
    assert doc["found"] is True and doc["target_set"] == "headline"
    data = pd.read_csv(WITNESS_DIR / "headline.csv")
    check = reconstruct.check_targets(data, reconstruct.targets("headline"))
    by_stat = {row["statistic"]: row for row in doc["targets"]}
    for row in check.itertuples():
        assert by_stat[row.statistic]["achieved"] == row.achieved
        assert by_stat[row.statistic]["met"] == row.met


@pytest.mark.slow
def test_headline_witness_regenerates_byte_for_byte(tmp_path):
    rec = reconstruct.reconstruct("headline", seed=2025)
    assert reconstruct.reconstruction_csv_text(rec) == (WITNESS_DIR / "headline.csv").read_text()
    assert reconstruct.reconstruction_json_text(rec) == (WITNESS_DIR / "headline.json").read_text()


def test_cli_refuses_existing_files_without_force(tmp_path, capsys):
    (tmp_path / "headline.csv").write_text("x")
    status = cli.main(["reconstruct", "--out", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and err[0].startswith("error:")
    assert "--force" in err[0]
    assert (tmp_path / "headline.csv").read_text() == "x"


@pytest.mark.parametrize(
    "argv",
    [
        ["reconstruct", "--targets", "bogus"],
        ["reconstruct", "--seed", "-1"],
        ["reconstruct", "--out", ""],
    ],
)
def test_cli_bad_arguments_give_one_error_line(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")


def test_cli_writes_the_pair(tmp_path, capsys):
    status = cli.main(["reconstruct", "--targets", "table2", "--out", str(tmp_path), "--quiet"])
    assert status == 0
    assert "witness found" in capsys.readouterr().out
    data = pd.read_csv(tmp_path / "table2.csv")
    assert list(data.columns) == ["participant_id", "malignant", "elasticity_kpa", "strain_ratio"]
    doc = json.loads((tmp_path / "table2.json").read_text())
    assert doc["found"] and all(t["met"] for t in doc["targets"])
    assert (tmp_path / "table2.csv").stat().st_mode & 0o777 == 0o644
    assert not list(tmp_path.glob(".*tmp"))


def test_committed_lesion_size_witness_by_independent_code():
    data = pd.read_csv(WITNESS_DIR / "lesion_size.csv")
    y = data["malignant"].to_numpy()
    x = data["lesion_size_mm"].to_numpy()
    assert ((x >= 3) & (x <= 15)).all()
    for grp, flag in (("malignant", 1), ("benign", 0)):
        assert _rounds_to(f"table1.lesion_size_mm.{grp}.mean", x[y == flag].mean())
        assert _rounds_to(f"table1.lesion_size_mm.{grp}.sd", x[y == flag].std(ddof=1))
    # Mann-Whitney by pair counting and the tie-corrected normal approximation, by hand
    a, b = x[y == 1], x[y == 0]
    u = ((a[:, None] > b[None, :]) + 0.5 * (a[:, None] == b[None, :])).sum()
    n1, n2 = a.size, b.size
    _, t = np.unique(x, return_counts=True)
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - (t**3 - t).sum() / (n * (n - 1)))
    p = 2 * stats.norm.sf(abs(u - n1 * n2 / 2) / math.sqrt(var))
    assert _rounds_to("table1.lesion_size_mm.p_value", p)


def test_lesion_size_witness_regenerates_byte_for_byte():
    rec = reconstruct.lesion_size_witness(seed=2025)
    assert rec.found
    assert reconstruct.reconstruction_csv_text(rec) == (WITNESS_DIR / "lesion_size.csv").read_text()
    assert (
        reconstruct.reconstruction_json_text(rec) == (WITNESS_DIR / "lesion_size.json").read_text()
    )
