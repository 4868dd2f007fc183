"""This study's variables: its outcome, its model predictors, their labels and derived columns.

:mod:`microcalc.stats` knows nothing about the paper's columns; the study modules, the report
and the chapters take the names they pass to it from here.

Examples
--------
>>> import pandas as pd
>>> from microcalc.study import variables
>>> table = pd.DataFrame({"breast_density": ["A", "C", "D", "B"]})
>>> variables.add_density_cd(table)["density_cd"].tolist()
[0.0, 1.0, 1.0, 0.0]
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "BIRADS3_MALIGNANCY_CEILING",
    "CANDIDATES",
    "CATEGORICAL_COLUMNS",
    "COMBINED",
    "DENSE",
    "DENSITY_LEVELS",
    "GROUP_LABELS",
    "OUTCOME",
    "TERM_LABELS",
    "VARIABLE_LABELS",
    "add_density_cd",
]

#: The reference standard: 1 = malignant, 0 = benign.
OUTCOME = "malignant"

#: Display labels of the outcome's two groups (malignant shown first).
GROUP_LABELS = {1: "malignant", 0: "benign"}

#: The paper's candidate predictors, in the order of its Table 3.
CANDIDATES = ("age_years", "lesion_size_mm", "density_cd", "elasticity_kpa", "strain_ratio")

#: The combined model whose predicted probability the ROC chapter uses.
COMBINED = ("elasticity_kpa", "strain_ratio")

#: Breast density categories (ACR), and the dense ones that ``density_cd`` flags.
DENSITY_LEVELS = ("A", "B", "C", "D")
DENSE = ("C", "D")

#: Display labels of the model terms.
TERM_LABELS = {
    "const": "Intercept",
    "age_years": "Age (years)",
    "lesion_size_mm": "Lesion size (mm)",
    "density_cd": "Breast density (C, D vs A, B)",
    "elasticity_kpa": "Elasticity (kPa)",
    "elasticity_max_kpa": "Maximum elasticity (kPa)",
    "strain_ratio": "Strain ratio",
    "elasticity_score": "Elasticity score (1-5)",
}

#: Upper limit of the likelihood of malignancy of BI-RADS category 3 ("probably benign"), for
#: which short-interval follow-up rather than biopsy is advised (ACR BI-RADS Atlas, 5th edition,
#: 2013). Above it (category 4) biopsy is recommended, so it marks the threshold probability at
#: which breast-imaging practice already acts.
BIRADS3_MALIGNANCY_CEILING = 0.02

#: Data-dictionary columns that are categorical even when stored as numbers (``birads``).
CATEGORICAL_COLUMNS = frozenset(
    {"breast_density", "birads", "calcification_pattern", "histology", "reference_standard"}
)

#: Display labels for the data-dictionary columns; other columns are shown by name.
VARIABLE_LABELS = {
    "age_years": "Age (years)",
    "lesion_size_mm": "Lesion size (mm)",
    "breast_density": "Breast density (ACR)",
    "birads": "BI-RADS category",
    "calcification_pattern": "Calcification pattern",
    "histology": "Histology",
    "reference_standard": "Reference standard",
    "elasticity_kpa": "Elasticity (kPa)",
    "elasticity_max_kpa": "Maximum elasticity (kPa)",
    "strain_ratio": "Strain ratio",
    "elasticity_score": "Elasticity score (1-5)",
}


def add_density_cd(lesions: pd.DataFrame) -> pd.DataFrame:
    """A copy of the lesion table with ``density_cd``: 1 for breast density C or D, else 0.

    The paper's Table 3 enters breast density as this one 0/1 predictor (C, D vs A, B). A table
    that already has ``density_cd`` is returned unchanged (as a copy).

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table with ``breast_density`` (A, B, C or D).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        If ``breast_density`` is missing or holds anything but A, B, C, D.

    References
    ----------
    American College of Radiology. ACR BI-RADS Atlas, 5th ed. Reston, VA: ACR; 2013
    (breast composition categories a-d).

    Examples
    --------
    >>> add_density_cd(pd.DataFrame({"breast_density": ["B", "C"]})).density_cd.tolist()
    [0.0, 1.0]
    """
    out = lesions.copy()
    if "density_cd" in out.columns:
        return out
    if "breast_density" not in out.columns:
        raise ValueError("the lesion table has no column 'breast_density' to derive density_cd")
    density = out["breast_density"]
    bad = ~density.isin(DENSITY_LEVELS)
    if bad.any():
        row = density.index[bad.to_numpy()][0]
        raise ValueError(
            f"column 'breast_density' must be one of A, B, C, D; row {row!r} holds {density[row]!r}"
        )
    out["density_cd"] = density.isin(DENSE).astype(float)
    return out
