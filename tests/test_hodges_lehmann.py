"""Hodges-Lehmann shift by exact selection: the brute force on small inputs, bounded memory."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcalc.stats.compare import hodges_lehmann_shift

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
coarse = st.integers(min_value=-4, max_value=4).map(float)  # many ties
kpa = st.integers(min_value=100, max_value=20000).map(lambda v: v / 100)  # two decimals


def brute_force(x, y) -> float:
    return float(np.median(np.subtract.outer(np.asarray(x, float), np.asarray(y, float))))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.tuples(
            st.lists(finite, min_size=1, max_size=40), st.lists(finite, min_size=1, max_size=40)
        ),
        st.tuples(
            st.lists(coarse, min_size=1, max_size=40), st.lists(coarse, min_size=1, max_size=40)
        ),
        st.tuples(st.lists(kpa, min_size=1, max_size=80), st.lists(kpa, min_size=1, max_size=80)),
    )
)
def test_equals_the_median_of_all_pairwise_differences(samples):
    x, y = samples
    assert hodges_lehmann_shift(x, y) == brute_force(x, y)


@pytest.mark.parametrize("m, n", [(1500, 1400), (40, 9000), (2999, 1)])
def test_equals_the_brute_force_past_the_direct_selection_threshold(m, n):
    rng = np.random.default_rng(m + n)
    x = np.round(rng.lognormal(4.0, 0.5, m), 2)
    y = np.round(rng.lognormal(3.8, 0.5, n), 2)
    assert hodges_lehmann_shift(x, y) == brute_force(x, y)


def test_a_value_worked_by_hand():
    # differences 1, -1, 3, 1, 6, 4 -> sorted -1, 1, 1, 3, 4, 6 -> median (1 + 3) / 2
    assert hodges_lehmann_shift([10, 12, 15], [9, 11]) == 2.0
    # odd count: differences 2, 0, -1 -> median 0
    assert hodges_lehmann_shift([3], [1, 3, 4]) == 0.0


def test_memory_is_linear_in_the_sample_sizes():
    rng = np.random.default_rng(5)
    x, y = rng.normal(1, 1, 200_000), rng.normal(0, 1, 200_000)
    tracemalloc.start()
    try:
        hodges_lehmann_shift(x, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the m * n differences would need 320 GB; allow a few dozen copies of one sample
    assert peak < 60 * x.nbytes


@pytest.mark.parametrize(
    "x, y, message",
    [
        ([], [1.0], "x is empty"),
        ([1.0], [np.nan], "y holds 1 non-finite"),
        (["a"], [1.0], "x must"),
    ],
)
def test_bad_samples_are_refused_by_name(x, y, message):
    with pytest.raises((ValueError, TypeError), match=message):
        hodges_lehmann_shift(x, y)
