"""How optimistic is a cutoff chosen on the data it is evaluated on?

The procedure validated here is the one a diagnostic-accuracy paper runs on its sample:

1. choose the Youden-optimal cutoff of a marker (:func:`microcalc.stats.roc.youden_cutoff`,
   ``convention="observed"``, lowest of tied cutoffs) and report its sensitivity, specificity
   and Youden index J = sensitivity + specificity - 1;
2. fit the combined logistic model of the given predictors (for example the marker and a second
   measurement) and report the AUC of its linear predictor;
3. for contrast, report the AUC of the marker alone, for which nothing is chosen or fitted.

Evaluated on the same sample, every step that *chooses* something is optimistic. Three
estimates of the optimism of the whole procedure are offered, all from seeded
``numpy.random.Generator`` draws:

* Harrell's bootstrap optimism correction (:func:`bootstrap_optimism`);
* the .632+ bootstrap of Efron & Tibshirani, from the same replicates
  (:func:`estimate_632plus` for the formula);
* repeated stratified k-fold cross-validation of the whole procedure
  (:func:`repeated_cross_validation`).

:func:`validate_cutoff` runs them all and returns one tidy table.

Every replicate is a *weighted* copy of the original rows (a bootstrap sample is the count of
each row; a training fold is a 0/1 weight), so the cutoffs, the logistic fits and the AUCs of
hundreds of replicates are computed at once by array operations: the Youden cutoffs and the
AUCs by the weighted stack kernels of :mod:`microcalc.stats.roc`
(:func:`~microcalc.stats.roc.youden_optimum` and :func:`~microcalc.stats.roc.auc` with
``weights``), the logistic fits by :func:`microcalc.stats.logistic.fit_logistic_batch` with the
replicates as frequency weights.

References
----------
Harrell FE, Lee KL, Mark DB. Multivariable prognostic models: issues in developing models,
evaluating assumptions and adequacy, and measuring and reducing errors. Stat Med
1996;15:361-387.

Efron B, Tibshirani R. Improvements on cross-validation: the .632+ bootstrap method. J Am Stat
Assoc 1997;92:548-560.

Yousef WA, Wagner RF, Loew MH. Estimating the uncertainty in the estimated mean area under the
ROC curve of a classifier. Pattern Recognit Lett 2005;26:2600-2610.

Steyerberg EW. Clinical Prediction Models. 2nd ed. Springer; 2019, chapter 5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from microcalc.stats import logistic, roc
from microcalc.stats._validation import (
    binary_column,
    check_confidence_level,
    check_table,
    numeric_column,
)

__all__ = [
    "MEASURES",
    "MEASURE_LABELS",
    "BootstrapOptimism",
    "CrossValidation",
    "CutoffValidation",
    "Plus632",
    "bootstrap_optimism",
    "estimate_632plus",
    "repeated_cross_validation",
    "validate_cutoff",
]

#: The measures of the procedure, in the order of every table.
MEASURES = ("sensitivity", "specificity", "youden_index", "auc_combined", "auc_marker")

#: Display labels of the measures.
MEASURE_LABELS = {
    "sensitivity": "Sensitivity at the Youden cutoff",
    "specificity": "Specificity at the Youden cutoff",
    "youden_index": "Youden's J at the Youden cutoff",
    "auc_combined": "AUC, combined logistic model",
    "auc_marker": "AUC, marker alone (nothing fitted)",
}


# --------------------------------------------------------------------------- input checks
def _check_count(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def _check_weights(weights, n: int) -> np.ndarray:
    w = np.asarray(weights)
    if w.ndim == 1:
        w = w[None, :]
    if w.ndim != 2 or w.shape[1] != n:
        raise ValueError(
            f"weights must have shape (replicates, {n}) to match the {n} participants, "
            f"got {np.shape(weights)}"
        )
    if not np.issubdtype(w.dtype, np.integer) and not np.issubdtype(w.dtype, np.bool_):
        if not np.all(np.isfinite(w)) or not np.all(w == np.round(w)):
            raise ValueError("weights must be whole numbers (counts of each participant)")
    w = w.astype(np.int64)
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    return w


def _check_classes(y: np.ndarray, w: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    pos = (w * y).sum(axis=1)
    neg = (w * ~y).sum(axis=1)
    bad = np.flatnonzero((pos == 0) | (neg == 0))
    if bad.size:
        raise ValueError(
            f"{what} {int(bad[0])} holds one class only; every sample needs positive (1) "
            "and negative (0) participants"
        )
    return pos, neg


# --------------------------------------------------------------------------- vectorised pieces


# --------------------------------------------------------------------------- .632+
@dataclass(frozen=True)
class Plus632:
    """The .632 and .632+ bootstrap estimates of one performance measure.

    Attributes
    ----------
    apparent : float
        Performance on the sample the procedure was run on.
    loo_bootstrap : float
        Leave-one-out bootstrap performance: each unit judged only by replicates that did not
        contain it.
    no_information : float
        Performance expected if marker and outcome were unrelated.
    relative_overfitting : float
        R in [0, 1]: the share of the distance from apparent to no-information performance
        that the leave-one-out bootstrap falls.
    weight : float
        .632 / (1 - .368 R), the weight of the leave-one-out bootstrap.
    estimate_632 : float
        The .632 estimate, .368 apparent + .632 leave-one-out.
    estimate : float
        The .632+ estimate.
    """

    apparent: float
    loo_bootstrap: float
    no_information: float
    relative_overfitting: float
    weight: float
    estimate_632: float
    estimate: float


def estimate_632plus(apparent: float, loo_bootstrap: float, no_information: float) -> Plus632:
    """The .632+ bootstrap estimate of a performance measure (higher = better).

    Parameters
    ----------
    apparent : float
        Apparent performance :math:`A` (procedure run and judged on the same sample).
    loo_bootstrap : float
        Leave-one-out bootstrap performance :math:`A^{(1)}`.
    no_information : float
        No-information performance :math:`\\gamma`.

    Returns
    -------
    Plus632

    Notes
    -----
    Efron & Tibshirani (1997) state the estimator for an error rate. A performance measure
    :math:`A` here is turned into the loss :math:`1 - A` (the formula is unchanged by any
    increasing affine map), so with :math:`\\overline{err} = 1 - A`,
    :math:`Err^{(1)} = 1 - A^{(1)}` and :math:`\\hat\\gamma = 1 - \\gamma`:

    .. math::

        Err^{(.632)} &= .368\\,\\overline{err} + .632\\,Err^{(1)} \\\\
        \\hat R &= \\frac{Err^{(1)} - \\overline{err}}{\\hat\\gamma - \\overline{err}}
            \\text{ if } Err^{(1)} > \\overline{err} \\text{ and }
            \\hat\\gamma > \\overline{err}, \\text{ else } 0;
            \\text{ then clipped to } [0, 1] \\\\
        Err^{(1)\\prime} &= \\min(Err^{(1)}, \\hat\\gamma) \\\\
        Err^{(.632+)} &= Err^{(.632)} + (Err^{(1)\\prime} - \\overline{err})
            \\frac{.368\\cdot .632\\,\\hat R}{1 - .368\\,\\hat R}

    When :math:`Err^{(1)} \\le \\hat\\gamma` this is
    :math:`(1 - \\hat w)\\overline{err} + \\hat w Err^{(1)}` with
    :math:`\\hat w = .632/(1 - .368\\hat R)`: no overfitting (:math:`\\hat R = 0`) gives the .632
    estimate, complete overfitting (:math:`\\hat R = 1`) gives the leave-one-out bootstrap. (The
    constants .368 and .632 are used as printed by Efron & Tibshirani (1997), not
    :math:`e^{-1}`.)

    References
    ----------
    Efron B, Tibshirani R. Improvements on cross-validation: the .632+ bootstrap method. J Am
    Stat Assoc 1997;92:548-560.

    Examples
    --------
    Apparent 0.9, leave-one-out bootstrap 0.7, no-information 0.5: R = 0.2 / 0.4 = 0.5,
    w = .632 / .816:

    >>> res = estimate_632plus(0.9, 0.7, 0.5)
    >>> round(res.relative_overfitting, 3), round(res.weight, 4), round(res.estimate, 4)
    (0.5, 0.7745, 0.7451)
    """
    values = {
        "apparent": apparent,
        "loo_bootstrap": loo_bootstrap,
        "no_information": no_information,
    }
    for name, v in values.items():
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {v!r}")
        if not math.isfinite(float(v)):
            raise ValueError(f"{name} must be finite, got {v!r}")
    err = 1.0 - float(apparent)
    err1 = 1.0 - float(loo_bootstrap)
    gamma = 1.0 - float(no_information)
    est632 = 0.368 * err + 0.632 * err1
    if err1 > err and gamma > err:
        r = min(max((err1 - err) / (gamma - err), 0.0), 1.0)
    else:
        r = 0.0
    err1_prime = min(err1, gamma)
    plus = est632 + (err1_prime - err) * (0.368 * 0.632 * r) / (1.0 - 0.368 * r)
    return Plus632(
        apparent=float(apparent),
        loo_bootstrap=float(loo_bootstrap),
        no_information=float(no_information),
        relative_overfitting=float(r),
        weight=0.632 / (1.0 - 0.368 * r),
        estimate_632=1.0 - est632,
        estimate=1.0 - plus,
    )


# --------------------------------------------------------------------------- the procedure
@dataclass(frozen=True, eq=False)
class _Data:
    y: np.ndarray  # bool
    x: np.ndarray  # marker
    design: np.ndarray  # intercept + predictors
    marker: str
    predictors: tuple[str, ...]
    outcome: str


def _prepare(data, marker: str, predictors, outcome: str) -> _Data:
    table = check_table(data)
    if isinstance(predictors, str) or not isinstance(predictors, Sequence) or not predictors:
        raise TypeError(f"predictors must be a non-empty list of column names, got {predictors!r}")
    predictors = tuple(predictors)
    y = binary_column(table, outcome).astype(bool)
    x = numeric_column(table, marker)
    design = np.column_stack([np.ones(len(table))] + [numeric_column(table, p) for p in predictors])
    y = roc._prepare_truth(y, min_per_class=2)
    roc._prepare_marker(x, marker, y.size)
    return _Data(y, x, design, marker, predictors, outcome)


@dataclass(frozen=True, eq=False)
class _Fitted:
    cutoffs: roc.YoudenOptimum
    model: logistic.BatchLogisticFit
    scores: np.ndarray  # (R, n) linear predictor of every participant


def _run_procedure(data: _Data, weights: np.ndarray) -> _Fitted:
    cutoffs = roc.youden_optimum(data.y, data.x, weights=weights)
    # a replicate whose fit does not converge keeps its last iterate either way (see _apparent)
    model = logistic.fit_logistic_batch(
        data.design[:, 1:], data.y, weights=weights, check_separation=False
    )
    return _Fitted(cutoffs, model, model.linear_predictor)


def _judge(data: _Data, fitted: _Fitted, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Every measure of every replicate's procedure, on the sample that ``weights`` describe."""
    w = np.broadcast_to(weights, fitted.scores.shape)
    positive = data.x[None, :] >= fitted.cutoffs.cutoff[:, None]
    n_pos = (w * data.y).sum(axis=1)
    n_neg = (w * ~data.y).sum(axis=1)
    tp = (w * (data.y & positive)).sum(axis=1)
    tn = (w * (~data.y & ~positive)).sum(axis=1)
    sens, spec = tp / n_pos, tn / n_neg
    return {
        "sensitivity": sens,
        "specificity": spec,
        "youden_index": sens + spec - 1.0,
        "auc_combined": roc.auc(data.y, fitted.scores, weights=w),
        "auc_marker": roc.auc(data.y, data.x, weights=w),
        "tp": tp,
        "tn": tn,
        "n_pos": n_pos,
        "n_neg": n_neg,
    }


