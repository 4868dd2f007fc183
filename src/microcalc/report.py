"""The full analysis of any lesion table, as one JSON report (``python -m microcalc analyze``).

:func:`analyze` runs every analysis of the study that the table's columns allow, by calling
the analysis modules (:mod:`microcalc.stats.compare`, :mod:`microcalc.stats.roc`,
:mod:`microcalc.stats.accuracy`, :mod:`microcalc.stats.logistic`, :mod:`microcalc.stats.agreement`); it computes
no statistic of its own. Each analysis declares the columns it needs: when one is absent the
analysis is *skipped* and the report says which columns were missing; when a needed column has
missing cells the analysis uses the complete cases and reports how many rows it left out.

The report has a fixed shape: the key ``analyses`` always holds every analysis name of
:data:`ANALYSES` (``null`` where skipped), floats are rounded to 10 significant digits, and
NaN or infinity become ``null``, so that the JSON is strict and byte-identical from run to run.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

import microcalc
from microcalc.stats import accuracy, agreement, compare, logistic, roc
from microcalc.study import readers, variables
from microcalc.tablecheck import CheckedTable, check_lesion_table

__all__ = [
    "ANALYSES",
    "DEFAULT_CUTOFF",
    "FEW_PER_CLASS",
    "FORMAT",
    "FORMAT_VERSION",
    "PROFILE_MAX_ROWS",
    "AnalysisSpec",
    "Report",
    "Skipped",
    "analyze",
    "to_plain",
]

#: The paper's elasticity cutoff (kPa), used unless another is given.
DEFAULT_CUTOFF = 62.0
FORMAT = "microcalc-analyze-report"
#: 2: result fields follow the one vocabulary (confidence_level, estimate, statistic, ...).
FORMAT_VERSION = 2
_DIGITS = 10  # significant digits of every float in the report
#: Above this many rows the logistic fits report Wald intervals only: profile-likelihood
#: intervals need dozens of refits each, and at this size the likelihood is close to quadratic.
PROFILE_MAX_ROWS = 10_000
#: Fewer lesions than this in either class earn a small-sample warning.
FEW_PER_CLASS = 10


@dataclass(frozen=True)
class AnalysisSpec:
    """One analysis of the report.

    Attributes
    ----------
    name : str
        Key in the report's ``analyses``.
    needs : tuple of str
        Data-dictionary columns it needs (``participant_id``, ``malignant`` and
        ``elasticity_kpa`` are always there).
    run : callable
        ``run(table, cutoff) -> dict`` on the complete cases of ``needs``.
    description : str
        What it is, in a few words.
    """

    name: str
    needs: tuple[str, ...]
    run: Callable[[pd.DataFrame, float], dict]
    description: str


@dataclass(frozen=True)
class Skipped:
    """An analysis that did not run, and why.

    Attributes
    ----------
    analysis : str
    missing_columns : tuple of str
        Needed columns absent from the table (empty when the reason is another).
    reason : str
    """

    analysis: str
    missing_columns: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Report:
    """The analysis report of one lesion table.

    Attributes
    ----------
    input : dict
        Source, checksum, rows, class counts, columns present / absent / ignored, missing cells.
    settings : dict
        The cutoff and the conventions used.
    analyses : dict
        Analysis name -> plain result (dicts, lists, numbers, strings), or None when skipped.
    skipped : tuple of Skipped
    warnings : tuple of dict
        ``{"analysis": name, "message": text}``: values outside the study's inclusion criteria
        (analysis ``"input"``), few rows per class, an AUC below 0.5, a degenerate Youden
        cutoff, separation, more parameters than events, Wald-only intervals on large tables,
        and the warnings raised by the analysis modules.
    """

    input: dict
    settings: dict
    analyses: dict
    skipped: tuple[Skipped, ...]
    warnings: tuple[dict, ...]

    def to_dict(self) -> dict:
        """The report as plain Python objects (strict-JSON-ready)."""
        return to_plain(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "microcalc_version": microcalc.__version__,
                "input": self.input,
                "settings": self.settings,
                "analyses": self.analyses,
                "skipped": [dataclasses.asdict(s) for s in self.skipped],
                "warnings": list(self.warnings),
            }
        )

    def to_json(self, *, indent: int | None = 1) -> str:
        """Strict JSON text (no NaN, no Infinity), ending with a newline."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- plain values
