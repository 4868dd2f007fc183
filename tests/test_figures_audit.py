"""The figures of "Reading the paper critically" draw without error and return Figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from microcalc.figures.audit import (  # noqa: E402
    binormal_panels,
    ci_method_intervals,
    p_value_ladder,
)
from microcalc.study import audit  # noqa: E402


def test_p_value_ladder():
    points = pd.DataFrame(
        [
            ("age", "published", 0.114, 0.1135, 0.1145),
            ("age", "Student t", 0.167, 0.14, 0.197),
            ("size", "published", 0.015, 0.0145, 0.0155),
            ("size", "Student t", 1e-11, 5e-13, 9e-10),
            ("size", "SD read as SE", 0.57, 0.54, 0.61),
        ],
        columns=["check", "label", "value", "low", "high"],
    )
    fig = p_value_ladder(points)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_ci_method_intervals():
    table = audit.proportion_ci_table(132, 150)
    fig = ci_method_intervals(
        {"sensitivity": table},
        published={"sensitivity": (81.5, 92.8)},
        estimates={"sensitivity": 88.0},
    )
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_binormal_panels():
    fig = binormal_panels(
        {"elasticity": audit.binormal_roc(88.3, 16.2, 45.7, 9.8)},
        implied_auc={"elasticity": 0.988},
        published_auc={"elasticity": 0.95},
        published_point=(0.133, 0.88),
        binormal_point=(0.048, 0.948),
        densities=audit.binormal_densities(88.3, 16.2, 45.7, 9.8),
        cutoffs={"published": 62.0, "equal variance": 67.0},
    )
    assert isinstance(fig, plt.Figure)
    assert len(fig.axes) == 2
    plt.close(fig)
