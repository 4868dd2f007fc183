"""The decision chapter's figure functions return a matplotlib Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from microcalc.figures.decision import (  # noqa: E402
    consequence_bars,
    decision_curve_panels,
    prevalence_curves,
)
from microcalc.stats import accuracy, decision  # noqa: E402
from tests.figure_checks import legend_overlaps  # noqa: E402


def test_prevalence_curves_returns_a_figure():
    res = accuracy.accuracy_from_table(tp=132, fp=20, fn=18, tn=130)
    grid = res.at_prevalence(np.linspace(0.01, 0.99, 50))
    fig = prevalence_curves(grid, span=(0.2, 0.3), span_label="range", marks={"study": 0.5})
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_prevalence_curves_legend_covers_no_label():
    # as in the decisions chapter: the study's prevalence marked at one half
    res = accuracy.accuracy_from_table(tp=132, fp=20, fn=18, tn=130)
    grid = res.at_prevalence(np.linspace(0.01, 0.99, 99))
    fig = prevalence_curves(
        grid,
        span=(0.2, 0.3),
        span_label="published biopsy PPV, 20-30%",
        marks={"this study": 0.5},
        risk_reference=(0.02, "BI-RADS 3 ceiling"),
    )
    assert legend_overlaps(fig) == []
    plt.close(fig)


def test_decision_curve_panels_returns_a_figure():
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(30, int), np.zeros(30, int)]
    p = rng.uniform(size=60)
    thresholds = np.linspace(0.01, 0.5, 20)
    curves = pd.concat(
        [
            decision.decision_curves(
                y, thresholds, models={"m": p}, rules={"Emean ≥ 62 kPa": p > 0.5}, prevalence=pi
            )
            for pi in (0.5, 0.25)
        ]
    )
    fig = decision_curve_panels(
        curves,
        panels=[(0.5, "study"), (0.25, "clinic")],
        band=["Emean ≥ 62 kPa"],
        reference_threshold=0.02,
        reference_label="ref",
    )
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
    fig = decision_curve_panels(curves, panels=[(0.25, "clinic")])
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_consequence_bars_returns_a_figure():
    rows = {
        "rule": decision.biopsy_consequences(0.88, 0.867, 0.25),
        "all": decision.biopsy_consequences(1.0, 0.0, 0.25),
    }
    table = pd.DataFrame(
        {label: frame.set_index("quantity")["estimate"] for label, frame in rows.items()}
    ).T
    fig = consequence_bars(table)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
