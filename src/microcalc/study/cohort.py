"""Simulate a cohort calibrated to everything the study reports.

The study's data were never published, so the book analyses a simulated cohort.
:func:`simulate_cohort` turns a validated :class:`CohortConfig` and a seed into the
two tables of the data dictionary (``data/README.md``): one row per participant
(*lesions*) and one row per acquisition (*measurements*).

The generative model, in order (each step is one short function below):

1. **Categorical rows of Table 1** (histology, breast density, BI-RADS, calcification
   pattern) are allocated with the exact published counts in each group, then assigned
   to participants at random. The reference standard of benign lesions (histology or
   12-month follow-up) is allocated the same way from a configured share.
2. **A latent Gaussian vector** per participant (elasticity, strain ratio, lesion size,
   elasticity score) with a within-group correlation matrix carries the dependence
   between the measurements (Gaussian copula).
3. **Elasticity (Emean, kPa)** follows a per-histology mixture: a *typical* component
   whose mean depends on the subtype (invasive carcinoma stiffer than DCIS; the benign
   subtypes close together) and an *atypical* component (soft malignant lesions such as
   low-grade DCIS, stiff benign lesions such as fibrotic change) whose share depends on
   the subtype. Three free parameters per group are solved so that the model's group
   mean, SD and share of lesions at or above the cutoff equal the published ones
   (:func:`calibrate_elasticity`).
4. **Strain ratio** is log-normal with a per-pattern shift (clustered > scattered > sparse
   punctate), **lesion size** and **age** are truncated normals, and the **1-5 score** is
   the latent score cut into five ordered categories.
5. **Matching the published summary** (``match_published=True``, the default): every
   continuous variable is mapped by an increasing affine map so that its group mean and
   SD equal the published ones exactly; elasticity uses a *hinged* increasing map whose
   hinge sits between the m-th and (m+1)-th smallest value and lands on the cutoff, so
   that exactly the published number of lesions falls on each side of 62 kPa. The score
   categories are allocated by rank with counts that reproduce the published mean and SD.
   With ``match_published=False`` these steps are skipped: the cohort is then a plain draw
   from the model, as a replicate study would be (used by the Monte Carlo chapters).
6. **Readers.** The final values are the readers' average (or the third reader's value
   where the two readers differ by more than 20%). Each reader's value is the final value
   times a relative error; each reader's three acquisitions scatter around the reader's
   value and average to it exactly. One reader's score differs from the final score by one
   point with a configured probability (the final score is the one the third reader chose).

Because sums and differences of independent normal errors are independent, drawing the
final value first and the reader differences around it is the same model as drawing a
true value and two noisy readings of it.

References
----------
Yan J, Fang S. BMC Medical Imaging 2025 (the study that is re-analysed).
Nelsen RB. *An Introduction to Copulas*, 2nd ed. Springer, 2006 (Gaussian copula).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from microcalc import safeio
from microcalc.study import paper

__all__ = [
    "Cohort",
    "CohortConfig",
    "DEFAULT_SEED",
    "ElasticityMixture",
    "ElasticitySampler",
    "GroupTargets",
    "ReaderModel",
    "calibrate_elasticity",
    "default_config",
    "elasticity_sampler",
    "score_counts_for",
    "simulate_cohort",
    "write_cohort",
]

DEFAULT_SEED = 2025
GROUPS = ("malignant", "benign")
HISTOLOGY = {
    "malignant": ("dcis", "invasive_carcinoma"),
    "benign": ("fibroadenoma", "fibrocystic_change", "benign_calcification"),
}
DENSITIES = ("A", "B", "C", "D")
BIRADS = (3, 4, 5)
PATTERNS = ("clustered", "scattered", "sparse_punctate")
SCORES = (1, 2, 3, 4, 5)
LATENT = ("elasticity", "strain_ratio", "lesion_size", "score")

# Decimals written to the CSV files (and applied in memory, so both agree).
LESION_DECIMALS = {
    "age_years": 1,
    "lesion_size_mm": 1,
    "elasticity_kpa": 2,
    "elasticity_max_kpa": 2,
    "strain_ratio": 3,
    "reader1_elasticity_kpa": 2,
    "reader2_elasticity_kpa": 2,
    "reader3_elasticity_kpa": 2,
    "reader1_strain_ratio": 3,
    "reader2_strain_ratio": 3,
    "reader3_strain_ratio": 3,
}
MEASUREMENT_DECIMALS = {"emean_kpa": 2, "emax_kpa": 2, "strain_ratio": 3}


# ======================================================================================
# Configuration
# ======================================================================================


def _check_counts(name: str, counts: Mapping, allowed, n: int) -> None:
    for level, count in counts.items():
        if level not in allowed:
            raise ValueError(f"{name}: unknown level {level!r}; allowed are {list(allowed)}")
        if not isinstance(count, (int, np.integer)) or count < 0:
            raise ValueError(f"{name}[{level!r}] must be a non-negative integer, got {count!r}")
    total = sum(counts.values())
    if total != n:
        raise ValueError(f"{name}: counts add up to {total}, not to the group size {n}")


def _check_positive(name: str, x: float) -> None:
    if not (isinstance(x, (int, float)) and math.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be a positive finite number, got {x!r}")


def _check_probability(name: str, p: float) -> None:
    if not (isinstance(p, (int, float)) and 0 <= p <= 1):
        raise ValueError(f"{name} must be a proportion in [0, 1], got {p!r}")


@dataclass(frozen=True)
class GroupTargets:
    """What the paper reports for one group, as the simulation's targets.

    Attributes
    ----------
    n : int
        Group size.
    histology, breast_density, birads, calcification_pattern : mapping
        Published counts per level (Table 1).
    age_years, lesion_size_mm, elasticity_kpa, strain_ratio : tuple of float
        Published (mean, SD) (Tables 1 and 2).
    elasticity_score : tuple of float
        Published (mean, SD) of the 1-5 score (Table 2).
    n_at_or_above_cutoff : int
        Lesions with elasticity at or above the cutoff: true positives for the malignant
        group (sensitivity x n), false positives for the benign group ((1 - specificity) x n).
    follow_up_share : float
        Share of lesions whose reference standard is 12-month follow-up (benign only;
        the paper does not report it).
    """

    n: int
    histology: Mapping[str, int]
    breast_density: Mapping[str, int]
    birads: Mapping[int, int]
    calcification_pattern: Mapping[str, int]
    age_years: tuple[float, float]
    lesion_size_mm: tuple[float, float]
    elasticity_kpa: tuple[float, float]
    strain_ratio: tuple[float, float]
    elasticity_score: tuple[float, float]
    n_at_or_above_cutoff: int
    follow_up_share: float = 0.0

    def validate(self, group: str) -> None:
        """Raise ``ValueError`` naming the field if the targets are impossible."""
        if not isinstance(self.n, (int, np.integer)) or self.n < 2:
            raise ValueError(f"{group}.n must be an integer of at least 2, got {self.n!r}")
        _check_counts(f"{group}.histology", self.histology, HISTOLOGY[group], self.n)
        _check_counts(f"{group}.breast_density", self.breast_density, DENSITIES, self.n)
        _check_counts(f"{group}.birads", self.birads, BIRADS, self.n)
        _check_counts(
            f"{group}.calcification_pattern", self.calcification_pattern, PATTERNS, self.n
        )
        for name in (
            "age_years",
            "lesion_size_mm",
            "elasticity_kpa",
            "strain_ratio",
            "elasticity_score",
        ):
            mean, sd = getattr(self, name)
            _check_positive(f"{group}.{name} mean", mean)
            _check_positive(f"{group}.{name} SD", sd)
        score_mean = self.elasticity_score[0]
        if not 1 <= score_mean <= 5:
            raise ValueError(f"{group}.elasticity_score mean must lie in [1, 5], got {score_mean}")
        if not 0 <= self.n_at_or_above_cutoff <= self.n:
            raise ValueError(
                f"{group}.n_at_or_above_cutoff must lie in [0, {self.n}], "
                f"got {self.n_at_or_above_cutoff!r}"
            )
        _check_probability(f"{group}.follow_up_share", self.follow_up_share)


@dataclass(frozen=True)
class ElasticityMixture:
    """Structure of the per-histology elasticity mixture (the part not solved for).

    Attributes
    ----------
    atypical_share : mapping
        Probability that a lesion of each histology is *atypical*: soft for malignant
        subtypes, stiff for benign ones.
    typical_offset_kpa : mapping
        Offset of each subtype's typical mean from its group's base mean (kPa).
    atypical_sd_kpa : mapping
        SD of the atypical component per group (kPa).
    """

    atypical_share: Mapping[str, float] = field(
        default_factory=lambda: {
            "dcis": 0.20,
            "invasive_carcinoma": 0.06,
            "fibroadenoma": 0.10,
            "fibrocystic_change": 0.20,
            "benign_calcification": 0.20,
        }
    )
    typical_offset_kpa: Mapping[str, float] = field(
        default_factory=lambda: {
            "dcis": 0.0,
            "invasive_carcinoma": 6.0,
            "fibroadenoma": -1.0,
            "fibrocystic_change": 0.0,
            "benign_calcification": 1.5,
        }
    )
    atypical_sd_kpa: Mapping[str, float] = field(
        default_factory=lambda: {"malignant": 8.0, "benign": 3.0}
    )

    def validate(self) -> None:
        """Raise ``ValueError`` naming the field if a value is impossible."""
        for subtype, p in self.atypical_share.items():
            _check_probability(f"elasticity_mixture.atypical_share[{subtype!r}]", p)
        for group, sd in self.atypical_sd_kpa.items():
            _check_positive(f"elasticity_mixture.atypical_sd_kpa[{group!r}]", sd)
        for group in GROUPS:
            for subtype in HISTOLOGY[group]:
                for name in ("atypical_share", "typical_offset_kpa"):
                    if subtype not in getattr(self, name):
                        raise ValueError(f"elasticity_mixture.{name} lacks {subtype!r}")


@dataclass(frozen=True)
class ReaderModel:
    """Measurement error of the readers (none of it is reported by the paper).

    Attributes
    ----------
    reader_cv : float
        Relative SD of one reader's mean of three acquisitions around the final value.
    acquisition_cv : float
        Relative SD of one acquisition around its reader's mean.
    strain_ratio_reader_cv, strain_ratio_acquisition_cv : float
        The same for the strain ratio.
    emax_to_emean : tuple of float
        Mean and relative SD of the ratio Emax / Emean of a lesion.
    consensus_threshold : float
        Relative reader difference above which a third reader decides (0.20 in the paper).
    score_disagreement : float
        Probability that one of the two readers scores one point away from the final score.
    """

    reader_cv: float = 0.069
    acquisition_cv: float = 0.08
    strain_ratio_reader_cv: float = 0.05
    strain_ratio_acquisition_cv: float = 0.06
    emax_to_emean: tuple[float, float] = (1.22, 0.06)
    consensus_threshold: float = 0.20
    score_disagreement: float = 0.12

    def validate(self) -> None:
        """Raise ``ValueError`` naming the field if a value is impossible."""
        for name in (
            "reader_cv",
            "acquisition_cv",
            "strain_ratio_reader_cv",
            "strain_ratio_acquisition_cv",
            "consensus_threshold",
        ):
            _check_positive(f"readers.{name}", getattr(self, name))
        mean, sd = self.emax_to_emean
        if not (mean >= 1 and sd > 0):
            raise ValueError(
                f"readers.emax_to_emean must be (mean >= 1, SD > 0), got {self.emax_to_emean}"
            )
        _check_probability("readers.score_disagreement", self.score_disagreement)


@dataclass(frozen=True)
class CohortConfig:
    """Everything :func:`simulate_cohort` needs besides the seed.

    Build the study's configuration with :func:`default_config` and change fields with
    :func:`dataclasses.replace`; the constructor validates every field.

    Attributes
    ----------
    malignant, benign : GroupTargets
        Published targets per group.
    cutoff_kpa : float
        Elasticity cutoff whose sensitivity and specificity are targets (62 kPa).
    size_bounds_mm, age_bounds_years : tuple of float
        Eligibility bounds (lesion size 3-15 mm; adults).
    latent_correlation : tuple of tuple of float
        Within-group correlation of the latent vector (elasticity, strain ratio, lesion
        size, score), a 4 x 4 positive-definite matrix.
    strain_ratio_pattern_shift : mapping
        Shift of log strain ratio per calcification pattern.
    elasticity_mixture : ElasticityMixture
    readers : ReaderModel
    match_published : bool
        Match the published group summaries exactly (see the module notes).
    """

    malignant: GroupTargets
    benign: GroupTargets
    cutoff_kpa: float = 62.0
    size_bounds_mm: tuple[float, float] = (3.0, 15.0)
    age_bounds_years: tuple[float, float] = (18.0, 90.0)
    latent_correlation: tuple[tuple[float, ...], ...] = (
        (1.00, 0.35, 0.30, 0.80),
        (0.35, 1.00, 0.10, 0.45),
        (0.30, 0.10, 1.00, 0.25),
        (0.80, 0.45, 0.25, 1.00),
    )
    strain_ratio_pattern_shift: Mapping[str, float] = field(
        default_factory=lambda: {"clustered": 0.08, "scattered": 0.0, "sparse_punctate": -0.08}
    )
    elasticity_mixture: ElasticityMixture = field(default_factory=ElasticityMixture)
    readers: ReaderModel = field(default_factory=ReaderModel)
    match_published: bool = True

    def __post_init__(self):
        for group in GROUPS:
            targets = getattr(self, group)
            if not isinstance(targets, GroupTargets):
                raise TypeError(f"{group} must be a GroupTargets, got {type(targets).__name__}")
            targets.validate(group)
        _check_positive("cutoff_kpa", self.cutoff_kpa)
        for name in ("size_bounds_mm", "age_bounds_years"):
            low, high = getattr(self, name)
            if not (math.isfinite(low) and math.isfinite(high) and 0 <= low < high):
                raise ValueError(
                    f"{name} must be (low, high) with 0 <= low < high, got {(low, high)}"
                )
            variable = "lesion_size_mm" if name == "size_bounds_mm" else "age_years"
            for group in GROUPS:
                mean = getattr(getattr(self, group), variable)[0]
                if not low < mean < high:
                    raise ValueError(
                        f"{group}.{variable} mean {mean} lies outside {name} {(low, high)}"
                    )
        matrix = np.asarray(self.latent_correlation, dtype=float)
        if matrix.shape != (4, 4) or not np.allclose(matrix, matrix.T):
            raise ValueError("latent_correlation must be a symmetric 4 x 4 matrix")
        if not np.allclose(np.diag(matrix), 1.0) or np.any(np.abs(matrix) > 1):
            raise ValueError("latent_correlation must have a unit diagonal and entries in [-1, 1]")
        if np.linalg.eigvalsh(matrix).min() <= 0:
            raise ValueError("latent_correlation must be positive definite")
        for pattern in PATTERNS:
            if pattern not in self.strain_ratio_pattern_shift:
                raise ValueError(f"strain_ratio_pattern_shift lacks {pattern!r}")
        self.elasticity_mixture.validate()
        self.readers.validate()


def _published_group(group: str) -> GroupTargets:
    def pair(key):
        return (paper.value(f"{key}.{group}.mean"), paper.value(f"{key}.{group}.sd"))

    n = int(paper.value(f"design.n.{group}"))
    if group == "malignant":
        positive = round(paper.value("roc.sensitivity") / 100 * n)
    else:
        positive = n - round(paper.value("roc.specificity") / 100 * n)
    return GroupTargets(
        n=n,
        histology=paper.counts("histology", group),
        breast_density=paper.counts("breast_density", group),
        birads={int(k): v for k, v in paper.counts("birads", group).items()},
        calcification_pattern=paper.counts("calcification_pattern", group),
        age_years=pair("table1.age_years"),
        lesion_size_mm=pair("table1.lesion_size_mm"),
        elasticity_kpa=pair("table2.elasticity_kpa"),
        strain_ratio=pair("table2.strain_ratio"),
        elasticity_score=pair("table2.elasticity_score"),
        n_at_or_above_cutoff=positive,
        follow_up_share=0.0 if group == "malignant" else 0.4,
    )


def default_config(**changes) -> CohortConfig:
    """The study's configuration: every target read from :mod:`microcalc.study.paper`.

    Parameters
    ----------
    **changes
        Fields of :class:`CohortConfig` to replace (validated).

    Examples
    --------
    >>> config = default_config()
    >>> config.malignant.n_at_or_above_cutoff, config.benign.n_at_or_above_cutoff
    (132, 20)
    """
    base = CohortConfig(
        malignant=_published_group("malignant"),
        benign=_published_group("benign"),
        cutoff_kpa=paper.value("roc.cutoff_kpa"),
        size_bounds_mm=(
            paper.value("design.lesion_size_min_mm"),
            paper.value("design.lesion_size_max_mm"),
        ),
        age_bounds_years=(paper.value("design.min_age_years"), 90.0),
    )
    return replace(base, **changes) if changes else base


# ======================================================================================
# Calibration of the elasticity mixture and of the score counts
# ======================================================================================


@dataclass(frozen=True)
class ElasticityComponents:
    """Solved mixture of one group: per-subtype typical mean, shared SDs.

    Attributes
    ----------
    group : str
    typical_mean_kpa : dict
        Mean of the typical component per histology.
    typical_sd_kpa : float
    atypical_mean_kpa, atypical_sd_kpa : float
    weights : dict
        Mixture weight of (histology, "typical"/"atypical") in the group.
    """

    group: str
    typical_mean_kpa: Mapping[str, float]
    typical_sd_kpa: float
    atypical_mean_kpa: float
    atypical_sd_kpa: float
    weights: Mapping[tuple[str, str], float]

    def components(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Weights, means and SDs of all normal components, as arrays."""
        w, mu, sd = [], [], []
        for (subtype, kind), weight in self.weights.items():
            w.append(weight)
            if kind == "typical":
                mu.append(self.typical_mean_kpa[subtype])
                sd.append(self.typical_sd_kpa)
            else:
                mu.append(self.atypical_mean_kpa)
                sd.append(self.atypical_sd_kpa)
        return np.array(w), np.array(mu), np.array(sd)

    def mean_sd(self) -> tuple[float, float]:
        """Mean and SD of the mixture."""
        w, mu, sd = self.components()
        mean = float(w @ mu)
        return mean, float(np.sqrt(w @ (sd**2 + mu**2) - mean**2))

    def sample(self, rng: np.random.Generator, size) -> np.ndarray:
        """Draw Emean values (kPa) from the mixture, vectorised over any ``size``.

        Examples
        --------
        >>> comp = calibrate_elasticity(default_config(), "benign")
        >>> comp.sample(np.random.default_rng(0), (2, 3)).shape
        (2, 3)
        """
        w, mu, sd = self.components()
        which = rng.choice(w.size, size=size, p=w / w.sum())
        return np.maximum(mu[which] + sd[which] * rng.standard_normal(size), 1.0)

    def share_at_or_above(self, cutoff: float) -> float:
        """Probability that a lesion of this group measures at least ``cutoff``."""
        w, mu, sd = self.components()
        return float(w @ stats.norm.sf((cutoff - mu) / sd))


