"""ROC analysis: curve points, AUC with DeLong and bootstrap CIs, the paired DeLong test, Youden.

Conventions used by every function here
---------------------------------------
* **Direction is fixed a priori: higher marker values mean more likely positive**
  (``truth == 1``, the condition present). Nothing is flipped when the AUC comes out below 0.5
  (pROC's ``direction="auto"`` would, which makes inference optimistic). For a marker where
  lower means positive, pass its negative.
* **Ties count one half.** The AUC is the Mann-Whitney probability
  ``P(X > Y) + 0.5 * P(X = Y)`` for a positive value ``X`` and a negative value ``Y``; it equals
  the trapezoidal area under the empirical ROC curve.
* **A case is test-positive when ``marker >= threshold``.** Two ways of naming the thresholds
  are offered (``convention=``): ``"observed"`` uses the observed marker values themselves
  (the cutoff is a value a reader can type into a report), ``"midpoint"`` uses pROC's
  thresholds, half-way between adjacent distinct values (with ``-inf`` and ``+inf`` at the
  ends). The two give identical sensitivities and specificities, threshold by threshold.

The DeLong variance is computed with the fast algorithm of Sun & Xu (2014): one sort of the
pooled values of each marker gives every placement value, so k markers of n observations
cost O(k n log n) instead of the O(n^2) pairwise comparison of the original paper. The
result agrees with pROC to rounding error (see ``tests/reference/``).

One implementation serves one study and thousands of simulated or resampled ones: the
kernels :func:`placements`, :func:`auc` (with optional frequency ``weights``),
:func:`delong_test` and :func:`youden_optimum` take a stack of markers with the participants
along ``axis`` (scipy's convention, default -1; every other axis indexes markers or studies
sharing ``truth``) and return floats for a 1-D marker, arrays of the batch shape for a stack.
The rich single-study functions (:func:`auc_delong`, :func:`delong_covariance`,
:func:`youden_cutoff`, :func:`auc_bootstrap`, ...) compute their numbers with them, and so do
the simulations (:mod:`microcalc.stats.samplesize`, :mod:`microcalc.stats.optimism`,
``microcalc.study.montecarlo``). Inputs are checked once, at the public entry.

References
----------
DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing the areas under two or more correlated
receiver operating characteristic curves: a nonparametric approach. Biometrics
1988;44(3):837-845.

Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating
characteristic (ROC) curve. Radiology 1982;143(1):29-36.

Sun X, Xu W. Fast implementation of DeLong's algorithm for comparing the areas under
correlated receiver operating characteristic curves. IEEE Signal Processing Letters
2014;21(11):1389-1393.

Youden WJ. Index for rating diagnostic tests. Cancer 1950;3(1):32-35.

Robin X, Turck N, Hainard A, et al. pROC: an open-source package for R and S+ to analyze and
compare ROC curves. BMC Bioinformatics 2011;12:77.

McClish DK. Analyzing a portion of the ROC curve. Medical Decision Making 1989;9(3):190-195.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special, stats

from microcalc.stats._validation import (
    as_binary_truth,
    as_finite_array,
    check_choice,
    check_confidence_level,
    check_same_length,
)

__all__ = [
    "AucEstimate",
    "ChanceTest",
    "DelongCovariance",
    "DelongTest",
    "PairCounts",
    "Placements",
    "PartialAuc",
    "RocCurve",
    "YoudenCutoff",
    "YoudenOptimum",
    "auc",
    "auc_bootstrap",
    "auc_chance_test",
    "auc_delong",
    "delong_covariance",
    "delong_test",
    "pair_counts",
    "partial_auc",
    "placements",
    "roc_curve",
    "stratified_auc",
    "stratified_delong_test",
    "youden_cutoff",
    "youden_optimum",
]

CONVENTIONS = ("observed", "midpoint")
ALTERNATIVES = ("two-sided", "greater", "less")
TIE_RULES = ("lowest", "highest")


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
def _prepare_truth(truth, *, min_per_class: int = 1) -> np.ndarray:
    """Validate ``truth`` and return it as a boolean array (True = condition present)."""
    y = as_binary_truth(truth, "truth")
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        only = "1 (positive)" if n_neg == 0 else "0 (negative)"
        raise ValueError(
            f"truth holds one class only (every value is {only}); ROC analysis needs both "
            "positive (1) and negative (0) participants"
        )
    if min(n_pos, n_neg) < min_per_class:
        raise ValueError(
            f"truth has {n_pos} positive (1) and {n_neg} negative (0) participant(s); the DeLong "
            f"variance needs at least {min_per_class} of each"
        )
    return y.astype(bool)


def _prepare_marker(marker, name: str, n: int) -> np.ndarray:
    x = as_finite_array(marker, name)
    check_same_length(truth=range(n), **{name: x})
    if x[0] == x[-1] and np.all(x == x[0]):
        raise ValueError(
            f"{name} is constant (every value is {x[0]!r}); a constant marker cannot "
            "discriminate and has no ROC curve"
        )
    return x


# ---------------------------------------------------------------------------------------------
# the core: placement values by one sort of the pooled values (Sun & Xu 2014), for a stack
# ---------------------------------------------------------------------------------------------
def _prepare_stack(marker, name: str, n: int, axis: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """A marker (or a stack of markers) as a 2-D float array ``(R, n)`` and its batch shape.

    A 1-D marker is checked as by :func:`_prepare_marker` (finite, right length, not
    constant); a stack only for shape and finiteness, once, at the public entry (a constant row
    of a stack is allowed: every pair is tied and its AUC is one half).
    """
    x = np.asarray(marker)
    if x.ndim <= 1:
        return _prepare_marker(marker, name, n)[None, :], ()
    try:
        x = x.astype(float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers, got dtype {x.dtype}") from None
    try:
        x = np.moveaxis(x, axis, -1)
    except np.exceptions.AxisError:
        raise ValueError(f"axis {axis} is out of range for {name} of shape {x.shape}") from None
    if x.shape[-1] != n:
        raise ValueError(
            f"{name} has {x.shape[-1]} values along axis {axis} but truth has {n}; "
            "lengths must match"
        )
    if not np.isfinite(x).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return x.reshape(-1, n), x.shape[:-1]


def _prepare_weights(weights, n: int, axis: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Frequency weights as a 2-D int64 array ``(R, n)`` and their batch shape."""
    w = np.asarray(weights)
    if w.ndim == 0:
        raise ValueError("weights must be an array with one count per participant")
    w = np.moveaxis(w, axis, -1) if w.ndim > 1 else w
    if w.shape[-1] != n:
        raise ValueError(
            f"weights must have {n} values along axis {axis} to match the {n} participants, "
            f"got shape {np.shape(weights)}"
        )
    if not (np.issubdtype(w.dtype, np.integer) or np.issubdtype(w.dtype, np.bool_)):
        w = w.astype(float)
        if not np.all(np.isfinite(w)) or not np.all(w == np.round(w)):
            raise ValueError("weights must be whole numbers (counts of each participant)")
    w = w.astype(np.int64)
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    return w.reshape(-1, n), w.shape[:-1]


def _batch_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"the stacks have batch shapes {', '.join(map(str, shapes))}, which do not broadcast"
        ) from None


def _scalar_or_array(a, shape: tuple[int, ...]):
    """A float for a 1-D input (``shape == ()``), else an array of the batch shape."""
    a = np.asarray(a)
    return float(a.reshape(-1)[0]) if shape == () else a.reshape(shape)


def _with_weights(y, x, x_shape, weights, axis):
    """Broadcast a marker stack ``(Rx, n)`` and optional weights to one batch shape.

    A marker with one row keeps it (it is sorted once for every row of weights).
    """
    if weights is None:
        return x, None, x_shape
    n = y.size
    w, w_shape = _prepare_weights(weights, n, axis)
    shape = _batch_shape(x_shape, w_shape)
    if x_shape != shape and x.shape[0] != 1:
        x = np.broadcast_to(x.reshape(*x_shape, n), (*shape, n)).reshape(-1, n)
    if w_shape != shape:
        w = np.broadcast_to(w.reshape(*w_shape, n), (*shape, n)).reshape(-1, n)
    pos, neg = w[:, y].sum(axis=-1), w[:, ~y].sum(axis=-1)
    bad = np.flatnonzero((pos == 0) | (neg == 0))
    if bad.size:
        raise ValueError(
            f"weighted sample {int(bad[0])} holds one class only; every sample needs positive "
            "(1) and negative (0) participants"
        )
    return x, w, shape


