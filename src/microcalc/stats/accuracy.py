"""Diagnostic accuracy at a cutoff: the 2x2 table and every measure with its confidence interval.

A participant is **test-positive when ``marker >= cutoff``** (higher = more likely positive), the
same rule as :mod:`microcalc.stats.roc`, so a cutoff from :func:`microcalc.stats.roc.youden_cutoff`
reproduces that function's sensitivity and specificity exactly.

The 2x2 table follows STARD and epiR's ``epi.tests``: rows are the index test (positive,
negative), columns the reference standard (condition present, absent)::

                 condition present  condition absent
    test +              TP                FP
    test -              FN                TN

Proportions (sensitivity, specificity, PPV, NPV, accuracy, prevalence) get exact
Clopper-Pearson intervals by default, or Wilson score intervals, both computed by
:func:`statsmodels.stats.proportion.proportion_confint`. Likelihood ratios and the diagnostic
odds ratio get log-scale (delta-method) intervals. The values agree with epiR's
``epi.tests`` (see ``tests/reference/``).

Two tests read on the same participants are compared with McNemar's test
(:func:`paired_accuracy_test`, checked against R's ``mcnemar.test`` and ``binom.test``), and
sensitivity and specificity under partial verification are corrected by Begg and Greenes'
method (:func:`begg_greenes`, checked against the textbook's hepatic scintigraphy example).

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

McNemar Q. Note on the sampling error of the difference between correlated proportions or
percentages. Psychometrika 1947;12(2):153-157.

Begg CB, Greenes RA. Assessment of diagnostic tests when disease verification is subject to
selection bias. Biometrics 1983;39(1):207-215.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from microcalc.stats._validation import (
    as_binary_truth,
    as_finite_array,
    check_confidence_level,
    check_same_length,
)

__all__ = [
    "CorrectedEstimate",
    "DiagnosticAccuracy",
    "Estimate",
    "McNemarTest",
    "VerificationCorrection",
    "accuracy_at_cutoff",
    "accuracy_from_table",
    "begg_greenes",
    "begg_greenes_from_counts",
    "implied_accuracy",
    "mcnemar_test",
    "paired_accuracy_test",
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


def _two_by_two(table, counts: dict) -> dict[str, int]:
    """Four checked counts, from a 2 x 2 ``table`` or from ``counts`` (name -> count or None).

    The table's cells are read row by row in the order of ``counts``' names.
    """
    names = list(counts)
    given = [name for name, v in counts.items() if v is not None]
    if table is not None:
        if given:
            raise ValueError(f"give either table or the counts, not both (also got {given})")
        cells = np.asarray(table.to_numpy() if isinstance(table, pd.DataFrame) else table)
        if cells.shape != (2, 2):
            layout = f"[[{names[0]}, {names[1]}], [{names[2]}, {names[3]}]]"
            raise ValueError(f"table must be 2 x 2 ({layout}), got shape {cells.shape}")
        counts = dict(zip(names, cells.ravel(), strict=True))
    elif len(given) != 4:
        missing = [name for name, v in counts.items() if v is None]
        raise ValueError(f"give a 2 x 2 table or all four counts; missing {missing}")
    return {name: _check_count(v, name) for name, v in counts.items()}


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


def _proportion(
    measure: str, count: int, nobs: int, confidence_level: float, method: str
) -> Estimate:
    label = "clopper-pearson" if method == "exact" else "wilson"
    if nobs == 0:
        return Estimate(measure, math.nan, math.nan, math.nan, count, nobs, label)
    low, high = proportion_confint(
        count, nobs, alpha=1 - confidence_level, method=CI_METHODS[method]
    )
    return Estimate(measure, count / nobs, float(low), float(high), count, nobs, label)


def _log_ratio(measure: str, estimate: float, var_log: float, confidence_level: float) -> Estimate:
    z = stats.norm.ppf(0.5 + confidence_level / 2)
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
        sample's share of positive (truth 1) participants; ``ppv`` and ``npv`` hold at that prevalence
        only (see :meth:`at_prevalence`).
    lr_positive, lr_negative, diagnostic_odds_ratio : Estimate
        Ratios with log-scale intervals (NaN limits when a count in the formula is zero).
    confidence_level : float
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
    confidence_level: float
    method: str
    cutoff: float | None = None

    @property
    def n(self) -> int:
        """Number of participants."""
        return self.tp + self.fp + self.fn + self.tn

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per measure.

        Columns: measure, estimate, ci_low, ci_high, numerator, denominator, ci_method,
        confidence_level.
        """
        rows = [vars(getattr(self, name)) for name in MEASURES]
        frame = pd.DataFrame(rows)
        for col in ("numerator", "denominator"):
            frame[col] = frame[col].astype("Int64")
        frame["confidence_level"] = self.confidence_level
        return frame

    def table(self) -> pd.DataFrame:
        """The 2x2 table with margins (rows: test result; columns: reference standard).

        Columns "condition present" (truth 1), "condition absent" (truth 0) and "total"; rows
        "test positive", "test negative" and "total".
        """
        cells = np.array([[self.tp, self.fp], [self.fn, self.tn]])
        full = np.zeros((3, 3), dtype=int)
        full[:2, :2] = cells
        full[2, :2] = cells.sum(axis=0)
        full[:2, 2] = cells.sum(axis=1)
        full[2, 2] = cells.sum()
        return pd.DataFrame(
            full,
            index=pd.Index(["test positive", "test negative", "total"], name="test"),
            columns=pd.Index(
                ["condition present", "condition absent", "total"], name="reference standard"
            ),
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
            confidence_level; two rows per prevalence.

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
        z = stats.norm.ppf(0.5 + self.confidence_level / 2)
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
        frame["confidence_level"] = self.confidence_level
        return frame


def _from_counts(
    tp: int, fp: int, fn: int, tn: int, confidence_level: float, method: str, cutoff: float | None
) -> DiagnosticAccuracy:
    if tp + fn == 0:
        raise ValueError(
            "tp + fn is 0: no participants with the condition (truth 1), so sensitivity is undefined"
        )
    if fp + tn == 0:
        raise ValueError(
            "fp + tn is 0: no participants without the condition (truth 0), so specificity is undefined"
        )
    n = tp + fp + fn + tn
    sens = _proportion("sensitivity", tp, tp + fn, confidence_level, method)
    spec = _proportion("specificity", tn, fp + tn, confidence_level, method)
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
        ppv=_proportion("ppv", tp, tp + fp, confidence_level, method),
        npv=_proportion("npv", tn, fn + tn, confidence_level, method),
        accuracy=_proportion("accuracy", tp + tn, n, confidence_level, method),
        prevalence=_proportion("prevalence", tp + fn, n, confidence_level, method),
        lr_positive=_log_ratio("lr_positive", lr_pos, var_lr_pos, confidence_level),
        lr_negative=_log_ratio("lr_negative", lr_neg, var_lr_neg, confidence_level),
        diagnostic_odds_ratio=_log_ratio("diagnostic_odds_ratio", dor, var_dor, confidence_level),
        confidence_level=confidence_level,
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
    confidence_level: float = 0.95,
    method: str = "exact",
) -> DiagnosticAccuracy:
    """Accuracy measures with confidence intervals from a 2x2 table.

    Parameters
    ----------
    table : array-like of shape (2, 2), optional
        ``[[TP, FP], [FN, TN]]``: rows test positive/negative, columns condition present/absent
        (STARD's and epiR's layout). Give either ``table`` or all four counts.
    tp, fp, fn, tn : int, optional
        The four counts, by name.
    confidence_level : float, default 0.95
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
    confidence_level = check_confidence_level(confidence_level)
    method = _check_method(method)
    checked = _two_by_two(table, {"tp": tp, "fp": fp, "fn": fn, "tn": tn})
    return _from_counts(**checked, confidence_level=confidence_level, method=method, cutoff=None)


def accuracy_at_cutoff(
    truth, marker, *, cutoff: float, confidence_level: float = 0.95, method: str = "exact"
) -> DiagnosticAccuracy:
    """Accuracy measures of the rule ``marker >= cutoff`` against the reference standard.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present; both classes must be present.
    marker : array-like of float
        The marker; higher values mean more likely positive.
    cutoff : float
        A participant is test-positive when ``marker >= cutoff``.
    confidence_level : float, default 0.95
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
    confidence_level = check_confidence_level(confidence_level)
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
            "positive (1) and negative (0) participants"
        )
    positive = x >= cutoff
    present = y == 1
    return _from_counts(
        tp=int(np.sum(positive & present)),
        fp=int(np.sum(positive & ~present)),
        fn=int(np.sum(~positive & present)),
        tn=int(np.sum(~positive & ~present)),
        confidence_level=confidence_level,
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
        Share of participants with the condition (truth 1), in [0, 1].

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


# ---------------------------------------------------------------------------------------------
# paired proportions: McNemar's test
# ---------------------------------------------------------------------------------------------
MCNEMAR_METHODS = ("exact", "asymptotic")
PAIRED_MEASURES = ("sensitivity", "specificity")


@dataclass(frozen=True)
class McNemarTest:
    """McNemar's test of two paired proportions, with the difference and its interval.

    Attributes
    ----------
    estimate : float
        Difference of the two proportions, ``p1 - p2 = (b - c) / n``.
    se : float
        Large-sample standard error of the difference,
        ``sqrt((b + c) - (b - c)**2 / n) / n``.
    ci_low, ci_high : float
        Wald interval ``estimate -/+ z se`` (not clipped).
    p_value : float
        Two-sided p-value of the null hypothesis ``p1 == p2``.
    statistic : float
        ``min(b, c)`` for the exact test; the chi-square statistic (1 df) otherwise.
    method : str
        ``"exact"`` (binomial) or ``"asymptotic"`` (chi-square).
    correction : bool
        Whether the continuity correction was used (asymptotic test only).
    table : tuple of int
        The paired table ``(a, b, c, d)``: ``a`` positive on both, ``b`` positive on the first
        only, ``c`` positive on the second only, ``d`` negative on both.
    n : int
        Number of pairs.
    p1, p2 : float
        The two proportions, ``(a + b) / n`` and ``(a + c) / n``.
    confidence_level : float
        Confidence level of the interval.
    measure : str
        What the proportions are (``"proportion"``, ``"sensitivity"`` or ``"specificity"``).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    statistic: float
    method: str
    correction: bool
    table: tuple[int, int, int, int]
    n: int
    p1: float
    p2: float
    confidence_level: float
    measure: str = "proportion"

    @property
    def discordant(self) -> tuple[int, int]:
        """The discordant counts ``(b, c)``, the only cells the test uses."""
        return self.table[1], self.table[2]

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy table of the comparison."""
        a, b, c, d = self.table
        return pd.DataFrame(
            [
                {
                    "measure": self.measure,
                    "p1": self.p1,
                    "p2": self.p2,
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "b": b,
                    "c": c,
                    "n": self.n,
                    "method": self.method,
                    "correction": self.correction,
                    "statistic": self.statistic,
                    "p_value": self.p_value,
                    "confidence_level": self.confidence_level,
                }
            ]
        )


def mcnemar_test(
    table=None,
    *,
    a: int | None = None,
    b: int | None = None,
    c: int | None = None,
    d: int | None = None,
    method: str = "exact",
    correction: bool = True,
    confidence_level: float = 0.95,
    measure: str = "proportion",
) -> McNemarTest:
    """McNemar's test: do two binary results on the same participants differ in their rate?

    Parameters
    ----------
    table : array-like of shape (2, 2), optional
        Paired table ``[[a, b], [c, d]]``: rows the first result (positive, negative), columns
        the second (positive, negative). Give either ``table`` or the four counts.
    a, b, c, d : int, optional
        The four cells by name: ``a`` both positive, ``b`` first positive only, ``c`` second
        positive only, ``d`` both negative.
    method : {"exact", "asymptotic"}, default "exact"
        ``"exact"``: the conditional binomial test of ``b`` among the ``b + c`` discordant
        pairs with probability one half (R's ``binom.test(b, b + c)``). ``"asymptotic"``: the
        chi-square statistic on 1 df (R's ``mcnemar.test``).
    correction : bool, default True
        Continuity correction of the asymptotic statistic (Edwards 1948), as R's default.
        Ignored by the exact test.
    confidence_level : float, default 0.95
        Confidence level of the interval for the difference.
    measure : str, default "proportion"
        Label stored in the result.

    Returns
    -------
    McNemarTest

    Notes
    -----
    Only the discordant pairs carry information about a difference. Under the null hypothesis
    each of the :math:`b + c` discordant pairs is equally likely to fall either way, so
    :math:`b \\sim \\mathrm{Bin}(b + c, 1/2)` (exact test), or

    .. math:: X^2 = \\frac{(|b - c| - 1)^2}{b + c} \\sim \\chi^2_1

    with the continuity correction, :math:`(b - c)^2/(b + c)` without (McNemar 1947). The
    p-values come from :func:`statsmodels.stats.contingency_tables.mcnemar`, with two
    exceptions that follow R's ``mcnemar.test``: when :math:`b = c` the continuity correction is
    not applied (statsmodels would give a positive statistic for a difference of zero), and
    with no discordant pair the statistic is 0 and p = 1 (R returns NaN). The difference
    :math:`(b - c)/n` gets the Wald interval with
    :math:`\\widehat{SE} = \\sqrt{(b + c) - (b - c)^2/n}\\,/\\,n` (Agresti 2013, sec. 11.1),
    which is poor when :math:`b + c` is small.

    References
    ----------
    McNemar Q. Note on the sampling error of the difference between correlated proportions or
    percentages. Psychometrika 1947;12(2):153-157.
    Edwards AL. Note on the "correction for continuity" in testing the significance of the
    difference between correlated proportions. Psychometrika 1948;13(3):185-187.
    Agresti A. Categorical Data Analysis. 3rd ed. Wiley; 2013.

    Examples
    --------
    >>> res = mcnemar_test([[120, 12], [3, 15]])
    >>> round(res.estimate, 3), round(res.p_value, 4)
    (0.06, 0.0352)
    >>> round(mcnemar_test(b=12, c=3, a=120, d=15, method="asymptotic").p_value, 4)
    0.0389
    """
    if method not in MCNEMAR_METHODS:
        raise ValueError(f"method must be 'exact' or 'asymptotic'; got {method!r}")
    if not isinstance(correction, (bool, np.bool_)):
        raise TypeError(f"correction must be True or False, got {correction!r}")
    confidence_level = check_confidence_level(confidence_level)
    k = _two_by_two(table, {"a": a, "b": b, "c": c, "d": d})
    n = k["a"] + k["b"] + k["c"] + k["d"]
    if n == 0:
        raise ValueError("the table is empty (every count is 0)")
    nb, nc = k["b"], k["c"]
    from statsmodels.stats.contingency_tables import mcnemar as _sm_mcnemar

    if nb + nc == 0:
        statistic, p_value = (0.0, 1.0)
    elif method == "exact":
        res = _sm_mcnemar([[k["a"], nb], [nc, k["d"]]], exact=True)
        statistic, p_value = float(res.statistic), float(res.pvalue)
    else:
        use_correction = bool(correction) and nb != nc
        res = _sm_mcnemar([[k["a"], nb], [nc, k["d"]]], exact=False, correction=use_correction)
        statistic, p_value = float(res.statistic), float(res.pvalue)
    estimate = (nb - nc) / n
    se = math.sqrt(max((nb + nc) - (nb - nc) ** 2 / n, 0.0)) / n
    z = stats.norm.ppf(0.5 + confidence_level / 2)
    return McNemarTest(
        estimate=estimate,
        se=se,
        ci_low=float(estimate - z * se),
        ci_high=float(estimate + z * se),
        p_value=min(p_value, 1.0),
        statistic=statistic,
        method=method,
        correction=bool(correction) if method == "asymptotic" else False,
        table=(k["a"], nb, nc, k["d"]),
        n=n,
        p1=(k["a"] + nb) / n,
        p2=(k["a"] + nc) / n,
        confidence_level=confidence_level,
        measure=str(measure),
    )


def paired_accuracy_test(
    truth,
    positive1,
    positive2,
    *,
    measure: str = "sensitivity",
    method: str = "exact",
    correction: bool = True,
    confidence_level: float = 0.95,
) -> McNemarTest:
    """Compare the sensitivities (or specificities) of two tests read on the same participants.

    Parameters
    ----------
    truth : array-like of 0/1 or bool
        Reference standard, 1 = condition present.
    positive1, positive2 : array-like of 0/1 or bool
        The two tests' positive calls (e.g. ``marker >= 62`` and ``marker >= 58``), same
        participants in the same order.
    measure : {"sensitivity", "specificity"}, default "sensitivity"
        ``"sensitivity"``: McNemar's test on the positive (truth 1) participants' positive
        calls. ``"specificity"``: on the negative (truth 0) participants' negative calls.
    method : {"exact", "asymptotic"}, default "exact"
        See :func:`mcnemar_test`.
    correction : bool, default True
        Continuity correction of the asymptotic test.
    confidence_level : float, default 0.95
        Confidence level of the interval for the difference.

    Returns
    -------
    McNemarTest
        ``estimate`` is measure(test 1) - measure(test 2).

    Notes
    -----
    The two sensitivities are computed on the *same* positive (truth 1) participants, so they are
    correlated, and checking whether their separate confidence intervals overlap ignores that
    (and is too conservative). The paired table of the positive participants is
    ``a`` = positive on both, ``b`` = positive on test 1 only, ``c`` = positive on test 2 only,
    ``d`` = negative on both, and Se1 - Se2 = (b - c)/m. For specificities the roles of
    positive and negative are swapped within the negative (truth 0) participants (Hawass 1997; Trajman &
    Luiz 2008).

    References
    ----------
    McNemar Q. Psychometrika 1947;12:153-157.
    Hawass NE. Comparing the sensitivities and specificities of two diagnostic procedures
    performed on the same group of patients. Br J Radiol 1997;70:360-366.
    Trajman A, Luiz RR. McNemar chi2 test revisited: comparing sensitivity and specificity of
    diagnostic examinations. Scand J Clin Lab Invest 2008;68:77-80.

    Examples
    --------
    >>> truth = [1, 1, 1, 1, 1, 0, 0, 0]
    >>> res = paired_accuracy_test(truth, [1, 1, 1, 1, 0, 0, 0, 1], [1, 1, 0, 0, 0, 0, 0, 0])
    >>> res.p1, res.p2, res.discordant
    (0.8, 0.4, (2, 0))
    """
    if measure not in PAIRED_MEASURES:
        raise ValueError(f"measure must be 'sensitivity' or 'specificity'; got {measure!r}")
    y = as_binary_truth(truth, "truth")
    t1 = as_binary_truth(positive1, "positive1").astype(bool)
    t2 = as_binary_truth(positive2, "positive2").astype(bool)
    check_same_length(truth=y, positive1=t1, positive2=t2)
    keep = y == (1 if measure == "sensitivity" else 0)
    if not keep.any():
        group = "positive (1)" if measure == "sensitivity" else "negative (0)"
        raise ValueError(f"truth has no {group} participants, so the {measure} is undefined")
    # "success" is a positive call among truth 1, a negative call among truth 0
    s1, s2 = t1[keep], t2[keep]
    if measure == "specificity":
        s1, s2 = ~s1, ~s2
    return mcnemar_test(
        a=int(np.sum(s1 & s2)),
        b=int(np.sum(s1 & ~s2)),
        c=int(np.sum(~s1 & s2)),
        d=int(np.sum(~s1 & ~s2)),
        method=method,
        correction=correction,
        confidence_level=confidence_level,
        measure=measure,
    )


# ---------------------------------------------------------------------------------------------
# partial verification: Begg and Greenes' correction
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorrectedEstimate:
    """A sensitivity or specificity corrected for partial verification.

    Attributes
    ----------
    measure : str
        ``"sensitivity"`` or ``"specificity"``.
    estimate : float
        The Begg-Greenes estimate.
    se : float
        Its delta-method standard error (Begg & Greenes 1983).
    ci_low, ci_high : float
        Confidence limits, computed on the logit scale and transformed back (NaN when a count
        in the variance is zero).
    naive : float
        The same measure computed on the verified participants only (complete-case analysis).
    confidence_level : float
        Confidence level.
    """

    measure: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    naive: float
    confidence_level: float


@dataclass(frozen=True)
class VerificationCorrection:
    """Sensitivity and specificity corrected for partial verification (Begg & Greenes 1983).

    Attributes
    ----------
    sensitivity, specificity : CorrectedEstimate
    tp, fp, fn, tn : int
        The verified participants' 2x2 table.
    unverified_positive, unverified_negative : int
        Test-positive and test-negative participants without the reference standard.
    confidence_level : float
    """

    sensitivity: CorrectedEstimate
    specificity: CorrectedEstimate
    tp: int
    fp: int
    fn: int
    tn: int
    unverified_positive: int
    unverified_negative: int
    confidence_level: float

    @property
    def n(self) -> int:
        """All participants, verified or not."""
        return (
            self.tp
            + self.fp
            + self.fn
            + self.tn
            + self.unverified_positive
            + self.unverified_negative
        )

    @property
    def verified_share_positive(self) -> float:
        """Share of test-positive participants who were verified."""
        return (self.tp + self.fp) / (self.tp + self.fp + self.unverified_positive)

    @property
    def verified_share_negative(self) -> float:
        """Share of test-negative participants who were verified."""
        return (self.fn + self.tn) / (self.fn + self.tn + self.unverified_negative)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per measure with the naive and the corrected estimate."""
        return pd.DataFrame([vars(self.sensitivity), vars(self.specificity)])


def _logit_interval(estimate: float, var_logit: float, z: float) -> tuple[float, float, float]:
    """(se, low, high) from the variance of logit(estimate) (delta method)."""
    if not (0.0 < estimate < 1.0 and math.isfinite(var_logit)):
        return math.nan, math.nan, math.nan
    half = z * math.sqrt(var_logit)
    centre = math.log(estimate / (1 - estimate))
    se = estimate * (1 - estimate) * math.sqrt(var_logit)
    return se, 1 / (1 + math.exp(-(centre - half))), 1 / (1 + math.exp(-(centre + half)))


def begg_greenes_from_counts(
    *,
    tp: int,
    fp: int,
    fn: int,
    tn: int,
    unverified_positive: int,
    unverified_negative: int,
    confidence_level: float = 0.95,
) -> VerificationCorrection:
    """Begg-Greenes sensitivity and specificity from verified counts and unverified totals.

    Parameters
    ----------
    tp, fp, fn, tn : int
        The 2x2 table of the participants whose disease status was verified by the reference
        standard.
    unverified_positive, unverified_negative : int
        How many test-positive and test-negative participants were not verified.
    confidence_level : float, default 0.95
        Confidence level.

    Returns
    -------
    VerificationCorrection

    Notes
    -----
    If the decision to verify depends on the test result only (verification is *missing at
    random* given the test), the verified participants still estimate the predictive values
    :math:`P(D^+ \\mid T^+)` and :math:`P(D^+ \\mid T^-)` without bias, and every participant
    contributes the share of positive tests :math:`P(T^+)`. Bayes' theorem then gives

    .. math:: \\mathrm{Se} = \\frac{P(T^+)P(D^+\\mid T^+)}
        {P(T^+)P(D^+\\mid T^+) + P(T^-)P(D^+\\mid T^-)},\\qquad
        \\mathrm{Sp} = \\frac{P(T^-)P(D^-\\mid T^-)}
        {P(T^-)P(D^-\\mid T^-) + P(T^+)P(D^-\\mid T^+)}

    (Begg & Greenes 1983). With :math:`n_1, n_0` test-positive and test-negative participants
    in all (:math:`N = n_1 + n_0`), of whom :math:`v_1, v_0` verified, the delta method gives

    .. math:: \\mathrm{Var}(\\mathrm{logit}\\,\\widehat{\\mathrm{Se}}) = \\frac{N}{n_1 n_0}
        + \\frac{1}{TP} - \\frac{1}{v_1} + \\frac{1}{FN} - \\frac{1}{v_0},

    and for the specificity the same with FP and TN; ``se`` is
    :math:`\\widehat{\\mathrm{Se}}(1 - \\widehat{\\mathrm{Se}})` times its square root (Begg &
    Greenes' variance) and the interval is computed on the logit scale. The estimate equals the
    naive one on the table completed by sharing each unverified group between diseased and
    non-diseased in the proportions seen among the verified with the same test result, and the
    inverse-probability-weighted estimate (Alonzo & Pepe 2005). If verification depends on
    the disease itself, beyond the test result, the correction does not remove the bias.

    References
    ----------
    Begg CB, Greenes RA. Assessment of diagnostic tests when disease verification is subject
    to selection bias. Biometrics 1983;39(1):207-215.
    Zhou XH, Obuchowski NA, McClish DK. Statistical Methods in Diagnostic Medicine. 2nd ed.
    Wiley; 2011, chapter 10.
    Alonzo TA, Pepe MS. Assessing accuracy of a continuous screening test in the presence of
    verification bias. J R Stat Soc C 2005;54:173-190.

    Examples
    --------
    The hepatic scintigraphy data (Drum & Christacopoulos 1972), the textbook example:

    >>> res = begg_greenes_from_counts(tp=231, fp=32, fn=27, tn=54,
    ...                                unverified_positive=166, unverified_negative=140)
    >>> round(res.sensitivity.naive, 3), round(res.sensitivity.estimate, 3)
    (0.895, 0.836)
    >>> round(res.specificity.naive, 3), round(res.specificity.estimate, 3)
    (0.628, 0.738)
    """
    confidence_level = check_confidence_level(confidence_level)
    k = {
        name: _check_count(v, name)
        for name, v in (
            ("tp", tp),
            ("fp", fp),
            ("fn", fn),
            ("tn", tn),
            ("unverified_positive", unverified_positive),
            ("unverified_negative", unverified_negative),
        )
    }
    v1, v0 = k["tp"] + k["fp"], k["fn"] + k["tn"]
    if v1 == 0:
        raise ValueError("no verified test-positive participant: P(D+ | T+) cannot be estimated")
    if v0 == 0:
        raise ValueError("no verified test-negative participant: P(D+ | T-) cannot be estimated")
    if k["tp"] + k["fn"] == 0:
        raise ValueError("tp + fn is 0: no verified participant with the condition (truth 1)")
    if k["fp"] + k["tn"] == 0:
        raise ValueError("fp + tn is 0: no verified participant without the condition (truth 0)")
    n1, n0 = v1 + k["unverified_positive"], v0 + k["unverified_negative"]
    n = n1 + n0
    ppv, for_ = k["tp"] / v1, k["fn"] / v0  # P(D+ | T+), P(D+ | T-)
    pi = n1 / n
    se_hat = pi * ppv / (pi * ppv + (1 - pi) * for_)
    sp_hat = (1 - pi) * (1 - for_) / ((1 - pi) * (1 - for_) + pi * (1 - ppv))
    z = stats.norm.ppf(0.5 + confidence_level / 2)
    common = n / (n1 * n0)
    var_logit_se = common + _inv(k["tp"]) - 1 / v1 + _inv(k["fn"]) - 1 / v0
    var_logit_sp = common + _inv(k["tn"]) - 1 / v0 + _inv(k["fp"]) - 1 / v1
    se_se, se_low, se_high = _logit_interval(se_hat, var_logit_se, z)
    sp_se, sp_low, sp_high = _logit_interval(sp_hat, var_logit_sp, z)
    return VerificationCorrection(
        sensitivity=CorrectedEstimate(
            "sensitivity",
            se_hat,
            se_se,
            se_low,
            se_high,
            k["tp"] / (k["tp"] + k["fn"]),
            confidence_level,
        ),
        specificity=CorrectedEstimate(
            "specificity",
            sp_hat,
            sp_se,
            sp_low,
            sp_high,
            k["tn"] / (k["fp"] + k["tn"]),
            confidence_level,
        ),
        **k,
        confidence_level=confidence_level,
    )


def begg_greenes(
    truth, test_positive, verified, *, confidence_level: float = 0.95
) -> VerificationCorrection:
    """Sensitivity and specificity corrected for partial verification, from participant data.

    Parameters
    ----------
    truth : array-like of 0/1, with NaN allowed where not verified
        Reference standard (1 = condition present) of the verified participants; its value is ignored
        where ``verified`` is false.
    test_positive : array-like of 0/1 or bool
        The index test's positive calls, for every participant.
    verified : array-like of bool
        True where the reference standard was applied.
    confidence_level : float, default 0.95
        Confidence level.

    Returns
    -------
    VerificationCorrection

    Notes
    -----
    Counts the verified 2x2 table and the unverified test-positive and test-negative
    participants, then calls :func:`begg_greenes_from_counts` (see there for the formulas).

    References
    ----------
    Begg CB, Greenes RA. Biometrics 1983;39:207-215.

    Examples
    --------
    >>> res = begg_greenes([1, 1, 0, 0, float("nan"), float("nan")],
    ...                    [1, 0, 1, 0, 1, 0], [True, True, True, True, False, False])
    >>> res.unverified_positive, res.unverified_negative
    (1, 1)
    """
    t = as_binary_truth(test_positive, "test_positive").astype(bool)
    v = np.asarray(verified)
    if v.dtype != bool:
        v = as_binary_truth(v, "verified").astype(bool)
    raw = np.asarray(truth, dtype=float)
    check_same_length(truth=raw, test_positive=t, verified=v)
    if not v.any():
        raise ValueError("verified is false for every participant; nothing to estimate from")
    y = as_binary_truth(raw[v], "truth (verified participants)").astype(bool)
    tv = t[v]
    return begg_greenes_from_counts(
        tp=int(np.sum(tv & y)),
        fp=int(np.sum(tv & ~y)),
        fn=int(np.sum(~tv & y)),
        tn=int(np.sum(~tv & ~y)),
        unverified_positive=int(np.sum(t[~v])),
        unverified_negative=int(np.sum(~t[~v])),
        confidence_level=confidence_level,
    )