def calibrate_elasticity(config: CohortConfig, group: str) -> ElasticityComponents:
    """Solve the group's elasticity mixture for the published mean, SD and cutoff share.

    Three parameters are free: the base typical mean, the typical SD and the atypical
    mean. They are solved so that the mixture's mean and SD equal the published ones and
    its share at or above the cutoff equals ``n_at_or_above_cutoff / n``.

    Parameters
    ----------
    config : CohortConfig
    group : {"malignant", "benign"}

    Returns
    -------
    ElasticityComponents

    Raises
    ------
    ValueError
        If no mixture of the configured structure meets the three targets.

    Examples
    --------
    >>> components = calibrate_elasticity(default_config(), "malignant")
    >>> [round(x, 1) for x in components.mean_sd()]
    [88.3, 16.2]
    """
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}, got {group!r}")
    return _calibrate_elasticity_cached(config, group, repr(config))


_CALIBRATIONS: dict[tuple[str, str], ElasticityComponents] = {}


def _calibrate_elasticity_cached(
    config: CohortConfig, group: str, key: str
) -> ElasticityComponents:
    if (key, group) not in _CALIBRATIONS:
        _CALIBRATIONS[(key, group)] = _solve_elasticity(config, group)
    return _CALIBRATIONS[(key, group)]


