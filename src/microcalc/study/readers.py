"""The readers of this study: agreement statistics on its table layout.

The lesion table of the data dictionary holds each reader's values in paired columns
(``reader1_score``/``reader2_score``, ``reader1_elasticity_kpa``/``reader2_elasticity_kpa``,
``reader1_strain_ratio``/``reader2_strain_ratio``), and the optional long measurement table one
row per ``participant_id``, ``reader`` and ``acquisition``. The functions here pick those columns
and call the generic statistics of :mod:`microcalc.stats.agreement`, which know nothing of this
layout; errors name the column, the row and its ``participant_id``.

References
----------
Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
Shrout PE, Fleiss JL (1979). Intraclass correlations: uses in assessing rater reliability.
Psychol Bull 86:420-428.
Bland JM, Altman DG (1999). Measuring agreement in method comparison studies. Stat Methods Med
Res 8:135-160.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from microcalc.stats import agreement
from microcalc.stats._validation import as_finite_array, check_table

__all__ = [
    "ICC_DESIGN",
    "kappa_by_group",
    "kappa_candidates",
    "reader_bland_altman",
    "reader_icc",
    "repeatability",
    "study_icc_form",
]

_KAPPA_WEIGHTS = ("unweighted", "linear", "quadratic")

#: The reader design of this study, as the three questions of
#: :func:`microcalc.stats.agreement.icc_form` (see :func:`study_icc_form`).
ICC_DESIGN = {"raters": "fixed", "unit": "average", "definition": "consistency"}


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


def study_icc_form() -> agreement.IccChoice:
    """The intraclass correlation that fits this study's readers: ICC(3,k), McGraw-Wong ICC(C,k).

    Returns
    -------
    microcalc.stats.agreement.IccChoice
        :func:`microcalc.stats.agreement.icc_form` with :data:`ICC_DESIGN`.

    Notes
    -----
    The same two readers measured every participant, they are the only readers the conclusions
    are about, and the analysed value is their average. The readers are not a sample from a
    population of readers (the study does not claim that any radiologist would agree), so the
    rater effect is fixed: Shrout & Fleiss case 3. The elasticity that enters the ROC and
    regression analyses is the mean of the two readers, so the reliability that matters is that
    of a mean of k = 2 measurements: the "k" form. A fixed reader offset shifts every
    participant equally and does not change ranks, AUC or odds ratios per kPa, so consistency
    is the natural definition: ICC(3,k), McGraw & Wong ICC(C,k). If a fixed cutoff such as
    62 kPa is to be applied by other readers, absolute agreement matters: report ICC(A,k)
    (numerically Shrout & Fleiss ICC(2,k)) next to the Bland-Altman bias.

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
    >>> study_icc_form().form
    'ICC3k'
    """
    return agreement.icc_form(**ICC_DESIGN)


def kappa_candidates(
    data: pd.DataFrame,
    *,
    cutoff: float = 62.0,
    score_cutoff: float = 4,
    strain_ratio_cutoff: float | None = None,
    target: float | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Every kappa a paper could have meant by "inter-observer kappa", side by side.

    The paper reports one kappa without saying on what it was computed. This lists the
    candidates from the lesion table's reader columns, so that a chapter can show which lands
    near the published value.

    Parameters
    ----------
    data : pandas.DataFrame
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
    confidence_level : float, default 0.95
        Level of the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        One row per candidate: ``candidate``, ``variable``, ``scale`` and the fields of
        :class:`~microcalc.stats.agreement.KappaResult` (``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value`` ...).

    Notes
    -----
    The candidates are the unweighted, linear- and quadratic-weighted kappa of the 1-5 score,
    the kappa of the dichotomised score and of the dichotomised elasticity (and strain ratio).
    Prevalence and the number of categories move kappa a lot, so these can differ widely on the
    same readers. See :func:`~microcalc.stats.agreement.cohen_kappa` for the formulas.

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
    data = check_table(data, "data")
    s1 = _table_column(data, "reader1_score")
    s2 = _table_column(data, "reader2_score")
    e1 = _table_column(data, "reader1_elasticity_kpa")
    e2 = _table_column(data, "reader2_elasticity_kpa")
    score_categories = np.arange(1.0, 6.0)
    for column, values in (("reader1_score", s1), ("reader2_score", s2)):
        bad = np.flatnonzero(~np.isin(values, score_categories))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"column {column!r}, {_row_label(data, i)}: value {float(values[i])!r} is not "
                "a score 1, 2, 3, 4 or 5"
            )
    rows = []
    for w, label in zip(
        _KAPPA_WEIGHTS, ("unweighted", "linear weights", "quadratic weights"), strict=True
    ):
        r = agreement.cohen_kappa(
            s1, s2, weights=w, categories=score_categories, confidence_level=confidence_level
        )
        rows.append(
            {
                "candidate": f"score, {label}",
                "variable": "score",
                "scale": "1-5",
                **asdict(r),
            }
        )
    r = agreement.dichotomised_kappa(
        s1,
        s2,
        cutoff=score_cutoff,
        confidence_level=confidence_level,
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
    r = agreement.dichotomised_kappa(
        e1,
        e2,
        cutoff=cutoff,
        confidence_level=confidence_level,
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
        r1 = _table_column(data, "reader1_strain_ratio")
        r2 = _table_column(data, "reader2_strain_ratio")
        r = agreement.dichotomised_kappa(
            r1,
            r2,
            cutoff=strain_ratio_cutoff,
            confidence_level=confidence_level,
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
    data: pd.DataFrame,
    *,
    group: str = "malignant",
    measure: str = "elasticity_kpa",
    cutoff: float = 62.0,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Kappa of the two readers' dichotomised calls within each group and in all lesions.

    Shows how kappa depends on how common positive calls are: the same readers, with the same
    observed agreement, get a lower kappa where almost every call is positive (or negative).

    Parameters
    ----------
    data : pandas.DataFrame
        Lesion table with ``reader1_<measure>``, ``reader2_<measure>`` and the ``group`` column.
    group : str, default "malignant"
        Column that defines the groups (any values without missing entries).
    measure : str, default "elasticity_kpa"
        Measure whose readers' values are dichotomised.
    cutoff : float, default 62.0
        A value at or above the cutoff is a positive call.
    confidence_level : float, default 0.95
        Level of the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted) and a last row ``"all"``: ``group``, ``positive_share`` (share
        of the ``2 n`` calls that are positive) and the fields of :class:`~microcalc.stats.agreement.KappaResult`.

    Notes
    -----
    Each row is :func:`~microcalc.stats.agreement.dichotomised_kappa` on that subset. With observed agreement
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
    data = check_table(data, "data")
    if not isinstance(group, str) or group not in data.columns:
        raise ValueError(
            f"group must name a column of data, got {group!r}; its columns are "
            f"{list(map(str, data.columns))}"
        )
    if not isinstance(measure, str):
        raise TypeError(f"measure must be a string, got {measure!r}")
    cutoff = float(as_finite_array([cutoff], "cutoff")[0])
    missing = np.flatnonzero(data[group].isna().to_numpy())
    if missing.size:
        i = int(missing[0])
        raise ValueError(f"column {group!r}, {_row_label(data, i)}: value is missing")
    c1, c2 = f"reader1_{measure}", f"reader2_{measure}"
    x1 = _table_column(data, c1)
    x2 = _table_column(data, c2)
    labels = data[group].to_numpy()
    subsets = [(str(g), labels == g) for g in sorted(pd.unique(labels))]
    subsets.append(("all", np.ones(len(data), dtype=bool)))
    rows = []
    for label, keep in subsets:
        a, b = x1[keep], x2[keep]
        try:
            r = agreement.dichotomised_kappa(
                a, b, cutoff=cutoff, confidence_level=confidence_level, names=(c1, c2)
            )
        except ValueError as error:
            raise ValueError(f"group {group} = {label!r}: {error}") from None
        positive = float(((a >= cutoff).sum() + (b >= cutoff).sum()) / (2 * a.size))
        rows.append({"group": label, "positive_share": positive, **asdict(r)})
    return pd.DataFrame(rows)


def reader_icc(data: pd.DataFrame, *, measure: str = "elasticity_kpa") -> pd.DataFrame:
    """The six ICCs between reader 1 and reader 2 for one measure of the lesion table.

    Parameters
    ----------
    data : pandas.DataFrame
        Lesion table with ``reader1_<measure>`` and ``reader2_<measure>``.
    measure : str, default "elasticity_kpa"
        ``"elasticity_kpa"`` or ``"strain_ratio"`` (any measure with both reader columns).

    Returns
    -------
    pandas.DataFrame
        As :func:`~microcalc.stats.agreement.intraclass_correlations`, with a ``measure`` column first.

    Notes
    -----
    See :func:`~microcalc.stats.agreement.intraclass_correlations`; the form that fits this
    study: :func:`study_icc_form`.

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
    data = check_table(data, "data")
    if not isinstance(measure, str):
        raise TypeError(f"measure must be a string, got {measure!r}")
    columns = [f"reader1_{measure}", f"reader2_{measure}"]
    wide = pd.DataFrame({c: _table_column(data, c) for c in columns})
    out = agreement.intraclass_correlations(wide)
    out.insert(0, "measure", measure)
    return out


