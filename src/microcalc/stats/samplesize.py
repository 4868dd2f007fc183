"""Sample size for diagnostic-accuracy studies: AUC-based and sensitivity/specificity-based.

* Variance of an AUC as a function of the group sizes: Hanley & McNeil (1982), and
  Obuchowski's binormal formula (Obuchowski 1994, 1998) with the published constants that
  ``pROC::power.roc.test`` uses.
* Participants needed to test an AUC against a null value, one- or two-sided, or to reach a
  target confidence-interval width; the power of a given design; Buderer (1996) for
  sensitivity and specificity.
* :func:`sample_size_candidates`: the table that reconstructs a published "AUC 0.85, alpha 0.05,
  beta 0.10 -> n per group" under every reasonable reading of it.
* :func:`simulated_auc_power`: the power a design actually has, from simulated studies drawn by
  any sampler (for example one drawn from a simulation model), tested with DeLong's SE.
* :func:`binormal_delong_power`: the simulated power of the paired DeLong test comparing two
  correlated markers.

Conventions
-----------
* ``ratio = n_controls / n_cases`` (pROC's ``kappa``); "cases" have the condition.
* Group sizes are rounded up separately: ``n_cases = ceil(n_cases_exact)``,
  ``n_controls = ceil(ratio * n_cases_exact)``. The real-valued sizes are reported too.
* ``alternative="two-sided"`` uses ``z_{1-alpha/2}`` and, like pROC and the usual formulas,
  ignores the (negligible) rejection probability in the opposite tail.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from microcalc.stats import roc
from microcalc.stats._validation import check_choice, check_confidence_level

__all__ = [
    "AucCiSampleSize",
    "AucSampleSize",
    "BinormalSampler",
    "BudererSampleSize",
    "ShareEstimate",
    "SimulatedPower",
    "auc_ci_sample_size",
    "auc_power",
    "auc_sample_size",
    "auc_variance",
    "binormal_delong_power",
    "monte_carlo_share",
    "power_curve",
    "buderer_sample_size",
    "sample_size_candidates",
    "simulated_auc_power",
]

METHODS = ("hanley_mcneil", "obuchowski")
CONSTANTS = ("published", "exact")
ALTERNATIVES = ("two-sided", "one-sided")
NULL_VARIANCES = ("null", "alternative")

# Obuchowski's binormal variance function, as published and as used by pROC:
# V(theta) = c * exp(-A^2 / 2) * ((5 A^2 + 8) + (A^2 + 8) / ratio), A = s * qnorm(theta).
_OBUCHOWSKI = {
    "published": (1.414, 0.0099),
    "exact": (math.sqrt(2.0), 1.0 / (32.0 * math.pi)),
}
_MAX_N = 1e9


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------
def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _open_unit(value, name: str) -> float:
    value = _number(value, name)
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return value


def _positive(value, name: str) -> float:
    value = _number(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


def _z_alpha(alpha: float, alternative: str) -> float:
    return float(stats.norm.ppf(1 - alpha / 2 if alternative == "two-sided" else 1 - alpha))


def _ceil(x: float) -> int:
    # Guard against 126.00000000000003 becoming 127.
    return math.ceil(x - 1e-9)


# ---------------------------------------------------------------------------------------------
# Variance of the AUC
# ---------------------------------------------------------------------------------------------
def _hm_variance(auc: float, n_cases: float, n_controls: float) -> float:
    q1 = auc / (2 - auc)
    q2 = 2 * auc**2 / (1 + auc)
    return (auc * (1 - auc) + (n_cases - 1) * (q1 - auc**2) + (n_controls - 1) * (q2 - auc**2)) / (
        n_cases * n_controls
    )


def _obuchowski_v(auc: float, ratio: float, constants: str) -> float:
    """Per-case variance function: Var(AUC) = V / n_cases."""
    s, c = _OBUCHOWSKI[constants]
    a = s * float(stats.norm.ppf(auc))
    return float(c * math.exp(-(a**2) / 2) * ((5 * a**2 + 8) + (a**2 + 8) / ratio))


def _variance(auc: float, n_cases: float, ratio: float, method: str, constants: str) -> float:
    if method == "hanley_mcneil":
        return _hm_variance(auc, n_cases, ratio * n_cases)
    return _obuchowski_v(auc, ratio, constants) / n_cases


def auc_variance(
    auc: float,
    *,
    n_cases: float,
    n_controls: float,
    method: str = "hanley_mcneil",
    constants: str = "published",
) -> float:
    """Variance of an empirical AUC for given group sizes.

    Parameters
    ----------
    auc : float
        The AUC, strictly between 0 and 1.
    n_cases, n_controls : float
        Participants with and without the condition (real numbers are accepted, for solving).
    method : {"hanley_mcneil", "obuchowski"}, default "hanley_mcneil"
        Variance formula.
    constants : {"published", "exact"}, default "published"
        For ``"obuchowski"`` only: the rounded constants of Obuchowski's published formula, as
        printed there and used by pROC (1.414 and 0.0099), or their exact values (sqrt(2) and
        1/(32 pi)).

    Returns
    -------
    float

    Notes
    -----
    Hanley & McNeil (1982), with :math:`Q_1 = A/(2-A)`, :math:`Q_2 = 2A^2/(1+A)`, :math:`n_1`
    cases and :math:`n_0` controls:

    .. math:: \\mathrm{Var}(A) = \\frac{A(1-A) + (n_1-1)(Q_1-A^2) + (n_0-1)(Q_2-A^2)}{n_1 n_0}.

    Obuchowski (binormal model with equal variances, :math:`b = 1`), with
    :math:`\\kappa = n_0/n_1` and :math:`a = \\sqrt2\\,\\Phi^{-1}(A)`:

    .. math:: \\mathrm{Var}(A) = \\frac{V(A)}{n_1},\\quad
              V(A) = 0.0099\\, e^{-a^2/2}\\left(5a^2 + 8 + \\frac{a^2 + 8}{\\kappa}\\right).

    Obuchowski prints 0.0099, which is :math:`1/(32\\pi) = 0.009947` rounded, and 1.414 for
    :math:`\\sqrt2`; pROC uses the same rounded constants.
    At :math:`A = 0.5`, :math:`V = 0.0792\\,(1 + 1/\\kappa)`.

    References
    ----------
    Hanley JA, McNeil BJ (1982). The meaning and use of the area under a receiver operating
    characteristic (ROC) curve. Radiology 143:29-36.
    Obuchowski NA (1994). Computing sample size for receiver operating characteristic studies.
    Invest Radiol 29:238-243.
    Obuchowski NA (1998). Sample size calculations in studies of test accuracy. Stat Methods
    Med Res 7:371-392.

    Examples
    --------
    >>> round(auc_variance(0.85, n_cases=50, n_controls=50), 6)
    0.001525
    >>> round(auc_variance(0.5, n_cases=10, n_controls=10, method="obuchowski"), 5)
    0.01584
    """
    auc = _open_unit(auc, "auc")
    n_cases = _positive(n_cases, "n_cases")
    n_controls = _positive(n_controls, "n_controls")
    check_choice(method, "method", METHODS)
    check_choice(constants, "constants", CONSTANTS)
    return _variance(auc, n_cases, n_controls / n_cases, method, constants)


# ---------------------------------------------------------------------------------------------
# Testing an AUC against a null value
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AucSampleSize:
    """Participants needed to show that an AUC differs from a null value.

    Attributes
    ----------
    method, constants, alternative, null_variance : str
        The assumptions (see :func:`auc_sample_size`).
    auc, null_auc, alpha, power, ratio : float
        The inputs; ``ratio = n_controls / n_cases``.
    n_cases_exact, n_controls_exact : float
        Real-valued solution (what ``pROC::power.roc.test`` prints).
    n_cases, n_controls, n_total : int
        Rounded up.
    se_null, se_alternative : float
        SE of the AUC under the null and the alternative at the rounded sizes.
    achieved_power : float
        Power at the rounded sizes (:func:`auc_power`).
    """

    method: str
    constants: str
    alternative: str
    null_variance: str
    auc: float
    null_auc: float
    alpha: float
    power: float
    ratio: float
    n_cases_exact: float
    n_controls_exact: float
    n_cases: int
    n_controls: int
    n_total: int
    se_null: float
    se_alternative: float
    achieved_power: float


def _solve_n(gap: Callable[[float], float], lower: float) -> float:
    """Smallest real n >= lower with gap(n) >= 0, for gap increasing in n."""
    if gap(lower) >= 0:
        return lower
    upper = max(2 * lower, 16.0)
    while gap(upper) < 0:
        upper *= 4
        if upper > _MAX_N:
            raise ValueError(
                f"no sample size below {_MAX_N:.0e} per group reaches the target; check auc, "
                "null_auc and the target"
            )
    return float(optimize.brentq(gap, lower, upper, xtol=1e-12, rtol=1e-14, maxiter=500))


def _power_at(
    auc, null_auc, n_cases, ratio, alpha, alternative, method, constants, null_variance
) -> tuple[float, float, float]:
    se1 = math.sqrt(_variance(auc, n_cases, ratio, method, constants))
    null_at = null_auc if null_variance == "null" else auc
    se0 = math.sqrt(_variance(null_at, n_cases, ratio, method, constants))
    z_beta = (abs(auc - null_auc) - _z_alpha(alpha, alternative) * se0) / se1
    return float(stats.norm.cdf(z_beta)), se0, se1


def _check_design(auc, null_auc, alpha, ratio, alternative, method, constants, null_variance):
    auc = _open_unit(auc, "auc")
    null_auc = _open_unit(null_auc, "null_auc")
    if auc == null_auc:
        raise ValueError(f"auc and null_auc are both {auc!r}; there is no difference to detect")
    return (
        auc,
        null_auc,
        _open_unit(alpha, "alpha"),
        _positive(ratio, "ratio"),
        check_choice(alternative, "alternative", ALTERNATIVES),
        check_choice(method, "method", METHODS),
        check_choice(constants, "constants", CONSTANTS),
        check_choice(null_variance, "null_variance", NULL_VARIANCES),
    )


def auc_sample_size(
    auc: float,
    *,
    null_auc: float = 0.5,
    alpha: float = 0.05,
    power: float = 0.90,
    alternative: str = "two-sided",
    ratio: float = 1.0,
    method: str = "obuchowski",
    constants: str = "published",
    null_variance: str = "null",
) -> AucSampleSize:
    """Participants needed to test an AUC against a null value with a given power.

    Parameters
    ----------
    auc : float
        The AUC expected under the alternative.
    null_auc : float, default 0.5
        The AUC under the null hypothesis (0.5: no discrimination).
    alpha : float, default 0.05
        Type I error.
    power : float, default 0.90
        One minus the type II error beta.
    alternative : {"two-sided", "one-sided"}, default "two-sided"
        ``z_{1-alpha/2}`` or ``z_{1-alpha}``. One-sided is in the direction of ``auc - null_auc``.
    ratio : float, default 1.0
        ``n_controls / n_cases``.
    method : {"obuchowski", "hanley_mcneil"}, default "obuchowski"
        Variance formula (:func:`auc_variance`).
    constants : {"published", "exact"}, default "published"
        Obuchowski's constants (:func:`auc_variance`).
    null_variance : {"null", "alternative"}, default "null"
        Variance in the ``z_alpha`` term: at ``null_auc`` (correct under H0) or, as some
        calculators simplify, at ``auc``.

    Returns
    -------
    AucSampleSize

    Notes
    -----
    With :math:`\\mathrm{SE}_0(n)` and :math:`\\mathrm{SE}_1(n)` the SE of the AUC under the
    null and the alternative for :math:`n` cases and :math:`\\kappa n` controls, the smallest
    :math:`n` with

    .. math:: z_{\\alpha}\\,\\mathrm{SE}_0(n) + z_{\\beta}\\,\\mathrm{SE}_1(n)
              \\le |A_1 - A_0|.

    For Obuchowski's variance :math:`\\mathrm{SE}^2 = V/n` gives the closed form
    :math:`n = (z_\\alpha\\sqrt{V_0} + z_\\beta\\sqrt{V_1})^2 / (A_1 - A_0)^2`, which is
    ``pROC::power.roc.test(auc, sig.level, power, kappa)`` when ``null_auc = 0.5`` (pROC
    supports no other null). Hanley & McNeil's variance is not proportional to 1/n; the
    equation is solved numerically (Brent).

    References
    ----------
    Hanley JA, McNeil BJ (1982). Radiology 143:29-36.
    Obuchowski NA (1998). Sample size calculations in studies of test accuracy. Stat Methods
    Med Res 7:371-392.

    Examples
    --------
    >>> r = auc_sample_size(0.85, null_auc=0.75)
    >>> r.n_cases, r.n_controls
    (126, 126)
    """
    auc, null_auc, alpha, ratio, alternative, method, constants, null_variance = _check_design(
        auc, null_auc, alpha, ratio, alternative, method, constants, null_variance
    )
    power = _open_unit(power, "power")
    z_a = _z_alpha(alpha, alternative)
    z_b = float(stats.norm.ppf(power))
    delta = abs(auc - null_auc)
    null_at = null_auc if null_variance == "null" else auc
    if method == "obuchowski":
        v0 = _obuchowski_v(null_at, ratio, constants)
        v1 = _obuchowski_v(auc, ratio, constants)
        n_exact = (z_a * math.sqrt(v0) + z_b * math.sqrt(v1)) ** 2 / delta**2
    else:

        def gap(n: float) -> float:
            se0 = math.sqrt(_hm_variance(null_at, n, ratio * n))
            se1 = math.sqrt(_hm_variance(auc, n, ratio * n))
            return delta - z_a * se0 - z_b * se1

        n_exact = _solve_n(gap, max(1.0, 1.0 / ratio))
    n_cases = _ceil(n_exact)
    n_controls = _ceil(ratio * n_exact)
    achieved, se0, se1 = _power_at(
        auc,
        null_auc,
        n_cases,
        n_controls / n_cases,
        alpha,
        alternative,
        method,
        constants,
        null_variance,
    )
    return AucSampleSize(
        method=method,
        constants=constants,
        alternative=alternative,
        null_variance=null_variance,
        auc=auc,
        null_auc=null_auc,
        alpha=alpha,
        power=power,
        ratio=ratio,
        n_cases_exact=float(n_exact),
        n_controls_exact=float(ratio * n_exact),
        n_cases=n_cases,
        n_controls=n_controls,
        n_total=n_cases + n_controls,
        se_null=se0,
        se_alternative=se1,
        achieved_power=achieved,
    )


def auc_power(
    auc: float,
    *,
    n_cases: float,
    n_controls: float,
    null_auc: float = 0.5,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    method: str = "obuchowski",
    constants: str = "published",
    null_variance: str = "null",
) -> float:
    """Power of the test of an AUC against a null value, for given group sizes.

    Parameters
    ----------
    auc : float
        The true AUC.
    n_cases, n_controls : float
        Group sizes.
    null_auc, alpha, alternative, method, constants, null_variance
        As in :func:`auc_sample_size`.

    Returns
    -------
    float
        :math:`\\Phi\\big((|A_1 - A_0| - z_\\alpha \\mathrm{SE}_0) / \\mathrm{SE}_1\\big)`.

    Notes
    -----
    The inverse of :func:`auc_sample_size`; with Obuchowski's variance and ``null_auc = 0.5``
    it equals ``pROC::power.roc.test(auc, ncases, ncontrols, sig.level)$power``.

    References
    ----------
    Obuchowski NA (1998). Stat Methods Med Res 7:371-392.

    Examples
    --------
    >>> round(auc_power(0.85, n_cases=126, n_controls=126, null_auc=0.75), 3)
    0.901
    """
    auc, null_auc, alpha, _, alternative, method, constants, null_variance = _check_design(
        auc, null_auc, alpha, 1.0, alternative, method, constants, null_variance
    )
    n_cases = _positive(n_cases, "n_cases")
    n_controls = _positive(n_controls, "n_controls")
    power, _, _ = _power_at(
        auc,
        null_auc,
        n_cases,
        n_controls / n_cases,
        alpha,
        alternative,
        method,
        constants,
        null_variance,
    )
    return power


def power_curve(
    aucs: Sequence[float],
    n_per_group: Sequence[int],
    *,
    null_auc: float = 0.5,
    alpha: float = 0.05,
    ratio: float = 1.0,
    alternative: str = "two-sided",
    method: str = "obuchowski",
    constants: str = "published",
    null_variance: str = "null",
) -> pd.DataFrame:
    """Power against group size for several true AUCs, as a tidy table for plotting.

    Parameters
    ----------
    aucs : sequence of float
        True AUCs under the alternative; each must differ from ``null_auc``.
    n_per_group : sequence of int
        Numbers of cases; controls are ``ratio * n_cases``.
    null_auc, alpha, alternative, method, constants, null_variance
        As in :func:`auc_sample_size`.
    ratio : float, default 1.0
        ``n_controls / n_cases``.

    Returns
    -------
    pandas.DataFrame
        One row per AUC and group size: ``auc``, ``null_auc``, ``n_cases``, ``n_controls``,
        ``power``, ``method``, ``alternative``, ``alpha``.

    Notes
    -----
    Each row is :func:`auc_power` (the normal approximation
    :math:`\\Phi\\big((|A_1 - A_0| - z_\\alpha \\mathrm{SE}_0) / \\mathrm{SE}_1\\big)`).

    References
    ----------
    Obuchowski NA (1998). Sample size calculations in studies of test accuracy. Stat Methods
    Med Res 7:371-392.

    Examples
    --------
    >>> t = power_curve([0.85], [126], null_auc=0.75)
    >>> round(float(t.loc[0, "power"]), 3)
    0.901
    """
    ratio = _positive(ratio, "ratio")
    auc_values = [_open_unit(a, "aucs") for a in aucs]
    sizes = [_positive(n, "n_per_group") for n in n_per_group]
    if not auc_values or not sizes:
        raise ValueError("aucs and n_per_group must each hold at least one value")
    rows = []
    for auc in auc_values:
        for n in sizes:
            rows.append(
                {
                    "auc": auc,
                    "null_auc": float(null_auc),
                    "n_cases": n,
                    "n_controls": ratio * n,
                    "power": auc_power(
                        auc,
                        n_cases=n,
                        n_controls=ratio * n,
                        null_auc=null_auc,
                        alpha=alpha,
                        alternative=alternative,
                        method=method,
                        constants=constants,
                        null_variance=null_variance,
                    ),
                    "method": method,
                    "alternative": alternative,
                    "alpha": float(alpha),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Precision of the AUC: confidence-interval width
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AucCiSampleSize:
    """Participants needed for a confidence interval of the AUC no wider than a target.

    Attributes
    ----------
    method, constants : str
        Variance formula.
    auc, width, confidence_level, ratio : float
        The inputs; ``width`` is the full width of the two-sided interval.
    n_cases_exact, n_controls_exact : float
        Real-valued solution.
    n_cases, n_controls, n_total : int
        Rounded up.
    achieved_width : float
        Width at the rounded sizes.
    """

    method: str
    constants: str
    auc: float
    width: float
    confidence_level: float
    ratio: float
    n_cases_exact: float
    n_controls_exact: float
    n_cases: int
    n_controls: int
    n_total: int
    achieved_width: float


def auc_ci_sample_size(
    auc: float,
    *,
    width: float,
    confidence_level: float = 0.95,
    ratio: float = 1.0,
    method: str = "hanley_mcneil",
    constants: str = "published",
) -> AucCiSampleSize:
    """Participants needed to estimate an AUC with a confidence interval of a given width.

    Parameters
    ----------
    auc : float
        The expected AUC.
    width : float
        Full width of the two-sided interval (``0.10`` for +/- 0.05).
    confidence_level : float, default 0.95
        Confidence level of the interval.
    ratio : float, default 1.0
        ``n_controls / n_cases``.
    method, constants
        As in :func:`auc_variance`.

    Returns
    -------
    AucCiSampleSize

    Notes
    -----
    The smallest :math:`n` with :math:`2 z_{1-\\alpha/2}\\,\\mathrm{SE}(n) \\le W`, where
    :math:`1 - \\alpha` is the confidence level; closed form
    :math:`n = (2 z_{1-\\alpha/2})^2 V / W^2` for Obuchowski's variance, numerical for Hanley &
    McNeil's.

    References
    ----------
    Hanley JA, McNeil BJ (1982). Radiology 143:29-36.
    Obuchowski NA (1998). Stat Methods Med Res 7:371-392.

    Examples
    --------
    >>> auc_ci_sample_size(0.85, width=0.10).n_cases
    117
    """
    auc = _open_unit(auc, "auc")
    width = _number(width, "width")
    if not 0 < width < 1:
        raise ValueError(f"width must lie strictly between 0 and 1, got {width!r}")
    confidence_level = check_confidence_level(confidence_level)
    ratio = _positive(ratio, "ratio")
    check_choice(method, "method", METHODS)
    check_choice(constants, "constants", CONSTANTS)
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    if method == "obuchowski":
        n_exact = (2 * z) ** 2 * _obuchowski_v(auc, ratio, constants) / width**2
    else:

        def gap(n: float) -> float:
            return width - 2 * z * math.sqrt(_hm_variance(auc, n, ratio * n))

        n_exact = _solve_n(gap, max(1.0, 1.0 / ratio))
    n_cases = _ceil(n_exact)
    n_controls = _ceil(ratio * n_exact)
    achieved = 2 * z * math.sqrt(_variance(auc, n_cases, n_controls / n_cases, method, constants))
    return AucCiSampleSize(
        method=method,
        constants=constants,
        auc=auc,
        width=width,
        confidence_level=confidence_level,
        ratio=ratio,
        n_cases_exact=float(n_exact),
        n_controls_exact=float(ratio * n_exact),
        n_cases=n_cases,
        n_controls=n_controls,
        n_total=n_cases + n_controls,
        achieved_width=float(achieved),
    )


# ---------------------------------------------------------------------------------------------
# Sensitivity and specificity: Buderer (1996)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BudererSampleSize:
    """Buderer's sample size for estimating sensitivity and specificity with given precision.

    Attributes
    ----------
    sensitivity, specificity, prevalence, precision, confidence_level : float
        The inputs; ``precision`` is the half-width of the CI.
    n_cases_exact, n_controls_exact : float
        ``z^2 Se (1 - Se) / d^2`` and ``z^2 Sp (1 - Sp) / d^2``.
    n_cases, n_controls : int
        Rounded up: participants with and without the condition needed.
    n_total_sensitivity, n_total_specificity : int
        Participants to recruit (at the given prevalence) to obtain enough cases, or controls.
    n_total : int
        The larger of the two.
    """

    sensitivity: float
    specificity: float
    prevalence: float
    precision: float
    confidence_level: float
    n_cases_exact: float
    n_controls_exact: float
    n_cases: int
    n_controls: int
    n_total_sensitivity: int
    n_total_specificity: int
    n_total: int


def buderer_sample_size(
    *,
    sensitivity: float,
    specificity: float,
    prevalence: float,
    precision: float,
    confidence_level: float = 0.95,
) -> BudererSampleSize:
    """Participants needed to estimate sensitivity and specificity within +/- ``precision``.

    Parameters
    ----------
    sensitivity, specificity : float
        Expected values.
    prevalence : float
        Share of recruited participants with the condition (0.5 in a 1:1 case-control design).
    precision : float
        Half-width ``d`` of the two-sided Wald interval.
    confidence_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    BudererSampleSize

    Notes
    -----
    .. math:: n_{cases} = \\frac{z^2\\,Se(1-Se)}{d^2},\\quad
              N_{Se} = \\frac{n_{cases}}{P},\\qquad
              n_{controls} = \\frac{z^2\\,Sp(1-Sp)}{d^2},\\quad
              N_{Sp} = \\frac{n_{controls}}{1-P},

    with :math:`z = z_{1-\\alpha/2}` for confidence level :math:`1 - \\alpha`; each is rounded
    up, and :math:`N = \\max(N_{Se}, N_{Sp})`.

    References
    ----------
    Buderer NM (1996). Statistical methodology: I. Incorporating the prevalence of disease into
    the sample size calculation for sensitivity and specificity. Acad Emerg Med 3:895-900.

    Examples
    --------
    >>> r = buderer_sample_size(sensitivity=0.9, specificity=0.85, prevalence=0.5, precision=0.05)
    >>> r.n_cases, r.n_controls, r.n_total
    (139, 196, 392)
    """
    se = _open_unit(sensitivity, "sensitivity")
    sp = _open_unit(specificity, "specificity")
    prev = _open_unit(prevalence, "prevalence")
    d = _open_unit(precision, "precision")
    confidence_level = check_confidence_level(confidence_level)
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    n1 = z**2 * se * (1 - se) / d**2
    n0 = z**2 * sp * (1 - sp) / d**2
    total_se = _ceil(n1 / prev)
    total_sp = _ceil(n0 / (1 - prev))
    return BudererSampleSize(
        sensitivity=se,
        specificity=sp,
        prevalence=prev,
        precision=d,
        confidence_level=confidence_level,
        n_cases_exact=float(n1),
        n_controls_exact=float(n0),
        n_cases=_ceil(n1),
        n_controls=_ceil(n0),
        n_total_sensitivity=total_se,
        n_total_specificity=total_sp,
        n_total=max(total_se, total_sp),
    )


# ---------------------------------------------------------------------------------------------
# Reconstructing a published sample size
# ---------------------------------------------------------------------------------------------
def sample_size_candidates(
    auc: float,
    *,
    alpha: float = 0.05,
    power: float = 0.90,
    null_aucs: Sequence[float] = (0.5, 0.7, 0.75),
    alternatives: Sequence[str] = ALTERNATIVES,
    methods: Sequence[str] = METHODS,
    ratios: Sequence[float] = (1.0, 0.5, 2.0),
    null_variances: Sequence[str] = NULL_VARIANCES,
    constants: str = "published",
    target: int | None = None,
) -> pd.DataFrame:
    """Participants per group under every combination of candidate assumptions.

    A paper that writes "AUC 0.85, alpha 0.05, beta 0.10, 138 per group" leaves the null AUC,
    the sidedness, the variance formula and the ratio of groups unstated. This tabulates them
    all so that a reader can see which, if any, give the published number. Nothing is tuned.

    Parameters
    ----------
    auc : float
        The expected AUC.
    alpha : float, default 0.05
        Type I error.
    power : float, default 0.90
        One minus beta.
    null_aucs, alternatives, methods, ratios, null_variances : sequences
        The candidate values of each assumption (see :func:`auc_sample_size`).
    constants : {"published", "exact"}, default "published"
        Obuchowski's constants.
    target : int, optional
        A published size per group; adds ``matches_target`` (both groups equal it: "n per
        group" read literally), ``matches_either`` (one group equals it, a loose reading that
        only differs when ``ratio != 1``) and ``abs_difference`` (the larger of the two groups'
        distances to it).

    Returns
    -------
    pandas.DataFrame
        One row per combination: ``method``, ``null_auc``, ``alternative``, ``ratio``,
        ``null_variance``, ``n_cases_exact``, ``n_controls_exact``, ``n_cases``, ``n_controls``,
        ``n_total``, ``achieved_power`` (plus ``matches_target``, ``matches_either``,
        ``abs_difference``).

    Notes
    -----
    Each row is :func:`auc_sample_size` with those assumptions.

    References
    ----------
    Hanley JA, McNeil BJ (1982). Radiology 143:29-36.
    Obuchowski NA (1998). Stat Methods Med Res 7:371-392.

    Examples
    --------
    >>> t = sample_size_candidates(0.85, null_aucs=[0.75], alternatives=["two-sided"],
    ...                            methods=["obuchowski"], ratios=[1.0], null_variances=["null"])
    >>> int(t.loc[0, "n_cases"])
    126
    """
    keep = [
        "method",
        "null_auc",
        "alternative",
        "ratio",
        "null_variance",
        "n_cases_exact",
        "n_controls_exact",
        "n_cases",
        "n_controls",
        "n_total",
        "achieved_power",
    ]
    rows = []
    for method in methods:
        for null_auc in null_aucs:
            for alternative in alternatives:
                for ratio in ratios:
                    for null_variance in null_variances:
                        r = auc_sample_size(
                            auc,
                            null_auc=null_auc,
                            alpha=alpha,
                            power=power,
                            alternative=alternative,
                            ratio=ratio,
                            method=method,
                            constants=constants,
                            null_variance=null_variance,
                        )
                        rows.append({k: v for k, v in asdict(r).items() if k in keep})
    out = pd.DataFrame(rows, columns=keep)
    if target is not None:
        target_n = _positive(target, "target")
        hit_cases = out["n_cases"] == target_n
        hit_controls = out["n_controls"] == target_n
        out["matches_target"] = hit_cases & hit_controls
        out["matches_either"] = hit_cases | hit_controls
        out["abs_difference"] = np.maximum(
            (out["n_cases"] - target_n).abs(), (out["n_controls"] - target_n).abs()
        )
    return out


# ---------------------------------------------------------------------------------------------
# Simulated power
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BinormalSampler:
    """Draw simulated studies from a binormal model with a given AUC.

    Controls are N(0, sd_ratio^2), cases N(mu, 1) with mu chosen so that the AUC is ``auc``:
    ``mu = Phi^-1(auc) * sqrt(1 + sd_ratio^2)``. Calling it with
    ``(rng, n_cases, n_controls, size)`` returns two arrays of shapes ``(size, n_cases)`` and
    ``(size, n_controls)``; that is the protocol :func:`simulated_auc_power` expects of any
    sampler (for example one built from the cohort model).

    Examples
    --------
    >>> import numpy as np
    >>> cases, controls = BinormalSampler(0.85)(np.random.default_rng(1), 5, 7, 3)
    >>> cases.shape, controls.shape
    ((3, 5), (3, 7))
    """

    auc: float
    sd_ratio: float = 1.0

    def __post_init__(self):
        _open_unit(self.auc, "auc")
        _positive(self.sd_ratio, "sd_ratio")

    def __call__(self, rng: np.random.Generator, n_cases: int, n_controls: int, size: int):
        mu = stats.norm.ppf(self.auc) * math.sqrt(1 + self.sd_ratio**2)
        cases = rng.normal(mu, 1.0, size=(size, n_cases))
        controls = rng.normal(0.0, self.sd_ratio, size=(size, n_controls))
        return cases, controls


@dataclass(frozen=True)
class SimulatedPower:
    """Share of simulated studies in which the AUC test rejects the null.

    Attributes
    ----------
    power : float
        Rejection rate (the ``estimate`` of :class:`ShareEstimate`).
    se : float
        Its Monte Carlo standard error, ``sqrt(power (1 - power) / n_sim)``.
    ci_low, ci_high : float
        Wilson interval of the rejection rate (:func:`monte_carlo_share`).
    confidence_level : float
        Level of that interval (0.95).
    n_sim, n_rejections, n_cases, n_controls : int
        Simulation size and design.
    null_auc, alpha : float
        The test.
    alternative : str
        ``"two-sided"`` or ``"one-sided"`` (AUC greater than ``null_auc``).
    mean_auc, sd_auc, mean_se : float
        Mean and SD of the simulated AUCs and the mean DeLong SE (compare ``sd_auc``).
    """

    power: float
    se: float
    ci_low: float
    ci_high: float
    confidence_level: float
    n_sim: int
    n_rejections: int
    n_cases: int
    n_controls: int
    null_auc: float
    alpha: float
    alternative: str
    mean_auc: float
    sd_auc: float
    mean_se: float


def _delong_batch(cases: np.ndarray, controls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUC and DeLong SE of each row (one simulated study per row): :func:`roc.placements`."""
    truth = np.r_[np.ones(cases.shape[1]), np.zeros(controls.shape[1])]
    batch = roc.placements(truth, np.concatenate([cases, controls], axis=1))
    return batch.auc, batch.se()


