"""Participant-level data sets that meet a set of published numbers at once.

The paper publishes summaries, never its data. Whether its numbers can all be true together is
a question about *data sets*, not about this book's parametric cohort model: a model that fails
to reproduce a number only shows something about the model. This module searches directly over
300 participant values (150 malignant, 150 benign; elasticity to 0.1 kPa, strain ratio to 0.01)
for a data set that meets every chosen target at the precision the paper prints, in the spirit
of SPRITE (Heathers et al. 2018) and GRIMMER, extended to rank-based targets (AUC, Youden
optimum, Spearman, DeLong) and model-based targets (the two-marker logistic model).

What a search can and cannot show:

- a data set found (a *witness*) proves that the targets can hold together; it is re-checked
  by the project's own R-validated functions (:func:`check_targets`), not by the search's
  incremental shortcuts;
- a failed search proves nothing: "not found" is reported as such, never as "impossible".
  Impossibility needs a proof (:mod:`microcalc.study.proofs`, :mod:`microcalc.study.audit`).

Among witnesses the search keeps the least strange one it finds: the objective adds a
plausibility term, the squared quantile (2-Wasserstein) distance of each group's values from a
draw of the cohort model. :func:`plausibility` measures how clinical a witness looks.

The search is simulated annealing (Kirkpatrick et al. 1983) over moves that keep each group's
sum of values, hence its mean, exact: a pair move adds ``d`` to one value and takes ``d`` from
another of the same group; a swap exchanges one marker's values between two participants of a
group (all moments and both AUCs unchanged, only the pairing moves). Sums of squares, counts at
the cutoff, the Mann-Whitney count behind the AUC, the histogram behind ranks and the Youden
curve are updated per move; the two-marker logistic model is refitted by one or two Newton steps
from the previous fit. It is deterministic: the same seed gives the same data set, byte for byte.

References
----------
Heathers JA, Anaya J, van der Zee T, Brown NJL. Recovering data from summary statistics:
Sample Parameter Reconstruction via Iterative TEchniques (SPRITE). PeerJ Preprints 2018;6:e26968.
Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci 2017;8:363-369.
Kirkpatrick S, Gelatt CD, Vecchi MP. Optimization by simulated annealing. Science
1983;220:671-680.

Examples
--------
>>> from microcalc.study import reconstruct
>>> [t.key for t in reconstruct.targets("headline")][:2]
['table2.elasticity_kpa.malignant.mean', 'table2.elasticity_kpa.malignant.sd']
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, sparse, special, stats

from microcalc.stats import compare, logistic, roc
from microcalc.study import audit, cohort, paper, variables

__all__ = [
    "FEASIBILITY_SETS",
    "TARGET_SETS",
    "Reconstruction",
    "SearchStatistics",
    "Target",
    "achieved_values",
    "check_targets",
    "feasibility_map",
    "lesion_size_check",
    "lesion_size_witness",
    "plausibility",
    "proved_impossible",
    "reconstruct",
    "reconstruction_csv_text",
    "reconstruction_json_text",
    "reference_cohort",
    "targets",
    "write_feasibility_map",
    "write_reconstruction",
]

N_PER_GROUP = 150
E_SCALE = 10  # elasticity is searched in steps of 0.1 kPa
SR_SCALE = 100  # strain ratio in steps of 0.01
E_RANGE = (1.0, 300.0)  # kPa: the shear-wave scale of the device (0-300 kPa)
SR_RANGE = (0.10, 10.00)
CUTOFF_KPA = 62.0
_Z975 = float(stats.norm.ppf(0.975))

# statistic name -> (paper key, label); the statistic names are the columns of achieved_values
_TARGETS: dict[str, tuple[str, str]] = {
    "e_mean_malignant": ("table2.elasticity_kpa.malignant.mean", "Elasticity mean, malignant"),
    "e_sd_malignant": ("table2.elasticity_kpa.malignant.sd", "Elasticity SD, malignant"),
    "e_mean_benign": ("table2.elasticity_kpa.benign.mean", "Elasticity mean, benign"),
    "e_sd_benign": ("table2.elasticity_kpa.benign.sd", "Elasticity SD, benign"),
    "sr_mean_malignant": ("table2.strain_ratio.malignant.mean", "Strain ratio mean, malignant"),
    "sr_sd_malignant": ("table2.strain_ratio.malignant.sd", "Strain ratio SD, malignant"),
    "sr_mean_benign": ("table2.strain_ratio.benign.mean", "Strain ratio mean, benign"),
    "sr_sd_benign": ("table2.strain_ratio.benign.sd", "Strain ratio SD, benign"),
    "sensitivity": ("roc.sensitivity", "Sensitivity at 62 kPa (%)"),
    "specificity": ("roc.specificity", "Specificity at 62 kPa (%)"),
    "auc_elasticity": ("roc.auc.elasticity", "AUC, elasticity"),
    "youden_cutoff": ("roc.cutoff_kpa", "Youden-optimal cutoff (kPa)"),
    "spearman": ("text.spearman.elasticity_strain_ratio", "Spearman, elasticity vs strain ratio"),
    "auc_combined": ("roc.auc.combined", "AUC, elasticity + strain ratio model"),
    "delong_p": ("roc.delong.p_value", "DeLong P, combined vs elasticity"),
    "auc_elasticity_ci_low": ("roc.auc.elasticity.ci_low", "AUC elasticity, CI lower"),
    "auc_elasticity_ci_high": ("roc.auc.elasticity.ci_high", "AUC elasticity, CI upper"),
    "auc_combined_ci_low": ("roc.auc.combined.ci_low", "AUC combined, CI lower"),
    "auc_combined_ci_high": ("roc.auc.combined.ci_high", "AUC combined, CI upper"),
    "or_elasticity": ("table3.elasticity_kpa.odds_ratio", "OR elasticity (two-marker model)"),
    "or_elasticity_ci_low": ("table3.elasticity_kpa.ci_low", "OR elasticity, CI lower"),
    "or_elasticity_ci_high": ("table3.elasticity_kpa.ci_high", "OR elasticity, CI upper"),
    "or_strain_ratio": ("table3.strain_ratio.odds_ratio", "OR strain ratio (two-marker model)"),
    "or_strain_ratio_ci_low": ("table3.strain_ratio.ci_low", "OR strain ratio, CI lower"),
    "or_strain_ratio_ci_high": ("table3.strain_ratio.ci_high", "OR strain ratio, CI upper"),
    "hosmer_lemeshow_p": ("table3.hosmer_lemeshow.p_value", "Hosmer-Lemeshow P (two-marker)"),
}

_TABLE2 = tuple(k for k in _TARGETS if k.startswith(("e_", "sr_")))
_HEADLINE = (
    *_TABLE2,
    "sensitivity",
    "specificity",
    "auc_elasticity",
    "youden_cutoff",
    "spearman",
    "auc_combined",
    "delong_p",
)
_AUC_CI = (
    "auc_elasticity_ci_low",
    "auc_elasticity_ci_high",
    "auc_combined_ci_low",
    "auc_combined_ci_high",
)
_MODEL = (
    "or_elasticity",
    "or_elasticity_ci_low",
    "or_elasticity_ci_high",
    "or_strain_ratio",
    "or_strain_ratio_ci_low",
    "or_strain_ratio_ci_high",
    "hosmer_lemeshow_p",
)
#: Everything the engine's model step computes (NaN for all when the fit fails).
_MODEL_VALUES = ("auc_combined", "delong_p", *_AUC_CI, *_MODEL)

#: Named target sets: ``table2`` alone; ``headline`` (the issue's headline set);
#: ``headline+ci`` adds the DeLong CIs of both AUCs; ``headline+model`` adds the two-marker
#: model's odds ratios, their Wald CIs and the Hosmer-Lemeshow P; ``all`` has every target.
TARGET_SETS: dict[str, tuple[str, ...]] = {
    "table2": _TABLE2,
    "headline": _HEADLINE,
    "headline+ci": (*_HEADLINE, *_AUC_CI),
    "headline+model": (*_HEADLINE, *_MODEL),
    "all": (*_HEADLINE, *_AUC_CI, *_MODEL),
}


#: The subsets of the feasibility map, in order: each target alone beside Table 2, then the
#: headline set and its extensions. Name -> statistics.
FEASIBILITY_SETS: dict[str, tuple[str, ...]] = {
    "Table 2 alone": _TABLE2,
    "+ counts at 62 kPa": (*_TABLE2, "sensitivity", "specificity"),
    "+ counts + AUC 0.95": (*_TABLE2, "sensitivity", "specificity", "auc_elasticity"),
    "+ counts + Youden at 62": (*_TABLE2, "sensitivity", "specificity", "youden_cutoff"),
    "+ Spearman 0.75": (*_TABLE2, "spearman"),
    "+ combined AUC 0.97": (*_TABLE2, "auc_combined"),
    "+ DeLong P 0.018": (*_TABLE2, "delong_p"),
    "+ AUC CIs": (*_TABLE2, "auc_elasticity", "auc_combined", *_AUC_CI),
    "+ two-marker ORs and CIs": (*_TABLE2, *_MODEL[:-1]),
    "+ OR of elasticity, CI": (*_TABLE2, *_MODEL[:3]),
    "+ OR of strain ratio, CI": (*_TABLE2, *_MODEL[3:6]),
    "+ Hosmer-Lemeshow P": (*_TABLE2, "hosmer_lemeshow_p"),
    "headline": _HEADLINE,
    "headline + AUC CIs": (*_HEADLINE, *_AUC_CI),
    "headline + OR of elasticity, CI": (*_HEADLINE, *_MODEL[:3]),
    "headline + OR of strain ratio, CI": (*_HEADLINE, *_MODEL[3:6]),
    "headline + Hosmer-Lemeshow P": (*_HEADLINE, "hosmer_lemeshow_p"),
    "headline + both ORs (no CIs)": (*_HEADLINE, "or_elasticity", "or_strain_ratio"),
    "all but the strain-ratio OR's CI": (
        *_HEADLINE,
        *_AUC_CI,
        *_MODEL[:4],
        "hosmer_lemeshow_p",
    ),
    "all": (*_HEADLINE, *_AUC_CI, *_MODEL),
}


@dataclass(frozen=True)
class Target:
    """One published number as a search target.

    Attributes
    ----------
    statistic : str
        Name of the statistic (a key of :func:`achieved_values`).
    key : str
        The number's key in :mod:`microcalc.study.paper`.
    label : str
    published : str
        As printed (with its qualifier).
    low, high : float
        The values the printed number stands for, ``[low, high)`` (round half up).
    unit : float
        One unit of the last printed decimal: distances are counted in these units.
    """

    statistic: str
    key: str
    label: str
    published: str
    low: float
    high: float
    unit: float

    def distance(self, value: float) -> float:
        """How far ``value`` lies outside ``[low, high)``, in printed units (0 inside)."""
        if not math.isfinite(value):
            return math.inf
        if value < self.low:
            return (self.low - value) / self.unit
        if value >= self.high:
            return (value - self.high) / self.unit + 1e-9
        return 0.0

    def met(self, value: float) -> bool:
        """Whether ``value`` rounds (half up) to the printed number."""
        return self.distance(value) == 0.0

    def check_row(self, value: float) -> dict:
        """One row of a check table: the target, the value achieved, met, distance."""
        d = self.distance(value)
        return {
            "statistic": self.statistic,
            "key": self.key,
            "label": self.label,
            "published": self.published,
            "low": self.low,
            "high": self.high,
            "achieved": value,
            "met": d == 0.0,
            "distance": d,
        }


def _target(statistic: str) -> Target:
    key, label = _TARGETS[statistic]
    pub = paper.get(key)
    low, high = audit.printed_interval(pub.value, pub.decimals, pub.qualifier)
    return Target(statistic, key, label, pub.printed, low, high, 10.0**-pub.decimals)


def targets(name: str | Sequence[str] = "headline") -> tuple[Target, ...]:
    """The targets of a named set (see :data:`TARGET_SETS`) or of a list of statistic names.

    Examples
    --------
    >>> t = targets(["auc_elasticity"])[0]
    >>> t.published, t.low, t.high
    ('0.95', 0.945, 0.955)
    """
    if isinstance(name, str):
        if name not in TARGET_SETS:
            raise ValueError(f"targets must be one of {sorted(TARGET_SETS)}, got {name!r}")
        names = TARGET_SETS[name]
    else:
        names = tuple(name)
        unknown = [n for n in names if n not in _TARGETS]
        if unknown or not names:
            raise ValueError(f"unknown target statistic(s) {unknown}; known: {sorted(_TARGETS)}")
    return tuple(_target(n) for n in dict.fromkeys(names))


# ======================================================================================
# The independent check: the project's own, R-validated functions
# ======================================================================================


def achieved_values(data: pd.DataFrame) -> dict[str, float]:
    """Every target statistic of a data set, computed with the project's public functions.

    This is the check a witness must pass. It uses :func:`microcalc.stats.roc.auc_delong`,
    :func:`microcalc.stats.roc.youden_cutoff`, :func:`microcalc.stats.roc.delong_test`,
    :func:`microcalc.stats.compare.spearman_correlation`, :func:`microcalc.stats.logistic.fit_logistic`
    and :func:`microcalc.stats.logistic.hosmer_lemeshow` (each cross-checked against R), never the
    search's incremental shortcuts.

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``malignant`` (0/1), ``elasticity_kpa`` and ``strain_ratio``.

    Returns
    -------
    dict
        Statistic name -> value. ``youden_cutoff`` is the observed-value cutoff when the
        Youden optimum is unique and both threshold conventions round to the same whole kPa,
        and NaN otherwise (a tie or a disagreement of conventions does not meet the target).

    Examples
    --------
    >>> from microcalc.study import cohort
    >>> values = achieved_values(cohort.simulate_cohort(seed=2025).lesions)
    >>> round(values["e_mean_malignant"], 1)
    88.3
    """
    y = data["malignant"].to_numpy().astype(int)
    e = data["elasticity_kpa"].to_numpy(dtype=float)
    sr = data["strain_ratio"].to_numpy(dtype=float)
    out: dict[str, float] = {}
    for name, x in (("e", e), ("sr", sr)):
        for group, flag in (("malignant", 1), ("benign", 0)):
            out[f"{name}_mean_{group}"] = float(x[y == flag].mean())
            out[f"{name}_sd_{group}"] = float(x[y == flag].std(ddof=1))
    out["sensitivity"] = 100.0 * float((e[y == 1] >= CUTOFF_KPA).mean())
    out["specificity"] = 100.0 * float((e[y == 0] < CUTOFF_KPA).mean())
    single = roc.auc_delong(y, e)
    out["auc_elasticity"] = single.estimate
    out["auc_elasticity_ci_low"], out["auc_elasticity_ci_high"] = single.ci_low, single.ci_high
    observed = roc.youden_cutoff(y, e, convention="observed")
    midpoint = roc.youden_cutoff(y, e, convention="midpoint")
    same = audit.round_half_up(observed.cutoff, 0) == audit.round_half_up(midpoint.cutoff, 0)
    unique = observed.n_tied == 1 and midpoint.n_tied == 1
    out["youden_cutoff"] = observed.cutoff if (same and unique) else math.nan
    out["spearman"] = compare.spearman_correlation(data, "elasticity_kpa", "strain_ratio").estimate
    fit = logistic.fit_logistic(
        data, predictors=variables.COMBINED, outcome=variables.OUTCOME, profile=False
    )
    rows = fit.coefficients.set_index("term")
    for stat, term in (("or_elasticity", "elasticity_kpa"), ("or_strain_ratio", "strain_ratio")):
        out[stat] = float(rows.loc[term, "odds_ratio"])
        out[f"{stat}_ci_low"] = float(rows.loc[term, "odds_ratio_ci_low"])
        out[f"{stat}_ci_high"] = float(rows.loc[term, "odds_ratio_ci_high"])
    combined = roc.auc_delong(y, fit.fitted)
    out["auc_combined"] = combined.estimate
    out["auc_combined_ci_low"], out["auc_combined_ci_high"] = combined.ci_low, combined.ci_high
    out["delong_p"] = roc.delong_test(y, fit.fitted, e).p_value
    out["hosmer_lemeshow_p"] = logistic.hosmer_lemeshow(y, fit.fitted).p_value
    return out


def check_targets(data: pd.DataFrame, chosen: Sequence[Target]) -> pd.DataFrame:
    """One row per target: published, the window it stands for, achieved, met.

    Examples
    --------
    >>> from microcalc.study import cohort
    >>> table = check_targets(cohort.simulate_cohort(seed=2025).lesions, targets("table2"))
    >>> list(table.columns)
    ['statistic', 'key', 'label', 'published', 'low', 'high', 'achieved', 'met', 'distance']
    """
    values = achieved_values(data)
    return pd.DataFrame([t.check_row(values[t.statistic]) for t in chosen])


# ======================================================================================
# The reference: a plausible cohort, and plausibility measures
# ======================================================================================


def reference_cohort(seed: int = cohort.DEFAULT_SEED) -> pd.DataFrame:
    """The plausible starting point: the cohort model's data set, on the search's grid.

    Elasticity is rounded to 0.1 kPa and strain ratio to 0.01, then each group's sum is
    nudged (one value by at most a few grid steps) so that its mean rounds to Table 2's.

    Examples
    --------
    >>> ref = reference_cohort(2025)
    >>> ref.shape, round(float(ref.loc[ref.malignant == 1, "elasticity_kpa"].mean()), 1)
    ((300, 4), 88.3)
    """
    lesions = cohort.simulate_cohort(seed=seed).lesions
    frame = lesions[["participant_id", "malignant", "elasticity_kpa", "strain_ratio"]].copy()
    frame = frame.sort_values(["malignant", "participant_id"], ascending=[False, True])
    frame = frame.reset_index(drop=True)
    for column, scale, stat in (("elasticity_kpa", E_SCALE, "e"), ("strain_ratio", SR_SCALE, "sr")):
        grid = np.rint(frame[column].to_numpy() * scale).astype(np.int64)
        for group, flag in (("malignant", 1), ("benign", 0)):
            t = _target(f"{stat}_mean_{group}")
            idx = np.flatnonzero(frame["malignant"].to_numpy() == flag)
            target_sum = round(0.5 * (t.low + t.high) * scale * idx.size)
            grid[idx[np.argmax(grid[idx])]] += target_sum - int(grid[idx].sum())
        frame[column] = grid / scale
    return frame


@dataclass(frozen=True)
class Plausibility:
    """How clinical a data set looks, against replicate studies of the cohort model.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per measure and group: ``measure``, ``group``, ``value`` (this data set),
        ``model_low``/``model_median``/``model_high`` (2.5th, 50th, 97.5th percentiles over
        replicate studies of the model) and ``as_strange_pct`` (share of replicate studies,
        in %, at least as far from the model's median as this data set, on either side).
    replicates : int
        Number of replicate studies drawn.
    """

    table: pd.DataFrame
    replicates: int


def _modes(x: np.ndarray, bandwidth: float) -> int:
    """Number of local maxima of a Gaussian kernel density estimate on a fine grid."""
    grid = np.linspace(x.min() - 3 * bandwidth, x.max() + 3 * bandwidth, 512)
    dens = stats.norm.pdf((grid[:, None] - x[None, :]) / bandwidth).sum(axis=1)
    inner = (dens[1:-1] > dens[:-2]) & (dens[1:-1] >= dens[2:])
    return int(inner.sum())


def _measures(e: np.ndarray, log_density: Callable[[np.ndarray], np.ndarray]) -> dict:
    """Shape measures of one group's elasticity values (see :func:`plausibility`)."""
    mad = np.median(np.abs(e - np.median(e)))
    return {
        "modes": _modes(e, bandwidth=4.0),
        "bulk_sd_kpa": 1.4826 * mad,
        "within_3_kpa_of_cutoff": int((np.abs(e - CUTOFF_KPA) <= 3.0).sum()),
        "mean_log_density": float(np.mean(log_density(e))),
    }


def plausibility(
    data: pd.DataFrame, *, replicates: int = 1000, seed: int = cohort.DEFAULT_SEED
) -> Plausibility:
    """Measures of strangeness of a data set's elasticity values, beside the cohort model.

    For each group: the number of modes of a kernel density estimate (Gaussian kernel,
    bandwidth 4 kPa), the bulk SD (1.4826 x the median absolute deviation, the SD of the bulk
    whatever the tails), how many lesions lie within
    3 kPa of the 62 kPa cutoff, and the mean log-density of the values under the cohort
    model's elasticity mixture (a log-likelihood per lesion; its difference from a replicate
    study's is a log likelihood ratio per lesion). The same measures on ``replicates`` studies
    of 150 + 150 drawn from the model (:func:`microcalc.study.cohort.elasticity_sampler`) give the
    range a plausible study would show; ``as_strange_pct`` says how often a plausible study
    looks at least as strange.

    References
    ----------
    Silverman BW. Using kernel density estimates to investigate multimodality.
    J R Stat Soc B 1981;43:97-99.

    Examples
    --------
    >>> p = plausibility(reference_cohort(2025), replicates=50)
    >>> sorted(p.table["measure"].unique())
    ['bulk_sd_kpa', 'mean_log_density', 'modes', 'within_3_kpa_of_cutoff']
    """
    sampler = cohort.elasticity_sampler()
    rng = np.random.default_rng(seed)
    cases, controls = sampler(rng, N_PER_GROUP, N_PER_GROUP, replicates)
    # the model's density of each group, by a kernel estimate on a large draw
    big_cases, big_controls = sampler(np.random.default_rng(seed + 1), 20000, 20000, 1)
    grid = np.linspace(0.0, E_RANGE[1], 3001)
    log_grid = {
        group: np.log(np.maximum(stats.gaussian_kde(draw[0])(grid), 1e-300))
        for group, draw in (("malignant", big_cases), ("benign", big_controls))
    }
    y = data["malignant"].to_numpy().astype(int)
    e = data["elasticity_kpa"].to_numpy(dtype=float)
    rows = []
    for group, flag, draws in (("malignant", 1, cases), ("benign", 0, controls)):

        def logpdf(x, table=log_grid[group]):
            return np.interp(x, grid, table)

        mine = _measures(e[y == flag], logpdf)
        model = pd.DataFrame([_measures(row, logpdf) for row in draws])
        for measure, value in mine.items():
            col = model[measure].to_numpy(dtype=float)
            lo, mid, hi = np.percentile(col, [2.5, 50, 97.5])
            rows.append(
                {
                    "measure": measure,
                    "group": group,
                    "value": float(value),
                    "model_low": float(lo),
                    "model_median": float(mid),
                    "model_high": float(hi),
                    "as_strange_pct": 100.0
                    * float(np.mean(np.abs(col - mid) >= abs(value - mid) - 1e-12)),
                }
            )
    return Plausibility(pd.DataFrame(rows), replicates)


# ======================================================================================
# The search engine
# ======================================================================================


def _window(t: Target, scale: float, n: int, kind: str) -> tuple[float, float]:
    """A target's window for the engine's integer sums (kind 'mean') or SS (kind 'sd')."""
    if kind == "mean":
        return t.low * scale * n, t.high * scale * n
    return (t.low * scale) ** 2 * (n - 1), (t.high * scale) ** 2 * (n - 1)


class _Engine:
    """Mutable search state with per-move updates (private: use :func:`reconstruct`)."""

    def __init__(self, e: np.ndarray, sr: np.ndarray, chosen: Sequence[Target], ref, weight):
        self.n = N_PER_GROUP
        self.e = e.astype(np.int64).copy()
        self.sr = sr.astype(np.int64).copy()
        self.y = np.r_[np.ones(self.n, bool), np.zeros(self.n, bool)]
        self.yf = self.y.astype(float)
        self.targets = {t.statistic: t for t in chosen}
        self.weight = weight
        self.ref = {k: np.sort(v) for k, v in ref.items()}
        self.ref_scale = {
            ("e", 0): 16.2 * E_SCALE,
            ("e", 1): 9.8 * E_SCALE,
            ("sr", 0): 0.50 * SR_SCALE,
            ("sr", 1): 0.35 * SR_SCALE,
        }
        self.e_lim = (round(E_RANGE[0] * E_SCALE), round(E_RANGE[1] * E_SCALE))
        self.sr_lim = (round(SR_RANGE[0] * SR_SCALE), round(SR_RANGE[1] * SR_SCALE))
        self.cut = round(CUTOFF_KPA * E_SCALE)
        self.need_model = any(
            s in self.targets for s in ("auc_combined", "delong_p", *_AUC_CI, *_MODEL)
        )
        self.need_rank = "spearman" in self.targets or self.need_model
        self.beta = np.zeros(3)
        self._full_refresh()
        self._fix_what_holds()

    def _fix_what_holds(self) -> None:
        """Targets met by every move: Table 2 SDs (means are kept by the moves) and counts.

        A target is fixed only if the starting state meets it; the search then never leaves
        its window, so the remaining targets are searched on that set of data sets.
        """
        v, n = self.values, self.n
        self.fixed: set[str] = set()
        self.fixed_windows: dict = {}
        for name, scale in (("e", E_SCALE), ("sr", SR_SCALE)):
            for g, grp in ((0, "malignant"), (1, "benign")):
                sd_t = self.targets.get(f"{name}_sd_{grp}")
                mean_t = self.targets.get(f"{name}_mean_{grp}")
                if sd_t is None or mean_t is None:
                    continue
                if sd_t.met(v[sd_t.statistic]) and mean_t.met(v[mean_t.statistic]):
                    lo, hi = sd_t.low * scale, sd_t.high * scale
                    self.fixed_windows[(name, g)] = (lo * lo * (n - 1), hi * hi * (n - 1))
                    self.fixed |= {sd_t.statistic, mean_t.statistic}
        self.fixed_counts = None
        se, sp = self.targets.get("sensitivity"), self.targets.get("specificity")
        if (
            se is not None
            and sp is not None
            and se.met(v["sensitivity"])
            and sp.met(v["specificity"])
        ):
            cut = self.cut
            self.fixed_counts = (int(self.hist_mal[cut:].sum()), int(self.hist_ben[cut:].sum()))
            self.fixed |= {"sensitivity", "specificity"}

    # ---- aggregates ------------------------------------------------------------------
    def _full_refresh(self) -> None:
        e, sr, n = self.e, self.sr, self.n
        self.sum2 = {
            ("e", 0): int((e[:n] ** 2).sum()),
            ("e", 1): int((e[n:] ** 2).sum()),
            ("sr", 0): int((sr[:n] ** 2).sum()),
            ("sr", 1): int((sr[n:] ** 2).sum()),
        }
        self.sum1 = {
            ("e", 0): int(e[:n].sum()),
            ("e", 1): int(e[n:].sum()),
            ("sr", 0): int(sr[:n].sum()),
            ("sr", 1): int(sr[n:].sum()),
        }
        size = self.e_lim[1] + 2
        self.hist_mal = np.bincount(e[:n], minlength=size)
        self.hist_ben = np.bincount(e[n:], minlength=size)
        self.hist_sr = np.bincount(sr, minlength=self.sr_lim[1] + 2)
        mal, ben = e[:n], e[n:]
        self.u2 = int(
            (mal[:, None] > ben[None, :]).sum() * 2 + (mal[:, None] == ben[None, :]).sum()
        )
        self.sorted = {
            ("e", 0): np.sort(e[:n]),
            ("e", 1): np.sort(e[n:]),
            ("sr", 0): np.sort(sr[:n]),
            ("sr", 1): np.sort(sr[n:]),
        }
        self.values = self._evaluate()
        if self.need_model:
            self.beta = self.beta_trial

    def _other_count2(self, group: int, x: int) -> int:
        """2 x (values of the other group below x) + (equal to x), from its histogram."""
        hist = self.hist_ben if group == 0 else self.hist_mal
        return int(2 * hist[:x].sum() + hist[x])

    # ---- statistics --------------------------------------------------------------------
    def _evaluate(self) -> dict[str, float]:
        n = self.n
        v: dict[str, float] = {}
        for (name, g), s1 in self.sum1.items():
            grp = "malignant" if g == 0 else "benign"
            scale = E_SCALE if name == "e" else SR_SCALE
            v[f"{name}_mean_{grp}"] = s1 / (n * scale)
            ss = self.sum2[(name, g)] - s1 * s1 / n
            v[f"{name}_sd_{grp}"] = math.sqrt(max(ss, 0.0) / (n - 1)) / scale
        cut = self.cut
        v["sensitivity"] = 100.0 * int(self.hist_mal[cut:].sum()) / n
        v["specificity"] = 100.0 * int(self.hist_ben[:cut].sum()) / n
        v["auc_elasticity"] = self.u2 / (2.0 * n * n)
        v["youden_gap"], v["youden_grid"] = self._youden()
        if self.need_rank:
            v["spearman"] = self._spearman()
        if self.need_model:
            v.update(self._model(v["auc_elasticity"]))
        return v

    def _youden(self) -> tuple[float, float]:
        """Excess of other splits over the 62 kPa split (lesions, summed), and grid slack.

        ``D(t) = #malignant >= t - #benign >= t`` is n (J(t) + 1) - n; the 62 kPa split is the
        unique optimum when every other observed split has a smaller D. The first number sums
        ``max(0, D(t) - D(62) + 1)`` over the other observed thresholds (a smooth surrogate of
        the largest excess); the second is how far the observed and midpoint thresholds are
        from rounding to 62.
        """
        total = self.hist_mal - self.hist_ben
        d = np.cumsum(total[::-1])[::-1]
        cut = self.cut
        seen = (self.hist_mal + self.hist_ben) > 0
        below = np.flatnonzero(seen[:cut])
        above = np.flatnonzero(seen[cut:])
        prev = int(below[-1]) if below.size else 0
        first = cut + int(above[0]) if above.size else cut
        seen[prev + 1 : first + 1] = False  # thresholds that give the 62 kPa split itself
        excess = d[seen] - int(d[cut]) + 1
        gap = float(excess[excess > 0].sum())
        # observed threshold = first (needs < 62.5), midpoint (prev + first)/2 >= 61.5
        slack = max(0, first - (cut + 4)) + max(0, (2 * cut - 10) - (prev + first))
        return gap, float(slack)

    def _spearman(self) -> float:
        he = np.bincount(self.e, minlength=self.e_lim[1] + 2)
        ce = np.cumsum(he) - he
        re = ce[self.e] + (he[self.e] + 1) * 0.5
        hs = self.hist_sr
        cs = np.cumsum(hs) - hs
        rs = cs[self.sr] + (hs[self.sr] + 1) * 0.5
        re = re - re.mean()
        rs = rs - rs.mean()
        return float(re @ rs / math.sqrt((re @ re) * (rs @ rs)))

    def _placements(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """DeLong placements of cases and controls of one marker (ties count one half)."""
        n = self.n
        cases, controls = np.sort(x[:n]), np.sort(x[n:])
        case = (
            np.searchsorted(controls, x[:n], "left") + np.searchsorted(controls, x[:n], "right")
        ) / (2.0 * n)
        control = 1.0 - (
            np.searchsorted(cases, x[n:], "left") + np.searchsorted(cases, x[n:], "right")
        ) / (2.0 * n)
        return case, control

    def _model(self, auc_e: float) -> dict[str, float]:
        x1 = self.e / E_SCALE
        X = np.column_stack([np.ones_like(x1), x1, self.sr / SR_SCALE])
        beta = self.beta
        try:
            for _ in range(3):  # Newton from the previous fit: a move changes it a little
                eta = X @ beta
                p = special.expit(eta)
                H = (X * (p * (1 - p))[:, None]).T @ X
                step = np.linalg.solve(H, X.T @ (self.yf - p))
                beta = beta + step
                if np.abs(step).max() < 1e-10:
                    break
            cov = np.linalg.inv(H)
        except np.linalg.LinAlgError:
            beta = np.full(3, np.nan)
        if not (np.isfinite(beta).all() and np.abs(beta).max() < 50):
            self.beta_trial = self.beta  # (near-)separated: no finite fit, no value
            return dict.fromkeys(_MODEL_VALUES, math.nan)
        self.beta_trial = beta
        eta = X @ beta
        n = self.n
        case_c, control_c = self._placements(eta)
        case_e, control_e = self._placements(x1)
        a_c = float(case_c.mean())
        a_e = auc_e
        dc, de = case_c - a_c, case_e - a_e
        gc, ge = control_c - a_c, control_e - a_e
        var_c = (dc @ dc + gc @ gc) / ((n - 1) * n)
        var_e = (de @ de + ge @ ge) / ((n - 1) * n)
        cov_ce = (dc @ de + gc @ ge) / ((n - 1) * n)
        out = {"auc_combined": a_c}
        se_diff = math.sqrt(max(var_c + var_e - 2 * cov_ce, 0.0))
        z = (a_c - a_e) / se_diff if se_diff > 0 else 0.0
        out["delong_p"] = float(2.0 * special.ndtr(-abs(z)))
        se_e, se_c = math.sqrt(var_e), math.sqrt(var_c)
        out["auc_elasticity_ci_low"] = max(0.0, a_e - _Z975 * se_e)
        out["auc_elasticity_ci_high"] = min(1.0, a_e + _Z975 * se_e)
        out["auc_combined_ci_low"] = max(0.0, a_c - _Z975 * se_c)
        out["auc_combined_ci_high"] = min(1.0, a_c + _Z975 * se_c)
        for j, name in ((1, "or_elasticity"), (2, "or_strain_ratio")):
            se = math.sqrt(cov[j, j])
            out[name] = math.exp(beta[j])
            out[f"{name}_ci_low"] = math.exp(beta[j] - _Z975 * se)
            out[f"{name}_ci_high"] = math.exp(beta[j] + _Z975 * se)
        if "hosmer_lemeshow_p" in self.targets:
            p = special.expit(eta)
            out["hosmer_lemeshow_p"] = logistic.hosmer_lemeshow(
                self.y.astype(int), p, with_table=False
            ).p_value
        return out

    # ---- objective ---------------------------------------------------------------------
    def keeps_fixed(self) -> bool:
        """Whether the fixed targets (Table 2 moments, counts at 62 kPa) still hold."""
        n = self.n
        for (name, g), s1 in self.sum1.items():
            window = self.fixed_windows.get((name, g))
            if window is None:
                continue
            ss = self.sum2[(name, g)] - s1 * s1 / n
            if not (window[0] <= ss < window[1]):
                return False
        cut = self.cut
        if self.fixed_counts is not None:
            if int(self.hist_mal[cut:].sum()) != self.fixed_counts[0]:
                return False
            if int(self.hist_ben[cut:].sum()) != self.fixed_counts[1]:
                return False
        return True

    def distance(self, v: dict[str, float]) -> float:
        total = 0.0
        for stat, t in self.targets.items():
            if stat in self.fixed:
                continue
            if stat == "youden_cutoff":
                total += v["youden_gap"] + v["youden_grid"]
            else:
                total += t.distance(v[stat])
        return total

    def strangeness(self) -> float:
        total = 0.0
        for key, ref in self.ref.items():
            diff = (self.sorted[key] - ref) / self.ref_scale[key]
            total += float(diff @ diff) / diff.size
        return total

    # ---- moves ---------------------------------------------------------------------------
    def _set(self, marker: str, i: int, new: int) -> None:
        n = self.n
        g = 0 if i < n else 1
        arr = self.e if marker == "e" else self.sr
        old = int(arr[i])
        if old == new:
            return
        self.sum1[(marker, g)] += new - old
        self.sum2[(marker, g)] += new * new - old * old
        srt = self.sorted[(marker, g)]
        k = int(np.searchsorted(srt, old))
        srt = np.delete(srt, k)
        self.sorted[(marker, g)] = np.insert(srt, int(np.searchsorted(srt, new)), new)
        if marker == "e":
            self.u2 += (self._other_count2(g, new) - self._other_count2(g, old)) * (
                1 if g == 0 else -1
            )
            hist = self.hist_mal if g == 0 else self.hist_ben
            hist[old] -= 1
            hist[new] += 1
        else:
            self.hist_sr[old] -= 1
            self.hist_sr[new] += 1
        arr[i] = new

    def apply(self, changes: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """Apply (marker, index, new value) changes; return the changes that undo them."""
        undo = []
        for marker, i, _new in changes:
            arr = self.e if marker == "e" else self.sr
            undo.append((marker, i, int(arr[i])))
        for marker, i, new in changes:
            self._set(marker, i, new)
        return undo[::-1]


def _propose(engine: _Engine, rng: np.random.Generator, kinds: tuple[str, ...]):
    """One random move as a list of (marker, index, new value), or None if out of range.

    ``*_swap`` exchanges two values of one group; ``*_pair`` adds d to one value and takes d
    from another (sum kept); ``*_triple`` moves one value by d and re-solves two others so
    that both the sum and, up to rounding to the grid, the sum of squares are kept (SPRITE's
    idea, which keeps the mean and SD while the shape changes).
    """
    n = engine.n
    kind = kinds[rng.integers(len(kinds))]
    g = int(rng.integers(2))
    i, j, k = (int(x) + g * n for x in rng.choice(n, size=3, replace=False))
    marker = "e" if kind.startswith("e") else "sr"
    arr = engine.e if marker == "e" else engine.sr
    if kind.endswith("swap"):
        if arr[i] == arr[j]:
            return None
        return [(marker, i, int(arr[j])), (marker, j, int(arr[i]))]
    lim = engine.e_lim if marker == "e" else engine.sr_lim
    big = 300 if marker == "e" else 60
    d = int(np.exp(rng.uniform(0.0, math.log(big))))
    d = d if rng.random() < 0.5 else -d
    a, b, c = int(arr[i]), int(arr[j]), int(arr[k])
    if kind.endswith("pair"):
        new = [(i, a + d), (j, b - d)]
    else:
        total = b + c - d
        squares = b * b + c * c - (2 * a * d + d * d)
        disc = 2 * squares - total * total
        if disc < 0:
            return None
        root = math.sqrt(disc)
        b_new = round((total + root) / 2) if b >= c else round((total - root) / 2)
        new = [(i, a + d), (j, b_new), (k, total - b_new)]
    if not all(lim[0] <= v <= lim[1] for _, v in new):
        return None
    return [(marker, idx, v) for idx, v in new]


_E_STAGE = (
    "e_mean_malignant",
    "e_sd_malignant",
    "e_mean_benign",
    "e_sd_benign",
    "sensitivity",
    "specificity",
)


@contextlib.contextmanager
def _quiet_fd1():
    """Silence C-level writes to standard output (HiGHS prints a debug line now and then)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


@dataclass(frozen=True)
class _Layout:
    """Column offsets of the histogram program's variable blocks."""

    ic: int  # counts c_k
    i_cum: int  # cumulative counts C_k
    iu: int  # |C_k - reference C_k| (the 1-Wasserstein terms)
    iy: int  # slacks of the extra rows
    ia: int  # the two slacks of the rank row
    n_var: int


def _histogram_milp(
    support: np.ndarray,
    reference: np.ndarray,
    *,
    total: int,
    ss_window: tuple[float, float],
    unit: float,
    n_slack: int = 0,
    rows_before_sum: Callable | None = None,
    rows_after_ss: Callable | None = None,
    rank_weights: np.ndarray | None = None,
    rank_window: tuple[float, float] | None = None,
    lower_bounds: dict[int, int] | None = None,
) -> tuple[np.ndarray, float]:
    """Values of one group on a grid, closest to ``reference``, meeting linear targets.

    With the other group's values fixed, every target used here is linear in the histogram
    ``c`` of this group's values on ``support``: the count, the sum (fixed at ``total``), the
    sum of squares (hence the SD, the sum being fixed), the Mann-Whitney count against the
    other group (``rank_weights @ c``: an AUC or a Mann-Whitney P), and prefix counts (through
    the cumulative counts ``C``, for cutoff rules). The objective is the 1-Wasserstein distance
    from ``reference`` (``unit`` grid steps per unit of the variable) plus heavily weighted
    slacks on the rank row and the extra rows, so the program is always feasible and returns
    the data closest to the reference that meets what it can. Solved as a mixed-integer
    program by HiGHS (``scipy.optimize.milp``) with a node limit, so the result is the same
    on every run.

    Returns the values (grid units, sorted) and the total slack (0: every row met).
    """
    n = N_PER_GROUP
    k_all = support.size
    layout = _Layout(0, k_all, 2 * k_all, 3 * k_all, 3 * k_all + n_slack, 3 * k_all + n_slack + 2)
    ic, i_cum, iu, ia = layout.ic, layout.i_cum, layout.iu, layout.ia
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def row(entries, lo, hi) -> None:
        r = len(lower)
        for c_, v_ in entries:
            rows.append(r)
            cols.append(c_)
            vals.append(float(v_))
        lower.append(lo)
        upper.append(hi)

    for k in range(k_all):
        entries = [(i_cum + k, 1.0), (ic + k, -1.0)]
        if k:
            entries.append((i_cum + k - 1, -1.0))
        row(entries, 0.0, 0.0)
    row([(i_cum + k_all - 1, 1.0)], n, n)
    ref_cum = np.searchsorted(np.sort(reference), support, side="right")
    for k in range(k_all):
        row([(iu + k, 1.0), (i_cum + k, -1.0)], -ref_cum[k], np.inf)
        row([(iu + k, 1.0), (i_cum + k, 1.0)], ref_cum[k], np.inf)
    if rows_before_sum is not None:
        rows_before_sum(layout, row)
    row([(ic + k, support[k]) for k in range(k_all)], total, total)
    centre = total * total / n
    row(
        [(ic + k, float(support[k]) ** 2) for k in range(k_all)],
        ss_window[0] + centre,
        ss_window[1] + centre - 1.0,
    )
    if rows_after_ss is not None:
        rows_after_ss(layout, row)
    if rank_weights is not None:
        row(
            [(ic + k, rank_weights[k]) for k in range(k_all)] + [(ia, 1.0), (ia + 1, -1.0)],
            *rank_window,
        )
    matrix = sparse.csr_array((vals, (rows, cols)), shape=(len(lower), layout.n_var))
    cost = np.zeros(layout.n_var)
    cost[iu : iu + k_all] = (
        np.diff(np.r_[support, support[-1] + (support[-1] - support[-2])]) / unit
    )
    cost[layout.iy : ia] = 1e4
    cost[ia : ia + 2] = 1e2
    integrality = np.zeros(layout.n_var)
    integrality[ic : ic + k_all] = 1
    lb = np.zeros(layout.n_var)
    ub = np.full(layout.n_var, np.inf)
    ub[ic : ic + k_all] = n
    for k, value in (lower_bounds or {}).items():
        lb[ic + k] = value
    with _quiet_fd1():
        res = optimize.milp(
            cost,
            integrality=integrality,
            bounds=optimize.Bounds(lb, ub),
            constraints=optimize.LinearConstraint(matrix, lower, upper),
            options={"node_limit": 2000},
        )
    if res.x is None:
        return np.sort(reference), math.inf
    counts = np.rint(res.x[ic : ic + k_all]).astype(np.int64)
    slack = float(res.x[layout.iy : layout.n_var].sum())
    return np.repeat(support, counts), slack


def _rank_weights(support: np.ndarray, other: np.ndarray, own: int) -> np.ndarray:
    """Twice the Mann-Whitney count each value of ``support`` adds against ``other``.

    For a malignant value (``own`` 0): 2 x (benign below) + (benign equal); for a benign value:
    2 x (malignant above) + (malignant equal). Summed over a group, twice U.
    """
    left = np.searchsorted(other, support, "left")
    right = np.searchsorted(other, support, "right")
    n = other.size
    return 2 * left + (right - left) if own == 0 else 2 * (n - right) + (right - left)


def _elasticity_group_milp(
    own: int, other: np.ndarray, reference: np.ndarray, chosen: dict[str, Target]
) -> tuple[np.ndarray, float]:
    """Elasticity values of one group that meet the targets given the other group's values.

    :func:`_histogram_milp` on a grid of 0.5 kPa steps plus 61.9 and 62.0 kPa, with the
    counts at 62 kPa, the Mann-Whitney count behind the AUC, and the prefix counts that make
    the 62 kPa split the unique Youden optimum: for every threshold t above 62 more malignant
    than benign values in [62, t), for every t below more benign than malignant in [t, 62).
    """
    n, cut = N_PER_GROUP, round(CUTOFF_KPA * E_SCALE)
    grp = "malignant" if own == 0 else "benign"
    support = np.unique(np.r_[np.arange(50, 2501, 5), cut - 1, cut])
    other = np.sort(other)
    use_youden = "youden_cutoff" in chosen
    thresholds = np.unique(np.r_[support, other]) if use_youden else np.empty(0, int)
    thresholds = thresholds[thresholds != cut]

    def below(x) -> int:  # index of the last support point < x (-1: none)
        return int(np.searchsorted(support, x)) - 1

    k_cut = below(cut)
    n_above = _count_at_cutoff(chosen, own)

    def side_count(layout: _Layout, row) -> None:
        row([(layout.i_cum + k_cut, 1.0)], n - n_above, n - n_above)

    def other_between(a, b) -> int:
        return int(np.searchsorted(other, b) - np.searchsorted(other, a))

    def youden_rows(layout: _Layout, row) -> None:
        i_cum, iy = layout.i_cum, layout.iy
        sign = 1.0 if own == 0 else -1.0
        for j, t in enumerate(thresholds):
            kt = below(t)
            if t > cut:  # own values in [62, t): C[kt] - C[k_cut]
                own_rows = [(i_cum + kt, sign), (i_cum + k_cut, -sign)]
                o = other_between(cut, t)
                # malignant: own - o >= 1; benign: o - own >= 1
                row([*own_rows, (iy + j, 1.0)], (1 + o) if own == 0 else (1 - o), np.inf)
            else:  # own values in [t, 62): C[k_cut] - C[kt]
                own_rows = [(i_cum + k_cut, -sign)] + ([(i_cum + kt, sign)] if kt >= 0 else [])
                o = other_between(t, cut)
                # malignant: own - o <= -1; benign: o - own <= -1
                row([*own_rows, (iy + j, 1.0)], (1 - o) if own == 0 else (1 + o), np.inf)

    mean_t, sd_t = chosen[f"e_mean_{grp}"], chosen[f"e_sd_{grp}"]
    weights = window = None
    if "auc_elasticity" in chosen:
        t = chosen["auc_elasticity"]
        weights = _rank_weights(support, other, own)
        window = (math.ceil(t.low * 2 * n * n), math.ceil(t.high * 2 * n * n) - 1)
    # the 62 kPa split needs a malignant value at 62.0, a benign one at 61.9
    bounds = {int(np.searchsorted(support, cut if own == 0 else cut - 1)): 1} if use_youden else {}
    return _histogram_milp(
        support,
        reference,
        total=round(0.5 * (mean_t.low + mean_t.high) * E_SCALE * n),
        ss_window=((sd_t.low * E_SCALE) ** 2 * (n - 1), (sd_t.high * E_SCALE) ** 2 * (n - 1)),
        unit=E_SCALE,
        n_slack=thresholds.size,
        rows_before_sum=side_count,
        rows_after_ss=youden_rows,
        rank_weights=weights,
        rank_window=window,
        lower_bounds=bounds,
    )


SIZE_SCALE = 10  # lesion size is searched in steps of 0.1 mm


def lesion_size_witness(*, seed: int = cohort.DEFAULT_SEED, rounds: int = 12) -> Reconstruction:
    """Lesion sizes that meet Table 1's means and SDs and give its P under a Mann-Whitney test.

    The paper prints lesion size as 7.4 +- 2.1 mm against 5.8 +- 1.9 mm with P = 0.015. A
    t-test on those summaries gives a far smaller P (:mod:`microcalc.study.audit`), but the methods
    allow a Mann-Whitney U test after a normality test, and a rank test's P cannot be
    recomputed from means and SDs. This searches for 150 + 150 sizes (0.1 mm steps, within the
    inclusion range) that meet both means and SDs at their printed precision and give a
    two-sided asymptotic Mann-Whitney P (tie-corrected, no continuity correction, as SPSS
    prints it) that rounds to the printed P.

    Each round solves one group given the other (:func:`_histogram_milp`, closest to the
    cohort's sizes), with the Mann-Whitney count window set from the current tie correction.

    Returns
    -------
    Reconstruction
        ``data`` has ``participant_id, malignant, lesion_size_mm``; ``check`` has the five
        targets (both means and SDs, the P) computed with scipy, and the range.

    References
    ----------
    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat 1947;18:50-60.

    Examples
    --------
    >>> rec = lesion_size_witness()  # doctest: +SKIP
    >>> rec.found  # doctest: +SKIP
    True
    """
    n = N_PER_GROUP
    lesions = cohort.simulate_cohort(seed=seed).lesions
    low = round(paper.value("design.lesion_size_min_mm") * SIZE_SCALE)
    high = round(paper.value("design.lesion_size_max_mm") * SIZE_SCALE)
    support = np.arange(low, high + 1)
    refs, groups = {}, ("malignant", "benign")
    for own in (0, 1):
        x = lesions.loc[lesions["malignant"] == (1 - own), "lesion_size_mm"].to_numpy()
        refs[own] = np.clip(np.rint(x * SIZE_SCALE), low, high).astype(np.int64)
    key_p = "table1.lesion_size_mm.p_value"
    pub_p = paper.get(key_p)
    p_low, p_high = audit.printed_interval(pub_p.value, pub_p.decimals, pub_p.qualifier)
    z_window = (float(stats.norm.isf(p_high / 2)), float(stats.norm.isf(p_low / 2)))
    values = {0: refs[0].copy(), 1: refs[1].copy()}
    for _ in range(rounds):
        slack = 0.0
        for own, grp in enumerate(groups):
            pooled = np.r_[values[0], values[1]]
            _, ties = np.unique(pooled, return_counts=True)
            sigma = math.sqrt(
                n * n / 12.0 * ((2 * n + 1) - float((ties**3 - ties).sum()) / (2 * n * (2 * n - 1)))
            )
            # malignant sizes are larger: U of the malignant group above n^2 / 2
            window = (
                math.ceil(2 * (n * n / 2 + z_window[0] * sigma)),
                math.floor(2 * (n * n / 2 + z_window[1] * sigma)),
            )
            mean_t = _target_for(f"table1.lesion_size_mm.{grp}.mean")
            sd_t = _target_for(f"table1.lesion_size_mm.{grp}.sd")
            values[own], s_ = _histogram_milp(
                support,
                refs[own],
                total=round(0.5 * (mean_t.low + mean_t.high) * SIZE_SCALE * n),
                ss_window=(
                    (sd_t.low * SIZE_SCALE) ** 2 * (n - 1),
                    (sd_t.high * SIZE_SCALE) ** 2 * (n - 1),
                ),
                unit=SIZE_SCALE,
                rank_weights=_rank_weights(support, np.sort(values[1 - own]), own),
                rank_window=window,
            )
            slack += s_
        data = pd.DataFrame(
            {
                "participant_id": [f"S{i + 1:03d}" for i in range(2 * n)],
                "malignant": np.r_[np.ones(n, int), np.zeros(n, int)],
                "lesion_size_mm": np.r_[values[0], values[1]] / SIZE_SCALE,
            }
        )
        check = lesion_size_check(data)
        if check["met"].all():
            break
    return Reconstruction(
        "lesion_size",
        seed,
        data,
        check,
        SearchStatistics(
            found=bool(check["met"].all()),
            moves=0,
            accepted=0,
            restarts=1,
            moves_to_witness=0,
            seconds=math.nan,
            seconds_to_witness=math.nan,
            best_distance=float(check["distance"].sum()),
            strangeness=math.nan,
        ),
    )


def _target_for(key: str, statistic: str | None = None, label: str | None = None) -> Target:
    pub = paper.get(key)
    low, high = audit.printed_interval(pub.value, pub.decimals, pub.qualifier)
    return Target(
        statistic or key, key, label or pub.description, pub.printed, low, high, 10.0**-pub.decimals
    )


def lesion_size_check(data: pd.DataFrame) -> pd.DataFrame:
    """The lesion-size targets of :func:`lesion_size_witness`, computed with scipy."""
    y = data["malignant"].to_numpy()
    x = data["lesion_size_mm"].to_numpy()
    rows = []
    for grp, flag in (("malignant", 1), ("benign", 0)):
        for what, value in (("mean", x[y == flag].mean()), ("sd", x[y == flag].std(ddof=1))):
            rows.append((_target_for(f"table1.lesion_size_mm.{grp}.{what}"), float(value)))
    p = stats.mannwhitneyu(
        x[y == 1], x[y == 0], alternative="two-sided", method="asymptotic", use_continuity=False
    ).pvalue
    rows.append(
        (
            _target_for(
                "table1.lesion_size_mm.p_value",
                label="Mann-Whitney P (asymptotic, tie-corrected)",
            ),
            float(p),
        )
    )
    lo, hi = paper.value("design.lesion_size_min_mm"), paper.value("design.lesion_size_max_mm")
    inside = float(((x >= lo) & (x <= hi)).mean())
    out = [t.check_row(v) for t, v in rows]
    out.append(
        {
            "statistic": "inclusion_range",
            "key": "design.lesion_size_min_mm",
            "label": "share of sizes within the inclusion range (3-15 mm)",
            "published": "1",
            "low": 1.0,
            "high": 1.0,
            "achieved": inside,
            "met": inside == 1.0,
            "distance": 0.0 if inside == 1.0 else 1.0 - inside,
        }
    )
    return pd.DataFrame(out)


def _count_at_cutoff(chosen: dict[str, Target], own: int) -> int:
    """Lesions of a group at or above 62 kPa that the sensitivity/specificity targets allow."""
    n = N_PER_GROUP
    if own == 0:
        t = chosen["sensitivity"]
        return next(k for k in range(n + 1) if t.met(100.0 * k / n))
    t = chosen["specificity"]
    return n - next(k for k in range(n + 1) if t.met(100.0 * k / n))


def _elasticity_stage(e0: np.ndarray, chosen: dict[str, Target], rounds: int = 8) -> np.ndarray:
    """Elasticity values meeting every elasticity target, by alternating group programs.

    The start is the tightest arrangement the Youden target allows (see
    :func:`microcalc.study.proofs.cutoff_budget`): the benign group's 20 highest values just above
    62 kPa and, below the cutoff, one more benign value than there are false negatives.
    Each round solves the malignant group given the benign one, then the reverse
    (:func:`_elasticity_group_milp`), until no slack is left.
    """
    n = N_PER_GROUP
    mal, ben = np.sort(e0[:n]), np.sort(e0[n:])
    cut = round(CUTOFF_KPA * E_SCALE)
    if "youden_cutoff" in chosen:
        n_fp = _count_at_cutoff(chosen, 1)
        n_fn = n - _count_at_cutoff(chosen, 0)
        ben = ben.copy()
        ben[n - n_fp :] = cut + 10
        ben[n - n_fp - n_fn - 1 : n - n_fp] = cut - 5
    ref_mal, ref_ben = np.sort(e0[:n]), np.sort(e0[n:])
    for _ in range(rounds):
        mal, slack_m = _elasticity_group_milp(0, ben, ref_mal, chosen)
        ben, slack_b = _elasticity_group_milp(1, mal, ref_ben, chosen)
        if slack_m + slack_b < 0.5:
            break
    return np.r_[mal, ben]


@dataclass(frozen=True)
class SearchStatistics:
    """How the search went.

    Attributes
    ----------
    found : bool
        Whether every target was met (and confirmed by :func:`check_targets`).
    moves, accepted : int
        Moves proposed and accepted, over all restarts.
    restarts : int
        Restarts used (1 = the first run).
    moves_to_witness : int
        Moves until the first witness (or -1).
    seconds, seconds_to_witness : float
        Wall-clock time of the whole search, and until the first witness (or NaN).
    best_distance : float
        Sum over targets of the distance outside the printed window (printed units), at the
        best state; 0 for a witness.
    strangeness : float
        The plausibility term (squared quantile distance from the reference cohort, in units
        of the published SDs) of the returned data set.
    """

    found: bool
    moves: int
    accepted: int
    restarts: int
    moves_to_witness: int
    seconds: float
    seconds_to_witness: float
    best_distance: float
    strangeness: float


@dataclass(frozen=True, eq=False)
class Reconstruction:
    """A searched data set and how well it meets its targets.

    Attributes
    ----------
    name : str
        Target set name (or ``"custom"``).
    seed : int
    data : pandas.DataFrame
        ``participant_id, malignant, elasticity_kpa, strain_ratio`` (150 + 150 rows).
    check : pandas.DataFrame
        :func:`check_targets` of ``data``: published, window, achieved, met.
    search : SearchStatistics
    """

    name: str
    seed: int
    data: pd.DataFrame = field(repr=False)
    check: pd.DataFrame = field(repr=False)
    search: SearchStatistics

    @property
    def found(self) -> bool:
        """Whether the data set meets every target (independently checked)."""
        return bool(self.check["met"].all())


def _anneal(
    engine: _Engine,
    rng: np.random.Generator,
    moves: int,
    *,
    t_start: float,
    t_end: float,
    hard: bool,
    kinds: tuple[str, ...],
    on_move: Callable[[int], None] | None = None,
) -> tuple[int, int, int]:
    """Metropolis moves on distance + weight * strangeness.

    ``hard``: every move must keep the distance at 0 and the cost is the strangeness alone;
    the least strange state visited is restored at the end.
    Returns (moves done, accepted, move index of the first zero distance or -1).
    """
    dist = engine.distance(engine.values)
    strange = engine.strangeness()
    cost = strange if hard else dist + engine.weight * strange
    accepted, first_zero = 0, (0 if dist == 0 else -1)
    if first_zero == 0 and not hard:
        return 0, 0, 0
    best = (cost, engine.e.copy(), engine.sr.copy())
    ratio = (t_end / t_start) ** (1.0 / max(moves - 1, 1))
    temp = t_start
    for k in range(moves):
        temp *= ratio
        if on_move is not None and k % 2000 == 0:
            on_move(k)
        change = _propose(engine, rng, kinds)
        if change is None:
            continue
        undo = engine.apply(change)
        if engine.fixed and not engine.keeps_fixed():
            engine.apply(undo)
            continue
        values = engine._evaluate()
        new_dist = engine.distance(values)
        if hard and new_dist > 0:
            engine.apply(undo)
            continue
        new_strange = engine.strangeness()
        new_cost = new_strange if hard else new_dist + engine.weight * new_strange
        delta = new_cost - cost
        if delta <= 0 or rng.random() < math.exp(-delta / temp):
            engine.values, cost, dist, strange = values, new_cost, new_dist, new_strange
            if engine.need_model:
                engine.beta = engine.beta_trial
            accepted += 1
            if hard and cost < best[0]:
                best = (cost, engine.e.copy(), engine.sr.copy())
            if dist == 0 and first_zero < 0:
                first_zero = k + 1
                if not hard:
                    return k + 1, accepted, first_zero
        else:
            engine.apply(undo)
    if hard and best[0] < cost:
        engine.e, engine.sr = best[1], best[2]
        engine._full_refresh()
    return moves, accepted, first_zero


def _frame(e: np.ndarray, sr: np.ndarray) -> pd.DataFrame:
    n = N_PER_GROUP
    return pd.DataFrame(
        {
            "participant_id": [f"W{i + 1:03d}" for i in range(2 * n)],
            "malignant": np.r_[np.ones(n, int), np.zeros(n, int)],
            "elasticity_kpa": e / E_SCALE,
            "strain_ratio": sr / SR_SCALE,
        }
    )


def reconstruct(
    name: str | Sequence[str] = "headline",
    *,
    seed: int = cohort.DEFAULT_SEED,
    moves: int = 40_000,
    polish_moves: int = 20_000,
    restarts: int = 3,
    weight: float = 0.05,
    progress: Callable[[str], None] | None = None,
) -> Reconstruction:
    """Search for a data set meeting a set of published numbers at their printed precision.

    Parameters
    ----------
    name : str or sequence of str, default "headline"
        A key of :data:`TARGET_SETS` or a list of statistic names (see :func:`targets`).
    seed : int, default 2025
        Seeds both the reference cohort (the plausible starting point) and the search; the
        ``r``-th restart uses the ``r``-th child of ``numpy.random.SeedSequence(seed)``.
    moves : int, default 40000
        Annealing moves per restart, before a witness is found.
    polish_moves : int, default 20000
        Moves after a witness is found, that keep every target met and reduce strangeness.
    restarts : int, default 3
        Annealing runs with fresh random streams, until a witness is found.
    weight : float, default 0.05
        Weight of the plausibility term against the distance to the targets.
    progress : callable, optional
        Called with a one-line status every few thousand moves.

    Returns
    -------
    Reconstruction
        With the best data set found (a witness if ``found``); ``check`` is computed by
        :func:`check_targets`, independently of the search.

    Notes
    -----
    Three stages. (1) When the set holds Table 2's elasticity moments and the counts at
    62 kPa, the elasticity values are found first by alternating mixed-integer programs
    (:func:`_elasticity_group_milp`), closest to the reference cohort in the 1-Wasserstein
    distance. (2) Simulated annealing on the distance to every target plus ``weight`` times
    the strangeness, with moves that keep each group's means exact and the Table 2 SDs and
    counts within their printed windows once met; while the elasticity targets hold, only
    moves that keep the elasticity values of each group (strain-ratio moves, swaps) are used.
    (3) Polishing: moves of every kind that keep every target met and lower the strangeness.

    A witness proves that the targets can hold together in one data set. A failed search
    proves nothing about impossibility. Budgets are counted in moves, never in seconds, so the
    result does not depend on the machine's speed.

    References
    ----------
    Heathers JA, et al. PeerJ Preprints 2018;6:e26968 (SPRITE).
    Kirkpatrick S, et al. Science 1983;220:671-680.

    Examples
    --------
    >>> rec = reconstruct("table2", moves=200, polish_moves=0)
    >>> rec.found, rec.data.shape
    (True, (300, 4))
    """
    chosen = targets(name)
    label = name if isinstance(name, str) else "custom"
    for arg, value in (("moves", moves), ("restarts", restarts)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{arg} must be a positive integer, got {value!r}")
    if isinstance(polish_moves, bool) or not isinstance(polish_moves, int | np.integer):
        raise ValueError(f"polish_moves must be a non-negative integer, got {polish_moves!r}")
    if polish_moves < 0:
        raise ValueError(f"polish_moves must be a non-negative integer, got {polish_moves!r}")
    if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
        raise ValueError(f"weight must be a finite number >= 0, got {weight!r}")

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    start = time.perf_counter()
    ref = reference_cohort(seed)
    e0 = np.rint(ref["elasticity_kpa"].to_numpy() * E_SCALE).astype(np.int64)
    sr0 = np.rint(ref["strain_ratio"].to_numpy() * SR_SCALE).astype(np.int64)
    n = N_PER_GROUP
    reference = {("e", 0): e0[:n], ("e", 1): e0[n:], ("sr", 0): sr0[:n], ("sr", 1): sr0[n:]}
    by_stat = {t.statistic: t for t in chosen}
    e_start = e0
    if all(s in by_stat for s in _E_STAGE):
        say("stage 1: elasticity values by mixed-integer programs")
        e_start = _elasticity_stage(e0, by_stat)
    e_targets = [t for t in chosen if t.statistic in (*_E_STAGE, "auc_elasticity", "youden_cutoff")]
    e_engine = _Engine(e_start, sr0, e_targets, reference, weight)
    e_done = e_engine.distance(e_engine.values) == 0
    all_kinds = ("e_triple", "e_triple", "e_pair", "sr_triple", "sr_pair", "sr_swap", "e_swap")
    # once the elasticity targets hold, keep each group's elasticity values, unless a target
    # that depends on elasticity alone (its AUC's CI) is still to be met
    e_only_left = any(s.startswith("auc_elasticity_ci") for s in by_stat)
    keep_e = e_done and not e_only_left
    kinds = ("sr_triple", "sr_pair", "sr_swap", "e_swap") if keep_e else all_kinds
    children = np.random.SeedSequence(seed).spawn(restarts)
    total_moves = total_accepted = 0
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    to_witness, t_witness, used = -1, math.nan, 0
    for r, child in enumerate(children):
        used = r + 1
        rng = np.random.default_rng(child)
        engine = _Engine(e_start, sr0, chosen, reference, weight)

        def tick(k: int, r=r, engine=engine) -> None:
            say(
                f"stage 2, run {r + 1}/{restarts}: move {k:,}/{moves:,}, "
                f"distance to targets {engine.distance(engine.values):.2f}"
            )

        done, acc, first = _anneal(
            engine, rng, moves, t_start=1.0, t_end=0.002, hard=False, kinds=kinds, on_move=tick
        )
        total_moves += done
        total_accepted += acc
        dist = engine.distance(engine.values)
        if best is None or dist < best[0]:
            best = (dist, engine.e.copy(), engine.sr.copy())
        if first >= 0:
            to_witness = total_moves
            t_witness = time.perf_counter() - start
            witness = (engine.e.copy(), engine.sr.copy())
            say(f"witness after {to_witness:,} moves; stage 3: polishing ({polish_moves:,} moves)")
            if polish_moves:
                done, acc, _ = _anneal(
                    engine,
                    rng,
                    polish_moves,
                    t_start=0.01,
                    t_end=0.0001,
                    hard=True,
                    kinds=all_kinds,
                )
                total_moves += done
                total_accepted += acc
            best = (0.0, engine.e.copy(), engine.sr.copy())
            if not check_targets(_frame(*best[1:]), chosen)["met"].all():
                best = (0.0, *witness)  # the polished state failed the independent check
            break
    assert best is not None
    data = _frame(best[1], best[2])
    check = check_targets(data, chosen)
    final = _Engine(best[1], best[2], chosen, reference, weight)
    search = SearchStatistics(
        found=bool(check["met"].all()),
        moves=total_moves,
        accepted=total_accepted,
        restarts=used,
        moves_to_witness=to_witness,
        seconds=time.perf_counter() - start,
        seconds_to_witness=t_witness,
        best_distance=float(check["distance"].sum()),
        strangeness=final.strangeness(),
    )
    return Reconstruction(label, seed, data, check, search)


# ======================================================================================
# Files
# ======================================================================================


_CSV_DECIMALS = {"elasticity_kpa": 1, "strain_ratio": 2, "lesion_size_mm": 1}


def reconstruction_csv_text(rec: Reconstruction) -> str:
    """The data set as CSV text with fixed decimals (byte-identical for the same seed)."""
    frame = rec.data.copy()
    for column, decimals in _CSV_DECIMALS.items():
        if column in frame:
            frame[column] = frame[column].map(lambda v, d=decimals: f"{v:.{d}f}")
    return frame.to_csv(index=False, lineterminator="\n")


def reconstruction_json_text(rec: Reconstruction) -> str:
    """Per target: published, window, achieved (shortest round-trip repr), met; and the
    search's settings and outcome (without timings, so the file is reproducible)."""
    targets_out = [
        {
            "statistic": row.statistic,
            "key": row.key,
            "label": row.label,
            "published": row.published,
            "window": [row.low, row.high],
            "achieved": float(row.achieved),
            "met": bool(row.met),
        }
        for row in rec.check.itertuples()
    ]
    doc = {
        "target_set": rec.name,
        "seed": rec.seed,
        "found": rec.found,
        "search": {
            "moves": rec.search.moves,
            "accepted": rec.search.accepted,
            "restarts": rec.search.restarts,
            "moves_to_witness": rec.search.moves_to_witness,
            "strangeness": (
                rec.search.strangeness if math.isfinite(rec.search.strangeness) else None
            ),
        },
        "targets": targets_out,
    }
    return json.dumps(doc, indent=2, allow_nan=False) + "\n"


def write_reconstruction(
    rec: Reconstruction, out_dir: str | os.PathLike, *, force: bool = False
) -> list[Path]:
    """Write ``<name>.csv`` and ``<name>.json`` into ``out_dir`` (see the CLI).

    Both files are written to temporary files first and renamed only when both are complete;
    without ``force`` an existing file raises ``FileExistsError`` before anything is written.
    """
    out = Path(out_dir)
    stem = rec.name.replace("+", "_")
    texts = {
        f"{stem}.csv": reconstruction_csv_text(rec),
        f"{stem}.json": reconstruction_json_text(rec),
    }
    return cohort.write_texts(texts, out, force=force)


def _slug(name: str) -> str:
    text = "".join(c.lower() if c.isalnum() else "_" for c in name)
    return "_".join(part for part in text.split("_") if part)


def proved_impossible(statistics: Sequence[str]) -> list[str]:
    """The proofs (:func:`microcalc.study.proofs.all_bounds`) that rule out a set of targets.

    A proof rules a set out when it is ``impossible`` and every published number it involves
    is a target of the set.

    Examples
    --------
    >>> proved_impossible(["or_strain_ratio", "or_strain_ratio_ci_low", "or_strain_ratio_ci_high"])
    ['wald_symmetry.strain_ratio']
    >>> proved_impossible(["auc_elasticity"])
    []
    """
    from microcalc.study import proofs

    keys = {_TARGETS[s][0] for s in statistics}
    table = proofs.all_bounds()
    out = []
    for row in table.itertuples():
        if row.impossible and set(row.keys.split(";")) <= keys:
            out.append(row.proof_id)
    return out


def feasibility_map(
    *, seed: int = cohort.DEFAULT_SEED, progress: Callable[[str], None] | None = None, **search
) -> tuple[pd.DataFrame, dict[str, Reconstruction]]:
    """Search every subset of :data:`FEASIBILITY_SETS`; tabulate what is proved or witnessed.

    Parameters
    ----------
    seed : int, default 2025
    progress : callable, optional
        Called with one line per subset.
    **search
        Passed to :func:`reconstruct` (``moves``, ``polish_moves``, ``restarts``...).

    Returns
    -------
    table : pandas.DataFrame
        One row per subset: ``subset``, ``slug``, ``n_targets``, ``status`` (``"witness
        found"``, ``"proved impossible"`` or ``"not found"``), ``proof``, ``targets_met``,
        ``unmet`` (the targets the best data set misses, ``;``-separated), ``best_distance``
        (printed units), ``moves``, ``strangeness``.
    witnesses : dict
        Subset name -> :class:`Reconstruction` (every subset that was searched).

    Notes
    -----
    A subset that a proof rules out is not searched. "not found" is a fact about this search,
    not about the paper.
    """
    rows, found = [], {}
    for name, stats_ in FEASIBILITY_SETS.items():
        proofs_ = proved_impossible(stats_)
        row = {"subset": name, "slug": _slug(name), "n_targets": len(stats_)}
        if proofs_:
            row.update(
                status="proved impossible",
                proof=";".join(proofs_),
                targets_met=math.nan,
                unmet="",
                best_distance=math.nan,
                moves=0,
                strangeness=math.nan,
            )
        else:
            rec = reconstruct(list(stats_), seed=seed, **search)
            found[name] = rec
            row.update(
                status="witness found" if rec.found else "not found",
                proof="",
                targets_met=int(rec.check["met"].sum()),
                unmet=";".join(rec.check.loc[~rec.check["met"], "statistic"]),
                best_distance=rec.search.best_distance,
                moves=rec.search.moves,
                strangeness=rec.search.strangeness,
            )
        rows.append(row)
        if progress is not None:
            progress(f"{name}: {row['status']}")
    return pd.DataFrame(rows), found


def write_feasibility_map(
    table: pd.DataFrame,
    witnesses: dict[str, Reconstruction],
    out_dir: str | os.PathLike,
    *,
    force: bool = False,
) -> list[Path]:
    """Write ``feasibility.csv`` and one ``map_<slug>.csv`` data set per searched subset."""
    texts = {"feasibility.csv": table.to_csv(index=False, lineterminator="\n", float_format="%.6g")}
    for name, rec in witnesses.items():
        texts[f"map_{_slug(name)}.csv"] = reconstruction_csv_text(rec)
    return cohort.write_texts(texts, Path(out_dir), force=force)