def _apparent(data: _Data) -> dict[str, float]:
    """The procedure on the whole sample, with the library's own functions.

    Under separation maximum likelihood has no estimate, so the whole-sample model is then
    Firth's (``method="auto"``); separated replicates keep their last maximum-likelihood
    iterate, whose direction still ranks the participants (``n_not_converged`` counts them).
    """
    youden = roc.youden_cutoff(data.y, data.x, convention="observed")
    table = pd.DataFrame(data.design[:, 1:], columns=list(data.predictors))
    table[data.outcome] = data.y.astype(int)
    fit = logistic.fit_logistic(
        table, predictors=data.predictors, outcome=data.outcome, method="auto", profile=False
    )
    return {
        "cutoff": youden.cutoff,
        "sensitivity": youden.sensitivity,
        "specificity": youden.specificity,
        "youden_index": youden.youden_index,
        "auc_combined": roc.auc(data.y, fit.fitted),
        "auc_marker": roc.auc(data.y, data.x),
    }


def _bootstrap_counts(
    y: np.ndarray, n_boot: int, rng: np.random.Generator, stratified: bool
) -> np.ndarray:
    n = y.size
    if stratified:
        pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
        draws = np.concatenate(
            [
                pos[rng.integers(0, pos.size, size=(n_boot, pos.size))],
                neg[rng.integers(0, neg.size, size=(n_boot, neg.size))],
            ],
            axis=1,
        )
    else:
        draws = rng.integers(0, n, size=(n_boot, n))
    flat = (draws + n * np.arange(n_boot)[:, None]).ravel()
    counts = np.bincount(flat, minlength=n_boot * n).reshape(n_boot, n)
    _check_classes(y, counts, "bootstrap replicate")
    return counts


