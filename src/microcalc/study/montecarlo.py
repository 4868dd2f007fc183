"""The study run again, thousands of times: replicate studies from the cohort model.

A *replicate study* draws 150 malignant and 150 benign lesions from the cohort model in its
unmatched mode (``cohort.simulate_cohort(default_config(match_published=False), seed)``: a
plain draw from the model, with nothing forced to the published summaries) and runs the
paper's analyses on it. :func:`run_replicates` collects one row of headline numbers per
replicate (see :data:`COLUMNS`).

Three parts:

* **A lean generator** (:func:`replicate_model`, :func:`draw_replicates`). ``simulate_cohort``
  builds two full tables (about 50 ms per cohort); a replicate study needs only a few arrays.
  The generator draws, from the same model, exactly those: reference standard, Emean
  (per-histology mixture of :func:`microcalc.study.cohort.calibrate_elasticity`), strain ratio
  (log-normal with the per-pattern shift), lesion size and age (truncated normals with the
  same parent parameters), breast density C/D, calcification pattern, the final 1-5 score (the
  latent score cut at the normal quantiles of :func:`microcalc.study.cohort.score_counts_for`) and
  the two readers' scores (one reader a point off with the configured probability). The four
  latent variables share the configuration's Gaussian-copula correlation. Values are rounded
  to the decimals of ``lesions.csv``. Every configuration-dependent quantity is computed once
  in the frozen :class:`ReplicateModel`. The order of the random draws differs from
  ``simulate_cohort`` (so one seed does not give the same cohort), but the joint distribution
  of the arrays is the same; ``tests/test_montecarlo.py`` checks it against ``simulate_cohort``
  within Monte Carlo error. Histology, BI-RADS, Emax, the readers' measurements and the
  reference-standard split are not drawn: no headline number uses them.
* **Vectorised analyses** (:func:`analyse_replicates`): replicates are stacked into
  ``(R, n)`` arrays and analysed together by the stack kernels of :mod:`microcalc.stats`
  (scipy-style ``axis``): the AUCs, the paired DeLong test and the Youden cutoff by
  :func:`~microcalc.stats.roc.auc`, :func:`~microcalc.stats.roc.delong_test` and
  :func:`~microcalc.stats.roc.youden_optimum` (one sort per row); Spearman correlations by
  :func:`~microcalc.stats.compare.spearman_rho`; the batched Newton-Raphson logistic fit
  :func:`~microcalc.stats.logistic.fit_logistic_batch`; Hosmer-Lemeshow p-values by
  :func:`~microcalc.stats.logistic.hosmer_lemeshow` on the whole stack; kappa by
  :func:`~microcalc.stats.agreement.kappa_estimate`. This module defines no statistic.
* **A reference path** (:func:`analyse_replicates_reference`) that loops over the same arrays
  with the project's library calls (:func:`microcalc.stats.logistic.fit_logistic`,
  :func:`microcalc.stats.roc.auc_delong`, :func:`microcalc.stats.roc.delong_test`,
  :func:`microcalc.stats.roc.youden_cutoff`, :func:`microcalc.stats.logistic.hosmer_lemeshow`,
  :func:`microcalc.stats.agreement.cohen_kappa`, ``scipy.stats.spearmanr``). The tests show that both
  paths agree to 1e-8.

Seeds: replicate ``i`` always uses child ``i`` of ``numpy.random.SeedSequence(seed).spawn``, and
replicates are analysed in fixed chunks of ``chunk_size`` whatever the number of worker
processes, so results are identical with one or several joblib workers, and the first k
replicates of a long run are those of a k-replicate run.

References
----------
DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845 (paired AUC test).
Sun X, Xu W. IEEE Signal Processing Letters 2014;21:1389-1393 (placements from ranks).
Youden WJ. Cancer 1950;3:32-35.
Hosmer DW, Lemeshow S. Commun Stat Theory Methods 1980;9:1043-1069.
Cohen J. Educ Psychol Meas 1960;20:37-46.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import platform
import signal
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special, stats

from microcalc import safeio
from microcalc.stats import agreement, compare, logistic, roc
from microcalc.study import cohort, variables

__all__ = [
    "BYTES_PER_REPLICATE",
    "MAX_REPLICATES",
    "MEMORY_BUDGET",
    "check_replicates",
    "COLUMNS",
    "PUBLISHED_KEYS",
    "Replicates",
    "ReplicateModel",
    "analyse_replicates",
    "analyse_replicates_reference",
    "draw_replicates",
    "read_results",
    "replicate_model",
    "replicate_seeds",
    "replicate_summary",
    "results_csv_bytes",
    "results_metadata",
    "run_replicates",
    "run_replicates_reference",
    "write_results",
]

#: Columns of the result table, one row per replicate study. Percentages as the paper prints
#: them; ORs per unit of the predictor in the five-predictor model of Table 3.
COLUMNS = (
    "replicate",
    "auc_elasticity",
    "auc_strain_ratio",
    "auc_combined",
    "delong_z",
    "delong_p",
    "youden_cutoff_kpa",
    "sensitivity_62",
    "specificity_62",
    "accuracy_62",
    "or_elasticity",
    "or_strain_ratio",
    "or_age",
    "or_size",
    "or_dense",
    "hl_p",
    "kappa_score",
    "spearman_elasticity_strain_ratio",
    "spearman_elasticity_lesion_size",
    "converged",
)

#: The :mod:`microcalc.study.paper` key of the published value of each headline column.
PUBLISHED_KEYS = {
    "auc_elasticity": "roc.auc.elasticity",
    "auc_combined": "roc.auc.combined",
    "delong_p": "roc.delong.p_value",
    "youden_cutoff_kpa": "roc.cutoff_kpa",
    "sensitivity_62": "roc.sensitivity",
    "specificity_62": "roc.specificity",
    "accuracy_62": "roc.accuracy",
    "or_elasticity": "table3.elasticity_kpa.odds_ratio",
    "or_strain_ratio": "table3.strain_ratio.odds_ratio",
    "or_age": "table3.age_years.odds_ratio",
    "or_size": "table3.lesion_size_mm.odds_ratio",
    "or_dense": "table3.dense_breast.odds_ratio",
    "hl_p": "table3.hosmer_lemeshow.p_value",
    "kappa_score": "agreement.kappa",
    "spearman_elasticity_strain_ratio": "text.spearman.elasticity_strain_ratio",
    "spearman_elasticity_lesion_size": "text.spearman.elasticity_lesion_size",
}

#: Predictors of the multivariable model (Table 3) and of the two-marker model.
MULTIVARIABLE = variables.CANDIDATES
TWO_MARKER = variables.COMBINED
_OR_COLUMNS = {
    "age_years": "or_age",
    "lesion_size_mm": "or_size",
    "density_cd": "or_dense",
    "elasticity_kpa": "or_elasticity",
    "strain_ratio": "or_strain_ratio",
}
_UNIFORMS = 6  # component, density, pattern, score disagreement, which reader, which way
_NORMALS = 5  # four latent variables (elasticity, strain ratio, size, score) and age
CHUNK_SIZE = 100
CSV_NAME = "montecarlo.csv.gz"
JSON_NAME = "montecarlo.json"
FLOAT_FORMAT = "%.12g"
#: Memory one replicate holds until the results are written: its SeedSequence (about 370
#: bytes), its row of results and the copies made when chunks are joined (about 460), and its
#: line of CSV text before compression (about 500). Measured at 1.4 kB; rounded up.
BYTES_PER_REPLICATE = 2048
#: Memory a run may use for what it keeps (the working memory of a chunk is a few MB more).
MEMORY_BUDGET = 2 * 1024**3
#: The most replicates a run accepts: ``MEMORY_BUDGET // BYTES_PER_REPLICATE`` (1,048,576).
MAX_REPLICATES = MEMORY_BUDGET // BYTES_PER_REPLICATE


# ======================================================================================
# The lean generator
# ======================================================================================


def _frozen(a) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class ReplicateModel:
    """Everything configuration-dependent of the replicate generator, computed once.

    Per-position arrays have one entry per lesion position; positions ``0 .. n_malignant - 1``
    are malignant, the rest benign (a fixed order: no analysis here depends on the order).

    Attributes
    ----------
    n_malignant, n_benign : int
    malignant : numpy.ndarray
        0/1 reference standard per position.
    cholesky : numpy.ndarray
        Lower Cholesky factor of the 4 x 4 latent correlation (elasticity, strain ratio,
        lesion size, score).
    component_cdf, component_mean, component_sd : numpy.ndarray
        ``(n, K)`` cumulative weights, means and SDs of the Emean mixture components (one per
        histology and typical/atypical kind; padded with zero weight).
    dense_probability : numpy.ndarray
        Probability of breast density C or D per position.
    pattern_cdf : numpy.ndarray
        ``(n, 3)`` cumulative probabilities of clustered, scattered, sparse punctate.
    pattern_shift : numpy.ndarray
        Shift of log strain ratio per pattern (same order).
    strain_log_mean, strain_log_sd : numpy.ndarray
        Log-normal parameters of the strain ratio per position.
    size_params, age_params : numpy.ndarray
        ``(4, n)``: parent mean and SD of the truncated normal, and the normal CDF at the lower
        and upper bounds (standardised by the parent).
    score_thresholds : numpy.ndarray
        ``(n, 4)`` latent cut points of the 1-5 score.
    score_disagreement : float
        Probability that one reader scores one point away from the final score.
    cutoff_kpa : float
        The published cutoff (62 kPa).
    """

    n_malignant: int
    n_benign: int
    malignant: np.ndarray
    cholesky: np.ndarray
    component_cdf: np.ndarray
    component_mean: np.ndarray
    component_sd: np.ndarray
    dense_probability: np.ndarray
    pattern_cdf: np.ndarray
    pattern_shift: np.ndarray
    strain_log_mean: np.ndarray
    strain_log_sd: np.ndarray
    size_params: np.ndarray
    age_params: np.ndarray
    score_thresholds: np.ndarray
    score_disagreement: float
    cutoff_kpa: float

    @property
    def n(self) -> int:
        """Participants per replicate study."""
        return self.n_malignant + self.n_benign


def _truncated_params(mean, sd, low, high) -> tuple[float, float, float, float]:
    # the same parent normal as cohort._truncated_normal_from_latent
    loc, scale = cohort._truncated_parent(float(mean), float(sd), float(low), float(high))
    return (
        loc,
        scale,
        float(special.ndtr((low - loc) / scale)),
        float(special.ndtr((high - loc) / scale)),
    )


def replicate_model(config: cohort.CohortConfig | None = None) -> ReplicateModel:
    """Precompute the replicate generator of a cohort configuration.

    Parameters
    ----------
    config : CohortConfig, optional
        Default: ``cohort.default_config(match_published=False)``. The matching switch is
        ignored: replicate studies are always plain draws from the model.

    Returns
    -------
    ReplicateModel

    Examples
    --------
    >>> model = replicate_model()
    >>> model.n_malignant, model.n_benign, model.cutoff_kpa
    (150, 150, 62.0)
    """
    config = cohort.default_config(match_published=False) if config is None else config
    if not isinstance(config, cohort.CohortConfig):
        raise TypeError(f"config must be a CohortConfig, got {type(config).__name__}")
    groups = cohort.GROUPS
    sizes = [getattr(config, g).n for g in groups]
    mixtures = [cohort.calibrate_elasticity(config, g).components() for g in groups]
    k = max(w.size for w, _, _ in mixtures)
    rows = {name: [] for name in ("cdf", "mean", "sd", "dense", "pattern", "slm", "sls")}
    size_rows, age_rows, thresholds = [], [], []
    for group, n, (w, mu, sd) in zip(groups, sizes, mixtures, strict=True):
        targets: cohort.GroupTargets = getattr(config, group)
        pad = k - w.size
        cdf = np.cumsum(np.concatenate([w, np.zeros(pad)]) / w.sum())
        cdf[-1] = 1.0
        rows["cdf"].append(np.tile(cdf, (n, 1)))
        rows["mean"].append(np.tile(np.concatenate([mu, np.full(pad, mu[-1])]), (n, 1)))
        rows["sd"].append(np.tile(np.concatenate([sd, np.full(pad, sd[-1])]), (n, 1)))
        density = targets.breast_density
        rows["dense"].append(np.full(n, (density.get("C", 0) + density.get("D", 0)) / n))
        pattern = np.array([targets.calcification_pattern.get(p, 0) for p in cohort.PATTERNS])
        pattern_cdf = np.cumsum(pattern / n)
        pattern_cdf[-1] = 1.0
        rows["pattern"].append(np.tile(pattern_cdf, (n, 1)))
        sr_mean, sr_sd = targets.strain_ratio
        log_sd = math.sqrt(math.log1p((sr_sd / sr_mean) ** 2))
        rows["slm"].append(np.full(n, math.log(sr_mean) - log_sd**2 / 2))
        rows["sls"].append(np.full(n, log_sd))
        size_rows.append(
            np.tile(_truncated_params(*targets.lesion_size_mm, *config.size_bounds_mm), (n, 1))
        )
        age_rows.append(
            np.tile(_truncated_params(*targets.age_years, *config.age_bounds_years), (n, 1))
        )
        counts = cohort.score_counts_for(*targets.elasticity_score, n)
        cumulative = np.cumsum([counts[s] for s in cohort.SCORES])[:-1] / n
        thresholds.append(np.tile(stats.norm.ppf(cumulative), (n, 1)))
    return ReplicateModel(
        n_malignant=int(sizes[0]),
        n_benign=int(sizes[1]),
        malignant=_frozen(np.repeat([1, 0], sizes).astype(np.int64)),
        cholesky=_frozen(np.linalg.cholesky(np.asarray(config.latent_correlation, dtype=float))),
        component_cdf=_frozen(np.vstack(rows["cdf"])),
        component_mean=_frozen(np.vstack(rows["mean"])),
        component_sd=_frozen(np.vstack(rows["sd"])),
        dense_probability=_frozen(np.concatenate(rows["dense"])),
        pattern_cdf=_frozen(np.vstack(rows["pattern"])),
        pattern_shift=_frozen([config.strain_ratio_pattern_shift[p] for p in cohort.PATTERNS]),
        strain_log_mean=_frozen(np.concatenate(rows["slm"])),
        strain_log_sd=_frozen(np.concatenate(rows["sls"])),
        size_params=_frozen(np.vstack(size_rows).T),
        age_params=_frozen(np.vstack(age_rows).T),
        score_thresholds=_frozen(np.vstack(thresholds)),
        score_disagreement=float(config.readers.score_disagreement),
        cutoff_kpa=float(config.cutoff_kpa),
    )


@dataclass(frozen=True, eq=False)
class Replicates:
    """The arrays of R replicate studies, one row per replicate.

    Attributes
    ----------
    index : numpy.ndarray
        Replicate numbers (``(R,)``), the position of each replicate's seed among the spawned
        children.
    malignant : numpy.ndarray
        ``(n,)`` 0/1, the same for every replicate (fixed group sizes).
    elasticity_kpa, strain_ratio, age_years, lesion_size_mm : numpy.ndarray
        ``(R, n)`` floats, rounded like ``lesions.csv``.
    density_cd : numpy.ndarray
        ``(R, n)`` 1.0 for breast density C or D, 0.0 for A or B.
    pattern : numpy.ndarray
        ``(R, n)`` calcification pattern as codes 0, 1, 2 (clustered, scattered, sparse
        punctate).
    elasticity_score, reader1_score, reader2_score : numpy.ndarray
        ``(R, n)`` integers 1-5.
    """

    index: np.ndarray
    malignant: np.ndarray
    elasticity_kpa: np.ndarray
    strain_ratio: np.ndarray
    age_years: np.ndarray
    lesion_size_mm: np.ndarray
    density_cd: np.ndarray
    pattern: np.ndarray
    elasticity_score: np.ndarray
    reader1_score: np.ndarray
    reader2_score: np.ndarray

    def __len__(self) -> int:
        return int(self.index.size)

    def lesions(self, row: int) -> pd.DataFrame:
        """Replicate ``row`` as a lesion table (the data dictionary's columns it has).

        Examples
        --------
        >>> reps = draw_replicates(replicate_model(), replicate_seeds(1, 2))
        >>> reps.lesions(0).shape
        (300, 10)
        """
        return pd.DataFrame(
            {
                "malignant": self.malignant,
                "age_years": self.age_years[row],
                "lesion_size_mm": self.lesion_size_mm[row],
                "density_cd": self.density_cd[row],
                "calcification_pattern": np.asarray(cohort.PATTERNS)[self.pattern[row]],
                "elasticity_kpa": self.elasticity_kpa[row],
                "strain_ratio": self.strain_ratio[row],
                "elasticity_score": self.elasticity_score[row],
                "reader1_score": self.reader1_score[row],
                "reader2_score": self.reader2_score[row],
            }
        )


def replicate_seeds(seed: int, n_replicates: int) -> list[np.random.SeedSequence]:
    """Child seeds of replicate studies: ``SeedSequence(seed).spawn(n_replicates)``.

    Examples
    --------
    >>> [s.spawn_key for s in replicate_seeds(2025, 2)]
    [(0,), (1,)]
    """
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if (
        isinstance(n_replicates, (bool, np.bool_))
        or not isinstance(n_replicates, (int, np.integer))
        or n_replicates < 1
    ):
        raise ValueError(f"n_replicates must be a positive integer, got {n_replicates!r}")
    check_replicates(int(n_replicates))
    return np.random.SeedSequence(int(seed)).spawn(int(n_replicates))


def check_replicates(n_replicates: int, name: str = "n_replicates") -> int:
    """Refuse more replicates than :data:`MAX_REPLICATES`, saying how much memory they need.

    Examples
    --------
    >>> check_replicates(10_000)
    10000
    >>> check_replicates(10**12)
    Traceback (most recent call last):
    ...
    ValueError: n_replicates must be at most 1048576: each replicate holds about 2048 bytes until the results are written, so 1000000000000 replicates would need about 1862.6 TiB; the limit keeps a run within 2 GiB
    """
    if n_replicates > MAX_REPLICATES:
        need = n_replicates * BYTES_PER_REPLICATE
        units = [("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2)]
        unit, size = next((u, v) for u, v in units if need >= v or u == "MiB")
        raise ValueError(
            f"{name} must be at most {MAX_REPLICATES}: each replicate holds about "
            f"{BYTES_PER_REPLICATE} bytes until the results are written, so {n_replicates} "
            f"replicates would need about {need / size:.1f} {unit}; the limit keeps a run within "
            f"{MEMORY_BUDGET // 1024**3} GiB"
        )
    return n_replicates


def _truncated(z: np.ndarray, params: np.ndarray) -> np.ndarray:
    """Quantile transform of latent normals to the truncated normal (per position)."""
    loc, scale, f_low, f_high = params
    return loc + scale * special.ndtri(f_low + special.ndtr(z) * (f_high - f_low))


def draw_replicates(
    model: ReplicateModel,
    seeds: Sequence[np.random.SeedSequence],
    *,
    index: Sequence[int] | None = None,
) -> Replicates:
    """Draw replicate studies, one ``numpy.random.Generator`` per seed.

    Each replicate's generator makes two calls (uniforms, then normals); everything else is
    a deterministic, vectorised transform of those draws, so a replicate's arrays depend on its
    seed only.

    Parameters
    ----------
    model : ReplicateModel
    seeds : sequence of SeedSequence
        One per replicate (see :func:`replicate_seeds`).
    index : sequence of int, optional
        Replicate numbers to record (default ``0 .. len(seeds) - 1``).

    Returns
    -------
    Replicates

    Examples
    --------
    >>> reps = draw_replicates(replicate_model(), replicate_seeds(7, 3))
    >>> reps.elasticity_kpa.shape
    (3, 300)
    """
    if not isinstance(model, ReplicateModel):
        raise TypeError(f"model must be a ReplicateModel, got {type(model).__name__}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty; give at least one SeedSequence")
    n = model.n
    r = len(seeds)
    uniforms = np.empty((r, _UNIFORMS, n))
    normals = np.empty((r, _NORMALS, n))
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        uniforms[i] = rng.random((_UNIFORMS, n))
        normals[i] = rng.standard_normal((_NORMALS, n))
    latent = model.cholesky @ normals[:, :4, :]  # (R, 4, n), within-group copula
    z_e, z_s, z_size, z_score = latent[:, 0], latent[:, 1], latent[:, 2], latent[:, 3]
    k = model.component_cdf.shape[1]
    component = (uniforms[:, 0, :, None] >= model.component_cdf[None, :, :-1]).sum(axis=-1)
    flat = np.arange(n) * k + component
    mean = model.component_mean.ravel()[flat]
    sd = model.component_sd.ravel()[flat]
    elasticity = np.maximum(mean + sd * z_e, 1.0)
    pattern = (uniforms[:, 2, :, None] >= model.pattern_cdf[None, :, :-1]).sum(axis=-1)
    strain = np.exp(
        model.strain_log_mean + model.pattern_shift[pattern] + model.strain_log_sd * z_s
    )
    size = _truncated(z_size, model.size_params)
    age = _truncated(normals[:, 4], model.age_params)
    score = 1 + (model.score_thresholds[None] < z_score[..., None]).sum(axis=-1)
    off = uniforms[:, 3] < model.score_disagreement
    which = np.where(uniforms[:, 4] < 0.5, 1, 2)
    step = np.where(uniforms[:, 5] < 0.5, -1, 1)
    step = np.where((score + step < 1) | (score + step > 5), -step, step)
    decimals = cohort.LESION_DECIMALS
    return Replicates(
        index=_frozen(np.arange(r) if index is None else np.asarray(index, dtype=np.int64)),
        malignant=model.malignant,
        elasticity_kpa=np.round(elasticity, decimals["elasticity_kpa"]),
        strain_ratio=np.round(strain, decimals["strain_ratio"]),
        age_years=np.round(age, decimals["age_years"]),
        lesion_size_mm=np.round(size, decimals["lesion_size_mm"]),
        density_cd=(uniforms[:, 1] < model.dense_probability).astype(float),
        pattern=pattern.astype(np.int64),
        elasticity_score=score.astype(np.int64),
        reader1_score=np.where(off & (which == 1), score + step, score).astype(np.int64),
        reader2_score=np.where(off & (which == 2), score + step, score).astype(np.int64),
    )


# ======================================================================================
# Vectorised analyses
# ======================================================================================


def _predictor_stack(reps: Replicates, names: Sequence[str]) -> np.ndarray:
    return np.stack([getattr(reps, name) for name in names], axis=2)


def analyse_replicates(reps: Replicates) -> pd.DataFrame:
    """Every headline number of each replicate study, vectorised across replicates.

    Parameters
    ----------
    reps : Replicates

    Returns
    -------
    pandas.DataFrame
        One row per replicate, columns :data:`COLUMNS`:

        * ``auc_elasticity``, ``auc_strain_ratio``: Mann-Whitney AUCs (ties count one half);
        * ``auc_combined``: AUC of the fitted probability of the two-marker logistic model
          (elasticity + strain ratio), fitted and evaluated on the same replicate as the paper
          does;
        * ``delong_z``, ``delong_p``: paired DeLong test of combined minus elasticity,
          two-sided;
        * ``youden_cutoff_kpa``: Youden-optimal Emean cutoff (observed values, positive if
          ``>= t``, lowest cutoff on ties);
        * ``sensitivity_62``, ``specificity_62``, ``accuracy_62``: percent at the published
          cutoff;
        * ``or_*``: odds ratios per unit of the five-predictor model of Table 3 (age, size,
          density C/D, elasticity, strain ratio);
        * ``hl_p``: Hosmer-Lemeshow p (g = 10) of the two-marker model;
        * ``kappa_score``: unweighted Cohen's kappa of the readers' 1-5 scores;
        * ``spearman_*``: Spearman's rho, both groups pooled;
        * ``converged``: both logistic fits exist (no separation) and converged. Where not,
          the numbers that depend on a failed fit are NaN.

    Examples
    --------
    >>> reps = draw_replicates(replicate_model(), replicate_seeds(3, 4))
    >>> analyse_replicates(reps)[["auc_elasticity", "converged"]].shape
    (4, 2)
    """
    y = reps.malignant
    e = reps.elasticity_kpa
    multi = logistic.fit_logistic_batch(_predictor_stack(reps, MULTIVARIABLE), y)
    two = logistic.fit_logistic_batch(_predictor_stack(reps, TWO_MARKER), y)
    two_fitted = two.fitted
    combined = np.where(two.converged[:, None], two_fitted, 0.0)
    delong = roc.delong_test(y, combined, e)
    auc_c, auc_e, z, p = delong.auc1, delong.auc2, delong.statistic, delong.p_value
    auc_c = np.where(two.converged, auc_c, np.nan)
    z = np.where(two.converged, z, np.nan)
    p = np.where(two.converged, p, np.nan)
    hl = np.full(len(reps), np.nan)
    if two.converged.any():
        hl[two.converged] = logistic.hosmer_lemeshow(
            y, two_fitted[two.converged], groups=10, with_table=False
        ).p_value
    call = e >= 62.0
    sens = 100 * call[:, y == 1].mean(axis=1)
    spec = 100 * (~call[:, y == 0]).mean(axis=1)
    acc = 100 * (call == (y == 1)).mean(axis=1)
    out = {
        "replicate": reps.index.astype(np.int64),
        "auc_elasticity": auc_e,
        "auc_strain_ratio": roc.auc(y, reps.strain_ratio),
        "auc_combined": auc_c,
        "delong_z": z,
        "delong_p": p,
        "youden_cutoff_kpa": roc.youden_optimum(y, e).cutoff,
        "sensitivity_62": sens,
        "specificity_62": spec,
        "accuracy_62": acc,
    }
    odds = np.where(multi.converged[:, None], np.exp(multi.coefficients[:, 1:]), np.nan)
    for j, name in enumerate(MULTIVARIABLE):
        out[_OR_COLUMNS[name]] = odds[:, j]
    out["hl_p"] = hl
    out["kappa_score"] = agreement.kappa_estimate(
        reps.reader1_score, reps.reader2_score, categories=range(1, 6)
    )
    out["spearman_elasticity_strain_ratio"] = compare.spearman_rho(e, reps.strain_ratio)
    out["spearman_elasticity_lesion_size"] = compare.spearman_rho(e, reps.lesion_size_mm)
    out["converged"] = multi.converged & two.converged
    return pd.DataFrame({column: out[column] for column in COLUMNS})


def analyse_replicates_reference(reps: Replicates) -> pd.DataFrame:
    """The same numbers as :func:`analyse_replicates`, one replicate at a time with library calls.

    The straightforward path, kept as the oracle of the tests and the baseline of the
    benchmark: :func:`microcalc.stats.logistic.fit_logistic` (statsmodels GLM, exact separation
    check) for both models, :func:`microcalc.stats.roc.auc_delong`, :func:`microcalc.stats.roc.delong_test`,
    :func:`microcalc.stats.roc.youden_cutoff` (``convention="observed", ties="lowest"``),
    :func:`microcalc.stats.logistic.hosmer_lemeshow`, :func:`microcalc.stats.agreement.cohen_kappa` and
    ``scipy.stats.spearmanr``.

    Examples
    --------
    >>> reps = draw_replicates(replicate_model(), replicate_seeds(3, 1))
    >>> float(analyse_replicates_reference(reps)["kappa_score"].round(6).iloc[0]) == float(
    ...     analyse_replicates(reps)["kappa_score"].round(6).iloc[0])
    True
    """
    from microcalc.stats import agreement

    rows = []
    for row in range(len(reps)):
        table = reps.lesions(row)
        y = table["malignant"].to_numpy()
        e = table["elasticity_kpa"].to_numpy()
        out = {c: math.nan for c in COLUMNS}
        out["replicate"] = int(reps.index[row])
        fits = {}
        for label, predictors in (("multi", MULTIVARIABLE), ("two", TWO_MARKER)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    fit = logistic.fit_logistic(
                        table, predictors=predictors, outcome=variables.OUTCOME, profile=False
                    )
                fits[label] = fit if fit.converged else None
            except ValueError:  # separation: the MLE does not exist
                fits[label] = None
        out["auc_elasticity"] = roc.auc_delong(y, e).estimate
        out["auc_strain_ratio"] = roc.auc_delong(y, table["strain_ratio"]).estimate
        if fits["two"] is not None:
            combined = fits["two"].fitted
            test = roc.delong_test(y, combined, e, names=("combined", "elasticity"))
            out["auc_combined"] = roc.auc_delong(y, combined).estimate
            out["delong_z"], out["delong_p"] = test.statistic, test.p_value
            try:
                out["hl_p"] = logistic.hosmer_lemeshow(y, combined, groups=10).p_value
            except ValueError:
                pass
        out["youden_cutoff_kpa"] = roc.youden_cutoff(
            y, e, convention="observed", ties="lowest"
        ).cutoff
        call = e >= 62.0
        out["sensitivity_62"] = 100 * call[y == 1].mean()
        out["specificity_62"] = 100 * (~call[y == 0]).mean()
        out["accuracy_62"] = 100 * (call == (y == 1)).mean()
        if fits["multi"] is not None:
            odds = fits["multi"].coefficients.set_index("term")["odds_ratio"]
            for name in MULTIVARIABLE:
                out[_OR_COLUMNS[name]] = float(odds[name])
        out["kappa_score"] = agreement.cohen_kappa(
            table["reader1_score"], table["reader2_score"], categories=range(1, 6)
        ).estimate
        out["spearman_elasticity_strain_ratio"] = stats.spearmanr(
            e, table["strain_ratio"]
        ).statistic
        out["spearman_elasticity_lesion_size"] = stats.spearmanr(
            e, table["lesion_size_mm"]
        ).statistic
        out["converged"] = fits["multi"] is not None and fits["two"] is not None
        rows.append(out)
    frame = pd.DataFrame(rows).loc[:, list(COLUMNS)]
    frame["replicate"] = frame["replicate"].astype(np.int64)
    frame["converged"] = frame["converged"].astype(bool)
    return frame


# ======================================================================================
# Running many replicates
# ======================================================================================


def _run_chunk(model: ReplicateModel, seeds, start: int) -> pd.DataFrame:
    index = np.arange(start, start + len(seeds))
    return analyse_replicates(draw_replicates(model, seeds, index=index))


def _exit_quietly(signum, frame) -> None:  # pragma: no cover - runs in a worker process
    os._exit(128 + signum)


def _run_chunk_in_worker(model: ReplicateModel, seeds, start: int) -> pd.DataFrame:
    """:func:`_run_chunk` in a worker process, which Ctrl-C ends without a traceback.

    A terminal sends SIGINT to the whole process group: the parent reports ``error:
    interrupted``; a worker, from its first chunk on, just exits (Python's default would print
    a KeyboardInterrupt traceback for a worker caught between two chunks).
    """
    signal.signal(signal.SIGINT, _exit_quietly)
    return _run_chunk(model, seeds, start)


def run_replicates(
    n_replicates: int,
    *,
    seed: int = cohort.DEFAULT_SEED,
    config: cohort.CohortConfig | None = None,
    jobs: int = 1,
    chunk_size: int = CHUNK_SIZE,
    progress: bool = False,
) -> pd.DataFrame:
    """Run ``n_replicates`` replicate studies and collect their headline numbers.

    Parameters
    ----------
    n_replicates : int
        Number of replicate studies.
    seed : int, default 2025
        Root seed; replicate ``i`` uses child ``i`` of ``SeedSequence(seed).spawn``.
    config : CohortConfig, optional
        Default ``cohort.default_config(match_published=False)``.
    jobs : int, default 1
        Worker processes (joblib, loky backend). The result does not depend on it.
    chunk_size : int, default 100
        Replicates analysed together. Chunks are always ``[0, c), [c, 2c), ...`` whatever
        ``jobs`` is, so each replicate is computed in the same array layout.
    progress : bool, default False
        Show a tqdm progress bar over chunks (on standard error).

    Returns
    -------
    pandas.DataFrame
        One row per replicate, columns :data:`COLUMNS` (see :func:`analyse_replicates`).

    Examples
    --------
    >>> results = run_replicates(5, seed=1)
    >>> results["replicate"].tolist()
    [0, 1, 2, 3, 4]
    """
    from joblib import Parallel, delayed
    from tqdm import tqdm

    for name, value in (("jobs", jobs), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    seeds = replicate_seeds(seed, n_replicates)
    model = replicate_model(config)
    starts = range(0, len(seeds), chunk_size)
    tasks = (delayed(_run_chunk_in_worker)(model, seeds[s : s + chunk_size], s) for s in starts)
    with tqdm(
        total=len(starts), disable=not progress, unit="chunk", desc="replicate studies"
    ) as bar:
        parts = []
        if jobs == 1:
            for s in starts:
                parts.append(_run_chunk(model, seeds[s : s + chunk_size], s))
                bar.update()
        else:
            runner = Parallel(n_jobs=int(jobs), backend="loky", return_as="generator")
            for part in runner(tasks):
                parts.append(part)
                bar.update()
    return pd.concat(parts, ignore_index=True)


def run_replicates_reference(
    n_replicates: int,
    *,
    seed: int = cohort.DEFAULT_SEED,
    config: cohort.CohortConfig | None = None,
) -> pd.DataFrame:
    """The straightforward loop: the same replicates as :func:`run_replicates`, library calls.

    Examples
    --------
    >>> run_replicates_reference(2, seed=1)["replicate"].tolist()
    [0, 1]
    """
    reps = draw_replicates(replicate_model(config), replicate_seeds(seed, n_replicates))
    return analyse_replicates_reference(reps)


# ======================================================================================
# Summaries for the chapter
# ======================================================================================


def replicate_summary(
    results: pd.DataFrame,
    published: dict[str, float] | None = None,
    *,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sampling distribution of each headline number: centre, spread, 95% range.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`run_replicates` (or :func:`read_results`).
    published : dict, optional
        Published value per column; adds ``published``, ``published_quantile`` (share of
        replicates below the published value) and ``inside`` (published value within the
        2.5-97.5% range).
    columns : sequence of str, optional
        Default: every numeric headline column present in ``results``.

    Returns
    -------
    pandas.DataFrame
        Indexed by column: ``n`` (replicates with a value), ``mean``, ``sd``, ``q025``,
        ``median``, ``q975``, and the published columns when given.

    Examples
    --------
    >>> results = pd.DataFrame({"auc_elasticity": [0.95, 0.96, 0.97, 0.98]})
    >>> replicate_summary(results, {"auc_elasticity": 0.96})["inside"].tolist()
    [True]
    """
    if columns is None:
        columns = [c for c in COLUMNS if c not in ("replicate", "converged") and c in results]
    columns = list(columns)
    rows = []
    for column in columns:
        if column not in results:
            raise ValueError(f"results has no column {column!r}")
        x = results[column].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        row = {
            "n": int(x.size),
            "mean": float(x.mean()) if x.size else math.nan,
            "sd": float(x.std(ddof=1)) if x.size > 1 else math.nan,
            "q025": float(np.quantile(x, 0.025)) if x.size else math.nan,
            "median": float(np.median(x)) if x.size else math.nan,
            "q975": float(np.quantile(x, 0.975)) if x.size else math.nan,
        }
        if published is not None and column in published:
            value = float(published[column])
            row["published"] = value
            row["published_quantile"] = float(np.mean(x < value)) if x.size else math.nan
            row["inside"] = bool(row["q025"] <= value <= row["q975"])
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(columns, name="quantity"))