def _solve_elasticity(config: CohortConfig, group: str) -> ElasticityComponents:
    targets: GroupTargets = getattr(config, group)
    mixture = config.elasticity_mixture
    target_mean, target_sd = targets.elasticity_kpa
    target_share = targets.n_at_or_above_cutoff / targets.n
    weights = {}
    for subtype in HISTOLOGY[group]:
        w = targets.histology[subtype] / targets.n
        p = mixture.atypical_share[subtype]
        weights[(subtype, "typical")] = w * (1 - p)
        weights[(subtype, "atypical")] = w * p
    atypical_sd = mixture.atypical_sd_kpa[group]
    # malignant atypical lesions are soft (below the group), benign ones stiff (above)
    sign = -1.0 if group == "malignant" else 1.0

    def build(params) -> ElasticityComponents:
        base, log_sd, log_gap = params
        return ElasticityComponents(
            group=group,
            typical_mean_kpa={s: base + mixture.typical_offset_kpa[s] for s in HISTOLOGY[group]},
            typical_sd_kpa=float(np.exp(log_sd)),
            atypical_mean_kpa=float(config.cutoff_kpa + sign * np.exp(log_gap)),
            atypical_sd_kpa=atypical_sd,
            weights=weights,
        )

    def residuals(params):
        comp = build(params)
        mean, sd = comp.mean_sd()
        share = comp.share_at_or_above(config.cutoff_kpa)
        return [
            (mean - target_mean) / target_sd,
            (sd - target_sd) / target_sd,
            share - target_share,
        ]

    start = [
        target_mean,
        np.log(target_sd / 2),
        np.log(abs(config.cutoff_kpa - target_mean) / 4 + 1),
    ]
    solution = optimize.least_squares(residuals, start, xtol=1e-14, ftol=1e-14, gtol=1e-14)
    if np.max(np.abs(solution.fun)) > 1e-7:
        raise ValueError(
            f"elasticity_mixture cannot meet the {group} targets (mean {target_mean}, SD {target_sd}, "
            f"share >= cutoff {target_share:.3f}); residuals {np.round(solution.fun, 4).tolist()}"
        )
    return build(solution.x)


