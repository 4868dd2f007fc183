"""Decision curve analysis and the consequences of a biopsy rule, at any prevalence.

A diagnostic accuracy study says how often a test is right; a decision analysis says whether
acting on it does more good than harm. This module computes

* the **net benefit** of a strategy at a threshold probability (Vickers & Elkin 2006): for
  fixed rules (biopsy all, biopsy none, "biopsy if marker >= cutoff") and for prediction models
  whose probability is compared with the threshold, as tidy decision-curve tables;
* the same quantities **re-weighted to another prevalence**, from the sensitivity and
  specificity at each threshold. Sensitivity and specificity are estimated within the
  group with and within the group without the condition, so they are valid under a case-control design in
  which the prevalence is fixed by the investigators; predictive values and net benefit are
  not, and must be recomputed at the prevalence of the population of interest;
* the **consequences per 100 people referred** of replacing "biopsy all" with a rule
  (biopsies avoided, cancers missed, ...), with confidence intervals carried over from those of
  sensitivity and specificity;
* a **spectrum table**: sensitivity and specificity within subgroups (histology, BI-RADS...),
  whose mix differs between a case-control sample and clinical practice (Ransohoff &
  Feinstein 1978).

The intervention is called a biopsy throughout (the decision these functions were written
for); any yes/no action taken on a positive result reads the same way.

Conventions: a participant is **positive (biopsy) when the model's probability is at or above
the threshold** (``probability >= threshold``), the same ``>=`` rule as
:mod:`microcalc.stats.roc` and :mod:`microcalc.stats.accuracy`. Prevalence and thresholds are proportions
strictly between 0 and 1.

References
----------
Vickers AJ, Elkin EB. Decision curve analysis: a novel method for evaluating prediction
models. Medical Decision Making 2006;26(6):565-574.

Vickers AJ, Van Calster B, Steyerberg EW. Net benefit approaches to the evaluation of
prediction models, molecular markers, and diagnostic tests. BMJ 2016;352:i6.

Ransohoff DF, Feinstein AR. Problems of spectrum and bias in evaluating the efficacy of
diagnostic tests. New England Journal of Medicine 1978;299(17):926-930.

Zou GY, Donner A. Construction of confidence limits about effect measures: a general
approach. Statistics in Medicine 2008;27(10):1693-1702.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from microcalc.stats._validation import (
    as_binary_truth,
    as_finite_array,
    check_confidence_level,
    check_same_length,
)

__all__ = [
    "CONSEQUENCES",
    "UsefulRange",
    "biopsy_consequences",
    "consequences_from_accuracy",
    "decision_curves",
    "net_benefit",
    "net_benefit_curve",
    "net_reduction_in_biopsies",
    "rule_net_benefit",
    "shift_probability",
    "subgroup_rates",
    "treat_all_net_benefit",
    "useful_range",
]

#: The quantities of :func:`biopsy_consequences`, in display order.
CONSEQUENCES = (
    "cancers",
    "biopsies",
    "biopsies_avoided",
    "benign_biopsies_avoided",
    "benign_biopsies",
    "cancers_found",
    "cancers_missed",
)


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------
def _open_unit(values, name: str) -> np.ndarray:
    """Array of numbers strictly between 0 and 1."""
    a = as_finite_array(np.atleast_1d(values), name)
    bad = np.flatnonzero((a <= 0) | (a >= 1))
    if bad.size:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {a[bad[0]]!r}")
    return a


def _closed_unit(values, name: str) -> np.ndarray:
    """Array of numbers in [0, 1]."""
    a = as_finite_array(np.atleast_1d(values), name)
    bad = np.flatnonzero((a < 0) | (a > 1))
    if bad.size:
        raise ValueError(f"{name} must lie in [0, 1], got {a[bad[0]]!r}")
    return a


def _scalar_or_array(a: np.ndarray):
    return float(a[0]) if a.size == 1 else a


def _odds(threshold: np.ndarray) -> np.ndarray:
    return threshold / (1 - threshold)


def _check_ci(ci, name: str) -> tuple[float, float] | None:
    if ci is None:
        return None
    low, high = (float(v) for v in _closed_unit(ci, name))
    if low > high:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {ci!r}")
    return low, high


# ---------------------------------------------------------------------------------------------
# net benefit formulas
# ---------------------------------------------------------------------------------------------
def net_benefit(sensitivity, specificity, *, prevalence, threshold):
    """Net benefit of a test with given sensitivity and specificity.

    Parameters
    ----------
    sensitivity, specificity : float or array-like
        Proportions in [0, 1] (arrays broadcast against ``threshold``).
    prevalence : float
        Prevalence of the condition in the population, strictly between 0 and 1.
    threshold : float or array-like
        Threshold probability(ies) :math:`p_t`, strictly between 0 and 1.

    Returns
    -------
    float or numpy.ndarray
        Net benefit, in true positives per participant.

    Notes
    -----
    .. math:: \\mathrm{NB}(p_t) = \\mathrm{Se}\\,\\pi - (1 - \\mathrm{Sp})(1 - \\pi)
        \\frac{p_t}{1 - p_t}

    The first term is the share of participants who are true positives, the second the share
    who are false positives, weighted by the odds at the threshold: choosing :math:`p_t` says
    that one unnecessary biopsy weighs :math:`p_t/(1-p_t)` of one cancer found. At the sample's
    own prevalence this equals Vickers & Elkin's TP/n - FP/n p_t/(1-p_t). Because sensitivity and
    specificity are conditional on the reference standard, the formula can be applied at any
    prevalence, which is what makes decision curves possible from a case-control study.

    References
    ----------
    Vickers AJ, Elkin EB. Med Decis Making 2006;26:565-574.

    Examples
    --------
    >>> round(net_benefit(0.88, 0.867, prevalence=0.5, threshold=0.2), 4)
    0.4234
    """
    se = _closed_unit(sensitivity, "sensitivity")
    sp = _closed_unit(specificity, "specificity")
    pi = _open_unit(prevalence, "prevalence")
    if pi.size != 1:
        raise ValueError(f"prevalence must be one number, got {pi.size} values")
    pt = _open_unit(threshold, "threshold")
    out = se * pi[0] - (1 - sp) * (1 - pi[0]) * _odds(pt)
    return _scalar_or_array(np.asarray(out, dtype=float))


def treat_all_net_benefit(threshold, *, prevalence):
    """Net benefit of biopsying everyone.

    Parameters
    ----------
    threshold : float or array-like
        Threshold probability(ies), strictly between 0 and 1.
    prevalence : float
        Prevalence of the condition, strictly between 0 and 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`\\pi - (1 - \\pi)\\, p_t / (1 - p_t)`: a test with sensitivity 1 and
        specificity 0. Biopsying nobody has net benefit 0 at every threshold.

    References
    ----------
    Vickers AJ, Elkin EB. Med Decis Making 2006;26:565-574.

    Examples
    --------
    >>> round(treat_all_net_benefit(0.25, prevalence=0.25), 4)
    0.0
    """
    return net_benefit(1.0, 0.0, prevalence=prevalence, threshold=threshold)


def net_reduction_in_biopsies(net_benefit_strategy, net_benefit_all, *, threshold, per=100):
    """Net reduction in biopsies, compared with biopsying everyone, per ``per`` participants.

    Parameters
    ----------
    net_benefit_strategy, net_benefit_all : float or array-like
        Net benefit of the strategy and of biopsy-all at the same threshold(s).
    threshold : float or array-like
        Threshold probability(ies), strictly between 0 and 1.
    per : int, default 100

    Returns
    -------
    float or numpy.ndarray
        :math:`(\\mathrm{NB} - \\mathrm{NB}_{all})\\,(1 - p_t)/p_t \\times` ``per``: the number
        of benign biopsies avoided, net of the cancers missed, the latter converted into
        biopsies at the exchange rate the threshold implies.

    References
    ----------
    Vickers AJ, Van Calster B, Steyerberg EW. BMJ 2016;352:i6.

    Examples
    --------
    >>> round(net_reduction_in_biopsies(0.20, 0.15, threshold=0.2), 1)
    20.0
    """
    pt = _open_unit(threshold, "threshold")
    nb = as_finite_array(np.atleast_1d(net_benefit_strategy), "net_benefit_strategy")
    nb_all = as_finite_array(np.atleast_1d(net_benefit_all), "net_benefit_all")
    out = (nb - nb_all) / _odds(pt) * per
    return _scalar_or_array(np.asarray(out, dtype=float))


def shift_probability(probability, *, from_prevalence: float, to_prevalence: float):
    """Carry predicted probabilities from one prevalence to another (prior-shift correction).

    Parameters
    ----------
    probability : float or array-like
        Probabilities from a model fitted where the prevalence was ``from_prevalence``, in
        [0, 1].
    from_prevalence, to_prevalence : float
        The two prevalences, strictly between 0 and 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`\\mathrm{logit}^{-1}\\{\\mathrm{logit}\\,p + \\mathrm{logit}\\,\\pi_{to} -
        \\mathrm{logit}\\,\\pi_{from}\\}`.

    Notes
    -----
    A logistic model fitted to a case-control sample has correct slopes but an intercept that
    reflects the sampling fractions, not the population (Prentice & Pyke 1979); by Bayes'
    theorem the population's log-odds differ from the sample's by the difference of the
    log-odds of the two prevalences, provided the distributions of the markers within each
    class are the same in both. Probabilities of 0 and 1 stay where they are.

    References
    ----------
    Prentice RL, Pyke R. Logistic disease incidence models and case-control studies.
    Biometrika 1979;66(3):403-411.

    Examples
    --------
    >>> round(shift_probability(0.5, from_prevalence=0.5, to_prevalence=0.25), 4)
    0.25
    """
    p = _closed_unit(probability, "probability")
    a = _open_unit(from_prevalence, "from_prevalence")
    b = _open_unit(to_prevalence, "to_prevalence")
    if a.size != 1 or b.size != 1:
        raise ValueError("from_prevalence and to_prevalence must each be one number")
    shift = math.log(b[0] / (1 - b[0])) - math.log(a[0] / (1 - a[0]))
    with np.errstate(divide="ignore"):
        logit = np.log(p) - np.log1p(-p)
    out = 1 / (1 + np.exp(-(logit + shift)))
    return _scalar_or_array(np.asarray(out, dtype=float))


# ---------------------------------------------------------------------------------------------
# confidence limits of linear combinations (MOVER)
# ---------------------------------------------------------------------------------------------
def _mover(constant: float, terms: Sequence[tuple[float, float, float, float]]):
    """Limits of constant + sum(w * p) from independent (p, low, high) with weights w.

    Zou & Donner's method of variance estimates recovery: each term contributes the distance
    from its estimate to the limit on the relevant side.
    """
    estimate = constant + sum(w * p for w, p, _, _ in terms)
    down = up = 0.0
    for w, p, low, high in terms:
        if w >= 0:
            down += (w * (p - low)) ** 2
            up += (w * (high - p)) ** 2
        else:
            down += (w * (high - p)) ** 2
            up += (w * (p - low)) ** 2
    return estimate, estimate - math.sqrt(down), estimate + math.sqrt(up)


# ---------------------------------------------------------------------------------------------
# decision curves
# ---------------------------------------------------------------------------------------------
def _thresholds(thresholds) -> np.ndarray:
    pt = _open_unit(thresholds, "thresholds")
    if pt.size == 0:
        raise ValueError("thresholds must hold at least one value")
    return pt


def _sens_spec_at(y: np.ndarray, p: np.ndarray, pt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sensitivity and specificity of ``p >= t`` for each t, by sorting (O(n log n))."""
    pos, neg = np.sort(p[y == 1]), np.sort(p[y == 0])
    se = 1 - np.searchsorted(pos, pt, side="left") / pos.size
    sp = np.searchsorted(neg, pt, side="left") / neg.size
    return se, sp


