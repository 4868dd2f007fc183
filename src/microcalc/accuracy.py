"""Diagnostic accuracy at a cutoff: the 2x2 table and every measure with its confidence interval.

A participant is **test-positive when ``marker >= cutoff``** (higher = malignant), the same rule
as :mod:`microcalc.roc`, so a cutoff from :func:`microcalc.roc.youden_cutoff` reproduces that
function's sensitivity and specificity exactly.

The 2x2 table follows STARD and epiR's ``epi.tests``: rows are the index test (positive,
negative), columns the reference standard (malignant, benign)::

                 malignant  benign
    test +          TP        FP
    test -          FN        TN

Proportions (sensitivity, specificity, PPV, NPV, accuracy, prevalence) get exact
Clopper-Pearson intervals by default, or Wilson score intervals, both computed by
:func:`statsmodels.stats.proportion.proportion_confint`. Likelihood ratios and the diagnostic
odds ratio get log-scale (delta-method) intervals. The values agree with epiR's
``epi.tests`` (see ``tests/reference/``).

References
----------
Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of
the binomial. Biometrika 1934;26(4):404-413.

Wilson EB. Probable inference, the law of succession, and statistical inference. Journal of
the American Statistical Association 1927;22(158):209-212.

Simel DL, Samsa GP, Matchar DB. Likelihood ratios with confidence: sample size estimation
for diagnostic test studies. Journal of Clinical Epidemiology 1991;44(8):763-770.

Mercaldo ND, Lau KF, Zhou XH. Confidence intervals for predictive values with an emphasis to
case-control studies. Statistics in Medicine 2007;26(10):2170-2183.

Bossuyt PM, Reitsma JB, Bruns DE, et al. STARD 2015: an updated list of essential items for
reporting diagnostic accuracy studies. BMJ 2015;351:h5527.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from microcalc.validation import as_binary_truth, as_finite_array, check_same_length

__all__ = [
    "DiagnosticAccuracy",
    "Estimate",
    "accuracy_at_cutoff",
    "accuracy_from_table",
    "implied_accuracy",
]

CI_METHODS = {"exact": "beta", "wilson": "wilson"}
MEASURES = (
    "sensitivity",
    "specificity",
    "ppv",
    "npv",
    "accuracy",
    "prevalence",
    "lr_positive",
    "lr_negative",
    "diagnostic_odds_ratio",
)


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------
def _check_conf_level(conf_level) -> float:
    if isinstance(conf_level, bool) or not isinstance(conf_level, (int, float, np.floating)):
        raise TypeError(f"conf_level must be a number between 0 and 1, got {conf_level!r}")
    if not 0.0 < float(conf_level) < 1.0:
        raise ValueError(f"conf_level must lie strictly between 0 and 1, got {conf_level!r}")
    return float(conf_level)


def _check_method(method) -> str:
    if method not in CI_METHODS:
        raise ValueError(f"method must be 'exact' or 'wilson'; got {method!r}")
    return method


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a count (a non-negative integer), got {value!r}")
    if not math.isfinite(float(value)) or float(value) != int(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def _check_prevalence(prevalence) -> np.ndarray:
    p = as_finite_array(np.atleast_1d(prevalence), "prevalence")
    bad = np.flatnonzero((p <= 0) | (p >= 1))
    if bad.size:
        raise ValueError(f"prevalence must lie strictly between 0 and 1, got {p[bad[0]]!r}")
    return p


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """One accuracy measure with its confidence interval.

    Attributes
    ----------
    measure : str
        Name, e.g. ``"sensitivity"``.
    estimate : float
        Point estimate (NaN when undefined, e.g. PPV with no test positives).
    ci_low, ci_high : float
        Confidence limits (NaN when the interval is undefined).
    numerator, denominator : int or None
        The counts behind a proportion (``None`` for ratios).
    ci_method : str
        ``"clopper-pearson"``, ``"wilson"`` or ``"log"`` (delta method on the log scale).
    """

    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    numerator: int | None
    denominator: int | None
    ci_method: str


def _proportion(measure: str, count: int, nobs: int, conf_level: float, method: str) -> Estimate:
    label = "clopper-pearson" if method == "exact" else "wilson"
    if nobs == 0:
        return Estimate(measure, math.nan, math.nan, math.nan, count, nobs, label)
    low, high = proportion_confint(count, nobs, alpha=1 - conf_level, method=CI_METHODS[method])
    return Estimate(measure, count / nobs, float(low), float(high), count, nobs, label)


def _log_ratio(measure: str, estimate: float, var_log: float, conf_level: float) -> Estimate:
    z = stats.norm.ppf(0.5 + conf_level / 2)
    if 0.0 < estimate < math.inf and math.isfinite(var_log):
        half = z * math.sqrt(var_log)
        low, high = math.exp(math.log(estimate) - half), math.exp(math.log(estimate) + half)
    else:
        low = high = math.nan
    return Estimate(measure, estimate, low, high, None, None, "log")


def _ratio(num: float, den: float) -> float:
    if den == 0:
        return math.inf if num > 0 else math.nan
    return num / den


def _inv(count: int) -> float:
    return 1.0 / count if count > 0 else math.inf


@dataclass(frozen=True)
class DiagnosticAccuracy:
    """The 2x2 table of a test against the reference standard, and its accuracy measures.

    Attributes
    ----------
    tp, fp, fn, tn : int
        True positives, false positives, false negatives, true negatives.
    sensitivity, specificity, ppv, npv, accuracy, prevalence : Estimate
        Proportions with exact (Clopper-Pearson) or Wilson intervals. ``prevalence`` is the
        sample's share of malignant participants; ``ppv`` and ``npv`` hold at that prevalence
        only (see :meth:`at_prevalence`).
    lr_positive, lr_negative, diagnostic_odds_ratio : Estimate
        Ratios with log-scale intervals (NaN limits when a count in the formula is zero).
    conf_level : float
        Confidence level.
    method : str
        ``"exact"`` or ``"wilson"``, for the proportions.
    cutoff : float or None
        The cutoff (positive if ``marker >= cutoff``), when built from a marker.
    """

    tp: int
    fp: int
    fn: int
    tn: int
    sensitivity: Estimate
    specificity: Estimate
    ppv: Estimate
    npv: Estimate
    accuracy: Estimate
    prevalence: Estimate
    lr_positive: Estimate
    lr_negative: Estimate
    diagnostic_odds_ratio: Estimate
    conf_level: float
    method: str
    cutoff: float | None = None

    @property
    def n(self) -> int:
        """Number of participants."""
        return self.tp + self.fp + self.fn + self.tn

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per measure.

        Columns: measure, estimate, ci_low, ci_high, numerator, denominator, ci_method,
        conf_level.
        """
        rows = [vars(getattr(self, name)) for name in MEASURES]
        frame = pd.DataFrame(rows)
        for col in ("numerator", "denominator"):
            frame[col] = frame[col].astype("Int64")
        frame["conf_level"] = self.conf_level
        return frame

    def table(self) -> pd.DataFrame:
        """The 2x2 table with margins (rows: test result; columns: reference standard)."""
        cells = np.array([[self.tp, self.fp], [self.fn, self.tn]])
        full = np.zeros((3, 3), dtype=int)
        full[:2, :2] = cells
        full[2, :2] = cells.sum(axis=0)
        full[:2, 2] = cells.sum(axis=1)
        full[2, 2] = cells.sum()
        return pd.DataFrame(
            full,
            index=pd.Index(["test positive", "test negative", "total"], name="test"),
            columns=pd.Index(["malignant", "benign", "total"], name="reference standard"),
        )

    def at_prevalence(self, prevalence) -> pd.DataFrame:
        """PPV and NPV re-weighted to another prevalence, with logit-scale intervals.

        Parameters
        ----------
        prevalence : float or array-like of float
            Prevalence(s) strictly between 0 and 1, e.g. a screening population's.

        Returns
        -------
        pandas.DataFrame
            Columns prevalence, measure (``"ppv"``/``"npv"``), estimate, ci_low, ci_high,
            conf_level; two rows per prevalence.

        Notes
        -----
        By Bayes' theorem, with prevalence :math:`\\pi`,

        .. math:: \\mathrm{PPV}(\\pi) = \\frac{\\mathrm{Se}\\,\\pi}
            {\\mathrm{Se}\\,\\pi + (1-\\mathrm{Sp})(1-\\pi)},\\qquad
            \\mathrm{NPV}(\\pi) = \\frac{\\mathrm{Sp}(1-\\pi)}
            {\\mathrm{Sp}(1-\\pi) + (1-\\mathrm{Se})\\,\\pi}.

        Equivalently :math:`\\mathrm{logit}\\,\\mathrm{PPV} = \\mathrm{logit}\\,\\pi +
        \\log \\mathrm{LR}^+` and :math:`\\mathrm{logit}\\,\\mathrm{NPV} =
        \\mathrm{logit}(1-\\pi) - \\log \\mathrm{LR}^-`, so the interval is the likelihood
        ratio's log-scale interval carried through (Mercaldo, Lau & Zhou 2007). At the sample
        prevalence the estimates equal the sample PPV and NPV. Limits are NaN when a count in
        the likelihood ratio is zero.

        References
        ----------
        Mercaldo ND, Lau KF, Zhou XH. Statistics in Medicine 2007;26:2170-2183.

        Examples
        --------
        >>> res = accuracy_from_table(tp=131, fp=17, fn=19, tn=133)
        >>> res.at_prevalence(0.05).round(3)[["prevalence", "measure", "estimate"]]
           prevalence measure  estimate
        0        0.05     ppv     0.289
        1        0.05     npv     0.993
        """
        pi = _check_prevalence(prevalence)
        se, sp = self.sensitivity.estimate, self.specificity.estimate
        z = stats.norm.ppf(0.5 + self.conf_level / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            ppv = se * pi / (se * pi + (1 - sp) * (1 - pi))
            npv = sp * (1 - pi) / (sp * (1 - pi) + (1 - se) * pi)
            # var(log LR+) and var(log LR-), delta method
            v_pos = (
                _inv(self.tp) - _inv(self.tp + self.fn) + _inv(self.fp) - _inv(self.fp + self.tn)
            )
            v_neg = (
                _inv(self.fn) - _inv(self.tp + self.fn) + _inv(self.tn) - _inv(self.fp + self.tn)
            )
            logit_pi = np.log(pi / (1 - pi))

            def limits(logit_centre, var):
                if not (math.isfinite(var) and np.all(np.isfinite(logit_centre))):
                    nan = np.full_like(pi, np.nan)
                    return nan, nan
                half = z * math.sqrt(var)
                return (
                    1 / (1 + np.exp(-(logit_centre - half))),
                    1 / (1 + np.exp(-(logit_centre + half))),
                )

            lr_pos, lr_neg = self.lr_positive.estimate, self.lr_negative.estimate
            ppv_low, ppv_high = limits(logit_pi + np.log(lr_pos), v_pos)
            npv_low, npv_high = limits(-logit_pi - np.log(lr_neg), v_neg)
        frame = pd.DataFrame(
            {
                "prevalence": np.repeat(pi, 2),
                "measure": np.tile(["ppv", "npv"], pi.size),
                "estimate": np.column_stack([ppv, npv]).ravel(),
                "ci_low": np.column_stack([ppv_low, npv_low]).ravel(),
                "ci_high": np.column_stack([ppv_high, npv_high]).ravel(),
            }
        )
        frame["conf_level"] = self.conf_level
        return frame


def _from_counts(
    tp: int, fp: int, fn: int, tn: int, conf_level: float, method: str, cutoff: float | None
) -> DiagnosticAccuracy:
    if tp + fn == 0:
        raise ValueError("tp + fn is 0: no malignant participants, so sensitivity is undefined")
    if fp + tn == 0:
        raise ValueError("fp + tn is 0: no benign participants, so specificity is undefined")
    n = tp + fp + fn + tn
    sens = _proportion("sensitivity", tp, tp + fn, conf_level, method)
    spec = _proportion("specificity", tn, fp + tn, conf_level, method)
    lr_pos = _ratio(sens.estimate, 1 - spec.estimate)
    lr_neg = _ratio(1 - sens.estimate, spec.estimate)
    var_lr_pos = _inv(tp) - 1 / (tp + fn) + _inv(fp) - 1 / (fp + tn)
    var_lr_neg = _inv(fn) - 1 / (tp + fn) + _inv(tn) - 1 / (fp + tn)
    dor = _ratio(tp * tn, fp * fn)
    var_dor = _inv(tp) + _inv(fp) + _inv(fn) + _inv(tn)
    return DiagnosticAccuracy(
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        sensitivity=sens,
        specificity=spec,
        ppv=_proportion("ppv", tp, tp + fp, conf_level, method),
        npv=_proportion("npv", tn, fn + tn, conf_level, method),
        accuracy=_proportion("accuracy", tp + tn, n, conf_level, method),
        prevalence=_proportion("prevalence", tp + fn, n, conf_level, method),
        lr_positive=_log_ratio("lr_positive", lr_pos, var_lr_pos, conf_level),
        lr_negative=_log_ratio("lr_negative", lr_neg, var_lr_neg, conf_level),
        diagnostic_odds_ratio=_log_ratio("diagnostic_odds_ratio", dor, var_dor, conf_level),
        conf_level=conf_level,
        method=method,
        cutoff=cutoff,
    )


def accuracy_from_table(
    table=None,
    *,
    tp: int | None = None,
    fp: int | None = None,
    fn: int | None = None,
    tn: int | None = None,
    conf_level: float = 0.95,
    method: str = "exact",
) -> DiagnosticAccuracy:
    """Accuracy measures with confidence intervals from a 2x2 table.

    Parameters
    ----------
    table : array-like of shape (2, 2), optional
        ``[[TP, FP], [FN, TN]]``: rows test positive/negative, columns malignant/benign
        (STARD's and epiR's layout). Give either ``table`` or all four counts.
    tp, fp, fn, tn : int, optional
        The four counts, by name.
    conf_level : float, default 0.95
        Confidence level.
    method : {"exact", "wilson"}, default "exact"
        Interval for the proportions: Clopper-Pearson or Wilson score.

    Returns
    -------
    DiagnosticAccuracy
    Notes
    -----
    Sensitivity TP/(TP+FN), specificity TN/(FP+TN), PPV TP/(TP+FP), NPV TN/(FN+TN),
    accuracy (TP+TN)/N, each with the exact Clopper-Pearson interval (beta quantiles,
    Clopper & Pearson 1934) or the Wilson score interval, from statsmodels'
    ``proportion_confint``. :math:`\\mathrm{LR}^+ = \\mathrm{Se}/(1-\\mathrm{Sp})` and
    :math:`\\mathrm{LR}^- = (1-\\mathrm{Se})/\\mathrm{Sp}` with
    :math:`\\mathrm{Var}(\\log \\mathrm{LR}^+) = 1/TP - 1/(TP+FN) + 1/FP - 1/(FP+TN)` (Simel et
    al. 1991), and the diagnostic odds ratio TP TN / (FP FN) with Woolf's
    :math:`\\mathrm{Var}(\\log \\mathrm{DOR}) = 1/TP + 1/FP + 1/FN + 1/TN`; no continuity
    correction, so these limits are NaN when a count in the formula is zero. PPV and NPV hold
    at the sample's prevalence; :meth:`DiagnosticAccuracy.at_prevalence` re-weights them.
    References
    ----------
    Clopper CJ, Pearson ES. Biometrika 1934;26:404-413.
    Simel DL, Samsa GP, Matchar DB. J Clin Epidemiol 1991;44:763-770.

    Examples
    --------
    >>> res = accuracy_from_table([[131, 17], [19, 133]])
    >>> round(res.sensitivity.estimate, 4), round(res.sensitivity.ci_low, 4)
    (0.8733, 0.8093)
    >>> res.to_frame().loc[:1, ["measure", "estimate", "ci_low", "ci_high"]].round(3)
           measure  estimate  ci_low  ci_high
    0  sensitivity     0.873   0.809    0.922
    1  specificity     0.887   0.825    0.933
    """
    conf_level = _check_conf_level(conf_level)
    method = _check_method(method)
    counts = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    given = [name for name, v in counts.items() if v is not None]
    if table is not None:
        if given:
            raise ValueError(f"give either table or the counts, not both (also got {given})")
        cells = np.asarray(table.to_numpy() if isinstance(table, pd.DataFrame) else table)
        if cells.shape != (2, 2):
            raise ValueError(f"table must be 2 x 2 ([[TP, FP], [FN, TN]]), got shape {cells.shape}")
        counts = {"tp": cells[0, 0], "fp": cells[0, 1], "fn": cells[1, 0], "tn": cells[1, 1]}
    elif len(given) != 4:
        missing = [name for name, v in counts.items() if v is None]
        raise ValueError(f"give a 2 x 2 table or all four counts; missing {missing}")
    checked = {name: _check_count(v, name) for name, v in counts.items()}
    return _from_counts(**checked, conf_level=conf_level, method=method, cutoff=None)


def accuracy_at_cutoff(
    truth, marker, *, cutoff: float, conf_level: float = 0.95, method: str = "exact"
) -> DiagnosticAccuracy:
    """Accuracy measures of the rule ``marker >= cutoff`` against the reference standard.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = malignant; both classes must be present.
    marker : array-like of float
        The marker; higher values mean malignant.
    cutoff : float
        A participant is test-positive when ``marker >= cutoff``.
    conf_level : float, default 0.95
        Confidence level.
    method : {"exact", "wilson"}, default "exact"
        Interval for the proportions: Clopper-Pearson or Wilson score.

    Returns
    -------
    DiagnosticAccuracy
        With ``cutoff`` recorded.
    Notes
    -----
    Sensitivity TP/(TP+FN), specificity TN/(FP+TN), PPV TP/(TP+FP), NPV TN/(FN+TN),
    accuracy (TP+TN)/N, each with the exact Clopper-Pearson interval (beta quantiles,
    Clopper & Pearson 1934) or the Wilson score interval, from statsmodels'
    ``proportion_confint``. :math:`\\mathrm{LR}^+ = \\mathrm{Se}/(1-\\mathrm{Sp})` and
    :math:`\\mathrm{LR}^- = (1-\\mathrm{Se})/\\mathrm{Sp}` with
    :math:`\\mathrm{Var}(\\log \\mathrm{LR}^+) = 1/TP - 1/(TP+FN) + 1/FP - 1/(FP+TN)` (Simel et
    al. 1991), and the diagnostic odds ratio TP TN / (FP FN) with Woolf's
    :math:`\\mathrm{Var}(\\log \\mathrm{DOR}) = 1/TP + 1/FP + 1/FN + 1/TN`; no continuity
    correction, so these limits are NaN when a count in the formula is zero. PPV and NPV hold
    at the sample's prevalence; :meth:`DiagnosticAccuracy.at_prevalence` re-weights them.
    References
    ----------
    Clopper CJ, Pearson ES. Biometrika 1934;26:404-413.
    Simel DL, Samsa GP, Matchar DB. J Clin Epidemiol 1991;44:763-770.

    Examples
    --------
    >>> res = accuracy_at_cutoff([0, 0, 0, 1, 1, 1], [40, 55, 70, 62, 80, 95], cutoff=62)
    >>> res.tp, res.fp, res.fn, res.tn
    (3, 1, 0, 2)
    """
    conf_level = _check_conf_level(conf_level)
    method = _check_method(method)
    y = as_binary_truth(truth, "truth")
    x = as_finite_array(marker, "marker")
    check_same_length(truth=y, marker=x)
    if isinstance(cutoff, bool) or not isinstance(cutoff, (int, float, np.integer, np.floating)):
        raise TypeError(f"cutoff must be a number, got {cutoff!r}")
    if math.isnan(float(cutoff)):
        raise ValueError(f"cutoff must be a number, got {cutoff!r}")
    if y.min() == y.max():
        raise ValueError(
            f"truth holds one class only (every value is {int(y[0])}); accuracy needs both "
            "malignant (1) and benign (0) participants"
        )
    positive = x >= cutoff
    malignant = y == 1
    return _from_counts(
        tp=int(np.sum(positive & malignant)),
        fp=int(np.sum(positive & ~malignant)),
        fn=int(np.sum(~positive & malignant)),
        tn=int(np.sum(~positive & ~malignant)),
        conf_level=conf_level,
        method=method,
        cutoff=float(cutoff),
    )


def implied_accuracy(*, sensitivity, specificity, prevalence) -> np.ndarray | float:
    """Overall accuracy implied by a sensitivity, a specificity and a prevalence.

    Parameters
    ----------
    sensitivity, specificity : float or array-like
        Proportions in [0, 1].
    prevalence : float or array-like
        Share of malignant participants, in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        ``prevalence * sensitivity + (1 - prevalence) * specificity``.

    Notes
    -----
    Accuracy is a prevalence-weighted mean of sensitivity and specificity, so a reported
    accuracy must lie between them; this checks a paper's numbers against each other.

    References
    ----------
    Bossuyt PM, et al. STARD 2015. BMJ 2015;351:h5527.

    Examples
    --------
    >>> round(implied_accuracy(sensitivity=0.9, specificity=0.8, prevalence=0.5), 4)
    0.85
    """
    values = {}
    for name, v in (
        ("sensitivity", sensitivity),
        ("specificity", specificity),
        ("prevalence", prevalence),
    ):
        a = as_finite_array(np.atleast_1d(v), name)
        bad = np.flatnonzero((a < 0) | (a > 1))
        if bad.size:
            raise ValueError(f"{name} must lie in [0, 1], got {a[bad[0]]!r}")
        values[name] = a
    out = (
        values["prevalence"] * values["sensitivity"]
        + (1 - values["prevalence"]) * values["specificity"]
    )
    return float(out[0]) if out.size == 1 else out
