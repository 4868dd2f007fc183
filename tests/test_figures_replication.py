"""The replication chapter's figure functions return a matplotlib Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from microcalc import montecarlo  # noqa: E402
from microcalc.figures.replication import (  # noqa: E402
    delong_power_curve,
    sampling_distributions,
    youden_cutoffs,
)


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