def _loo_rates(y, x, cutoffs, out) -> tuple[float, float]:
    """Leave-one-out bootstrap sensitivity and specificity (per participant, then averaged)."""
    positive = x[None, :] >= cutoffs[:, None]
    n_out = out.sum(axis=0)
    ok = n_out > 0
    right = np.where(y[None, :], positive, ~positive)
    per_person = (out & right).sum(axis=0)[ok] / n_out[ok]
    yy = y[ok]
    return float(per_person[yy].mean()), float(per_person[~yy].mean())


def _loo_pair_auc(y, scores, out, chunk: int = 64) -> float:
    """Leave-pair-out bootstrap AUC: each positive-negative pair judged by replicates without both.

    Sum over replicates b of :math:`I_{bi}I_{bj}\\psi(s_{bi}, s_{bj})`, divided by the number of
    replicates that left out both, then averaged over the pairs left out at least once.
    """
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    op, on = out[:, pos].astype(float), out[:, neg].astype(float)
    den = op.T @ on  # replicates that left out both members of each pair
    if scores.ndim == 1:  # a fixed marker: every replicate ranks each pair the same way
        sp, sn = scores[pos][:, None], scores[neg][None, :]
        num = ((sp > sn) + 0.5 * (sp == sn)) * den
    else:
        num = np.zeros((pos.size, neg.size))
        for first in range(0, scores.shape[0], chunk):
            s = scores[first : first + chunk]
            sp, sn = s[:, pos][:, :, None], s[:, neg][:, None, :]
            psi = (sp > sn) + 0.5 * (sp == sn)
            psi *= op[first : first + chunk, :, None]
            psi *= on[first : first + chunk, None, :]
            num += psi.sum(axis=0)
    ok = den > 0
    return float((num[ok] / den[ok]).mean())


