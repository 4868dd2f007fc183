"""Every ``confidence_level`` of :mod:`microcalc.stats` goes through one check, with one message."""

import numpy as np
import pandas as pd
import pytest

from microcalc.stats import accuracy, agreement, compare, logistic, roc, samplesize

Y = np.array([0, 0, 0, 1, 1, 1, 0, 1])
X = np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.9, 0.2, 0.3])
TABLE = pd.DataFrame({"x": X, "y": X**2 + np.arange(8) / 10})

CALLS = {
    "roc.auc_delong": lambda level: roc.auc_delong(Y, X, confidence_level=level),
    "roc.delong_test": lambda level: roc.delong_test(Y, X, X[::-1], confidence_level=level),
    "accuracy.accuracy_from_table": lambda level: accuracy.accuracy_from_table(
        tp=10, fp=2, fn=3, tn=12, confidence_level=level
    ),
    "compare.spearman_correlation": lambda level: compare.spearman_correlation(
        TABLE, "x", "y", confidence_level=level
    ),
    "logistic.calibration": lambda level: logistic.calibration(Y, X, confidence_level=level),
    "agreement.cohen_kappa": lambda level: agreement.cohen_kappa(
        [1, 2, 2, 3], [1, 2, 3, 3], confidence_level=level
    ),
    "samplesize.monte_carlo_share": lambda level: samplesize.monte_carlo_share(
        Y == 1, confidence_level=level
    ),
}


@pytest.mark.parametrize("name", CALLS)
def test_a_percentage_is_refused_with_the_same_message(name):
    with pytest.raises(ValueError, match=r"^confidence_level must lie strictly between 0 and 1"):
        CALLS[name](95)


@pytest.mark.parametrize("name", CALLS)
def test_a_string_is_refused_with_the_same_message(name):
    with pytest.raises(TypeError, match=r"^confidence_level must be a number between 0 and 1"):
        CALLS[name]("95%")


@pytest.mark.parametrize("name", CALLS)
def test_a_valid_level_is_accepted(name):
    CALLS[name](0.9)
