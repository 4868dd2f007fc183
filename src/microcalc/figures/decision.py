"""Figures of the chapter "Would it reduce unnecessary biopsies?".

Each function draws results it is given (tidy tables from :mod:`microcalc.stats.accuracy` and
:mod:`microcalc.stats.decision`) and computes no statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter

from microcalc.figures.cohort import GROUP_COLOURS

__all__ = ["STRATEGY_STYLES", "consequence_bars", "decision_curve_panels", "prevalence_curves"]

#: Line style of each strategy: (colour, line style, line width).
STRATEGY_STYLES = {
    "biopsy all": ("0.45", "-", 1.6),
    "biopsy none": ("0.1", ":", 1.4),
    "Emean ≥ 62 kPa": ("#1b9e77", "-", 2.2),
    "elasticity (logistic)": ("#7570b3", "--", 2.0),
    "combined model": ("#d95f02", "-.", 2.0),
}
_FALLBACK = ["#e7298a", "#66a61e", "#e6ab02", "#a6761d"]


def _style(name: str, i: int) -> tuple[str, str, float]:
    return STRATEGY_STYLES.get(name, (_FALLBACK[i % len(_FALLBACK)], "-", 1.8))


def prevalence_curves(
    frame: pd.DataFrame,
    *,
    span: tuple[float, float] | None = None,
    span_label: str = "",
    marks: Mapping[str, float] | None = None,
    title: str = "Predictive values of one rule at every prevalence",
    risk_reference: tuple[float, str] | None = None,
    risk_xmax: float = 0.6,
) -> plt.Figure:
    """PPV, NPV and the residual risk after a negative result against prevalence, with bands.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :meth:`microcalc.stats.accuracy.DiagnosticAccuracy.at_prevalence` over a grid: columns
        prevalence, measure (``"ppv"``/``"npv"``), estimate, ci_low, ci_high.
    span : (float, float), optional
        A range of prevalences to shade (e.g. a published range).
    span_label : str
        Legend label of the shaded range.
    marks : mapping of str to float, optional
        Prevalences to mark with labelled vertical lines.
    title : str
        Title of the left panel.
    risk_reference : (float, str), optional
        A risk to draw as a horizontal line on the right panel, with its label.
    risk_xmax : float, default 0.6
        Upper prevalence limit of the right panel.
    """
    fig, axes = plt.subplots(1, 2, figsize=(9.6, 4.0), gridspec_kw={"width_ratios": [1.35, 1]})
    ppv = frame[frame["measure"] == "ppv"].sort_values("prevalence")
    npv = frame[frame["measure"] == "npv"].sort_values("prevalence")
    colours = {"ppv": GROUP_COLOURS["malignant"], "npv": GROUP_COLOURS["benign"]}

    ax = axes[0]
    for sub, key, label in ((ppv, "ppv", "PPV"), (npv, "npv", "NPV")):
        ax.plot(sub["prevalence"], sub["estimate"], color=colours[key], lw=2, label=label)
        ax.fill_between(
            sub["prevalence"], sub["ci_low"], sub["ci_high"], color=colours[key], alpha=0.18
        )
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls=":", label="no test (PPV = prevalence)")
    ax.set(
        xlabel="prevalence of malignancy",
        ylabel="predictive value",
        xlim=(0, 1),
        ylim=(0, 1.01),
        title=title,
    )

    ax2 = axes[1]
    residual = npv.assign(
        estimate=1 - npv["estimate"], ci_low=1 - npv["ci_high"], ci_high=1 - npv["ci_low"]
    )
    ax2.plot(residual["prevalence"], residual["estimate"], color=colours["npv"], lw=2)
    ax2.fill_between(
        residual["prevalence"],
        residual["ci_low"],
        residual["ci_high"],
        color=colours["npv"],
        alpha=0.18,
    )
    ax2.set(
        xlabel="prevalence of malignancy",
        ylabel="risk of cancer after a negative result",
        title="Left unbiopsied, but not risk-free",
    )
    shown = residual[residual["prevalence"] <= risk_xmax]
    ax2.set(xlim=(0, risk_xmax), ylim=(0, 1.05 * float(shown["ci_high"].max())))
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if risk_reference is not None:
        value, label = risk_reference
        ax2.axhline(value, color="0.2", lw=1, ls=":")
        ax2.annotate(
            label,
            (0.01, value),
            xycoords=("axes fraction", "data"),
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=8.5,
            color="0.2",
        )
    for axis in axes:
        if span is not None:
            axis.axvspan(*span, color="0.5", alpha=0.15, lw=0, label=span_label or None)
        for label, prevalence in (marks or {}).items():
            axis.axvline(prevalence, color="0.3", ls="--", lw=1)
            axis.annotate(
                label,
                (prevalence, 0.03),
                xycoords=("data", "axes fraction"),
                xytext=(-3, 0),
                textcoords="offset points",
                rotation=90,
                ha="right",
                va="bottom",
                fontsize=8.5,
                color="0.25",
            )
    # below the panels, where it can cover neither a curve nor a label
    handles, labels = axes[0].get_legend_handles_labels()
    sns.despine(fig)
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    fig.legend(
        handles, labels, frameon=False, loc="lower center", ncols=min(len(labels), 2), fontsize=9
    )
    return fig


def decision_curve_panels(
    curves: pd.DataFrame,
    *,
    panels: Sequence[tuple[float, str]],
    order: Sequence[str] | None = None,
    band: Sequence[str] = (),
    reference_threshold: float | None = None,
    reference_label: str = "",
    ylim_low: float = -0.05,
) -> plt.Figure:
    """Decision curves: net benefit against threshold probability, one panel per prevalence.

    Parameters
    ----------
    curves : pandas.DataFrame
        From :func:`microcalc.stats.decision.decision_curves`, possibly several concatenated, with
        columns strategy, threshold, prevalence, net_benefit, ci_low, ci_high.
    panels : sequence of (float, str)
        The prevalence of each panel and its title.
    order : sequence of str, optional
        Strategies to draw, in legend order (default: all, in table order).
    band : sequence of str
        Strategies whose confidence band (ci_low, ci_high) is shaded.
    reference_threshold : float, optional
        A threshold to mark with a vertical line.
    reference_label : str
        Its label.
    ylim_low : float, default -0.05
        Lower limit of the net-benefit axis; strategies far below it (biopsy-all at high
        thresholds) are cut off, as is customary.
    """
    names = list(order) if order is not None else list(pd.unique(curves["strategy"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.8 * len(panels), 4.4), sharex=True)
    axes = [axes] if len(panels) == 1 else list(axes)
    for ax, (prevalence, title) in zip(axes, panels, strict=True):
        sub = curves[(curves["prevalence"] - prevalence).abs() < 1e-12]
        for i, name in enumerate(names):
            line = sub[sub["strategy"] == name].sort_values("threshold")
            if line.empty:
                continue
            colour, ls, lw = _style(name, i)
            ax.plot(line["threshold"], line["net_benefit"], color=colour, ls=ls, lw=lw, label=name)
            if name in band:
                ax.fill_between(
                    line["threshold"], line["ci_low"], line["ci_high"], color=colour, alpha=0.15
                )
        if reference_threshold is not None:
            ax.axvline(reference_threshold, color="0.3", lw=1, ls="--")
            ax.annotate(
                reference_label,
                (reference_threshold, 0.03),
                xycoords=("data", "axes fraction"),
                xytext=(4, 0),
                textcoords="offset points",
                rotation=90,
                ha="left",
                va="bottom",
                fontsize=8.5,
                color="0.25",
            )
        ax.set(
            title=title,
            xlabel="threshold probability for biopsy",
            ylabel="net benefit per woman",
            ylim=(ylim_low, prevalence * 1.08),
            xlim=(0, float(sub["threshold"].max())),
        )
    handles, labels = axes[0].get_legend_handles_labels()
    sns.despine(fig)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.legend(
        handles,
        labels,
        frameon=False,
        loc="lower center",
        ncols=min(len(labels), 3),
        fontsize=9,
    )
    return fig


def consequence_bars(table: pd.DataFrame, *, per: int = 100) -> plt.Figure:
    """Per ``per`` women: who is biopsied and who is not, for each strategy and setting.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per bar, indexed by its label, with columns cancers_found, benign_biopsies,
        cancers_missed, benign_biopsies_avoided (counts per ``per`` women, as in
        :func:`microcalc.stats.decision.biopsy_consequences`).
    per : int, default 100
        The number of women the counts refer to (axis label).
    """
    segments = [
        ("cancers_found", "cancer, biopsied", GROUP_COLOURS["malignant"], None),
        ("cancers_missed", "cancer, not biopsied (missed)", "#f1948a", "///"),
        ("benign_biopsies", "benign, biopsied (unnecessary)", "#85929e", None),
        ("benign_biopsies_avoided", "benign, biopsy avoided", GROUP_COLOURS["benign"], None),
    ]
    fig, ax = plt.subplots(figsize=(8.4, 0.7 * len(table) + 1.6))
    labels = list(table.index)
    left = pd.Series(0.0, index=table.index)
    for column, label, colour, hatch in segments:
        values = table[column].astype(float)
        bars = ax.barh(
            labels, values, left=left, color=colour, hatch=hatch, edgecolor="white", label=label
        )
        for bar, value in zip(bars, values, strict=True):
            if value >= 3:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if column != "cancers_missed" else "0.1",
                )
        left = left + values
    ax.invert_yaxis()
    ax.set(xlim=(0, per), xlabel=f"women, per {per} referred")
    ax.legend(frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.4, -0.2), fontsize=9)
    sns.despine(fig, left=True)
    fig.tight_layout()
    return fig
