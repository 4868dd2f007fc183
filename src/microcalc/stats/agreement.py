"""Agreement between readers: Cohen's kappa, intraclass correlation, Bland-Altman, repeatability.

The functions work on plain arrays, and the ``reader_*`` / :func:`kappa_candidates` /
:func:`repeatability` entry points on any table that follows the data dictionary
(``reader1_score``, ``reader2_elasticity_kpa``, ..., and the long measurement table with
``participant_id``, ``reader``, ``acquisition`` and a value column).

What is called rather than re-written:

* kappa and its standard errors: :func:`statsmodels.stats.inter_rater.cohens_kappa`;
* the six intraclass correlations and their confidence intervals:
  :func:`pingouin.intraclass_corr`;
* the proportional-bias regression: :func:`scipy.stats.linregress`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa as _sm_cohens_kappa

from microcalc.stats.validation import as_finite_array, check_same_length

__all__ = [
    "BlandAltmanResult",
    "IccChoice",
    "KappaResult",
    "RepeatabilityResult",
    "bland_altman",
    "bland_altman_points",
    "cohen_kappa",
    "dichotomised_kappa",
    "icc_form",
    "intraclass_correlations",
    "kappa_by_group",
    "kappa_candidates",
    "kappa_table",
    "reader_bland_altman",
    "reader_icc",
    "repeatability",
    "repeatability_stats",
]

_WEIGHTS = ("unweighted", "linear", "quadratic")


# ---------------------------------------------------------------------------------------------
# Input checks shared by the table-level entry points
# ---------------------------------------------------------------------------------------------
def _check_alpha(alpha: float, name: str = "alpha") -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
        raise TypeError(f"{name} must be a number, got {alpha!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {alpha!r}")
    return float(alpha)


def _check_table(table, name: str = "table") -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    return table


def _row_label(table: pd.DataFrame, position: int) -> str:
    label = f"row {position}"
    if "participant_id" in table.columns:
        label += f" (participant_id {table['participant_id'].iloc[position]!r})"
    return label


def _table_column(table: pd.DataFrame, column: str) -> np.ndarray:
    """Return a numeric column as floats; errors name the column, the row and the value."""
    if column not in table.columns:
        raise ValueError(
            f"table has no column {column!r} (see the data dictionary); "
            f"its columns are {list(map(str, table.columns))}"
        )
    series = table[column]
    numeric = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(numeric))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"column {column!r}, {_row_label(table, i)}: value {series.iloc[i]!r} is not a "
            f"finite number ({bad.size} such row(s))"
        )
    return as_finite_array(numeric, f"column {column!r}")


# ---------------------------------------------------------------------------------------------
# Cohen's kappa
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KappaResult:
    """Cohen's kappa between two raters, with its large-sample standard error.

    Attributes
    ----------
    weights : str
        ``"unweighted"``, ``"linear"`` or ``"quadratic"``.
    n : int
        Number of rated items.
    n_categories : int
        Number of categories in the contingency table (including unused ones).
    observed_agreement, expected_agreement : float
        Observed and chance agreement (weighted with agreement weights ``1 - d`` for a weighted
        kappa), so that ``estimate = (observed - expected) / (1 - expected)``.
    estimate : float
        Kappa.
    se : float
        Large-sample standard error that does not assume kappa = 0 (Fleiss, Cohen & Everitt 1969),
        as computed by statsmodels.
    ci_low, ci_high : float
        Wald confidence interval ``estimate -/+ z * se``, clipped to [-1, 1].
    se_null : float
        Standard error under the null hypothesis kappa = 0, used for the test.
    z, p_value : float
        Test of kappa = 0: ``z = estimate / se_null``, two-sided normal p-value.
    alpha : float
        One minus the confidence level.
    """

    weights: str
    n: int
    n_categories: int
    observed_agreement: float
    expected_agreement: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    se_null: float
    z: float
    p_value: float
    alpha: float


def _check_categories(categories, values: dict[str, np.ndarray]) -> np.ndarray:
    if categories is None:
        cats = np.unique(np.concatenate(list(values.values())))
    else:
        cats = as_finite_array(categories, "categories")
        if np.any(np.diff(cats) <= 0):
            raise ValueError(f"categories must be strictly increasing, got {cats.tolist()}")
        for name, array in values.items():
            outside = np.flatnonzero(~np.isin(array, cats))
            if outside.size:
                i = int(outside[0])
                raise ValueError(
                    f"{name} holds {float(array[i])!r} at position {i}, which is not one of the "
                    f"categories {cats.tolist()}"
                )
    if cats.size < 2:
        raise ValueError(
            f"kappa needs at least two categories; the ratings use only {cats.tolist()} "
            "(chance agreement is 1, kappa is undefined)"
        )
    return cats


def cohen_kappa(
    rater1,
    rater2,
    *,
    weights: str = "unweighted",
    categories: Sequence[float] | None = None,
    alpha: float = 0.05,
) -> KappaResult:
    """Cohen's kappa between two raters, unweighted or with linear or quadratic weights.

    Parameters
    ----------
    rater1, rater2 : array-like of numbers
        The two raters' ordinal ratings of the same items (for example the 1-5 elasticity score,
        or 0/1 calls).
    weights : {"unweighted", "linear", "quadratic"}, default "unweighted"
        Disagreement weights ``|i - j|`` or ``(i - j)**2`` computed on the category *values*
        (Cicchetti-Allison and Fleiss-Cohen weights); scaling does not change kappa.
    categories : sequence of numbers, optional
        All possible categories, for example ``range(1, 6)``. Default: the values observed in
        either rater. Because the weights use the category values, an unused category changes
        neither the estimate nor the standard error.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    KappaResult

    Notes
    -----
    With cell proportions :math:`p_{ij}` (rater 1 in rows), margins :math:`p_{i.}`,
    :math:`p_{.j}` and agreement weights :math:`w_{ij} = 1 - d_{ij}/\\max d`,

    .. math:: \\kappa = \\frac{p_o - p_e}{1 - p_e},\\quad
              p_o = \\sum w_{ij} p_{ij},\\quad p_e = \\sum w_{ij} p_{i.} p_{.j}.

    The estimate and both variances come from
    :func:`statsmodels.stats.inter_rater.cohens_kappa`. ``se`` is the large-sample (non-null)
    standard error of Fleiss, Cohen & Everitt (1969), the one SAS PROC FREQ reports; ``se_null``
    is its value under kappa = 0 and is used only for the z test. For the unweighted kappa this
    equals ``psych::cohen.kappa``'s ``var.kappa`` exactly. For weighted kappas psych 2.2.9 uses
    ``p_i. * sum_j w_ij`` where the formula has ``sum_j p_.j w_ij``; its ``var.weighted``
    therefore differs (it can even be negative and is then set to 0). The tests pin both.

    References
    ----------
    Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
    Cohen J (1968). Weighted kappa. Psychol Bull 70:213-220.
    Fleiss JL, Cohen J, Everitt BS (1969). Large sample standard errors of kappa and weighted
    kappa. Psychol Bull 72:323-327.

    Examples
    --------
    >>> r = cohen_kappa([1, 2, 3, 3, 2], [1, 2, 3, 2, 2], weights="linear")
    >>> round(r.estimate, 3)
    0.737
    """
    alpha = _check_alpha(alpha)
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be one of {_WEIGHTS}, got {weights!r}")
    a = as_finite_array(rater1, "rater1")
    b = as_finite_array(rater2, "rater2")
    n = check_same_length(rater1=a, rater2=b)
    cats = _check_categories(categories, {"rater1": a, "rater2": b})
    k = cats.size
    table = np.zeros((k, k))
    np.add.at(table, (np.searchsorted(cats, a), np.searchsorted(cats, b)), 1.0)

    # statsmodels takes sqrt of a variance that rounding can make -1e-17: silence that warning.
    with np.errstate(invalid="ignore", divide="ignore"):
        if weights == "unweighted":
            res = _sm_cohens_kappa(table)
            agreement_w = np.eye(k)
        else:
            res = _sm_cohens_kappa(table, weights=cats, wt=weights)
            agreement_w = 1.0 - np.asarray(res.weights, dtype=float)
    probs = table / n
    expected = probs.sum(axis=1)[:, None] * probs.sum(axis=0)[None, :]
    p_o = float((agreement_w * probs).sum())
    p_e = float((agreement_w * expected).sum())
    if math.isclose(p_e, 1.0):
        raise ValueError(
            "rater1 and rater2 both use a single category; chance agreement is 1 and kappa is "
            "undefined"
        )
    estimate = float(res.kappa)
    se = math.sqrt(max(float(res.var_kappa), 0.0))
    se_null = math.sqrt(max(float(res.var_kappa0), 0.0))
    zq = stats.norm.ppf(1 - alpha / 2)
    z = estimate / se_null if se_null > 0 else math.copysign(math.inf, estimate)
    return KappaResult(
        weights=weights,
        n=n,
        n_categories=k,
        observed_agreement=p_o,
        expected_agreement=p_e,
        estimate=estimate,
        se=se,
        ci_low=float(max(-1.0, estimate - zq * se)),
        ci_high=float(min(1.0, estimate + zq * se)),
        se_null=se_null,
        z=float(z),
        p_value=float(2 * stats.norm.sf(abs(z))),
        alpha=alpha,
    )


def dichotomised_kappa(
    marker1,
    marker2,
    *,
    cutoff: float,
    alpha: float = 0.05,
    names=("marker1", "marker2"),
) -> KappaResult:
    """Unweighted kappa of the two readers' positive calls ``marker >= cutoff``.

    Parameters
    ----------
    marker1, marker2 : array-like of numbers
        The two readers' continuous (or ordinal) values.
    cutoff : float
        A value at or above the cutoff is a positive call (the paper's 62 kPa for elasticity).
    alpha : float, default 0.05
        One minus the confidence level.
    names : tuple of two str
        Names used in error messages.

    Returns
    -------
    KappaResult
        With two categories (0, 1); weights do not matter for a 2 x 2 table.

    Notes
    -----
    See :func:`cohen_kappa`. The call uses ``>=``, the same convention as the accuracy tables.

    References
    ----------
    Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.

    Examples
    --------
    >>> r = dichotomised_kappa([50, 70, 80, 40], [55, 65, 60, 45], cutoff=62)
    >>> round(r.estimate, 2)
    0.5
    """
    cutoff = float(as_finite_array([cutoff], "cutoff")[0])
    a = as_finite_array(marker1, names[0])
    b = as_finite_array(marker2, names[1])
    check_same_length(**{names[0]: a, names[1]: b})
    return cohen_kappa(
        (a >= cutoff).astype(float),
        (b >= cutoff).astype(float),
        categories=[0, 1],
        alpha=alpha,
    )


def kappa_table(
    rater1, rater2, *, categories: Sequence[float] | None = None, alpha: float = 0.05
) -> pd.DataFrame:
    """Unweighted, linear- and quadratic-weighted kappa in one tidy table.

    Parameters
    ----------
    rater1, rater2 : array-like of numbers
        The two raters' ordinal ratings.
    categories : sequence of numbers, optional
        All possible categories (see :func:`cohen_kappa`).
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per weighting, with the fields of :class:`KappaResult` as columns.

    Notes
    -----
    See :func:`cohen_kappa` for the formulas and the standard error.

    References
    ----------
    Cohen J (1968). Weighted kappa. Psychol Bull 70:213-220.

    Examples
    --------
    >>> t = kappa_table([1, 2, 3, 3], [1, 2, 3, 2])
    >>> t["weights"].tolist()
    ['unweighted', 'linear', 'quadratic']
    """
    rows = [
        asdict(cohen_kappa(rater1, rater2, weights=w, categories=categories, alpha=alpha))
        for w in _WEIGHTS
    ]
    return pd.DataFrame(rows)


def kappa_candidates(
    lesions: pd.DataFrame,
    *,
    cutoff: float = 62.0,
    score_cutoff: float = 4,
    strain_ratio_cutoff: float | None = None,
    target: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every kappa a paper could have meant by "inter-observer kappa", side by side.

    The paper reports one kappa without saying on what it was computed. This lists the
    candidates from the lesion table's reader columns, so that a chapter can show which lands
    near the published value.

    Parameters
    ----------
    lesions : pandas.DataFrame
        Lesion table with ``reader1_score``, ``reader2_score``, ``reader1_elasticity_kpa`` and
        ``reader2_elasticity_kpa`` (and the strain-ratio columns if ``strain_ratio_cutoff`` is
        given).
    cutoff : float, default 62.0
        Elasticity cutoff (kPa) for the dichotomised call ``elasticity >= cutoff``.
    score_cutoff : float, default 4
        A score at or above this is a positive call (scores 4-5 "suspicious").
    strain_ratio_cutoff : float, optional
        If given, also the kappa of ``strain_ratio >= strain_ratio_cutoff``.
    target : float, optional
        A published kappa; adds ``abs_difference = |estimate - target|`` and
        ``target_in_ci`` (whether the candidate's CI covers it).
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per candidate: ``candidate``, ``variable``, ``scale`` and the fields of
        :class:`KappaResult` (``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value`` ...).

    Notes
    -----
    The candidates are the unweighted, linear- and quadratic-weighted kappa of the 1-5 score,
    the kappa of the dichotomised score and of the dichotomised elasticity (and strain ratio).
    Prevalence and the number of categories move kappa a lot, so these can differ widely on the
    same readers. See :func:`cohen_kappa` for the formulas.

    References
    ----------
    Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
    Cohen J (1968). Weighted kappa. Psychol Bull 70:213-220.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"reader1_score": [1, 2, 4, 5], "reader2_score": [1, 3, 4, 5],
    ...                   "reader1_elasticity_kpa": [40, 50, 70, 90],
    ...                   "reader2_elasticity_kpa": [42, 66, 72, 88]})
    >>> kappa_candidates(t)["candidate"].tolist()[:2]
    ['score, unweighted', 'score, linear weights']
    """
    lesions = _check_table(lesions, "lesions")
    s1 = _table_column(lesions, "reader1_score")
    s2 = _table_column(lesions, "reader2_score")
    e1 = _table_column(lesions, "reader1_elasticity_kpa")
    e2 = _table_column(lesions, "reader2_elasticity_kpa")
    score_categories = np.arange(1.0, 6.0)
    for column, values in (("reader1_score", s1), ("reader2_score", s2)):
        bad = np.flatnonzero(~np.isin(values, score_categories))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"column {column!r}, {_row_label(lesions, i)}: value {float(values[i])!r} is not "
                "a score 1, 2, 3, 4 or 5"
            )
    rows = []
    for w, label in zip(
        _WEIGHTS, ("unweighted", "linear weights", "quadratic weights"), strict=True
    ):
        r = cohen_kappa(s1, s2, weights=w, categories=score_categories, alpha=alpha)
        rows.append(
            {
                "candidate": f"score, {label}",
                "variable": "score",
                "scale": "1-5",
                **asdict(r),
            }
        )
    r = dichotomised_kappa(
        s1,
        s2,
        cutoff=score_cutoff,
        alpha=alpha,
        names=("reader1_score", "reader2_score"),
    )
    rows.append(
        {
            "candidate": f"score >= {score_cutoff:g}",
            "variable": "score",
            "scale": "binary",
            **asdict(r),
        }
    )
    r = dichotomised_kappa(
        e1,
        e2,
        cutoff=cutoff,
        alpha=alpha,
        names=("reader1_elasticity_kpa", "reader2_elasticity_kpa"),
    )
    rows.append(
        {
            "candidate": f"elasticity >= {cutoff:g} kPa",
            "variable": "elasticity_kpa",
            "scale": "binary",
            **asdict(r),
        }
    )
    if strain_ratio_cutoff is not None:
        r1 = _table_column(lesions, "reader1_strain_ratio")
        r2 = _table_column(lesions, "reader2_strain_ratio")
        r = dichotomised_kappa(
            r1,
            r2,
            cutoff=strain_ratio_cutoff,
            alpha=alpha,
            names=("reader1_strain_ratio", "reader2_strain_ratio"),
        )
        rows.append(
            {
                "candidate": f"strain ratio >= {strain_ratio_cutoff:g}",
                "variable": "strain_ratio",
                "scale": "binary",
                **asdict(r),
            }
        )
    out = pd.DataFrame(rows)
    if target is not None:
        target = float(as_finite_array([target], "target")[0])
        out["abs_difference"] = (out["estimate"] - target).abs()
        out["target_in_ci"] = (out["ci_low"] <= target) & (target <= out["ci_high"])
    return out