@functools.lru_cache(maxsize=32)
def score_counts_for(mean: float, sd: float, n: int, *, decimals: int = 1) -> dict[int, int]:
    """Counts of scores 1-5 whose mean and SD round to the given values.

    Among all count vectors that reproduce the published mean and SD at the published
    decimal, returns the one closest (in squared counts) to a normal curve with that mean
    and SD discretised onto 1-5. Deterministic.

    Raises
    ------
    ValueError
        If no count vector of size ``n`` reproduces both numbers.

    Examples
    --------
    >>> score_counts_for(4.2, 0.6, 150)
    {1: 0, 2: 0, 3: 18, 4: 86, 5: 46}
    """
    edges = np.array([-np.inf, 1.5, 2.5, 3.5, 4.5, np.inf])
    expected = n * np.diff(stats.norm.cdf((edges - mean) / sd))
    best, best_distance = None, np.inf
    scores = np.arange(1, 6)
    half = 0.5 * 10.0**-decimals
    # enumerate counts of scores 1-4 near the expected ones; score 5 takes the rest
    ranges = [range(max(0, int(e) - 12), int(e) + 13) for e in expected[:4]]
    c1, c2, c3, c4 = np.meshgrid(*[np.array(r) for r in ranges], indexing="ij")
    c5 = n - c1 - c2 - c3 - c4
    counts = np.stack([c1, c2, c3, c4, c5], axis=-1).reshape(-1, 5)
    counts = counts[counts[:, 4] >= 0]
    means = counts @ scores / n
    variances = (counts @ scores**2 - n * means**2) / (n - 1)
    ok = (np.abs(means - mean) < half - 1e-12) & (
        np.abs(np.sqrt(np.maximum(variances, 0)) - sd) < half - 1e-12
    )
    if ok.any():
        candidates = counts[ok]
        distance = ((candidates - expected) ** 2).sum(axis=1)
        best = candidates[int(np.argmin(distance))]
        best_distance = float(distance.min())
    if best is None or not np.isfinite(best_distance):
        raise ValueError(f"no counts of {n} scores on 1-5 have mean {mean} and SD {sd}")
    return {int(s): int(c) for s, c in zip(scores, best, strict=True)}


