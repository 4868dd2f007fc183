"""The verdict grid draws every number it is given, in the cell of its two verdicts."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from microcalc.figures.verdicts import verdict_grid  # noqa: E402


def test_every_number_is_drawn_once_and_counted_in_its_cell():
    table = pd.DataFrame(
        {
            "key": ["a", "b", "c", "d"],
            "can_be_true": ["yes", "yes", "impossible", "cannot tell"],
            "reproduced": ["reproduced", "reproduced", "not reproduced", "not reproduced"],
        }
    )
    fig = verdict_grid(
        table,
        can_order=["impossible", "yes", "cannot tell"],
        reproduced_order=["reproduced", "not reproduced"],
        labels={"c": "the named one"},
    )
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == len(table)
    texts = [t.get_text() for t in ax.texts]
    assert "the named one" in texts
    assert sorted(t for t in texts if t.isdigit()) == ["1", "1", "2"]
