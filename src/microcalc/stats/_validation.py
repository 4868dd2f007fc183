"""Input checks shared by every analysis entry point.

Each check raises a ``ValueError`` (or ``TypeError``) whose message names the
argument and the offending value, so that a user who passes the wrong thing
learns exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "check_choice",
    "check_confidence_level",
    "as_binary_truth",
    "as_finite_array",
    "binary_column",
    "category_column",
    "check_column",
    "check_same_length",
    "check_table",
    "numeric_column",
]


def check_choice(value, name: str, allowed) -> str:
    """``value`` if it is one of ``allowed``; else a ``ValueError`` listing the choices."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def check_confidence_level(value, name: str = "confidence_level") -> float:
    """The level of a confidence interval as a float strictly between 0 and 1.

    The one check behind every ``confidence_level`` argument of :mod:`microcalc.stats`: a
    non-number (a bool or a string such as ``"95%"`` included) raises ``TypeError``, a number
    outside (0, 1) (such as 95) raises ``ValueError``; both messages name the argument.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number between 0 and 1, got {value!r}")
    if not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return float(value)


def as_finite_array(values, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Return ``values`` as a 1-D float array, refusing NaN, infinity and text.

    Parameters
    ----------
    values : array-like
        The numbers to check.
    name : str
        The argument's name, used in error messages.
    allow_empty : bool, default False
        Whether an empty input is acceptable.

    Returns
    -------
    numpy.ndarray
        A 1-D ``float64`` copy.

    Raises
    ------
    TypeError
        If the values are not numbers.
    ValueError
        If the array is not 1-D, is empty, or holds NaN or infinity.

    Examples
    --------
    >>> as_finite_array([1, 2.5], "marker")
    array([1. , 2.5])
    """
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must hold numbers only ({error})") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{name} holds {bad.size} non-finite value(s); the first is {float(array[i])!r} at "
            f"position {i}"
        )
    return array


def as_binary_truth(values, name: str = "truth") -> np.ndarray:
    """Return a 0/1 integer array, refusing anything that is not binary.

    Accepts booleans or the numbers 0 and 1 (also as floats such as ``1.0``).

    Parameters
    ----------
    values : array-like
        The reference-standard labels, 1 for the condition present.
    name : str, default "truth"
        The argument's name, used in error messages.

    Returns
    -------
    numpy.ndarray
        A 1-D ``int8`` array of 0 and 1.

    Examples
    --------
    >>> as_binary_truth([True, False, 1])
    array([1, 0, 1], dtype=int8)
    """
    array = as_finite_array(values, name)
    bad = np.flatnonzero((array != 0) & (array != 1))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name} must be 0 or 1; found {float(array[i]):g} at position {i}")
    return array.astype(np.int8)


def check_same_length(**arrays: Iterable) -> int:
    """Check that every named array has the same length and return it.

    Examples
    --------
    >>> check_same_length(truth=[0, 1], marker=[0.2, 0.4])
    2
    """
    lengths = {name: len(values) for name, values in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"length mismatch: {described}")
    return next(iter(lengths.values()), 0)


# --- columns of a table (errors name the column, the row and the value) ---


def check_table(data, name: str = "data") -> pd.DataFrame:
    """Refuse anything but a non-empty DataFrame, naming the argument."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")
    if len(data) == 0:
        raise ValueError(f"{name} has no rows")
    return data


def check_column(data: pd.DataFrame, column, name: str = "data") -> None:
    """Refuse a column name that the table lacks, listing the columns it has."""
    if not isinstance(column, str):
        raise TypeError(f"column names must be strings, got {column!r}")
    if column not in data.columns:
        known = ", ".join(map(str, data.columns))
        raise ValueError(f"{name} has no column {column!r}; its columns are: {known}")


def numeric_column(data: pd.DataFrame, column: str, name: str = "data") -> np.ndarray:
    """Return a column as finite floats, or fail naming the column, the row and the value."""
    check_column(data, column, name)
    series = data[column]
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(float)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(numbers))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"column {column!r} of {name} must hold finite numbers; row {series.index[i]!r} "
            f"holds {series.iloc[i]!r} ({bad.size} bad value(s) in all)"
        )
    return numbers


def binary_column(data: pd.DataFrame, column: str, name: str = "data") -> np.ndarray:
    """Return a 0/1 column as ``int8``, or fail naming the column, the row and the value."""
    numbers = numeric_column(data, column, name)
    bad = np.flatnonzero((numbers != 0) & (numbers != 1))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"column {column!r} of {name} must be 0 or 1; row {data.index[i]!r} holds "
            f"{data[column].iloc[i]!r}"
        )
    return numbers.astype(np.int8)


def category_column(data: pd.DataFrame, column: str, name: str = "data") -> np.ndarray:
    """Return a column as an object array, refusing missing values (naming the row)."""
    check_column(data, column, name)
    series = data[column]
    missing = np.flatnonzero(series.isna().to_numpy())
    if missing.size:
        i = int(missing[0])
        raise ValueError(
            f"column {column!r} of {name} has a missing value in row {series.index[i]!r}"
        )
    return series.to_numpy(dtype=object)
