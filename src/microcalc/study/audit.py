"""The paper audited from its own summary numbers: what can be recomputed, and does it agree?

Every check here uses only numbers the paper prints (read from :mod:`microcalc.study.paper`): means,
SDs, counts, percentages, p-values, confidence intervals. No simulated cohort is involved, so a
verdict says whether the paper's numbers are consistent *with each other*, not whether a
simulation reproduces them.

:func:`audit_paper` runs every check and returns one row per check:

- ``check_id``: stable identifier, e.g. ``"ttest.age_years"``;
- ``section``: group of checks, for tables (``"Table 1: t-tests"``, ...);
- ``quantity``: what is checked, in words;
- ``paper_keys``: the :mod:`microcalc.study.paper` keys involved, ``;``-joined; the first is the
  number under test, the others are the inputs used to recompute it;
- ``published``: the number as the paper prints it;
- ``recomputed``: the recomputed value (float; for an interval, its lower limit);
- ``recomputed_text``: the recomputed value as text, with its range over rounding;
- ``method``: how it was recomputed;
- ``verdict``: ``"consistent"``, ``"inconsistent"`` or ``"cannot tell"``;
- ``reason``: one line, why;
- ``tested_keys``: the keys whose published value the verdict judges (``;``-joined), a subset
  of ``paper_keys``. A scorecard should attach the verdict to these only: an inconsistent
  p-value says nothing against the group sizes it was computed from.

Rounding is respected throughout. A printed number stands for every value that rounds to it
(half-up at the printed decimal): "0.114" for [0.1135, 0.1145), "10.2" for [10.15, 10.25).
Where the inputs of a check are rounded, the recomputed value is given as a range over every
combination of unrounded inputs (the corners of the rounding box; the statistics used here are
monotone in each input, so the corners bound them). A check is *consistent* when the published
interval and the recomputed range overlap.

References
----------
Student. The probable error of a mean. Biometrika 1908;6:1-25.
Welch BL. The generalization of "Student's" problem. Biometrika 1947;34:28-35.
Cochran WG. Some methods for strengthening the common chi-square tests. Biometrics
1954;10:417-451.
Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the
reporting of results in psychology. Soc Psychol Personal Sci 2017;8:363-369.
Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of the
binomial. Biometrika 1934;26:404-413.
Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating characteristic
(ROC) curve. Radiology 1982;143:29-36.
Youden WJ. Index for rating diagnostic tests. Cancer 1950;3:32-35.
Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from microcalc.stats import compare, samplesize
from microcalc.study import paper

__all__ = [
    "CI_METHODS",
    "VERDICTS",
    "AuditRecord",
    "audit_paper",
    "audit_records",
    "auc_ci_check",
    "binormal_auc",
    "binormal_densities",
    "binormal_operating_point",
    "binormal_roc",
    "binormal_youden_cutoff",
    "chi_square_readings",
    "ci_count_search",
    "corner_range",
    "grim_counts",
    "kappa_se",
    "n_per_group_for_p",
    "odds_ratio_ci_check",
    "p_value_points",
    "predictive_values",
    "printed_interval",
    "proportion_ci_table",
    "round_half_up",
    "table1_counts",
    "ttest_readings",
]

VERDICTS = ("consistent", "inconsistent", "cannot tell")

#: statsmodels ``proportion_confint`` method -> name
CI_METHODS: Mapping[str, str] = {
    "beta": "Clopper-Pearson (exact)",
    "wilson": "Wilson score",
    "normal": "Wald (normal approximation)",
    "agresti_coull": "Agresti-Coull",
    "jeffreys": "Jeffreys",
}

_Z95 = float(stats.norm.ppf(0.975))
_LABELS = {
    "age_years": "age",
    "lesion_size_mm": "lesion size",
    "dense_breast": "dense breast (C/D vs A/B)",
    "elasticity_kpa": "elasticity",
    "strain_ratio": "strain ratio",
    "breast_density": "breast density",
    "histology": "histology",
    "birads": "BI-RADS",
    "calcification_pattern": "calcification pattern",
}


_ACCURACY_SECTION = f"Accuracy at {paper.get('roc.cutoff_kpa').printed} kPa"


def _label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


_EPS = 1e-9


# ---------------------------------------------------------------------------------------------
# The record
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditRecord:
    """One audit check.

    Attributes
    ----------
    check_id : str
        Stable identifier (``"ttest.age_years"``).
    section : str
        Group of checks, for tables.
    quantity : str
        What is checked, in words.
    paper_keys : tuple of str
        :mod:`microcalc.study.paper` keys involved; the first is the number under test.
    published : str
        The number as printed.
    recomputed : float
        The recomputed value (for an interval, its lower limit; NaN when nothing can be
        recomputed).
    recomputed_text : str
        The recomputed value as text, with its range over rounding where relevant.
    method : str
        How it was recomputed.
    verdict : str
        One of :data:`VERDICTS`.
    reason : str
        One line.
    tested_keys : tuple of str, optional
        The keys whose published value this check judges (a subset of ``paper_keys``; the
        others are inputs). Default: the first of ``paper_keys``. Empty when the check judges
        no published number (e.g. a PPV the paper does not report).
    """

    check_id: str
    section: str
    quantity: str
    paper_keys: tuple[str, ...]
    published: str
    recomputed: float
    recomputed_text: str
    method: str
    verdict: str
    reason: str
    tested_keys: tuple[str, ...] | None = None

    def __post_init__(self):
        if self.tested_keys is None:
            object.__setattr__(self, "tested_keys", tuple(self.paper_keys[:1]))
        for key in self.tested_keys:
            if key not in self.paper_keys:
                raise ValueError(f"tested key {key!r} is not among paper_keys")
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        for key in self.paper_keys:
            paper.get(key)  # raises KeyError for a key that paper does not hold

    def as_row(self) -> dict:
        """The record as a table row (``paper_keys`` joined with ``;``)."""
        row = asdict(self)
        row["paper_keys"] = ";".join(self.paper_keys)
        row["tested_keys"] = ";".join(self.tested_keys)
        return row


# ---------------------------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------------------------
def round_half_up(x: float, decimals: int) -> float:
    """Round half-up at ``decimals``, as tables are printed (``round(0.125, 2)`` is 0.13).

    Examples
    --------
    >>> round_half_up(86.6667, 1), round_half_up(0.125, 2)
    (86.7, 0.13)
    """
    scale = 10.0**decimals
    return math.floor(x * scale + 0.5 + _EPS) / scale


def printed_interval(value: float, decimals: int, qualifier: str = "=") -> tuple[float, float]:
    """The values a printed number stands for: ``[low, high)``.

    Parameters
    ----------
    value : float
        The printed number.
    decimals : int
        Decimals printed.
    qualifier : {"=", "<", ">"}
        ``"<"`` for "P < 0.001" (any value in [0, 0.001)), ``">"`` for a lower bound.

    Examples
    --------
    >>> printed_interval(0.114, 3)
    (0.1135, 0.1145)
    >>> printed_interval(0.001, 3, "<")
    (0.0, 0.001)
    """
    if qualifier == "<":
        return (0.0 if value > 0 else -math.inf, float(value))
    if qualifier == ">":
        return (float(value), math.inf)
    if qualifier != "=":
        raise ValueError(f"qualifier must be '=', '<' or '>', got {qualifier!r}")
    h = 0.5 * 10.0**-decimals
    return (round(value - h, decimals + 2), round(value + h, decimals + 2))


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] + 1e-12 and b[0] <= a[1] + 1e-12


def corner_range(
    func: Callable[..., float], values: Mapping[str, float], half_widths: Mapping[str, float]
) -> tuple[float, float]:
    """Smallest and largest ``func(**inputs)`` over the corners of a rounding box.

    Parameters
    ----------
    func : callable
        Called with keyword arguments named as ``values``.
    values : mapping
        The printed inputs.
    half_widths : mapping
        Half a unit of the last printed decimal of each input (0 or absent: exact).

    Notes
    -----
    For a function that is monotone in each input separately (t-test p-values away from a zero
    difference, binormal AUCs, Wald p-values), the extremes over the box lie at its corners.

    Examples
    --------
    >>> lo, hi = corner_range(lambda a, b: a - b, {"a": 1.0, "b": 0.5}, {"a": 0.05, "b": 0.05})
    >>> round(lo, 6), round(hi, 6)
    (0.4, 0.6)
    """
    names = list(values)
    options = [
        (values[k] - half_widths.get(k, 0.0), values[k] + half_widths.get(k, 0.0)) for k in names
    ]
    results = [
        func(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*options)
    ]
    return (float(min(results)), float(max(results)))


def _half(decimals: int) -> float:
    return 0.5 * 10.0**-decimals


def _fmt_p(p: float) -> str:
    if p < 0.0001:
        return f"{p:.1e}"
    return f"{p:.4f}" if p < 0.01 else f"{p:.3f}"


def _fmt_range(lo: float, hi: float, fmt=_fmt_p) -> str:
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}-{fmt(hi)}"


def _span(lo: float, hi: float, spec: str) -> str:
    return _fmt_range(lo, hi, lambda x: format(x, spec))


# ---------------------------------------------------------------------------------------------
# t-tests from mean +- SD and n
# ---------------------------------------------------------------------------------------------
def _t_p(m1, s1, n1, m2, s2, n2, equal_var: bool) -> float:
    return float(stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=equal_var).pvalue)


def _mw_normal_p(m1, s1, n1, m2, s2, n2) -> float:
    auc = binormal_auc(m1, s1, m2, s2)
    se0 = math.sqrt((n1 + n2 + 1) / (12.0 * n1 * n2))
    return float(2 * stats.norm.sf(abs(auc - 0.5) / se0))


def ttest_readings(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    *,
    decimals: int,
) -> pd.DataFrame:
    """Every reading of "mean +- SD, n" as a two-sample test, with the range rounding allows.

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : float
        Printed means and SDs and the group sizes.
    decimals : int
        Decimals the means and SDs were printed with.

    Returns
    -------
    pandas.DataFrame
        One row per reading: ``reading``, ``name``, ``statistic``, ``p_value`` (at the printed
        numbers), ``p_min``, ``p_max`` (over the rounding box). Readings:

        * ``student``: Student's t-test (pooled variance, df = n1 + n2 - 2);
        * ``welch``: Welch's t-test (Welch-Satterthwaite df);
        * ``sd_as_se``: Student's t-test if the printed "SD" were a standard error
          (SD = SE * sqrt(n));
        * ``mann_whitney_normal``: the p-value a Mann-Whitney U test would have *on average*
          if both groups were normal: z = (AUC - 1/2) / sqrt((n1 + n2 + 1) / (12 n1 n2)), with
          the binormal AUC. A Mann-Whitney test cannot be recomputed from mean +- SD; this only
          shows what it gives for normal data.

    Notes
    -----
    Student and Welch use ``scipy.stats.ttest_ind_from_stats``. When the rounding box contains
    a zero difference, ``p_max`` is 1.

    Examples
    --------
    >>> t = ttest_readings(51.3, 10.2, 150, 49.7, 9.8, 150, decimals=1)
    >>> round(float(t.set_index("reading").loc["student", "p_value"]), 3)
    0.167
    """
    h = _half(decimals)
    values = {"m1": mean1, "s1": sd1, "m2": mean2, "s2": sd2}
    half = {k: h for k in values}
    zero_in_box = abs(mean1 - mean2) <= 2 * h
    readings = {
        "student": (
            "Student's t-test",
            lambda m1, s1, m2, s2: _t_p(m1, s1, n1, m2, s2, n2, True),
            lambda m1, s1, m2, s2: stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2).statistic,
        ),
        "welch": (
            "Welch's t-test",
            lambda m1, s1, m2, s2: _t_p(m1, s1, n1, m2, s2, n2, False),
            lambda m1, s1, m2, s2: (
                stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False).statistic
            ),
        ),
        "sd_as_se": (
            "Student's t-test, SD read as SE",
            lambda m1, s1, m2, s2: _t_p(
                m1, s1 * math.sqrt(n1), n1, m2, s2 * math.sqrt(n2), n2, True
            ),
            lambda m1, s1, m2, s2: (
                stats.ttest_ind_from_stats(
                    m1, s1 * math.sqrt(n1), n1, m2, s2 * math.sqrt(n2), n2
                ).statistic
            ),
        ),
        "mann_whitney_normal": (
            "Mann-Whitney U, expected for normal groups",
            lambda m1, s1, m2, s2: _mw_normal_p(m1, s1, n1, m2, s2, n2),
            lambda m1, s1, m2, s2: (
                (binormal_auc(m1, s1, m2, s2) - 0.5) / math.sqrt((n1 + n2 + 1) / (12.0 * n1 * n2))
            ),
        ),
    }
    rows = []
    for reading, (name, p_of, t_of) in readings.items():
        p_min, p_max = corner_range(p_of, values, half)
        rows.append(
            {
                "reading": reading,
                "name": name,
                "statistic": float(t_of(**values)),
                "p_value": p_of(**values),
                "p_min": p_min,
                "p_max": 1.0 if zero_in_box else p_max,
            }
        )
    return pd.DataFrame(rows)


def n_per_group_for_p(p_value: float, mean1: float, sd1: float, mean2: float, sd2: float) -> float:
    """Group size (equal groups) at which Student's t-test on these summaries gives ``p_value``.

    Shows how far a published p-value is from its means and SDs: "this p would need n per group".

    Examples
    --------
    >>> round(n_per_group_for_p(0.05, 1.0, 2.0, 0.0, 2.0))
    32
    """
    if not 0 < p_value < 1:
        raise ValueError(f"p_value must lie in (0, 1), got {p_value!r}")

    def gap(n: float) -> float:
        se = math.sqrt((sd1**2 + sd2**2) / n)
        t = abs(mean1 - mean2) / se
        return 2 * stats.t.sf(t, 2 * n - 2) - p_value

    return float(optimize.brentq(gap, 2.0, 1e7, xtol=1e-6))


# ---------------------------------------------------------------------------------------------
# chi-square tests from the Table 1 counts
# ---------------------------------------------------------------------------------------------
def table1_counts(variable: str, *, collapse: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The published Table 1 counts of ``variable``: levels in rows, malignant and benign columns.

    Parameters
    ----------
    variable : str
        ``"breast_density"``, ``"birads"``, ``"calcification_pattern"`` or ``"histology"``.
    collapse : mapping, optional
        Level -> merged level, e.g. ``{"A": "A/B", "B": "A/B", "C": "C/D", "D": "C/D"}``.

    Examples
    --------
    >>> table1_counts("birads").loc["3"].tolist()
    [20, 60]
    """
    frame = pd.DataFrame({g: paper.counts(variable, g) for g in paper.GROUPS}).fillna(0)
    frame = frame.astype(int)
    if collapse is not None:
        missing = [lv for lv in frame.index if lv not in collapse]
        if missing:
            raise ValueError(f"collapse has no entry for level(s) {missing} of {variable!r}")
        frame = frame.groupby(frame.index.map(collapse), sort=True).sum()
    frame.index.name = variable
    return frame


