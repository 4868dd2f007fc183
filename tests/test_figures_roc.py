"""Smoke tests of the ROC chapter's figures: each returns a matplotlib Figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from microcalc.figures.roc import predictive_values, roc_curves, stratified_aucs  # noqa: E402
from microcalc.stats import accuracy, roc  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    rng = np.random.default_rng(5)
    y = np.repeat([1, 0], [40, 40])
    a = rng.normal(1.5 * y, 1.0)
    b = a + rng.normal(0, 0.8, y.size)
    strata = np.where(rng.random(y.size) < 0.5, "low", "high")
    strata[:4] = ["low", "high", "low", "high"]
    strata[40:44] = ["low", "high", "low", "high"]
    return y, {"elasticity": a, "other marker": b}, strata


def test_roc_curves_returns_figure_with_two_panels(sample):
    y, markers, _ = sample
    curves = {name: roc.roc_curve(y, x) for name, x in markers.items()}
    youden = {"elasticity": roc.youden_cutoff(y, markers["elasticity"])}
    fig = roc_curves(
        curves, youden=youden, labels={"elasticity": "E"}, points={"a point": (0.1, 0.8)}
    )
    try:
        assert isinstance(fig, plt.Figure)
        assert len(fig.axes) == 2
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert "E" in legend and "other marker" in legend and "a point" in legend
    finally:
        plt.close(fig)


def test_roc_curves_sets_published_aucs_beside_ours(sample):
    y, markers, _ = sample
    curves = {name: roc.roc_curve(y, x) for name, x in markers.items()}
    ours = {"elasticity": (0.85, 0.77, 0.93), "other marker": (0.80, 0.70, 0.90)}
    published = {"elasticity": (0.95, 0.92, 0.98)}
    fig = roc_curves(curves, aucs=ours, published_aucs=published)
    try:
        assert len(fig.axes) == 3
        panel = fig.axes[2]
        # one filled point per marker, one open diamond for the one published AUC
        points = [line for line in panel.lines if line.get_marker() in ("o", "D")]
        drawn = sorted((line.get_marker(), float(line.get_xdata()[0])) for line in points)
        assert drawn == [("D", 0.95), ("o", 0.80), ("o", 0.85)]
        assert [t.get_text() for t in panel.get_yticklabels()] == ["other marker", "elasticity"]
        texts = [t.get_text() for t in panel.get_legend().get_texts()]
        assert texts == ["this book (95% CI)", "published (95% CI)"]
    finally:
        plt.close(fig)


def test_roc_curves_without_options(sample):
    y, markers, _ = sample
    fig = roc_curves({"x": roc.roc_curve(y, markers["elasticity"])})
    try:
        assert isinstance(fig, plt.Figure)
    finally:
        plt.close(fig)


def test_stratified_aucs_returns_figure(sample):
    y, markers, strata = sample
    frame = roc.stratified_auc(y, markers, strata).assign(group="density")
    fig = stratified_aucs(frame, reference=0.9)
    try:
        assert isinstance(fig, plt.Figure)
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert ticks == ["density: high", "density: low"]
    finally:
        plt.close(fig)


def test_stratified_aucs_without_group_column(sample):
    y, markers, strata = sample
    frame = roc.stratified_auc(y, {"elasticity": markers["elasticity"]}, strata)
    fig = stratified_aucs(frame, markers=["elasticity"])
    try:
        assert isinstance(fig, plt.Figure)
    finally:
        plt.close(fig)


def test_predictive_values_returns_figure():
    res = accuracy.accuracy_from_table(tp=132, fp=20, fn=18, tn=130)
    grid = res.at_prevalence(np.linspace(0.01, 0.6, 30))
    fig = predictive_values(grid, marks={"study": 0.5})
    try:
        assert isinstance(fig, plt.Figure)
        assert isinstance(grid, pd.DataFrame)
    finally:
        plt.close(fig)
