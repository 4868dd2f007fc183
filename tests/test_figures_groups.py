"""The figures of "Who was studied" draw without error and return matplotlib Figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from microcalc.figures.groups import (  # noqa: E402
    correlation_scatter,
    p_value_comparison,
    strain_ratio_by_pattern,
)
from microcalc.stats import compare  # noqa: E402


@pytest.fixture(scope="module")
def lesions(default_cohort):
    return default_cohort.lesions


def test_correlation_scatter(lesions):
    results = [
        compare.spearman_correlation(lesions, "elasticity_kpa", "strain_ratio"),
        compare.spearman_correlation(lesions, "elasticity_kpa", "lesion_size_mm"),
    ]
    fig = correlation_scatter(lesions, results, published={"strain_ratio": 0.75})
    assert isinstance(fig, plt.Figure)
    assert len(fig.axes) == 2
    plt.close(fig)


def test_strain_ratio_by_pattern(lesions):
    fig = strain_ratio_by_pattern(lesions)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_p_value_comparison():
    table = pd.DataFrame(
        {
            "label": ["age", "size", "elasticity"],
            "published": [0.114, 0.015, 0.001],
            "bound": [False, False, True],
            "ours": [0.166, 3e-11, 1e-70],
        }
    )
    fig = p_value_comparison(table)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