@dataclass(frozen=True)
class ElasticitySampler:
    """Replicate-study sampler of the elasticity marker from the calibrated mixtures.

    Called as ``sampler(rng, n_cases, n_controls, size)`` it returns two arrays of shape
    ``(size, n_cases)`` and ``(size, n_controls)``: Emean of malignant and benign lesions
    drawn from the model of :func:`simulate_cohort` (unmatched mode, marginal of Emean).
    This is the signature of :func:`microcalc.stats.samplesize.simulated_auc_power`.
    """

    malignant: ElasticityComponents
    benign: ElasticityComponents

    def __call__(self, rng: np.random.Generator, n_cases: int, n_controls: int, size: int):
        cases = self.malignant.sample(rng, (size, n_cases))
        controls = self.benign.sample(rng, (size, n_controls))
        return cases, controls


def elasticity_sampler(config: CohortConfig | None = None) -> ElasticitySampler:
    """The Emean sampler of the cohort model (see :class:`ElasticitySampler`).

    Examples
    --------
    >>> sampler = elasticity_sampler()
    >>> cases, controls = sampler(np.random.default_rng(1), 150, 150, 4)
    >>> cases.shape, controls.shape
    ((4, 150), (4, 150))
    """
    config = default_config() if config is None else config
    return ElasticitySampler(
        calibrate_elasticity(config, "malignant"), calibrate_elasticity(config, "benign")
    )


# ======================================================================================
# Exact matching maps
# ======================================================================================