def chi_square_readings(counts: pd.DataFrame) -> pd.DataFrame:
    """Every common test of a levels x groups count table (Pearson, Yates, G, trend, Fisher).

    Parameters
    ----------
    counts : pandas.DataFrame
        Levels in rows (in their order), one column per group (first column: malignant).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`microcalc.stats.compare.categorical_test_variants` (``method``, ``name``,
        ``statistic``, ``df``, ``p_value``): Pearson chi-square, Yates' continuity correction
        (2 x 2 only), likelihood ratio, linear-by-linear association (levels scored 0, 1, ...),
        Fisher's exact test.

    Notes
    -----
    The counts are expanded into one row per participant (a representation of the published
    table, not simulated data) and passed to :func:`microcalc.stats.compare.categorical_test_variants`.

    Examples
    --------
    >>> r = chi_square_readings(table1_counts("calcification_pattern"))
    >>> round(float(r.set_index("method").loc["chi_square", "statistic"]), 2)
    13.79
    """
    if counts.shape[1] != 2:
        raise ValueError(f"counts must have two group columns, got {list(counts.columns)}")
    levels = list(counts.index)
    code = {counts.columns[0]: 1, counts.columns[1]: 0}
    rank = {lv: i for i, lv in enumerate(levels)}
    rows_variable, rows_group = [], []
    for group in counts.columns:
        for level in levels:
            n = int(counts.loc[level, group])
            if n < 0:
                raise ValueError(f"counts must be non-negative, got {n} for {level!r}, {group!r}")
            rows_variable += [rank[level]] * n
            rows_group += [code[group]] * n
    long = pd.DataFrame({"level": rows_variable, "malignant": rows_group})
    return compare.categorical_test_variants(long, "level", group="malignant")


