"""Verdicts follow from evidence: proofs, committed witnesses, the cohort and its replicates."""

import hashlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from microcalc import paths
from microcalc.stats import samplesize
from microcalc.study import audit, paper, proofs, reconstruct, verdicts

DATA = paths.repository_data_dir()
WITNESSES = DATA / "reconstructed"


@pytest.fixture(scope="module")
def table():
    return verdicts.build_verdicts(DATA / "lesions.csv", data_dir=DATA)


def test_every_published_number_has_both_verdicts_and_evidence(table):
    assert list(table.key) == [v.key for v in paper.all_values()]
    assert set(table.can_be_true) <= set(verdicts.CAN_BE_TRUE)
    assert set(table.reproduced) <= set(verdicts.REPRODUCED)
    assert (table.can_be_true_evidence.str.len() > 0).all()
    assert (table.reproduced_evidence.str.len() > 0).all()
    assert (table.consequence.str.len() > 0).all()


def test_matched_by_construction_is_never_reproduced(table):
    tuned = table[[verdicts.tuning(k) != "" for k in table.key]]
    assert len(tuned) > 50
    assert "reproduced" not in set(tuned.reproduced)
    for key in ("text.spearman.elasticity_strain_ratio", "agreement.kappa", "roc.sensitivity"):
        assert table.set_index("key").loc[key, "reproduced"] == "matched by construction"


def test_a_tuned_number_that_agrees_is_reproduced_only_on_untuned_data():
    value = {"text.spearman.elasticity_strain_ratio": 0.751}
    on_cohort = verdicts.verdict_table(value, calibrated=True).set_index("key")
    on_other = verdicts.verdict_table(value, calibrated=False).set_index("key")
    key = "text.spearman.elasticity_strain_ratio"
    assert on_cohort.loc[key, "reproduced"] == "matched by construction"
    assert on_other.loc[key, "reproduced"] == "reproduced"


def test_impossible_needs_a_proof_that_involves_the_number(table):
    checks = audit.audit_paper().set_index("check_id")
    bounds = proofs.all_bounds().set_index("proof_id")
    impossible = table[table.can_be_true == "impossible"]
    assert len(impossible) > 0
    for row in impossible.itertuples():
        ids = row.proof.split(";")
        assert ids and all(ids), row.key
        for proof_id in ids:
            if proof_id in checks.index:
                assert checks.loc[proof_id, "verdict"] == "inconsistent"
                assert row.key in checks.loc[proof_id, "paper_keys"].split(";")
            else:
                assert bool(bounds.loc[proof_id, "impossible"]), proof_id
                assert row.key in bounds.loc[proof_id, "keys"].split(";")
        assert row.premise, row.key


def test_without_proofs_nothing_is_impossible():
    no_audit = audit.audit_paper().assign(verdict="consistent")
    no_bounds = proofs.all_bounds().assign(impossible=False)
    card = verdicts.verdict_table({}, audit=no_audit, bounds=no_bounds, calibrated=False)
    assert "impossible" not in set(card.can_be_true)


def test_the_accuracy_is_charged_and_sensitivity_is_not(table):
    by_key = table.set_index("key")
    assert by_key.loc["roc.accuracy", "can_be_true"] == "impossible"
    assert set(by_key.loc["roc.accuracy", "impossible_with"].split(";")) == {
        "roc.sensitivity",
        "roc.specificity",
    }
    # 132/150 and 130/150 give 87.3%: sensitivity and specificity hold on the cohort
    assert by_key.loc["roc.sensitivity", "can_be_true"] == "yes"
    sr = by_key.loc["table3.strain_ratio.odds_ratio"]
    assert sr.can_be_true == "impossible"
    assert "table3.strain_ratio.ci_low" in sr.impossible_with.split(";")