def _affine_to(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """Increasing affine map of ``x`` to sample mean ``mean`` and SD ``sd`` (ddof=1)."""
    return mean + sd * (x - x.mean()) / x.std(ddof=1)


class _MatchError(ValueError):
    """A draw whose summaries no increasing map can match; the draw is repeated."""


def _bounded_match(x, mean, sd, low, high, name) -> np.ndarray:
    """Increasing map inside (low, high) to sample ``mean`` and ``sd`` (ddof=1).

    The map is ``low + (high - low) expit(a + b logit((x - low) / (high - low)))``: for
    ``a = 0, b = 1`` it is the identity, and no value can leave the bounds.
    """
    width = high - low
    t = np.clip((x - low) / width, 1e-9, 1 - 1e-9)
    logit_t = special.logit(t)

    def mapped(params):
        return low + width * special.expit(params[0] + params[1] * logit_t)

    def residuals(params):
        y = mapped(params)
        return [(y.mean() - mean) / sd, (y.std(ddof=1) - sd) / sd]

    solution = optimize.least_squares(
        residuals, [0.0, 1.0], bounds=([-5, 0.05], [5, 20]), xtol=1e-15, ftol=1e-15, gtol=1e-15
    )
    if np.max(np.abs(solution.fun)) > 1e-9:
        raise _MatchError(f"{name}: cannot match mean {mean} and SD {sd} within [{low}, {high}]")
    return mapped(solution.x)


def _hinged_match(x: np.ndarray, mean: float, sd: float, cutoff: float, name: str) -> np.ndarray:
    """Scale the distances to ``cutoff`` on each side to reach ``mean`` and ``sd`` exactly.

    Values below the cutoff become ``cutoff - b_low (cutoff - x)`` and values at or above it
    ``cutoff + b_high (x - cutoff)``: an increasing map that keeps every value on its side.
    The two slopes are the positive solution of the mean and SD (ddof=1) equations.
    """
    n = x.size
    d = x - cutoff
    low, high = d < 0, d >= 0
    if not low.any() or not high.any():
        y = _affine_to(x, mean, sd)
        if (not high.any() and y.max() >= cutoff) or (not low.any() and y.min() < cutoff):
            raise ValueError(f"{name}: cannot keep every value on its side of {cutoff}")
        return y
    s_low, s_high = d[low].sum(), d[high].sum()
    q_low, q_high = (d[low] ** 2).sum(), (d[high] ** 2).sum()
    k = n * (mean - cutoff)
    v = (n - 1) * sd**2 + n * (mean - cutoff) ** 2
    # b_low = (k - b_high * s_high) / s_low, then b_low^2 q_low + b_high^2 q_high = v
    a2 = s_high**2 * q_low / s_low**2 + q_high
    a1 = -2 * k * s_high * q_low / s_low**2
    a0 = k**2 * q_low / s_low**2 - v
    disc = a1**2 - 4 * a2 * a0
    roots = [] if disc < 0 else [(-a1 + r) / (2 * a2) for r in (np.sqrt(disc), -np.sqrt(disc))]
    pairs = [((k - b * s_high) / s_low, b) for b in roots]
    pairs = [(bl, bh) for bl, bh in pairs if bl > 0 and bh > 0]
    if not pairs:
        raise _MatchError(
            f"{name}: no increasing map keeps the sides of {cutoff} and gives mean {mean}, SD {sd}"
        )
    b_low, b_high = min(pairs, key=lambda p: abs(np.log(p[0])) + abs(np.log(p[1])))
    return np.where(low, cutoff + b_low * d, cutoff + b_high * d)


def _exact_sides(x, z, mean, sd, cutoff, n_above) -> np.ndarray:
    """Put exactly ``n_above`` values at or above ``cutoff``, moving as few as possible.

    The ``n_above`` largest draws form the upper side. A draw that must cross the cutoff
    is redrawn from its own normal component truncated to its new side, at the same
    latent quantile, so that it stays monotone in its latent value.
    """
    n = x.size
    above = np.zeros(n, dtype=bool)
    above[np.argsort(x, kind="stable")[n - n_above :]] = True
    u = stats.norm.cdf(z)
    a = stats.norm.cdf((cutoff - mean) / sd)
    up = above & (x < cutoff)
    down = ~above & (x >= cutoff)
    y = x.copy()
    y[up] = mean[up] + sd[up] * stats.norm.ppf(a[up] + u[up] * (1 - a[up]))
    y[down] = mean[down] + sd[down] * stats.norm.ppf(u[down] * a[down])
    # guard against rounding right at the cutoff
    y[above] = np.maximum(y[above], cutoff + 0.01)
    y[~above] = np.minimum(y[~above], cutoff - 0.01)
    return y


# ======================================================================================
# Simulation
# ======================================================================================


@dataclass(frozen=True)
class Cohort:
    """A simulated cohort: the two tables of the data dictionary and how they were made.

    Attributes
    ----------
    lesions : pandas.DataFrame
        One row per participant.
    measurements : pandas.DataFrame
        One row per reader and acquisition (long form).
    config : CohortConfig
    seed : int
    """

    lesions: pd.DataFrame
    measurements: pd.DataFrame
    config: CohortConfig
    seed: int


def _allocate(rng, counts: Mapping, n: int, exact: bool) -> np.ndarray:
    levels = list(counts)
    if exact:
        return rng.permutation(
            np.repeat(np.array(levels, dtype=object), [counts[k] for k in levels])
        )
    p = np.array([counts[k] for k in levels], dtype=float) / n
    return np.array(levels, dtype=object)[rng.choice(len(levels), size=n, p=p)]


@functools.lru_cache(maxsize=64)
def _truncated_parent(mean: float, sd: float, low: float, high: float) -> tuple[float, float]:
    """Mean and SD of the parent normal whose truncation to [low, high] has ``mean``, ``sd``."""

    def residuals(params):
        loc, log_scale = params
        scale = np.exp(log_scale)
        m, v = stats.truncnorm.stats(
            (low - loc) / scale, (high - loc) / scale, loc=loc, scale=scale
        )
        return [(m - mean) / sd, (np.sqrt(v) - sd) / sd]

    solution = optimize.least_squares(residuals, [mean, np.log(sd)], xtol=1e-12, ftol=1e-12)
    if np.max(np.abs(solution.fun)) > 1e-6:
        raise ValueError(f"no normal truncated to [{low}, {high}] has mean {mean} and SD {sd}")
    return float(solution.x[0]), float(np.exp(solution.x[1]))


def _truncated_normal_from_latent(z, mean, sd, low, high):
    """Quantile transform of a latent normal to a truncated normal with the given moments."""
    loc, scale = _truncated_parent(mean, sd, low, high)
    a, b = (low - loc) / scale, (high - loc) / scale
    return stats.truncnorm.ppf(stats.norm.cdf(z), a, b, loc=loc, scale=scale)


MAX_DRAWS = 50


def _draw_continuous(rng, config: CohortConfig, group: str, frame: pd.DataFrame) -> dict:
    """Draw the continuous variables of one group (see the module notes, steps 2-5)."""
    targets: GroupTargets = getattr(config, group)
    exact = config.match_published
    n = targets.n
    latent = rng.multivariate_normal(
        np.zeros(4), np.asarray(config.latent_correlation), size=n, method="cholesky"
    )
    z_elasticity, z_strain, z_size, z_score = latent.T

    # elasticity: per-histology mixture, atypical phenotype drawn per lesion
    components = calibrate_elasticity(config, group)
    share = np.array([config.elasticity_mixture.atypical_share[h] for h in frame["histology"]])
    atypical = rng.random(n) < share
    typical_mean = np.array([components.typical_mean_kpa[h] for h in frame["histology"]])
    mean = np.where(atypical, components.atypical_mean_kpa, typical_mean)
    sd = np.where(atypical, components.atypical_sd_kpa, components.typical_sd_kpa)
    elasticity = np.maximum(mean + sd * z_elasticity, 1.0)

    # strain ratio: log-normal with a per-pattern shift
    sr_mean, sr_sd = targets.strain_ratio
    log_sd = np.sqrt(np.log1p((sr_sd / sr_mean) ** 2))
    log_mean = np.log(sr_mean) - log_sd**2 / 2
    shift = np.array([config.strain_ratio_pattern_shift[p] for p in frame["calcification_pattern"]])
    strain = np.exp(log_mean + shift + log_sd * z_strain)

    size_low, size_high = config.size_bounds_mm
    size = _truncated_normal_from_latent(z_size, *targets.lesion_size_mm, size_low, size_high)
    age_low, age_high = config.age_bounds_years
    age = _truncated_normal_from_latent(
        rng.standard_normal(n), *targets.age_years, age_low, age_high
    )

    score_counts = score_counts_for(*targets.elasticity_score, n)
    if exact:
        elasticity = _exact_sides(
            elasticity, z_elasticity, mean, sd, config.cutoff_kpa, targets.n_at_or_above_cutoff
        )
        elasticity = _hinged_match(
            elasticity, *targets.elasticity_kpa, config.cutoff_kpa, f"{group}.elasticity_kpa"
        )
        strain = _affine_to(strain, *targets.strain_ratio)
        if strain.min() <= 0:
            raise ValueError(f"{group}.strain_ratio: matching produced a non-positive value")
        size = _bounded_match(
            size, *targets.lesion_size_mm, size_low, size_high, f"{group}.lesion_size_mm"
        )
        age = _bounded_match(age, *targets.age_years, age_low, age_high, f"{group}.age_years")
        ranks = np.argsort(np.argsort(z_score, kind="stable"), kind="stable")
        thresholds = np.cumsum([score_counts[s] for s in SCORES])
        score = 1 + np.searchsorted(thresholds, ranks, side="right")
    else:
        cumulative = np.cumsum([score_counts[s] for s in SCORES])[:-1] / n
        score = 1 + np.searchsorted(stats.norm.ppf(cumulative), z_score)
    return {
        "age_years": age,
        "lesion_size_mm": size,
        "elasticity_kpa": elasticity,
        "strain_ratio": strain,
        "elasticity_score": score.astype(np.int64),
        "atypical_elasticity": atypical,
    }


def _simulate_group(rng, config: CohortConfig, group: str) -> pd.DataFrame:
    targets: GroupTargets = getattr(config, group)
    exact = config.match_published
    n = targets.n
    frame = pd.DataFrame({"malignant": np.full(n, int(group == "malignant"), dtype=np.int64)})
    frame["histology"] = _allocate(rng, targets.histology, n, exact)
    if group == "malignant":
        frame["reference_standard"] = "histology"
    else:
        n_follow = round(targets.follow_up_share * n)
        flags = np.zeros(n, dtype=bool)
        if exact:
            flags[:n_follow] = True
            flags = rng.permutation(flags)
        else:
            flags = rng.random(n) < targets.follow_up_share
        frame["reference_standard"] = np.where(flags, "follow_up", "histology")
    frame["breast_density"] = _allocate(rng, targets.breast_density, n, exact)
    frame["birads"] = _allocate(rng, targets.birads, n, exact).astype(np.int64)
    frame["calcification_pattern"] = _allocate(rng, targets.calcification_pattern, n, exact)

    for _ in range(MAX_DRAWS):
        try:
            values = _draw_continuous(rng, config, group, frame)
            break
        except _MatchError:
            continue
    else:
        raise ValueError(
            f"{group}: no draw out of {MAX_DRAWS} could be matched to the published summaries; "
            "the configuration's targets are probably inconsistent with its model"
        )
    for column, column_values in values.items():
        frame[column] = column_values
    return frame


def _centred_acquisitions(rng, level: np.ndarray, cv: float, k: int = 3) -> np.ndarray:
    """``k`` acquisitions per row whose mean equals ``level`` exactly."""
    noise = rng.normal(0.0, cv, size=(level.size, k))
    noise -= noise.mean(axis=1, keepdims=True)
    return level[:, None] * (1 + noise)


def _add_readers(rng, lesions: pd.DataFrame, config: CohortConfig):
    model = config.readers
    n = len(lesions)
    final_emean = lesions["elasticity_kpa"].to_numpy()
    final_sr = lesions["strain_ratio"].to_numpy()

    difference = rng.normal(0.0, np.sqrt(2) * model.reader_cv, n)
    consensus = np.abs(difference) > model.consensus_threshold
    # where a third reader decided, the first two readers' average is itself off the final value
    offset = np.where(consensus, rng.normal(0.0, np.sqrt(1.5) * model.reader_cv, n), 0.0)
    readers_mean = final_emean * (1 + offset)
    emean = {1: readers_mean * (1 + difference / 2), 2: readers_mean * (1 - difference / 2)}

    sr_difference = rng.normal(0.0, np.sqrt(2) * model.strain_ratio_reader_cv, n)
    sr_offset = np.where(
        consensus, rng.normal(0.0, np.sqrt(1.5) * model.strain_ratio_reader_cv, n), 0.0
    )
    sr_readers_mean = final_sr * (1 + sr_offset)
    strain = {
        1: sr_readers_mean * (1 + sr_difference / 2),
        2: sr_readers_mean * (1 - sr_difference / 2),
    }
    emean[3], strain[3] = final_emean, final_sr

    ratio_mean, ratio_cv = model.emax_to_emean
    lesion_ratio = ratio_mean * np.exp(rng.normal(0.0, ratio_cv, n))

    records = []
    reader_means = {}
    for reader in (1, 2, 3):
        acq_emean = _centred_acquisitions(rng, emean[reader], model.acquisition_cv)
        acq_ratio = lesion_ratio[:, None] * np.exp(rng.normal(0.0, ratio_cv / 2, size=(n, 3)))
        acq_emax = acq_emean * acq_ratio
        acq_sr = _centred_acquisitions(rng, strain[reader], model.strain_ratio_acquisition_cv)
        acq_emean = np.round(acq_emean, MEASUREMENT_DECIMALS["emean_kpa"])
        acq_emax = np.round(np.maximum(acq_emax, acq_emean), MEASUREMENT_DECIMALS["emax_kpa"])
        acq_sr = np.round(acq_sr, MEASUREMENT_DECIMALS["strain_ratio"])
        keep = np.ones(n, dtype=bool) if reader < 3 else consensus
        reader_means[reader] = (acq_emean.mean(1), acq_emax.mean(1), acq_sr.mean(1))
        for j in range(3):
            records.append(
                pd.DataFrame(
                    {
                        "participant_id": lesions["participant_id"].to_numpy()[keep],
                        "reader": reader,
                        "acquisition": j + 1,
                        "emean_kpa": acq_emean[keep, j],
                        "emax_kpa": acq_emax[keep, j],
                        "strain_ratio": acq_sr[keep, j],
                    }
                )
            )
    measurements = pd.concat(records, ignore_index=True)
    measurements = measurements.sort_values(
        ["participant_id", "reader", "acquisition"], kind="stable"
    )
    measurements = measurements.reset_index(drop=True)

    out = lesions.copy()
    for reader in (1, 2):
        out[f"reader{reader}_elasticity_kpa"] = reader_means[reader][0]
        out[f"reader{reader}_strain_ratio"] = reader_means[reader][2]
    out["reader3_elasticity_kpa"] = np.where(consensus, reader_means[3][0], np.nan)
    out["reader3_strain_ratio"] = np.where(consensus, reader_means[3][2], np.nan)
    two_reader_emax = 0.5 * (reader_means[1][1] + reader_means[2][1])
    out["elasticity_max_kpa"] = np.where(consensus, reader_means[3][1], two_reader_emax)
    out["consensus"] = consensus

    # scores: one reader may be a point off the final score; the third reader sided with the other
    final_score = out["elasticity_score"].to_numpy()
    off = rng.random(n) < model.score_disagreement
    which = rng.integers(1, 3, n)
    step = rng.choice([-1, 1], n)
    step = np.where((final_score + step < 1) | (final_score + step > 5), -step, step)
    for reader in (1, 2):
        out[f"reader{reader}_score"] = np.where(
            off & (which == reader), final_score + step, final_score
        )
    return out, measurements


LESION_COLUMNS = (
    "participant_id",
    "malignant",
    "histology",
    "reference_standard",
    "age_years",
    "lesion_size_mm",
    "breast_density",
    "birads",
    "calcification_pattern",
    "elasticity_kpa",
    "elasticity_max_kpa",
    "strain_ratio",
    "elasticity_score",
    "reader1_elasticity_kpa",
    "reader2_elasticity_kpa",
    "reader1_strain_ratio",
    "reader2_strain_ratio",
    "reader1_score",
    "reader2_score",
    "consensus",
    "reader3_elasticity_kpa",
    "reader3_strain_ratio",
    "atypical_elasticity",
)


def simulate_cohort(config: CohortConfig | None = None, seed: int = DEFAULT_SEED) -> Cohort:
    """Simulate the study's cohort from a configuration and a seed.

    Parameters
    ----------
    config : CohortConfig, optional
        Defaults to :func:`default_config` (the study as published).
    seed : int, default 2025
        Seed of the single ``numpy.random.Generator`` that makes every draw. A
        ``numpy.random.SeedSequence`` is accepted too (for replicate studies).

    Returns
    -------
    Cohort
        ``lesions`` (one row per participant) and ``measurements`` (one row per
        acquisition), rounded to the decimals written to the CSV files.

    Raises
    ------
    TypeError, ValueError
        For a seed that is not a non-negative integer, or an impossible configuration.

    Examples
    --------
    >>> cohort = simulate_cohort(seed=1)
    >>> cohort.lesions.groupby("malignant")["elasticity_kpa"].mean().round(1).tolist()
    [45.7, 88.3]
    """
    config = default_config() if config is None else config
    if not isinstance(config, CohortConfig):
        raise TypeError(f"config must be a CohortConfig, got {type(config).__name__}")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(
        seed, (int, np.integer, np.random.SeedSequence)
    ):
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(seed, np.random.SeedSequence) and seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    groups = [_simulate_group(rng, config, group) for group in GROUPS]
    lesions = pd.concat(groups, ignore_index=True)
    lesions = lesions.iloc[rng.permutation(len(lesions))].reset_index(drop=True)
    width = max(3, len(str(len(lesions))))
    lesions.insert(0, "participant_id", [f"P{i + 1:0{width}d}" for i in range(len(lesions))])
    lesions, measurements = _add_readers(rng, lesions, config)
    lesions = lesions.loc[:, list(LESION_COLUMNS)]
    for column, decimals in LESION_DECIMALS.items():
        lesions[column] = lesions[column].round(decimals)
    for column in ("reader1_score", "reader2_score", "elasticity_score", "birads", "malignant"):
        lesions[column] = lesions[column].astype(np.int64)
    seed_value = int(seed.entropy) if isinstance(seed, np.random.SeedSequence) else int(seed)
    return Cohort(lesions=lesions, measurements=measurements, config=config, seed=seed_value)


# ======================================================================================
# Writing
# ======================================================================================


def _format_frame(frame: pd.DataFrame, decimals: Mapping[str, int]) -> str:
    out = frame.copy()
    for column, places in decimals.items():
        if column in out:
            values = out[column].to_numpy(dtype=float)
            text = np.array(
                [f"{v:.{places}f}" if np.isfinite(v) else "" for v in values], dtype=object
            )
            text[text == f"-{0:.{places}f}"] = f"{0:.{places}f}"
            out[column] = text
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: "true", False: "false"})
    return out.to_csv(index=False, lineterminator="\n")


