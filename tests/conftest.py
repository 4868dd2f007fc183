"""Shared fixtures: the repository root and the default simulated cohort."""

from pathlib import Path

import pytest

from microcalc import cohort

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def default_cohort() -> cohort.Cohort:
    return cohort.simulate_cohort(cohort.default_config(), seed=cohort.DEFAULT_SEED)
