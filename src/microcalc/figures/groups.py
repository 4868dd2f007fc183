"""Figures of the chapter "Who was studied": correlations, strain ratio by pattern, p-values."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from microcalc.figures.cohort import GROUP_COLOURS, PATTERN_ORDER, strain_by_pattern_boxes

__all__ = ["correlation_scatter", "p_value_comparison", "strain_ratio_by_pattern"]

_AXIS_LABELS = {
    "elasticity_kpa": "Emean (kPa)",
    "strain_ratio": "strain ratio",
    "lesion_size_mm": "lesion size (mm)",
    "age_years": "age (years)",
}
_PATTERN_LABELS = {
    "clustered": "clustered",
    "scattered": "scattered",
    "sparse_punctate": "sparse\npunctate",
}


def _groups(lesions: pd.DataFrame) -> pd.Series:
    return lesions["malignant"].map({1: "malignant", 0: "benign"})


def correlation_scatter(
    lesions: pd.DataFrame,
    correlations: Sequence,
    *,
    published: Mapping[str, float] | None = None,
) -> plt.Figure:
    """One scatter panel per correlation, annotated with its Spearman rho and CI.

    Parameters
    ----------
    lesions : pandas.DataFrame
        The lesion table (``malignant`` and the correlated columns).
    correlations : sequence
        Results with attributes ``x``, ``y``, ``estimate``, ``ci_low``, ``ci_high`` (for example
        :class:`microcalc.stats.compare.CorrelationResult`); panel k plots ``y`` against ``x``.
    published : mapping, optional
        Published rho per ``y`` column, printed under this cohort's.
    """
    data = lesions.assign(group=_groups(lesions))
    published = dict(published or {})
    fig, axes = plt.subplots(1, len(correlations), figsize=(5.2 * len(correlations), 4.3))
    axes = np.atleast_1d(axes)
    for ax, res in zip(axes, correlations, strict=True):
        sns.scatterplot(
            data=data,
            x=res.x,
            y=res.y,
            hue="group",
            hue_order=["malignant", "benign"],
            palette=GROUP_COLOURS,
            s=14,
            alpha=0.7,
            edgecolor="none",
            ax=ax,
        )
        text = f"this cohort: ρ = {res.estimate:.2f} ({res.ci_low:.2f} to {res.ci_high:.2f})"
        if res.y in published:
            text += f"\npublished: ρ = {published[res.y]:.2f}"
        ax.text(
            0.03,
            0.97,
            text,
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8"},
        )
        ax.set(
            xlabel=_AXIS_LABELS.get(res.x, res.x),
            ylabel=_AXIS_LABELS.get(res.y, res.y),
            title=f"{_AXIS_LABELS.get(res.x, res.x)} vs {_AXIS_LABELS.get(res.y, res.y)}",
        )
        handles, labels = ax.get_legend_handles_labels()
        ax.get_legend().remove()
    fig.legend(handles, labels, loc="upper center", ncol=2, frameon=False, markerscale=1.5)
    sns.despine(fig)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def strain_ratio_by_pattern(lesions: pd.DataFrame) -> plt.Figure:
    """Strain ratio by calcification pattern: all lesions, and malignant and benign apart.

    Parameters
    ----------
    lesions : pandas.DataFrame
        The lesion table (``malignant``, ``calcification_pattern``, ``strain_ratio``).
    """
    with warnings.catch_warnings():  # seaborn 0.13 passes matplotlib's deprecated ``vert``
        warnings.simplefilter("ignore", DeprecationWarning)
        return _strain_ratio_by_pattern(lesions)


def _strain_ratio_by_pattern(lesions: pd.DataFrame) -> plt.Figure:
    data = lesions.assign(group=_groups(lesions))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    ax = axes[0]
    sns.boxplot(
        data=data,
        x="calcification_pattern",
        y="strain_ratio",
        order=PATTERN_ORDER,
        color="0.85",
        showfliers=False,
        ax=ax,
    )
    sns.stripplot(
        data=data,
        x="calcification_pattern",
        y="strain_ratio",
        order=PATTERN_ORDER,
        hue="group",
        hue_order=["malignant", "benign"],
        palette=GROUP_COLOURS,
        size=3,
        alpha=0.6,
        jitter=0.25,
        ax=ax,
    )
    ax.set_xticks(range(3), [_PATTERN_LABELS[p] for p in PATTERN_ORDER])
    ax.set(xlabel="", ylabel="strain ratio", title="All lesions")
    ax.legend(title="", frameon=False, loc="upper right")
    ax = axes[1]
    strain_by_pattern_boxes(ax, data)
    ax.set_xticks(range(3), [_PATTERN_LABELS[p] for p in PATTERN_ORDER])
    ax.set(xlabel="", ylabel="", title="Within each group")
    ax.legend(title="", frameon=False, loc="upper right")
    sns.despine(fig)
    fig.tight_layout()
    return fig


def p_value_comparison(table: pd.DataFrame, *, floor: float = 1e-12) -> plt.Figure:
    """Published and recomputed p-values per variable on a log scale.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per variable: ``label``, ``published`` (the printed value), ``bound`` (True
        where the paper printed "P <" that value) and ``ours``. Further columns are ignored.
    floor : float, default 1e-12
        Left end of the axis; smaller p-values are drawn at the floor with a left arrow.
    """
    rows = table.reset_index(drop=True)
    y = np.arange(len(rows))[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(rows) + 1.4))
    raw = rows["ours"].to_numpy(dtype=float)
    ours = np.clip(raw, floor, 1)
    pub = rows["published"].to_numpy(dtype=float)
    bound = rows["bound"].to_numpy(dtype=bool)
    for yi, o, p, b in zip(y, ours, pub, bound, strict=True):
        ax.plot([min(o, p), max(o, p)], [yi, yi], color="0.8", lw=1.5, zorder=1)
        if b:
            ax.annotate(
                "",
                xy=(p / 30, yi),
                xytext=(p, yi),
                arrowprops={"arrowstyle": "->", "color": "0.35"},
            )
    ax.scatter(pub[~bound], y[~bound], marker="s", s=50, color="0.35", label="published", zorder=3)
    ax.scatter(
        pub[bound], y[bound], marker="<", s=60, color="0.35", label="published “<”", zorder=3
    )
    below = raw < floor
    ax.scatter(
        ours[~below], y[~below], marker="o", s=50, color="#c0392b", label="this cohort", zorder=3
    )
    ax.scatter(
        ours[below],
        y[below],
        marker="<",
        s=60,
        color="#c0392b",
        label=f"this cohort, below {floor:g}",
        zorder=3,
    )
    ax.axvline(0.05, color="0.3", ls="--", lw=1)
    ax.text(0.05, y.max() + 0.6, " 0.05", fontsize=8, va="bottom", color="0.3")
    ax.set_xscale("log")
    ax.set_xlim(floor / 3, 2)
    ax.set_yticks(y, rows["label"])
    ax.set_ylim(-0.7, len(rows) - 0.1)
    ax.set_xlabel("two-sided p-value (log scale)")
    ax.legend(frameon=False, fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.02), ncol=4)
    sns.despine(fig)
    fig.tight_layout()
    return fig
