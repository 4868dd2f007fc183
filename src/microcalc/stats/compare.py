"""Group comparisons (continuous and categorical), Spearman correlations, normality checks.

Many clinical papers compare continuous variables with Student's t-test or the Mann-Whitney U
test "as appropriate after testing for normality using the Kolmogorov-Smirnov test", and
categorical variables with the chi-square or Fisher's exact test. This module makes each of
those choices explicit: every result says which test was run and why.

Every function takes a table (one row per observation) and the names of its columns, and names
the column, the row and the value when an input is wrong. Values are cross-checked against base R in ``tests/reference/compare_logistic.R``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.stats.diagnostic import lilliefors

from microcalc.stats._validation import (
    as_finite_array,
    category_column,
    check_choice,
    check_column,
    check_confidence_level,
    check_table,
    numeric_column,
)

__all__ = [
    "CategoricalComparison",
    "ContinuousComparison",
    "CorrelationResult",
    "NormalityResult",
    "SummaryTTest",
    "categorical_test_variants",
    "compare_categorical",
    "compare_continuous",
    "format_p_value",
    "hodges_lehmann_shift",
    "normality_test",
    "p_value_verdict",
    "spearman_correlation",
    "spearman_rho",
    "summary_table",
    "ttest_from_summary",
]

_FISHER_TABLE_LIMIT = 5_000_000  # tables enumerated before the exact test gives way to Monte Carlo
_FISHER_REL_ERR = 1 + 1e-7  # the same tolerance as R's fisher.test when comparing probabilities


def _sort_levels(values: np.ndarray) -> list:
    levels = list(pd.unique(values))
    try:
        return sorted(levels)
    except TypeError:
        return sorted(levels, key=str)


def _group_levels(data: pd.DataFrame, group: str) -> tuple[np.ndarray, list]:
    """Group values and their display order: 1 before 0 for a 0/1 column, else sorted."""
    values = category_column(data, group)
    levels = _sort_levels(values)
    if len(levels) < 2:
        raise ValueError(
            f"column {group!r} must hold at least two groups; every row holds {levels[0]!r}"
        )
    numeric = all(isinstance(v, (int, float, np.integer, np.floating)) for v in levels)
    if numeric and {float(v) for v in levels} == {0.0, 1.0}:
        levels = sorted(levels, reverse=True)
    return values, levels


def _group_labels(group: str, levels: list, group_labels: Mapping | None) -> list[str]:
    if group_labels is not None:
        missing = [lv for lv in levels if lv not in group_labels]
        if missing:
            raise ValueError(f"group_labels has no label for group value {missing[0]!r}")
        labels = [str(group_labels[lv]) for lv in levels]
    else:
        labels = [str(v) if str(v).isidentifier() else f"{group}_{v}" for v in levels]
    for label in labels:
        if not label.isidentifier():
            raise ValueError(f"group label {label!r} is not a valid column name")
    if len(set(labels)) != len(labels):
        raise ValueError(f"group labels must be distinct, got {labels}")
    return labels


def _check_alpha(alpha) -> float:
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number between 0 and 1, got {alpha!r}")
    return float(alpha)


def format_p_value(p: float, *, digits: int = 3) -> str:
    """Format a p-value for a publication table.

    Parameters
    ----------
    p : float
        The p-value; NaN gives an empty string.
    digits : int, default 3
        Decimal places; values below ``10**-digits`` print as ``"< 0.001"``.

    Returns
    -------
    str

    References
    ----------
    Lang TA, Altman DG. Basic statistical reporting for articles published in biomedical
    journals: the "Statistical Analyses and Methods in the Published Literature" or the SAMPL
    Guidelines. Int J Nurs Stud. 2015;52:5-9.

    Examples
    --------
    >>> format_p_value(0.0421)
    '0.042'
    >>> format_p_value(2e-9)
    '< 0.001'
    """
    if p is None or not np.isfinite(p):
        return ""
    floor = 10.0**-digits
    if p < floor:
        return f"< {floor:.{digits}f}"
    return f"{p:.{digits}f}"


# --------------------------------------------------------------------------- normality
@dataclass(frozen=True)
class NormalityResult:
    """Lilliefors test of normality for one sample.

    Attributes
    ----------
    n : int
    statistic : float
        The Kolmogorov-Smirnov distance D with mean and SD estimated from the sample.
    p_value : float
        statsmodels' tabulated Lilliefors p-value; NaN when the test cannot be run.
    normal : bool
        False when ``p_value < alpha`` or the test cannot be run.
    method : str
        ``"lilliefors"``.
    reason : str
        One sentence saying what was found.
    """

    n: int
    statistic: float
    p_value: float
    normal: bool
    method: str
    reason: str


def normality_test(values, *, alpha: float = 0.05, name: str = "values") -> NormalityResult:
    """Lilliefors (Kolmogorov-Smirnov with estimated mean and SD) test of normality.

    Parameters
    ----------
    values : array-like
        One group's measurements (finite numbers).
    alpha : float, default 0.05
        Normality is rejected when the p-value is below ``alpha``.
    name : str, default "values"
        Used in error messages and in ``reason``.

    Returns
    -------
    NormalityResult

    Notes
    -----
    The statistic is :math:`D = \\sup_x |F_n(x) - \\Phi((x - \\bar x)/s)|`. A plain one-sample
    Kolmogorov-Smirnov test (``scipy.stats.kstest(x, "norm", args=(mean, sd))``) refers D to the
    Kolmogorov distribution, which assumes the normal's mean and SD were fixed *before* seeing the
    data. Estimating them from the same sample pulls the fitted CDF towards the data, so D is
    systematically smaller and the plain KS p-value is far too large (the test almost never
    rejects). Lilliefors (1967) tabulated the null distribution of D with estimated parameters;
    statsmodels' :func:`~statsmodels.stats.diagnostic.lilliefors` (``pvalmethod="table"``) uses
    that table with the Dallal-Wilkinson (1986) approximation. SPSS's "Kolmogorov-Smirnov" test
    with the Lilliefors correction, the test most clinical papers mean by "Kolmogorov-Smirnov",
    is the same test.

    Fewer than 4 values, or values without variation, cannot be tested; they are reported as not
    shown to be normal, so that ``compare_continuous`` falls back to a rank test.

    References
    ----------
    Lilliefors HW. On the Kolmogorov-Smirnov test for normality with mean and variance unknown.
    J Am Stat Assoc. 1967;62:399-402.
    Dallal GE, Wilkinson L. An analytic approximation to the distribution of Lilliefors's test
    statistic for normality. Am Stat. 1986;40:294-296.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(50, 10, size=200)
    >>> normality_test(x).normal
    True
    """
    alpha = _check_alpha(alpha)
    x = _finite(values, name)
    n = x.size
    if n < 4:
        return NormalityResult(
            n, math.nan, math.nan, False, "lilliefors", f"{name}: {n} values, too few to test"
        )
    if np.ptp(x) == 0:
        return NormalityResult(
            n, math.nan, math.nan, False, "lilliefors", f"{name}: all values are equal"
        )
    statistic, p_value = lilliefors(x, dist="norm", pvalmethod="table")
    statistic, p_value = float(statistic), float(p_value)
    normal = bool(p_value >= alpha)
    verdict = "consistent with normality" if normal else "normality rejected"
    reason = f"{name}: Lilliefors D = {statistic:.3f}, p = {p_value:.3g} ({verdict})"
    return NormalityResult(n, statistic, p_value, normal, "lilliefors", reason)


def _finite(values, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must hold numbers only ({error})") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional array")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{name} holds {array[bad[0]]!r} at position {int(bad[0])}")
    return array


# --------------------------------------------------------------------------- continuous
@dataclass(frozen=True, eq=False)
class ContinuousComparison:
    """Comparison of one continuous variable between groups.

    Attributes
    ----------
    variable, group : str
        The compared column and the grouping column.
    method : str
        ``"student_t"``, ``"welch_t"``, ``"mann_whitney"`` (two groups) or ``"anova"``,
        ``"welch_anova"``, ``"kruskal_wallis"`` (three or more).
    reason : str
        Why this test was chosen.
    statistic, df, df2, p_value : float
        Test statistic (t, U of the first group, F or H), its degrees of freedom (``df2`` is the
        denominator df of an F test, else NaN; ``df`` is NaN for Mann-Whitney) and the two-sided
        p-value.
    estimate : float
        Two groups: the difference in means (t-tests) or the Hodges-Lehmann shift, the median of all
        pairwise differences (Mann-Whitney), first group minus second. NaN for three or more.
    estimand : str
        ``"mean_difference"``, ``"hodges_lehmann_shift"`` or ``""``.
    ci_low, ci_high : float
        Confidence interval of the mean difference (t-tests only, else NaN).
    confidence_level : float
        Its confidence level.
    variance_statistic, variance_p_value : float
        Brown-Forsythe test of equal variances (Levene's test centred on the median).
    groups : pandas.DataFrame
        One row per group: ``level``, ``label``, ``n``, ``mean``, ``sd``, ``median``, ``q1``,
        ``q3``, ``normality_statistic``, ``normality_p_value``, ``normal``.
    """

    variable: str
    group: str
    method: str
    reason: str
    statistic: float
    df: float
    df2: float
    p_value: float
    estimate: float
    estimand: str
    ci_low: float
    ci_high: float
    confidence_level: float
    variance_statistic: float
    variance_p_value: float
    groups: pd.DataFrame


def _prefix_ends(x, w, lo, hi, pivot: float, strict: bool) -> np.ndarray:
    """Per row ``i``: the end of the columns ``j`` in ``[lo_i, hi_i)`` with ``x_i + w_j`` below
    ``pivot`` (``strict``) or at most ``pivot``.

    ``x_i + w_j`` is evaluated in floating point exactly as the brute force does, so the count
    is exact: rounding is monotone, hence each row of sums is non-decreasing in ``j`` and the
    qualifying columns form a prefix. ``searchsorted`` on ``pivot - x_i`` gives a first guess
    that is corrected by whole blocks of tied ``w`` values.
    """
    pos = np.searchsorted(w, pivot - x, side="left" if strict else "right")
    np.clip(pos, lo, hi, out=pos)

    def qualifies(sums):
        return sums < pivot if strict else sums <= pivot

    while True:  # the guess is too low where the sum at ``pos`` still qualifies
        rows = np.flatnonzero(pos < hi)
        rows = rows[qualifies(x[rows] + w[pos[rows]])]
        if rows.size == 0:
            break
        pos[rows] = np.minimum(np.searchsorted(w, w[pos[rows]], side="right"), hi[rows])
    while True:  # the guess is too high where the sum before ``pos`` does not qualify
        rows = np.flatnonzero(pos > lo)
        rows = rows[~qualifies(x[rows] + w[pos[rows] - 1])]
        if rows.size == 0:
            break
        pos[rows] = np.maximum(np.searchsorted(w, w[pos[rows] - 1], side="left"), lo[rows])
    return pos


def _select_sum(x: np.ndarray, w: np.ndarray, rank: int) -> float:
    """The ``rank``-th smallest (from 0) of all ``x_i + w_j``; ``x`` and ``w`` sorted ascending.

    Row ``i`` of the implicit matrix ``x_i + w_j`` is sorted, and so is every column. Each row
    keeps a window ``[lo_i, hi_i)`` of candidate columns; the pivot is the weighted median of
    the rows' middle candidates (weights: window sizes), which guarantees that a quarter of the
    candidates at least is discarded at every step (Johnson and Mizoguchi 1978). Once no more
    than ``4 (m + n)`` candidates remain they are selected directly.
    """
    m, n = x.size, w.size
    lo = np.zeros(m, dtype=np.int64)
    hi = np.full(m, n, dtype=np.int64)
    while True:
        sizes = hi - lo
        total = int(sizes.sum())
        if total <= max(4 * (m + n), 4096):
            offsets = np.cumsum(sizes) - sizes
            rows = np.repeat(np.arange(m), sizes)
            columns = np.arange(total) + np.repeat(lo - offsets, sizes)
            return float(np.partition(x[rows] + w[columns], rank)[rank])
        live = np.flatnonzero(sizes)
        middles = x[live] + w[lo[live] + sizes[live] // 2]
        order = np.argsort(middles, kind="stable")
        weights = np.cumsum(sizes[live][order])
        pivot = middles[order][int(np.searchsorted(weights, total / 2))]
        below = _prefix_ends(x, w, lo, hi, pivot, strict=True)
        upto = _prefix_ends(x, w, lo, hi, pivot, strict=False)
        n_below, n_upto = int((below - lo).sum()), int((upto - lo).sum())
        if rank < n_below:
            hi = below
        elif rank < n_upto:
            return float(pivot)
        else:
            rank -= n_upto
            lo = upto


def hodges_lehmann_shift(x, y) -> float:
    """Hodges-Lehmann shift estimate: the median of all ``m * n`` differences ``x_i - y_j``.

    Computed by exact selection in O((m + n) log(m + n)) time per step and O(m + n) memory,
    never forming the ``m * n`` differences; the result equals
    ``numpy.median(numpy.subtract.outer(x, y))`` to the last bit (the mean of the two middle
    differences when ``m * n`` is even).

    Parameters
    ----------
    x, y : array-like
        The two samples (finite numbers, at least one each).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a sample is empty or holds NaN or infinity.

    Notes
    -----
    Writing ``w = sort(-y)``, the differences are the sums ``x_i + w_j`` of a matrix whose rows
    and columns are sorted. The ``k``-th smallest sum is found by repeatedly counting, with a
    binary search per row, how many sums lie below a pivot, and narrowing each row to the
    columns that can still hold it (Monahan 1984; Johnson and Mizoguchi 1978). The estimator is
    the one of Hodges and Lehmann (1963), as R's ``wilcox.test(conf.int = TRUE)`` reports it
    (up to R's iterative root search).

    References
    ----------
    Hodges JL, Lehmann EL. Estimates of location based on rank tests. Ann Math Stat
    1963;34:598-611.
    Johnson DB, Mizoguchi T. Selecting the Kth element in X + Y and X1 + X2 + ... + Xm.
    SIAM J Comput 1978;7:147-53.
    Monahan JF. Algorithm 616: fast computation of the Hodges-Lehmann location estimator.
    ACM Trans Math Softw 1984;10:265-70.

    Examples
    --------
    >>> hodges_lehmann_shift([10.0, 12.0, 15.0], [9.0, 11.0])
    2.0
    """
    x = np.sort(as_finite_array(x, "x"))
    w = np.sort(-as_finite_array(y, "y"))
    total = x.size * w.size
    middle = (total - 1) // 2
    low = _select_sum(x, w, middle)
    if total % 2:
        return low
    # the next order statistic: ``low`` again if it is tied, else the smallest larger sum
    upto = _prefix_ends(
        x,
        w,
        np.zeros(x.size, dtype=np.int64),
        np.full(x.size, w.size, dtype=np.int64),
        low,
        strict=False,
    )
    if int(upto.sum()) > middle + 1:
        high = low
    else:
        rows = np.flatnonzero(upto < w.size)
        high = float(np.min(x[rows] + w[upto[rows]]))
    return (low + high) / 2


def _quantile7(x: np.ndarray, q: float) -> float:
    return float(np.quantile(x, q, method="linear"))


def compare_continuous(
    data: pd.DataFrame,
    variable: str,
    *,
    group: str,
    method: str = "auto",
    variance: str = "auto",
    alpha: float = 0.05,
    confidence_level: float = 0.95,
    group_labels: Mapping | None = None,
) -> ContinuousComparison:
    """Compare a continuous variable between groups, choosing the test by a stated rule.

    Parameters
    ----------
    data : pandas.DataFrame
        A table with the columns ``variable`` and ``group``.
    variable : str
        The numeric column to compare.
    group : str
        The grouping column. A 0/1 column is shown 1 first.
    method : {"auto", "t", "rank"}, default "auto"
        ``"auto"`` applies the rule below; ``"t"`` forces a t-test (or ANOVA), ``"rank"`` the
        Mann-Whitney (or Kruskal-Wallis) test.
    variance : {"auto", "equal", "unequal"}, default "auto"
        For the t-test: ``"auto"`` picks Welch when the Brown-Forsythe test rejects equal
        variances; ``"equal"`` always uses Student (what such papers name), ``"unequal"`` always
        Welch.
    alpha : float, default 0.05
        Level of the normality and variance pre-tests.
    confidence_level : float, default 0.95
        Confidence level of the mean-difference interval.
    group_labels : mapping, optional
        Display label per group value (default: the value, or ``<group>_<value>`` when the
        value is not a valid name).

    Returns
    -------
    ContinuousComparison

    Notes
    -----
    Rule for ``method="auto"``: each group is tested with the Lilliefors test
    (:func:`normality_test`). If any group rejects normality at ``alpha`` (or has fewer than 4
    values or no variation), the rank test is used: Mann-Whitney U for two groups (normal
    approximation with tie and continuity corrections, ``scipy.stats.mannwhitneyu(...,
    method="asymptotic")``, identical to R's ``wilcox.test(exact=FALSE, correct=TRUE)``; scipy's
    default ``method="auto"`` would switch to the exact null distribution for small samples
    without ties, as R's default does for n < 50), Kruskal-Wallis for three or more. Otherwise a
    t-test: Student's if the Brown-Forsythe test (``scipy.stats.levene(center="median")``) does
    not reject equal variances at ``alpha`` (or ``variance="equal"``), Welch's otherwise; for three
    or more groups the one-way ANOVA or Welch's ANOVA (R's ``oneway.test``).

    Pre-testing is what such papers describe; it is not free (the final test's error rates are
    conditional on the pre-test). With 150 observations per group the t-test is robust to
    non-normality, and Welch's test costs little when variances are equal.

    Summaries: mean and SD (n - 1 denominator); median and quartiles by linear interpolation
    (numpy's default, R's ``quantile(type=7)``).

    References
    ----------
    Welch BL. The generalization of "Student's" problem when several different population
    variances are involved. Biometrika. 1947;34:28-35.
    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat. 1947;18:50-60.
    Brown MB, Forsythe AB. Robust tests for the equality of variances. J Am Stat Assoc.
    1974;69:364-367.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> table = pd.DataFrame({"malignant": [1] * 50 + [0] * 50,
    ...                       "age_years": rng.normal(50, 10, 100)})
    >>> compare_continuous(table, "age_years", group="malignant").method
    'student_t'
    """
    data = check_table(data)
    method = check_choice(method, "method", ("auto", "t", "rank"))
    variance = check_choice(variance, "variance", ("auto", "equal", "unequal"))
    alpha = _check_alpha(alpha)
    confidence_level = check_confidence_level(confidence_level)
    values = numeric_column(data, variable)
    groups, levels = _group_levels(data, group)
    labels = _group_labels(group, levels, group_labels)
    samples = [values[groups == lv] for lv in levels]

    normality = [
        normality_test(x, alpha=alpha, name=f"{variable} in {label}")
        for x, label in zip(samples, labels, strict=True)
    ]
    rows = []
    for lv, label, x, nt in zip(levels, labels, samples, normality, strict=True):
        rows.append(
            {
                "level": lv,
                "label": label,
                "n": int(x.size),
                "mean": float(np.mean(x)),
                "sd": float(np.std(x, ddof=1)) if x.size > 1 else math.nan,
                "median": float(np.median(x)),
                "q1": _quantile7(x, 0.25),
                "q3": _quantile7(x, 0.75),
                "normality_statistic": nt.statistic,
                "normality_p_value": nt.p_value,
                "normal": nt.normal,
            }
        )
    summary = pd.DataFrame(rows)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        bf = stats.levene(*samples, center="median")
    bf_stat, bf_p = float(bf.statistic), float(bf.pvalue)

    if method == "rank":
        use_rank, reason = True, "rank test requested (method='rank')"
    elif method == "t":
        use_rank, reason = False, "t-test requested (method='t')"
    else:
        failed = [nt for nt in normality if not nt.normal]
        use_rank = bool(failed)
        if failed:
            reason = "; ".join(nt.reason for nt in failed) + f" at alpha = {alpha:g}"
        else:
            reason = f"Lilliefors does not reject normality in any group at alpha = {alpha:g}"

    two = len(samples) == 2
    estimate = ci_low = ci_high = df2 = math.nan
    estimand = ""
    if use_rank:
        if two:
            res = stats.mannwhitneyu(
                samples[0], samples[1], use_continuity=True, method="asymptotic"
            )
            test, statistic, df = "mann_whitney", float(res.statistic), math.nan
            estimate = hodges_lehmann_shift(samples[0], samples[1])
            estimand = "hodges_lehmann_shift"
        else:
            res = stats.kruskal(*samples)
            test, statistic, df = "kruskal_wallis", float(res.statistic), len(samples) - 1.0
        p_value = float(res.pvalue)
    else:
        if variance == "equal":
            equal, why = True, "equal variances assumed (variance='equal')"
        elif variance == "unequal":
            equal, why = False, "unequal variances assumed (variance='unequal')"
        else:
            equal = bool(bf_p >= alpha)
            verdict = "does not reject" if equal else "rejects"
            why = f"Brown-Forsythe p = {bf_p:.3g} {verdict} equal variances"
        reason = f"{reason}; {why}"
        if two:
            res = stats.ttest_ind(samples[0], samples[1], equal_var=equal)
            ci = res.confidence_interval(confidence_level=confidence_level)
            test = "student_t" if equal else "welch_t"
            statistic, df, p_value = float(res.statistic), float(res.df), float(res.pvalue)
            estimate = float(np.mean(samples[0]) - np.mean(samples[1]))
            estimand, ci_low, ci_high = "mean_difference", float(ci.low), float(ci.high)
        else:
            test, statistic, df, df2, p_value = _oneway(samples, equal)
    names = {
        "student_t": "Student's t-test",
        "welch_t": "Welch's t-test",
        "mann_whitney": "Mann-Whitney U test",
        "anova": "one-way ANOVA",
        "welch_anova": "Welch's ANOVA",
        "kruskal_wallis": "Kruskal-Wallis test",
    }
    reason = f"{reason}: {names[test]}"
    return ContinuousComparison(
        variable=variable,
        group=group,
        method=test,
        reason=reason,
        statistic=statistic,
        df=float(df),
        df2=float(df2),
        p_value=p_value,
        estimate=estimate,
        estimand=estimand,
        ci_low=ci_low,
        ci_high=ci_high,
        confidence_level=float(confidence_level),
        variance_statistic=bf_stat,
        variance_p_value=bf_p,
        groups=summary,
    )


def _oneway(samples: list[np.ndarray], equal: bool) -> tuple[str, float, float, float, float]:
    """One-way ANOVA (equal variances) or Welch's ANOVA, as R's ``oneway.test``."""
    k = len(samples)
    n = np.array([x.size for x in samples], dtype=float)
    means = np.array([x.mean() for x in samples])
    var = np.array([x.var(ddof=1) for x in samples])
    if equal:
        res = stats.f_oneway(*samples)
        return "anova", float(res.statistic), k - 1.0, float(n.sum() - k), float(res.pvalue)
    w = n / var
    grand = np.sum(w * means) / w.sum()
    tmp = np.sum((1 - w / w.sum()) ** 2 / (n - 1)) / (k**2 - 1)
    statistic = np.sum(w * (means - grand) ** 2) / ((k - 1) * (1 + 2 * (k - 2) * tmp))
    df2 = 1 / (3 * tmp)
    p_value = stats.f.sf(statistic, k - 1, df2)
    return "welch_anova", float(statistic), k - 1.0, float(df2), float(p_value)


# --------------------------------------------------------------------------- categorical
@dataclass(frozen=True, eq=False)
class CategoricalComparison:
    """Comparison of one categorical variable between groups.

    Attributes
    ----------
    variable, group : str
    method : str
        ``"chi_square"``, ``"chi_square_yates"``, ``"fisher_exact"`` (exact conditional test for
        2 x 2 and 2 x c tables; Fisher-Freeman-Halton for the latter), ``"fisher_monte_carlo"``
        (larger tables with small counts) or ``"none"``.
    reason : str
        Why this test was chosen.
    statistic, df : float
        Pearson's chi-square and its degrees of freedom (reported whichever test is used).
    p_value : float
        The chosen test's p-value (NaN for ``"none"``).
    min_expected : float
        The smallest expected count under independence.
    share_expected_below_5 : float
        Share of cells with an expected count below 5.
    counts : pandas.DataFrame
        Observed counts, one row per level, one column per group label.
    """

    variable: str
    group: str
    method: str
    reason: str
    statistic: float
    df: float
    p_value: float
    min_expected: float
    share_expected_below_5: float
    counts: pd.DataFrame


def compare_categorical(
    data: pd.DataFrame,
    variable: str,
    *,
    group: str,
    method: str = "auto",
    correction: bool = False,
    seed: int = 20240501,
    group_labels: Mapping | None = None,
) -> CategoricalComparison:
    """Compare a categorical variable between groups: chi-square or Fisher's exact test.

    Parameters
    ----------
    data : pandas.DataFrame
        A table with the columns ``variable`` and ``group``.
    variable : str
        The categorical column (text or numbers such as ``birads``).
    group : str
        The grouping column.
    method : {"auto", "chi_square", "fisher"}, default "auto"
        ``"auto"`` applies Cochran's rule below.
    correction : bool, default False
        Yates' continuity correction for 2 x 2 chi-square tests. False gives Pearson's
        chi-square, as SPSS's "Pearson Chi-Square" row; R's ``chisq.test`` corrects by default.
    seed : int, default 20240501
        Seed of the Monte Carlo p-value, used only for tables larger than 2 x c whose exact
        enumeration would be too long.
    group_labels : mapping, optional
        Display label per group value.

    Returns
    -------
    CategoricalComparison

    Notes
    -----
    Rule (Cochran 1954), for every table size: the chi-square test of independence is used when
    no expected count is below 1 and at most 20% of the cells have an expected count below 5;
    otherwise Fisher's exact test. For a 2 x 2 table this means Fisher whenever any expected count
    is below 5.

    Fisher's exact test for tables larger than 2 x 2 (the Fisher-Freeman-Halton test) is what R's
    ``fisher.test`` computes by its network algorithm. Here, for the usual two groups (a 2 x c
    table), every table with the observed margins is enumerated and the p-value is the total
    probability of the tables no more probable than the observed one (with R's relative tolerance
    of 1e-7); this equals R's value. If more than 5 million tables would be enumerated, or the
    groups are more than two and the levels more than two, the p-value is estimated by Monte Carlo
    (``scipy.stats.fisher_exact`` with ``MonteCarloMethod``, 100,000 tables, seeded by ``seed``),
    and ``test`` says so.

    A variable whose levels each occur in one group only (``histology``, which defines the
    reference standard) is not tested: ``test`` is ``"none"``.

    References
    ----------
    Cochran WG. Some methods for strengthening the common chi-square tests. Biometrics.
    1954;10:417-451.
    Freeman GH, Halton JH. Note on an exact treatment of contingency, goodness of fit and other
    problems of significance. Biometrika. 1951;38:141-149.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"malignant": [1] * 6 + [0] * 6,
    ...                       "birads": [5, 5, 5, 4, 4, 3, 3, 3, 3, 4, 4, 5]})
    >>> compare_categorical(table, "birads", group="malignant").method
    'fisher_exact'
    """
    data = check_table(data)
    method = check_choice(method, "method", ("auto", "chi_square", "fisher"))
    if not isinstance(correction, bool):
        raise TypeError(f"correction must be True or False, got {correction!r}")
    values = category_column(data, variable)
    groups, glevels = _group_levels(data, group)
    labels = _group_labels(group, glevels, group_labels)
    vlevels = _sort_levels(values)
    observed = np.array(
        [[np.sum((values == v) & (groups == g)) for g in glevels] for v in vlevels], dtype=np.int64
    )
    counts = pd.DataFrame(observed, columns=labels)
    counts.insert(0, "level", vlevels)

    if len(vlevels) < 2:
        return CategoricalComparison(
            variable,
            group,
            "none",
            f"{variable} has one level only; nothing to test",
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            counts,
        )
    expected = stats.contingency.expected_freq(observed)
    min_expected = float(expected.min())
    share_below_5 = float(np.mean(expected < 5))
    chi2 = float(np.sum((observed - expected) ** 2 / expected))
    df = float((observed.shape[0] - 1) * (observed.shape[1] - 1))

    nested = bool(np.all(np.sum(observed > 0, axis=1) == 1))
    if nested:
        return CategoricalComparison(
            variable,
            group,
            "none",
            f"every level of {variable} occurs in one group only (it defines the groups); no test",
            chi2,
            df,
            math.nan,
            min_expected,
            share_below_5,
            counts,
        )

    cochran_ok = min_expected >= 1 and share_below_5 <= 0.20
    rule = (
        f"smallest expected count {min_expected:.2f}, {100 * share_below_5:.0f}% of cells below 5"
    )
    if method == "chi_square" or (method == "auto" and cochran_ok):
        yates = correction and observed.shape == (2, 2)
        if yates:
            res = stats.chi2_contingency(observed, correction=True)
            statistic, p_value = float(res.statistic), float(res.pvalue)
            test = "chi_square_yates"
        else:
            statistic, p_value = chi2, float(stats.chi2.sf(chi2, df))
            test = "chi_square"
        why = (
            "requested (method='chi_square')"
            if method != "auto"
            else f"Cochran's rule met ({rule})"
        )
        name = "chi-square test with Yates' correction" if yates else "Pearson's chi-square test"
        reason = f"{why}: {name}"
        return CategoricalComparison(
            variable,
            group,
            test,
            reason,
            statistic,
            df,
            p_value,
            min_expected,
            share_below_5,
            counts,
        )

    why = "requested (method='fisher')" if method != "auto" else f"Cochran's rule fails ({rule})"
    p_value = _fisher_2xc(observed) if 2 in observed.shape else None
    if p_value is not None:
        test = "fisher_exact"
        reason = f"{why}: Fisher's exact test" + (
            "" if observed.shape == (2, 2) else " (Fisher-Freeman-Halton, full enumeration)"
        )
    else:
        rng = np.random.default_rng(seed)
        mc = stats.MonteCarloMethod(n_resamples=100_000, rng=rng)
        p_value = float(stats.fisher_exact(observed, method=mc).pvalue)
        test = "fisher_monte_carlo"
        reason = f"{why}: Fisher-Freeman-Halton test, Monte Carlo p-value (100,000 tables)"
    return CategoricalComparison(
        variable,
        group,
        test,
        reason,
        chi2,
        df,
        float(p_value),
        min_expected,
        share_below_5,
        counts,
    )


def _fisher_2xc(observed: np.ndarray) -> float | None:
    """Exact two-sided Fisher(-Freeman-Halton) p-value of a 2 x c table, by enumeration.

    Returns None when the enumeration would exceed ``_FISHER_TABLE_LIMIT`` tables.
    """
    table = observed if observed.shape[1] == 2 else observed.T
    totals = table.sum(axis=1)  # level totals t_j
    m = int(table[:, 0].sum())  # first-group total
    n = int(totals.sum())
    log_comb = [
        special.gammaln(t + 1)
        - special.gammaln(np.arange(t + 1) + 1)
        - special.gammaln(t - np.arange(t + 1) + 1)
        for t in totals
    ]
    remaining = np.concatenate([np.cumsum(totals[::-1])[::-1][1:], [0]])
    sums = np.zeros(1, dtype=np.int64)
    logp = np.zeros(1)
    for j, t in enumerate(totals[:-1]):
        a = np.arange(int(t) + 1)
        new_sums = (sums[:, None] + a[None, :]).ravel()
        new_logp = (logp[:, None] + log_comb[j][None, :]).ravel()
        keep = (new_sums <= m) & (new_sums + remaining[j] >= m)
        sums, logp = new_sums[keep], new_logp[keep]
        if sums.size > _FISHER_TABLE_LIMIT:
            return None
    last = m - sums
    logp = logp + log_comb[-1][last]
    log_norm = special.gammaln(n + 1) - special.gammaln(m + 1) - special.gammaln(n - m + 1)
    logp -= log_norm
    observed_logp = float(sum(log_comb[j][int(table[j, 0])] for j in range(len(totals))) - log_norm)
    p = np.exp(logp)
    p_obs = math.exp(observed_logp)
    return float(min(1.0, p[p <= p_obs * _FISHER_REL_ERR].sum()))


# --------------------------------------------------------------------------- correlation
@dataclass(frozen=True)
class CorrelationResult:
    """Spearman rank correlation with a p-value and a confidence interval.

    Attributes
    ----------
    x, y : str
        The two columns.
    n : int
    estimate : float
        Spearman's rho.
    se_fisher_z : float
        Standard error of Fisher's :math:`z = \\operatorname{atanh}(\\rho)`, on whose scale the
        interval is built (not the standard error of rho itself).
    ci_low, ci_high : float
        Confidence interval of rho.
    statistic, df : float
        t statistic :math:`r\\sqrt{(n-2)/(1-r^2)}` and its ``n - 2`` degrees of freedom.
    p_value : float
        Two-sided p-value from that t statistic.
    method : str
        ``"spearman"``.
    ci_method : str
        ``"bonett_wright"`` or ``"fisher"``.
    confidence_level : float
        Confidence level of the interval.
    """

    x: str
    y: str
    n: int
    estimate: float
    se_fisher_z: float
    ci_low: float
    ci_high: float
    statistic: float
    df: float
    p_value: float
    method: str
    ci_method: str
    confidence_level: float


def spearman_rho(x, y, *, axis: int = -1):
    """Spearman's rank correlation of ``x`` and ``y``, for one pair of samples or a stack.

    Parameters
    ----------
    x, y : array-like
        Paired observations along ``axis``; the other axes index samples (``x`` and ``y``
        broadcast against each other).
    axis : int, default -1
        Axis of the observations.

    Returns
    -------
    float or numpy.ndarray
        rho, a float for 1-D input, else an array over the other axes. NaN where a sample is
        constant.

    Notes
    -----
    rho is Pearson's correlation of the mid-ranks (ties get the average rank), as
    ``scipy.stats.spearmanr`` and R's ``cor(method = "spearman")``. The ranks of a whole stack are
    computed by one ``scipy.stats.rankdata`` call along ``axis``.

    References
    ----------
    Spearman C. The proof and measurement of association between two things. Am J Psychol.
    1904;15:72-101.

    Examples
    --------
    >>> round(spearman_rho([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 12)
    0.8
    >>> spearman_rho([[1, 2, 3], [1, 2, 3]], [[1, 2, 3], [3, 2, 1]]).tolist()
    [1.0, -1.0]
    """
    a, b = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    if a.ndim == 0 or a.shape[axis] < 2:
        raise ValueError("spearman_rho needs at least 2 paired observations along axis")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("x and y must hold finite numbers")
    a, b = np.moveaxis(a, axis, -1), np.moveaxis(b, axis, -1)
    ranks = np.stack(
        [
            stats.rankdata(a, axis=-1, method="average"),
            stats.rankdata(b, axis=-1, method="average"),
        ],
        axis=-2,
    )  # (..., 2, n)
    # np.corrcoef's arithmetic (as scipy.stats.spearmanr), for the whole stack at once
    ranks = ranks - ranks.mean(axis=-1, keepdims=True)
    cov = ranks @ np.swapaxes(ranks, -1, -2) / (ranks.shape[-1] - 1)
    sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = cov[..., 1, 0] / sd[..., 1] / sd[..., 0]
    rho = np.clip(rho, -1.0, 1.0)
    return float(rho) if rho.ndim == 0 else rho


def spearman_correlation(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    ci_method: str = "bonett_wright",
    confidence_level: float = 0.95,
) -> CorrelationResult:
    """Spearman's rank correlation between two columns, with p-value and CI.

    Parameters
    ----------
    data : pandas.DataFrame
        A table with numeric columns ``x`` and ``y``.
    x, y : str
        The two columns (for example ``"elasticity_kpa"`` and ``"strain_ratio"``).
    ci_method : {"bonett_wright", "fisher"}, default "bonett_wright"
        Standard error of the Fisher z-transformed rho.
    confidence_level : float, default 0.95
        Confidence level.

    Returns
    -------
    CorrelationResult

    Notes
    -----
    rho is Pearson's correlation of the mid-ranks (:func:`spearman_rho`). The p-value uses
    :math:`t = r\\sqrt{(n-2)/(1-r^2)}` on n - 2 df (``scipy.stats.spearmanr``; R's
    ``cor.test(method="spearman", exact=FALSE)``). R's default for n < 1290 without ties is the
    AS 89 approximation of the exact null distribution instead; at n = 300 the two agree closely.

    The interval is :math:`\\tanh(\\operatorname{atanh}(r) \\pm z_{1-\\alpha/2}\\,SE)` with
    :math:`SE = \\sqrt{(1 + r^2/2)/(n-3)}` (Bonett & Wright 2000, the default, better coverage
    for rank correlations) or :math:`SE = 1/\\sqrt{n-3}` (``"fisher"``, the Pearson formula, too
    narrow for Spearman's rho when the correlation is strong).

    References
    ----------
    Bonett DG, Wright TA. Sample size requirements for estimating Pearson, Kendall and Spearman
    correlations. Psychometrika. 2000;65:23-28.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"elasticity_kpa": [40, 52, 61, 75, 90, 48],
    ...                       "strain_ratio": [1.1, 1.3, 1.9, 2.2, 2.6, 1.2]})
    >>> round(spearman_correlation(table, "elasticity_kpa", "strain_ratio").estimate, 3)
    1.0
    """
    data = check_table(data)
    ci_method = check_choice(ci_method, "ci_method", ("bonett_wright", "fisher"))
    confidence_level = check_confidence_level(confidence_level)
    a = numeric_column(data, x)
    b = numeric_column(data, y)
    n = a.size
    if n < 4:
        raise ValueError(f"Spearman correlation needs at least 4 rows, got {n}")
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        constant = x if np.ptp(a) == 0 else y
        raise ValueError(f"column {constant!r} is constant; its rank correlation is undefined")
    r = float(spearman_rho(a, b))
    df = n - 2.0
    # scipy.stats.spearmanr's t statistic and p-value
    statistic = (
        r * math.sqrt(df / ((r + 1.0) * (1.0 - r))) if abs(r) < 1 else math.copysign(math.inf, r)
    )
    p_value = float(2 * stats.t.sf(abs(statistic), df))
    if ci_method == "bonett_wright":
        se_fisher_z = math.sqrt((1 + r * r / 2) / (n - 3))
    else:
        se_fisher_z = 1 / math.sqrt(n - 3)
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    if abs(r) < 1:
        centre = math.atanh(r)
        ci_low, ci_high = (
            math.tanh(centre - z * se_fisher_z),
            math.tanh(centre + z * se_fisher_z),
        )
    else:
        ci_low = ci_high = r
    return CorrelationResult(
        x,
        y,
        n,
        r,
        se_fisher_z,
        ci_low,
        ci_high,
        float(statistic),
        df,
        p_value,
        "spearman",
        ci_method,
        float(confidence_level),
    )


# --------------------------------------------------------------------------- summary table
def summary_table(
    data: pd.DataFrame,
    *,
    variables: Sequence[str],
    group: str,
    categorical: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    digits: int | Mapping[str, int] = 1,
    method: str = "auto",
    variance: str = "auto",
    alpha: float = 0.05,
    correction: bool = False,
    group_labels: Mapping | None = None,
) -> pd.DataFrame:
    """Publication-style comparison table of groups (the "Table 1" of a clinical paper).

    Parameters
    ----------
    data : pandas.DataFrame
        A table with the columns ``variables`` and ``group``.
    variables : sequence of str
        Columns to show, in order.
    group : str
        The grouping column; one display column per group.
    categorical : sequence of str, optional
        Columns to treat as categorical even when numeric (such as a category coded 1-5); any
        non-numeric column is categorical anyway.
    labels : mapping, optional
        Display label per variable (default: the column name).
    digits : int or mapping, default 1
        Decimals for means, SDs, medians and quartiles, globally or per variable (for example
        ``{"strain_ratio": 2}``). Percentages have one decimal.
    method, variance, alpha : see :func:`compare_continuous`
    correction : bool, default False
        See :func:`compare_categorical`.
    group_labels : mapping, optional
        Display label per group value.

    Returns
    -------
    pandas.DataFrame
        Columns ``variable``, ``label``, ``level``, ``summary``, one text column per group,
        ``test``, ``p_value``, ``p_text``, ``reason``. A continuous variable gives two rows:
        ``summary == "mean_sd"`` (``"51.3 ± 10.2"``) and ``"median_iqr"``
        (``"50.8 (43.6-57.9)"``); a categorical variable one ``"n_pct"`` row per level
        (``"30 (20.0)"``, column percentages). The test, p-value and reason stand on the first
        row of each variable and are empty (NaN) on the others. ``table.attrs["group_n"]`` holds the
        group sizes.

    Notes
    -----
    The test for each variable is chosen by :func:`compare_continuous` (Lilliefors, then Student,
    Welch or Mann-Whitney) or :func:`compare_categorical` (Cochran's rule, then chi-square or
    Fisher); the ``reason`` column says why. The same function builds a descriptive Table 1
    (demographic variables) and any further table comparing the groups on other measurements.

    References
    ----------
    Hayes-Larson E, Kezios KL, Mooney SJ, Lovasi G. Who is in this study, anyway? Guidelines for
    a useful Table 1. J Clin Epidemiol. 2019;114:125-132.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> table = pd.DataFrame({"malignant": [1] * 30 + [0] * 30,
    ...                       "age_years": rng.normal(50, 10, 60),
    ...                       "breast_density": rng.choice(list("ABCD"), 60)})
    >>> t1 = summary_table(table, variables=["age_years", "breast_density"], group="malignant",
    ...                    group_labels={1: "malignant", 0: "benign"})
    >>> list(t1.columns[:6])
    ['variable', 'label', 'level', 'summary', 'malignant', 'benign']
    """
    data = check_table(data)
    if isinstance(variables, str) or not isinstance(variables, Sequence):
        raise TypeError("variables must be a list of column names")
    if len(variables) == 0:
        raise ValueError("variables is empty")
    if group in variables:
        raise ValueError(f"the grouping column {group!r} cannot also be a variable")
    groups, glevels = _group_levels(data, group)
    glabels = _group_labels(group, glevels, group_labels)
    clash = {"variable", "label", "level", "summary", "method", "p_value", "p_text", "reason"}
    if clash & set(glabels):
        raise ValueError(f"group labels {sorted(clash & set(glabels))} clash with table columns")
    labels = dict(labels or {})
    cat_set = set(categorical or ())
    mapping = dict(zip(glevels, glabels, strict=True))

    rows: list[dict] = []
    for variable in variables:
        check_column(data, variable)
        d = digits if isinstance(digits, int) else dict(digits).get(variable, 1)
        label = labels.get(variable, variable)
        is_categorical = variable in cat_set or not pd.api.types.is_numeric_dtype(data[variable])
        if is_categorical:
            res = compare_categorical(
                data, variable, group=group, correction=correction, group_labels=mapping
            )
            totals = res.counts[glabels].sum(axis=0)
            for i, row in res.counts.iterrows():
                entry = {
                    "variable": variable,
                    "label": label,
                    "level": str(row["level"]),
                    "summary": "n_pct",
                }
                for g in glabels:
                    pct = 100 * row[g] / totals[g] if totals[g] else math.nan
                    entry[g] = f"{int(row[g])} ({pct:.1f})"
                entry.update(_test_columns(res, first=i == 0))
                rows.append(entry)
        else:
            res = compare_continuous(
                data,
                variable,
                group=group,
                method=method,
                variance=variance,
                alpha=alpha,
                group_labels=mapping,
            )
            s = res.groups.set_index("label")
            mean_sd = {g: f"{s.at[g, 'mean']:.{d}f} ± {s.at[g, 'sd']:.{d}f}" for g in glabels}
            med_iqr = {
                g: f"{s.at[g, 'median']:.{d}f} ({s.at[g, 'q1']:.{d}f}-{s.at[g, 'q3']:.{d}f})"
                for g in glabels
            }
            base = {"variable": variable, "label": label, "level": ""}
            rows.append({**base, "summary": "mean_sd", **mean_sd, **_test_columns(res, True)})
            rows.append({**base, "summary": "median_iqr", **med_iqr, **_test_columns(res, False)})
    table = pd.DataFrame(rows)
    table["p_value"] = table["p_value"].astype(float)
    table.attrs["group_n"] = {g: int(np.sum(groups == lv)) for lv, g in mapping.items()}
    return table


def _test_columns(res, first: bool) -> dict:
    if not first:
        return {"method": "", "p_value": math.nan, "p_text": "", "reason": ""}
    return {
        "method": res.method,
        "p_value": res.p_value,
        "p_text": format_p_value(res.p_value),
        "reason": res.reason,
    }


# --------------------------------------------------------------------------- re-checking a paper
@dataclass(frozen=True)
class SummaryTTest:
    """Two-sample t-test recomputed from published means, SDs and group sizes.

    Attributes
    ----------
    method : str
        ``"student_t"`` or ``"welch_t"``.
    statistic, df, p_value : float
        t, its degrees of freedom and the two-sided p-value at the printed summaries.
    p_min, p_max : float
        Smallest and largest two-sided p-value over every set of unrounded summaries that round
        to the printed ones (equal to ``p_value`` when ``decimals`` is None).
    decimals : int or None
        Decimals the summaries were printed with.
    """

    method: str
    statistic: float
    df: float
    p_value: float
    p_min: float
    p_max: float
    decimals: int | None


def _t_from_stats(m1, s1, n1, m2, s2, n2, equal_var: bool) -> tuple[float, float, float]:
    res = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=equal_var)
    if equal_var:
        df = n1 + n2 - 2.0
    else:
        v1, v2 = s1 * s1 / n1, s2 * s2 / n2
        df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    return float(res.statistic), float(df), float(res.pvalue)


def ttest_from_summary(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    *,
    equal_var: bool = True,
    decimals: int | None = None,
) -> SummaryTTest:
    """Student's or Welch's t-test from summary statistics, with the range that rounding allows.

    Parameters
    ----------
    mean1, sd1, n1 : float, float, int
        Mean, SD (n - 1 denominator) and size of the first group.
    mean2, sd2, n2 : float, float, int
        The same for the second group.
    equal_var : bool, default True
        True for Student's t-test (pooled variance), False for Welch's.
    decimals : int, optional
        Decimals the means and SDs were printed with. When given, each printed number stands for
        any value within half a unit of its last decimal, and ``p_min``/``p_max`` bound the
        p-value over all of them.

    Returns
    -------
    SummaryTTest

    Notes
    -----
    The statistic is :math:`t = (\\bar x_1 - \\bar x_2)/SE` with the pooled SE (Student) or
    :math:`\\sqrt{s_1^2/n_1 + s_2^2/n_2}` on Welch-Satterthwaite df (Welch), as
    ``scipy.stats.ttest_ind_from_stats``. The p-value falls as :math:`|\\bar x_1 - \\bar x_2|`
    grows and rises with either SD, so its extremes over the rounding box lie at the box's
    corners (or at a zero difference, when the box contains one, where p = 1); all corners are
    evaluated. A published p-value outside ``[p_min, p_max]`` cannot come from this test on these
    summaries, whatever the unrounded numbers were.

    References
    ----------
    Student. The probable error of a mean. Biometrika. 1908;6:1-25.
    Welch BL. The generalization of "Student's" problem when several different population
    variances are involved. Biometrika. 1947;34:28-35.

    Examples
    --------
    >>> res = ttest_from_summary(51.3, 10.2, 150, 49.7, 9.8, 150, decimals=1)
    >>> round(res.p_value, 3), round(res.p_min, 3), round(res.p_max, 3)
    (0.167, 0.14, 0.197)
    """
    for name, v in (("mean1", mean1), ("sd1", sd1), ("mean2", mean2), ("sd2", sd2)):
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"{name} must be a finite number, got {v!r}")
    for name, v in (("sd1", sd1), ("sd2", sd2)):
        if v <= 0:
            raise ValueError(f"{name} must be positive, got {v!r}")
    for name, v in (("n1", n1), ("n2", n2)):
        if not isinstance(v, (int, np.integer)) or v < 2:
            raise ValueError(f"{name} must be an integer of at least 2, got {v!r}")
    if decimals is not None and (not isinstance(decimals, int) or decimals < 0):
        raise ValueError(f"decimals must be a non-negative integer or None, got {decimals!r}")
    statistic, df, p_value = _t_from_stats(mean1, sd1, n1, mean2, sd2, n2, equal_var)
    p_min = p_max = p_value
    if decimals is not None:
        h = 0.5 * 10.0**-decimals
        ps = []
        for dm1 in (-h, h):
            for dm2 in (-h, h):
                for ds1 in (-h, h):
                    for ds2 in (-h, h):
                        s1, s2 = max(sd1 + ds1, 1e-12), max(sd2 + ds2, 1e-12)
                        m1, m2 = mean1 + dm1, mean2 + dm2
                        ps.append(_t_from_stats(m1, s1, n1, m2, s2, n2, equal_var)[2])
        p_min, p_max = min(ps), max(ps)
        if abs(mean1 - mean2) <= 2 * h:  # the box holds a zero difference
            p_max = 1.0
    return SummaryTTest(
        "student_t" if equal_var else "welch_t",
        statistic,
        df,
        p_value,
        float(p_min),
        float(p_max),
        decimals,
    )


def categorical_test_variants(
    data: pd.DataFrame,
    variable: str,
    *,
    group: str,
    scores: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Every common test of a categorical variable against the groups, side by side.

    Parameters
    ----------
    data : pandas.DataFrame
        A table with the columns ``variable`` and ``group``.
    variable : str
        The categorical column.
    group : str
        The grouping column.
    scores : sequence of float, optional
        Scores of the variable's levels (in sorted order) for the linear-by-linear test; default
        0, 1, 2, ... (equally spaced ranks of the sorted levels).

    Returns
    -------
    pandas.DataFrame
        One row per test: ``test``, ``name``, ``statistic``, ``df``, ``p_value``. Tests:
        ``chi_square`` (Pearson), ``chi_square_yates`` (2 x 2 tables only),
        ``likelihood_ratio`` (G-test), ``linear_by_linear`` (ordinal trend) and
        ``fisher_exact`` (see :func:`compare_categorical`).

    Notes
    -----
    These are the rows of SPSS's "Chi-Square Tests" output (Pearson, continuity correction,
    likelihood ratio, linear-by-linear association) plus Fisher's test, so a reader can check
    which of them, if any, gives a published p-value. The likelihood-ratio statistic is
    :math:`G = 2\\sum O \\log(O/E)` on the same df as Pearson's. The linear-by-linear statistic is
    :math:`M^2 = (N - 1) r^2`, with :math:`r` Pearson's correlation between the level scores and
    the group codes over all N observations, on 1 df (Agresti 2013, section 3.4.1); for two groups it
    is the Cochran-Armitage trend test without the :math:`N/(N-1)` factor.

    References
    ----------
    Agresti A. Categorical Data Analysis. 3rd ed. Wiley; 2013.
    Cochran WG. Some methods for strengthening the common chi-square tests. Biometrics.
    1954;10:417-451.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"malignant": [1] * 6 + [0] * 6,
    ...                       "birads": [5, 5, 5, 4, 4, 3, 3, 3, 3, 4, 4, 5]})
    >>> list(categorical_test_variants(table, "birads", group="malignant").method)
    ['chi_square', 'likelihood_ratio', 'linear_by_linear', 'fisher_exact']
    """
    data = check_table(data)
    base = compare_categorical(data, variable, group=group, method="chi_square")
    counts = base.counts.drop(columns="level").to_numpy(dtype=float)
    if counts.shape[0] < 2:
        raise ValueError(f"column {variable!r} has one level only; nothing to test")
    levels = list(base.counts["level"])
    if scores is None:
        level_scores = np.arange(len(levels), dtype=float)
    else:
        level_scores = np.asarray(scores, dtype=float)
        if level_scores.shape != (len(levels),) or not np.all(np.isfinite(level_scores)):
            raise ValueError(
                f"scores must hold {len(levels)} finite numbers, one per level {levels}; "
                f"got {scores!r}"
            )
    rows = []
    pearson = stats.chi2_contingency(counts, correction=False)
    rows.append(
        ("chi_square", "Pearson chi-square", pearson.statistic, pearson.dof, pearson.pvalue)
    )
    if counts.shape == (2, 2):
        yates = stats.chi2_contingency(counts, correction=True)
        rows.append(
            ("chi_square_yates", "chi-square, Yates' correction", yates.statistic, 1, yates.pvalue)
        )
    g = stats.chi2_contingency(counts, correction=False, lambda_="log-likelihood")
    rows.append(("likelihood_ratio", "likelihood-ratio (G) test", g.statistic, g.dof, g.pvalue))
    n_total = counts.sum()
    group_scores = np.arange(counts.shape[1], dtype=float)
    w = counts / n_total
    mx = np.sum(w.sum(axis=1) * level_scores)
    my = np.sum(w.sum(axis=0) * group_scores)
    dx, dy = level_scores - mx, group_scores - my
    cov = np.sum(w * np.outer(dx, dy))
    vx, vy = np.sum(w.sum(axis=1) * dx**2), np.sum(w.sum(axis=0) * dy**2)
    if vx > 0 and vy > 0:
        r = cov / math.sqrt(vx * vy)
        m2 = (n_total - 1) * r * r
        rows.append(
            ("linear_by_linear", "linear-by-linear association", m2, 1, stats.chi2.sf(m2, 1))
        )
    fisher = compare_categorical(data, variable, group=group, method="fisher")
    rows.append(("fisher_exact", "Fisher's exact test", math.nan, math.nan, fisher.p_value))
    table = pd.DataFrame(rows, columns=["method", "name", "statistic", "df", "p_value"])
    return table.astype({"statistic": float, "df": float, "p_value": float})


def p_value_verdict(
    published: float,
    ours: float,
    *,
    decimals: int,
    qualifier: str = "=",
    alpha: float = 0.05,
) -> str:
    """Compare a published p-value with a recomputed one.

    Parameters
    ----------
    published : float
        The printed p-value (for "P < 0.001", 0.001 with ``qualifier="<"``).
    ours : float
        The recomputed p-value.
    decimals : int
        Decimals the published value was printed with.
    qualifier : {"=", "<", ">"}, default "="
    alpha : float, default 0.05
        Significance level for the "same conclusion" check.

    Returns
    -------
    str
        ``"agrees"`` (ours rounds to the printed value, or satisfies the printed bound),
        ``"differs, same conclusion"`` (both on the same side of ``alpha``) or
        ``"differs, conclusion changes"``.

    Notes
    -----
    Rounding is half-up at the printed decimal. A printed "0.001" with ``qualifier="="`` is
    matched only by values in [0.0005, 0.0015); a paper that prints "0.001" for anything
    smaller is using a floor, which this function does not assume.

    References
    ----------
    Nuijten MB, Hartgerink CHJ, van Assen MALM, Epskamp S, Wicherts JM. The prevalence of
    statistical reporting errors in psychology (1985-2013). Behav Res Methods.
    2016;48:1205-1226.

    Examples
    --------
    >>> p_value_verdict(0.114, 0.166, decimals=3)
    'differs, same conclusion'
    >>> p_value_verdict(0.001, 2e-10, decimals=3, qualifier="<")
    'agrees'
    """
    check_choice(qualifier, "qualifier", ("=", "<", ">"))
    alpha = _check_alpha(alpha)
    for name, v in (("published", published), ("ours", ours)):
        if not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise ValueError(f"{name} must be a p-value between 0 and 1, got {v!r}")
    if qualifier == "<":
        agrees = ours < published
        published_side = published <= alpha
    elif qualifier == ">":
        agrees = ours > published
        published_side = not published >= alpha
    else:
        scale = 10**decimals
        agrees = math.floor(ours * scale + 0.5 + 1e-9) == round(published * scale)
        published_side = published < alpha
    if agrees:
        return "agrees"
    if (ours < alpha) == published_side:
        return "differs, same conclusion"
    return "differs, conclusion changes"
