"""Agreement between raters: Cohen's kappa, intraclass correlation, Bland-Altman, repeatability.

Generic functions on arrays (and, for the intraclass correlation, on a wide table with one column
per rater). They know no table layout of a particular study: the agreement statistics on this
study's reader columns are in :mod:`microcalc.study.readers`.

Batched kernel: :func:`kappa_estimate` computes unweighted or weighted kappa for a whole stack of
rating pairs at once (observations along ``axis``, scipy-style); :func:`cohen_kappa` uses it for
its estimate, and the Monte Carlo study uses it for thousands of replicates.

What is called rather than re-written:

* the standard errors of kappa: :func:`statsmodels.stats.inter_rater.cohens_kappa`;
* the six intraclass correlations and their confidence intervals:
  :func:`pingouin.intraclass_corr`;
* the proportional-bias regression: :func:`scipy.stats.linregress`.

References
----------
Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
Shrout PE, Fleiss JL (1979). Intraclass correlations: uses in assessing rater reliability.
Psychol Bull 86:420-428.
Bland JM, Altman DG (1999). Measuring agreement in method comparison studies. Stat Methods Med
Res 8:135-160.
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

from microcalc.stats._validation import as_finite_array, check_confidence_level, check_same_length

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
    "kappa_estimate",
    "kappa_table",
    "repeatability_stats",
]

_WEIGHTS = ("unweighted", "linear", "quadratic")


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------
def _table_column(table: pd.DataFrame, column) -> np.ndarray:
    """Return a numeric column as floats; errors name the column, the row and the value."""
    series = table[column]
    numeric = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(numeric))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"column {column!r}, row {i}: value {series.iloc[i]!r} is not a finite number "
            f"({bad.size} such row(s))"
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
    statistic, p_value : float
        Test of kappa = 0: the z statistic ``estimate / se_null`` and its two-sided normal
        p-value.
    confidence_level : float
        Level of the confidence interval.
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
    statistic: float
    p_value: float
    confidence_level: float


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


def _agreement_weights(cats: np.ndarray, weights: str) -> np.ndarray | None:
    """Agreement weights ``1 - d_ij / max d`` on the category values; None when unweighted."""
    if weights == "unweighted":
        return None
    d = np.abs(cats[:, None] - cats[None, :])
    span = cats[-1] - cats[0]
    return 1.0 - d / span if weights == "linear" else 1.0 - d**2 / span**2


def _agreement_shares(tables: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Observed and chance agreement of ``(..., k, k)`` cell proportions (rater 1 in rows)."""
    rows = tables.sum(axis=-1)
    cols = tables.sum(axis=-2)
    if w is None:
        p_o = np.trace(tables, axis1=-2, axis2=-1)
        p_e = (rows * cols).sum(axis=-1)
    else:
        p_o = (tables * w).sum(axis=(-2, -1))
        p_e = ((rows @ w) * cols).sum(axis=-1)
    return p_o, p_e


def _category_codes(values: np.ndarray, cats: np.ndarray, name: str, locate) -> np.ndarray:
    """Position in ``cats`` of every value of a ``(replicates, n)`` array.

    An error names the first value that is no category, at ``locate(row, column)``.
    """
    k = cats.size
    if values.dtype.kind in "iu" and np.all(np.diff(cats) == 1) and cats[0] == round(cats[0]):
        # consecutive integer categories (the 1-5 score): a subtraction and a range check
        codes = values.astype(np.intp, copy=False) - int(cats[0])
        bad = (codes < 0) | (codes >= k) if codes.min() < 0 or codes.max() >= k else None
    else:
        codes = np.searchsorted(cats, values)
        np.clip(codes, 0, k - 1, out=codes)
        bad = cats[codes] != values
        bad = bad if bad.any() else None
    if bad is not None:
        row, column = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} holds {float(values[row, column])!r} at position {locate(row, column)}, "
            f"which is not one of the categories {cats.tolist()}"
        )
    return codes


