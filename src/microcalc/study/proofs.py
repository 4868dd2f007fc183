"""Bounds that hold for every data set the paper's own numbers allow.

A search that finds no data set proves nothing; an inequality does. Each function here takes
published numbers (from :mod:`microcalc.study.paper`, with the full range their printed rounding
allows) and returns a :class:`Bound`: the quantity bounded, the bound, the published value it
is compared with, and whether the two are incompatible (``impossible``), together with the
premise the argument needs. The arithmetic checks of :mod:`microcalc.study.audit` (GRIM, t-tests
from summaries, CI methods) are the other half of the proofs; this module adds inequalities.

- :func:`accuracy_bound`: accuracy is a weighted mean of sensitivity and specificity.
- :func:`wald_symmetry`: a Wald CI of an odds ratio is symmetric on the log scale.
- :func:`information_bound`: the Fisher information of a logistic coefficient is at most a
  quarter of the predictor's sum of squares, which bounds the width of its CI from below.
- :func:`cutoff_budget`: the sum of squares a group's mean and SD allow bounds how far above
  (or below) a cutoff its values can lie, which forces false positives close to 62 kPa.

Examples
--------
>>> accuracy_bound().impossible
True
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from microcalc.study import audit, paper

__all__ = [
    "Bound",
    "CutoffBudget",
    "accuracy_bound",
    "all_bounds",
    "cutoff_budget",
    "information_bound",
    "wald_symmetry",
]

_Z975 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Bound:
    """One inequality applied to the paper's numbers.

    Attributes
    ----------
    proof_id : str
        Stable identifier, e.g. ``"accuracy_bound"``.
    keys : tuple of str
        The :mod:`microcalc.study.paper` keys that cannot all be true when ``impossible``.
    quantity : str
        What is bounded, in words.
    premise : str
        What the argument assumes beyond arithmetic ("" when nothing).
    inequality : str
        The inequality, in words and symbols.
    bound_low, bound_high : float
        The range the inequality allows for ``quantity`` (``-inf``/``inf`` when open).
    published_low, published_high : float
        The range the printed number stands for.
    impossible : bool
        Whether the two ranges are disjoint: the numbers in ``keys`` cannot all be true
        (under ``premise``).
    """

    proof_id: str
    keys: tuple[str, ...]
    quantity: str
    premise: str
    inequality: str
    bound_low: float
    bound_high: float
    published_low: float
    published_high: float
    impossible: bool

    def as_row(self) -> dict:
        """The bound as a table row (``keys`` joined with ``;``)."""
        row = asdict(self)
        row["keys"] = ";".join(self.keys)
        return row


def _window(key: str) -> tuple[float, float]:
    pub = paper.get(key)
    return audit.printed_interval(pub.value, pub.decimals, pub.qualifier)


def _disjoint(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[1] <= b[0] or b[1] <= a[0]


def accuracy_bound() -> Bound:
    """Accuracy lies between sensitivity and specificity.

    With :math:`n_1` malignant and :math:`n_0` benign lesions,
    :math:`\\mathrm{acc} = (n_1 \\mathrm{Se} + n_0 \\mathrm{Sp}) / (n_1 + n_0)`, a weighted mean,
    so :math:`\\min(\\mathrm{Se}, \\mathrm{Sp}) \\le \\mathrm{acc} \\le \\max(\\mathrm{Se},
    \\mathrm{Sp})` whatever the counts. The bound uses the whole rounding interval of both.

    References
    ----------
    Bossuyt PM, et al. STARD 2015. BMJ 2015;351:h5527 (accuracy as the share correctly
    classified).

    Examples
    --------
    >>> b = accuracy_bound()
    >>> b.bound_high < b.published_low
    True
    """
    se, sp = _window("roc.sensitivity"), _window("roc.specificity")
    low, high = min(se[0], sp[0]), max(se[1], sp[1])
    acc = _window("roc.accuracy")
    return Bound(
        proof_id="accuracy_bound",
        keys=("roc.accuracy", "roc.sensitivity", "roc.specificity"),
        quantity="accuracy at 62 kPa (%)",
        premise="accuracy, sensitivity and specificity are computed on the same lesions "
        "at the same cutoff",
        inequality="min(Se, Sp) <= accuracy <= max(Se, Sp)",
        bound_low=low,
        bound_high=high,
        published_low=acc[0],
        published_high=acc[1],
        impossible=_disjoint((low, high), acc),
    )


def wald_symmetry(variable: str) -> Bound:
    """A Wald CI of an odds ratio has the odds ratio as its geometric midpoint.

    :math:`\\exp(\\hat\\beta \\pm z\\,SE)` gives :math:`\\sqrt{\\mathrm{low}\\cdot
    \\mathrm{high}} = \\exp(\\hat\\beta) = \\mathrm{OR}`. Over the rounding of the printed limits
    the midpoint ranges over an interval (:func:`microcalc.study.audit.odds_ratio_ci_check`); if that
    interval misses the printed OR's, OR and CI cannot both come from one Wald interval.

    Parameters
    ----------
    variable : str
        A Table 3 variable: ``"age_years"``, ``"lesion_size_mm"``, ``"dense_breast"``,
        ``"elasticity_kpa"`` or ``"strain_ratio"``.

    References
    ----------
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013,
    section 1.4 (the Wald interval for an odds ratio).

    Examples
    --------
    >>> b = wald_symmetry("strain_ratio")
    >>> b.impossible, round(b.bound_low, 3)
    (True, 2.536)
    """
    base = f"table3.{variable}"
    try:
        ratio, low, high = (paper.get(f"{base}.{k}") for k in ("odds_ratio", "ci_low", "ci_high"))
    except KeyError as err:
        raise ValueError(f"variable {variable!r} has no odds ratio in Table 3") from err
    check = audit.odds_ratio_ci_check(ratio.value, low.value, high.value, decimals=low.decimals)
    published = _window(ratio.key)
    bound = (check["mid_min"], check["mid_max"])
    return Bound(
        proof_id=f"wald_symmetry.{variable}",
        keys=(ratio.key, low.key, high.key),
        quantity=f"odds ratio of {variable} implied by its CI",
        premise="the CI is a Wald interval exp(b +- 1.96 SE), as SPSS prints for Exp(B)",
        inequality="OR = sqrt(low x high)",
        bound_low=bound[0],
        bound_high=bound[1],
        published_low=published[0],
        published_high=published[1],
        impossible=_disjoint(bound, published),
    )


def _largest_sum_of_squares(marker: str) -> float:
    """Pooled sum of squares of a Table 2 marker at the most generous corner of the rounding
    box: the largest SDs and the largest difference of group means."""
    groups = ("malignant", "benign")
    n = {g: paper.value(f"design.n.{g}") for g in groups}
    mean = {
        "malignant": _window(f"table2.{marker}.malignant.mean")[1],
        "benign": _window(f"table2.{marker}.benign.mean")[0],
    }
    sd = {g: _window(f"table2.{marker}.{g}.sd")[1] for g in groups}
    grand = sum(n[g] * mean[g] for g in groups) / sum(n.values())
    return sum((n[g] - 1) * sd[g] ** 2 + n[g] * (mean[g] - grand) ** 2 for g in groups)


def information_bound(variable: str) -> Bound:
    """Lower bound on the SE of a logistic coefficient from the predictor's spread.

    In any logistic model the Fisher information of a coefficient, adjusted for the other
    terms, is at most :math:`\\sum_i p_i(1-p_i)(x_i - \\bar x)^2 \\le \\tfrac14
    \\sum_i (x_i - \\bar x)^2`, since :math:`p(1-p) \\le 1/4`. The pooled sum of squares
    follows from Table 2's group means and SDs, so
    :math:`SE(\\hat\\beta) \\ge 2 / \\sqrt{SS}`. A Wald CI of the OR has
    :math:`SE = (\\log\\mathrm{high} - \\log\\mathrm{low}) / (2 z)`; a printed CI narrower than
    the bound allows is impossible. The bound is crude (it takes every fitted probability to
    be 1/2), so a bound that is not violated proves nothing either way.

    Parameters
    ----------
    variable : {"elasticity_kpa", "strain_ratio"}

    References
    ----------
    McCullagh P, Nelder JA. Generalized Linear Models. 2nd ed. Chapman & Hall; 1989,
    section 4.4 (the information matrix X'WX of a binomial GLM).

    Examples
    --------
    >>> b = information_bound("strain_ratio")
    >>> b.impossible
    False
    """
    if variable not in ("elasticity_kpa", "strain_ratio"):
        raise ValueError(f"variable must be 'elasticity_kpa' or 'strain_ratio', got {variable!r}")
    best = _largest_sum_of_squares(variable)
    se_min = 2.0 / math.sqrt(best)
    low, high = _window(f"table3.{variable}.ci_low"), _window(f"table3.{variable}.ci_high")
    implied = (
        (math.log(high[0]) - math.log(low[1])) / (2 * _Z975),
        (math.log(high[1]) - math.log(low[0])) / (2 * _Z975),
    )
    return Bound(
        proof_id=f"information_bound.{variable}",
        keys=(f"table3.{variable}.ci_low", f"table3.{variable}.ci_high", f"table2.{variable}"),
        quantity=f"SE of the log-odds coefficient of {variable}",
        premise="a Wald CI from a maximum-likelihood logistic fit on the 300 lesions",
        inequality="SE(b) >= 2 / sqrt(sum of squares of x)",
        bound_low=se_min,
        bound_high=math.inf,
        published_low=implied[0],
        published_high=implied[1],
        impossible=implied[1] < se_min,
    )


@dataclass(frozen=True)
class CutoffBudget:
    """What one group's mean and SD allow beyond a cutoff.

    Attributes
    ----------
    group : str
    n : int
    beyond : int
        Values of the group on the far side of the cutoff (benign at or above it, malignant
        below it).
    cutoff : float
    farthest_mean : float
        The largest possible distance of the mean of those ``beyond`` values from the cutoff,
        over every data set with the printed mean and SD.
    counts : pandas.DataFrame
        ``threshold``, ``max_beyond``: for thresholds further from the cutoff, the most
        values of the group that can lie beyond each.
    """

    group: str
    n: int
    beyond: int
    cutoff: float
    farthest_mean: float
    counts: pd.DataFrame


def _max_beyond(n: int, ss_max: float, distance: float) -> int:
    """Most of n values that can lie at least ``distance`` from the mean on one side.

    k values at distance >= d on one side force the other n - k to average k d / (n - k)
    on the other side, so SS >= k d^2 + k^2 d^2 / (n - k) = k n d^2 / (n - k) (equality when
    each side is constant).
    """
    if distance <= 0:
        return n
    best = 0
    for k in range(1, n):
        if k * n * distance**2 / (n - k) <= ss_max:
            best = k
    return best


def cutoff_budget(group: str, *, cutoff: float = 62.0, step: float = 1.0) -> CutoffBudget:
    """How far a group's values can lie beyond the cutoff, given its mean and SD.

    For the benign group (published mean 45.7, SD 9.8, 20 of 150 at or above 62 kPa): the
    sum of squares :math:`(n-1) SD^2` is a budget. ``k`` values with mean :math:`\\mu + d`
    cost at least :math:`k n d^2 / (n - k)` of it (the other values must balance them, and the
    cost is least when each side is constant), so their mean distance from the group mean is
    at most :math:`\\sqrt{(n-1) SD^2 (n-k) / (k n)}`, and at most ``max_beyond(t)`` values
    can lie beyond any threshold ``t``. The malignant group's false negatives are bounded the
    same way from below. Both bounds use the most generous corner of the rounding box.

    Consequence for the Youden optimum at 62 kPa: the split at 62 is the unique optimum only if,
    for every ``t`` above 62, more malignant than benign values lie in [62, t). Since at most
    ``max_beyond(t)`` benign values lie at or above ``t``, at least ``20 - max_beyond(t)`` of
    the false positives lie in [62, t), and so must at least one more malignant value: the
    false positives are forced into a narrow band above the cutoff, and malignant lesions
    must pile up beside them.

    Parameters
    ----------
    group : {"benign", "malignant"}
    cutoff : float, default 62.0
    step : float, default 1.0
        Spacing of the thresholds in ``counts`` (kPa).

    References
    ----------
    Cantelli FP. Sui confini della probabilita. Atti del Congresso Internazionale dei
    Matematici 1928;6:47-59 (the one-sided Chebyshev bound, of which this is the
    finite-sample form).

    Examples
    --------
    >>> b = cutoff_budget("benign")
    >>> b.beyond, round(b.cutoff + b.farthest_mean, 1) < 71
    (20, True)
    """
    if group not in ("benign", "malignant"):
        raise ValueError(f"group must be 'benign' or 'malignant', got {group!r}")
    n = int(paper.value(f"design.n.{group}"))
    mean_w = _window(f"table2.elasticity_kpa.{group}.mean")
    sd_w = _window(f"table2.elasticity_kpa.{group}.sd")
    ss_max = (n - 1) * sd_w[1] ** 2
    if group == "benign":
        spec = next(
            k
            for k in range(n + 1)
            if audit.round_half_up(100 * k / n, 1) == paper.value("roc.specificity")
        )
        beyond = n - spec
        mean = mean_w[1]  # the highest mean is the most generous to values above the cutoff
        sign = 1.0
    else:
        sens = next(
            k
            for k in range(n + 1)
            if audit.round_half_up(100 * k / n, 1) == paper.value("roc.sensitivity")
        )
        beyond = n - sens
        mean = mean_w[0]  # the lowest mean is the most generous to values below it
        sign = -1.0
    # the mean of the `beyond` values is at most this far from the group mean
    farthest_from_mean = math.sqrt(ss_max * (n - beyond) / (beyond * n))
    farthest_from_cutoff = farthest_from_mean - sign * (cutoff - mean)
    thresholds = cutoff + sign * np.arange(0.0, 60.0 + step / 2, step)
    rows = [
        {
            "threshold": float(t),
            "max_beyond": _max_beyond(n, ss_max, sign * (t - mean)),
        }
        for t in thresholds
    ]
    return CutoffBudget(
        group=group,
        n=n,
        beyond=beyond,
        cutoff=cutoff,
        farthest_mean=float(farthest_from_cutoff),
        counts=pd.DataFrame(rows),
    )


def all_bounds() -> pd.DataFrame:
    """Every bound of this module as one table (one row per :class:`Bound`).

    Examples
    --------
    >>> table = all_bounds()
    >>> int(table["impossible"].sum()) >= 2
    True
    """
    bounds = [accuracy_bound()]
    bounds += [
        wald_symmetry(v)
        for v in ("age_years", "lesion_size_mm", "dense_breast", "elasticity_kpa", "strain_ratio")
    ]
    bounds += [information_bound(v) for v in ("elasticity_kpa", "strain_ratio")]
    return pd.DataFrame([b.as_row() for b in bounds])