def _float(value: float) -> float | None:
    if not math.isfinite(value):
        return None
    rounded = float(f"{value:.{_DIGITS}g}")
    return 0.0 if rounded == 0 else rounded


def to_plain(obj):
    """Convert results to JSON-ready Python objects.

    Dataclasses become dicts, DataFrames lists of records, arrays lists; numpy scalars become
    Python numbers; floats are rounded to 10 significant digits; NaN, infinity and pandas'
    missing values become None.

    Examples
    --------
    >>> to_plain({"a": np.float64(1 / 3), "b": [np.nan, np.int64(2)], "c": (True,)})
    {'a': 0.3333333333, 'b': [None, 2], 'c': [True]}
    """
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _float(float(obj))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, pd.DataFrame):
        return [to_plain(record) for record in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series | np.ndarray | list | tuple):
        return [to_plain(v) for v in list(obj)]
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if obj is pd.NA or obj is pd.NaT:
        return None
    raise TypeError(f"cannot put a {type(obj).__name__} into the report: {obj!r}")


# --------------------------------------------------------------------------- analyses
def _truth(table: pd.DataFrame) -> np.ndarray:
    return table["malignant"].to_numpy(dtype=int)


def _marker(table: pd.DataFrame, column: str) -> np.ndarray:
    return table[column].to_numpy(dtype=float)


def _group_comparison(variable: str) -> Callable[[pd.DataFrame, float], dict]:
    categorical = variable in variables.CATEGORICAL_COLUMNS
    group = variables.OUTCOME

    def run(table: pd.DataFrame, cutoff: float) -> dict:
        rows = compare.summary_table(
            table,
            variables=[variable],
            group=group,
            group_labels=variables.GROUP_LABELS,
            categorical=variables.CATEGORICAL_COLUMNS,
            labels=variables.VARIABLE_LABELS,
        )
        if categorical:
            test = compare.compare_categorical(table, variable, group=group)
        else:
            test = compare.compare_continuous(table, variable, group=group)
        return {
            "variable": variable,
            "kind": "categorical" if categorical else "continuous",
            "table": rows.drop(columns=["variable"]),
            "group_n": rows.attrs.get("group_n", {}),
            "test": test,
        }

    return run


def _correlation(other: str) -> Callable[[pd.DataFrame, float], dict]:
    def run(table: pd.DataFrame, cutoff: float) -> dict:
        return {"spearman": compare.spearman_correlation(table, "elasticity_kpa", other)}

    return run


def _roc_marker(column: str) -> Callable[[pd.DataFrame, float], dict]:
    def run(table: pd.DataFrame, cutoff: float) -> dict:
        truth, marker = _truth(table), _marker(table, column)
        return {
            "marker": column,
            "auc": roc.auc_delong(truth, marker),
            "chance_test": roc.auc_chance_test(truth, marker),
            "youden": roc.youden_cutoff(truth, marker, convention="observed"),
        }

    return run


def _accuracy_at_cutoff(table: pd.DataFrame, cutoff: float) -> dict:
    truth, marker = _truth(table), _marker(table, "elasticity_kpa")
    return {
        "rule": f"elasticity_kpa >= {cutoff:g} is test-positive",
        "accuracy": accuracy.accuracy_at_cutoff(truth, marker, cutoff=cutoff),
    }


def _accuracy_at_youden(table: pd.DataFrame, cutoff: float) -> dict:
    truth, marker = _truth(table), _marker(table, "elasticity_kpa")
    youden = roc.youden_cutoff(truth, marker, convention="observed")
    if youden.youden_index <= 0:
        raise ValueError(
            f"the Youden cutoff is degenerate (J = {youden.youden_index:.3g}): no cutoff of "
            "elasticity_kpa does better than chance, so there is no cutoff to evaluate"
        )
    best = youden.cutoff
    return {
        "rule": f"elasticity_kpa >= {best:g} (the Youden cutoff of this table) is test-positive",
        "note": "the cutoff is chosen and evaluated on the same table: apparent, optimistic",
        "accuracy": accuracy.accuracy_at_cutoff(truth, marker, cutoff=best),
    }


def _auc_by_density(table: pd.DataFrame, cutoff: float) -> dict:
    strata = np.where(table["breast_density"].isin(["C", "D"]), "C-D (dense)", "A-B")
    result = roc.stratified_auc(
        _truth(table), {"elasticity_kpa": _marker(table, "elasticity_kpa")}, strata
    )
    return {"strata": result}


