"""The reproduction scorecard: every published number, what this book finds, and a verdict.

For each number in :mod:`microcalc.paper` the scorecard lists

- ``reproduction``: the same quantity computed on the book's cohort with the analysis
  modules (:func:`reproduce`);
- ``replicate_low`` / ``replicate_high``: the 2.5% and 97.5% quantiles over simulated
  replicate studies (``data/montecarlo.csv.gz``, written by ``python -m microcalc
  montecarlo``), where the Monte Carlo collects that quantity;
- ``audit``: the verdict of :func:`microcalc.audit.audit_paper` on the checks that involve
  the number (computed from the paper's own summary numbers, no simulation);
- ``verdict`` and ``why``, by these rules, first match wins:

  1. *design input*: the number describes the design or an illustration, not a result;
  2. *not reproducible*: the audit finds it inconsistent with the paper's other numbers;
  3. *matched by construction*: the cohort was calibrated to it (counts, means, SDs, the
     cutoff's sensitivity and specificity), so agreement says nothing about the paper;
  4. *reproduced*: the book's value rounds to the published one (or satisfies its "<"/">");
  5. *within study-to-study variation*: not reproduced here, but inside the 95% range of
     replicate studies;
  6. *not reproduced*: outside that range, or no range is available.

References
----------
Bossuyt PM et al. STARD 2015. BMJ 2015;351:h5527.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from microcalc import accuracy, agreement, compare, logistic, montecarlo, paper, roc

__all__ = [
    "MONTECARLO_COLUMNS",
    "VERDICTS",
    "build_scorecard",
    "reproduce",
    "scorecard",
    "verdict_counts",
]

VERDICTS = (
    "reproduced",
    "within study-to-study variation",
    "matched by construction",
    "not reproduced",
    "not reproducible",
    "design input",
)

#: published key -> column of the Monte Carlo results (the inverse of montecarlo.PUBLISHED_KEYS)
MONTECARLO_COLUMNS: Mapping[str, str] = {
    key: column for column, key in montecarlo.PUBLISHED_KEYS.items()
}

_DESIGN_PREFIXES = (
    "design.",
    "figure2.",
    "figure3.",
    "context.",
    "samplesize.auc",
    "samplesize.alpha",
    "samplesize.beta",
    "text.univariable_screen_p",
)
_BY_CONSTRUCTION_SUFFIXES = (".mean", ".sd", ".n", ".pct")
_BY_CONSTRUCTION_KEYS = ("roc.sensitivity", "roc.specificity")
_TABLE3_TERMS = {
    "age_years": "age_years",
    "lesion_size_mm": "lesion_size_mm",
    "dense_breast": "density_cd",
    "elasticity_kpa": "elasticity_kpa",
    "strain_ratio": "strain_ratio",
}


def reproduce(lesions: pd.DataFrame) -> dict[str, float]:
    """Compute every published result that the lesion table allows, keyed as in ``paper``.

    Uses the methods the paper names, with the choices documented in each module:
    automatic t / Mann-Whitney choice after a Lilliefors check, chi-square or Fisher,
    Spearman, maximum-likelihood logistic regression (Firth if separated), Hosmer-Lemeshow
    with ten risk groups, DeLong AUC intervals and test, exact binomial intervals and
    unweighted Cohen's kappa of the readers' scores.

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table of the data dictionary.

    Returns
    -------
    dict
        Published key -> value (percentages in percent, as printed in the paper).
    """
    values: dict[str, float] = {}
    truth = lesions["malignant"].to_numpy()
    groups = {
        "malignant": lesions[lesions.malignant == 1],
        "benign": lesions[lesions.malignant == 0],
    }
    for variable in ("age_years", "lesion_size_mm"):
        for group, frame in groups.items():
            values[f"table1.{variable}.{group}.mean"] = float(frame[variable].mean())
            values[f"table1.{variable}.{group}.sd"] = float(frame[variable].std(ddof=1))
        values[f"table1.{variable}.p_value"] = compare.compare_continuous(lesions, variable).p_value
    for variable in ("breast_density", "histology", "birads", "calcification_pattern"):
        for group, frame in groups.items():
            counts = frame[variable].astype(str).value_counts()
            for level in paper.counts(variable, group):
                n = int(counts.get(str(level), 0))
                values[f"table1.{variable}.{group}.{level}.n"] = n
                values[f"table1.{variable}.{group}.{level}.pct"] = 100 * n / len(frame)
        if variable != "histology":
            values[f"table1.{variable}.p_value"] = compare.compare_categorical(
                lesions, variable
            ).p_value
    for variable in ("elasticity_kpa", "strain_ratio", "elasticity_score"):
        for group, frame in groups.items():
            values[f"table2.{variable}.{group}.mean"] = float(frame[variable].mean())
            values[f"table2.{variable}.{group}.sd"] = float(frame[variable].std(ddof=1))
        values[f"table2.{variable}.p_value"] = compare.compare_continuous(lesions, variable).p_value

    for other, key in (
        ("strain_ratio", "elasticity_strain_ratio"),
        ("lesion_size_mm", "elasticity_lesion_size"),
    ):
        rho = compare.spearman_correlation(lesions, "elasticity_kpa", other)
        values[f"text.spearman.{key}"] = rho.estimate
        values[f"text.spearman.{key}.p_value"] = rho.p_value
    dense = lesions["breast_density"].isin(["C", "D"]).to_numpy()
    elasticity = lesions["elasticity_kpa"].to_numpy(dtype=float)
    values["text.auc_by_density.low"] = roc.auc(truth[~dense], elasticity[~dense])
    values["text.auc_by_density.high"] = roc.auc(truth[dense], elasticity[dense])

    full = logistic.fit_logistic(lesions, predictors=logistic.CANDIDATES, method="auto")
    table = full.coefficients.set_index("term")
    for published, term in _TABLE3_TERMS.items():
        values[f"table3.{published}.odds_ratio"] = float(table.loc[term, "odds_ratio"])
        values[f"table3.{published}.ci_low"] = float(table.loc[term, "ci_low"])
        values[f"table3.{published}.ci_high"] = float(table.loc[term, "ci_high"])
        values[f"table3.{published}.p_value"] = float(table.loc[term, "p_value"])
    combined = logistic.combined_probability(lesions, method="auto").to_numpy()
    values["table3.hosmer_lemeshow.p_value"] = logistic.hosmer_lemeshow(truth, combined).p_value

    cutoff = paper.value("roc.cutoff_kpa")
    values["roc.cutoff_kpa"] = roc.youden_cutoff(truth, elasticity, convention="observed").cutoff
    at_cutoff = accuracy.accuracy_at_cutoff(truth, elasticity, cutoff=cutoff)
    for name in ("sensitivity", "specificity"):
        estimate = getattr(at_cutoff, name)
        values[f"roc.{name}"] = 100 * estimate.estimate
        values[f"roc.{name}.ci_low"] = 100 * estimate.ci_low
        values[f"roc.{name}.ci_high"] = 100 * estimate.ci_high
    values["roc.accuracy"] = 100 * at_cutoff.accuracy.estimate
    for key, marker in (("elasticity", elasticity), ("combined", combined)):
        estimate = roc.auc_delong(truth, marker)
        values[f"roc.auc.{key}"] = estimate.estimate
        values[f"roc.auc.{key}.ci_low"] = estimate.ci_low
        values[f"roc.auc.{key}.ci_high"] = estimate.ci_high
        values[f"roc.auc.{key}.p_value"] = roc.auc_chance_test(truth, marker).p_value
    values["roc.delong.p_value"] = roc.delong_test(truth, combined, elasticity).p_value

    kappa = agreement.cohen_kappa(lesions["reader1_score"], lesions["reader2_score"])
    values["agreement.kappa"] = kappa.estimate
    values["agreement.kappa.ci_low"] = kappa.ci_low
    values["agreement.kappa.ci_high"] = kappa.ci_high
    return {key: float(value) for key, value in values.items()}


def _agrees(published: paper.PublishedValue, value: float) -> bool:
    if value is None or not math.isfinite(value):
        return False
    if published.qualifier == "<":
        return value < published.value
    if published.qualifier == ">":
        return value > published.value
    return published.rounds_to(value)


def _audit_by_key(audit: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    """Published key -> (worst audit verdict, its reason).

    A check's verdict is attached to the numbers it *tests* (column ``tested_keys``), not to
    every number it uses: a wrong p-value does not make the means it was computed from wrong.
    """
    if audit is None or audit.empty:
        return {}
    column = "tested_keys" if "tested_keys" in audit else "paper_keys"
    rank = {"inconsistent": 2, "consistent": 1, "cannot tell": 0}
    found: dict[str, tuple[str, str]] = {}
    for _, row in audit.iterrows():
        for key in str(row[column]).split(";"):
            key = key.strip()
            previous = found.get(key)
            if previous is None or rank.get(row["verdict"], 0) > rank.get(previous[0], 0):
                found[key] = (row["verdict"], row["reason"])
    return found


def scorecard(
    reproduction: Mapping[str, float],
    *,
    replicates: pd.DataFrame | None = None,
    audit: pd.DataFrame | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """One row per published number: published, reproduction, replicate range, verdicts.

    Parameters
    ----------
    reproduction : mapping
        Output of :func:`reproduce`.
    replicates : pandas.DataFrame, optional
        Monte Carlo results, one row per replicate study (columns of
        :data:`MONTECARLO_COLUMNS`).
    audit : pandas.DataFrame, optional
        Output of ``microcalc.audit.audit_paper()``.
    level : float, default 0.95
        Coverage of the replicate range.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``description``, ``location``, ``published``, ``reproduction``,
        ``replicate_low``, ``replicate_high``, ``audit``, ``verdict``, ``why``.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    tail = (1 - level) / 2
    audits = _audit_by_key(audit)
    rows = []
    for published in paper.all_values():
        key = published.key
        value = reproduction.get(key, np.nan)
        low = high = np.nan
        column = MONTECARLO_COLUMNS.get(key)
        if replicates is not None and column in replicates:
            series = replicates[column].dropna()
            if len(series):
                low, high = (float(q) for q in series.quantile([tail, 1 - tail]))
        audit_verdict, audit_reason = audits.get(key, ("", ""))
        if key.startswith(_DESIGN_PREFIXES):
            verdict, why = "design input", "describes the design or an illustration, not a result"
        elif audit_verdict == "inconsistent":
            verdict, why = "not reproducible", audit_reason
        elif key in _BY_CONSTRUCTION_KEYS or (
            key.startswith(("table1.", "table2.")) and key.endswith(_BY_CONSTRUCTION_SUFFIXES)
        ):
            verdict, why = "matched by construction", "the cohort was calibrated to this number"
        elif _agrees(published, value):
            verdict, why = "reproduced", f"this cohort gives {value:.4g}"
        elif math.isfinite(low) and low <= published.value <= high:
            verdict = "within study-to-study variation"
            why = f"this cohort gives {value:.4g}; replicate studies range {low:.4g} to {high:.4g}"
        else:
            verdict = "not reproduced"
            why = f"this cohort gives {value:.4g}" if math.isfinite(value) else "not computed"
            if math.isfinite(low):
                why += f"; replicate studies range {low:.4g} to {high:.4g}"
        rows.append(
            {
                "key": key,
                "description": published.description,
                "location": published.location,
                "published": published.printed,
                "reproduction": value,
                "replicate_low": low,
                "replicate_high": high,
                "audit": audit_verdict,
                "verdict": verdict,
                "why": why,
            }
        )
    return pd.DataFrame(rows)


def verdict_counts(card: pd.DataFrame) -> pd.Series:
    """Number of published values per verdict, in the order of :data:`VERDICTS`."""
    return card["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


def build_scorecard(
    lesions_csv: str | os.PathLike,
    *,
    data_dir: str | os.PathLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """The full scorecard from files: a lesion table, the stored Monte Carlo and the audit.

    Parameters
    ----------
    lesions_csv : path
        A ``lesions.csv`` of the data dictionary.
    data_dir : path, optional
        Folder with ``montecarlo.csv.gz`` and ``montecarlo.json``; defaults to the folder of
        ``lesions_csv``. Without them the replicate columns stay empty.
    level : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        As :func:`scorecard`.
    """
    from microcalc import audit, cohort

    path = Path(lesions_csv)
    if not path.is_file():
        raise ValueError(f"lesions file {str(path)!r} does not exist")
    folder = Path(data_dir) if data_dir is not None else path.parent
    replicates = None
    if (folder / montecarlo.CSV_NAME).is_file():
        replicates, _ = montecarlo.read_results(folder)
    return scorecard(
        reproduce(cohort.read_cohort_csv(path)),
        replicates=replicates,
        audit=audit.audit_paper(),
        level=level,
    )
