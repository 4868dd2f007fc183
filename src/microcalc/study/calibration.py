"""How closely a simulated cohort matches the numbers it was calibrated to.

:func:`calibration_table` lists every target of :mod:`microcalc.study.cohort` (Tables 1 and 2,
the cutoff's sensitivity and specificity, the AUCs, the correlations, reader agreement)
with the published value, the value achieved in a lesion table, whether it is met, and
why not where it is not. The statistics come from the analysis modules (roc, logistic,
agreement); the chapter "The simulated cohort" shows the table.

References
----------
Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating
characteristic (ROC) curve. Radiology 1982;143:29-36 (AUC as a Mann-Whitney statistic).
Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from microcalc.stats import agreement, logistic, roc
from microcalc.study import paper, variables
from microcalc.study.cohort import DENSITIES, HISTOLOGY, PATTERNS

__all__ = [
    "CalibrationRow",
    "binormal_auc",
    "calibration_table",
    "rank_summaries",
    "summaries_over_seeds",
]

GROUP_LABEL = {1: "malignant", 0: "benign"}
#: tolerance for targets the paper states as "about" (correlations, kappa)
APPROXIMATE_TOLERANCE = 0.05


@dataclass(frozen=True)
class CalibrationRow:
    """One target: what was published, what the cohort achieved, and the verdict."""

    section: str
    quantity: str
    group: str
    published: str
    achieved: float
    decimals: int
    met: bool
    rule: str
    why: str = ""


def binormal_auc(
    mean_positive: float, sd_positive: float, mean_negative: float, sd_negative: float
) -> float:
    """AUC implied by two normal distributions: Phi((m1 - m0) / sqrt(s1^2 + s0^2)).

    Examples
    --------
    >>> round(binormal_auc(1.0, 1.0, 0.0, 1.0), 4)
    0.7602

    References
    ----------
    Hanley JA. The robustness of the "binormal" assumptions used in fitting ROC curves.
    Med Decis Making 1988;8:197-203.
    """
    return float(
        stats.norm.cdf((mean_positive - mean_negative) / np.hypot(sd_positive, sd_negative))
    )


def rank_summaries(lesions: pd.DataFrame, *, cutoff: float = 62.0) -> dict[str, float]:
    """Rank-based and agreement summaries of a lesion table.

    Returns a dict with sensitivity, specificity and accuracy (percent) at ``cutoff``,
    the AUCs of elasticity, strain ratio and the two-marker logistic model, the Spearman
    correlations, and the unweighted Cohen's kappa of the two readers' 1-5 scores and of
    their calls at ``cutoff``.
    """
    truth = lesions["malignant"].to_numpy()
    elasticity = lesions["elasticity_kpa"].to_numpy(dtype=float)
    strain = lesions["strain_ratio"].to_numpy(dtype=float)
    call = elasticity >= cutoff
    combined = logistic.combined_probability(
        lesions, predictors=variables.COMBINED, outcome=variables.OUTCOME, method="auto"
    ).to_numpy()
    values = {
        "sensitivity": 100 * call[truth == 1].mean(),
        "specificity": 100 * (~call[truth == 0]).mean(),
        "accuracy": 100 * (call == (truth == 1)).mean(),
        "auc_elasticity": roc.auc(truth, elasticity),
        "auc_strain_ratio": roc.auc(truth, strain),
        "auc_combined": roc.auc(truth, combined),
        "spearman_elasticity_strain_ratio": stats.spearmanr(elasticity, strain).statistic,
        "spearman_elasticity_lesion_size": stats.spearmanr(
            elasticity, lesions["lesion_size_mm"]
        ).statistic,
        "kappa_score": agreement.cohen_kappa(
            lesions["reader1_score"], lesions["reader2_score"], categories=[1, 2, 3, 4, 5]
        ).estimate,
        "kappa_call": agreement.dichotomised_kappa(
            lesions["reader1_elasticity_kpa"], lesions["reader2_elasticity_kpa"], cutoff=cutoff
        ).estimate,
    }
    return {key: float(value) for key, value in values.items()}


def calibration_table(lesions: pd.DataFrame) -> pd.DataFrame:
    """Every calibration target with its published and achieved value.

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table of the data dictionary.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``section``, ``quantity``, ``group``, ``published`` (as
        printed), ``achieved``, ``decimals``, ``met``, ``rule`` and ``why``.
    """
    rows: list[CalibrationRow] = []
    groups = {label: lesions[lesions["malignant"] == code] for code, label in GROUP_LABEL.items()}

    def moment_rows(section, variable, table):
        for group, frame in groups.items():
            for stat, value in (
                ("mean", frame[variable].mean()),
                ("sd", frame[variable].std(ddof=1)),
            ):
                published = paper.get(f"{table}.{variable}.{group}.{stat}")
                rows.append(
                    CalibrationRow(
                        section,
                        f"{variable} {stat}",
                        group,
                        published.printed,
                        float(value),
                        published.decimals,
                        published.rounds_to(value),
                        "rounds to the published decimal",
                    )
                )

    moment_rows("Table 1", "age_years", "table1")
    moment_rows("Table 1", "lesion_size_mm", "table1")
    for variable, levels in (
        ("breast_density", DENSITIES),
        ("birads", (3, 4, 5)),
        ("calcification_pattern", PATTERNS),
    ):
        for group, frame in groups.items():
            for level in levels:
                published = paper.get(f"table1.{variable}.{group}.{level}.n")
                count = int((frame[variable].astype(str) == str(level)).sum())
                rows.append(
                    CalibrationRow(
                        "Table 1",
                        f"{variable} = {level} (n)",
                        group,
                        published.printed,
                        count,
                        0,
                        count == published.value,
                        "equal count",
                    )
                )
    for group, frame in groups.items():
        for level in HISTOLOGY[group]:
            published = paper.get(f"table1.histology.{group}.{level}.n")
            count = int((frame["histology"] == level).sum())
            rows.append(
                CalibrationRow(
                    "Table 1",
                    f"histology = {level} (n)",
                    group,
                    published.printed,
                    count,
                    0,
                    count == published.value,
                    "equal count",
                )
            )
    size_ok = (
        lesions["lesion_size_mm"]
        .between(paper.value("design.lesion_size_min_mm"), paper.value("design.lesion_size_max_mm"))
        .all()
    )
    rows.append(
        CalibrationRow(
            "Methods",
            "lesions within 3-15 mm (share)",
            "all",
            "1",
            float(size_ok),
            0,
            bool(size_ok),
            "every lesion inside the eligibility range",
        )
    )
    moment_rows("Table 2", "elasticity_kpa", "table2")
    moment_rows("Table 2", "strain_ratio", "table2")
    moment_rows("Table 2", "elasticity_score", "table2")

    summary = rank_summaries(lesions, cutoff=paper.value("roc.cutoff_kpa"))
    sens, spec = summary["sensitivity"], summary["specificity"]
    n_pos, n_neg = len(groups["malignant"]), len(groups["benign"])
    implied_accuracy = (sens * n_pos + spec * n_neg) / (n_pos + n_neg)
    for key, name in (("sensitivity", "roc.sensitivity"), ("specificity", "roc.specificity")):
        published = paper.get(name)
        rows.append(
            CalibrationRow(
                "ROC",
                f"{key} at 62 kPa (%)",
                "all",
                published.printed,
                summary[key],
                1,
                published.rounds_to(summary[key]),
                "rounds to the published decimal",
            )
        )
    published = paper.get("roc.accuracy")
    rows.append(
        CalibrationRow(
            "ROC",
            "accuracy at 62 kPa (%)",
            "all",
            published.printed,
            summary["accuracy"],
            1,
            published.rounds_to(summary["accuracy"]),
            "rounds to the published decimal",
            ""
            if published.rounds_to(summary["accuracy"])
            else f"sensitivity {sens:.1f}% of {n_pos} and specificity {spec:.1f}% of {n_neg} imply "
            f"{implied_accuracy:.1f}% correct; no 2x2 table has the published three at once",
        )
    )
    implied = {
        "elasticity": binormal_auc(
            *(
                paper.value(f"table2.elasticity_kpa.{g}.{s}")
                for g in ("malignant", "benign")
                for s in ("mean", "sd")
            )
        ),
    }
    youden = roc.youden_cutoff(
        lesions["malignant"].to_numpy(), lesions["elasticity_kpa"].to_numpy(), convention="observed"
    )
    published = paper.get("roc.cutoff_kpa")
    met = abs(youden.cutoff - published.value) <= 1.0
    rows.append(
        CalibrationRow(
            "ROC",
            "Youden-optimal cutoff (kPa)",
            "all",
            published.printed,
            float(youden.cutoff),
            1,
            met,
            "within 1 kPa of published",
            ""
            if met
            else f"the cohort's Youden index peaks at {youden.cutoff:.1f} kPa "
            f"(sensitivity {100 * youden.sensitivity:.1f}%, specificity "
            f"{100 * youden.specificity:.1f}%): with the published benign SD, the benign lesions "
            "above 62 kPa must sit just above it, where they outnumber the malignant ones, so the "
            "index keeps rising past 62 kPa",
        )
    )
    for key, name, why in (
        (
            "auc_elasticity",
            "roc.auc.elasticity",
            "the published means, SDs and the 62 kPa shares leave little overlap: two normal groups "
            f"with those means and SDs would give AUC {implied['elasticity']:.3f}; the mixture model "
            "keeps as much overlap as the other targets allow",
        ),
        (
            "auc_combined",
            "roc.auc.combined",
            "with the published means and SDs, strain ratio shaped like this model's separates the "
            "groups almost completely, so adding it to elasticity lands above the published AUC",
        ),
    ):
        published = paper.get(name)
        met = published.rounds_to(summary[key])
        rows.append(
            CalibrationRow(
                "ROC",
                f"AUC {key.removeprefix('auc_')}",
                "all",
                published.printed,
                summary[key],
                3,
                met,
                "rounds to the published decimal",
                "" if met else why,
            )
        )
    for key, name in (
        ("spearman_elasticity_strain_ratio", "text.spearman.elasticity_strain_ratio"),
        ("spearman_elasticity_lesion_size", "text.spearman.elasticity_lesion_size"),
    ):
        published = paper.get(name)
        met = abs(summary[key] - published.value) <= APPROXIMATE_TOLERANCE
        rows.append(
            CalibrationRow(
                "Correlation",
                key.replace("_", " "),
                "all",
                published.printed,
                summary[key],
                3,
                met,
                f"within {APPROXIMATE_TOLERANCE} of published",
            )
        )
    published = paper.get("agreement.kappa")
    met = abs(summary["kappa_score"] - published.value) <= APPROXIMATE_TOLERANCE
    rows.append(
        CalibrationRow(
            "Agreement",
            "Cohen's kappa, 1-5 score (unweighted)",
            "all",
            published.printed,
            summary["kappa_score"],
            3,
            met,
            f"within {APPROXIMATE_TOLERANCE} of published",
        )
    )
    means = lesions.groupby("calcification_pattern")["strain_ratio"].mean()
    ordered = bool(means["clustered"] > means["scattered"] > means["sparse_punctate"])
    rows.append(
        CalibrationRow(
            "Figures 1-3",
            "strain ratio: clustered > scattered > sparse punctate",
            "all",
            "ordered",
            float(ordered),
            0,
            ordered,
            "group means ordered",
        )
    )
    return pd.DataFrame([row.__dict__ for row in rows])


def summaries_over_seeds(seeds, config=None) -> pd.DataFrame:
    """:func:`rank_summaries` of cohorts simulated with each seed (one row per seed).

    Shows how much the rank-based summaries move between cohorts that all match the
    published Tables 1 and 2, so that no single seed is mistaken for the model.
    """
    from microcalc.study.cohort import default_config, simulate_cohort

    config = default_config() if config is None else config
    rows = []
    for seed in seeds:
        lesions = simulate_cohort(config, seed=int(seed)).lesions
        rows.append({"seed": int(seed), **rank_summaries(lesions, cutoff=config.cutoff_kpa)})
    return pd.DataFrame(rows)
