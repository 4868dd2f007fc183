"""The sample-size chapter's figure functions return a matplotlib Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from microcalc.figures.samplesize import candidate_sizes, power_curves  # noqa: E402
from microcalc.stats import samplesize  # noqa: E402
from tests.figure_checks import legend_overlaps  # noqa: E402


def test_power_curves_returns_a_figure():
    curves = pd.concat(
        [
            samplesize.power_curve([0.8, 0.85], [10, 50, 100], null_auc=0.5),
            samplesize.power_curve([0.8, 0.85], [10, 50, 100], null_auc=0.75),
        ]
    )
    simulated = pd.DataFrame(
        {
            "auc": [0.85],
            "null_auc": [0.75],
            "n_cases": [50],
            "power": [0.5],
            "ci_low": [0.45],
            "ci_high": [0.55],
        }
    )
    fig = power_curves(curves, simulated=simulated, design_n=60, target_power=0.9)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_power_curves_legend_covers_no_label():
    # as in the sample-size chapter: the design's n marked where the curves have flattened
    curves = pd.concat(
        [
            samplesize.power_curve([0.8, 0.85, 0.9, 0.95], range(2, 251, 4), null_auc=null)
            for null in (0.5, 0.75)
        ]
    )
    simulated = pd.DataFrame(
        {
            "auc": [0.85],
            "null_auc": [0.75],
            "n_cases": [150],
            "power": [0.98],
            "ci_low": [0.97],
            "ci_high": [0.99],
        }
    )
    fig = power_curves(
        curves, simulated=simulated, design_n=150, target_power=0.9, design_label="this study"
    )
    assert legend_overlaps(fig) == []
    plt.close(fig)
    fig = power_curves(curves[curves.null_auc == 0.5])
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_candidate_sizes_returns_a_figure():
    table = samplesize.sample_size_candidates(0.85, ratios=[1.0]).assign(
        assumptions=lambda t: (
            t["method"]
            + ", "
            + t["null_auc"].astype(str)
            + ", "
            + t["alternative"]
            + ", "
            + t["null_variance"]
        )
    )
    fig = candidate_sizes(table, target=138, highlight=table["assumptions"].iloc[0])
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
