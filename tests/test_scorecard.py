"""The scorecard: the reproduction, and the CLI's views of the verdict table."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from microcalc.study import paper, scorecard, verdicts


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


def test_one_row_per_published_number_with_both_axes(reproduction):
    card = scorecard.scorecard(reproduction)
    assert len(card) == len(paper.all_values())
    assert set(card["can_be_true"]) <= set(verdicts.CAN_BE_TRUE)
    assert set(card["reproduced"]) <= set(verdicts.REPRODUCED)
    assert scorecard.verdict_counts(card, "reproduced").sum() == len(card)
    by_key = card.set_index("key")
    assert by_key.loc["design.n.malignant", "reproduced"] == "not applicable"
    assert by_key.loc["table2.elasticity_kpa.malignant.mean", "reproduced"] == (
        "matched by construction"
    )


def test_replicate_range_gives_study_to_study_variation():
    replicates = pd.DataFrame({"or_age": np.linspace(0.90, 1.10, 101)})
    card = scorecard.scorecard(
        {"table3.age_years.odds_ratio": 0.97}, replicates=replicates, calibrated=False
    ).set_index("key")
    row = card.loc["table3.age_years.odds_ratio"]
    assert row.reproduced == "within study-to-study variation"
    assert row.replicate_low == pytest.approx(np.quantile(np.linspace(0.90, 1.10, 101), 0.025))
    # mid-rank percentile of 1.01: values below count 1, ties one half
    grid = np.linspace(0.90, 1.10, 101)
    below, ties = np.sum(grid < 1.01), np.sum(np.isclose(grid, 1.01, rtol=0, atol=1e-15))
    assert row.replicate_percentile == pytest.approx(100 * (below + 0.5 * ties) / 101)
    assert row.can_be_true == "yes"


def test_qualified_values_use_their_bound():
    card = scorecard.scorecard(
        {"roc.auc.elasticity.p_value": 0.0004, "text.auc_by_density.low": 0.89}, calibrated=False
    ).set_index("key")
    assert card.loc["roc.auc.elasticity.p_value", "reproduced"] == "reproduced"
    assert card.loc["text.auc_by_density.low", "reproduced"] == "not reproduced"


def test_coverage_must_be_a_probability():
    with pytest.raises(ValueError, match="coverage"):
        scorecard.scorecard({}, coverage=1.5)


def test_json_and_csv_keep_every_double_exactly():
    tiny = {
        "table1.lesion_size_mm.p_value": 3.121924109083845e-11,
        "roc.accuracy": 87.33333333333333,
    }
    card = scorecard.scorecard(tiny, calibrated=False)
    records = {r["key"]: r for r in json.loads(scorecard.scorecard_json_text(card))}
    for key, value in tiny.items():
        assert records[key]["reproduction"] == value  # the same double, not a rounded one
    frame = pd.read_csv(
        __import__("io").StringIO(scorecard.scorecard_csv_text(card)), keep_default_na=False
    ).set_index("key")
    for key, value in tiny.items():
        assert float(frame.loc[key, "reproduction"]) == value
    assert records["design.n.malignant"]["reproduction"] is None


def test_cli_prints_json_and_csv_for_every_published_number(root):
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
    assert {r["can_be_true"] for r in records} <= set(verdicts.CAN_BE_TRUE)
    assert {r["reproduced"] for r in records} <= set(verdicts.REPRODUCED)
    size_p = next(r for r in records if r["key"] == "table1.lesion_size_mm.p_value")
    assert 0 < size_p["reproduction"] < 1e-6  # a small P survives the JSON
    as_csv = run("--csv")
    assert as_csv.returncode == 0
    header = as_csv.stdout.splitlines()[0].split(",")
    assert header[:7] == [
        "key",
        "description",
        "location",
        "kind",
        "published",
        "can_be_true",
        "reproduced",
    ]
    missing = run("--json", "--lesions", "no/such/file.csv")
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")
    assert missing.stdout == ""