def _curve_frame(strategy, pt, pi, se, sp, low=None, high=None) -> pd.DataFrame:
    se = np.broadcast_to(np.asarray(se, dtype=float), pt.shape)
    sp = np.broadcast_to(np.asarray(sp, dtype=float), pt.shape)
    nb = se * pi - (1 - sp) * (1 - pi) * _odds(pt)
    nan = np.full(pt.shape, np.nan)
    return pd.DataFrame(
        {
            "strategy": strategy,
            "threshold": pt,
            "prevalence": pi,
            "sensitivity": se,
            "specificity": sp,
            "net_benefit": nb,
            "ci_low": nan if low is None else low,
            "ci_high": nan if high is None else high,
        }
    )


def net_benefit_curve(
    truth,
    probability,
    thresholds,
    *,
    prevalence: float | None = None,
    shift_risk: bool = True,
    name: str = "model",
) -> pd.DataFrame:
    """Decision curve of a prediction model: net benefit of "biopsy if probability >= p_t".

    Parameters
    ----------
    truth : array-like of 0/1
        Reference standard, 1 = condition present; both classes must be present.
    probability : array-like of float
        The model's predicted probability of the condition for each participant, in [0, 1].
    thresholds : array-like of float
        Threshold probabilities, strictly between 0 and 1.
    prevalence : float, optional
        Prevalence at which to evaluate net benefit. ``None`` (default) uses the sample's own
        share of positive (truth 1) participants, which gives Vickers & Elkin's unweighted net benefit.
    shift_risk : bool, default True
        When ``prevalence`` differs from the sample's, first carry each predicted probability
        to that prevalence with :func:`shift_probability` (the model's risks were estimated at
        the sample prevalence), so that the threshold is compared with the risk a patient of
        the target population would be told. ``False`` keeps the sample's probabilities.

    name : str, default "model"
        Value of the ``strategy`` column.

    Returns
    -------
    pandas.DataFrame
        One row per threshold: strategy, threshold, prevalence, sensitivity, specificity,
        net_benefit, ci_low, ci_high (NaN: no interval is computed for a model).

    Notes
    -----
    Sensitivity and specificity of ``probability >= p_t`` are computed within the positive and
    the negative participants, and net benefit follows from :func:`net_benefit`. At the sample
    prevalence this is exactly TP/n - FP/n p_t/(1 - p_t). Re-weighting is valid for a
    case-control sample because sensitivity and specificity do not depend on the sampling
    fractions of the two groups; it assumes the markers are distributed within each group as
    in the target population (no spectrum difference).

    References
    ----------
    Vickers AJ, Elkin EB. Med Decis Making 2006;26:565-574.

    Examples
    --------
    >>> curve = net_benefit_curve([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], [0.3, 0.5])
    >>> curve[["threshold", "sensitivity", "specificity", "net_benefit"]].round(3)
       threshold  sensitivity  specificity  net_benefit
    0        0.3          1.0          0.5        0.393
    1        0.5          0.5          0.5        0.000
    """
    y = as_binary_truth(truth, "truth")
    p = _closed_unit(probability, "probability")
    check_same_length(truth=y, probability=p)
    if y.min() == y.max():
        raise ValueError(
            f"truth holds one class only (every value is {int(y[0])}); net benefit needs both "
            "positive (1) and negative (0) participants"
        )
    pt = _thresholds(thresholds)
    sample_pi = float(y.mean())
    pi = sample_pi if prevalence is None else float(_open_unit(prevalence, "prevalence")[0])
    if shift_risk and pi != sample_pi:
        # p_shifted >= t  <=>  p >= t shifted back to the sample prevalence
        cut = np.asarray(
            shift_probability(pt, from_prevalence=pi, to_prevalence=sample_pi), dtype=float
        ).reshape(pt.shape)
    else:
        cut = pt
    se, sp = _sens_spec_at(y, p, cut)
    return _curve_frame(name, pt, pi, se, sp)