def _fit_summary(fit: logistic.LogisticFit) -> dict:
    return {
        "predictors": fit.predictors,
        "method": fit.method,
        "n": fit.n,
        "n_events": fit.n_events,
        "converged": fit.converged,
        "separation": fit.separation,
        "coefficients": fit.coefficients,
        "loglik": fit.loglik,
        "loglik_null": fit.loglik_null,
        "aic": fit.aic,
        "cox_snell_r2": fit.cox_snell_r2,
        "nagelkerke_r2": fit.nagelkerke_r2,
    }


def _profile(table: pd.DataFrame) -> bool:
    return len(table) <= PROFILE_MAX_ROWS


def _univariable(candidate: str) -> Callable[[pd.DataFrame, float], dict]:
    def run(table: pd.DataFrame, cutoff: float) -> dict:
        screen = logistic.univariable_screen(
            variables.add_density_cd(table) if candidate == "density_cd" else table,
            predictors=[candidate],
            outcome=variables.OUTCOME,
            method="auto",
            profile=_profile(table),
            labels=variables.TERM_LABELS,
        )
        return {"threshold": 0.10, "result": screen.iloc[0].to_dict()}

    return run


def _multivariable(table: pd.DataFrame, cutoff: float) -> dict:
    predictors = list(variables.CANDIDATES)
    table = variables.add_density_cd(table)
    separation = logistic.detect_separation(table, predictors=predictors, outcome=variables.OUTCOME)
    fit = logistic.fit_logistic(
        table,
        predictors=predictors,
        outcome=variables.OUTCOME,
        method="auto",
        profile=_profile(table),
        labels=variables.TERM_LABELS,
    )
    return {
        "separation_check": separation,
        "fit": _fit_summary(fit),
        "hosmer_lemeshow": logistic.hosmer_lemeshow(_truth(table), fit.fitted),
    }


def _combined(table: pd.DataFrame, cutoff: float) -> dict:
    predictors = list(variables.COMBINED)
    truth = _truth(table)
    separation = logistic.detect_separation(table, predictors=predictors, outcome=variables.OUTCOME)
    fit = logistic.fit_logistic(
        table,
        predictors=predictors,
        outcome=variables.OUTCOME,
        method="auto",
        profile=_profile(table),
        labels=variables.TERM_LABELS,
    )
    probability = fit.fitted  # = logistic.combined_probability(table, ..., method="auto")
    elasticity = _marker(table, "elasticity_kpa")
    return {
        "separation_check": separation,
        "fit": _fit_summary(fit),
        "auc": roc.auc_delong(truth, probability),
        "auc_elasticity_kpa": roc.auc_delong(truth, elasticity),
        "delong_test": roc.delong_test(
            truth, probability, elasticity, names=("combined", "elasticity_kpa")
        ),
        "hosmer_lemeshow": logistic.hosmer_lemeshow(truth, probability),
        "note": "fitted and evaluated on the same table: apparent, optimistic performance",
    }


def _kappa(table: pd.DataFrame, cutoff: float) -> dict:
    r1 = table["reader1_score"].to_numpy(dtype=float)
    r2 = table["reader2_score"].to_numpy(dtype=float)
    return {
        "unweighted": agreement.cohen_kappa(r1, r2, weights="unweighted"),
        "linear": agreement.cohen_kappa(r1, r2, weights="linear", categories=range(1, 6)),
        "quadratic": agreement.cohen_kappa(r1, r2, weights="quadratic", categories=range(1, 6)),
    }


def _icc(measure: str) -> Callable[[pd.DataFrame, float], dict]:
    def run(table: pd.DataFrame, cutoff: float) -> dict:
        return {"measure": measure, "icc": readers.reader_icc(table, measure=measure)}

    return run


def _bland_altman(measure: str) -> Callable[[pd.DataFrame, float], dict]:
    def run(table: pd.DataFrame, cutoff: float) -> dict:
        return {"measure": measure, "result": readers.reader_bland_altman(table, measure=measure)}

    return run