@dataclass(frozen=True, eq=False)
class BootstrapOptimism:
    """Harrell's optimism correction and the .632+ estimate from one set of bootstrap replicates.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per measure: ``measure``, ``label``, ``apparent``, ``bootstrap_apparent``
        (mean over replicates, on the replicate), ``bootstrap_test`` (mean, on the original
        sample), ``optimism`` (their difference), ``corrected`` (apparent - optimism),
        ``optimism_sd`` (SD of the replicate optimisms), ``optimism_mcse`` (its Monte Carlo
        standard error, SD / sqrt(B)), ``loo_bootstrap``,
        ``no_information``, ``relative_overfitting``, ``weight_632plus``, ``corrected_632``,
        ``corrected_632plus``.
    replicates : pandas.DataFrame
        One row per replicate: ``replicate``, ``cutoff``, and for every measure
        ``<measure>_boot`` (on the replicate) and ``<measure>_test`` (on the original sample).
    apparent_cutoff : float
        The Youden cutoff of the whole sample.
    n_boot : int
    seed : int or None
    stratified : bool
    n_not_converged : int
        Replicates whose logistic fit did not converge (separation).
    marker : str
    predictors : tuple of str
    """

    table: pd.DataFrame
    replicates: pd.DataFrame = field(repr=False)
    apparent_cutoff: float
    n_boot: int
    seed: int | None
    stratified: bool
    n_not_converged: int
    marker: str
    predictors: tuple[str, ...]

    @property
    def cutoffs(self) -> np.ndarray:
        """The Youden cutoff chosen in each bootstrap replicate."""
        return self.replicates["cutoff"].to_numpy()

    def cutoff_summary(self, *, confidence_level: float = 0.95, reference=None) -> pd.DataFrame:
        """The bootstrap distribution of the cutoff in one row.

        Parameters
        ----------
        confidence_level : float, default 0.95
            Coverage of the percentile interval.
        reference : float, optional
            A cutoff to locate in the distribution (e.g. a published one): adds the share of
            replicates whose cutoff lies at or below it.

        Returns
        -------
        pandas.DataFrame
            ``apparent``, ``mean``, ``sd``, ``median``, ``ci_low``, ``ci_high`` (percentile
            interval), ``confidence_level``, ``share_at_apparent`` (replicates that chose exactly
            the sample's cutoff), ``n_distinct``, ``n_boot``, and, with ``reference``,
            ``reference`` and ``share_at_or_below_reference``.
        """
        confidence_level = check_confidence_level(confidence_level)
        c = self.cutoffs
        tail = (1 - confidence_level) / 2
        row = {
            "apparent": self.apparent_cutoff,
            "mean": float(c.mean()),
            "sd": float(c.std(ddof=1)),
            "median": float(np.median(c)),
            "ci_low": float(np.quantile(c, tail)),
            "ci_high": float(np.quantile(c, 1 - tail)),
            "confidence_level": confidence_level,
            "share_at_apparent": float(np.mean(c == self.apparent_cutoff)),
            "n_distinct": int(np.unique(c).size),
            "n_boot": self.n_boot,
        }
        if reference is not None:
            row["reference"] = float(reference)
            row["share_at_or_below_reference"] = float(np.mean(c <= float(reference)))
        return pd.DataFrame([row])


