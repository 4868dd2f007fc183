"""ROC analysis: curve points, AUC with DeLong and bootstrap CIs, the paired DeLong test, Youden.

Conventions used by every function here
---------------------------------------
* **Direction is fixed a priori: higher marker values mean malignant** (``truth == 1``).
  Nothing is flipped when the AUC comes out below 0.5 (pROC's ``direction="auto"`` would,
  which makes inference optimistic). For a marker where lower means malignant, pass its
  negative.
* **Ties count one half.** The AUC is the Mann-Whitney probability
  ``P(X > Y) + 0.5 * P(X = Y)`` for a malignant value ``X`` and a benign value ``Y``; it equals
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from microcalc.stats.validation import as_binary_truth, as_finite_array, check_same_length

__all__ = [
    "AucEstimate",
    "BatchPlacements",
    "ChanceTest",
    "DelongCovariance",
    "DelongTest",
    "PairCounts",
    "PartialAuc",
    "RocCurve",
    "YoudenCutoff",
    "auc",
    "auc_bootstrap",
    "auc_chance_test",
    "auc_delong",
    "delong_covariance",
    "delong_test",
    "pair_counts",
    "partial_auc",
    "placements_batch",
    "roc_curve",
    "stratified_auc",
    "stratified_delong_test",
    "youden_cutoff",
]

CONVENTIONS = ("observed", "midpoint")
ALTERNATIVES = ("two-sided", "greater", "less")
TIE_RULES = ("lowest", "highest")


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
def _check_conf_level(conf_level) -> float:
    if isinstance(conf_level, bool) or not isinstance(conf_level, (int, float, np.floating)):
        raise TypeError(f"conf_level must be a number between 0 and 1, got {conf_level!r}")
    if not 0.0 < float(conf_level) < 1.0:
        raise ValueError(f"conf_level must lie strictly between 0 and 1, got {conf_level!r}")
    return float(conf_level)


def _check_choice(value, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def _prepare_truth(truth, *, min_per_class: int = 1) -> np.ndarray:
    """Validate ``truth`` and return it as a boolean array (True = malignant)."""
    y = as_binary_truth(truth, "truth")
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        only = "1 (malignant)" if n_neg == 0 else "0 (benign)"
        raise ValueError(
            f"truth holds one class only (every value is {only}); ROC analysis needs both "
            "malignant (1) and benign (0) participants"
        )
    if min(n_pos, n_neg) < min_per_class:
        raise ValueError(
            f"truth has {n_pos} malignant and {n_neg} benign participant(s); the DeLong "
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
# the core: placement values by one sort of the pooled values (Sun & Xu 2014)
# ---------------------------------------------------------------------------------------------
def _twice_placements(x: np.ndarray, is_case: np.ndarray, n_pos: int) -> np.ndarray:
    """Twice the placement count of every observation, in the original order (int64).

    For a malignant observation: ``2 * #(benign < x) + #(benign == x)``. For a benign one:
    ``2 * #(malignant > y) + #(malignant == y)``. Integers, so nothing is lost to rounding.
    """
    n = x.size
    order = np.argsort(x)  # the order inside a run of ties does not matter below
    xs = x[order]
    case_s = is_case[order]
    # cases / controls at or before each sorted position, with a leading zero
    cum_case = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(case_s, out=cum_case[1:])
    cum_ctrl = np.arange(n + 1, dtype=np.int64) - cum_case
    new_run = np.empty(n, dtype=bool)
    new_run[0] = True
    np.not_equal(xs[1:], xs[:-1], out=new_run[1:])
    if new_run.all():  # no ties: each observation is its own run
        ctrl_two = 2 * cum_ctrl[:-1]
        case_two = 2 * (n_pos - cum_case[1:])
    else:
        starts = np.flatnonzero(new_run)
        ends = np.append(starts[1:], n)
        run = np.cumsum(new_run) - 1
        # 2 * (# before the run) + (# inside the run) = (# before) + (# through the run end)
        ctrl_two = (cum_ctrl[starts] + cum_ctrl[ends])[run]
        case_two = (2 * n_pos - cum_case[starts] - cum_case[ends])[run]
    out = np.empty(n, dtype=np.int64)
    out[order] = np.where(case_s, ctrl_two, case_two)
    return out


@dataclass(frozen=True)
class _Placements:
    auc: np.ndarray  # (k,)
    case: np.ndarray  # (k, n_pos) placement of each malignant value among the benign
    control: np.ndarray  # (k, n_neg) placement of each benign value among the malignant
    n_pos: int
    n_neg: int


def _placements(y: np.ndarray, markers: Sequence[np.ndarray]) -> _Placements:
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    case_idx = np.flatnonzero(y)
    ctrl_idx = np.flatnonzero(~y)
    k = len(markers)
    aucs = np.empty(k)
    case = np.empty((k, n_pos))
    control = np.empty((k, n_neg))
    for j, x in enumerate(markers):  # a loop over markers, never over observations
        two = _twice_placements(x, y, n_pos)
        two_case = two[case_idx]
        aucs[j] = int(two_case.sum()) / (2 * n_pos * n_neg)
        case[j] = two_case / (2 * n_neg)
        control[j] = two[ctrl_idx] / (2 * n_pos)
    return _Placements(aucs, case, control, n_pos, n_neg)


def _covariance(p: _Placements) -> np.ndarray:
    s10 = np.atleast_2d(np.cov(p.case, ddof=1))
    s01 = np.atleast_2d(np.cov(p.control, ddof=1))
    return s10 / p.n_pos + s01 / p.n_neg


def _normal_ci(estimate: float, se: float, conf_level: float) -> tuple[float, float]:
    z = stats.norm.ppf(0.5 + conf_level / 2)
    return estimate - z * se, estimate + z * se


def _readonly(a) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------------------------------------
# AUC
# ---------------------------------------------------------------------------------------------
def auc(truth, marker) -> float:
    """Area under the empirical ROC curve (Mann-Whitney, ties count one half).

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant.
    marker : array-like of float
        The marker; higher values mean malignant.

    Returns
    -------
    float
        The AUC, in [0, 1].

    Notes
    -----
    With m malignant values :math:`X_i` and n benign values :math:`Y_j`,

    .. math:: \\hat\\theta = \\frac{1}{mn}\\sum_i\\sum_j \\psi(X_i, Y_j),\\quad
        \\psi(x, y) = 1 \\text{ if } x > y,\\ \\tfrac12 \\text{ if } x = y,\\ 0 \\text{ otherwise},

    computed from midranks in O(N log N) (Hanley & McNeil 1982; Sun & Xu 2014).

    References
    ----------
    Hanley JA, McNeil BJ. Radiology 1982;143:29-36.

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = _prepare_truth(truth)
    x = _prepare_marker(marker, "marker", y.size)
    return float(_placements(y, [x]).auc[0])


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
    conf_level : float
        Confidence level of the interval.
    method : str
        ``"delong"`` or ``"bootstrap"`` (stratified, percentile interval).
    n_positive, n_negative : int
        Numbers of malignant and benign participants.
    n_boot : int or None
        Number of bootstrap replicates (``None`` for DeLong).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    conf_level: float
    method: str
    n_positive: int
    n_negative: int
    n_boot: int | None = None

    @property
    def variance(self) -> float:
        """The squared standard error."""
        return self.se**2

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy table: estimate, se, ci_low, ci_high, conf_level, method, counts."""
        return pd.DataFrame(
            [
                {
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "conf_level": self.conf_level,
                    "method": self.method,
                    "n_positive": self.n_positive,
                    "n_negative": self.n_negative,
                }
            ]
        )


def auc_delong(truth, marker, *, conf_level: float = 0.95) -> AucEstimate:
    """AUC with DeLong's standard error and a normal-theory confidence interval.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant; at least two of each class.
    marker : array-like of float
        The marker; higher values mean malignant (not flipped if the AUC is below 0.5).
    conf_level : float, default 0.95
        Confidence level.

    Returns
    -------
    AucEstimate
        ``method == "delong"``.

    Notes
    -----
    Placement values: :math:`V_{10}(X_i) = \\frac1n\\sum_j\\psi(X_i, Y_j)` for each malignant
    value and :math:`V_{01}(Y_j) = \\frac1m\\sum_i\\psi(X_i, Y_j)` for each benign value. Then

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
    conf_level = _check_conf_level(conf_level)
    y = _prepare_truth(truth, min_per_class=2)
    x = _prepare_marker(marker, "marker", y.size)
    p = _placements(y, [x])
    theta = float(p.auc[0])
    se = float(np.sqrt(_covariance(p)[0, 0]))
    low, high = _normal_ci(theta, se, conf_level)
    return AucEstimate(
        estimate=theta,
        se=se,
        ci_low=float(min(max(low, 0.0), 1.0)),
        ci_high=float(min(max(high, 0.0), 1.0)),
        conf_level=conf_level,
        method="delong",
        n_positive=p.n_pos,
        n_negative=p.n_neg,
    )