def _specs() -> tuple[AnalysisSpec, ...]:
    specs: list[AnalysisSpec] = []
    for variable in (
        "age_years",
        "lesion_size_mm",
        "breast_density",
        "birads",
        "calcification_pattern",
        "elasticity_kpa",
        "elasticity_max_kpa",
        "strain_ratio",
        "elasticity_score",
    ):
        specs.append(
            AnalysisSpec(
                f"group_comparison.{variable}",
                (variable,),
                _group_comparison(variable),
                "malignant vs benign (Tables 1-2): test chosen by compare_continuous/_categorical",
            )
        )
    for key, other in (
        ("elasticity_strain_ratio", "strain_ratio"),
        ("elasticity_lesion_size", "lesion_size_mm"),
    ):
        specs.append(
            AnalysisSpec(
                f"correlation.{key}",
                ("elasticity_kpa", other),
                _correlation(other),
                f"Spearman correlation of elasticity_kpa and {other}",
            )
        )
    for marker in ("elasticity_kpa", "elasticity_max_kpa", "strain_ratio", "elasticity_score"):
        specs.append(
            AnalysisSpec(
                f"roc.{marker}",
                (marker,),
                _roc_marker(marker),
                f"AUC of {marker} with DeLong CI, Mann-Whitney test, Youden cutoff",
            )
        )
    specs += [
        AnalysisSpec(
            "accuracy.at_cutoff",
            ("elasticity_kpa",),
            _accuracy_at_cutoff,
            "sensitivity, specificity, PPV, NPV, LRs at the given cutoff (exact CIs)",
        ),
        AnalysisSpec(
            "accuracy.at_youden_cutoff",
            ("elasticity_kpa",),
            _accuracy_at_youden,
            "the same at the Youden cutoff of this table",
        ),
        AnalysisSpec(
            "roc.auc_by_density",
            ("elasticity_kpa", "breast_density"),
            _auc_by_density,
            "AUC of elasticity_kpa in fatty (A-B) and dense (C-D) breasts",
        ),
    ]
    for candidate in variables.CANDIDATES:
        column = "breast_density" if candidate == "density_cd" else candidate
        specs.append(
            AnalysisSpec(
                f"logistic.univariable.{candidate}",
                (column,),
                _univariable(candidate),
                f"univariable logistic regression on {candidate}, screened at P < 0.10",
            )
        )
    specs += [
        AnalysisSpec(
            "logistic.multivariable",
            ("age_years", "lesion_size_mm", "breast_density", "elasticity_kpa", "strain_ratio"),
            _multivariable,
            "Table 3 model on all five candidates (Firth if separated), Hosmer-Lemeshow",
        ),
        AnalysisSpec(
            "logistic.combined",
            ("elasticity_kpa", "strain_ratio"),
            _combined,
            "elasticity + strain ratio model: AUC, DeLong test against elasticity alone, HL",
        ),
        AnalysisSpec(
            "agreement.kappa_score",
            ("reader1_score", "reader2_score"),
            _kappa,
            "Cohen's kappa of the two readers' 1-5 scores",
        ),
    ]
    for measure in ("elasticity_kpa", "strain_ratio"):
        readers = (f"reader1_{measure}", f"reader2_{measure}")
        specs.append(
            AnalysisSpec(
                f"agreement.icc.{measure}",
                readers,
                _icc(measure),
                f"ICCs of the readers' {measure}",
            )
        )
        specs.append(
            AnalysisSpec(
                f"agreement.bland_altman.{measure}",
                readers,
                _bland_altman(measure),
                f"Bland-Altman of reader 1 minus reader 2, {measure}",
            )
        )
    return tuple(specs)


#: Every analysis of the report, in report order.
ANALYSES: tuple[AnalysisSpec, ...] = _specs()