def simulated_auc_power(
    *,
    n_cases: int,
    n_controls: int,
    sampler: Callable,
    null_auc: float = 0.5,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    n_sim: int = 2000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> SimulatedPower:
    """The power a design actually has, by simulating studies and testing each AUC.

    Parameters
    ----------
    n_cases, n_controls : int
        Design, at least 2 per group.
    sampler : callable
        ``sampler(rng, n_cases, n_controls, size) -> (cases, controls)`` with arrays of shape
        ``(size, n_cases)`` and ``(size, n_controls)`` of marker values (higher = case), for
        example :class:`BinormalSampler` or one built from the cohort model.
    null_auc : float, default 0.5
        AUC under the null.
    alpha : float, default 0.05
        Type I error.
    alternative : {"two-sided", "one-sided"}, default "two-sided"
        One-sided rejects when the AUC is significantly above ``null_auc``.
    n_sim : int, default 2000
        Number of simulated studies.
    seed : int, Generator or SeedSequence, optional
        Source of randomness (``numpy.random.default_rng(seed)``); same seed, same result.

    Returns
    -------
    SimulatedPower

    Notes
    -----
    Each study's AUC is tested with the Wald statistic :math:`z = (\\hat A - A_0) / SE_{DeLong}`
    (DeLong et al. 1988), the analysis the study would run; two-sided tests count both tails.
    Studies are drawn in fixed blocks of 1000, so the result depends only on the seed.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL (1988). Comparing the areas under two or more
    correlated receiver operating characteristic curves. Biometrics 44:837-845.
    Obuchowski NA (1998). Stat Methods Med Res 7:371-392.

    Examples
    --------
    >>> r = simulated_auc_power(n_cases=30, n_controls=30, sampler=BinormalSampler(0.75),
    ...                         n_sim=500, seed=1)
    >>> 0.8 < r.power <= 1
    True
    """
    for name, value in (
        ("n_cases", n_cases),
        ("n_controls", n_controls),
        ("n_sim", n_sim),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {value!r}")
    if n_cases < 2 or n_controls < 2:
        raise ValueError(
            f"n_cases and n_controls must be at least 2, got {n_cases} and {n_controls}"
        )
    if n_sim < 1:
        raise ValueError(f"n_sim must be positive, got {n_sim}")
    if not callable(sampler):
        raise TypeError(f"sampler must be callable, got {type(sampler).__name__}")
    null_auc = _open_unit(null_auc, "null_auc")
    alpha = _open_unit(alpha, "alpha")
    check_choice(alternative, "alternative", ALTERNATIVES)
    rng = np.random.default_rng(seed)
    z_crit = _z_alpha(alpha, alternative)
    block = 1000
    aucs, ses = [], []
    done = 0
    while done < n_sim:
        size = min(block, n_sim - done)
        drawn = sampler(rng, int(n_cases), int(n_controls), size)
        if not (isinstance(drawn, tuple) and len(drawn) == 2):
            raise TypeError("sampler must return a tuple (cases, controls)")
        cases, controls = (np.asarray(a, dtype=float) for a in drawn)
        if cases.shape != (size, n_cases) or controls.shape != (size, n_controls):
            raise ValueError(
                f"sampler returned shapes {cases.shape} and {controls.shape}; expected "
                f"{(size, n_cases)} and {(size, n_controls)}"
            )
        if not (np.all(np.isfinite(cases)) and np.all(np.isfinite(controls))):
            raise ValueError("sampler returned non-finite marker values")
        a, s = _delong_batch(cases, controls)
        aucs.append(a)
        ses.append(s)
        done += size
    auc_values = np.concatenate(aucs)
    se_values = np.concatenate(ses)
    diff = auc_values - null_auc
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se_values > 0, diff / se_values, np.sign(diff) * np.inf)
    reject = np.abs(z) > z_crit if alternative == "two-sided" else z > z_crit
    share = monte_carlo_share(np.asarray(reject))
    return SimulatedPower(
        power=share.estimate,
        se=share.se,
        ci_low=share.ci_low,
        ci_high=share.ci_high,
        confidence_level=share.confidence_level,
        n_sim=int(n_sim),
        n_rejections=share.count,
        n_cases=int(n_cases),
        n_controls=int(n_controls),
        null_auc=null_auc,
        alpha=alpha,
        alternative=alternative,
        mean_auc=float(auc_values.mean()),
        sd_auc=float(auc_values.std(ddof=1)) if n_sim > 1 else float("nan"),
        mean_se=float(se_values.mean()),
    )


# ---------------------------------------------------------------------------------------------
# Simulated power of the paired DeLong test
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShareEstimate:
    """A share of simulated (or replicate) studies with its Monte Carlo uncertainty.

    Attributes
    ----------
    estimate : float
        Proportion of studies where the event happened (e.g. the test rejected).
    se : float
        Monte Carlo standard error, ``sqrt(estimate (1 - estimate) / n)``.
    ci_low, ci_high : float
        Wilson score interval of the share (Monte Carlo uncertainty only).
    confidence_level : float
        Level of that interval.
    count, n : int
        Studies where the event happened, and studies in all.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    confidence_level: float
    count: int
    n: int


def monte_carlo_share(event, *, confidence_level: float = 0.95) -> ShareEstimate:
    """Share of simulated studies where ``event`` is True, with its Monte Carlo error.

    The one implementation of every simulated power, rejection rate or "how often" share:
    :func:`simulated_auc_power` and :func:`binormal_delong_power` use it, and so can any share
    of simulated replicate studies.

    Parameters
    ----------
    event : array_like of bool
        One value per simulated study. A float array is refused (NaN would be counted as
        False): drop missing results first and pass a boolean array.
    confidence_level : float, default 0.95
        Level of the Wilson score interval.

    Returns
    -------
    ShareEstimate

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat
    Assoc 1927;22:209-212.
    Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
    methods. Stat Med 1998;17:857-872.

    Examples
    --------
    >>> res = monte_carlo_share([True, False, True, True])
    >>> res.estimate, res.count, res.n
    (0.75, 3, 4)
    """
    x = np.asarray(event)
    if x.dtype != bool:
        raise TypeError(f"event must be a boolean array, got dtype {x.dtype}")
    n = int(x.size)
    if n == 0:
        raise ValueError("event is empty")
    confidence_level = check_confidence_level(confidence_level)
    count = int(x.sum())
    share = count / n
    ci_low, ci_high = proportion_confint(count, n, alpha=1 - confidence_level, method="wilson")
    return ShareEstimate(
        estimate=share,
        se=math.sqrt(share * (1 - share) / n),
        ci_low=max(0.0, float(ci_low)),
        ci_high=min(1.0, float(ci_high)),
        confidence_level=confidence_level,
        count=count,
        n=n,
    )


def binormal_delong_power(
    auc1: float,
    auc2: float,
    correlation: float,
    *,
    n_cases: int,
    n_controls: int,
    alpha: float = 0.05,
    n_sim: int = 2000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 0,
) -> ShareEstimate:
    """Simulated power of the paired DeLong test for two given AUCs (binormal model).

    Both markers are normal with unit variance in each group; marker j is shifted by
    ``sqrt(2) * Phi^-1(auc_j)`` in the cases, so that its AUC is ``auc_j``, and the two
    markers have correlation ``correlation`` within each group. The paired DeLong test
    (two-sided, :func:`microcalc.stats.roc.delong_test` on the stack of studies) is run on each
    of ``n_sim`` simulated studies, all at once.

    Parameters
    ----------
    auc1, auc2 : float
        AUCs of the two markers, in (0.5, 1).
    correlation : float
        Within-group correlation of the two markers, in (-1, 1).
    n_cases, n_controls : int
        Design, at least 2 per group.
    alpha : float, default 0.05
        Significance level of the test.
    n_sim : int, default 2000
        Number of simulated studies.
    seed : int, Generator or SeedSequence, default 0
        Source of randomness (``numpy.random.default_rng(seed)``); same seed, same result.

    Returns
    -------
    ShareEstimate
        Share of simulated studies with p < alpha, with its Monte Carlo standard error and
        Wilson 95% interval.

    Notes
    -----
    A model of two *fixed* markers. A combined score that is a logistic model fitted on the
    same participants has an optimistic AUC; this ignores that, so it shows how the power
    depends on the AUCs and their correlation rather than reproducing a given study.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Obuchowski NA (1998). Stat Methods Med Res 7:371-392.

    Examples
    --------
    >>> res = binormal_delong_power(0.95, 0.95, 0.8, n_cases=150, n_controls=150, n_sim=400,
    ...                             seed=1)
    >>> res.estimate < 0.15
    True
    """
    for name, value in (("auc1", auc1), ("auc2", auc2)):
        if not (isinstance(value, (int, float)) and 0.5 < value < 1):
            raise ValueError(f"{name} must lie in (0.5, 1), got {value!r}")
    if not (isinstance(correlation, (int, float)) and -1 < correlation < 1):
        raise ValueError(f"correlation must lie in (-1, 1), got {correlation!r}")
    for name, value in (("n_cases", n_cases), ("n_controls", n_controls), ("n_sim", n_sim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
            raise ValueError(f"{name} must be an integer of at least 2, got {value!r}")
    alpha = _open_unit(alpha, "alpha")
    rng = np.random.default_rng(seed)
    n = n_cases + n_controls
    y = np.repeat([1, 0], [n_cases, n_controls])
    shift = math.sqrt(2) * stats.norm.ppf([auc1, auc2])
    a = rng.standard_normal((n_sim, n))
    b = correlation * a + math.sqrt(1 - correlation**2) * rng.standard_normal((n_sim, n))
    test = roc.delong_test(y, a + shift[0] * y, b + shift[1] * y)
    return monte_carlo_share(np.asarray(test.p_value < alpha))
