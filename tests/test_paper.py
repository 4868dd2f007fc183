"""The published numbers: transcription checks that do not rely on our own code."""

import pytest

from microcalc.study import paper


def test_every_value_says_where_it_stands():
    for v in paper.all_values():
        assert v.location, v.key
        assert v.description, v.key
        assert v.qualifier in {"=", "<", ">"}


@pytest.mark.parametrize(
    "variable", ["breast_density", "histology", "birads", "calcification_pattern"]
)
@pytest.mark.parametrize("group", ["malignant", "benign"])
def test_table1_counts_add_up_and_match_their_percentages(variable, group):
    """Each published percentage is its count over the group size, to the printed decimal."""
    n = paper.value(f"design.n.{group}")
    counts = paper.counts(variable, group)
    assert sum(counts.values()) == n
    for level, count in counts.items():
        pct = paper.get(f"table1.{variable}.{group}.{level}.pct")
        assert pct.rounds_to(100 * count / n), (variable, group, level)


def test_abstract_and_table3_agree():
    assert paper.value("table3.elasticity_kpa.odds_ratio") == 1.09
    assert paper.get("table3.strain_ratio.p_value").printed == "< 0.001"


def test_rounds_to_uses_the_printed_decimal():
    sd = paper.get("table2.strain_ratio.malignant.sd")
    assert sd.decimals == 2
    assert sd.rounds_to(0.4951) and sd.rounds_to(0.5049)
    assert not sd.rounds_to(0.5051)


def test_unknown_key_names_near_keys():
    with pytest.raises(KeyError, match="table2.strain_ratio.malignant.mean"):
        paper.get("table2.strain_ratio.malignant.median")


def test_counts_rejects_unknown_variable_and_group():
    with pytest.raises(ValueError, match="variable"):
        paper.counts("eye_colour", "benign")
    with pytest.raises(ValueError, match="group"):
        paper.counts("birads", "healthy")


def test_frame_has_one_row_per_value():
    frame = paper.as_frame()
    assert len(frame) == len(paper.all_values())
    assert frame["key"].is_unique