def _statistical_warnings(name: str, result: dict) -> list[str]:
    """What a statistician would say about a result: direction, degeneracy, separation, size.

    ``result`` is the plain (JSON-ready) result of analysis ``name``.
    """
    found = []
    n_malignant, n_benign = result["n_malignant"], result["n_benign"]
    auc = result.get("auc")
    if isinstance(auc, dict) and auc.get("estimate") is not None:
        marker = result.get("marker", "the combined model")
        if auc["estimate"] < 0.5:
            found.append(
                f"the AUC of {marker} is {auc['estimate']:.3g}, below 0.5: the marker is lower in "
                "malignant than in benign lesions, against the direction assumed (higher = "
                "malignant); check the coding of the marker or of 'malignant'"
            )
        if auc["estimate"] in (0.0, 1.0):
            found.append(
                f"{marker} separates the two classes perfectly (AUC {auc['estimate']:g}): the "
                "DeLong interval collapses to a point and understates the uncertainty"
            )
    youden = result.get("youden")
    if isinstance(youden, dict) and youden.get("youden_index") is not None:
        if youden["youden_index"] <= 0:
            found.append(
                f"the Youden cutoff of {result.get('marker')} is degenerate (J = "
                f"{youden['youden_index']:.3g}): no cutoff does better than chance"
            )
    fits = []
    if isinstance(result.get("fit"), dict):
        fits.append((result["fit"]["method"], len(result["fit"]["predictors"]) + 1))
    if isinstance(result.get("result"), dict) and "method" in result["result"]:
        fits.append((result["result"]["method"], 2))
    for method, parameters in fits:
        if method == "firth":
            found.append(
                "the outcome is separated by the predictors (maximum-likelihood estimates do "
                "not exist); Firth's penalised likelihood was used instead"
            )
        events = min(n_malignant, n_benign)
        if events < parameters:
            found.append(
                f"the model has more parameters ({parameters}) than events ({events} in the "
                "smaller outcome class); its estimates are unreliable"
            )
    return found


def _complete_cases(table: pd.DataFrame, needs: tuple[str, ...]) -> pd.DataFrame:
    """Rows complete in ``needs``, with nullable integer / boolean columns made plain."""
    subset = table.dropna(subset=list(needs))
    converted = {}
    for column in subset.columns:
        dtype = subset[column].dtype
        if isinstance(dtype, pd.Int64Dtype) and not subset[column].isna().any():
            converted[column] = subset[column].astype("int64")
        elif isinstance(dtype, pd.BooleanDtype) and not subset[column].isna().any():
            converted[column] = subset[column].astype(bool)
    return subset.assign(**converted) if converted else subset


