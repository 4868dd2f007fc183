"""Smoke tests of the optimism chapter's figures: each returns a matplotlib Figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from microcalc.figures.optimism import cutoff_distribution, estimate_comparison  # noqa: E402


def test_cutoff_distribution_with_and_without_youden_curve():
    cutoffs = np.random.default_rng(0).choice([51.2, 67.2, 73.9, 80.2], size=200)
    fig = cutoff_distribution(
        cutoffs,
        marks={"published 62 kPa": 62.0, "this sample": 73.9},
        youden_curve=([40.0, 55.0, 70.0, 90.0, np.inf], [0.1, 0.7, 0.8, 0.2, 0.0]),
    )
    try:
        assert isinstance(fig, plt.Figure)
        assert len(fig.axes) == 2
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert legend == ["published 62 kPa", "this sample"]
    finally:
        plt.close(fig)
    fig = cutoff_distribution(cutoffs)
    try:
        assert isinstance(fig, plt.Figure)
        assert len(fig.axes) == 1
    finally:
        plt.close(fig)


def test_estimate_comparison_one_panel_per_measure():
    table = pd.DataFrame(
        {
            "measure": ["sensitivity", "auc_combined"],
            "apparent": [0.83, 0.995],
            "corrected": [0.81, 0.994],
            "corrected_632plus": [0.85, 0.994],
            "cross_validated": [0.84, 0.993],
        }
    )
    fig = estimate_comparison(
        table, labels={"sensitivity": "Sensitivity"}, published={"auc_combined": 0.97}
    )
    try:
        assert isinstance(fig, plt.Figure)
        assert len(fig.axes) == 2
        assert fig.axes[0].get_title(loc="left") == "Sensitivity"
    finally:
        plt.close(fig)