def bootstrap_optimism(
    data: pd.DataFrame,
    *,
    marker: str,
    predictors: Sequence[str],
    outcome: str,
    n_boot: int = 2000,
    seed: int | np.random.SeedSequence | None = 0,
    stratified: bool = True,
) -> BootstrapOptimism:
    """Bootstrap validation of "choose the Youden cutoff, report its accuracy; fit the model".

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    marker : str
        Column whose Youden cutoff is chosen (higher = more likely positive).
    predictors : sequence of str
        Numeric columns of the combined logistic model.
    outcome : str
        The 0/1 reference standard.
    n_boot : int, default 2000
        Bootstrap replicates B.
    seed : int or numpy SeedSequence, default 0
        Seed of the ``numpy.random.Generator``; same seed, same result.
    stratified : bool, default True
        Resample positive (truth 1) and negative (truth 0) participants separately, keeping
        the group sizes (as a case-control design fixes them); False resamples all
        participants together.

    Returns
    -------
    BootstrapOptimism

    Notes
    -----
    For each replicate b the whole procedure is rerun on the bootstrap sample (new Youden
    cutoff :math:`c_b`, new logistic fit :math:`\\hat\\beta_b`) and judged twice: on the
    replicate itself (:math:`A_b^{boot}`) and on the original sample (:math:`A_b^{orig}`).

    * **Harrell (1996).** Optimism :math:`O = B^{-1}\\sum_b (A_b^{boot} - A_b^{orig})`, and the
      corrected estimate is :math:`A - O` for the apparent performance :math:`A`.
    * **Leave-one-out bootstrap.** For sensitivity (specificity) each positive (negative)
      participant i is classified by the cutoffs of the replicates that do not contain it,
      :math:`\\widehat{Se}^{(1)} = m^{-1}\\sum_i \\sum_b I_{bi}[x_i \\ge c_b] / \\sum_b I_{bi}`
      with :math:`I_{bi} = 1` when i is out of replicate b (Efron & Tibshirani's
      :math:`Err^{(1)}` within the class), and :math:`J^{(1)} = Se^{(1)} + Sp^{(1)} - 1`. The
      AUC is a mean over positive-negative *pairs*, so its leave-out version judges each pair
      by the replicates that contain neither member,
      :math:`\\widehat{AUC}^{(1,1)} = (mn)^{-1}\\sum_{i,j}\\sum_b I_{bi}I_{bj}\\psi_{bij} /
      \\sum_b I_{bi}I_{bj}` (Yousef et al. 2005).
    * **No-information performance** :math:`\\gamma`: performance when the predictions are
      paired with the outcomes at random (Efron & Tibshirani's
      :math:`\\gamma = n^{-2}\\sum_i\\sum_j Q(y_i, r(x_j))`). For the rule "positive if
      :math:`x \\ge c`" with :math:`q` the share of *all* participants at or above the
      apparent cutoff, a truth-1 participant is called positive with probability
      :math:`q`: :math:`\\gamma_{Se} = q`, :math:`\\gamma_{Sp} = 1 - q`, :math:`\\gamma_J = 0`.
      For any AUC :math:`\\gamma = 1/2` exactly (ties count one half).
    * The .632+ estimate then follows from :func:`estimate_632plus`, measure by measure (so
      :math:`J^{(.632+)}` is not :math:`Se^{(.632+)} + Sp^{(.632+)} - 1`).

    The AUC of the marker alone involves no choice, so its leave-pair-out value equals the
    apparent one and its Harrell optimism is only the bootstrap's own small bias: it is the
    control row. Cost: O(B n log n) plus O(B m n) for the leave-pair-out AUC.

    References
    ----------
    Harrell FE, Lee KL, Mark DB. Stat Med 1996;15:361-387.
    Efron B, Tibshirani R. J Am Stat Assoc 1997;92:548-560.
    Yousef WA, Wagner RF, Loew MH. Pattern Recognit Lett 2005;26:2600-2610.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> y = np.repeat([0, 1], 40)
    >>> table = pd.DataFrame({"malignant": y, "elasticity_kpa": rng.normal(50 + 10 * y, 10),
    ...                       "strain_ratio": rng.normal(1.5 + 0.3 * y, 0.4)})
    >>> res = bootstrap_optimism(table, marker="elasticity_kpa",
    ...                          predictors=["elasticity_kpa", "strain_ratio"],
    ...                          outcome="malignant", n_boot=50, seed=3)
    >>> bool((res.table.set_index("measure").loc["youden_index", "optimism"]) > 0)
    True
    """
    data = _prepare(data, marker, predictors, outcome)
    n_boot = _check_count(n_boot, "n_boot", 2)
    rng = np.random.default_rng(seed)
    apparent = _apparent(data)
    counts = _bootstrap_counts(data.y, n_boot, rng, bool(stratified))
    fitted = _run_procedure(data, counts)
    on_boot = _judge(data, fitted, counts)
    on_orig = _judge(data, fitted, np.ones_like(data.y, dtype=np.int64)[None, :])
    out = counts == 0
    loo_se, loo_sp = _loo_rates(data.y, data.x, fitted.cutoffs.cutoff, out)
    loo = {
        "sensitivity": loo_se,
        "specificity": loo_sp,
        "youden_index": loo_se + loo_sp - 1.0,
        "auc_combined": _loo_pair_auc(data.y, fitted.scores, out),
        "auc_marker": _loo_pair_auc(data.y, data.x, out),
    }
    q = float(np.mean(data.x >= apparent["cutoff"]))
    no_info = {
        "sensitivity": q,
        "specificity": 1.0 - q,
        "youden_index": 0.0,
        "auc_combined": 0.5,
        "auc_marker": 0.5,
    }
    rows = []
    reps = {"replicate": np.arange(n_boot), "cutoff": fitted.cutoffs.cutoff}
    for m in MEASURES:
        diff = on_boot[m] - on_orig[m]
        optimism = float(diff.mean())
        plus = estimate_632plus(apparent[m], loo[m], no_info[m])
        rows.append(
            {
                "measure": m,
                "label": MEASURE_LABELS[m],
                "apparent": float(apparent[m]),
                "bootstrap_apparent": float(on_boot[m].mean()),
                "bootstrap_test": float(on_orig[m].mean()),
                "optimism": optimism,
                "corrected": float(apparent[m]) - optimism,
                "optimism_sd": float(diff.std(ddof=1)),
                "optimism_mcse": float(diff.std(ddof=1) / math.sqrt(n_boot)),
                "loo_bootstrap": plus.loo_bootstrap,
                "no_information": plus.no_information,
                "relative_overfitting": plus.relative_overfitting,
                "weight_632plus": plus.weight,
                "corrected_632": plus.estimate_632,
                "corrected_632plus": plus.estimate,
            }
        )
        reps[f"{m}_boot"] = on_boot[m]
        reps[f"{m}_test"] = on_orig[m]
    return BootstrapOptimism(
        table=pd.DataFrame(rows),
        replicates=pd.DataFrame(reps),
        apparent_cutoff=float(apparent["cutoff"]),
        n_boot=n_boot,
        seed=seed if isinstance(seed, int | None) else None,
        stratified=bool(stratified),
        n_not_converged=int((~fitted.model.converged).sum()),
        marker=data.marker,
        predictors=data.predictors,
    )


