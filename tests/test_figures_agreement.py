"""The agreement chapter's figure functions return a matplotlib Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from microcalc.figures.agreement import bland_altman_plot, kappa_forest  # noqa: E402
from microcalc.stats import agreement  # noqa: E402


def test_bland_altman_plot_returns_a_figure():
    rng = np.random.default_rng(3)
    x = rng.normal(60, 15, 80)
    y = x + rng.normal(0, 4, 80)
    points = agreement.bland_altman_points(x, y).assign(
        group=np.where(np.arange(80) % 2, "malignant", "benign")
    )
    result = agreement.bland_altman(x, y)
    for hue in (None, "group"):
        fig = bland_altman_plot(points, result, hue=hue, title="t")
        assert isinstance(fig, plt.Figure)
        plt.close(fig)


def test_kappa_forest_returns_a_figure():
    table = pd.DataFrame(
        {
            "candidate": ["a", "b", "c"],
            "estimate": [0.8, 0.9, 0.7],
            "ci_low": [0.75, 0.85, 0.6],
            "ci_high": [0.85, 0.95, 0.8],
        }
    )
    fig = kappa_forest(table, published=0.84, published_ci=(0.79, 0.88), highlight="a")
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