def rule_net_benefit(
    sensitivity: float,
    specificity: float,
    thresholds,
    *,
    prevalence: float,
    sensitivity_ci: tuple[float, float] | None = None,
    specificity_ci: tuple[float, float] | None = None,
    name: str = "rule",
) -> pd.DataFrame:
    """Decision curve of a fixed yes/no rule (e.g. "biopsy if marker >= cutoff").

    Parameters
    ----------
    sensitivity, specificity : float
        The rule's sensitivity and specificity, in [0, 1].
    thresholds : array-like of float
        Threshold probabilities, strictly between 0 and 1.
    prevalence : float
        Prevalence of the condition, strictly between 0 and 1.
    sensitivity_ci, specificity_ci : (float, float), optional
        Confidence limits of sensitivity and specificity (e.g. Clopper-Pearson). When both are
        given, the net benefit gets limits too.
    name : str, default "rule"
        Value of the ``strategy`` column.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`net_benefit_curve`.

    Notes
    -----
    A rule does not use the threshold to classify anyone; the threshold only sets the exchange
    rate, so its decision curve is a straight line in :math:`p_t/(1-p_t)`. Net benefit is
    :math:`\\pi\\,\\mathrm{Se} + (1-\\pi)\\,w\\,\\mathrm{Sp} - (1-\\pi)\\,w` with
    :math:`w = p_t/(1-p_t)`, a linear combination of two independent proportions; its limits
    combine those of sensitivity and specificity by the method of variance estimates recovery
    (MOVER, Zou & Donner 2008), at a known prevalence.

    References
    ----------
    Vickers AJ, Elkin EB. Med Decis Making 2006;26:565-574.
    Zou GY, Donner A. Stat Med 2008;27:1693-1702.

    Examples
    --------
    >>> rule_net_benefit(0.9, 0.8, [0.1], prevalence=0.5)["net_benefit"].round(4).tolist()
    [0.4389]
    """
    se = float(_closed_unit(sensitivity, "sensitivity")[0])
    sp = float(_closed_unit(specificity, "specificity")[0])
    pi = float(_open_unit(prevalence, "prevalence")[0])
    pt = _thresholds(thresholds)
    se_ci = _check_ci(sensitivity_ci, "sensitivity_ci")
    sp_ci = _check_ci(specificity_ci, "specificity_ci")
    low = high = None
    if se_ci is not None and sp_ci is not None:
        limits = [
            _mover(-(1 - pi) * w, [(pi, se, *se_ci), ((1 - pi) * w, sp, *sp_ci)]) for w in _odds(pt)
        ]
        low = np.array([lo for _, lo, _ in limits])
        high = np.array([hi for _, _, hi in limits])
    return _curve_frame(name, pt, pi, se, sp, low, high)