def kappa_estimate(
    rater1,
    rater2,
    *,
    categories: Sequence[float],
    weights: str = "unweighted",
    axis: int = -1,
):
    """Cohen's kappa, unweighted or weighted, for one pair of raters or a whole stack at once.

    The batched kernel behind :func:`cohen_kappa` (which adds the standard errors, interval and
    test): every kappa of the package, once or for thousands of replicate data sets, is this
    function's number.

    Parameters
    ----------
    rater1, rater2 : array-like of numbers, same shape
        The two raters' ratings; observations lie along ``axis``, the other axes index
        independent pairs of raters (replicates).
    categories : sequence of numbers
        All possible categories, strictly increasing (for example ``range(1, 6)``); every rating
        must be one of them. The weights use the category *values*.
    weights : {"unweighted", "linear", "quadratic"}, default "unweighted"
        Disagreement weights ``|i - j|`` or ``(i - j)**2`` on the category values.
    axis : int, default -1
        Axis along which the observations lie.

    Returns
    -------
    float or numpy.ndarray
        Kappa; a float for 1-D input, otherwise an array with the shape of the input without
        ``axis``. NaN where chance agreement is 1 (both raters use a single category).

    Notes
    -----
    Per pair, the ``k x k`` cell proportions :math:`p_{ij}` come from one ``bincount`` over the
    whole stack; with agreement weights :math:`w_{ij} = 1 - d_{ij}/\\max d` (the identity when
    unweighted), :math:`\\kappa = (p_o - p_e)/(1 - p_e)` with :math:`p_o = \\sum w_{ij} p_{ij}`
    and :math:`p_e = \\sum w_{ij} p_{i.} p_{.j}`. The inputs are checked once for the whole
    stack; there is no per-replicate loop.

    References
    ----------
    Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
    Cohen J (1968). Weighted kappa. Psychol Bull 70:213-220.

    Examples
    --------
    >>> round(kappa_estimate([1, 2, 3, 3, 2], [1, 2, 3, 2, 2], categories=[1, 2, 3],
    ...                      weights="linear"), 3)
    0.737
    >>> kappa_estimate([[0, 1, 1, 0], [0, 1, 1, 1]], [[0, 1, 1, 0], [1, 1, 1, 0]],
    ...                categories=[0, 1]).round(3).tolist()
    [1.0, -0.333]
    """
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be one of {_WEIGHTS}, got {weights!r}")
    cats = as_finite_array(categories, "categories")
    if np.any(np.diff(cats) <= 0):
        raise ValueError(f"categories must be strictly increasing, got {cats.tolist()}")
    if cats.size < 2:
        raise ValueError(f"kappa needs at least two categories, got {cats.tolist()}")
    arrays = []
    for name, values in (("rater1", rater1), ("rater2", rater2)):
        array = np.asarray(values)
        if array.dtype.kind not in "iufb":
            try:
                array = array.astype(float)
            except (TypeError, ValueError):
                raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}") from None
        if array.dtype.kind == "b":
            array = array.astype(np.intp)
        if array.ndim == 0:
            raise ValueError(f"{name} must have at least one dimension")
        arrays.append(array)
    a, b = arrays
    if a.shape != b.shape:
        raise ValueError(f"rater1 and rater2 must have the same shape, got {a.shape} and {b.shape}")
    a = np.moveaxis(a, axis, -1)
    b = np.moveaxis(b, axis, -1)
    n = a.shape[-1]
    if n == 0:
        raise ValueError("rater1 and rater2 hold no observations")
    lead = a.shape[:-1]
    position = axis % (len(lead) + 1)

    def locate(row: int, column: int):
        index = [int(i) for i in np.unravel_index(row, lead)] if lead else []
        index.insert(position, column)
        return index[0] if len(index) == 1 else tuple(index)

    k = cats.size
    code1 = _category_codes(a.reshape(-1, n), cats, "rater1", locate)
    code2 = _category_codes(b.reshape(-1, n), cats, "rater2", locate)
    r = code1.shape[0]
    cells = (np.arange(r)[:, None] * (k * k) + code1 * k + code2).ravel()
    tables = np.bincount(cells, minlength=r * k * k).reshape(r, k, k) / n
    p_o, p_e = _agreement_shares(tables, _agreement_weights(cats, weights))
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = ((p_o - p_e) / (1 - p_e)).reshape(lead)
    return float(kappa) if kappa.ndim == 0 else kappa