def kappa_by_group(
    lesions: pd.DataFrame,
    *,
    by: str = "malignant",
    measure: str = "elasticity_kpa",
    cutoff: float = 62.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kappa of the two readers' dichotomised calls within each group and in all lesions.

    Shows how kappa depends on how common positive calls are: the same readers, with the same
    observed agreement, get a lower kappa where almost every call is positive (or negative).

    Parameters
    ----------
    lesions : pandas.DataFrame
        Lesion table with ``reader1_<measure>``, ``reader2_<measure>`` and the ``by`` column.
    by : str, default "malignant"
        Column that defines the groups (any values without missing entries).
    measure : str, default "elasticity_kpa"
        Measure whose readers' values are dichotomised.
    cutoff : float, default 62.0
        A value at or above the cutoff is a positive call.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted) and a last row ``"all"``: ``group``, ``positive_share`` (share
        of the ``2 n`` calls that are positive) and the fields of :class:`KappaResult`.

    Notes
    -----
    Each row is :func:`dichotomised_kappa` on that subset. With observed agreement
    :math:`p_o` and share of positive calls :math:`\\pi` (both readers alike), chance
    agreement is about :math:`p_e = \\pi^2 + (1-\\pi)^2`, which approaches 1 as
    :math:`\\pi` approaches 0 or 1; :math:`\\kappa = (p_o - p_e)/(1 - p_e)` then falls even
    when :math:`p_o` does not.

    References
    ----------
    Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"malignant": [1, 1, 1, 0, 0, 0],
    ...                   "reader1_elasticity_kpa": [80, 70, 50, 40, 65, 30],
    ...                   "reader2_elasticity_kpa": [85, 60, 55, 45, 70, 35]})
    >>> kappa_by_group(t)["group"].tolist()
    ['0', '1', 'all']
    """
    lesions = _check_table(lesions, "lesions")
    if not isinstance(by, str) or by not in lesions.columns:
        raise ValueError(
            f"by must name a column of lesions, got {by!r}; its columns are "
            f"{list(map(str, lesions.columns))}"
        )
    if not isinstance(measure, str):
        raise TypeError(f"measure must be a string, got {measure!r}")
    cutoff = float(as_finite_array([cutoff], "cutoff")[0])
    missing = np.flatnonzero(lesions[by].isna().to_numpy())
    if missing.size:
        i = int(missing[0])
        raise ValueError(f"column {by!r}, {_row_label(lesions, i)}: value is missing")
    c1, c2 = f"reader1_{measure}", f"reader2_{measure}"
    x1 = _table_column(lesions, c1)
    x2 = _table_column(lesions, c2)
    labels = lesions[by].to_numpy()
    subsets = [(str(g), labels == g) for g in sorted(pd.unique(labels))]
    subsets.append(("all", np.ones(len(lesions), dtype=bool)))
    rows = []
    for group, keep in subsets:
        a, b = x1[keep], x2[keep]
        try:
            r = dichotomised_kappa(a, b, cutoff=cutoff, alpha=alpha, names=(c1, c2))
        except ValueError as error:
            raise ValueError(f"group {by} = {group!r}: {error}") from None
        positive = float(((a >= cutoff).sum() + (b >= cutoff).sum()) / (2 * a.size))
        rows.append({"group": group, "positive_share": positive, **asdict(r)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Intraclass correlation
# ---------------------------------------------------------------------------------------------
# pingouin's label -> (form, Shrout-Fleiss, McGraw-Wong, model, definition, unit)
_ICC_FORMS = {
    "ICC(1,1)": (
        "ICC1",
        "ICC(1,1)",
        "ICC(1)",
        "one-way random",
        "absolute agreement",
        "single",
    ),
    "ICC(A,1)": (
        "ICC2",
        "ICC(2,1)",
        "ICC(A,1)",
        "two-way random",
        "absolute agreement",
        "single",
    ),
    "ICC(C,1)": (
        "ICC3",
        "ICC(3,1)",
        "ICC(C,1)",
        "two-way mixed",
        "consistency",
        "single",
    ),
    "ICC(1,k)": (
        "ICC1k",
        "ICC(1,k)",
        "ICC(k)",
        "one-way random",
        "absolute agreement",
        "average",
    ),
    "ICC(A,k)": (
        "ICC2k",
        "ICC(2,k)",
        "ICC(A,k)",
        "two-way random",
        "absolute agreement",
        "average",
    ),
    "ICC(C,k)": (
        "ICC3k",
        "ICC(3,k)",
        "ICC(C,k)",
        "two-way mixed",
        "consistency",
        "average",
    ),
}


def _wide_ratings(ratings) -> tuple[np.ndarray, list[str]]:
    if isinstance(ratings, pd.DataFrame):
        names = [str(c) for c in ratings.columns]
        columns = [_table_column(ratings, c) for c in ratings.columns]
        matrix = np.column_stack(columns) if columns else np.empty((len(ratings), 0))
    else:
        try:
            matrix = np.asarray(ratings, dtype=float)
        except (TypeError, ValueError) as error:
            raise TypeError(f"ratings must hold numbers only ({error})") from None
        if matrix.ndim != 2:
            raise ValueError(
                f"ratings must be two-dimensional (targets x raters), got shape {matrix.shape}"
            )
        names = [f"rater{j + 1}" for j in range(matrix.shape[1])]
        for j, name in enumerate(names):
            as_finite_array(matrix[:, j], f"ratings column {j} ({name})")
    if matrix.shape[1] < 2:
        raise ValueError(f"ratings need at least two raters (columns), got {matrix.shape[1]}")
    if matrix.shape[0] < 3:
        raise ValueError(f"ratings need at least three targets (rows), got {matrix.shape[0]}")
    return matrix, names


def intraclass_correlations(ratings) -> pd.DataFrame:
    """All six Shrout-Fleiss intraclass correlations with 95% confidence intervals.

    Parameters
    ----------
    ratings : pandas.DataFrame or 2-D array-like
        Wide table: one row per target (participant), one column per rater; complete.

    Returns
    -------
    pandas.DataFrame
        Six rows (``ICC1``, ``ICC2``, ``ICC3``, ``ICC1k``, ``ICC2k``, ``ICC3k``) with columns
        ``form``, ``shrout_fleiss``, ``mcgraw_wong``, ``model``, ``definition``, ``unit``,
        ``estimate``, ``ci_low``, ``ci_high``, ``f_stat``, ``df1``, ``df2``, ``p_value``,
        ``n_targets``, ``n_raters``.

    Notes
    -----
    From the two-way ANOVA mean squares for targets (``MSR``), raters (``MSC``), error
    (``MSE``) and within targets (``MSW``), with *k* raters and *n* targets:

    * ICC(1,1) = (MSR - MSW) / (MSR + (k-1) MSW);  ICC(1,k) = (MSR - MSW) / MSR
    * ICC(2,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE)/n);
      ICC(2,k) = (MSR - MSE) / (MSR + (MSC - MSE)/n)
    * ICC(3,1) = (MSR - MSE) / (MSR + (k-1) MSE);  ICC(3,k) = (MSR - MSE) / MSR

    Computed by :func:`pingouin.intraclass_corr` (unrounded; pingouin rounds its CI column to two
    decimals by default, which is switched off here). The CIs are the F-based intervals of
    Shrout & Fleiss (1979) and McGraw & Wong (1996); for ICC(2,.) the Satterthwaite-type
    approximation. The estimates, F tests and CIs equal ``psych::ICC(lmer = FALSE)``. The level
    is fixed at 95% because pingouin fixes it. Which form to report: :func:`icc_form`.

    References
    ----------
    Shrout PE, Fleiss JL (1979). Intraclass correlations: uses in assessing rater reliability.
    Psychol Bull 86:420-428.
    McGraw KO, Wong SP (1996). Forming inferences about some intraclass correlation
    coefficients. Psychol Methods 1:30-46.

    Examples
    --------
    >>> t = intraclass_correlations([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...                              [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
    >>> t.set_index("form")["estimate"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    matrix, _ = _wide_ratings(ratings)
    n, k = matrix.shape
    if np.all(np.ptp(matrix, axis=0) == 0) and np.all(np.ptp(matrix, axis=1) == 0):
        raise ValueError("ratings are all equal; the intraclass correlation is undefined")
    long = pd.DataFrame(
        {
            "target": np.repeat(np.arange(n), k),
            "rater": np.tile(np.arange(k), n),
            "rating": matrix.ravel(),
        }
    )
    import pingouin  # imported here: it takes half a second and only the ICC needs it

    saved = dict(pingouin.options)
    try:
        pingouin.options["round"] = None
        pingouin.options["round.column.CI95"] = None
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            # pingouin 0.7 calls DataFrame.dropna(inplace=True), deprecated in pandas 3.1
            warnings.filterwarnings("ignore", message="The inplace keyword", module="pingouin")
            raw = pingouin.intraclass_corr(
                data=long, targets="target", raters="rater", ratings="rating"
            )
    finally:
        pingouin.options.clear()
        pingouin.options.update(saved)
    rows = []
    for _, row in raw.iterrows():
        form, sf, mw, model, definition, unit = _ICC_FORMS[row["Type"]]
        low, high = np.asarray(row["CI95"], dtype=float)
        rows.append(
            {
                "form": form,
                "shrout_fleiss": sf,
                "mcgraw_wong": mw,
                "model": model,
                "definition": definition,
                "unit": unit,
                "estimate": float(row["ICC"]),
                "ci_low": float(low),
                "ci_high": float(high),
                "f_stat": float(row["F"]),
                "df1": float(row["df1"]),
                "df2": float(row["df2"]),
                "p_value": float(row["pval"]),
                "n_targets": n,
                "n_raters": k,
            }
        )
    order = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    out = pd.DataFrame(rows).set_index("form").loc[order].reset_index()
    return out


def reader_icc(lesions: pd.DataFrame, *, measure: str = "elasticity_kpa") -> pd.DataFrame:
    """The six ICCs between reader 1 and reader 2 for one measure of the lesion table.

    Parameters
    ----------
    lesions : pandas.DataFrame
        Lesion table with ``reader1_<measure>`` and ``reader2_<measure>``.
    measure : str, default "elasticity_kpa"
        ``"elasticity_kpa"`` or ``"strain_ratio"`` (any measure with both reader columns).

    Returns
    -------
    pandas.DataFrame
        As :func:`intraclass_correlations`, with a ``measure`` column first.

    Notes
    -----
    See :func:`intraclass_correlations`; the recommended form is :func:`icc_form`.

    References
    ----------
    Shrout PE, Fleiss JL (1979). Psychol Bull 86:420-428.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"reader1_strain_ratio": [1.1, 2.3, 1.5, 2.9],
    ...                   "reader2_strain_ratio": [1.2, 2.2, 1.6, 3.0]})
    >>> reader_icc(t, measure="strain_ratio").shape
    (6, 16)
    """
    lesions = _check_table(lesions, "lesions")
    if not isinstance(measure, str):
        raise TypeError(f"measure must be a string, got {measure!r}")
    columns = [f"reader1_{measure}", f"reader2_{measure}"]
    wide = pd.DataFrame({c: _table_column(lesions, c) for c in columns})
    out = intraclass_correlations(wide)
    out.insert(0, "measure", measure)
    return out


@dataclass(frozen=True)
class IccChoice:
    """The ICC form that fits a design, and why.

    Attributes
    ----------
    form : str
        Row label in :func:`intraclass_correlations` (``"ICC3k"`` ...).
    shrout_fleiss, mcgraw_wong : str
        The same form in Shrout & Fleiss (1979) and McGraw & Wong (1996) notation.
    reason : str
        The argument, in one paragraph.
    """

    form: str
    shrout_fleiss: str
    mcgraw_wong: str
    reason: str


def icc_form(
    *, raters: str = "fixed", unit: str = "average", definition: str = "consistency"
) -> IccChoice:
    """Name the intraclass correlation that fits a reader design.

    The default is this study: the same two readers measured every participant, they are the
    only readers the conclusions are about, and the analysed value is their average.

    Parameters
    ----------
    raters : {"fixed", "random", "different"}, default "fixed"
        ``"fixed"``: the same raters rate every target and are the only raters of interest
        (two-way mixed model). ``"random"``: the same raters rate every target but stand for a
        population of raters (two-way random). ``"different"``: each target has its own raters
        (one-way random).
    unit : {"average", "single"}, default "average"
        Whether the value that is analysed is the mean of the k raters or one rater's value.
    definition : {"consistency", "agreement"}, default "consistency"
        Whether a constant offset between raters counts as disagreement (``"agreement"``).

    Returns
    -------
    IccChoice

    Notes
    -----
    Two fixed readers whose values are averaged: the readers are not a sample from a population
    of readers (the study does not claim that any radiologist would agree), so the rater effect
    is fixed: Shrout & Fleiss case 3. The elasticity that enters the ROC and regression analyses
    is the mean of the two readers, so the reliability that matters is that of a mean of k = 2
    measurements: the "k" form. A fixed reader offset shifts every participant equally and does
    not change ranks, AUC or odds ratios per kPa, so consistency is the natural definition:
    ICC(3,k), McGraw & Wong ICC(C,k). If a fixed cutoff such as 62 kPa is to be applied by other
    readers, absolute agreement matters: report ICC(A,k) (numerically Shrout & Fleiss ICC(2,k))
    next to the Bland-Altman bias. With ``raters="different"`` only the one-way forms exist.

    References
    ----------
    Shrout PE, Fleiss JL (1979). Intraclass correlations: uses in assessing rater reliability.
    Psychol Bull 86:420-428.
    McGraw KO, Wong SP (1996). Forming inferences about some intraclass correlation
    coefficients. Psychol Methods 1:30-46.
    Koo TK, Li MY (2016). A guideline of selecting and reporting intraclass correlation
    coefficients for reliability research. J Chiropr Med 15:155-163.

    Examples
    --------
    >>> icc_form().form
    'ICC3k'
    >>> icc_form(raters="random", unit="single", definition="agreement").shrout_fleiss
    'ICC(2,1)'
    """
    for name, value, allowed in (
        ("raters", raters, ("fixed", "random", "different")),
        ("unit", unit, ("average", "single")),
        ("definition", definition, ("consistency", "agreement")),
    ):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    suffix = "k" if unit == "average" else ""
    sf_unit = "k" if unit == "average" else "1"
    unit_text = (
        "the analysed value is the mean of the k raters, so the reliability of that mean (the "
        "'k' form) is what matters"
        if unit == "average"
        else "a single rater's value is what will be used in practice (the single-measure form)"
    )
    if raters == "different":
        form = "ICC1" + suffix
        reason = (
            "Each target is rated by a different set of raters, so rater and error variance "
            "cannot be separated: one-way random model (Shrout & Fleiss case 1), absolute "
            "agreement by construction; " + unit_text + "."
        )
        return IccChoice(form, f"ICC(1,{sf_unit})", "ICC(1)" if not suffix else "ICC(k)", reason)
    if definition == "agreement":
        form = "ICC2" + suffix
        model = (
            "raters are a random sample of raters (two-way random model)"
            if raters == "random"
            else "raters are fixed (two-way mixed model), and the absolute-agreement ICC of "
            "McGraw & Wong has the same formula as Shrout & Fleiss ICC(2,.)"
        )
        reason = (
            f"The same raters rate every target; {model}; a systematic offset between raters "
            "counts as disagreement (absolute agreement); " + unit_text + "."
        )
        return IccChoice(form, f"ICC(2,{sf_unit})", f"ICC(A,{sf_unit})", reason)
    form = "ICC3" + suffix
    model = (
        "the raters are the only raters of interest, so their effect is fixed (two-way mixed "
        "model, Shrout & Fleiss case 3)"
        if raters == "fixed"
        else "raters are random, but McGraw & Wong's consistency ICC has the same formula as "
        "Shrout & Fleiss ICC(3,.)"
    )
    reason = (
        f"The same raters rate every target; {model}; a constant offset between raters shifts "
        "every target alike and does not change ranks, AUC or slopes, so consistency is the "
        "definition; " + unit_text + "."
    )
    return IccChoice(form, f"ICC(3,{sf_unit})", f"ICC(C,{sf_unit})", reason)


# ---------------------------------------------------------------------------------------------
# Bland-Altman
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BlandAltmanResult:
    """Bland-Altman limits of agreement, their confidence intervals and a proportional-bias test.

    Differences are ``x - y``; means ``(x + y) / 2``.

    Attributes
    ----------
    n : int
        Number of pairs.
    bias, bias_se, bias_ci_low, bias_ci_high, bias_p_value : float
        Mean difference, its standard error ``sd/sqrt(n)``, t-based CI and the paired t-test
        p-value for bias = 0.
    sd_diff : float
        Standard deviation of the differences (``ddof=1``).
    multiplier : float
        ``z`` of the limits, ``norm.ppf((1 + coverage) / 2)`` (1.96 for 95%).
    loa_low, loa_high : float
        Limits of agreement ``bias -/+ multiplier * sd_diff``.
    loa_se : float
        Approximate standard error of each limit (Bland & Altman 1999).
    loa_low_ci_low, loa_low_ci_high, loa_high_ci_low, loa_high_ci_high : float
        t-based CIs of the two limits.
    n_inside : int
        Pairs whose difference lies within the limits (inclusive).
    share_inside : float
        ``n_inside / n``.
    slope, slope_se, slope_ci_low, slope_ci_high, slope_p_value, intercept : float
        Least-squares regression of the difference on the mean (proportional bias if the slope
        differs from 0).
    coverage, alpha : float
        Intended coverage of the limits and one minus the confidence level of the CIs.
    """

    n: int
    bias: float
    bias_se: float
    bias_ci_low: float
    bias_ci_high: float
    bias_p_value: float
    sd_diff: float
    multiplier: float
    loa_low: float
    loa_high: float
    loa_se: float
    loa_low_ci_low: float
    loa_low_ci_high: float
    loa_high_ci_low: float
    loa_high_ci_high: float
    n_inside: int
    share_inside: float
    slope: float
    slope_se: float
    slope_ci_low: float
    slope_ci_high: float
    slope_p_value: float
    intercept: float
    coverage: float
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per estimate (``bias``, ``loa_low``, ``loa_high``,
        ``proportional_bias_slope``) with ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``."""
        nan = float("nan")
        return pd.DataFrame(
            {
                "quantity": ["bias", "loa_low", "loa_high", "proportional_bias_slope"],
                "estimate": [self.bias, self.loa_low, self.loa_high, self.slope],
                "se": [self.bias_se, self.loa_se, self.loa_se, self.slope_se],
                "ci_low": [
                    self.bias_ci_low,
                    self.loa_low_ci_low,
                    self.loa_high_ci_low,
                    self.slope_ci_low,
                ],
                "ci_high": [
                    self.bias_ci_high,
                    self.loa_low_ci_high,
                    self.loa_high_ci_high,
                    self.slope_ci_high,
                ],
                "p_value": [self.bias_p_value, nan, nan, self.slope_p_value],
            }
        )


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)


def bland_altman(
    x, y, *, coverage: float = 0.95, alpha: float = 0.05, names=("x", "y")
) -> BlandAltmanResult:
    """Bland-Altman analysis of two paired measurements.

    Parameters
    ----------
    x, y : array-like of numbers
        Paired measurements (for example reader 1 and reader 2 elasticity).
    coverage : float, default 0.95
        Share of differences the limits of agreement are meant to contain.
    alpha : float, default 0.05
        One minus the confidence level of the CIs of the bias, the limits and the slope.
    names : tuple of two str
        Names used in error messages.

    Returns
    -------
    BlandAltmanResult
        Use ``.to_frame()`` for a tidy table.

    Notes
    -----
    With differences :math:`d_i = x_i - y_i`, mean :math:`\\bar d`, SD :math:`s` and
    :math:`z = \\Phi^{-1}((1 + \\text{coverage})/2)`, the limits are :math:`\\bar d \\pm z s`.
    Their standard error is the approximation of Bland & Altman (1999, section 5.1),

    .. math:: \\mathrm{SE}(\\bar d \\pm z s) = s \\sqrt{1/n + z^2 / (2(n-1))},

    and the CIs use :math:`t_{n-1, 1-\\alpha/2}`. This is the approximate interval, not the exact
    one based on the non-central t distribution (Carkeet 2015), which is slightly wider for
    small n. Proportional bias: ordinary least squares of :math:`d` on :math:`(x+y)/2`
    (Bland & Altman 1999, section 3.2), t test of the slope.

    References
    ----------
    Bland JM, Altman DG (1986). Statistical methods for assessing agreement between two methods
    of clinical measurement. Lancet 327:307-310.
    Bland JM, Altman DG (1999). Measuring agreement in method comparison studies. Stat Methods
    Med Res 8:135-160.

    Examples
    --------
    >>> r = bland_altman([10.0, 12.0, 11.0, 13.0], [9.5, 12.5, 10.0, 12.0])
    >>> round(r.bias, 3), round(r.sd_diff, 3)
    (0.5, 0.707)
    """
    alpha = _check_alpha(alpha)
    if not _is_number(coverage):
        raise TypeError(f"coverage must be a number, got {coverage!r}")
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must lie strictly between 0 and 1, got {coverage!r}")
    a = as_finite_array(x, names[0])
    b = as_finite_array(y, names[1])
    n = check_same_length(**{names[0]: a, names[1]: b})
    if n < 3:
        raise ValueError(f"{names[0]} and {names[1]} need at least 3 pairs, got {n}")
    d = a - b
    m = (a + b) / 2
    if np.ptp(m) == 0:
        raise ValueError(
            f"the means of {names[0]} and {names[1]} are all equal ({m[0]!r}); the proportional-"
            "bias regression is undefined"
        )
    bias = float(d.mean())
    sd = float(d.std(ddof=1))
    z = float(stats.norm.ppf((1 + coverage) / 2))
    tq = float(stats.t.ppf(1 - alpha / 2, n - 1))
    bias_se = sd / math.sqrt(n)
    loa_low, loa_high = bias - z * sd, bias + z * sd
    loa_se = sd * math.sqrt(1 / n + z**2 / (2 * (n - 1)))
    if bias_se > 0:
        bias_p = float(2 * stats.t.sf(abs(bias / bias_se), n - 1))
    else:
        bias_p = 1.0 if bias == 0 else 0.0
    inside = (d >= loa_low) & (d <= loa_high)
    fit = stats.linregress(m, d)
    t2 = float(stats.t.ppf(1 - alpha / 2, n - 2))
    return BlandAltmanResult(
        n=n,
        bias=bias,
        bias_se=bias_se,
        bias_ci_low=bias - tq * bias_se,
        bias_ci_high=bias + tq * bias_se,
        bias_p_value=bias_p,
        sd_diff=sd,
        multiplier=z,
        loa_low=loa_low,
        loa_high=loa_high,
        loa_se=loa_se,
        loa_low_ci_low=loa_low - tq * loa_se,
        loa_low_ci_high=loa_low + tq * loa_se,
        loa_high_ci_low=loa_high - tq * loa_se,
        loa_high_ci_high=loa_high + tq * loa_se,
        n_inside=int(inside.sum()),
        share_inside=float(inside.mean()),
        slope=float(fit.slope),
        slope_se=float(fit.stderr),
        slope_ci_low=float(fit.slope - t2 * fit.stderr),
        slope_ci_high=float(fit.slope + t2 * fit.stderr),
        slope_p_value=float(fit.pvalue),
        intercept=float(fit.intercept),
        coverage=float(coverage),
        alpha=alpha,
    )


def bland_altman_points(x, y, *, coverage: float = 0.95) -> pd.DataFrame:
    """The points of a Bland-Altman plot: mean, difference and whether inside the limits.

    Parameters
    ----------
    x, y : array-like of numbers
        Paired measurements.
    coverage : float, default 0.95
        As in :func:`bland_altman`.

    Returns
    -------
    pandas.DataFrame
        Columns ``mean``, ``difference`` (``x - y``) and ``inside_limits``.

    Notes
    -----
    The limits are those of :func:`bland_altman` with the same ``coverage``.

    References
    ----------
    Bland JM, Altman DG (1986). Lancet 327:307-310.

    Examples
    --------
    >>> bland_altman_points([10, 12, 11], [9, 12, 12])["difference"].tolist()
    [1.0, 0.0, -1.0]
    """
    res = bland_altman(x, y, coverage=coverage)
    a = as_finite_array(x, "x")
    b = as_finite_array(y, "y")
    d = a - b
    return pd.DataFrame(
        {
            "mean": (a + b) / 2,
            "difference": d,
            "inside_limits": (d >= res.loa_low) & (d <= res.loa_high),
        }
    )


def reader_bland_altman(
    lesions: pd.DataFrame,
    *,
    measure: str = "elasticity_kpa",
    coverage: float = 0.95,
    alpha: float = 0.05,
) -> BlandAltmanResult:
    """Bland-Altman of reader 1 minus reader 2 for one measure of the lesion table.

    Parameters
    ----------
    lesions : pandas.DataFrame
        Lesion table with ``reader1_<measure>`` and ``reader2_<measure>``.
    measure : str, default "elasticity_kpa"
        ``"elasticity_kpa"`` or ``"strain_ratio"``.
    coverage, alpha : float
        As in :func:`bland_altman`.

    Returns
    -------
    BlandAltmanResult

    Notes
    -----
    See :func:`bland_altman`.

    References
    ----------
    Bland JM, Altman DG (1999). Stat Methods Med Res 8:135-160.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"reader1_elasticity_kpa": [50.0, 70.0, 90.0, 40.0],
    ...                   "reader2_elasticity_kpa": [52.0, 69.0, 91.0, 41.0]})
    >>> reader_bland_altman(t).bias
    -0.75
    """
    lesions = _check_table(lesions, "lesions")
    if not isinstance(measure, str):
        raise TypeError(f"measure must be a string, got {measure!r}")
    c1, c2 = f"reader1_{measure}", f"reader2_{measure}"
    return bland_altman(
        _table_column(lesions, c1),
        _table_column(lesions, c2),
        coverage=coverage,
        alpha=alpha,
        names=(c1, c2),
    )


# ---------------------------------------------------------------------------------------------
# Repeatability across acquisitions
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RepeatabilityResult:
    """Within-subject variability of repeated measurements.

    Attributes
    ----------
    n_subjects, n_measurements, df : int
        Subjects, measurements, and degrees of freedom ``sum(n_i - 1)`` of the within-subject SD.
    mean : float
        Mean of all measurements.
    within_sd, within_sd_ci_low, within_sd_ci_high : float
        Within-subject SD (root of the residual mean square of a one-way ANOVA on subject) and
        its chi-square CI.
    cv : float
        ``within_sd / mean``.
    cv_rms : float
        Root mean square of the per-subject coefficients of variation (subjects with >= 2
        measurements).
    repeatability_coefficient, rc_ci_low, rc_ci_high : float
        ``1.96 * sqrt(2) * within_sd``, the difference that two measurements on the same subject
        stay within for 95% of pairs, and its CI.
    alpha : float
        One minus the confidence level.
    """

    n_subjects: int
    n_measurements: int
    df: int
    mean: float
    within_sd: float
    within_sd_ci_low: float
    within_sd_ci_high: float
    cv: float
    cv_rms: float
    repeatability_coefficient: float
    rc_ci_low: float
    rc_ci_high: float
    alpha: float


def repeatability_stats(values, subjects, *, alpha: float = 0.05) -> RepeatabilityResult:
    """Within-subject SD, coefficient of variation and repeatability coefficient.

    Parameters
    ----------
    values : array-like of numbers
        All measurements.
    subjects : array-like
        Subject label of each measurement (here participant x reader); any hashable labels.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    RepeatabilityResult

    Notes
    -----
    .. math:: s_w^2 = \\frac{\\sum_i \\sum_j (x_{ij} - \\bar x_i)^2}{\\sum_i (n_i - 1)},\\qquad
              RC = z_{0.975} \\sqrt{2}\\, s_w \\approx 2.77\\, s_w.

    CI of :math:`s_w`: :math:`s_w \\sqrt{df / \\chi^2_{df}(1-\\alpha/2)}` to
    :math:`s_w \\sqrt{df / \\chi^2_{df}(\\alpha/2)}`. Two coefficients of variation are given:
    :math:`s_w / \\bar x` and the root mean square of the per-subject CVs (Bland 2006), which
    suits measurement error proportional to the mean.

    References
    ----------
    Bland JM, Altman DG (1996). Measurement error. BMJ 313:744.
    Bland JM, Altman DG (1999). Measuring agreement in method comparison studies. Stat Methods
    Med Res 8:135-160.
    Bland JM (2006). How should I calculate a within-subject coefficient of variation?
    https://www-users.york.ac.uk/~mb55/meas/cv.htm

    Examples
    --------
    >>> r = repeatability_stats([10, 11, 12, 20, 21, 22], ["a", "a", "a", "b", "b", "b"])
    >>> round(r.within_sd, 3)
    1.0
    """
    alpha = _check_alpha(alpha)
    x = as_finite_array(values, "values")
    labels = np.asarray(subjects, dtype=object)
    if labels.ndim != 1:
        raise ValueError(f"subjects must be one-dimensional, got shape {labels.shape}")
    check_same_length(values=x, subjects=labels)
    missing = np.flatnonzero(pd.isna(labels))
    if missing.size:
        i = int(missing[0])
        raise ValueError(f"subjects holds a missing label {labels[i]!r} at position {i}")
    codes, uniques = pd.factorize(pd.Series(labels))
    counts = np.bincount(codes)
    sums = np.bincount(codes, weights=x)
    means = sums / counts
    resid = x - means[codes]
    df = int((counts - 1).sum())
    if df == 0:
        raise ValueError(
            "no subject in subjects has two or more measurements; the within-subject SD is "
            "undefined"
        )
    ss = float(np.sum(resid**2))
    sw = math.sqrt(ss / df)
    grand = float(x.mean())
    lo = math.sqrt(ss / stats.chi2.ppf(1 - alpha / 2, df))
    hi = math.sqrt(ss / stats.chi2.ppf(alpha / 2, df))
    repeated = counts >= 2
    subject_var = np.bincount(codes, weights=resid**2)[repeated] / (counts[repeated] - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv_i = np.sqrt(subject_var) / means[repeated]
    cv_rms = float(np.sqrt(np.mean(cv_i**2))) if np.all(np.isfinite(cv_i)) else float("nan")
    factor = float(stats.norm.ppf(0.975) * math.sqrt(2))
    return RepeatabilityResult(
        n_subjects=len(uniques),
        n_measurements=int(x.size),
        df=df,
        mean=grand,
        within_sd=sw,
        within_sd_ci_low=lo,
        within_sd_ci_high=hi,
        cv=sw / grand if grand != 0 else float("nan"),
        cv_rms=cv_rms,
        repeatability_coefficient=factor * sw,
        rc_ci_low=factor * lo,
        rc_ci_high=factor * hi,
        alpha=alpha,
    )


def repeatability(
    measurements: pd.DataFrame, *, value: str = "emean_kpa", alpha: float = 0.05
) -> pd.DataFrame:
    """Repeatability across acquisitions, per reader and for both readers pooled.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Long measurement table with ``participant_id``, ``reader``, ``acquisition`` and the
        ``value`` column; one row per participant, reader and acquisition.
    value : str, default "emean_kpa"
        ``"emean_kpa"``, ``"emax_kpa"`` or ``"strain_ratio"``.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per reader and a last row ``"all"``; columns ``group``, ``value`` and the
        fields of :class:`RepeatabilityResult`.

    Notes
    -----
    A subject is one participant measured by one reader; its acquisitions are the repeated
    measurements. See :func:`repeatability_stats` for the formulas.

    References
    ----------
    Bland JM, Altman DG (1996). Measurement error. BMJ 313:744.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"participant_id": ["P001"] * 3 + ["P002"] * 3, "reader": 1,
    ...                   "acquisition": [1, 2, 3] * 2, "emean_kpa": [50, 51, 52, 80, 81, 82]})
    >>> repeatability(m)["group"].tolist()
    ['1', 'all']
    """
    measurements = _check_table(measurements, "measurements")
    for column in ("participant_id", "reader", "acquisition"):
        if column not in measurements.columns:
            raise ValueError(
                f"measurements has no column {column!r} (see the data dictionary); its columns "
                f"are {list(map(str, measurements.columns))}"
            )
        missing = np.flatnonzero(measurements[column].isna().to_numpy())
        if missing.size:
            i = int(missing[0])
            raise ValueError(f"column {column!r}, row {i}: value is missing")
    x = _table_column(measurements, value)
    keys = measurements[["participant_id", "reader", "acquisition"]]
    duplicated = np.flatnonzero(keys.duplicated().to_numpy())
    if duplicated.size:
        i = int(duplicated[0])
        row = keys.iloc[i]
        raise ValueError(
            f"measurements row {i} repeats participant_id {row['participant_id']!r}, reader "
            f"{row['reader']!r}, acquisition {row['acquisition']!r}"
        )
    subject = (
        measurements["participant_id"].astype(str) + "\x1f" + measurements["reader"].astype(str)
    ).to_numpy()
    reader = measurements["reader"].astype(str).to_numpy()
    rows = []
    for group in sorted(pd.unique(reader)):
        keep = reader == group
        res = repeatability_stats(x[keep], subject[keep], alpha=alpha)
        rows.append({"group": group, "value": value, **asdict(res)})
    res = repeatability_stats(x, subject, alpha=alpha)
    rows.append({"group": "all", "value": value, **asdict(res)})
    return pd.DataFrame(rows)
