"""The replication chapter's figure functions return a matplotlib Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from microcalc.figures.replication import (  # noqa: E402
    delong_power_curve,
    sampling_distributions,
    youden_cutoffs,
)
from microcalc.study import montecarlo  # noqa: E402


def _results(n=200):
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "auc_elasticity": rng.normal(0.96, 0.01, n),
            "or_strain_ratio": np.exp(rng.normal(5, 2, n)),
            "youden_cutoff_kpa": rng.normal(74, 3, n),
        }
    )


def test_sampling_distributions_returns_a_figure():
    results = _results()
    summary = montecarlo.replicate_summary(
        results, {"auc_elasticity": 0.95, "or_strain_ratio": 2.5}
    )
    fig = sampling_distributions(
        results,
        summary,
        labels={"auc_elasticity": "AUC", "or_strain_ratio": "OR", "youden_cutoff_kpa": "cut"},
        log_scale=["or_strain_ratio"],
        ncols=2,
    )
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_youden_cutoffs_returns_a_figure():
    fig = youden_cutoffs(_results()["youden_cutoff_kpa"], published=62, width=5, median=74)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_delong_power_curve_returns_a_figure():
    power = pd.DataFrame(
        {
            "correlation": [0.5, 0.9],
            "power": [0.3, 0.6],
            "ci_low": [0.25, 0.55],
            "ci_high": [0.35, 0.65],
        }
    )
    fig = delong_power_curve(power, model_power=0.99)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def _label_boxes(ax, fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.get_xticklabels(which="both") if t.get_visible() and t.get_text()]
    lo, hi = ax.get_xlim()
    inside = [t for t in labels if lo <= t.get_position()[0] <= hi]
    return [t.get_window_extent(renderer) for t in inside]


def test_log_panels_have_readable_non_overlapping_ticks():
    rng = np.random.default_rng(1)
    n = 400
    results = pd.DataFrame(
        {
            "or_age": np.exp(rng.normal(0.0, 0.05, n)),  # narrow: well under one decade
            "or_size": np.exp(rng.normal(0.3, 0.3, n)),  # about one decade with the margins
            "or_strain_ratio": np.exp(rng.normal(6, 2.5, n)),  # wide: several decades
        }
    )
    published = {"or_age": 1.01, "or_size": 1.15, "or_strain_ratio": 2.5}
    summary = montecarlo.replicate_summary(results, published)
    fig = sampling_distributions(
        results,
        summary,
        labels={"or_age": "OR age", "or_size": "OR size", "or_strain_ratio": "OR SR"},
        log_scale=list(published),
        ncols=3,
    )
    for ax in fig.axes[:3]:
        boxes = _label_boxes(ax, fig)
        assert len(boxes) >= 2, ax.get_title()
        boxes.sort(key=lambda b: b.x0)
        for left, right in zip(boxes, boxes[1:], strict=False):
            assert left.x1 < right.x0, f"{ax.get_title()}: tick labels overlap"
    # the narrow panel is not squeezed: the 2.5-97.5% range fills most of the axis
    narrow = fig.axes[0]
    lo, hi = narrow.get_xlim()
    q = summary.loc["or_age"]
    assert np.log(q["q975"] / q["q025"]) > 0.6 * np.log(hi / lo)
    plt.close(fig)