def _bootstrap_aucs(
    cases: np.ndarray,
    controls: np.ndarray,
    case_counts: np.ndarray,
    control_counts: np.ndarray,
) -> np.ndarray:
    """AUCs of resamples given as multiplicities (one row per resample).

    ``case_counts[b, i]`` is how often malignant value ``cases[i]`` is drawn in resample b;
    ``control_counts[b, j]`` how often the j-th *smallest* benign value is drawn. The weighted
    count of benign values below each malignant value is read off cumulative sums, so a
    resample costs O(n), with no sorting.
    """
    m, n = cases.size, controls.size
    sorted_controls = np.sort(controls)
    left = np.searchsorted(sorted_controls, cases, side="left")
    right = np.searchsorted(sorted_controls, cases, side="right")
    cum = np.zeros((control_counts.shape[0], n + 1), dtype=np.int64)
    np.cumsum(control_counts, axis=1, out=cum[:, 1:])
    twice_below = cum[:, left] + cum[:, right]  # 2 * #(below) + #(tied), weighted
    return (case_counts * twice_below).sum(axis=1) / (2.0 * m * n)


def auc_bootstrap(
    truth,
    marker,
    *,
    n_boot: int = 2000,
    conf_level: float = 0.95,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> AucEstimate:
    """AUC with a stratified bootstrap percentile confidence interval.

    Malignant and benign participants are resampled separately (so every resample keeps the
    study's m and n, as pROC's ``boot.stratified = TRUE``). Vectorised: each resample is a
    vector of multiplicities, and its AUC is read from cumulative sums, without re-sorting.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant.
    marker : array-like of float
        The marker; higher values mean malignant.
    n_boot : int, default 2000
        Number of resamples.
    conf_level : float, default 0.95
        Confidence level of the percentile interval.
    seed : int, numpy Generator or SeedSequence, optional
        Source of randomness (``numpy.random.default_rng(seed)``); same seed, same interval.

    Returns
    -------
    AucEstimate
        ``method == "bootstrap"``; ``estimate`` is the AUC of the data, ``se`` the standard
        deviation of the resampled AUCs, and the limits their ``(1 -/+ conf_level) / 2``
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
    conf_level = _check_conf_level(conf_level)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)):
        raise TypeError(f"n_boot must be an integer, got {n_boot!r}")
    if n_boot < 2:
        raise ValueError(f"n_boot must be at least 2, got {n_boot!r}")
    y = _prepare_truth(truth)
    x = _prepare_marker(marker, "marker", y.size)
    rng = np.random.default_rng(seed)
    cases, controls = x[y], x[~y]
    m, n = cases.size, controls.size
    chunk = max(1, min(int(n_boot), 4_000_000 // max(m, n)))  # bounds the memory used
    aucs = np.empty(int(n_boot))
    for start in range(0, int(n_boot), chunk):
        b = min(chunk, int(n_boot) - start)
        case_counts = rng.multinomial(m, np.full(m, 1.0 / m), size=b)
        control_counts = rng.multinomial(n, np.full(n, 1.0 / n), size=b)
        aucs[start : start + b] = _bootstrap_aucs(cases, controls, case_counts, control_counts)
    alpha = 1.0 - conf_level
    low, high = np.quantile(aucs, [alpha / 2, 1 - alpha / 2])
    return AucEstimate(
        estimate=float(_placements(y, [x]).auc[0]),
        se=float(np.std(aucs, ddof=1)),
        ci_low=float(low),
        ci_high=float(high),
        conf_level=conf_level,
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
        Numbers of malignant and benign participants.
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

    def to_frame(self, *, conf_level: float = 0.95) -> pd.DataFrame:
        """Tidy table, one row per marker: estimate, se, ci_low, ci_high (clipped to [0, 1])."""
        conf_level = _check_conf_level(conf_level)
        se = self.se
        low, high = _normal_ci(self.auc, se, conf_level)
        return pd.DataFrame(
            {
                "marker": list(self.names),
                "estimate": self.auc,
                "se": se,
                "ci_low": np.clip(low, 0.0, 1.0),
                "ci_high": np.clip(high, 0.0, 1.0),
                "conf_level": conf_level,
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
        Reference standard, 1 = malignant; at least two of each class.
    markers : mapping, DataFrame, list of arrays, or 2-D array (n, k)
        The markers; higher values mean malignant. A 2-D array has one column per marker.

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
    p = _placements(y, arrays)
    return DelongCovariance(
        names=names,
        auc=_readonly(p.auc),
        covariance=_readonly(_covariance(p)),
        n_positive=p.n_pos,
        n_negative=p.n_neg,
    )


@dataclass(frozen=True)
class DelongTest:
    """Paired DeLong test of two correlated AUCs.

    Attributes
    ----------
    names : tuple of str
        The two markers' names.
    auc1, auc2 : float
        The two AUCs.
    difference : float
        ``auc1 - auc2``.
    se : float
        Standard error of the difference.
    ci_low, ci_high : float
        Normal-theory confidence interval of the difference (not clipped).
    conf_level : float
        Confidence level.
    z : float
        ``difference / se`` (0 when both are 0, e.g. identical markers).
    p_value : float
        p-value for ``alternative``.
    alternative : str
        ``"two-sided"``, ``"greater"`` (auc1 > auc2) or ``"less"``.
    correlation : float
        Correlation of the two AUC estimates.
    n_positive, n_negative : int
        Numbers of malignant and benign participants.
    """

    names: tuple[str, str]
    auc1: float
    auc2: float
    difference: float
    se: float
    ci_low: float
    ci_high: float
    conf_level: float
    z: float
    p_value: float
    alternative: str
    correlation: float
    n_positive: int
    n_negative: int

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy table of the comparison."""
        return pd.DataFrame(
            [
                {
                    "contrast": f"{self.names[0]} - {self.names[1]}",
                    "auc1": self.auc1,
                    "auc2": self.auc2,
                    "estimate": self.difference,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "conf_level": self.conf_level,
                    "z": self.z,
                    "p_value": self.p_value,
                    "alternative": self.alternative,
                }
            ]
        )


def delong_test(
    truth,
    marker1,
    marker2,
    *,
    conf_level: float = 0.95,
    alternative: str = "two-sided",
    names: tuple[str, str] = ("marker1", "marker2"),
) -> DelongTest:
    """Paired DeLong test: do two markers measured on the same participants differ in AUC?

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant; at least two of each class.
    marker1, marker2 : array-like of float
        The two markers, same participants in the same order; higher means malignant.
    conf_level : float, default 0.95
        Confidence level of the interval for the difference.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"`` tests AUC1 > AUC2.
    names : tuple of two str, default ("marker1", "marker2")
        Labels used in the result.

    Returns
    -------
    DelongTest

    Notes
    -----
    With :math:`S` the 2 x 2 DeLong covariance of the AUCs (see :func:`delong_covariance`),

    .. math:: z = \\frac{\\hat\\theta_1 - \\hat\\theta_2}
        {\\sqrt{S_{11} + S_{22} - 2 S_{12}}},

    referred to the standard normal; the interval is
    :math:`(\\hat\\theta_1-\\hat\\theta_2) \\pm z_{1-\\alpha/2}\\,SE`. Identical markers give
    z = 0 and p = 1 (0/0 is taken as 0, as pROC does). Matches pROC's
    ``roc.test(method = "delong", paired = TRUE)`` with ``direction = "<"``.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Sun X, Xu W. IEEE Signal Processing Letters 2014;21:1389-1393.

    Examples
    --------
    >>> t = delong_test([0, 0, 0, 1, 1, 1], [1, 2, 4, 3, 5, 6], [2, 1, 3, 6, 4, 5])
    >>> round(t.difference, 4), round(t.z, 3)
    (-0.1111, -0.707)
    """
    conf_level = _check_conf_level(conf_level)
    alternative = _check_choice(alternative, "alternative", ALTERNATIVES)
    if len(names) != 2:
        raise ValueError(f"names must hold two labels, got {names!r}")
    y = _prepare_truth(truth, min_per_class=2)
    x1 = _prepare_marker(marker1, "marker1", y.size)
    x2 = _prepare_marker(marker2, "marker2", y.size)
    p = _placements(y, [x1, x2])
    cov = _covariance(p)
    d = float(p.auc[0] - p.auc[1])
    var_d = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    se = float(np.sqrt(max(var_d, 0.0)))
    if se == 0.0:
        z = 0.0 if d == 0.0 else float(np.copysign(np.inf, d))
    else:
        z = d / se
    if alternative == "two-sided":
        p_value = float(2 * stats.norm.sf(abs(z)))
    elif alternative == "greater":
        p_value = float(stats.norm.sf(z))
    else:
        p_value = float(stats.norm.cdf(z))
    low, high = _normal_ci(d, se, conf_level)
    denom = np.sqrt(cov[0, 0] * cov[1, 1])
    return DelongTest(
        names=(str(names[0]), str(names[1])),
        auc1=float(p.auc[0]),
        auc2=float(p.auc[1]),
        difference=d,
        se=se,
        ci_low=float(low),
        ci_high=float(high),
        conf_level=conf_level,
        z=float(z),
        p_value=min(p_value, 1.0),
        alternative=alternative,
        correlation=float(cov[0, 1] / denom) if denom > 0 else float("nan"),
        n_positive=p.n_pos,
        n_negative=p.n_neg,
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
        Numbers of malignant and benign participants.
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
        Reference standard, 1 = malignant.
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
    convention = _check_choice(convention, "convention", CONVENTIONS)
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
        auc=float(_placements(y, [x]).auc[0]),
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
        Numbers of malignant and benign participants.
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
    """Youden-optimal cutoff of a marker (higher = malignant, positive if marker >= cutoff).

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant.
    marker : array-like of float
        The marker.
    convention : {"observed", "midpoint"}, default "observed"
        ``"observed"``: the cutoff is an observed marker value ``c`` and the rule is
        ``marker >= c``. ``"midpoint"``: pROC's convention, the cutoff lies half-way between
        ``c`` and the next smaller distinct value. Both classify every participant the same
        way, so sensitivity and specificity do not depend on the convention.
    ties : {"lowest", "highest"}, default "lowest"
        Several thresholds can attain the same maximal J. ``"lowest"`` chooses the lowest of
        them (the most sensitive rule, natural when a missed cancer costs more than a biopsy);
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
    ties = _check_choice(ties, "ties", TIE_RULES)
    curve = roc_curve(truth, marker, convention=convention)
    m, n = curve.n_positive, curve.n_negative
    score = curve.tp * n + (n - curve.fp) * m  # = m n (J + 1), exact
    best = np.flatnonzero(score == score.max())
    pick = best[0] if ties == "lowest" else best[-1]
    return YoudenCutoff(
        cutoff=float(curve.thresholds[pick]),
        sensitivity=float(curve.sensitivity[pick]),
        specificity=float(curve.specificity[pick]),
        youden_index=float(curve.sensitivity[pick] + curve.specificity[pick] - 1.0),
        convention=curve.convention,
        ties=ties,
        tied_cutoffs=_readonly(curve.thresholds[best]),
        tied_sensitivity=_readonly(curve.sensitivity[best]),
        tied_specificity=_readonly(curve.specificity[best]),
        n_positive=m,
        n_negative=n,
    )


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
        Reference standard, 1 = malignant.
    marker : array-like of float
        The marker; higher values mean malignant.
    bounds : tuple of two floats, default (0.9, 1.0)
        The range of specificity (``focus="specificity"``) or sensitivity
        (``focus="sensitivity"``), within [0, 1], in either order.
    focus : {"specificity", "sensitivity"}, default "specificity"
        ``"specificity"``: the area under the sensitivity over specificities in ``bounds``
        (the high-specificity region of a rule-in test). ``"sensitivity"``: the area under the
        specificity over sensitivities in ``bounds`` (the high-sensitivity region of a rule-out,
        "no biopsy" test).
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
    The bootstrap resamples malignant and benign participants separately, as pROC's
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
    focus = _check_choice(focus, "focus", PAUC_FOCUS)
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
    confidence_level = _check_conf_level(confidence_level)
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
    """Every malignant-benign pair, classified by the marker.

    Attributes
    ----------
    concordant : int
        Pairs in which the malignant value is higher.
    tied : int
        Pairs with equal values.
    discordant : int
        Pairs in which the benign value is higher.
    n_positive, n_negative : int
        Numbers of malignant and benign participants (``n_pairs = n_positive * n_negative``).
    """

    concordant: int
    tied: int
    discordant: int
    n_positive: int
    n_negative: int

    @property
    def n_pairs(self) -> int:
        """Number of malignant-benign pairs."""
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
    """Count the malignant-benign pairs that the marker orders rightly, ties, or wrongly.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant.
    marker : array-like of float
        The marker; higher values mean malignant.

    Returns
    -------
    PairCounts

    Notes
    -----
    The AUC is :math:`(C + T/2)/(mn)` for C concordant and T tied pairs among the
    :math:`mn` malignant-benign pairs (Mann & Whitney 1947; Hanley & McNeil 1982). Counting a
    tie as a win or a loss instead gives the bounds :math:`C/(mn)` and :math:`(C+T)/(mn)`, the
    AUCs of the two step-shaped curves that pass above and below each diagonal segment of the
    empirical ROC curve. Counted with one sort of the benign values, O(N log N), in integers.

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
    auc : float
        The AUC (ties count one half).
    u_statistic : float
        Mann-Whitney U of the malignant values, ``auc * n_positive * n_negative``.
    p_value : float
        Two-sided p-value (normal approximation with tie and continuity corrections).
    method : str
        ``"mann-whitney"``.
    n_positive, n_negative : int
        Numbers of malignant and benign participants.
    """

    auc: float
    u_statistic: float
    p_value: float
    method: str
    n_positive: int
    n_negative: int


def auc_chance_test(truth, marker) -> ChanceTest:
    """Is the AUC different from one half? The Mann-Whitney (Wilcoxon rank-sum) test.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant.
    marker : array-like of float
        The marker; higher values mean malignant.

    Returns
    -------
    ChanceTest

    Notes
    -----
    Under the null hypothesis that malignant and benign values come from one distribution,
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
    >>> round(res.auc, 4), res.u_statistic
    (0.8889, 8.0)
    """
    y = _prepare_truth(truth)
    x = _prepare_marker(marker, "marker", y.size)
    cases, controls = x[y], x[~y]
    res = stats.mannwhitneyu(cases, controls, alternative="two-sided", method="asymptotic")
    m, n = cases.size, controls.size
    return ChanceTest(
        auc=float(res.statistic) / (m * n),
        u_statistic=float(res.statistic),
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


def stratified_auc(truth, markers, strata, *, conf_level: float = 0.95) -> pd.DataFrame:
    """AUC with DeLong CI of one or more markers within each stratum (subgroup).

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant; at least two of each class in every stratum.
    markers : mapping, DataFrame, list of arrays, or 2-D array (n, k)
        The markers, as for :func:`delong_covariance`.
    strata : array-like
        The stratum of each participant (e.g. a breast-density group). The strata are
        reported in the order of a categorical's categories, otherwise sorted.
    conf_level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per stratum and marker: stratum, marker, n_positive, n_negative, estimate,
        se, ci_low, ci_high (clipped to [0, 1]), conf_level.

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
    conf_level = _check_conf_level(conf_level)
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
        frame = cov.to_frame(conf_level=conf_level)
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
    conf_level: float = 0.95,
    names: tuple[str, str] = ("marker1", "marker2"),
) -> pd.DataFrame:
    """The paired DeLong test of two markers within each stratum.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant; at least two of each class in every stratum.
    marker1, marker2 : array-like of float
        The two markers on the same participants; higher means malignant.
    strata : array-like
        The stratum of each participant (order as in :func:`stratified_auc`).
    conf_level : float, default 0.95
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
            res = delong_test(y[keep], x1[keep], x2[keep], conf_level=conf_level, names=names)
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
@dataclass(frozen=True)
class BatchPlacements:
    """AUCs and DeLong placement values of many markers that share one reference standard.

    Attributes
    ----------
    auc : numpy.ndarray, shape (R,)
        AUC of each row (ties count one half).
    case : numpy.ndarray, shape (R, m)
        Placement of each malignant participant: the share of benign values below it, ties
        counting one half.
    control : numpy.ndarray, shape (R, n)
        Placement of each benign participant: the share of malignant values above it, ties
        counting one half.
    """

    auc: np.ndarray
    case: np.ndarray
    control: np.ndarray

    def se(self) -> np.ndarray:
        """DeLong standard error of each row's AUC, shape (R,)."""
        m, n = self.case.shape[1], self.control.shape[1]
        variance = self.case.var(axis=1, ddof=1) / m + self.control.var(axis=1, ddof=1) / n
        return np.sqrt(variance)


def placements_batch(truth, markers) -> BatchPlacements:
    """AUCs and DeLong placements of every row of ``markers``, without a Python loop.

    The vectorised core of simulations (sample size, replicate studies): one row is one marker
    or one simulated study, all rows sharing ``truth``. The placements are those of
    :func:`auc_delong` (DeLong et al. 1988), computed from midranks along each row, so each
    row costs O(n log n).

    Parameters
    ----------
    truth : array-like of 0/1, shape (n,)
        Reference standard shared by every row, 1 = malignant; both classes present.
    markers : array-like of float, shape (R, n)
        One marker per row; higher values mean malignant.

    Returns
    -------
    BatchPlacements

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.

    Examples
    --------
    >>> batch = placements_batch([0, 0, 1, 1], [[0.1, 0.4, 0.35, 0.8], [1, 2, 3, 4]])
    >>> batch.auc.tolist()
    [0.75, 1.0]
    """
    y = _prepare_truth(truth)
    x = np.asarray(markers, dtype=float)
    if x.ndim != 2 or x.shape[1] != y.size:
        raise ValueError(f"markers must have shape (R, {y.size}) to match truth, got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("markers hold NaN or infinite values")
    is_case = y == 1
    m, n = int(is_case.sum()), int((~is_case).sum())
    pooled = stats.rankdata(x, axis=1)
    case = (pooled[:, is_case] - stats.rankdata(x[:, is_case], axis=1)) / n
    control = 1.0 - (pooled[:, ~is_case] - stats.rankdata(x[:, ~is_case], axis=1)) / m
    return BatchPlacements(auc=case.mean(axis=1), case=case, control=control)