def cohen_kappa(
    rater1,
    rater2,
    *,
    weights: str = "unweighted",
    categories: Sequence[float] | None = None,
    confidence_level: float = 0.95,
) -> KappaResult:
    """Cohen's kappa between two raters, unweighted or with linear or quadratic weights.

    Parameters
    ----------
    rater1, rater2 : array-like of numbers
        The two raters' ordinal ratings of the same items (for example a 1-5 score, or 0/1
        calls).
    weights : {"unweighted", "linear", "quadratic"}, default "unweighted"
        Disagreement weights ``|i - j|`` or ``(i - j)**2`` computed on the category *values*
        (Cicchetti-Allison and Fleiss-Cohen weights); scaling does not change kappa.
    categories : sequence of numbers, optional
        All possible categories, for example ``range(1, 6)``. Default: the values observed in
        either rater. Because the weights use the category values, an unused category changes
        neither the estimate nor the standard error.
    confidence_level : float, default 0.95
        Level of the confidence interval.

    Returns
    -------
    KappaResult

    Notes
    -----
    With cell proportions :math:`p_{ij}` (rater 1 in rows), margins :math:`p_{i.}`,
    :math:`p_{.j}` and agreement weights :math:`w_{ij} = 1 - d_{ij}/\\max d`,

    .. math:: \\kappa = \\frac{p_o - p_e}{1 - p_e},\\quad
              p_o = \\sum w_{ij} p_{ij},\\quad p_e = \\sum w_{ij} p_{i.} p_{.j}.

    The estimate is :func:`kappa_estimate` (the batched kernel); both variances come from
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
    confidence_level = check_confidence_level(confidence_level)
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be one of {_WEIGHTS}, got {weights!r}")
    a = as_finite_array(rater1, "rater1")
    b = as_finite_array(rater2, "rater2")
    n = check_same_length(rater1=a, rater2=b)
    cats = _check_categories(categories, {"rater1": a, "rater2": b})
    k = cats.size
    table = np.zeros((k, k))
    np.add.at(table, (np.searchsorted(cats, a), np.searchsorted(cats, b)), 1.0)
    p_o, p_e = (float(v) for v in _agreement_shares(table / n, _agreement_weights(cats, weights)))
    if math.isclose(p_e, 1.0):
        raise ValueError(
            "rater1 and rater2 both use a single category; chance agreement is 1 and kappa is "
            "undefined"
        )
    estimate = kappa_estimate(a, b, categories=cats, weights=weights)

    # statsmodels takes sqrt of a variance that rounding can make -1e-17: silence that warning.
    with np.errstate(invalid="ignore", divide="ignore"):
        if weights == "unweighted":
            res = _sm_cohens_kappa(table)
        else:
            res = _sm_cohens_kappa(table, weights=cats, wt=weights)
    se = math.sqrt(max(float(res.var_kappa), 0.0))
    se_null = math.sqrt(max(float(res.var_kappa0), 0.0))
    zq = stats.norm.ppf(0.5 + confidence_level / 2)
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
        statistic=float(z),
        p_value=float(2 * stats.norm.sf(abs(z))),
        confidence_level=confidence_level,
    )


def dichotomised_kappa(
    rater1,
    rater2,
    *,
    cutoff: float,
    confidence_level: float = 0.95,
    names=("rater1", "rater2"),
) -> KappaResult:
    """Unweighted kappa of two raters' positive calls ``value >= cutoff``.

    Parameters
    ----------
    rater1, rater2 : array-like of numbers
        The two raters' continuous (or ordinal) values of the same items.
    cutoff : float
        A value at or above the cutoff is a positive call.
    confidence_level : float, default 0.95
        Level of the confidence interval.
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
    a = as_finite_array(rater1, names[0])
    b = as_finite_array(rater2, names[1])
    check_same_length(**{names[0]: a, names[1]: b})
    return cohen_kappa(
        (a >= cutoff).astype(float),
        (b >= cutoff).astype(float),
        categories=[0, 1],
        confidence_level=confidence_level,
    )


def kappa_table(
    rater1,
    rater2,
    *,
    categories: Sequence[float] | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Unweighted, linear- and quadratic-weighted kappa in one tidy table.

    Parameters
    ----------
    rater1, rater2 : array-like of numbers
        The two raters' ordinal ratings.
    categories : sequence of numbers, optional
        All possible categories (see :func:`cohen_kappa`).
    confidence_level : float, default 0.95
        Level of the confidence intervals.

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
        asdict(
            cohen_kappa(
                rater1,
                rater2,
                weights=w,
                categories=categories,
                confidence_level=confidence_level,
            )
        )
        for w in _WEIGHTS
    ]
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
        Wide table: one row per target (a rated item or person), one column per rater;
        complete.

    Returns
    -------
    pandas.DataFrame
        Six rows (``ICC1``, ``ICC2``, ``ICC3``, ``ICC1k``, ``ICC2k``, ``ICC3k``) with columns
        ``form``, ``shrout_fleiss``, ``mcgraw_wong``, ``model``, ``definition``, ``unit``,
        ``estimate``, ``ci_low``, ``ci_high``, ``statistic`` (the F statistic), ``df1``, ``df2``,
        ``p_value``, ``n_targets``, ``n_raters``.

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
                "statistic": float(row["F"]),
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