# --------------------------------------------------------------------------- cross-validation
@dataclass(frozen=True, eq=False)
class CrossValidation:
    """Repeated stratified k-fold cross-validation of the whole procedure.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per measure: ``measure``, ``label``, ``cross_validated`` (mean over repeats),
        ``sd_over_repeats``, ``min_repeat``, ``max_repeat``.
    repeats : pandas.DataFrame
        One row per repeat and measure: ``repeat``, ``measure``, ``value``.
    fold_cutoffs : numpy.ndarray, shape (n_repeats, n_folds)
        The Youden cutoff chosen on each training set.
    n_repeats, n_folds : int
    seed : int or None
    n_not_converged : int
    """

    table: pd.DataFrame
    repeats: pd.DataFrame = field(repr=False)
    fold_cutoffs: np.ndarray
    n_repeats: int
    n_folds: int
    seed: int | None
    n_not_converged: int


def _stratified_folds(y, n_repeats, n_folds, rng) -> np.ndarray:
    """Fold number of every participant in every repeat, shape (n_repeats, n)."""
    folds = np.empty((n_repeats, y.size), dtype=np.int64)
    for group in (np.flatnonzero(y), np.flatnonzero(~y)):
        # a random permutation per repeat, dealt to the folds in turn
        order = np.argsort(rng.random((n_repeats, group.size)), axis=1)
        rows = np.arange(n_repeats)[:, None]
        folds[rows, group[order]] = np.arange(group.size) % n_folds
    return folds