# ======================================================================================
# Stored results
# ======================================================================================


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("microcalc", "numpy", "scipy", "pandas", "statsmodels", "joblib"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[package] = "unknown"
    return out


def results_csv_bytes(results: pd.DataFrame) -> bytes:
    """The exact bytes of ``montecarlo.csv.gz``: fixed float format, gzip with mtime 0.

    Examples
    --------
    >>> frame = run_replicates(2, seed=1)
    >>> results_csv_bytes(frame) == results_csv_bytes(frame)
    True
    """
    missing = [c for c in COLUMNS if c not in results]
    if missing:
        raise ValueError(f"results lacks the columns {missing}")
    frame = results.loc[:, list(COLUMNS)].copy()
    frame["converged"] = frame["converged"].map({True: "true", False: "false"})
    text = frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def results_metadata(results: pd.DataFrame, *, seed: int, chunk_size: int = CHUNK_SIZE) -> dict:
    """What ``montecarlo.json`` records: seed, replicate count, model, package versions."""
    return {
        "description": "Replicate studies of the cohort model (unmatched mode); one row per "
        "replicate in montecarlo.csv.gz. Written by `python -m microcalc montecarlo`.",
        "seed": int(seed),
        "n_replicates": len(results),
        "seeding": "replicate i uses numpy.random.SeedSequence(seed).spawn(n_replicates)[i]",
        "chunk_size": int(chunk_size),
        "config": "microcalc.study.cohort.default_config(match_published=False)",
        "n_converged": int(results["converged"].sum()),
        "columns": list(COLUMNS),
        "float_format": FLOAT_FORMAT,
        "versions": _versions(),
    }


def write_results(
    results: pd.DataFrame,
    out_dir: str | os.PathLike,
    *,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
    force: bool = False,
) -> list[Path]:
    """Write ``montecarlo.csv.gz`` and ``montecarlo.json`` as one unit.

    With :func:`microcalc.safeio.write_files`: after a kill or an I/O error at any point the
    folder holds both old files or both new ones, never one of each; files have mode 0644.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`run_replicates`.
    out_dir : path
        Created if missing.
    seed : int
        The root seed the results were run with (recorded).
    chunk_size : int
        Recorded.
    force : bool, default False
        Overwrite existing files; otherwise ``FileExistsError``.

    Returns
    -------
    list of Path
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a directory, but {str(out)!r} is a file")
    payload = {
        CSV_NAME: results_csv_bytes(results),
        JSON_NAME: (
            json.dumps(
                results_metadata(results, seed=seed, chunk_size=chunk_size),
                indent=2,
                sort_keys=True,
            )
            + "\n"
        ).encode("utf-8"),
    }
    existing = [str(out / name) for name in payload if (out / name).exists()]
    if existing and not force:
        raise FileExistsError(f"{', '.join(existing)} exist(s); pass --force to overwrite")
    return safeio.write_files(out, payload, force=force)


def read_results(data_dir: str | os.PathLike) -> tuple[pd.DataFrame, dict]:
    """Read stored results and their metadata from a folder.

    A write of the pair that a kill interrupted is finished first
    (:func:`microcalc.safeio.recover`). A missing, truncated or unreadable file, or a pair whose
    replicate counts disagree, raises a ``ValueError`` that names the file.

    Returns
    -------
    (pandas.DataFrame, dict)
        The table (``converged`` as bool) and the parsed ``montecarlo.json``.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise ValueError(f"data folder {str(folder)!r} does not exist or is not a folder")
    safeio.recover(folder, (CSV_NAME, JSON_NAME))  # finish a write that a kill interrupted
    csv_path, json_path = folder / CSV_NAME, folder / JSON_NAME
    for path in (csv_path, json_path):
        if not path.is_file():
            raise ValueError(f"stored Monte Carlo results: {str(path)!r} does not exist")
    try:
        frame = pd.read_csv(csv_path, dtype={"converged": str})
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as error:
        message = " ".join(str(error).split()) or type(error).__name__
        raise ValueError(
            f"cannot read {str(csv_path)!r} (truncated or not a gzip CSV?): {message}"
        ) from None
    try:
        with open(json_path, encoding="utf-8") as stream:
            meta = json.load(stream)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"cannot read {str(json_path)!r}: {error}") from None
    missing = [c for c in COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"{str(csv_path)!r} lacks the columns {', '.join(missing)}")
    if not isinstance(meta, dict) or meta.get("n_replicates") != len(frame):
        expected = meta.get("n_replicates") if isinstance(meta, dict) else None
        raise ValueError(
            f"{str(csv_path)!r} holds {len(frame)} replicates but {str(json_path)!r} records "
            f"{expected!r}; the two files do not belong together"
        )
    converged = frame["converged"].map({"true": True, "false": False})
    if converged.isna().any():
        row = int(converged.isna().to_numpy().argmax())
        raise ValueError(
            f"{str(csv_path)!r}, column 'converged', row {row + 1}: "
            f"{frame['converged'].iloc[row]!r} is not true or false"
        )
    frame["converged"] = converged.astype(bool)
    return frame, meta