def analyze(
    lesions: CheckedTable | pd.DataFrame,
    *,
    cutoff: float = DEFAULT_CUTOFF,
    min_per_class: int = 2,
) -> Report:
    """Run every analysis the lesion table allows and collect the results in a report.

    Parameters
    ----------
    lesions : CheckedTable or pandas.DataFrame
        Output of :func:`microcalc.tablecheck.read_lesion_table`, or a table of the data
        dictionary (checked here with :func:`microcalc.tablecheck.check_lesion_table`).
    cutoff : float, default 62.0
        Elasticity cutoff (kPa) of ``accuracy.at_cutoff``; test-positive when
        ``elasticity_kpa >= cutoff``.
    min_per_class : int, default 2
        An analysis whose complete cases hold fewer malignant or benign lesions is skipped.

    Returns
    -------
    Report

    Notes
    -----
    Every statistic comes from the analysis modules, with the conventions the book uses:
    Lilliefors-then-t/Welch/Mann-Whitney and chi-square/Fisher (Cochran's rule) in
    :mod:`~microcalc.stats.compare`; DeLong (1988) intervals and paired test, Youden (1950) cutoff on
    observed values (lowest of ties) in :mod:`~microcalc.stats.roc`; Clopper-Pearson (1934) intervals
    in :mod:`~microcalc.stats.accuracy`; maximum likelihood with Firth's correction when the data are
    separated, and Hosmer-Lemeshow (1980) with ten risk groups in :mod:`~microcalc.stats.logistic`;
    Cohen (1960) kappa, Shrout-Fleiss ICCs and Bland-Altman (1986) limits in
    :mod:`~microcalc.stats.agreement` (on the reader columns via :mod:`~microcalc.study.readers`).
    An analysis that the module refuses (for example a stratum with
    one class only) is listed in ``skipped`` with the module's message.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> t = pd.DataFrame({"participant_id": [f"P{i}" for i in range(40)],
    ...                   "malignant": [0, 1] * 20})
    >>> t["elasticity_kpa"] = 50 + 20 * t["malignant"] + rng.normal(0, 10, 40)
    >>> report = analyze(t)
    >>> report.analyses["roc.elasticity_kpa"]["auc"]["estimate"] > 0.5
    True
    >>> [s.missing_columns for s in report.skipped][:1]
    [('age_years',)]
    """
    if isinstance(lesions, pd.DataFrame):
        lesions = check_lesion_table(lesions, min_per_class=min_per_class)
    if not isinstance(lesions, CheckedTable):
        raise TypeError(
            f"lesions must be a CheckedTable or DataFrame, got {type(lesions).__name__}"
        )
    if isinstance(cutoff, bool) or not isinstance(cutoff, int | float) or not math.isfinite(cutoff):
        raise ValueError(f"cutoff must be a finite number, got {cutoff!r}")
    if cutoff <= 0:
        raise ValueError(f"cutoff must be a positive number of kPa, got {cutoff!r}")
    table = lesions.table
    present = set(lesions.present)
    results: dict[str, dict | None] = {}
    skipped: list[Skipped] = []
    caught: list[dict] = [{"analysis": "input", "message": m} for m in lesions.warnings]
    n_table_malignant = int((table["malignant"] == 1).sum())
    n_table_benign = len(table) - n_table_malignant
    if min(n_table_malignant, n_table_benign) < FEW_PER_CLASS:
        caught.append(
            {
                "analysis": "input",
                "message": f"few rows per class ({n_table_malignant} malignant, "
                f"{n_table_benign} benign; fewer than {FEW_PER_CLASS} in a class): intervals "
                "are wide and the large-sample approximations (DeLong, Wald, chi-square) "
                "unreliable",
            }
        )
    if len(table) > PROFILE_MAX_ROWS and any(
        spec.name.startswith("logistic.") and all(c in present for c in spec.needs)
        for spec in ANALYSES
    ):
        caught.append(
            {
                "analysis": "logistic",
                "message": f"more than {PROFILE_MAX_ROWS} rows: the logistic fits report Wald "
                "intervals only (profile-likelihood intervals and likelihood-ratio p-values "
                "are null)",
            }
        )
    for spec in ANALYSES:
        results[spec.name] = None
        absent = tuple(c for c in spec.needs if c not in present)
        if absent:
            skipped.append(Skipped(spec.name, absent, "column(s) absent from the table"))
            continue
        subset = _complete_cases(table, spec.needs)
        excluded = len(table) - len(subset)
        counts = subset["malignant"].value_counts()
        n_malignant, n_benign = int(counts.get(1, 0)), int(counts.get(0, 0))
        if min(n_malignant, n_benign) < min_per_class:
            skipped.append(
                Skipped(
                    spec.name,
                    (),
                    f"too few complete cases ({n_malignant} malignant, {n_benign} benign) "
                    f"after leaving out {excluded} row(s) with missing values",
                )
            )
            continue
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            try:
                result = spec.run(subset, float(cutoff))
            except (ValueError, np.linalg.LinAlgError) as error:
                message = " ".join(str(error).split())
                skipped.append(Skipped(spec.name, (), f"could not be computed: {message}"))
                result = None
        messages = sorted({" ".join(str(w.message).split()) for w in raised})
        caught += [{"analysis": spec.name, "message": m} for m in messages]
        if result is None:
            continue
        plain = to_plain(
            {
                "description": spec.description,
                "columns": spec.needs,
                "n": len(subset),
                "n_malignant": n_malignant,
                "n_benign": n_benign,
                "n_excluded_missing": excluded,
                **result,
            }
        )
        results[spec.name] = plain
        if min(n_malignant, n_benign) < FEW_PER_CLASS <= min(n_table_malignant, n_table_benign):
            caught.append(
                {
                    "analysis": spec.name,
                    "message": f"few complete cases per class ({n_malignant} malignant, "
                    f"{n_benign} benign)",
                }
            )
        caught += [
            {"analysis": spec.name, "message": m} for m in _statistical_warnings(spec.name, plain)
        ]
    truth = table["malignant"]
    info = {
        "source": lesions.source,
        "sha256": lesions.sha256,
        "n_rows": lesions.n_rows,
        "n_malignant": int((truth == 1).sum()),
        "n_benign": int((truth == 0).sum()),
        "columns_present": lesions.present,
        "columns_absent": lesions.absent,
        "columns_ignored": lesions.extra,
        "missing_values": lesions.missing_counts,
    }
    settings = {
        "cutoff_kpa": float(cutoff),
        "positive_rule": "marker >= cutoff (higher = malignant)",
        "confidence_level": 0.95,
        "min_per_class": min_per_class,
        "profile_likelihood_max_rows": PROFILE_MAX_ROWS,
    }
    return Report(
        input=to_plain(info),
        settings=to_plain(settings),
        analyses=results,
        skipped=tuple(skipped),
        warnings=tuple(caught),
    )