def repeated_cross_validation(
    data: pd.DataFrame,
    *,
    marker: str,
    predictors: Sequence[str],
    outcome: str,
    n_repeats: int = 10,
    n_folds: int = 5,
    seed: int | np.random.SeedSequence | None = 0,
) -> CrossValidation:
    """Repeated stratified k-fold cross-validation of "choose the Youden cutoff; fit the model".

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    marker, predictors, outcome
        As in :func:`bootstrap_optimism`.
    n_repeats : int, default 10
        Repeats, each with a new random split.
    n_folds : int, default 5
        Folds k (at least 2, at most the size of the smaller group).
    seed : int or numpy SeedSequence, default 0
        Seed of the ``numpy.random.Generator`` that deals the folds.

    Returns
    -------
    CrossValidation

    Notes
    -----
    In each repeat the positive and the negative participants are shuffled separately and
    dealt to k folds in turn (stratified). For each fold the *whole* procedure runs on the
    other k - 1 folds (Youden cutoff chosen there, logistic model fitted there) and is judged
    on the held-out fold. Every participant is classified exactly once per repeat, so
    sensitivity and specificity are pooled over the folds (true positives over all positive
    participants) and J = Se + Sp - 1; an AUC needs pairs within one model's scores, so the
    AUCs are averaged over the folds. The repeats are then averaged, and their SD shows how
    much one split would have varied.

    References
    ----------
    Steyerberg EW. Clinical Prediction Models. 2nd ed. Springer; 2019, chapter 17.
    Efron B, Tibshirani R. J Am Stat Assoc 1997;92:548-560.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> y = np.repeat([0, 1], 40)
    >>> table = pd.DataFrame({"malignant": y, "elasticity_kpa": rng.normal(50 + 10 * y, 10),
    ...                       "strain_ratio": rng.normal(1.5 + 0.3 * y, 0.4)})
    >>> res = repeated_cross_validation(table, marker="elasticity_kpa",
    ...                                 predictors=["elasticity_kpa", "strain_ratio"],
    ...                                 outcome="malignant", n_repeats=3, n_folds=4, seed=3)
    >>> res.fold_cutoffs.shape
    (3, 4)
    """
    data = _prepare(data, marker, predictors, outcome)
    n_repeats = _check_count(n_repeats, "n_repeats", 1)
    n_folds = _check_count(n_folds, "n_folds", 2)
    smaller = int(min(data.y.sum(), (~data.y).sum()))
    if n_folds > smaller:
        raise ValueError(
            f"n_folds must be at most {smaller} (the size of the smaller outcome group), "
            f"got {n_folds}"
        )
    rng = np.random.default_rng(seed)
    folds = _stratified_folds(data.y, n_repeats, n_folds, rng)
    test = (folds[:, None, :] == np.arange(n_folds)[None, :, None]).reshape(-1, data.y.size)
    fitted = _run_procedure(data, (~test).astype(np.int64))
    judged = _judge(data, fitted, test.astype(np.int64))

    def per_repeat(values):
        return values.reshape(n_repeats, n_folds)

    sens = per_repeat(judged["tp"]).sum(1) / per_repeat(judged["n_pos"]).sum(1)
    spec = per_repeat(judged["tn"]).sum(1) / per_repeat(judged["n_neg"]).sum(1)
    values = {
        "sensitivity": sens,
        "specificity": spec,
        "youden_index": sens + spec - 1.0,
        "auc_combined": per_repeat(judged["auc_combined"]).mean(1),
        "auc_marker": per_repeat(judged["auc_marker"]).mean(1),
    }
    rows, long = [], []
    for m in MEASURES:
        v = values[m]
        rows.append(
            {
                "measure": m,
                "label": MEASURE_LABELS[m],
                "cross_validated": float(v.mean()),
                "sd_over_repeats": float(v.std(ddof=1)) if n_repeats > 1 else math.nan,
                "min_repeat": float(v.min()),
                "max_repeat": float(v.max()),
            }
        )
        long.append(pd.DataFrame({"repeat": np.arange(n_repeats), "measure": m, "value": v}))
    return CrossValidation(
        table=pd.DataFrame(rows),
        repeats=pd.concat(long, ignore_index=True),
        fold_cutoffs=per_repeat(fitted.cutoffs.cutoff),
        n_repeats=n_repeats,
        n_folds=n_folds,
        seed=seed if isinstance(seed, int | None) else None,
        n_not_converged=int((~fitted.model.converged).sum()),
    )