# ---------------------------------------------------------------------------------------------
# Percentages and counts
# ---------------------------------------------------------------------------------------------
def grim_counts(percent: float, n: int, *, decimals: int = 1) -> tuple[int, ...]:
    """Every count k of n whose percentage rounds (half-up) to the printed ``percent``.

    An empty tuple means the percentage is impossible for a group of n (the GRIM test).

    Examples
    --------
    >>> grim_counts(86.7, 150), grim_counts(86.5, 150)
    ((130,), ())
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    k = np.arange(n + 1)
    scale = 10.0**decimals
    rounded = np.floor(100.0 * k / n * scale + 0.5 + _EPS)
    return tuple(int(x) for x in k[rounded == round(percent * scale)])


def predictive_values(sensitivity: float, specificity: float, prevalence: float) -> dict:
    """PPV and NPV implied by sensitivity, specificity and prevalence (Bayes' theorem).

    Examples
    --------
    >>> {k: round(v, 4) for k, v in predictive_values(0.9, 0.8, 0.5).items()}
    {'ppv': 0.8182, 'npv': 0.8889}
    """
    for name, v in (
        ("sensitivity", sensitivity),
        ("specificity", specificity),
        ("prevalence", prevalence),
    ):
        if not 0 <= v <= 1:
            raise ValueError(f"{name} must lie in [0, 1], got {v!r}")
    tp = sensitivity * prevalence
    fp = (1 - specificity) * (1 - prevalence)
    tn = specificity * (1 - prevalence)
    fn = (1 - sensitivity) * prevalence
    return {"ppv": float(tp / (tp + fp)), "npv": float(tn / (tn + fn))}


# ---------------------------------------------------------------------------------------------
# Confidence intervals of a proportion
# ---------------------------------------------------------------------------------------------
def proportion_ci_table(
    count: int,
    nobs: int,
    *,
    published: tuple[float, float] | None = None,
    decimals: int = 1,
) -> pd.DataFrame:
    """95% CI of ``count / nobs`` (in percent) by each method of :data:`CI_METHODS`.

    Parameters
    ----------
    count, nobs : int
    published : (float, float), optional
        Published limits in percent; adds ``matches`` (both limits round to them) and
        ``max_gap`` (largest absolute difference, percentage points).
    decimals : int, default 1
        Decimals of the published limits.

    Examples
    --------
    >>> t = proportion_ci_table(132, 150).set_index("method")
    >>> t.loc["normal", ["low", "high"]].round(2).tolist()
    [82.8, 93.2]
    """
    rows = []
    for method, name in CI_METHODS.items():
        lo, hi = proportion_confint(count, nobs, alpha=0.05, method=method)
        row = {"method": method, "name": name, "low": 100 * float(lo), "high": 100 * float(hi)}
        if published is not None:
            row["matches"] = bool(
                round_half_up(row["low"], decimals) == published[0]
                and round_half_up(row["high"], decimals) == published[1]
            )
            row["max_gap"] = max(abs(row["low"] - published[0]), abs(row["high"] - published[1]))
        rows.append(row)
    return pd.DataFrame(rows)


def ci_count_search(
    low: float,
    high: float,
    *,
    decimals: int = 1,
    n_max: int = 400,
    methods: Sequence[str] = tuple(CI_METHODS),
) -> pd.DataFrame:
    """Every count k of n <= ``n_max`` whose 95% CI (in percent) prints as ``low``-``high``.

    Answers "could this interval come from another denominator?".

    Returns
    -------
    pandas.DataFrame
        ``method``, ``count``, ``nobs``, ``percent`` for every match (possibly none).

    Examples
    --------
    >>> ci_count_search(81.5, 92.8, n_max=130, methods=["jeffreys"])[["count", "nobs"]].values
    array([[110, 125]])
    """
    if not isinstance(n_max, (int, np.integer)) or n_max < 1:
        raise ValueError(f"n_max must be a positive integer, got {n_max!r}")
    scale = 10.0**decimals
    nobs = np.repeat(np.arange(1, n_max + 1), np.arange(2, n_max + 2))
    count = np.concatenate([np.arange(n + 1) for n in range(1, n_max + 1)])
    rows = []
    for method in methods:
        if method not in CI_METHODS:
            raise ValueError(f"method must be one of {list(CI_METHODS)}, got {method!r}")
        with np.errstate(divide="ignore", invalid="ignore"):
            lo, hi = proportion_confint(count, nobs, alpha=0.05, method=method)
        lo_r = np.floor(100 * np.asarray(lo) * scale + 0.5 + _EPS)
        hi_r = np.floor(100 * np.asarray(hi) * scale + 0.5 + _EPS)
        hit = (lo_r == round(low * scale)) & (hi_r == round(high * scale))
        for kk, n in zip(count[hit], nobs[hit], strict=True):
            rows.append(
                {"method": method, "count": int(kk), "nobs": int(n), "percent": 100 * kk / n}
            )
    return pd.DataFrame(rows, columns=["method", "count", "nobs", "percent"])


# ---------------------------------------------------------------------------------------------
# The binormal model
# ---------------------------------------------------------------------------------------------
def binormal_auc(mean_pos: float, sd_pos: float, mean_neg: float, sd_neg: float) -> float:
    """AUC if cases ~ N(mean_pos, sd_pos) and controls ~ N(mean_neg, sd_neg).

    :math:`\\Phi\\big((\\mu_1 - \\mu_0)/\\sqrt{\\sigma_1^2 + \\sigma_0^2}\\big)`, the probability
    that a random case exceeds a random control.

    Examples
    --------
    >>> round(binormal_auc(1.0, 1.0, 0.0, 1.0), 4)
    0.7602
    """
    if sd_pos <= 0 or sd_neg <= 0:
        raise ValueError(f"SDs must be positive, got {sd_pos!r} and {sd_neg!r}")
    return float(stats.norm.cdf((mean_pos - mean_neg) / math.hypot(sd_pos, sd_neg)))


def binormal_operating_point(
    cutoff: float, mean_pos: float, sd_pos: float, mean_neg: float, sd_neg: float
) -> dict:
    """Sensitivity and specificity of ``marker >= cutoff`` for two normal groups.

    Examples
    --------
    >>> {k: round(v, 4) for k, v in binormal_operating_point(0.0, 1.0, 1.0, -1.0, 1.0).items()}
    {'sensitivity': 0.8413, 'specificity': 0.8413}
    """
    return {
        "sensitivity": float(stats.norm.sf(cutoff, mean_pos, sd_pos)),
        "specificity": float(stats.norm.cdf(cutoff, mean_neg, sd_neg)),
    }


def binormal_youden_cutoff(
    mean_pos: float,
    sd_pos: float,
    mean_neg: float,
    sd_neg: float,
    *,
    equal_variance: bool = False,
) -> float:
    """Cutoff maximising sensitivity + specificity (Youden's J) for two normal groups.

    Parameters
    ----------
    equal_variance : bool, default False
        True: both groups get the pooled SD sqrt((sd_pos^2 + sd_neg^2) / 2), and the cutoff is
        the midpoint of the means. False: the point between the means where the two normal
        densities cross (where dJ/dc = f0(c) - f1(c) = 0).

    Examples
    --------
    >>> binormal_youden_cutoff(10.0, 2.0, 0.0, 1.0, equal_variance=True)
    5.0
    """
    if mean_pos <= mean_neg:
        raise ValueError(f"mean_pos must exceed mean_neg, got {mean_pos!r} <= {mean_neg!r}")
    if equal_variance:
        return float((mean_pos + mean_neg) / 2)

    def gap(c: float) -> float:
        return stats.norm.logpdf(c, mean_pos, sd_pos) - stats.norm.logpdf(c, mean_neg, sd_neg)

    return float(optimize.brentq(gap, mean_neg, mean_pos, xtol=1e-10))


def binormal_roc(
    mean_pos: float, sd_pos: float, mean_neg: float, sd_neg: float, *, n_points: int = 401
) -> pd.DataFrame:
    """The ROC curve of two normal groups: ``threshold``, ``fpr``, ``tpr``.

    Examples
    --------
    >>> curve = binormal_roc(1.0, 1.0, 0.0, 1.0, n_points=5)
    >>> bool(curve.fpr.iloc[0] < 0.01 and curve.tpr.iloc[-1] > 0.99)
    True
    """
    low = min(mean_neg - 5 * sd_neg, mean_pos - 5 * sd_pos)
    high = max(mean_neg + 5 * sd_neg, mean_pos + 5 * sd_pos)
    thresholds = np.linspace(high, low, n_points)
    return pd.DataFrame(
        {
            "threshold": thresholds,
            "fpr": stats.norm.sf(thresholds, mean_neg, sd_neg),
            "tpr": stats.norm.sf(thresholds, mean_pos, sd_pos),
        }
    )


def binormal_densities(
    mean_pos: float, sd_pos: float, mean_neg: float, sd_neg: float, *, n_points: int = 401
) -> pd.DataFrame:
    """Normal densities of the two groups on a common grid: ``x``, ``positive``, ``negative``.

    Examples
    --------
    >>> d = binormal_densities(1.0, 1.0, 0.0, 1.0, n_points=3)
    >>> d.x.tolist()
    [-4.0, 0.5, 5.0]
    """
    low = min(mean_neg - 4 * sd_neg, mean_pos - 4 * sd_pos)
    high = max(mean_neg + 4 * sd_neg, mean_pos + 4 * sd_pos)
    x = np.linspace(low, high, n_points)
    return pd.DataFrame(
        {
            "x": x,
            "positive": stats.norm.pdf(x, mean_pos, sd_pos),
            "negative": stats.norm.pdf(x, mean_neg, sd_neg),
        }
    )


# ---------------------------------------------------------------------------------------------
# AUC confidence intervals, odds-ratio intervals, kappa
# ---------------------------------------------------------------------------------------------
def auc_ci_check(
    auc: float,
    low: float,
    high: float,
    *,
    n_cases: int,
    n_controls: int,
    decimals: int = 2,
    grid: int = 201,
) -> dict:
    """Is a published AUC CI the Wald interval AUC +- 1.96 SE with Hanley-McNeil's SE?

    Every AUC that rounds to the published one is tried (a grid over its rounding interval).

    Returns
    -------
    dict
        ``se`` (Hanley-McNeil SE at the printed AUC), ``low``/``high`` (its Wald limits),
        ``se_implied_min``/``se_implied_max`` (the SEs the published width allows, width/3.92
        over the rounding of the limits), ``reproduced`` (some AUC in the rounding interval
        gives limits that round to the published ones).

    Examples
    --------
    >>> round(auc_ci_check(0.95, 0.92, 0.98, n_cases=150, n_controls=150)["se"], 4)
    0.0131
    """
    h = _half(decimals)

    def se_of(a: float) -> float:
        return math.sqrt(samplesize.auc_variance(a, n_cases=n_cases, n_controls=n_controls))

    se = se_of(auc)
    reproduced = False
    for a in np.linspace(auc - h, auc + h - 1e-9, grid):
        s = se_of(float(a))
        lo_a, hi_a = round_half_up(a - _Z95 * s, decimals), round_half_up(a + _Z95 * s, decimals)
        if math.isclose(lo_a, low) and math.isclose(hi_a, min(high, 1.0)):
            reproduced = True
            break
    width = high - low
    return {
        "se": se,
        "low": auc - _Z95 * se,
        "high": auc + _Z95 * se,
        "se_implied": width / (2 * _Z95),
        "se_implied_min": (width - 2 * h) / (2 * _Z95),
        "se_implied_max": (width + 2 * h) / (2 * _Z95),
        "reproduced": reproduced,
    }


def odds_ratio_ci_check(
    odds_ratio: float,
    low: float,
    high: float,
    *,
    decimals: int = 2,
    confidence_level: float = 0.95,
) -> dict:
    """Is an odds-ratio CI a Wald interval, and what p-value does it imply?

    A Wald CI is symmetric on the log scale: log(OR) is the mean of log(low) and log(high),
    i.e. OR = sqrt(low * high). Its SE is (log(high) - log(low)) / (2 z), and the Wald p-value
    is 2 * (1 - Phi(|log OR| / SE)).

    Parameters
    ----------
    odds_ratio, low, high : float
        The printed odds ratio and its confidence limits.
    decimals : int, default 2
        Decimals the numbers were printed with (their rounding intervals are searched).
    confidence_level : float, default 0.95
        Level of the printed confidence interval.

    Returns
    -------
    dict
        ``geometric_mid`` (sqrt(low * high)) with ``mid_min``/``mid_max`` over the rounding of
        the limits; ``symmetric`` (the rounding intervals of the OR and of the geometric
        midpoint overlap); ``p_value`` at the printed numbers with ``p_min``/``p_max`` over the
        rounding box; ``se_log``.

    Examples
    --------
    >>> r = odds_ratio_ci_check(2.0, 1.0, 4.0)
    >>> r["geometric_mid"], r["symmetric"]
    (2.0, True)
    """
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high, got low={low!r}, high={high!r}")
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    h = _half(decimals)

    def mid(lo, hi):
        return math.sqrt(lo * hi)

    def p_of(o, lo, hi):
        se = (math.log(hi) - math.log(lo)) / (2 * z)
        return float(2 * stats.norm.sf(abs(math.log(o)) / se))

    mid_min, mid_max = corner_range(mid, {"lo": low, "hi": high}, {"lo": h, "hi": h})
    p_min, p_max = corner_range(p_of, {"o": odds_ratio, "lo": low, "hi": high}, {"lo": h, "hi": h})
    # the OR itself is rounded too: widen by its own rounding
    p_lo2, p_hi2 = corner_range(
        p_of, {"o": odds_ratio, "lo": low, "hi": high}, {"o": h, "lo": h, "hi": h}
    )
    return {
        "geometric_mid": mid(low, high),
        "mid_min": mid_min,
        "mid_max": mid_max,
        "symmetric": _overlap((odds_ratio - h, odds_ratio + h), (mid_min, mid_max)),
        "se_log": (math.log(high) - math.log(low)) / (2 * z),
        "p_value": p_of(odds_ratio, low, high),
        "p_min": min(p_min, p_lo2),
        "p_max": max(p_max, p_hi2),
    }


def kappa_se(kappa: float, n: int, chance_agreement: float) -> float:
    """Large-sample SE of Cohen's kappa from kappa, n and the chance agreement p_e.

    Cohen's (1960) approximation :math:`\\sqrt{p_o(1-p_o)/n}/(1-p_e)` with
    :math:`p_o = p_e + \\kappa(1 - p_e)`. The exact large-sample SE (Fleiss, Cohen and Everitt
    1969) needs the whole agreement table, which the paper does not give.

    Examples
    --------
    >>> round(kappa_se(0.5, 100, 0.5), 4)
    0.0866
    """
    if not 0 <= chance_agreement < 1:
        raise ValueError(f"chance_agreement must lie in [0, 1), got {chance_agreement!r}")
    po = chance_agreement + kappa * (1 - chance_agreement)
    return float(math.sqrt(po * (1 - po) / n) / (1 - chance_agreement))


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------
def _p_verdict(published: paper.PublishedValue, ranges: Mapping[str, tuple[float, float]]):
    """Readings whose p range overlaps the published interval."""
    target = printed_interval(published.value, published.decimals, published.qualifier)
    return [name for name, rng in ranges.items() if _overlap(target, rng)]


def _ttest_checks() -> list[AuditRecord]:
    records = []
    n1, n2 = int(paper.value("design.n.malignant")), int(paper.value("design.n.benign"))
    items = [
        ("table1", "age_years", "Table 1: t-tests", "age"),
        ("table1", "lesion_size_mm", "Table 1: t-tests", "lesion size"),
        ("table2", "elasticity_kpa", "Table 2: t-tests", "elasticity (Emean)"),
        ("table2", "strain_ratio", "Table 2: t-tests", "strain ratio"),
        ("table2", "elasticity_score", "Table 2: t-tests", "1-5 elasticity score"),
    ]
    names = {
        "student": "Student",
        "welch": "Welch",
        "sd_as_se": "SD read as SE",
        "mann_whitney_normal": "Mann-Whitney (normal groups)",
    }
    for table, var, section, label in items:
        keys = [f"{table}.{var}.{g}.{s}" for g in paper.GROUPS for s in ("mean", "sd")]
        m1, s1, m2, s2 = (paper.value(k) for k in keys)
        decimals = paper.get(keys[0]).decimals
        pub = paper.get(f"{table}.{var}.p_value")
        readings = ttest_readings(m1, s1, n1, m2, s2, n2, decimals=decimals).set_index("reading")
        t_ranges = {
            r: (readings.loc[r, "p_min"], readings.loc[r, "p_max"])
            for r in ("student", "welch", "sd_as_se")
        }
        hits = _p_verdict(pub, t_ranges)
        student = readings.loc["student"]
        text = "; ".join(
            f"{names[r]} {_fmt_range(readings.loc[r, 'p_min'], readings.loc[r, 'p_max'])}"
            for r in ("student", "welch", "sd_as_se")
        )
        mw = readings.loc["mann_whitney_normal", "p_value"]
        if hits:
            verdict = "consistent"
            reason = (
                f"{' and '.join(names[h] for h in hits)} on the printed summaries (rounded to "
                f"{decimals} decimal(s)) give{'s' if len(hits) == 1 else ''} p within the printed "
                f"{pub.printed}"
            )
        else:
            n_needed = n_per_group_for_p(pub.value, m1, s1, m2, s2) if pub.qualifier == "=" else 0
            verdict = "inconsistent"
            reason = (
                f"no reading gives {pub.printed} whatever the unrounded means and SDs; "
                f"Student's t would need about {n_needed:.0f} per group; a Mann-Whitney test "
                f"(not recomputable from mean ± SD) gives {_fmt_p(mw)} for normal groups"
            )
        records.append(
            AuditRecord(
                check_id=f"ttest.{var}",
                section=section,
                quantity=f"p-value, {label}, malignant vs benign",
                paper_keys=(pub.key, *keys, "design.n.malignant", "design.n.benign"),
                published=pub.printed,
                recomputed=float(student.p_value),
                recomputed_text=text,
                method="two-sample t-test from mean ± SD and n = 150 per group "
                "(Student, Welch, and SD read as SE), over the rounding of the summaries",
                verdict=verdict,
                reason=reason,
            )
        )
    return records


def _chi_square_checks() -> list[AuditRecord]:
    records = []
    labels = {
        "breast_density": "breast density (A-D)",
        "birads": "BI-RADS category (3-5)",
        "calcification_pattern": "calcification pattern",
    }
    for var, label in labels.items():
        pub = paper.get(f"table1.{var}.p_value")
        counts = table1_counts(var)
        readings = chi_square_readings(counts)
        ranges = {row.name: (row.p_value, row.p_value) for row in readings.itertuples()}
        if var == "breast_density":
            dense = chi_square_readings(
                table1_counts(var, collapse={"A": "A/B", "B": "A/B", "C": "C/D", "D": "C/D"})
            )
            for row in dense.itertuples():
                ranges[f"{row.name}, dense (C/D) vs not (A/B)"] = (row.p_value, row.p_value)
        hits = _p_verdict(pub, ranges)
        pearson = float(readings.set_index("method").loc["chi_square", "p_value"])
        other = [rng[0] for name, rng in ranges.items() if name != "Pearson chi-square"]
        text = (
            f"Pearson {_fmt_p(pearson)}; {len(other)} other tests "
            f"{_fmt_range(min(other), max(other))}"
        )
        keys = (
            pub.key,
            *(f"table1.{var}.{g}.{lv}.n" for g in paper.GROUPS for lv in paper.counts(var, g)),
        )
        floor_reading = (
            pub.qualifier == "="
            and math.isclose(pub.value, 10.0**-pub.decimals)
            and all(rng[1] <= pub.value for rng in ranges.values())
        )
        if hits:
            verdict = "consistent"
            reason = f"{hits[0]} on the printed counts gives {_fmt_p(ranges[hits[0]][0])}"
        elif floor_reading:
            verdict = "consistent"
            reason = (
                f"every test gives p far below {pub.printed} (Pearson {_fmt_p(pearson)}); "
                f"consistent only if the printed {pub.printed} means 'p ≤ {pub.printed}'"
            )
        else:
            verdict = "inconsistent"
            reason = (
                f"no test of the printed counts gives {pub.printed}: Pearson {_fmt_p(pearson)}, "
                f"the others {_fmt_range(min(r[0] for r in ranges.values()), max(r[0] for r in ranges.values()))}"
                " (counts are exact, so rounding cannot explain it)"
            )
        records.append(
            AuditRecord(
                check_id=f"chisq.{var}",
                section="Table 1: chi-square",
                quantity=f"p-value, {label}, malignant vs benign",
                paper_keys=keys,
                published=pub.printed,
                recomputed=pearson,
                recomputed_text=text,
                method="Pearson chi-square, Yates (2 x 2), likelihood ratio, linear-by-linear, "
                "Fisher's exact test on the printed counts",
                verdict=verdict,
                reason=reason,
            )
        )
    return records


def _grim_checks() -> list[AuditRecord]:
    records = []
    variables = ("breast_density", "histology", "birads", "calcification_pattern")
    for var in variables:
        for group in paper.GROUPS:
            n_group = int(paper.value(f"design.n.{group}"))
            levels = paper.counts(var, group)
            total = sum(levels.values())
            records.append(
                AuditRecord(
                    check_id=f"grim.{var}.{group}.total",
                    section="Table 1: counts and percentages",
                    quantity=f"{_label(var)} counts add up to the {group} group size",
                    paper_keys=(
                        f"design.n.{group}",
                        *(f"table1.{var}.{group}.{lv}.n" for lv in levels),
                    ),
                    tested_keys=tuple(f"table1.{var}.{group}.{lv}.n" for lv in levels),
                    published=f"{n_group:d}",
                    recomputed=float(total),
                    recomputed_text=" + ".join(str(v) for v in levels.values()) + f" = {total}",
                    method="sum of the printed counts",
                    verdict="consistent" if total == n_group else "inconsistent",
                    reason=f"the counts sum to {total}, the group has {n_group}",
                )
            )
            for level, n in levels.items():
                pct = paper.get(f"table1.{var}.{group}.{level}.pct")
                possible = grim_counts(pct.value, n_group, decimals=pct.decimals)
                exact = 100.0 * n / n_group
                ok = n in possible
                if ok:
                    reason = f"{n}/{n_group} = {exact:.3f}% rounds to {pct.printed}%"
                elif possible:
                    reason = (
                        f"{pct.printed}% of {n_group} is {possible[0]}, not the printed count {n}"
                    )
                else:
                    reason = f"no count of {n_group} gives {pct.printed}%"
                records.append(
                    AuditRecord(
                        check_id=f"grim.{var}.{group}.{level}",
                        section="Table 1: counts and percentages",
                        quantity=f"{_label(var)} {_label(level)}, {group}: percentage vs count",
                        paper_keys=(
                            pct.key,
                            f"table1.{var}.{group}.{level}.n",
                            f"design.n.{group}",
                        ),
                        published=f"{pct.printed}%",
                        recomputed=exact,
                        recomputed_text=f"{n}/{n_group} = {exact:.2f}%",
                        method=f"GRIM: counts k of {n_group} with 100k/{n_group} rounding to it",
                        verdict="consistent" if ok else "inconsistent",
                        reason=reason,
                    )
                )
    return records


def _accuracy_checks() -> list[AuditRecord]:
    n_pos, n_neg = int(paper.value("design.n.malignant")), int(paper.value("design.n.benign"))
    sens, spec, acc = (paper.get(k) for k in ("roc.sensitivity", "roc.specificity", "roc.accuracy"))
    records = []
    found = {}
    for pv, n, group, what in (
        (sens, n_pos, "malignant", "true positives"),
        (spec, n_neg, "benign", "true negatives"),
    ):
        ks = grim_counts(pv.value, n, decimals=pv.decimals)
        found[pv.key] = ks
        records.append(
            AuditRecord(
                check_id=f"grim.{pv.key.split('.')[-1]}",
                section=_ACCURACY_SECTION,
                quantity=f"{pv.key.split('.')[-1]}: a possible count of {n}?",
                paper_keys=(pv.key, f"design.n.{group}"),
                published=f"{pv.printed}%",
                recomputed=float(ks[0]) if ks else math.nan,
                recomputed_text=", ".join(f"{k}/{n} = {100 * k / n:.2f}%" for k in ks) or "none",
                method=f"GRIM: counts k of {n} with 100k/{n} rounding to the printed value",
                verdict="consistent" if ks else "inconsistent",
                reason=(
                    f"only {ks[0]} {what} of {n} give {pv.printed}%"
                    if len(ks) == 1
                    else f"{len(ks)} counts of {n} give {pv.printed}%"
                ),
            )
        )
    n_all = n_pos + n_neg
    ks_acc = grim_counts(acc.value, n_all, decimals=acc.decimals)
    records.append(
        AuditRecord(
            check_id="grim.accuracy",
            section=_ACCURACY_SECTION,
            quantity=f"accuracy: a possible count of {n_all}?",
            paper_keys=(acc.key, "design.n.malignant", "design.n.benign"),
            published=f"{acc.printed}%",
            recomputed=float(ks_acc[0]) if ks_acc else math.nan,
            recomputed_text=", ".join(f"{k}/{n_all} = {100 * k / n_all:.2f}%" for k in ks_acc),
            method=f"GRIM: counts k of {n_all} with 100k/{n_all} rounding to the printed value",
            verdict="consistent" if ks_acc else "inconsistent",
            reason=f"{acc.printed}% is {ks_acc[0]} correct of {n_all}, a possible count"
            if ks_acc
            else f"no count of {n_all} gives {acc.printed}%",
        )
    )
    tp, tn = found[sens.key][0], found[spec.key][0]
    implied = 100.0 * (tp + tn) / n_all
    any_prevalence = (min(sens.value, spec.value), max(sens.value, spec.value))
    records.append(
        AuditRecord(
            check_id="accuracy.implied",
            section=_ACCURACY_SECTION,
            quantity="accuracy implied by sensitivity and specificity",
            paper_keys=(acc.key, sens.key, spec.key, "design.n.malignant", "design.n.benign"),
            published=f"{acc.printed}%",
            recomputed=implied,
            recomputed_text=f"({tp} + {tn})/{n_all} = {implied:.2f}%",
            method="accuracy = (TP + TN) / N with the counts behind the printed percentages",
            verdict="consistent"
            if round_half_up(implied, acc.decimals) == acc.value
            else "inconsistent",
            reason=(
                f"{tp} + {tn} correct of {n_all} is {implied:.1f}%, not {acc.printed}%; accuracy "
                f"is a weighted mean of sensitivity and specificity, so at any prevalence it lies "
                f"in [{any_prevalence[0]:.1f}, {any_prevalence[1]:.1f}]%"
            ),
        )
    )
    for which in ("ppv", "npv"):
        pv = predictive_values(tp / n_pos, tn / n_neg, n_pos / n_all)
        counts_text = (
            f"{tp}/({tp} + {n_neg - tn})" if which == "ppv" else f"{tn}/({tn} + {n_pos - tp})"
        )
        records.append(
            AuditRecord(
                check_id=f"accuracy.{which}",
                section=_ACCURACY_SECTION,
                quantity=f"{which.upper()} at the study's {100 * n_pos / n_all:.0f}% prevalence",
                paper_keys=(sens.key, spec.key, "design.n.malignant", "design.n.benign"),
                tested_keys=(),
                published="not reported",
                recomputed=100 * pv[which],
                recomputed_text=f"{counts_text} = {100 * pv[which]:.1f}%",
                method=f"Bayes' theorem (equivalently the 2 x 2 counts) at {n_pos} malignant, "
                f"{n_neg} benign",
                verdict="cannot tell",
                reason=f"the methods promise {which.upper()} with a CI but the results give none; "
                f"at this prevalence it follows from sensitivity and specificity",
            )
        )
    return records


def _ci_checks() -> list[AuditRecord]:
    records = []
    for measure, group in (("sensitivity", "malignant"), ("specificity", "benign")):
        est = paper.get(f"roc.{measure}")
        lo, hi = paper.get(f"roc.{measure}.ci_low"), paper.get(f"roc.{measure}.ci_high")
        n = int(paper.value(f"design.n.{group}"))
        k = grim_counts(est.value, n, decimals=est.decimals)[0]
        table = proportion_ci_table(k, n, published=(lo.value, hi.value), decimals=lo.decimals)
        best = table.loc[table.max_gap.idxmin()]
        matched = table[table.matches]
        if len(matched):
            verdict = "consistent"
            reason = f"{', '.join(matched.name)} at {k}/{n} reproduce{'s' if len(matched) == 1 else ''} it"
            method_row = matched.iloc[0]
        else:
            verdict = "inconsistent"
            reason = (
                f"none of the {len(table)} methods at {k}/{n} gives {lo.printed}-{hi.printed}; "
                f"closest {best['name']} {best.low:.1f}-{best.high:.1f} "
                f"({best.max_gap:.1f} points off)"
            )
            method_row = best
        records.append(
            AuditRecord(
                check_id=f"ci.{measure}",
                section=_ACCURACY_SECTION,
                quantity=f"95% CI of {measure}",
                paper_keys=(lo.key, hi.key, est.key, f"design.n.{group}"),
                tested_keys=(lo.key, hi.key),
                published=f"{lo.printed}-{hi.printed}%",
                recomputed=float(method_row.low),
                recomputed_text=f"{method_row.low:.2f}-{method_row.high:.2f}% ({method_row['name']})",
                method="statsmodels proportion_confint: " + ", ".join(CI_METHODS.values()),
                verdict=verdict,
                reason=reason,
            )
        )
    return records


def _binormal_checks() -> list[AuditRecord]:
    def summaries(var):
        keys = [f"table2.{var}.{g}.{s}" for g in paper.GROUPS for s in ("mean", "sd")]
        values = dict(zip(("m1", "s1", "m0", "s0"), (paper.value(k) for k in keys), strict=True))
        h = _half(paper.get(keys[0]).decimals)
        return keys, values, {k: h for k in values}

    def auc_f(m1, s1, m0, s0):
        return binormal_auc(m1, s1, m0, s0)

    records = []
    caveat = "groups far from normal could differ"
    e_keys, e_vals, e_half = summaries("elasticity_kpa")
    s_keys, s_vals, s_half = summaries("strain_ratio")
    auc_e = paper.get("roc.auc.elasticity")
    auc_c = paper.get("roc.auc.combined")
    e_auc, (e_lo, e_hi) = auc_f(**e_vals), corner_range(auc_f, e_vals, e_half)
    records.append(
        AuditRecord(
            check_id="binormal.auc.elasticity",
            section="Binormal model",
            quantity="AUC of elasticity if both groups were normal",
            paper_keys=(auc_e.key, *e_keys),
            published=auc_e.printed,
            recomputed=e_auc,
            recomputed_text=f"{e_auc:.4f} (rounding: {_span(e_lo, e_hi, '.4f')})",
            method="Phi((m1 - m0) / sqrt(s1² + s0²)) from the Table 2 means and SDs",
            verdict="cannot tell",
            reason=f"normal groups with these means and SDs give {_span(e_lo, e_hi, '.3f')}, above "
            f"{auc_e.printed}; {caveat}",
        )
    )
    s_auc, (s_lo, s_hi) = auc_f(**s_vals), corner_range(auc_f, s_vals, s_half)
    records.append(
        AuditRecord(
            check_id="binormal.auc.strain_ratio_vs_combined",
            section="Binormal model",
            quantity="AUC of strain ratio alone (normal groups) vs the combined model",
            paper_keys=(auc_c.key, *s_keys),
            published=auc_c.printed,
            recomputed=s_auc,
            recomputed_text=f"{s_auc:.4f} (rounding: {_span(s_lo, s_hi, '.4f')})",
            method="binormal AUC of strain ratio from the Table 2 means and SDs",
            verdict="cannot tell",
            reason=f"if normal, strain ratio alone would reach {_span(s_lo, s_hi, '.3f')}, "
            f"{'above' if s_lo > auc_c.value + 0.005 else 'about'} the combined model's "
            f"{auc_c.printed}, which includes strain ratio; {caveat}",
        )
    )
    cutoff = paper.get("roc.cutoff_kpa")
    for measure in ("sensitivity", "specificity"):
        pub = paper.get(f"roc.{measure}")

        def op(m1, s1, m0, s0, _measure=measure):
            return 100 * binormal_operating_point(cutoff.value, m1, s1, m0, s0)[_measure]

        value, (lo, hi) = op(**e_vals), corner_range(op, e_vals, e_half)
        records.append(
            AuditRecord(
                check_id=f"binormal.{measure}",
                section="Binormal model",
                quantity=f"{measure} at {cutoff.printed} kPa if both groups were normal",
                paper_keys=(pub.key, cutoff.key, *e_keys),
                published=f"{pub.printed}%",
                recomputed=value,
                recomputed_text=f"{value:.1f}% (rounding: {_span(lo, hi, '.1f')}%)",
                method="normal tail areas beyond the cutoff, Table 2 means and SDs",
                verdict="cannot tell",
                reason=f"normal groups would give {_span(lo, hi, '.1f')}% instead of "
                f"{pub.printed}%; {caveat}",
            )
        )
    for equal in (True, False):

        def yc(m1, s1, m0, s0, _equal=equal):
            return binormal_youden_cutoff(m1, s1, m0, s0, equal_variance=_equal)

        value, (lo, hi) = yc(**e_vals), corner_range(yc, e_vals, e_half)
        tag = "equal" if equal else "unequal"
        records.append(
            AuditRecord(
                check_id=f"binormal.youden.{tag}_variance",
                section="Binormal model",
                quantity=f"Youden cutoff of normal groups, {tag} variances",
                paper_keys=(cutoff.key, *e_keys),
                published=f"{cutoff.printed} kPa",
                recomputed=value,
                recomputed_text=f"{value:.1f} kPa (rounding: {_span(lo, hi, '.1f')})",
                method=(
                    "midpoint of the means (pooled SD)"
                    if equal
                    else "where the two normal densities cross, between the means"
                ),
                verdict="cannot tell",
                reason=f"normal groups put the optimal cutoff at {_span(lo, hi, '.1f')} kPa, not "
                f"{cutoff.printed}; {caveat}",
            )
        )
    return records


def _auc_ci_checks() -> list[AuditRecord]:
    records = []
    n1, n0 = int(paper.value("design.n.malignant")), int(paper.value("design.n.benign"))
    for which in ("elasticity", "combined"):
        auc = paper.get(f"roc.auc.{which}")
        lo, hi = paper.get(f"roc.auc.{which}.ci_low"), paper.get(f"roc.auc.{which}.ci_high")
        r = auc_ci_check(auc.value, lo.value, hi.value, n_cases=n1, n_controls=n0)
        ratio = r["se_implied"] / r["se"]
        records.append(
            AuditRecord(
                check_id=f"auc_ci.{which}",
                section="AUC confidence intervals",
                quantity=f"95% CI of the {which} AUC vs its Hanley-McNeil SE",
                paper_keys=(lo.key, hi.key, auc.key, "design.n.malignant", "design.n.benign"),
                tested_keys=(lo.key, hi.key),
                published=f"{lo.printed}-{hi.printed}",
                recomputed=r["low"],
                recomputed_text=f"SE {r['se']:.4f}: {r['low']:.3f}-{r['high']:.3f}; "
                f"the printed width allows SE {r['se_implied_min']:.4f}-{r['se_implied_max']:.4f}",
                method=f"AUC ± 1.96 SE, Hanley-McNeil SE at n = {n1}/{n0}, every AUC rounding "
                f"to {auc.printed}",
                verdict="consistent" if r["reproduced"] else "cannot tell",
                reason=(
                    f"an AUC rounding to {auc.printed} with the Hanley-McNeil SE at {n1}/{n0} "
                    f"gives limits that round to {lo.printed}-{hi.printed}"
                    if r["reproduced"]
                    else f"the printed width implies an SE {ratio:.1f} times Hanley-McNeil's; "
                    "that formula is approximate, so this alone proves nothing"
                ),
            )
        )
    return records


def _odds_ratio_checks() -> list[AuditRecord]:
    records = []
    for var in ("elasticity_kpa", "strain_ratio", "lesion_size_mm", "dense_breast", "age_years"):
        keys = [f"table3.{var}.{s}" for s in ("odds_ratio", "ci_low", "ci_high", "p_value")]
        o, lo, hi, p = (paper.get(k) for k in keys)
        r = odds_ratio_ci_check(o.value, lo.value, hi.value, decimals=o.decimals)
        printed = f"{o.printed} ({lo.printed}-{hi.printed})"
        records.append(
            AuditRecord(
                check_id=f"or_symmetry.{var}",
                section="Table 3: odds ratios",
                quantity=f"OR of {_label(var)}: CI symmetric on the log scale (Wald)?",
                paper_keys=(keys[1], keys[2], keys[0]),
                tested_keys=(keys[1], keys[2]),
                published=printed,
                recomputed=r["geometric_mid"],
                recomputed_text=f"sqrt({lo.printed} x {hi.printed}) = {r['geometric_mid']:.3f} "
                f"(rounding: {r['mid_min']:.3f}-{r['mid_max']:.3f})",
                method="a Wald CI has OR = sqrt(low x high); limits rounded to 2 decimals",
                verdict="consistent" if r["symmetric"] else "inconsistent",
                reason=(
                    f"the geometric midpoint of the limits, {r['geometric_mid']:.3f}, rounds "
                    f"(within the limits' rounding) to {o.printed}"
                    if r["symmetric"]
                    else f"the limits centre on {r['mid_min']:.3f}-{r['mid_max']:.3f}, not "
                    f"{o.printed}: not a Wald interval (a profile-likelihood CI, which the paper "
                    "does not mention, could be asymmetric)"
                ),
            )
        )
        target = printed_interval(p.value, p.decimals, p.qualifier)
        ok = _overlap(target, (r["p_min"], r["p_max"]))
        records.append(
            AuditRecord(
                check_id=f"or_p.{var}",
                section="Table 3: odds ratios",
                quantity=f"OR of {_label(var)}: p-value implied by its CI",
                paper_keys=(keys[3], keys[0], keys[1], keys[2]),
                published=p.printed,
                recomputed=r["p_value"],
                recomputed_text=f"{_fmt_p(r['p_value'])} (rounding: "
                f"{_fmt_range(r['p_min'], r['p_max'])})",
                method="Wald: SE = (log high - log low)/3.92, z = log OR / SE",
                verdict="consistent" if ok else "inconsistent",
                reason=(
                    f"the CI implies p {_fmt_range(r['p_min'], r['p_max'])} over the rounding "
                    f"of OR and limits, which includes {p.printed}"
                    if ok
                    else f"the CI implies p {_fmt_range(r['p_min'], r['p_max'])} over the "
                    f"rounding of OR and limits, which excludes {p.printed}, unless the p-value "
                    "came from another test (e.g. likelihood ratio) than the CI"
                ),
            )
        )
    return records


def _kappa_check(categories: int = 5) -> AuditRecord:
    k, lo, hi = (paper.get(f"agreement.kappa{s}") for s in ("", ".ci_low", ".ci_high"))
    n = int(paper.value("design.n.malignant") + paper.value("design.n.benign"))
    h = _half(k.decimals)
    se_min = (hi.value - lo.value - 2 * h) / (2 * _Z95)
    se_max = (hi.value - lo.value + 2 * h) / (2 * _Z95)
    grid = np.linspace(0.0, 0.9, 901)
    fits = [
        pe
        for pe in grid
        if _overlap(
            (se_min, se_max),
            (
                min(kappa_se(k.value - h, n, pe), kappa_se(k.value + h, n, pe)),
                max(kappa_se(k.value - h, n, pe), kappa_se(k.value + h, n, pe)),
            ),
        )
    ]
    pe_lo, pe_hi = (float(min(fits)), float(max(fits))) if fits else (math.nan, math.nan)
    floor = 1.0 / categories
    se_at_floor = kappa_se(k.value, n, floor)
    ok = bool(fits) and pe_hi >= floor
    mid = (lo.value + hi.value) / 2
    return AuditRecord(
        check_id="kappa.ci_width",
        section="Agreement",
        quantity="95% CI of kappa vs the SE that kappa and n imply",
        paper_keys=(lo.key, hi.key, k.key, "design.n.malignant", "design.n.benign"),
        tested_keys=(lo.key, hi.key),
        published=f"{k.printed} ({lo.printed}-{hi.printed})",
        recomputed=se_at_floor,
        recomputed_text=f"SE {se_at_floor:.4f} at p_e = {floor:.2f}; the printed width allows SE "
        f"{se_min:.4f}-{se_max:.4f}, i.e. p_e {pe_lo:.2f}-{pe_hi:.2f}",
        method=f"Cohen's SE sqrt(p_o(1-p_o)/n)/(1-p_e), n = {n}, kappa rounding to {k.printed}",
        verdict="consistent" if ok else "inconsistent",
        reason=(
            f"the width fits a chance agreement p_e of {pe_lo:.2f}-{pe_hi:.2f}, plausible for a "
            f"{categories}-point score (equal margins give {floor:.2f}); the limits centre on "
            f"{mid:.3f}, within rounding of {k.printed}"
            if ok
            else f"the width needs a chance agreement of {pe_lo:.2f}-{pe_hi:.2f}, below "
            f"{floor:.2f}, implausible for a {categories}-point score"
        ),
    )


def p_value_points() -> pd.DataFrame:
    """Every published p-value that can be recomputed, next to its recomputed readings.

    The data of the chapter's p-value figure: Table 1's t-tests and chi-square tests and
    Table 3's p-values implied by their CIs.

    Returns
    -------
    pandas.DataFrame
        ``check`` (row label), ``key`` (the paper key), ``label`` (``"published"`` or the
        reading), ``value``, ``low``, ``high`` (the range over rounding; for "published",
        the values that round to the printed number, or [0, bound) for "P < bound").

    Examples
    --------
    >>> points = p_value_points()
    >>> sorted(set(points.label))[:2]
    ['Pearson chi-square', 'SD read as SE']
    """
    n1, n2 = int(paper.value("design.n.malignant")), int(paper.value("design.n.benign"))
    rows = []

    def published(check, key):
        pub = paper.get(key)
        low, high = printed_interval(pub.value, pub.decimals, pub.qualifier)
        rows.append((check, key, "published", pub.value, low, high))

    for var, check in (("age_years", "age (Table 1)"), ("lesion_size_mm", "lesion size (Table 1)")):
        key = f"table1.{var}.p_value"
        published(check, key)
        m1, s1, m2, s2 = (
            paper.value(f"table1.{var}.{g}.{s}") for g in paper.GROUPS for s in ("mean", "sd")
        )
        decimals = paper.get(f"table1.{var}.malignant.mean").decimals
        readings = ttest_readings(m1, s1, n1, m2, s2, n2, decimals=decimals).set_index("reading")
        for reading, label in (
            ("student", "Student t"),
            ("welch", "Welch t"),
            ("sd_as_se", "SD read as SE"),
        ):
            r = readings.loc[reading]
            rows.append((check, key, label, r.p_value, r.p_min, r.p_max))
    for var, check in (
        ("breast_density", "density (Table 1)"),
        ("birads", "BI-RADS (Table 1)"),
        ("calcification_pattern", "pattern (Table 1)"),
    ):
        key = f"table1.{var}.p_value"
        published(check, key)
        readings = chi_square_readings(table1_counts(var)).set_index("method")
        others = list(readings.p_value.drop("chi_square"))
        if var == "breast_density":
            dense = chi_square_readings(
                table1_counts(var, collapse={"A": "A/B", "B": "A/B", "C": "C/D", "D": "C/D"})
            )
            others += list(dense.p_value)
        pearson = float(readings.loc["chi_square", "p_value"])
        rows.append((check, key, "Pearson chi-square", pearson, pearson, pearson))
        target = paper.value(key)
        closest = min(others, key=lambda p: abs(math.log(p) - math.log(target)))
        rows.append((check, key, "other tests", closest, min(others), max(others)))
    for var, check in (
        ("lesion_size_mm", "lesion size OR (Table 3)"),
        ("dense_breast", "dense breast OR (Table 3)"),
        ("age_years", "age OR (Table 3)"),
    ):
        key = f"table3.{var}.p_value"
        published(check, key)
        o, lo, hi = (paper.get(f"table3.{var}.{s}") for s in ("odds_ratio", "ci_low", "ci_high"))
        r = odds_ratio_ci_check(o.value, lo.value, hi.value, decimals=o.decimals)
        rows.append((check, key, "Wald, from the CI", r["p_value"], r["p_min"], r["p_max"]))
    return pd.DataFrame(rows, columns=["check", "key", "label", "value", "low", "high"])


def audit_records() -> tuple[AuditRecord, ...]:
    """Every audit check as an :class:`AuditRecord`, in the order of the paper.

    Examples
    --------
    >>> records = audit_records()
    >>> next(r for r in records if r.check_id == "accuracy.implied").verdict
    'inconsistent'
    """
    return (
        *_ttest_checks(),
        *_chi_square_checks(),
        *_grim_checks(),
        *_accuracy_checks(),
        *_ci_checks(),
        *_binormal_checks(),
        *_auc_ci_checks(),
        *_odds_ratio_checks(),
        _kappa_check(),
    )


def audit_paper() -> pd.DataFrame:
    """The audit as a table: one row per check (see the module docstring for the columns).

    Returns
    -------
    pandas.DataFrame
        Columns ``check_id``, ``section``, ``quantity``, ``paper_keys`` (``;``-joined, the first
        is the number under test), ``published``, ``recomputed``, ``recomputed_text``,
        ``method``, ``verdict``, ``reason``, ``tested_keys`` (``;``-joined, the keys the verdict
        judges).

    Examples
    --------
    >>> audit = audit_paper()
    >>> float(audit.set_index("check_id").loc["grim.specificity", "recomputed"])
    130.0
    """
    return pd.DataFrame([r.as_row() for r in audit_records()])
