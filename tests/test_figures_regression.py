"""The figures of "Which measurements predict malignancy" draw and return matplotlib Figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from microcalc.figures.regression import calibration_plot, forest_plot  # noqa: E402
from microcalc.stats import logistic  # noqa: E402
from microcalc.study.variables import COMBINED  # noqa: E402


@pytest.fixture(scope="module")
def fit(default_cohort):
    return logistic.fit_logistic(
        default_cohort.lesions, predictors=list(COMBINED), profile=False, outcome="malignant"
    )


def test_forest_plot(fit):
    table = logistic.odds_ratio_table(fit)
    published = pd.DataFrame(
        {"odds_ratio": [1.09], "odds_ratio_ci_low": [1.06], "odds_ratio_ci_high": [1.12]},
        index=["elasticity_kpa"],
    )
    fig = forest_plot({"per unit": table, "per 10": table}, published={"per unit": published})
    assert isinstance(fig, plt.Figure)
    assert len(fig.axes) == 2
    plt.close(fig)


def test_calibration_plot(fit, default_cohort):
    table = logistic.calibration_table(default_cohort.lesions.malignant, fit.fitted)
    fig = calibration_plot({"apparent": table}, annotations={"apparent": "slope 1.00"})
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