def _take(a: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``a`` gathered along the last axis, row by row (rows broadcast); plain indexing for
    one row, which is several times faster than ``numpy.take_along_axis`` on a long row."""
    if a.shape[0] == 1 and index.shape[0] == 1:
        return a[0][index[0]][None, :]
    return np.take_along_axis(a, index, axis=-1)


@dataclass(frozen=True, eq=False)
class _Sorted:
    """Per row: the pooled values sorted, and twice the placement count at each position."""

    order: np.ndarray  # (Rx, n) the sort order of each row of the marker stack
    case: np.ndarray  # (Rx, n) bool: positive (truth 1), in sorted order
    weight_case: np.ndarray  # (R, n) weight of each sorted position if positive, else 0
    twice_control: np.ndarray  # (R, n) 2 * #(negative < x) + #(negative == x), weighted
    twice_case: np.ndarray  # (R, n) 2 * #(positive > x) + #(positive == x), weighted
    n_pos: np.ndarray  # (R,) weighted number of positive participants
    n_neg: np.ndarray  # (R,) weighted number of negative participants


def _sort_and_count(y: np.ndarray, x: np.ndarray, w: np.ndarray | None) -> _Sorted:
    """One sort per row of ``x`` (R, n); ``w`` (R, n) int64 frequency weights or None.

    Integers throughout, so nothing is lost to rounding. ``x`` may have one row shared by every
    row of ``w`` (sorted once). Ties are located by the start and end of each run of equal
    values (Sun & Xu 2014, with weights: a participant counted ``w`` times).
    """
    order = np.argsort(x, axis=-1)  # the order inside a run of ties does not matter below
    xs = _take(x, order)
    case = y[order]
    r, n = (x.shape[0] if w is None else w.shape[0]), x.shape[1]
    cum_case = np.zeros((r, n + 1), dtype=np.int64)
    if w is None:
        weight_case = case
        np.cumsum(case, axis=-1, out=cum_case[:, 1:])
        cum_ctrl = np.arange(n + 1, dtype=np.int64) - cum_case
    else:
        if order.shape[0] == w.shape[0]:
            ws = _take(w, order)
        else:  # one marker row shared by every row of weights: sorted once
            ws = w[:, order[0]]
        weight_case = ws * case
        np.cumsum(weight_case, axis=-1, out=cum_case[:, 1:])
        cum_ctrl = np.zeros((r, n + 1), dtype=np.int64)
        np.cumsum(ws, axis=-1, out=cum_ctrl[:, 1:])
        cum_ctrl -= cum_case
    n_pos, n_neg = cum_case[:, -1], cum_ctrl[:, -1]
    new_run = np.empty(xs.shape, dtype=bool)
    new_run[:, 0] = True
    np.not_equal(xs[:, 1:], xs[:, :-1], out=new_run[:, 1:])
    if new_run.all():  # no ties: each observation is its own run
        # (read only where the opposite class sits: a positive value has no negative weight)
        twice_control = 2 * cum_ctrl[:, :-1]
        twice_case = 2 * (n_pos[:, None] - cum_case[:, 1:])
    else:
        index = np.arange(n)
        start = np.maximum.accumulate(np.where(new_run, index, 0), axis=-1)
        last = np.ones_like(new_run)
        last[:, :-1] = new_run[:, 1:]
        end = np.minimum.accumulate(np.where(last, index, n - 1)[:, ::-1], axis=-1)[:, ::-1] + 1
        start = np.broadcast_to(start, (r, n))
        end = np.broadcast_to(end, (r, n))
        # 2 * (# before the run) + (# inside the run) = (# before) + (# through the run end)
        twice_control = _take(cum_ctrl, start) + _take(cum_ctrl, end)
        twice_case = 2 * n_pos[:, None] - _take(cum_case, start) - _take(cum_case, end)
    return _Sorted(order, case, weight_case, twice_control, twice_case, n_pos, n_neg)


def _auc_2d(y: np.ndarray, x: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """AUC of each row, ``(R,)``: the weighted Mann-Whitney count, exact until the division."""
    s = _sort_and_count(y, x, w)
    twice = (s.weight_case * s.twice_control).sum(axis=-1)
    return twice / (2.0 * s.n_pos * s.n_neg)


def _placements_2d(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AUC ``(R,)`` and placements of the positive ``(R, m)`` and negative ``(R, n0)`` values."""
    s = _sort_and_count(y, x, None)
    m, n0 = int(y.sum()), int(y.size - y.sum())
    sorted_two = np.where(s.case, s.twice_control, s.twice_case)
    if sorted_two.shape[0] == 1:  # plain indexing: several times faster on one long row
        two = np.empty(y.size, dtype=np.int64)
        two[s.order[0]] = sorted_two[0]
        two_case, two_control = two[y][None, :], two[~y][None, :]
    else:
        two = np.empty(sorted_two.shape, dtype=np.int64)
        np.put_along_axis(two, s.order, sorted_two, axis=-1)
        # (C order: fancy indexing along the last axis returns a transposed layout)
        two_case, two_control = np.ascontiguousarray(two[:, y]), np.ascontiguousarray(two[:, ~y])
    auc = two_case.sum(axis=-1) / (2 * m * n0)
    return auc, two_case / (2 * n0), two_control / (2 * m)


def _centred(a: np.ndarray) -> np.ndarray:
    return a - a.mean(axis=-1, keepdims=True)


def _covariance(case: np.ndarray, control: np.ndarray) -> np.ndarray:
    """DeLong's k x k covariance matrix from placements of k markers, (k, m) and (k, n0)."""
    s10 = np.atleast_2d(np.cov(case, ddof=1))
    s01 = np.atleast_2d(np.cov(control, ddof=1))
    return s10 / case.shape[-1] + s01 / control.shape[-1]


def _normal_ci(estimate: float, se: float, confidence_level: float) -> tuple[float, float]:
    z = special.ndtri(0.5 + confidence_level / 2)  # = scipy.stats.norm.ppf, without its overhead
    return estimate - z * se, estimate + z * se


def _readonly(a) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------------------------------------
# AUC
# ---------------------------------------------------------------------------------------------
def auc(truth, marker, *, weights=None, axis: int = -1):
    """Area under the empirical ROC curve (Mann-Whitney, ties count one half), of one marker or
    of a stack of markers, optionally of weighted (e.g. bootstrap) samples.

    Parameters
    ----------
    truth : array-like of 0/1 or bool, length n
        Reference standard, 1 = condition present, shared by every marker of a stack.
    marker : array-like of float
        The marker, higher values mean more likely positive: shape (n,), or a stack whose ``axis`` has
        length n (every other axis indexes markers or replicate studies).
    weights : array-like of int, optional
        Frequency weights: how often each participant counts (bootstrap counts, or 0/1 for a
        subset), with the participants along ``axis``; broadcast against the stack (one marker
        with many rows of weights is sorted once). Every sample needs both classes.
    axis : int, default -1
        The axis of ``marker`` (and ``weights``) along which the participants lie.

    Returns
    -------
    float or numpy.ndarray
        The AUC, in [0, 1]: a float for a 1-D marker without stacked weights, otherwise an
        array of the stack's batch shape.

    Notes
    -----
    With m positive (truth 1) values :math:`X_i` and n negative (truth 0) values :math:`Y_j`,

    .. math:: \\hat\\theta = \\frac{1}{mn}\\sum_i\\sum_j \\psi(X_i, Y_j),\\quad
        \\psi(x, y) = 1 \\text{ if } x > y,\\ \\tfrac12 \\text{ if } x = y,\\ 0 \\text{ otherwise},

    computed from one sort of the pooled values per marker, in O(N log N) (Hanley & McNeil
    1982; Sun & Xu 2014). With weights :math:`w`, each pair counts :math:`w_i w_j` and the
    denominators are the weighted class sizes: the AUC of the sample in which participant i
    occurs :math:`w_i` times. Counts are integers until the final division. A constant row of
    a stack has every pair tied and AUC one half (a single constant marker is refused).

    References
    ----------
    Hanley JA, McNeil BJ. Radiology 1982;143:29-36.
    Sun X, Xu W. IEEE Signal Processing Letters 2014;21:1389-1393.

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> auc([0, 0, 1, 1], [[0.1, 0.4, 0.35, 0.8], [1, 2, 3, 4]]).tolist()
    [0.75, 1.0]
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], weights=[[1, 1, 1, 1], [1, 0, 1, 1]]).tolist()
    [0.75, 1.0]
    """
    y = _prepare_truth(truth)
    x, shape = _prepare_stack(marker, "marker", y.size, axis)
    x, w, shape = _with_weights(y, x, shape, weights, axis)
    return _scalar_or_array(_auc_2d(y, x, w), shape)


@dataclass(frozen=True)
class AucEstimate:
    """An AUC with its standard error and confidence interval.

    Attributes
    ----------
    estimate : float
        The AUC (Mann-Whitney, ties count one half).
    se : float
        Standard error (DeLong, or the standard deviation of the bootstrap AUCs).
    ci_low, ci_high : float
        Confidence limits, clipped to [0, 1].
    confidence_level : float
        Confidence level of the interval.
    method : str
        ``"delong"`` or ``"bootstrap"`` (stratified, percentile interval).
    n_positive, n_negative : int
        Numbers of positive (truth 1) and negative (truth 0) participants.
    n_boot : int or None
        Number of bootstrap replicates (``None`` for DeLong).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    confidence_level: float
    method: str
    n_positive: int
    n_negative: int
    n_boot: int | None = None

    @property
    def variance(self) -> float:
        """The squared standard error."""
        return self.se**2

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy table: estimate, se, ci_low, ci_high, confidence_level, method, counts."""
        return pd.DataFrame(
            [
                {
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "confidence_level": self.confidence_level,
                    "method": self.method,
                    "n_positive": self.n_positive,
                    "n_negative": self.n_negative,
                }
            ]
        )


def auc_delong(truth, marker, *, confidence_level: float = 0.95) -> AucEstimate:
    """AUC with DeLong's standard error and a normal-theory confidence interval.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present; at least two of each class.
    marker : array-like of float
        The marker; higher values mean more likely positive (not flipped if the AUC is below 0.5).
    confidence_level : float, default 0.95
        Confidence level.

    Returns
    -------
    AucEstimate
        ``method == "delong"``.

    Notes
    -----
    Placement values: :math:`V_{10}(X_i) = \\frac1n\\sum_j\\psi(X_i, Y_j)` for each positive
    value and :math:`V_{01}(Y_j) = \\frac1m\\sum_i\\psi(X_i, Y_j)` for each negative value. Then

    .. math:: \\widehat{\\mathrm{Var}}(\\hat\\theta) = \\frac{S_{10}}{m} + \\frac{S_{01}}{n},

    with :math:`S_{10}`, :math:`S_{01}` the sample variances (denominators m-1 and n-1) of the
    placements (DeLong et al. 1988), all from one sort (Sun & Xu 2014). The interval is
    :math:`\\hat\\theta \\pm z_{1-\\alpha/2}\\,\\widehat{SE}`, clipped to [0, 1], as in pROC's
    ``ci.auc(method = "delong")``.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Sun X, Xu W. IEEE Signal Processing Letters 2014;21:1389-1393.

    Examples
    --------
    >>> res = auc_delong([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0])
    >>> round(res.estimate, 4), round(res.se, 4)
    (0.8889, 0.1571)
    """
    confidence_level = check_confidence_level(confidence_level)
    y = _prepare_truth(truth, min_per_class=2)
    x, shape = _prepare_stack(marker, "marker", y.size, -1)
    if shape != ():
        raise ValueError(f"marker must be one-dimensional, got shape {np.shape(marker)}")
    p = _placements(y, x, shape)
    theta = p.auc
    se = float(np.sqrt(p.variance()))
    low, high = _normal_ci(theta, se, confidence_level)
    return AucEstimate(
        estimate=theta,
        se=se,
        ci_low=float(min(max(low, 0.0), 1.0)),
        ci_high=float(min(max(high, 0.0), 1.0)),
        confidence_level=confidence_level,
        method="delong",
        n_positive=p.n_positive,
        n_negative=p.n_negative,
    )


def auc_bootstrap(
    truth,
    marker,
    *,
    n_boot: int = 2000,
    confidence_level: float = 0.95,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> AucEstimate:
    """AUC with a stratified bootstrap percentile confidence interval.

    Positive and negative participants are resampled separately (so every resample keeps the
    study's m and n, as pROC's ``boot.stratified = TRUE``). Vectorised: each resample is a
    vector of multiplicities, and its AUC is read from cumulative sums, without re-sorting.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present.
    marker : array-like of float
        The marker; higher values mean more likely positive.
    n_boot : int, default 2000
        Number of resamples.
    confidence_level : float, default 0.95
        Confidence level of the percentile interval.
    seed : int, numpy Generator or SeedSequence, optional
        Source of randomness (``numpy.random.default_rng(seed)``); same seed, same interval.

    Returns
    -------
    AucEstimate
        ``method == "bootstrap"``; ``estimate`` is the AUC of the data, ``se`` the standard
        deviation of the resampled AUCs, and the limits their ``(1 -/+ confidence_level) / 2``
        quantiles (linear interpolation, R's type 7, as pROC).

    Notes
    -----
    The percentile interval :math:`[\\hat\\theta^*_{(\\alpha/2)}, \\hat\\theta^*_{(1-\\alpha/2)}]`
    needs no normal approximation, but it is itself random; compare it with
    :func:`auc_delong` to see how close the two are for a given sample size.

    References
    ----------
    Efron B, Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall, 1993.
    Carpenter J, Bithell J. Bootstrap confidence intervals: when, which, what? Statistics in
    Medicine 2000;19:1141-1164.

    Examples
    --------
    >>> res = auc_bootstrap([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0], seed=1)
    >>> res.method, res.n_boot
    ('bootstrap', 2000)
    """
    confidence_level = check_confidence_level(confidence_level)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)):
        raise TypeError(f"n_boot must be an integer, got {n_boot!r}")
    if n_boot < 2:
        raise ValueError(f"n_boot must be at least 2, got {n_boot!r}")
    y = _prepare_truth(truth)
    x = _prepare_marker(marker, "marker", y.size)
    rng = np.random.default_rng(seed)
    case_idx = np.flatnonzero(y)
    control_idx = np.flatnonzero(~y)
    control_idx = control_idx[np.argsort(x[control_idx], kind="stable")]  # smallest first
    m, n = case_idx.size, control_idx.size
    chunk = max(1, min(int(n_boot), 4_000_000 // max(m, n)))  # bounds the memory used
    aucs = np.empty(int(n_boot))
    for start in range(0, int(n_boot), chunk):
        b = min(chunk, int(n_boot) - start)
        # each resample as the multiplicity of every participant: a weighted AUC, no re-sort
        counts = np.zeros((b, y.size), dtype=np.int64)
        counts[:, case_idx] = rng.multinomial(m, np.full(m, 1.0 / m), size=b)
        counts[:, control_idx] = rng.multinomial(n, np.full(n, 1.0 / n), size=b)
        aucs[start : start + b] = _auc_2d(y, x[None, :], counts)
    alpha = 1.0 - confidence_level
    low, high = np.quantile(aucs, [alpha / 2, 1 - alpha / 2])
    return AucEstimate(
        estimate=float(_auc_2d(y, x[None, :])[0]),
        se=float(np.std(aucs, ddof=1)),
        ci_low=float(low),
        ci_high=float(high),
        confidence_level=confidence_level,
        method="bootstrap",
        n_positive=m,
        n_negative=n,
        n_boot=int(n_boot),
    )


# ---------------------------------------------------------------------------------------------
# k markers at once, and the paired test
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DelongCovariance:
    """AUCs of k markers measured on the same participants, with their DeLong covariance.

    Attributes
    ----------
    names : tuple of str
        Marker names, in order.
    auc : numpy.ndarray, shape (k,)
        The AUCs.
    covariance : numpy.ndarray, shape (k, k)
        DeLong's covariance matrix of the AUCs; the diagonal holds the variances.
    n_positive, n_negative : int
        Numbers of positive (truth 1) and negative (truth 0) participants.
    """

    names: tuple[str, ...]
    auc: np.ndarray
    covariance: np.ndarray
    n_positive: int
    n_negative: int

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the AUCs."""
        return np.sqrt(np.diag(self.covariance))

    @property
    def correlation(self) -> np.ndarray:
        """Correlation matrix of the AUC estimates."""
        se = self.se
        return self.covariance / np.outer(se, se)

    def to_frame(self, *, confidence_level: float = 0.95) -> pd.DataFrame:
        """Tidy table, one row per marker: estimate, se, ci_low, ci_high (clipped to [0, 1])."""
        confidence_level = check_confidence_level(confidence_level)
        se = self.se
        low, high = _normal_ci(self.auc, se, confidence_level)
        return pd.DataFrame(
            {
                "marker": list(self.names),
                "estimate": self.auc,
                "se": se,
                "ci_low": np.clip(low, 0.0, 1.0),
                "ci_high": np.clip(high, 0.0, 1.0),
                "confidence_level": confidence_level,
            }
        )


def _named_markers(markers) -> tuple[tuple[str, ...], list]:
    if isinstance(markers, pd.DataFrame):
        return tuple(str(c) for c in markers.columns), [markers[c] for c in markers.columns]
    if isinstance(markers, Mapping):
        return tuple(str(k) for k in markers), list(markers.values())
    if isinstance(markers, np.ndarray) and markers.ndim == 2:
        cols = [markers[:, j] for j in range(markers.shape[1])]
        return tuple(f"marker{j + 1}" for j in range(len(cols))), cols
    if isinstance(markers, (list, tuple)):
        return tuple(f"marker{j + 1}" for j in range(len(markers))), list(markers)
    raise TypeError(
        "markers must be a mapping of name to values, a DataFrame, a list of arrays or a 2-D "
        f"array with one column per marker; got {type(markers).__name__}"
    )


def delong_covariance(truth, markers) -> DelongCovariance:
    """AUCs of k markers on the same participants and DeLong's k x k covariance matrix.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present; at least two of each class.
    markers : mapping, DataFrame, list of arrays, or 2-D array (n, k)
        The markers; higher values mean more likely positive. A 2-D array has one column per marker.

    Returns
    -------
    DelongCovariance

    Notes
    -----
    With placement matrices :math:`V_{10}` (k x m) and :math:`V_{01}` (k x n),

    .. math:: \\widehat{\\mathrm{Cov}}(\\hat\\theta) = \\frac{S_{10}}{m} + \\frac{S_{01}}{n},

    where :math:`S_{10}` and :math:`S_{01}` are the k x k sample covariance matrices of the
    placements (DeLong et al. 1988). Each marker is sorted once (Sun & Xu 2014).

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Sun X, Xu W. IEEE Signal Processing Letters 2014;21:1389-1393.

    Examples
    --------
    >>> res = delong_covariance([0, 0, 0, 1, 1, 1],
    ...                         {"a": [1, 2, 4, 3, 5, 6], "b": [2, 1, 3, 6, 4, 5]})
    >>> res.names, res.auc.round(3).tolist()
    (('a', 'b'), [0.889, 1.0])
    """
    names, values = _named_markers(markers)
    if not values:
        raise ValueError("markers is empty; give at least one marker")
    if len(set(names)) != len(names):
        raise ValueError(f"markers has duplicate names: {list(names)}")
    y = _prepare_truth(truth, min_per_class=2)
    arrays = [
        _prepare_marker(v, f"markers[{name!r}]", y.size)
        for name, v in zip(names, values, strict=True)
    ]
    p = _placements(y, np.stack(arrays), (len(arrays),))
    return DelongCovariance(
        names=names,
        auc=_readonly(p.auc),
        covariance=_readonly(_covariance(p.case, p.control)),
        n_positive=p.n_positive,
        n_negative=p.n_negative,
    )


@dataclass(frozen=True, eq=False)
class DelongTest:
    """Paired DeLong test of two correlated AUCs (of one study, or of each study of a stack).

    For a stack of studies (see :func:`delong_test`'s ``axis``) every numeric field is an
    array of the stack's batch shape, as scipy's result objects are; otherwise a float.

    Attributes
    ----------
    names : tuple of str
        The two markers' names.
    auc1, auc2 : float or numpy.ndarray
        The two AUCs.
    estimate : float or numpy.ndarray
        The difference ``auc1 - auc2``.
    se : float or numpy.ndarray
        Standard error of the difference, ``sqrt(var1 + var2 - 2 cov)``.
    var1, var2 : float or numpy.ndarray
        DeLong variance of each AUC (pROC's ``var(roc, method = "delong")``).
    cov : float or numpy.ndarray
        DeLong covariance of the two AUCs (pROC's ``cov(roc1, roc2, method = "delong")``).
    ci_low, ci_high : float or numpy.ndarray
        Normal-theory confidence interval of the difference (not clipped).
    confidence_level : float
        Confidence level.
    statistic : float or numpy.ndarray
        The z statistic ``estimate / se`` (0 when both are 0, e.g. identical markers).
    p_value : float or numpy.ndarray
        p-value for ``alternative``.
    alternative : str
        ``"two-sided"``, ``"greater"`` (auc1 > auc2) or ``"less"``.
    correlation : float or numpy.ndarray
        Correlation of the two AUC estimates, ``cov / sqrt(var1 var2)`` (NaN if a variance is 0).
    n_positive, n_negative : int
        Numbers of positive (truth 1) and negative (truth 0) participants.
    """

    names: tuple[str, str]
    auc1: float | np.ndarray
    auc2: float | np.ndarray
    estimate: float | np.ndarray
    se: float | np.ndarray
    var1: float | np.ndarray
    var2: float | np.ndarray
    cov: float | np.ndarray
    ci_low: float | np.ndarray
    ci_high: float | np.ndarray
    confidence_level: float
    statistic: float | np.ndarray
    p_value: float | np.ndarray
    alternative: str
    correlation: float | np.ndarray
    n_positive: int
    n_negative: int

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of the comparison: one row, or one row per study of a stack (C order)."""
        columns = ("auc1", "auc2", "estimate", "se", "var1", "var2", "cov", "ci_low", "ci_high")
        values = {c: np.ravel(getattr(self, c)) for c in columns}
        frame = pd.DataFrame(
            {
                "contrast": f"{self.names[0]} - {self.names[1]}",
                **values,
                "confidence_level": self.confidence_level,
                "statistic": np.ravel(self.statistic),
                "p_value": np.ravel(self.p_value),
                "alternative": self.alternative,
            }
        )
        return frame


def delong_test(
    truth,
    marker1,
    marker2,
    *,
    axis: int = -1,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    names: tuple[str, str] = ("marker1", "marker2"),
) -> DelongTest:
    """Paired DeLong test: do two markers measured on the same participants differ in AUC?

    Parameters
    ----------
    truth : array-like of 0/1 or bool, length n
        Reference standard, 1 = condition present; at least two of each class.
    marker1, marker2 : array-like of float
        The two markers, same participants in the same order; higher means more likely positive. Either
        1-D, or stacks of the same shape whose ``axis`` has length n: one test per study of
        the stack (every other axis indexes studies that share ``truth``), all at once.
    axis : int, default -1
        The axis of the markers along which the participants lie.
    confidence_level : float, default 0.95
        Confidence level of the interval for the difference.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"`` tests AUC1 > AUC2.
    names : tuple of two str, default ("marker1", "marker2")
        Labels used in the result.

    Returns
    -------
    DelongTest
        Floats for 1-D markers; for stacks, arrays of the batch shape (as scipy's tests).

    Notes
    -----
    With :math:`S` the 2 x 2 DeLong covariance of the AUCs (see :func:`delong_covariance`),

    .. math:: z = \\frac{\\hat\\theta_1 - \\hat\\theta_2}
        {\\sqrt{S_{11} + S_{22} - 2 S_{12}}},

    referred to the standard normal; the interval is
    :math:`(\\hat\\theta_1-\\hat\\theta_2) \\pm z_{1-\\alpha/2}\\,SE`. :math:`S_{11}`,
    :math:`S_{22}` and :math:`S_{12}` are reported as ``var1``, ``var2`` and ``cov``. Identical
    markers give z = 0 and p = 1 (0/0 is taken as 0, as pROC does). Matches pROC's
    ``roc.test(method = "delong", paired = TRUE)`` with ``direction = "<"``. The placements
    come from :func:`placements` (one sort per marker and study, Sun & Xu 2014), so a stack
    of thousands of simulated studies costs no Python loop.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Sun X, Xu W. IEEE Signal Processing Letters 2014;21:1389-1393.

    Examples
    --------
    >>> t = delong_test([0, 0, 0, 1, 1, 1], [1, 2, 4, 3, 5, 6], [2, 1, 3, 6, 4, 5])
    >>> round(t.estimate, 4), round(t.statistic, 3)
    (-0.1111, -0.707)
    >>> stack = delong_test([0, 0, 0, 1, 1, 1], [[1, 2, 4, 3, 5, 6], [1, 2, 3, 4, 5, 6]],
    ...                     [[2, 1, 3, 6, 4, 5], [2, 1, 3, 6, 4, 5]])
    >>> stack.estimate.round(4).tolist()
    [-0.1111, 0.0]
    """
    confidence_level = check_confidence_level(confidence_level)
    alternative = check_choice(alternative, "alternative", ALTERNATIVES)
    if len(names) != 2:
        raise ValueError(f"names must hold two labels, got {names!r}")
    y = _prepare_truth(truth, min_per_class=2)
    x1, shape1 = _prepare_stack(marker1, "marker1", y.size, axis)
    x2, shape2 = _prepare_stack(marker2, "marker2", y.size, axis)
    if shape1 != shape2:
        raise ValueError(
            f"marker1 and marker2 must have the same shape, got {np.shape(marker1)} and "
            f"{np.shape(marker2)}"
        )
    p1, p2 = _placements(y, x1, shape1), _placements(y, x2, shape1)
    if shape1 == ():  # the 2 x 2 matrix of delong_covariance, to the last bit
        both = _covariance(np.stack([p1.case, p2.case]), np.stack([p1.control, p2.control]))
        var1, var2, cov = float(both[0, 0]), float(both[1, 1]), float(both[0, 1])
    else:
        var1, var2, cov = p1.variance(), p2.variance(), p1.covariance(p2)
    d = np.asarray(p1.auc - p2.auc)
    se = np.sqrt(np.maximum(np.asarray(var1 + var2 - 2 * cov), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, d / se, np.where(d == 0, 0.0, np.copysign(np.inf, d)))
        denom = np.sqrt(np.asarray(var1 * var2))
        correlation = np.where(denom > 0, cov / denom, np.nan)
    if alternative == "two-sided":
        p_value = 2 * special.ndtr(-np.abs(z))
    elif alternative == "greater":
        p_value = special.ndtr(-z)
    else:
        p_value = special.ndtr(z)
    low, high = _normal_ci(d, se, confidence_level)

    def out(a):
        return _scalar_or_array(a, shape1)

    return DelongTest(
        names=(str(names[0]), str(names[1])),
        auc1=p1.auc,
        auc2=p2.auc,
        estimate=out(d),
        se=out(se),
        var1=var1,
        var2=var2,
        cov=cov,
        ci_low=out(low),
        ci_high=out(high),
        confidence_level=confidence_level,
        statistic=out(z),
        p_value=out(np.minimum(p_value, 1.0)),
        alternative=alternative,
        correlation=out(correlation),
        n_positive=p1.n_positive,
        n_negative=p1.n_negative,
    )


# ---------------------------------------------------------------------------------------------
# ROC curve and Youden cutoff
# ---------------------------------------------------------------------------------------------
def _midpoints(u: np.ndarray) -> np.ndarray:
    """pROC's thresholds between adjacent distinct values ``u`` (sorted ascending)."""
    lo, hi = u[:-1], u[1:]
    with np.errstate(over="ignore"):
        mid = (lo + hi) / 2
    huge = ~np.isfinite(mid) | (np.abs(mid) > 1e100)
    mid[huge] = lo[huge] / 2 + hi[huge] / 2
    # adjacent doubles: the midpoint can round onto the lower value; positive if >= t
    # then needs the upper one (pROC does the same for direction "<")
    on_low = mid == lo
    mid[on_low] = hi[on_low]
    return np.concatenate([[-np.inf], mid, [np.inf]])


@dataclass(frozen=True, eq=False)
class RocCurve:
    """Empirical ROC curve, one point per distinct threshold (increasing thresholds).

    Attributes
    ----------
    thresholds : numpy.ndarray
        A participant is test-positive when ``marker >= threshold``. Under ``"observed"`` the
        thresholds are the distinct marker values followed by ``+inf`` (nobody positive);
        under ``"midpoint"`` they are ``-inf``, the midpoints and ``+inf`` (as pROC).
    sensitivity, specificity : numpy.ndarray
        At each threshold (sensitivity falls from 1 to 0, specificity rises from 0 to 1).
    tp, fp : numpy.ndarray
        Counts of true and false positives at each threshold.
    convention : str
        ``"observed"`` or ``"midpoint"``.
    auc : float
        Area under the curve (Mann-Whitney, ties count one half).
    n_positive, n_negative : int
        Numbers of positive (truth 1) and negative (truth 0) participants.
    """

    thresholds: np.ndarray
    sensitivity: np.ndarray
    specificity: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    convention: str
    auc: float
    n_positive: int
    n_negative: int

    @property
    def fpr(self) -> np.ndarray:
        """False-positive rate, ``1 - specificity`` (the x axis of the plot)."""
        return 1.0 - self.specificity

    @property
    def youden_index(self) -> np.ndarray:
        """Youden's J = sensitivity + specificity - 1 at each threshold."""
        return self.sensitivity + self.specificity - 1.0

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per threshold."""
        return pd.DataFrame(
            {
                "threshold": self.thresholds,
                "sensitivity": self.sensitivity,
                "specificity": self.specificity,
                "fpr": self.fpr,
                "youden_index": self.youden_index,
                "tp": self.tp,
                "fp": self.fp,
                "tn": self.n_negative - self.fp,
                "fn": self.n_positive - self.tp,
            }
        )


def roc_curve(truth, marker, *, convention: str = "observed") -> RocCurve:
    """Empirical ROC curve: sensitivity and specificity at every distinct threshold.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present.
    marker : array-like of float
        The marker; a participant is test-positive when ``marker >= threshold``.
    convention : {"observed", "midpoint"}, default "observed"
        How the thresholds are named: the observed distinct values (then ``+inf``), or pROC's
        midpoints between adjacent distinct values (with ``-inf`` and ``+inf`` at the ends).
        Both give the same sensitivity and specificity at each position.

    Returns
    -------
    RocCurve

    Notes
    -----
    For distinct sorted values :math:`u_1 < \\dots < u_K`, threshold position i counts as
    positive every participant with value at least :math:`u_{i+1}` (nobody at i = K), so
    :math:`\\mathrm{Se}_i = TP_i/m` and :math:`\\mathrm{Sp}_i = TN_i/n` are computed exactly as
    pROC does (same divisions), and the points are identical to pROC's.

    References
    ----------
    Hanley JA, McNeil BJ. Radiology 1982;143:29-36.
    Robin X, et al. BMC Bioinformatics 2011;12:77 (pROC).

    Examples
    --------
    >>> curve = roc_curve([0, 0, 1, 1], [1.0, 2.0, 2.0, 3.0])
    >>> curve.thresholds.tolist(), curve.sensitivity.tolist()
    ([1.0, 2.0, 3.0, inf], [1.0, 1.0, 0.5, 0.0])
    """
    convention = check_choice(convention, "convention", CONVENTIONS)
    y = _prepare_truth(truth)
    x = _prepare_marker(marker, "marker", y.size)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    u, inverse = np.unique(x, return_inverse=True)
    cases_at = np.bincount(inverse, weights=y, minlength=u.size).astype(np.int64)
    all_at = np.bincount(inverse, minlength=u.size).astype(np.int64)
    below_case = np.concatenate([[0], np.cumsum(cases_at)])
    below_all = np.concatenate([[0], np.cumsum(all_at)])
    tp = n_pos - below_case
    fp = n_neg - (below_all - below_case)
    sens = tp / n_pos
    spec = (n_neg - fp) / n_neg
    if convention == "observed":
        thresholds = np.concatenate([u, [np.inf]])
    else:
        thresholds = _midpoints(u)
    return RocCurve(
        thresholds=_readonly(thresholds),
        sensitivity=_readonly(sens),
        specificity=_readonly(spec),
        tp=_readonly(tp),
        fp=_readonly(fp),
        convention=convention,
        auc=float(_auc_2d(y, x[None, :])[0]),
        n_positive=n_pos,
        n_negative=n_neg,
    )


@dataclass(frozen=True, eq=False)
class YoudenCutoff:
    """The cutoff that maximises Youden's J = sensitivity + specificity - 1.

    Attributes
    ----------
    cutoff : float
        The chosen threshold (test-positive when ``marker >= cutoff``).
    sensitivity, specificity : float
        At the chosen cutoff.
    youden_index : float
        The maximal J.
    convention : str
        ``"observed"`` or ``"midpoint"`` (see :func:`roc_curve`).
    ties : str
        How a tie in J was broken: ``"lowest"`` or ``"highest"`` cutoff.
    tied_cutoffs, tied_sensitivity, tied_specificity : numpy.ndarray
        Every threshold that attains the maximal J, increasing (length 1 when no tie).
    n_positive, n_negative : int
        Numbers of positive (truth 1) and negative (truth 0) participants.
    """

    cutoff: float
    sensitivity: float
    specificity: float
    youden_index: float
    convention: str
    ties: str
    tied_cutoffs: np.ndarray
    tied_sensitivity: np.ndarray
    tied_specificity: np.ndarray
    n_positive: int
    n_negative: int

    @property
    def n_tied(self) -> int:
        """How many thresholds attain the maximal J."""
        return int(self.tied_cutoffs.size)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of every threshold attaining the maximum, with the chosen one flagged."""
        return pd.DataFrame(
            {
                "cutoff": self.tied_cutoffs,
                "sensitivity": self.tied_sensitivity,
                "specificity": self.tied_specificity,
                "youden_index": self.youden_index,
                "selected": self.tied_cutoffs == self.cutoff,
            }
        )


def youden_cutoff(
    truth, marker, *, convention: str = "observed", ties: str = "lowest"
) -> YoudenCutoff:
    """Youden-optimal cutoff of a marker (higher = more likely positive; positive if >= cutoff).

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present.
    marker : array-like of float
        The marker.
    convention : {"observed", "midpoint"}, default "observed"
        ``"observed"``: the cutoff is an observed marker value ``c`` and the rule is
        ``marker >= c``. ``"midpoint"``: pROC's convention, the cutoff lies half-way between
        ``c`` and the next smaller distinct value. Both classify every participant the same
        way, so sensitivity and specificity do not depend on the convention.
    ties : {"lowest", "highest"}, default "lowest"
        Several thresholds can attain the same maximal J. ``"lowest"`` chooses the lowest of
        them (the most sensitive rule, natural when a missed case costs more than a false alarm);
        ``"highest"`` the most specific one. All tied thresholds are reported either way.

    Returns
    -------
    YoudenCutoff

    Notes
    -----
    :math:`J(t) = \\mathrm{Se}(t) + \\mathrm{Sp}(t) - 1` (Youden 1950) is evaluated at every
    distinct threshold. Ties are found in exact integer arithmetic,
    :math:`J \\propto TP\\cdot n + TN\\cdot m - mn`; pROC's ``coords(x = "best")`` compares
    floating-point sums and could, in principle, split a tie that is exact in integers. The
    cutoff is chosen on the same data it is evaluated on, so its sensitivity and specificity
    are optimistic.

    References
    ----------
    Youden WJ. Index for rating diagnostic tests. Cancer 1950;3:32-35.
    Robin X, et al. BMC Bioinformatics 2011;12:77 (pROC).

    Examples
    --------
    >>> res = youden_cutoff([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0])
    >>> res.cutoff, res.tied_cutoffs.tolist()
    (3.0, [3.0, 5.0])
    >>> youden_cutoff([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0],
    ...               convention="midpoint").cutoff
    2.5
    """
    ties = check_choice(ties, "ties", TIE_RULES)
    curve = roc_curve(truth, marker, convention=convention)
    best = youden_optimum(truth, marker, ties=ties)
    m, n = curve.n_positive, curve.n_negative
    # the optimum's position on the curve: the number of distinct values below the cutoff
    pick = int(np.searchsorted(np.unique(np.asarray(marker, dtype=float)), best.cutoff))
    score = curve.tp * n + (n - curve.fp) * m  # = m n (J + 1), exact: every tied threshold
    tied = np.flatnonzero(score == score[pick])
    return YoudenCutoff(
        cutoff=float(curve.thresholds[pick]),
        sensitivity=best.sensitivity,
        specificity=best.specificity,
        youden_index=best.youden_index,
        convention=curve.convention,
        ties=ties,
        tied_cutoffs=_readonly(curve.thresholds[tied]),
        tied_sensitivity=_readonly(curve.sensitivity[tied]),
        tied_specificity=_readonly(curve.specificity[tied]),
        n_positive=m,
        n_negative=n,
    )


@dataclass(frozen=True, eq=False)
class YoudenOptimum:
    """The Youden-optimal cutoff of a marker, or of each marker or weighted sample of a stack.

    Floats for one marker; arrays of the stack's batch shape otherwise.

    Attributes
    ----------
    cutoff : float or numpy.ndarray
        An observed marker value (or ``+inf``: nobody positive); test-positive when
        ``marker >= cutoff``.
    sensitivity, specificity : float or numpy.ndarray
        Of each cutoff, in the sample it was chosen on (its apparent performance).
    youden_index : float or numpy.ndarray
        ``sensitivity + specificity - 1``.
    """

    cutoff: float | np.ndarray
    sensitivity: float | np.ndarray
    specificity: float | np.ndarray
    youden_index: float | np.ndarray


def youden_optimum(
    truth, marker, *, weights=None, ties: str = "lowest", axis: int = -1
) -> YoudenOptimum:
    """Youden-optimal observed cutoff of a marker, of a stack of markers, or of weighted samples.

    The kernel of :func:`youden_cutoff` (which adds the curve's naming conventions and every
    tied threshold), and of simulations and resampling, which call it on stacks.

    Parameters
    ----------
    truth : array-like of 0/1 or bool, length n
        Reference standard shared by every row, 1 = condition present.
    marker : array-like of float
        One marker (n,), or a stack whose ``axis`` has length n; higher means more likely positive.
    weights : array-like of int, optional
        Frequency weights along ``axis`` (bootstrap counts, or 0/1 for a training fold),
        broadcast against the stack; a participant with weight 0 is absent from that sample,
        and so is its value as a candidate cutoff. Every sample needs both classes.
    ties : {"lowest", "highest"}, default "lowest"
        Which of several thresholds attaining the maximal J is chosen.
    axis : int, default -1
        The axis along which the participants lie.

    Returns
    -------
    YoudenOptimum

    Notes
    -----
    The candidate thresholds are the marker values present in the sample (then
    :math:`+\\infty`), the rule is ``marker >= threshold``, and
    :math:`J \\propto TP\\cdot N_- + TN\\cdot N_+` is compared in exact integers (weighted
    counts), so each row equals :func:`youden_cutoff` with ``convention="observed"`` on the
    sample its weights describe. One sort per marker row (a single marker is sorted once for
    every row of weights) and cumulative sums give every threshold: O(R n log n), no Python
    loop.

    References
    ----------
    Youden WJ. Index for rating diagnostic tests. Cancer 1950;3:32-35.

    Examples
    --------
    >>> res = youden_optimum([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0],
    ...                      weights=[[1, 1, 1, 1, 1, 1], [1, 1, 0, 2, 1, 1]])
    >>> res.cutoff.tolist(), res.specificity.tolist()
    ([3.0, 3.0], [0.6666666666666666, 1.0])
    >>> youden_optimum([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0], ties="highest").cutoff
    5.0
    """
    ties = check_choice(ties, "ties", TIE_RULES)
    y = _prepare_truth(truth)
    x, shape = _prepare_stack(marker, "marker", y.size, axis)
    x, w, shape = _with_weights(y, x, shape, weights, axis)
    cutoff, sens, spec = _youden_2d(y, x, w, ties)
    return YoudenOptimum(
        cutoff=_scalar_or_array(cutoff, shape),
        sensitivity=_scalar_or_array(sens, shape),
        specificity=_scalar_or_array(spec, shape),
        youden_index=_scalar_or_array(sens + spec - 1.0, shape),
    )


def _youden_2d(y: np.ndarray, x: np.ndarray, w: np.ndarray | None, ties: str):
    """Cutoff, sensitivity and specificity per row of ``x`` (R, n), weights ``w`` or None."""
    order = np.argsort(x, axis=-1)
    xs = _take(x, order)
    case = y[order]
    n = x.shape[1]
    r = x.shape[0] if w is None else w.shape[0]
    new_run = np.empty(xs.shape, dtype=bool)
    new_run[:, 0] = True
    np.not_equal(xs[:, 1:], xs[:, :-1], out=new_run[:, 1:])
    below_case = np.zeros((r, n + 1), dtype=np.int64)  # positives strictly below a position
    below_all = np.zeros((r, n + 1), dtype=np.int64)
    if w is None:
        np.cumsum(case, axis=-1, out=below_case[:, 1:])
        below_all[:] = np.arange(n + 1)
        candidate = new_run  # a threshold is a run's first (lowest) position
    else:
        ws = _take(w, order) if order.shape[0] == r else w[:, order[0]]
        np.cumsum(ws * case, axis=-1, out=below_case[:, 1:])
        np.cumsum(ws, axis=-1, out=below_all[:, 1:])
        # the first participant of its run present in the sample (nobody before it in the run)
        index = np.arange(n)
        start = np.broadcast_to(np.maximum.accumulate(np.where(new_run, index, 0), -1), (r, n))
        candidate = (ws > 0) & (below_all[:, :-1] == _take(below_all, start))
    n_pos = below_case[:, -1]
    n_neg = below_all[:, -1] - n_pos
    # position n is +inf: nobody positive
    tp = n_pos[:, None] - below_case
    tn = below_all - below_case
    score = tp * n_neg[:, None] + tn * n_pos[:, None]  # = N+ N- (J + 1), exact integers
    score[:, :-1] = np.where(candidate, score[:, :-1], -1)
    if ties == "lowest":
        pick = np.argmax(score, axis=-1)  # first maximum = lowest threshold
    else:
        pick = n - np.argmax(score[:, ::-1], axis=-1)
    rows = np.arange(r)
    x_rows = rows if xs.shape[0] == r else np.zeros(r, dtype=np.intp)
    cutoff = np.where(pick < n, xs[x_rows, np.minimum(pick, n - 1)], np.inf)
    return cutoff, tp[rows, pick] / n_pos, tn[rows, pick] / n_neg


# ---------------------------------------------------------------------------------------------
# partial AUC
# ---------------------------------------------------------------------------------------------
PAUC_FOCUS = ("specificity", "sensitivity")


@dataclass(frozen=True)
class PartialAuc:
    """The area under part of the ROC curve, raw and standardised (McClish 1989).

    Attributes
    ----------
    estimate : float
        The standardised partial AUC when ``correct`` is true, otherwise the raw partial area.
    se : float
        Standard deviation of the bootstrap estimates (NaN without bootstrap).
    ci_low, ci_high : float
        Stratified bootstrap percentile interval (NaN without bootstrap).
    raw : float
        Area under the curve over the range, in units of the two axes (at most the range's
        width).
    standardized : float
        McClish's standardisation, ``(1 + (raw - min) / (max - min)) / 2``: 0.5 for a curve on
        the diagonal over the range, 1 for a perfect one. NaN when the curve lies below the
        diagonal over the range (``raw < min``), as pROC.
    min_area, max_area : float
        Area under the diagonal over the range, and the range's width (a perfect curve).
    bounds : tuple of float
        The range ``(low, high)`` of specificity or sensitivity.
    focus : str
        ``"specificity"`` (range of specificities, area under the sensitivity) or
        ``"sensitivity"`` (range of sensitivities, area under the specificity).
    correct : bool
        Whether ``estimate`` is the standardised value.
    confidence_level : float
    n_boot : int
        Bootstrap replicates (0 when no interval was computed).
    n_positive, n_negative : int
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    raw: float
    standardized: float
    min_area: float
    max_area: float
    bounds: tuple[float, float]
    focus: str
    correct: bool
    confidence_level: float
    n_boot: int
    n_positive: int
    n_negative: int

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy table."""
        return pd.DataFrame(
            [
                {
                    "focus": self.focus,
                    "low": self.bounds[0],
                    "high": self.bounds[1],
                    "raw": self.raw,
                    "standardized": self.standardized,
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "confidence_level": self.confidence_level,
                }
            ]
        )


def _area_between(x: np.ndarray, y: np.ndarray, low: float, high: float) -> float:
    """Integral of the polyline through (x, y) (x non-decreasing) over ``[low, high]``."""
    x0, x1, y0, y1 = x[:-1], x[1:], y[:-1], y[1:]
    width = x1 - x0
    keep = width > 0  # vertical segments have no area
    x0, x1, y0, y1, width = x0[keep], x1[keep], y0[keep], y1[keep], width[keep]
    a = np.maximum(x0, low)
    b = np.minimum(x1, high)
    inside = b > a
    x0, y0, y1, width, a, b = (
        x0[inside],
        y0[inside],
        y1[inside],
        width[inside],
        a[inside],
        b[inside],
    )
    slope = (y1 - y0) / width
    ya = y0 + slope * (a - x0)
    yb = y0 + slope * (b - x0)
    return float(np.sum((b - a) * (ya + yb) / 2))


def _partial_area(sens, spec, focus: str, low: float, high: float) -> float:
    if focus == "specificity":  # x = specificity (increasing along the curve's thresholds)
        return _area_between(spec, sens, low, high)
    return _area_between(sens[::-1], spec[::-1], low, high)


def _standardize(raw: float, low: float, high: float) -> tuple[float, float, float]:
    min_area = (high - low) - (high**2 - low**2) / 2  # under the diagonal, 1 - x
    max_area = high - low
    if raw < min_area - 1e-12:
        return math.nan, min_area, max_area
    return (1 + (raw - min_area) / (max_area - min_area)) / 2, min_area, max_area


def partial_auc(
    truth,
    marker,
    *,
    bounds: tuple[float, float] = (0.9, 1.0),
    focus: str = "specificity",
    correct: bool = True,
    n_boot: int = 0,
    confidence_level: float = 0.95,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> PartialAuc:
    """Partial area under the ROC curve over a range of specificity or sensitivity.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present.
    marker : array-like of float
        The marker; higher values mean more likely positive.
    bounds : tuple of two floats, default (0.9, 1.0)
        The range of specificity (``focus="specificity"``) or sensitivity
        (``focus="sensitivity"``), within [0, 1], in either order.
    focus : {"specificity", "sensitivity"}, default "specificity"
        ``"specificity"``: the area under the sensitivity over specificities in ``bounds``
        (the high-specificity region of a rule-in test). ``"sensitivity"``: the area under the
        specificity over sensitivities in ``bounds`` (the high-sensitivity region of a rule-out
        test).
    correct : bool, default True
        Report McClish's standardised value as ``estimate`` (the raw area is always in
        ``raw``).
    n_boot : int, default 0
        Stratified bootstrap replicates for ``se`` and a percentile interval (0: none).
    confidence_level : float, default 0.95
        Confidence level of the bootstrap interval.
    seed : int, Generator or SeedSequence, optional
        Randomness of the bootstrap.

    Returns
    -------
    PartialAuc

    Notes
    -----
    The empirical ROC curve is joined by straight lines (ties give diagonal segments, as for
    the full AUC), and the area under it between the bounds is integrated exactly, with linear
    interpolation at a bound that falls between two points. With ``focus="specificity"`` and
    bounds :math:`[s_1, s_2]`,

    .. math:: \\mathrm{pAUC} = \\int_{s_1}^{s_2} \\mathrm{Se}(\\mathrm{Sp})\\, d\\mathrm{Sp},

    which lies between :math:`\\min = \\int_{s_1}^{s_2}(1-x)\\,dx` (the diagonal) and
    :math:`\\max = s_2 - s_1` (a perfect test). McClish (1989) maps it onto the familiar AUC
    scale,

    .. math:: \\mathrm{pAUC}_{std} = \\frac12\\left(1 + \\frac{\\mathrm{pAUC} - \\min}
        {\\max - \\min}\\right),

    0.5 for no discrimination and 1 for perfect discrimination over the range. With
    ``focus="sensitivity"`` the roles of the axes are swapped. This reproduces pROC's
    ``auc(roc, partial.auc = c(s2, s1), partial.auc.focus = , partial.auc.correct = )``.
    The bootstrap resamples positive and negative participants separately, as pROC's
    ``ci.auc(boot.stratified = TRUE)``; its random numbers are not R's.

    References
    ----------
    McClish DK. Analyzing a portion of the ROC curve. Medical Decision Making
    1989;9(3):190-195.
    Walter SD. The partial area under the summary ROC curve. Statistics in Medicine
    2005;24(13):2025-2040.
    Robin X, et al. BMC Bioinformatics 2011;12:77 (pROC).

    Examples
    --------
    >>> res = partial_auc([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0], bounds=(0.8, 1))
    >>> round(res.raw, 4), round(res.standardized, 4)
    (0.1333, 0.8148)
    """
    focus = check_choice(focus, "focus", PAUC_FOCUS)
    if not isinstance(correct, (bool, np.bool_)):
        raise TypeError(f"correct must be True or False, got {correct!r}")
    try:
        low, high = sorted(float(b) for b in bounds)
    except (TypeError, ValueError):
        raise TypeError(f"bounds must be two numbers in [0, 1], got {bounds!r}") from None
    if len(tuple(bounds)) != 2 or not (0.0 <= low < high <= 1.0):
        raise ValueError(f"bounds must be two different numbers in [0, 1], got {bounds!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    if n_boot == 1:
        raise ValueError("n_boot must be 0 (no interval) or at least 2, got 1")
    confidence_level = check_confidence_level(confidence_level)
    curve = roc_curve(truth, marker)
    raw = _partial_area(curve.sensitivity, curve.specificity, focus, low, high)
    standardized, min_area, max_area = _standardize(raw, low, high)
    se = ci_low = ci_high = math.nan
    if n_boot:
        y = _prepare_truth(truth)
        x = _prepare_marker(marker, "marker", y.size)
        rng = np.random.default_rng(seed)
        cases, controls = x[y], x[~y]
        truth_b = np.concatenate([np.ones(cases.size, bool), np.zeros(controls.size, bool)])
        values = np.empty(int(n_boot))
        for i in range(int(n_boot)):
            xb = np.concatenate(
                [rng.choice(cases, cases.size), rng.choice(controls, controls.size)]
            )
            if xb.min() == xb.max():
                values[i] = math.nan
                continue
            c = roc_curve(truth_b, xb)
            r = _partial_area(c.sensitivity, c.specificity, focus, low, high)
            values[i] = _standardize(r, low, high)[0] if correct else r
        alpha = 1.0 - confidence_level
        se = float(np.nanstd(values, ddof=1))
        ci_low, ci_high = (float(q) for q in np.nanquantile(values, [alpha / 2, 1 - alpha / 2]))
    return PartialAuc(
        estimate=standardized if correct else raw,
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        raw=raw,
        standardized=standardized,
        min_area=min_area,
        max_area=max_area,
        bounds=(low, high),
        focus=focus,
        correct=bool(correct),
        confidence_level=confidence_level,
        n_boot=int(n_boot),
        n_positive=curve.n_positive,
        n_negative=curve.n_negative,
    )


# ---------------------------------------------------------------------------------------------
# pairs, the test against chance, and strata
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PairCounts:
    """Every positive-negative pair, classified by the marker.

    Attributes
    ----------
    concordant : int
        Pairs in which the positive (truth 1) value is higher.
    tied : int
        Pairs with equal values.
    discordant : int
        Pairs in which the negative (truth 0) value is higher.
    n_positive, n_negative : int
        Numbers of positive (truth 1) and negative (truth 0) participants
        (``n_pairs = n_positive * n_negative``).
    """

    concordant: int
    tied: int
    discordant: int
    n_positive: int
    n_negative: int

    @property
    def n_pairs(self) -> int:
        """Number of positive-negative pairs."""
        return self.n_positive * self.n_negative

    @property
    def auc(self) -> float:
        """The AUC: ties count one half."""
        return (self.concordant + 0.5 * self.tied) / self.n_pairs

    @property
    def auc_ties_lost(self) -> float:
        """Share of pairs ranked correctly if every tie counted as a wrong ranking."""
        return self.concordant / self.n_pairs

    @property
    def auc_ties_won(self) -> float:
        """Share of pairs ranked correctly if every tie counted as a right ranking."""
        return (self.concordant + self.tied) / self.n_pairs

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per kind of pair, with its count and share of all pairs."""
        counts = [self.concordant, self.tied, self.discordant]
        return pd.DataFrame(
            {
                "pairs": ["concordant", "tied", "discordant"],
                "count": counts,
                "share": [c / self.n_pairs for c in counts],
            }
        )


def pair_counts(truth, marker) -> PairCounts:
    """Count the positive-negative pairs that the marker orders rightly, ties, or wrongly.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present.
    marker : array-like of float
        The marker; higher values mean more likely positive.

    Returns
    -------
    PairCounts

    Notes
    -----
    The AUC is :math:`(C + T/2)/(mn)` for C concordant and T tied pairs among the
    :math:`mn` positive-negative pairs (Mann & Whitney 1947; Hanley & McNeil 1982). Counting a
    tie as a win or a loss instead gives the bounds :math:`C/(mn)` and :math:`(C+T)/(mn)`, the
    AUCs of the two step-shaped curves that pass above and below each diagonal segment of the
    empirical ROC curve. Counted with one sort of the negative values, O(N log N), in integers.

    References
    ----------
    Mann HB, Whitney DR. Annals of Mathematical Statistics 1947;18:50-60.
    Hanley JA, McNeil BJ. Radiology 1982;143:29-36.

    Examples
    --------
    >>> res = pair_counts([0, 0, 1, 1], [1, 2, 2, 3])
    >>> res.concordant, res.tied, res.discordant, res.auc
    (3, 1, 0, 0.875)
    """
    y = _prepare_truth(truth)
    x = _prepare_marker(marker, "marker", y.size)
    cases, controls = x[y], np.sort(x[~y])
    below = np.searchsorted(controls, cases, side="left")
    at_or_below = np.searchsorted(controls, cases, side="right")
    m, n = cases.size, controls.size
    concordant = int(below.sum())
    tied = int((at_or_below - below).sum())
    return PairCounts(
        concordant=concordant,
        tied=tied,
        discordant=m * n - concordant - tied,
        n_positive=m,
        n_negative=n,
    )


@dataclass(frozen=True)
class ChanceTest:
    """Test of the null hypothesis that the marker does not discriminate (AUC = 0.5).

    Attributes
    ----------
    estimate : float
        The AUC (ties count one half).
    statistic : float
        Mann-Whitney U of the positive (truth 1) values, ``estimate * n_positive * n_negative``.
    p_value : float
        Two-sided p-value (normal approximation with tie and continuity corrections).
    method : str
        ``"mann-whitney"``.
    n_positive, n_negative : int
        Numbers of positive (truth 1) and negative (truth 0) participants.
    """

    estimate: float
    statistic: float
    p_value: float
    method: str
    n_positive: int
    n_negative: int


def auc_chance_test(truth, marker) -> ChanceTest:
    """Is the AUC different from one half? The Mann-Whitney (Wilcoxon rank-sum) test.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present.
    marker : array-like of float
        The marker; higher values mean more likely positive.

    Returns
    -------
    ChanceTest

    Notes
    -----
    Under the null hypothesis that positive and negative values come from one distribution,
    :math:`U = \\hat\\theta\\, mn` has mean :math:`mn/2`; the p-value is
    :func:`scipy.stats.mannwhitneyu`'s asymptotic two-sided one, with the tie correction of the
    variance and a continuity correction. This is the "P < 0.001" that accompanies an AUC in
    most papers. Its variance holds under the null hypothesis, unlike DeLong's, which holds
    under the alternative and serves for confidence intervals.

    References
    ----------
    Mann HB, Whitney DR. Annals of Mathematical Statistics 1947;18:50-60.
    Hanley JA, McNeil BJ. Radiology 1982;143:29-36.

    Examples
    --------
    >>> res = auc_chance_test([0, 0, 0, 1, 1, 1], [1.0, 2.0, 4.0, 3.0, 5.0, 6.0])
    >>> round(res.estimate, 4), res.statistic
    (0.8889, 8.0)
    """
    y = _prepare_truth(truth)
    x = _prepare_marker(marker, "marker", y.size)
    cases, controls = x[y], x[~y]
    res = stats.mannwhitneyu(cases, controls, alternative="two-sided", method="asymptotic")
    m, n = cases.size, controls.size
    return ChanceTest(
        estimate=float(res.statistic) / (m * n),
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        method="mann-whitney",
        n_positive=m,
        n_negative=n,
    )


def _strata_levels(strata, n: int) -> tuple[np.ndarray, list]:
    if isinstance(strata, pd.Series | pd.Index):
        values = strata.to_numpy()
        dtype = strata.dtype
    else:
        values = np.asarray(strata)
        dtype = None
    if values.ndim != 1:
        raise ValueError(f"strata must be one-dimensional, got shape {values.shape}")
    if values.size != n:
        raise ValueError(f"strata has {values.size} values but truth has {n}; lengths must match")
    if pd.isna(values).any():
        raise ValueError("strata holds missing values; give every participant a stratum")
    if isinstance(dtype, pd.CategoricalDtype):
        levels = [c for c in dtype.categories if (values == c).any()]
    else:
        levels = sorted(pd.unique(values).tolist())
    return values, levels


def stratified_auc(truth, markers, strata, *, confidence_level: float = 0.95) -> pd.DataFrame:
    """AUC with DeLong CI of one or more markers within each stratum (subgroup).

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present; at least two of each class in every stratum.
    markers : mapping, DataFrame, list of arrays, or 2-D array (n, k)
        The markers, as for :func:`delong_covariance`.
    strata : array-like
        The stratum of each participant (e.g. a breast-density group). The strata are
        reported in the order of a categorical's categories, otherwise sorted.
    confidence_level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per stratum and marker: stratum, marker, n_positive, n_negative, estimate,
        se, ci_low, ci_high (clipped to [0, 1]), confidence_level.

    Notes
    -----
    Each stratum is analysed on its own, as :func:`delong_covariance` on that subset. The
    markers are used as given: a model's probability fitted on all participants is not
    refitted within a stratum.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.

    Examples
    --------
    >>> res = stratified_auc([0, 0, 1, 1, 0, 0, 1, 1], {"x": [1, 2, 3, 4, 1, 3, 2, 4]},
    ...                      ["a", "a", "a", "a", "b", "b", "b", "b"])
    >>> res[["stratum", "estimate"]].to_dict("list")
    {'stratum': ['a', 'b'], 'estimate': [1.0, 0.75]}
    """
    confidence_level = check_confidence_level(confidence_level)
    y = as_binary_truth(truth, "truth").astype(bool)
    names, values = _named_markers(markers)
    arrays = [
        as_finite_array(v, f"markers[{name!r}]") for name, v in zip(names, values, strict=True)
    ]
    for name, a in zip(names, arrays, strict=True):
        if a.size != y.size:
            raise ValueError(
                f"markers[{name!r}] has {a.size} values but truth has {y.size}; lengths must match"
            )
    labels, levels = _strata_levels(strata, y.size)
    frames = []
    for level in levels:
        keep = labels == level
        try:
            cov = delong_covariance(
                y[keep], {n: a[keep] for n, a in zip(names, arrays, strict=True)}
            )
        except ValueError as error:
            raise ValueError(f"stratum {level!r}: {error}") from None
        frame = cov.to_frame(confidence_level=confidence_level)
        frame.insert(0, "stratum", level)
        frame.insert(2, "n_positive", cov.n_positive)
        frame.insert(3, "n_negative", cov.n_negative)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def stratified_delong_test(
    truth,
    marker1,
    marker2,
    strata,
    *,
    confidence_level: float = 0.95,
    names: tuple[str, str] = ("marker1", "marker2"),
) -> pd.DataFrame:
    """The paired DeLong test of two markers within each stratum.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present; at least two of each class in every stratum.
    marker1, marker2 : array-like of float
        The two markers on the same participants; higher means more likely positive.
    strata : array-like
        The stratum of each participant (order as in :func:`stratified_auc`).
    confidence_level : float, default 0.95
        Confidence level of the interval for the difference.
    names : tuple of two str
        Labels of the markers.

    Returns
    -------
    pandas.DataFrame
        One row per stratum: stratum, n_positive, n_negative, then the columns of
        :meth:`DelongTest.to_frame` (``estimate`` is ``auc1 - auc2``).

    Notes
    -----
    One :func:`delong_test` per stratum, without adjustment for multiple comparisons. A
    difference between strata in the AUC gain is not itself tested here; overlapping
    intervals of the gain are the usual (and weak) evidence.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.

    Examples
    --------
    >>> res = stratified_delong_test(
    ...     [0, 0, 1, 1, 0, 0, 1, 1], [1, 2, 3, 4, 1, 3, 2, 4], [1, 2, 4, 3, 2, 1, 3, 4],
    ...     ["a", "a", "a", "a", "b", "b", "b", "b"])
    >>> res[["stratum", "estimate"]].to_dict("list")
    {'stratum': ['a', 'b'], 'estimate': [0.0, -0.25]}
    """
    y = as_binary_truth(truth, "truth").astype(bool)
    x1 = as_finite_array(marker1, "marker1")
    x2 = as_finite_array(marker2, "marker2")
    check_same_length(truth=y, marker1=x1, marker2=x2)
    labels, levels = _strata_levels(strata, y.size)
    rows = []
    for level in levels:
        keep = labels == level
        try:
            res = delong_test(
                y[keep], x1[keep], x2[keep], confidence_level=confidence_level, names=names
            )
        except ValueError as error:
            raise ValueError(f"stratum {level!r}: {error}") from None
        frame = res.to_frame()
        frame.insert(0, "stratum", level)
        frame.insert(1, "n_positive", res.n_positive)
        frame.insert(2, "n_negative", res.n_negative)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# many studies at once (simulation)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Placements:
    """AUCs and DeLong placement values of a marker, or of a stack of markers sharing a truth.

    Attributes
    ----------
    auc : float or numpy.ndarray
        AUC (ties count one half): a float for one marker, else an array of the batch shape.
    case : numpy.ndarray, shape batch + (m,)
        Placement of each positive participant (in the order of ``truth``): the share of
        negative values below it, ties counting one half.
    control : numpy.ndarray, shape batch + (n,)
        Placement of each negative participant: the share of positive values above it, ties
        counting one half.
    n_positive, n_negative : int
        Numbers of positive (m) and negative (n) participants.
    """

    auc: float | np.ndarray
    case: np.ndarray
    control: np.ndarray
    n_positive: int
    n_negative: int

    def covariance(self, other: Placements | None = None):
        """DeLong covariance of this AUC with ``other``'s, marker by marker (the variance if
        ``other`` is None): :math:`S_{10}/m + S_{01}/n` from the placements' sample covariances.

        ``other`` must be the placements of another marker on the same participants (same
        shapes). A float for one marker, else an array of the batch shape.
        """
        other = self if other is None else other
        if other.case.shape != self.case.shape or other.control.shape != self.control.shape:
            raise ValueError(
                "placements of different shapes: the two markers must share the participants "
                "and the stack's shape"
            )
        m, n = self.n_positive, self.n_negative
        if self.case.ndim == 1:  # one marker: numpy.cov, as delong_covariance
            if other is self:
                return float(_covariance(self.case, self.control)[0, 0])
            both = _covariance(
                np.stack([self.case, other.case]), np.stack([self.control, other.control])
            )
            return float(both[0, 1])
        s10 = np.einsum("...i,...i->...", self._centred_case, other._centred_case) / (m - 1)
        s01 = np.einsum("...i,...i->...", self._centred_control, other._centred_control) / (n - 1)
        value = s10 / m + s01 / n
        return float(value) if np.ndim(value) == 0 else value

    @cached_property
    def _centred_case(self) -> np.ndarray:
        return _centred(self.case)

    @cached_property
    def _centred_control(self) -> np.ndarray:
        return _centred(self.control)

    def variance(self):
        """DeLong variance of the AUC (of each marker of a stack)."""
        return self.covariance()

    def se(self):
        """DeLong standard error of the AUC (of each marker of a stack)."""
        return np.sqrt(self.variance())


def _placements(y: np.ndarray, x: np.ndarray, shape: tuple[int, ...]) -> Placements:
    """:class:`Placements` of checked inputs: ``x`` ``(R, n)`` with batch ``shape``."""
    auc_, case, control = _placements_2d(y, x)
    return Placements(
        auc=_scalar_or_array(auc_, shape),
        case=case.reshape(*shape, case.shape[-1]),
        control=control.reshape(*shape, control.shape[-1]),
        n_positive=int(case.shape[-1]),
        n_negative=int(control.shape[-1]),
    )


def placements(truth, marker, *, axis: int = -1) -> Placements:
    """AUC and DeLong placement values of a marker, or of every marker of a stack at once.

    The kernel that :func:`auc_delong`, :func:`delong_covariance` and :func:`delong_test`
    compute from, and that simulations (sample size, replicate studies) call on stacks of
    thousands of studies: the placements are those of DeLong et al. (1988), read off one sort
    of the pooled values per marker (Sun & Xu 2014), so each marker costs O(n log n) and a
    stack needs no Python loop.

    Parameters
    ----------
    truth : array-like of 0/1 or bool, length n
        Reference standard shared by every marker, 1 = condition present; both classes present.
    marker : array-like of float
        One marker (n,), or a stack whose ``axis`` has length n; higher values mean more likely positive.
    axis : int, default -1
        The axis of ``marker`` along which the participants lie.

    Returns
    -------
    Placements
        Its :meth:`Placements.variance` is DeLong's variance of the AUC, and
        :meth:`Placements.covariance` the covariance of two markers' AUCs.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Sun X, Xu W. IEEE Signal Processing Letters 2014;21:1389-1393.

    Examples
    --------
    >>> p = placements([0, 0, 1, 1], [[0.1, 0.4, 0.35, 0.8], [1, 2, 3, 4]])
    >>> p.auc.tolist(), p.case.shape
    ([0.75, 1.0], (2, 2))
    >>> placements([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).auc
    0.75
    """
    y = _prepare_truth(truth)
    x, shape = _prepare_stack(marker, "marker", y.size, axis)
    return _placements(y, x, shape)