def decision_curves(
    truth,
    thresholds,
    *,
    models: Mapping[str, object] | None = None,
    rules: Mapping[str, object] | None = None,
    prevalence: float | None = None,
    shift_risk: bool = True,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Decision curves of biopsy-all, biopsy-none, rules and models, in one tidy table.

    Parameters
    ----------
    truth : array-like of 0/1
        Reference standard, 1 = condition present.
    thresholds : array-like of float
        Threshold probabilities, strictly between 0 and 1.
    models : mapping of str to array-like, optional
        Name -> predicted probabilities (see :func:`net_benefit_curve`).
    rules : mapping of str to array-like of bool, optional
        Name -> each participant's yes/no test result (True = biopsy). Their sensitivity and
        specificity get exact Clopper-Pearson limits, which :func:`rule_net_benefit` carries to
        the net benefit.
    prevalence : float, optional
        Prevalence at which to evaluate; default the sample's.
    shift_risk : bool, default True
        Passed to :func:`net_benefit_curve`.
    confidence_level : float, default 0.95
        Confidence level of the rules' limits.

    Returns
    -------
    pandas.DataFrame
        Rows for "biopsy all", "biopsy none", each rule and each model at every threshold;
        columns as :func:`net_benefit_curve`.

    References
    ----------
    Vickers AJ, Elkin EB. Med Decis Making 2006;26:565-574.

    Examples
    --------
    >>> curves = decision_curves([0, 0, 1, 1], [0.2], models={"m": [0.1, 0.6, 0.4, 0.9]})
    >>> curves[["strategy", "net_benefit"]].round(3)
          strategy  net_benefit
    0   biopsy all        0.375
    1  biopsy none        0.000
    2            m        0.438
    """
    y = as_binary_truth(truth, "truth")
    if y.min() == y.max():
        raise ValueError(
            f"truth holds one class only (every value is {int(y[0])}); net benefit needs both "
            "positive (1) and negative (0) participants"
        )
    pt = _thresholds(thresholds)
    pi = float(y.mean()) if prevalence is None else float(_open_unit(prevalence, "prevalence")[0])
    frames = [
        _curve_frame("biopsy all", pt, pi, 1.0, 0.0),
        _curve_frame("biopsy none", pt, pi, 0.0, 1.0),
    ]
    confidence_level = check_confidence_level(confidence_level)
    alpha = 1 - confidence_level  # statsmodels' argument
    for name, positive in (rules or {}).items():
        x = as_binary_truth(np.asarray(positive).astype(int), f"rules[{name!r}]")
        check_same_length(truth=y, **{"rule": x})
        tp, fn = int(np.sum(x[y == 1])), int(np.sum(1 - x[y == 1]))
        tn, fp = int(np.sum(1 - x[y == 0])), int(np.sum(x[y == 0]))
        se_ci = proportion_confint(tp, tp + fn, alpha=alpha, method="beta")
        sp_ci = proportion_confint(tn, tn + fp, alpha=alpha, method="beta")
        frames.append(
            rule_net_benefit(
                tp / (tp + fn),
                tn / (tn + fp),
                pt,
                prevalence=pi,
                sensitivity_ci=se_ci,
                specificity_ci=sp_ci,
                name=name,
            )
        )
    for name, probability in (models or {}).items():
        frames.append(
            net_benefit_curve(y, probability, pt, prevalence=pi, shift_risk=shift_risk, name=name)
        )
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class UsefulRange:
    """Thresholds at which a yes/no rule beats both biopsy-all and biopsy-none.

    Attributes
    ----------
    lower : float
        Above this threshold the rule's net benefit exceeds biopsy-all's.
    upper : float
        Below this threshold it exceeds biopsy-none's (zero).
    prevalence : float
        The prevalence the range holds at.
    """

    lower: float
    upper: float
    prevalence: float

    @property
    def empty(self) -> bool:
        """True when no threshold favours the rule."""
        return not self.lower < self.upper


def useful_range(sensitivity: float, specificity: float, *, prevalence: float) -> UsefulRange:
    """Range of threshold probabilities in which a yes/no rule is the best of the three.

    Parameters
    ----------
    sensitivity, specificity : float
        The rule's sensitivity and specificity, in [0, 1].
    prevalence : float
        Prevalence of the condition, strictly between 0 and 1.

    Returns
    -------
    UsefulRange

    Notes
    -----
    With :math:`w = p_t/(1-p_t)`, the rule beats biopsy-all when
    :math:`(1-\\pi)\\,\\mathrm{Sp}\\,w > \\pi(1-\\mathrm{Se})` (the benign biopsies it saves
    outweigh the cancers it misses) and beats biopsy-none when
    :math:`\\pi\\,\\mathrm{Se} > (1-\\pi)(1-\\mathrm{Sp})\\,w`. The two odds limits are turned
    back into probabilities. At the lower limit, one missed cancer is traded for
    :math:`1/w` avoided benign biopsies.

    References
    ----------
    Vickers AJ, Elkin EB. Med Decis Making 2006;26:565-574.

    Examples
    --------
    >>> r = useful_range(0.9, 0.8, prevalence=0.5)
    >>> round(r.lower, 4), round(r.upper, 4)
    (0.1111, 0.8182)
    """
    se = float(_closed_unit(sensitivity, "sensitivity")[0])
    sp = float(_closed_unit(specificity, "specificity")[0])
    pi = float(_open_unit(prevalence, "prevalence")[0])

    def prob(odds: float) -> float:
        return 1.0 if math.isinf(odds) else odds / (1 + odds)

    lower_odds = pi * (1 - se) / ((1 - pi) * sp) if sp > 0 else math.inf
    upper_odds = pi * se / ((1 - pi) * (1 - sp)) if sp < 1 else math.inf
    return UsefulRange(prob(lower_odds), prob(upper_odds), pi)


# ---------------------------------------------------------------------------------------------
# consequences per 100 people referred
# ---------------------------------------------------------------------------------------------
def biopsy_consequences(
    sensitivity: float,
    specificity: float,
    prevalence: float,
    per: int = 100,
    *,
    sensitivity_ci: tuple[float, float] | None = None,
    specificity_ci: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """What replacing "biopsy all" by a rule means for ``per`` people referred for biopsy.

    Parameters
    ----------
    sensitivity, specificity : float
        The rule's sensitivity and specificity, in [0, 1].
    prevalence : float
        Share of the people referred who have the condition, strictly between 0 and 1.
    per : int, default 100
        Number of people the counts refer to.
    sensitivity_ci, specificity_ci : (float, float), optional
        Confidence limits of sensitivity and specificity. With them, every row gets limits.

    Returns
    -------
    pandas.DataFrame
        One row per quantity of :data:`CONSEQUENCES` (cancers, biopsies, biopsies_avoided,
        benign_biopsies_avoided, benign_biopsies, cancers_found, cancers_missed) with columns
        quantity, estimate, ci_low, ci_high, prevalence, per. ``biopsies`` are those the rule
        still performs; ``benign_biopsies`` are those among them that find no cancer.

    Notes
    -----
    With prevalence :math:`\\pi` taken as known: cancers :math:`= N\\pi`; cancers found
    :math:`= N\\pi\\,\\mathrm{Se}`; cancers missed :math:`= N\\pi(1-\\mathrm{Se})`; benign
    biopsies avoided :math:`= N(1-\\pi)\\mathrm{Sp}`; benign biopsies still done
    :math:`= N(1-\\pi)(1-\\mathrm{Sp})`; biopsies avoided (all test negatives)
    :math:`= N\\{\\pi(1-\\mathrm{Se}) + (1-\\pi)\\mathrm{Sp}\\}`; biopsies done
    :math:`= N` minus those avoided. A quantity that depends on one proportion takes that
    proportion's limits, transformed; the two sums combine both sets of limits by MOVER (Zou &
    Donner 2008), which treats sensitivity and specificity as independent (they are estimated
    in different participants).

    References
    ----------
    Vickers AJ, Van Calster B, Steyerberg EW. BMJ 2016;352:i6.
    Zou GY, Donner A. Stat Med 2008;27:1693-1702.

    Examples
    --------
    >>> out = biopsy_consequences(0.9, 0.8, 0.25)
    >>> out.set_index("quantity")["estimate"].round(1).to_dict()["biopsies_avoided"]
    62.5
    """
    se = float(_closed_unit(sensitivity, "sensitivity")[0])
    sp = float(_closed_unit(specificity, "specificity")[0])
    pi = float(_open_unit(prevalence, "prevalence")[0])
    if isinstance(per, bool) or not isinstance(per, (int, np.integer)) or per <= 0:
        raise ValueError(f"per must be a positive integer, got {per!r}")
    se_ci = _check_ci(sensitivity_ci, "sensitivity_ci")
    sp_ci = _check_ci(specificity_ci, "specificity_ci")
    se_lo, se_hi = se_ci if se_ci else (math.nan, math.nan)
    sp_lo, sp_hi = sp_ci if sp_ci else (math.nan, math.nan)
    n = float(per)

    def both(constant, w_miss, w_spec):
        """constant + w_miss (1 - Se) + w_spec Sp, written as a combination of Se and Sp."""
        terms = [(-w_miss, se, se_lo, se_hi), (w_spec, sp, sp_lo, sp_hi)]
        if se_ci is None or sp_ci is None:
            est = constant + w_miss + sum(w * p for w, p, _, _ in terms)
            return est, math.nan, math.nan
        return _mover(constant + w_miss, terms)

    def ordered(est, a, b):
        return est, min(a, b), max(a, b)

    rows = {
        "cancers": (n * pi, n * pi, n * pi),
        "biopsies": both(n, -n * pi, -n * (1 - pi)),
        "biopsies_avoided": both(0.0, n * pi, n * (1 - pi)),
        "benign_biopsies_avoided": ordered(
            n * (1 - pi) * sp, n * (1 - pi) * sp_lo, n * (1 - pi) * sp_hi
        ),
        "benign_biopsies": ordered(
            n * (1 - pi) * (1 - sp), n * (1 - pi) * (1 - sp_lo), n * (1 - pi) * (1 - sp_hi)
        ),
        "cancers_found": ordered(n * pi * se, n * pi * se_lo, n * pi * se_hi),
        "cancers_missed": ordered(n * pi * (1 - se), n * pi * (1 - se_lo), n * pi * (1 - se_hi)),
    }
    frame = pd.DataFrame(
        [(q, *rows[q]) for q in CONSEQUENCES],
        columns=["quantity", "estimate", "ci_low", "ci_high"],
    )
    frame["prevalence"] = pi
    frame["per"] = int(per)
    return frame


def consequences_from_accuracy(result, prevalence: float, per: int = 100) -> pd.DataFrame:
    """:func:`biopsy_consequences` of a :class:`microcalc.stats.accuracy.DiagnosticAccuracy`.

    Parameters
    ----------
    result : microcalc.stats.accuracy.DiagnosticAccuracy
        Accuracy of the rule; its sensitivity and specificity intervals (exact or Wilson, as it
        was computed) are carried over.
    prevalence : float
        Prevalence among the people referred for biopsy, strictly between 0 and 1.
    per : int, default 100

    Returns
    -------
    pandas.DataFrame
        As :func:`biopsy_consequences`.

    References
    ----------
    Vickers AJ, Van Calster B, Steyerberg EW. BMJ 2016;352:i6.
    Zou GY, Donner A. Stat Med 2008;27:1693-1702.

    Examples
    --------
    >>> from microcalc.stats.accuracy import accuracy_from_table
    >>> res = accuracy_from_table(tp=90, fp=20, fn=10, tn=80)
    >>> out = consequences_from_accuracy(res, 0.5).set_index("quantity")
    >>> round(float(out.loc["cancers_missed", "estimate"]), 6)
    5.0
    """
    se, sp = result.sensitivity, result.specificity
    return biopsy_consequences(
        se.estimate,
        sp.estimate,
        prevalence,
        per,
        sensitivity_ci=(se.ci_low, se.ci_high),
        specificity_ci=(sp.ci_low, sp.ci_high),
    )


# ---------------------------------------------------------------------------------------------
# spectrum
# ---------------------------------------------------------------------------------------------
def subgroup_rates(
    truth, marker, groups, *, cutoff: float, confidence_level: float = 0.95
) -> pd.DataFrame:
    """Sensitivity in each subgroup of truth 1 and specificity in each subgroup of truth 0.

    Parameters
    ----------
    truth : array-like of 0/1
        Reference standard, 1 = condition present.
    marker : array-like of float
        The marker; positive when ``marker >= cutoff``.
    groups : array-like
        Subgroup label of each participant (e.g. histology, BI-RADS category).
    cutoff : float
        The cutoff.
    confidence_level : float, default 0.95
        Confidence level of the exact (Clopper-Pearson) intervals.

    Returns
    -------
    pandas.DataFrame
        One row per (reference class, subgroup) present: reference ("condition present" for
        truth 1, "condition absent" for truth 0, as in
        :meth:`~microcalc.stats.accuracy.DiagnosticAccuracy.table`),
        group, measure ("sensitivity"/"specificity"), correct, n, estimate, ci_low, ci_high
        (exact Clopper-Pearson).

    Notes
    -----
    Sensitivity and specificity are averages over the spectrum of patients in the sample. A
    case-control study that enrols clear-cut cancers and clearly benign lesions measures them
    on a spectrum that may differ from the one in practice, and the overall figure then moves
    with the mix (Ransohoff & Feinstein 1978). Subgroup rates show how large the movement could
    be: the overall sensitivity is the subgroups' rates weighted by their shares.

    References
    ----------
    Ransohoff DF, Feinstein AR. N Engl J Med 1978;299:926-930.

    Examples
    --------
    >>> t = subgroup_rates([1, 1, 1, 0, 0], [80, 50, 90, 40, 70], ["a", "b", "a", "c", "c"],
    ...                    cutoff=62)
    >>> t[["reference", "group", "measure", "estimate"]]
               reference group      measure  estimate
    0  condition present     a  sensitivity       1.0
    1  condition present     b  sensitivity       0.0
    2   condition absent     c  specificity       0.5
    """
    y = as_binary_truth(truth, "truth")
    x = as_finite_array(marker, "marker")
    g = np.asarray(groups, dtype=object)
    check_same_length(truth=y, marker=x, groups=g)
    if isinstance(cutoff, bool) or not isinstance(cutoff, (int, float, np.integer, np.floating)):
        raise TypeError(f"cutoff must be a number, got {cutoff!r}")
    confidence_level = check_confidence_level(confidence_level)
    positive = x >= cutoff
    rows = []
    for value, reference, measure in (
        (1, "condition present", "sensitivity"),
        (0, "condition absent", "specificity"),
    ):
        members = y == value
        for label in pd.unique(g[members]):
            inside = members & (g == label)
            n = int(inside.sum())
            correct = int(positive[inside].sum() if value == 1 else (~positive[inside]).sum())
            low, high = proportion_confint(correct, n, alpha=1 - confidence_level, method="beta")
            rows.append((reference, label, measure, correct, n, correct / n, low, high))
    return pd.DataFrame(
        rows,
        columns=["reference", "group", "measure", "correct", "n", "estimate", "ci_low", "ci_high"],
    )