def cohort_csv_text(cohort: Cohort) -> dict[str, str]:
    """The exact text of ``lesions.csv`` and ``measurements.csv`` for a cohort."""
    return {
        "lesions.csv": _format_frame(cohort.lesions, LESION_DECIMALS),
        "measurements.csv": _format_frame(cohort.measurements, MEASUREMENT_DECIMALS),
    }


def write_cohort(cohort: Cohort, out_dir: str | os.PathLike, *, force: bool = False) -> list[Path]:
    """Write ``lesions.csv`` and ``measurements.csv`` as one unit.

    Both files are written with :func:`microcalc.safeio.write_files`: after a kill or an I/O
    error at any point the folder holds both old files or both new ones (never one of each), no
    temporary file outlives the next run, and the files have mode 0644.

    Parameters
    ----------
    cohort : Cohort
    out_dir : path
        Created if missing.
    force : bool, default False
        Overwrite existing files; without it an existing file raises ``FileExistsError``.

    Returns
    -------
    list of Path
        The files written.
    """
    return write_texts(cohort_csv_text(cohort), out_dir, force=force)


def write_texts(texts: dict[str, str], out_dir: str | os.PathLike, *, force: bool) -> list[Path]:
    """Write several text files into one folder as one unit (:func:`microcalc.safeio.write_files`).

    After a kill or an I/O error at any point the folder holds all old files or all new ones;
    files get mode 0644. Without ``force``, an existing target raises ``FileExistsError``
    before anything is written.
    """
    out = Path(out_dir)
    if str(out_dir) == "":
        raise ValueError("out_dir is an empty string; name a folder (use '.' for this one)")
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a directory, but {str(out)!r} is a file")
    existing = [str(out / name) for name in texts if (out / name).exists()]
    if existing and not force:
        raise FileExistsError(f"{', '.join(existing)} exist(s); pass --force to overwrite")
    payload = {name: text.encode("utf-8") for name, text in texts.items()}
    return safeio.write_files(out, payload, force=force)


def read_cohort_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a ``lesions.csv`` written by :func:`write_cohort` with the right dtypes."""
    frame = pd.read_csv(path, dtype={"participant_id": str, "breast_density": str})
    for column in ("consensus", "atypical_elasticity"):
        if column in frame and frame[column].dtype == object:
            frame[column] = frame[column].map({"true": True, "false": False})
    return frame