def icc_form(*, raters: str, unit: str, definition: str) -> IccChoice:
    """Name the intraclass correlation that fits a rater design.

    The three questions have no default: they describe the design of a particular study.

    Parameters
    ----------
    raters : {"fixed", "random", "different"}
        ``"fixed"``: the same raters rate every target and are the only raters of interest
        (two-way mixed model). ``"random"``: the same raters rate every target but stand for a
        population of raters (two-way random). ``"different"``: each target has its own raters
        (one-way random).
    unit : {"average", "single"}
        Whether the value that is analysed is the mean of the k raters or one rater's value.
    definition : {"consistency", "agreement"}
        Whether a constant offset between raters counts as disagreement (``"agreement"``).

    Returns
    -------
    IccChoice

    Notes
    -----
    Fixed raters (the only raters the conclusions are about) give a fixed rater effect: Shrout
    & Fleiss case 3 for consistency. If the analysed value is the mean of the k raters, the
    reliability that matters is that of the mean: the "k" form. A constant rater offset does not
    change ranks or slopes, so consistency suits analyses that use only those; when a fixed
    cutoff is to be applied by other raters, absolute agreement matters (McGraw & Wong ICC(A,.),
    numerically Shrout & Fleiss ICC(2,.)). With ``raters="different"`` only the one-way forms
    exist.

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
    >>> icc_form(raters="fixed", unit="average", definition="consistency").form
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
    coverage : float
        Intended coverage of the limits of agreement: the share of differences between the two
        methods they are meant to contain. Not a confidence level: it fixes where the limits
        are, not how sure one is of them.
    confidence_level : float
        Level of the confidence intervals of the bias, the limits and the slope.
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
    confidence_level: float

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per estimate (``bias``, ``loa_low``, ``loa_high``,
        ``proportional_bias_slope``) with ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``confidence_level``, ``p_value``."""
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
                "confidence_level": self.confidence_level,
                "p_value": [self.bias_p_value, nan, nan, self.slope_p_value],
            }
        )


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)


def bland_altman(
    x, y, *, coverage: float = 0.95, confidence_level: float = 0.95, names=("x", "y")
) -> BlandAltmanResult:
    """Bland-Altman analysis of two paired measurements.

    Parameters
    ----------
    x, y : array-like of numbers
        Paired measurements (for example reader 1 and reader 2 elasticity).
    coverage : float, default 0.95
        Share of differences the limits of agreement are meant to contain (1.96 SD for 0.95).
        This is the coverage of the limits, a property of the population of differences, not
        the level of a confidence interval.
    confidence_level : float, default 0.95
        Level of the confidence intervals of the bias, the limits and the slope.
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

    and the CIs use :math:`t_{n-1, (1+\\gamma)/2}` at confidence level :math:`\\gamma`. This is the approximate interval, not the exact
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
    confidence_level = check_confidence_level(confidence_level)
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
    tq = float(stats.t.ppf(0.5 + confidence_level / 2, n - 1))
    bias_se = sd / math.sqrt(n)
    loa_low, loa_high = bias - z * sd, bias + z * sd
    loa_se = sd * math.sqrt(1 / n + z**2 / (2 * (n - 1)))
    if bias_se > 0:
        bias_p = float(2 * stats.t.sf(abs(bias / bias_se), n - 1))
    else:
        bias_p = 1.0 if bias == 0 else 0.0
    inside = (d >= loa_low) & (d <= loa_high)
    fit = stats.linregress(m, d)
    t2 = float(stats.t.ppf(0.5 + confidence_level / 2, n - 2))
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
        confidence_level=confidence_level,
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
    confidence_level : float
        Level of the confidence intervals.
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
    confidence_level: float


def repeatability_stats(values, subjects, *, confidence_level: float = 0.95) -> RepeatabilityResult:
    """Within-subject SD, coefficient of variation and repeatability coefficient.

    Parameters
    ----------
    values : array-like of numbers
        All measurements.
    subjects : array-like
        Subject label of each measurement (for example participant x reader); any hashable
        labels.
    confidence_level : float, default 0.95
        Level of the confidence intervals of the within-subject SD and the repeatability
        coefficient.

    Returns
    -------
    RepeatabilityResult

    Notes
    -----
    .. math:: s_w^2 = \\frac{\\sum_i \\sum_j (x_{ij} - \\bar x_i)^2}{\\sum_i (n_i - 1)},\\qquad
              RC = z_{0.975} \\sqrt{2}\\, s_w \\approx 2.77\\, s_w.

    CI of :math:`s_w` at confidence level :math:`\\gamma`, with tail :math:`t = (1-\\gamma)/2`:
    :math:`s_w \\sqrt{df / \\chi^2_{df}(1-t)}` to :math:`s_w \\sqrt{df / \\chi^2_{df}(t)}`. Two coefficients of variation are given:
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
    confidence_level = check_confidence_level(confidence_level)
    tail = (1 - confidence_level) / 2
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
    lo = math.sqrt(ss / stats.chi2.ppf(1 - tail, df))
    hi = math.sqrt(ss / stats.chi2.ppf(tail, df))
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
        confidence_level=confidence_level,
    )