def reader_bland_altman(
    data: pd.DataFrame,
    *,
    measure: str = "elasticity_kpa",
    coverage: float = 0.95,
    confidence_level: float = 0.95,
) -> agreement.BlandAltmanResult:
    """Bland-Altman of reader 1 minus reader 2 for one measure of the lesion table.

    Parameters
    ----------
    data : pandas.DataFrame
        Lesion table with ``reader1_<measure>`` and ``reader2_<measure>``.
    measure : str, default "elasticity_kpa"
        ``"elasticity_kpa"`` or ``"strain_ratio"``.
    coverage, confidence_level : float
        As in :func:`microcalc.stats.agreement.bland_altman`.

    Returns
    -------
    microcalc.stats.agreement.BlandAltmanResult

    Notes
    -----
    See :func:`~microcalc.stats.agreement.bland_altman`.

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
    data = check_table(data, "data")
    if not isinstance(measure, str):
        raise TypeError(f"measure must be a string, got {measure!r}")
    c1, c2 = f"reader1_{measure}", f"reader2_{measure}"
    return agreement.bland_altman(
        _table_column(data, c1),
        _table_column(data, c2),
        coverage=coverage,
        confidence_level=confidence_level,
        names=(c1, c2),
    )


def repeatability(
    measurements: pd.DataFrame, *, value: str = "emean_kpa", confidence_level: float = 0.95
) -> pd.DataFrame:
    """Repeatability across acquisitions, per reader and for both readers pooled.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Long measurement table with ``participant_id``, ``reader``, ``acquisition`` and the
        ``value`` column; one row per participant, reader and acquisition.
    value : str, default "emean_kpa"
        ``"emean_kpa"``, ``"emax_kpa"`` or ``"strain_ratio"``.
    confidence_level : float, default 0.95
        Level of the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        One row per reader and a last row ``"all"``; columns ``group``, ``value`` and the
        fields of :class:`~microcalc.stats.agreement.RepeatabilityResult`.

    Notes
    -----
    A subject is one participant measured by one reader; its acquisitions are the repeated
    measurements. See :func:`~microcalc.stats.agreement.repeatability_stats` for the formulas.

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
    measurements = check_table(measurements, "measurements")
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
        res = agreement.repeatability_stats(
            x[keep], subject[keep], confidence_level=confidence_level
        )
        rows.append({"group": group, "value": value, **asdict(res)})
    res = agreement.repeatability_stats(x, subject, confidence_level=confidence_level)
    rows.append({"group": "all", "value": value, **asdict(res)})
    return pd.DataFrame(rows)
