"""Every number that the study reports, as data, with where it stands.

This module is the single source of published values in the book: a chapter
that shows a published number reads it from here and never types it.

The study is Yan J. and Fang S. (2025), "Sensitivity and specificity of
ultrasound elastography in differentiating malignant from benign breast
microcalcifications", *BMC Medical Imaging* (CC BY-NC-ND 4.0). Numbers are
quoted as printed; percentages stay in percent, p-values printed as
"< 0.001" keep their qualifier.

Examples
--------
>>> from microcalc.study import paper
>>> paper.value("table2.elasticity_kpa.malignant.mean")
88.3
>>> paper.get("roc.sensitivity").location
'Results (ROC analysis); Abstract'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "CITATION",
    "GROUPS",
    "PublishedValue",
    "all_values",
    "as_frame",
    "counts",
    "get",
    "value",
]

CITATION = (
    "Yan J, Fang S. Ultrasound elastography in differentiating malignant from benign "
    "breast microcalcifications: a case-control study. BMC Medical Imaging. 2025 "
    "(published online 24 April 2025). CC BY-NC-ND 4.0."
)

GROUPS = ("malignant", "benign")


@dataclass(frozen=True)
class PublishedValue:
    """One number as the paper prints it.

    Attributes
    ----------
    key : str
        Dotted identifier, e.g. ``"table1.age_years.malignant.mean"``.
    value : float
        The number as printed (percentages in percent).
    location : str
        Where it stands in the paper (table, section, abstract).
    description : str
        What the number is, in words.
    unit : str
        Unit or scale (``"kPa"``, ``"%"``, ``"count"``, ``""``).
    decimals : int
        Decimals printed, so that "matches to the published decimal" can be checked.
    qualifier : str
        ``"="`` for an exact value, ``"<"`` or ``">"`` for a bound such as "P < 0.001".
    """

    key: str
    value: float
    location: str
    description: str
    unit: str = ""
    decimals: int = 2
    qualifier: str = "="

    @property
    def printed(self) -> str:
        """The number formatted as the paper prints it, with its qualifier."""
        text = f"{self.value:.{self.decimals}f}"
        return text if self.qualifier == "=" else f"{self.qualifier} {text}"

    def rounds_to(self, x: float) -> bool:
        """Whether ``x`` rounds to the published value at the published decimal.

        Uses round-half-up on the decimal, as tables are printed.
        """
        scale = 10**self.decimals
        return abs(round(x * scale + 1e-9) - round(self.value * scale)) == 0


_VALUES: list[PublishedValue] = []


def _add(key, value, location, description, unit="", decimals=2, qualifier="="):
    _VALUES.append(
        PublishedValue(key, float(value), location, description, unit, decimals, qualifier)
    )


# ---- Design -------------------------------------------------------------------------
_add("design.n.malignant", 150, "Abstract; Methods; Table 1", "malignant participants", "count", 0)
_add("design.n.benign", 150, "Abstract; Methods; Table 1", "benign participants", "count", 0)
_add(
    "design.lesion_size_min_mm",
    3,
    "Methods (inclusion criteria)",
    "smallest eligible lesion",
    "mm",
    0,
)
_add(
    "design.lesion_size_max_mm",
    15,
    "Methods (inclusion criteria)",
    "largest eligible lesion",
    "mm",
    0,
)
_add(
    "design.min_age_years", 18, "Methods (inclusion criteria)", "youngest eligible age", "years", 0
)
_add(
    "design.acquisitions_per_reader",
    3,
    "Methods (imaging protocol)",
    "acquisitions per lesion",
    "count",
    0,
)
_add(
    "design.consensus_threshold_pct",
    20,
    "Methods (image analysis)",
    "reader discrepancy above which a third reader decided",
    "%",
    0,
)
_add("design.roi_mm", 2, "Methods (imaging protocol)", "SWE region of interest side", "mm", 0)
_add(
    "design.followup_months",
    12,
    "Methods (reference standard)",
    "minimum imaging follow-up for benign cases",
    "months",
    0,
)

# ---- Table 1 ------------------------------------------------------------------------
for group, (m, s) in {"malignant": (51.3, 10.2), "benign": (49.7, 9.8)}.items():
    _add(f"table1.age_years.{group}.mean", m, "Table 1", f"mean age, {group}", "years", 1)
    _add(f"table1.age_years.{group}.sd", s, "Table 1", f"SD of age, {group}", "years", 1)
_add("table1.age_years.p_value", 0.114, "Table 1; Results", "age, malignant vs benign", "", 3)
for group, (m, s) in {"malignant": (7.4, 2.1), "benign": (5.8, 1.9)}.items():
    _add(f"table1.lesion_size_mm.{group}.mean", m, "Table 1", f"mean lesion size, {group}", "mm", 1)
    _add(f"table1.lesion_size_mm.{group}.sd", s, "Table 1", f"SD of lesion size, {group}", "mm", 1)
_add(
    "table1.lesion_size_mm.p_value",
    0.015,
    "Table 1; Results",
    "lesion size, malignant vs benign",
    "",
    3,
)

_TABLE1_COUNTS = {
    "breast_density": {
        "malignant": {"A": (30, 20.0), "B": (40, 26.7), "C": (50, 33.3), "D": (30, 20.0)},
        "benign": {"A": (38, 25.3), "B": (42, 28.0), "C": (45, 30.0), "D": (25, 16.7)},
    },
    "histology": {
        "malignant": {"dcis": (80, 53.3), "invasive_carcinoma": (70, 46.7)},
        "benign": {
            "fibroadenoma": (60, 40.0),
            "fibrocystic_change": (50, 33.3),
            "benign_calcification": (40, 26.7),
        },
    },
    "birads": {
        "malignant": {"3": (20, 13.3), "4": (65, 43.3), "5": (65, 43.3)},
        "benign": {"3": (60, 40.0), "4": (70, 46.7), "5": (20, 13.3)},
    },
    "calcification_pattern": {
        "malignant": {
            "clustered": (72, 48.0),
            "scattered": (45, 30.0),
            "sparse_punctate": (33, 22.0),
        },
        "benign": {"clustered": (54, 36.0), "scattered": (33, 22.0), "sparse_punctate": (63, 42.0)},
    },
}
for variable, by_group in _TABLE1_COUNTS.items():
    for group, levels in by_group.items():
        for level, (n, pct) in levels.items():
            _add(
                f"table1.{variable}.{group}.{level}.n",
                n,
                "Table 1",
                f"{variable} = {level}, {group}",
                "count",
                0,
            )
            _add(
                f"table1.{variable}.{group}.{level}.pct",
                pct,
                "Table 1",
                f"{variable} = {level}, {group}, percent of group",
                "%",
                1,
            )
_add("table1.breast_density.p_value", 0.087, "Table 1; Results", "density, chi-square", "", 3)
_add("table1.birads.p_value", 0.001, "Table 1; Results", "BI-RADS, chi-square", "", 3)
_add("table1.calcification_pattern.p_value", 0.032, "Table 1", "pattern, chi-square", "", 3)

# ---- Table 2 ------------------------------------------------------------------------
_TABLE2 = {
    "elasticity_kpa": ({"malignant": (88.3, 16.2), "benign": (45.7, 9.8)}, "kPa", 1),
    "strain_ratio": ({"malignant": (2.35, 0.50), "benign": (1.15, 0.35)}, "", 2),
    "elasticity_score": ({"malignant": (4.2, 0.6), "benign": (2.1, 0.7)}, "points", 1),
}
for variable, (by_group, unit, decimals) in _TABLE2.items():
    for group, (m, s) in by_group.items():
        _add(
            f"table2.{variable}.{group}.mean",
            m,
            "Table 2; Abstract; Results",
            f"mean {variable}, {group}",
            unit,
            decimals,
        )
        _add(
            f"table2.{variable}.{group}.sd",
            s,
            "Table 2; Abstract; Results",
            f"SD of {variable}, {group}",
            unit,
            decimals,
        )
    _add(
        f"table2.{variable}.p_value",
        0.001,
        "Table 2",
        f"{variable}, malignant vs benign",
        "",
        3,
        "<",
    )

# ---- Correlations and stratified results (Results text) -----------------------------
_add(
    "text.spearman.elasticity_strain_ratio",
    0.75,
    "Results (correlation); Discussion",
    "Spearman rho, elasticity vs strain ratio",
    "",
    2,
)
_add(
    "text.spearman.elasticity_strain_ratio.p_value",
    0.001,
    "Results (correlation)",
    "its p-value",
    "",
    3,
    "<",
)
_add(
    "text.spearman.elasticity_lesion_size",
    0.41,
    "Results (correlation)",
    "Spearman rho, elasticity vs lesion size",
    "",
    2,
)
_add(
    "text.spearman.elasticity_lesion_size.p_value",
    0.001,
    "Results (correlation)",
    "its p-value",
    "",
    3,
    "<",
)
_add(
    "text.auc_by_density.low",
    0.90,
    "Results (correlation)",
    "AUC of elasticity in density A/B",
    "",
    2,
    ">",
)
_add(
    "text.auc_by_density.high",
    0.90,
    "Results (correlation)",
    "AUC of elasticity in density C/D",
    "",
    2,
    ">",
)

# ---- Table 3 ------------------------------------------------------------------------
_TABLE3 = {
    "age_years": (1.01, 0.99, 1.03, 0.250, "="),
    "lesion_size_mm": (1.15, 1.05, 1.26, 0.003, "="),
    "dense_breast": (1.20, 0.80, 1.80, 0.360, "="),
    "elasticity_kpa": (1.09, 1.06, 1.12, 0.001, "<"),
    "strain_ratio": (2.50, 1.70, 3.80, 0.001, "<"),
}
for variable, (odds, low, high, p, qual) in _TABLE3.items():
    where = "Table 3" + (
        "; Abstract; Results" if variable in ("elasticity_kpa", "strain_ratio") else ""
    )
    _add(f"table3.{variable}.odds_ratio", odds, where, f"adjusted OR, {variable}", "", 2)
    _add(f"table3.{variable}.ci_low", low, where, f"95% CI lower, {variable}", "", 2)
    _add(f"table3.{variable}.ci_high", high, where, f"95% CI upper, {variable}", "", 2)
    _add(f"table3.{variable}.p_value", p, where, f"p-value, {variable}", "", 3, qual)
_add(
    "table3.hosmer_lemeshow.p_value",
    0.72,
    "Results (multivariate)",
    "Hosmer-Lemeshow p, two-marker model",
    "",
    2,
)
_add(
    "text.univariable_screen_p",
    0.10,
    "Methods (statistics)",
    "univariable p below which a variable entered the model",
    "",
    2,
    "<",
)

# ---- ROC and accuracy ---------------------------------------------------------------
_ROC = "Results (ROC analysis); Abstract"
_add("roc.cutoff_kpa", 62, _ROC, "Youden-optimal elasticity cutoff", "kPa", 0)
_add("roc.sensitivity", 88.0, _ROC, "sensitivity at 62 kPa", "%", 1)
_add("roc.sensitivity.ci_low", 81.5, _ROC, "sensitivity 95% CI lower", "%", 1)
_add("roc.sensitivity.ci_high", 92.8, _ROC, "sensitivity 95% CI upper", "%", 1)
_add("roc.specificity", 86.7, _ROC, "specificity at 62 kPa", "%", 1)
_add("roc.specificity.ci_low", 79.5, _ROC, "specificity 95% CI lower", "%", 1)
_add("roc.specificity.ci_high", 91.9, _ROC, "specificity 95% CI upper", "%", 1)
_add("roc.accuracy", 89.0, _ROC, "accuracy at 62 kPa", "%", 1)
_add("roc.auc.elasticity", 0.95, _ROC, "AUC, elasticity alone", "", 2)
_add("roc.auc.elasticity.ci_low", 0.92, _ROC, "AUC elasticity 95% CI lower", "", 2)
_add("roc.auc.elasticity.ci_high", 0.98, _ROC, "AUC elasticity 95% CI upper", "", 2)
_add(
    "roc.auc.elasticity.p_value",
    0.001,
    "Results (ROC analysis)",
    "AUC elasticity vs 0.5",
    "",
    3,
    "<",
)
_add("roc.auc.combined", 0.97, _ROC, "AUC, elasticity + strain ratio", "", 2)
_add("roc.auc.combined.ci_low", 0.94, _ROC, "AUC combined 95% CI lower", "", 2)
_add("roc.auc.combined.ci_high", 0.99, _ROC, "AUC combined 95% CI upper", "", 2)
_add("roc.auc.combined.p_value", 0.001, "Results (ROC analysis)", "AUC combined vs 0.5", "", 3, "<")
_add("roc.delong.p_value", 0.018, _ROC, "DeLong test, combined vs elasticity", "", 3)

# ---- Agreement ----------------------------------------------------------------------
_AGREE = "Results (observer agreement); Abstract"
_add("agreement.kappa", 0.84, _AGREE, "Cohen's kappa between the two readers", "", 2)
_add("agreement.kappa.ci_low", 0.79, _AGREE, "kappa 95% CI lower", "", 2)
_add("agreement.kappa.ci_high", 0.88, _AGREE, "kappa 95% CI upper", "", 2)

# ---- Sample size --------------------------------------------------------------------
_SS = "Methods (statistical analysis)"
_add("samplesize.auc", 0.85, _SS, "assumed AUC", "", 2)
_add("samplesize.alpha", 0.05, _SS, "type I error", "", 2)
_add("samplesize.beta", 0.10, _SS, "type II error (power 0.90)", "", 2)
_add("samplesize.n_per_group", 138, _SS, "required cases per group", "count", 0)

# ---- Illustrative cases (figure captions) and context -------------------------------
_add("figure2.age_years", 49, "Fig. 2 caption", "age of the scattered-pattern example", "years", 0)
_add("figure2.elasticity_kpa", 45.7, "Fig. 2 caption", "Emean of the scattered example", "kPa", 1)
_add("figure2.strain_ratio", 1.15, "Fig. 2 caption", "strain ratio of the scattered example", "", 2)
_add("figure3.age_years", 51, "Fig. 3 caption", "age of the sparse-punctate example", "years", 0)
_add("figure3.elasticity_kpa", 48.3, "Fig. 3 caption", "Emean of the sparse example", "kPa", 1)
_add("figure3.strain_ratio", 1.25, "Fig. 3 caption", "strain ratio of the sparse example", "", 2)
_add(
    "context.chammings_cutoff_kpa",
    64,
    "Discussion (citing Chamming's et al. 2019)",
    "Emean cutoff proposed in earlier work",
    "kPa",
    0,
)
_add(
    "context.biopsy_ppv_low",
    20,
    "Discussion (citing Lee et al. 2023)",
    "biopsy PPV in practice, lower end",
    "%",
    0,
)
_add(
    "context.biopsy_ppv_high",
    30,
    "Discussion (citing Lee et al. 2023)",
    "biopsy PPV in practice, upper end",
    "%",
    0,
)

_BY_KEY = {v.key: v for v in _VALUES}
if len(_BY_KEY) != len(_VALUES):  # pragma: no cover - guards the table above
    raise RuntimeError("duplicate key in microcalc.study.paper")


def get(key: str) -> PublishedValue:
    """Return the published value stored under ``key``.

    Raises
    ------
    KeyError
        With the closest keys, if ``key`` is unknown.
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        stem = key.rsplit(".", 1)[0]
        near = [k for k in _BY_KEY if k.startswith(stem)][:5]
        raise KeyError(f"no published value {key!r}; keys starting alike: {near}") from None


def value(key: str) -> float:
    """Return the number stored under ``key`` (see :func:`get`)."""
    return get(key).value


def all_values() -> tuple[PublishedValue, ...]:
    """Every published value, in the order of the paper."""
    return tuple(_VALUES)


def counts(variable: str, group: str) -> dict[str, int]:
    """Published Table 1 counts of one categorical variable in one group.

    Examples
    --------
    >>> counts("breast_density", "benign")
    {'A': 38, 'B': 42, 'C': 45, 'D': 25}
    """
    if variable not in _TABLE1_COUNTS:
        raise ValueError(f"variable must be one of {sorted(_TABLE1_COUNTS)}, got {variable!r}")
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}, got {group!r}")
    return {level: n for level, (n, _) in _TABLE1_COUNTS[variable][group].items()}


def as_frame() -> pd.DataFrame:
    """All published values as a tidy table (one row per number)."""
    return pd.DataFrame(
        {
            "key": [v.key for v in _VALUES],
            "value": [v.value for v in _VALUES],
            "printed": [v.printed for v in _VALUES],
            "unit": [v.unit for v in _VALUES],
            "location": [v.location for v in _VALUES],
            "description": [v.description for v in _VALUES],
        }
    )