def test_atypical_needs_a_committed_witness_far_outside_the_model(table):
    cache = pd.read_csv(WITNESSES / verdicts.PLAUSIBILITY_FILE)
    atypical = table[table.can_be_true == "only with atypical data"]
    assert len(atypical) > 0
    for row in atypical.itertuples():
        path = DATA.parent / row.witness
        assert path.is_file(), row.witness
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in set(cache.sha256), f"{row.witness} is not the measured witness"
        assert row.witness_as_strange_pct <= verdicts.ATYPICAL_PCT
        # measured afresh, with other replicates: some measure lies outside the model's range
        if "elasticity_kpa" in pd.read_csv(path, nrows=1):
            fresh = reconstruct.plausibility(pd.read_csv(path), replicates=200, seed=7).table
        else:
            fresh = verdicts._size_plausibility(path, replicates=60, seed=7)
        outside = (fresh.value > fresh.model_high) | (fresh.value < fresh.model_low)
        assert outside.any(), row.key


def test_yes_on_a_result_needs_a_plausible_data_set(table):
    results = table[(table.kind == "result") & (table.can_be_true == "yes")]
    for row in results.itertuples():
        published = paper.get(row.key)
        cohort_agrees = np.isfinite(row.reproduction) and (
            published.rounds_to(row.reproduction)
            if published.qualifier == "="
            else (row.reproduction < published.value)
            if published.qualifier == "<"
            else (row.reproduction > published.value)
        )
        plausible_witness = row.witness_as_strange_pct > verdicts.ATYPICAL_PCT
        in_replicates = row.replicate_low <= published.value <= row.replicate_high
        at_most = row.key == "table1.birads.p_value" and row.reproduction <= published.value
        assert cohort_agrees or plausible_witness or in_replicates or at_most, row.key


def test_the_witness_plausibility_cache_is_fresh():
    cache = pd.read_csv(WITNESSES / verdicts.PLAUSIBILITY_FILE)
    for witness, digest in cache.groupby("witness").sha256.first().items():
        path = WITNESSES / witness
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, witness
    feasibility = pd.read_csv(WITNESSES / "feasibility.csv", keep_default_na=False)
    found = set(feasibility[feasibility.status == "witness found"].slug)
    if (WITNESSES / "lesion_size.csv").is_file():
        found.add("lesion_size")
    assert found == set(cache.slug)


def test_a_t_test_check_does_not_prove_a_p_the_methods_allow_a_rank_test_for(table):
    by_key = table.set_index("key")
    # age: a t-test cannot give 0.114, but a Mann-Whitney test might; nothing decides it
    assert by_key.loc["table1.age_years.p_value", "can_be_true"] == "cannot tell"
    assert "Mann-Whitney" in by_key.loc["table1.age_years.p_value", "can_be_true_evidence"]
    # lesion size: the committed Mann-Whitney witness bunches the sizes
    size = by_key.loc["table1.lesion_size_mm.p_value"]
    assert size.can_be_true == "only with atypical data"
    assert size.witness.endswith("lesion_size.csv")


def test_density_p_flips_the_papers_entry_rule(table):
    counts = np.array(
        [
            [paper.value(f"table1.breast_density.{g}.{lvl}.n") for lvl in "ABCD"]
            for g in ("malignant", "benign")
        ]
    )
    p = stats.chi2_contingency(counts, correction=False).pvalue
    screen = paper.value("text.univariable_screen_p")
    assert paper.value("table1.breast_density.p_value") < screen <= p
    row = table.set_index("key").loc["table1.breast_density.p_value"]
    assert row.can_be_true == "impossible"
    assert "flips the paper's own entry rule" in row.consequence
    assert f"{p:.3f}" in row.consequence


def test_sample_size_links_to_the_computed_designs(table):
    row = table.set_index("key").loc["samplesize.n_per_group"]
    obuchowski = samplesize.auc_sample_size(
        0.85, null_auc=0.75, alpha=0.05, power=0.90, method="obuchowski"
    )
    buderer = samplesize.buderer_sample_size(
        sensitivity=0.90, specificity=0.90, prevalence=0.5, precision=0.05
    )
    assert f"with {obuchowski.n_cases};" in row.reproduced_evidence
    assert f"{buderer.n_cases_exact:.2f}" in row.reproduced_evidence
    assert row.chapter == "notebooks/sample_size"
    assert row.reproduced == "not reproduced"


def test_label_html_refuses_an_unknown_label():
    with pytest.raises(ValueError, match="label"):
        verdicts.label_html("roc.accuracy", "can_be_true", "not reproducible")
    with pytest.raises(ValueError, match="axis"):
        verdicts.label_html("roc.accuracy", "verdict", "yes")