# --------------------------------------------------------------------------- everything
@dataclass(frozen=True, eq=False)
class CutoffValidation:
    """Apparent, Harrell-corrected, .632+ and cross-validated performance side by side.

    Attributes
    ----------
    bootstrap : BootstrapOptimism
    cross_validation : CrossValidation
    seed : int or None
        The seed from which both generators were spawned.
    """

    bootstrap: BootstrapOptimism
    cross_validation: CrossValidation
    seed: int | None

    def to_frame(self) -> pd.DataFrame:
        """One row per measure with the settings.

        Columns: ``measure``, ``label``, ``apparent``, ``optimism``, ``corrected`` (Harrell),
        ``corrected_632plus``, ``cross_validated``, then ``marker``, ``predictors``,
        ``n_boot``, ``stratified``, ``n_repeats``, ``n_folds``, ``seed``.
        """
        boot = self.bootstrap.table[
            ["measure", "label", "apparent", "optimism", "corrected", "corrected_632plus"]
        ]
        cv = self.cross_validation.table[["measure", "cross_validated"]]
        frame = boot.merge(cv, on="measure", validate="one_to_one")
        return frame.assign(
            marker=self.bootstrap.marker,
            predictors=" + ".join(self.bootstrap.predictors),
            n_boot=self.bootstrap.n_boot,
            stratified=self.bootstrap.stratified,
            n_repeats=self.cross_validation.n_repeats,
            n_folds=self.cross_validation.n_folds,
            seed=self.seed,
        )


def validate_cutoff(
    data: pd.DataFrame,
    *,
    marker: str,
    predictors: Sequence[str],
    outcome: str,
    n_boot: int = 2000,
    n_repeats: int = 10,
    n_folds: int = 5,
    seed: int = 0,
    stratified: bool = True,
) -> CutoffValidation:
    """Harrell's bootstrap, the .632+ bootstrap and repeated cross-validation in one call.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    marker, predictors, outcome, stratified
        As in :func:`bootstrap_optimism`.
    n_boot : int, default 2000
        Bootstrap replicates.
    n_repeats, n_folds : int, default 10 and 5
        Repeated stratified k-fold cross-validation (:func:`repeated_cross_validation`).
    seed : int, default 0
        One seed; ``numpy.random.SeedSequence(seed).spawn(2)`` gives the bootstrap's and the
        cross-validation's generators, so either can be changed without moving the other.

    Returns
    -------
    CutoffValidation

    References
    ----------
    Harrell FE, Lee KL, Mark DB. Stat Med 1996;15:361-387.
    Efron B, Tibshirani R. J Am Stat Assoc 1997;92:548-560.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> y = np.repeat([0, 1], 40)
    >>> table = pd.DataFrame({"malignant": y, "elasticity_kpa": rng.normal(50 + 10 * y, 10),
    ...                       "strain_ratio": rng.normal(1.5 + 0.3 * y, 0.4)})
    >>> res = validate_cutoff(table, marker="elasticity_kpa",
    ...                       predictors=["elasticity_kpa", "strain_ratio"],
    ...                       outcome="malignant", n_boot=50, n_repeats=2, seed=3)
    >>> res.to_frame().columns[:7].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['measure', 'label', 'apparent', 'optimism', 'corrected', 'corrected_632plus',
     'cross_validated']
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    boot_seed, cv_seed = np.random.SeedSequence(int(seed)).spawn(2)
    boot = bootstrap_optimism(
        data,
        marker=marker,
        predictors=predictors,
        outcome=outcome,
        n_boot=n_boot,
        seed=boot_seed,
        stratified=stratified,
    )
    cv = repeated_cross_validation(
        data,
        marker=marker,
        predictors=predictors,
        outcome=outcome,
        n_repeats=n_repeats,
        n_folds=n_folds,
        seed=cv_seed,
    )
    return CutoffValidation(bootstrap=boot, cross_validation=cv, seed=int(seed))
