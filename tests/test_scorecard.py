"""The scorecard: reproduction of published numbers and the verdict rules."""

import numpy as np
import pandas as pd
import pytest

from microcalc import paper, scorecard


@pytest.fixture(scope="module")
def reproduction(default_cohort):
    return scorecard.reproduce(default_cohort.lesions)


def test_reproduction_values_against_hand_counts(default_cohort, reproduction):
    lesions = default_cohort.lesions
    malignant = lesions[lesions.malignant == 1]
    benign = lesions[lesions.malignant == 0]
    assert reproduction["roc.sensitivity"] == pytest.approx(
        100 * (malignant.elasticity_kpa >= 62).sum() / len(malignant)
    )
    assert reproduction["roc.specificity"] == pytest.approx(
        100 * (benign.elasticity_kpa < 62).sum() / len(benign)
    )
    correct = (malignant.elasticity_kpa >= 62).sum() + (benign.elasticity_kpa < 62).sum()
    assert reproduction["roc.accuracy"] == pytest.approx(100 * correct / len(lesions))
    assert reproduction["table1.breast_density.benign.A.n"] == (benign.breast_density == "A").sum()


def test_reproduction_covers_every_result_key(reproduction):
    for value in paper.all_values():
        key = value.key
        if key.startswith(("table1.", "table2.", "table3.", "roc.", "agreement.", "text.spearman")):
            assert key in reproduction, key
            assert np.isfinite(reproduction[key]), key


def test_verdicts_of_the_default_cohort(reproduction):
    card = scorecard.scorecard(reproduction)
    by_key = card.set_index("key")["verdict"]
    assert by_key["design.n.malignant"] == "design input"
    assert by_key["table2.elasticity_kpa.malignant.mean"] == "matched by construction"
    assert by_key["roc.sensitivity"] == "matched by construction"
    assert by_key["table2.elasticity_kpa.p_value"] == "reproduced"  # p < 0.001
    assert set(card["verdict"]) <= set(scorecard.VERDICTS)
    assert len(card) == len(paper.all_values())
    assert scorecard.verdict_counts(card).sum() == len(card)


def test_replicate_range_and_audit_change_the_verdict():
    reproduction = {"roc.auc.elasticity": 0.974, "roc.accuracy": 87.3}
    replicates = pd.DataFrame({"auc_elasticity": np.linspace(0.90, 0.99, 101)})
    audit = pd.DataFrame(
        {
            "paper_keys": ["roc.accuracy;roc.sensitivity"],
            "verdict": ["inconsistent"],
            "reason": ["88.0% and 86.7% of 150 imply 87.3%"],
        }
    )
    card = scorecard.scorecard(reproduction, replicates=replicates, audit=audit).set_index("key")
    row = card.loc["roc.auc.elasticity"]
    assert row.verdict == "within study-to-study variation"
    assert row.replicate_low == pytest.approx(np.quantile(np.linspace(0.90, 0.99, 101), 0.025))
    assert card.loc["roc.accuracy", "verdict"] == "not reproducible"
    assert "87.3" in card.loc["roc.accuracy", "why"]
    # an inconsistent audit outranks "matched by construction"
    assert card.loc["roc.sensitivity", "verdict"] == "not reproducible"


def test_qualified_values_use_their_bound():
    card = scorecard.scorecard(
        {"roc.auc.elasticity.p_value": 0.0004, "text.auc_by_density.low": 0.89}
    ).set_index("key")
    assert card.loc["roc.auc.elasticity.p_value", "verdict"] == "reproduced"
    assert card.loc["text.auc_by_density.low", "verdict"] == "not reproduced"


def test_level_must_be_a_probability():
    with pytest.raises(ValueError, match="level"):
        scorecard.scorecard({}, level=1.5)


def test_cli_prints_json_and_csv_for_every_published_number(root):
    import json
    import subprocess
    import sys

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "microcalc", "scorecard", *args],
            capture_output=True,
            text=True,
            cwd=root,
        )

    as_json = run("--json")
    assert as_json.returncode == 0, as_json.stderr
    records = json.loads(as_json.stdout)
    assert len(records) == len(paper.all_values())
    assert {r["verdict"] for r in records} <= set(scorecard.VERDICTS)
    assert all(r["verdict"] for r in records)
    as_csv = run("--csv")
    assert as_csv.returncode == 0
    assert as_csv.stdout.splitlines()[0].startswith("key,description,location,published")
    missing = run("--json", "--lesions", "no/such/file.csv")
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")
    assert missing.stdout == ""
