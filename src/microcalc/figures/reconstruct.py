"""Figures of the chapter "Can these numbers all be true?".

Each function draws data or results it is given (data sets, ROC curves computed by
:mod:`microcalc.stats.roc`, bounds from :mod:`microcalc.study.proofs`, plausibility tables from
:mod:`microcalc.study.reconstruct`); none computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from microcalc.figures.cohort import GROUP_COLOURS

__all__ = ["budget_plot", "plausibility_plot", "roc_overlay", "witness_panels"]

CUTOFF_COLOUR = "#7f8c8d"


def _hist(ax, values: np.ndarray, bins: np.ndarray, colour: str, label: str) -> None:
    ax.hist(values, bins=bins, color=colour, alpha=0.65, label=label, edgecolor="none")


def witness_panels(
    datasets: Mapping[str, pd.DataFrame],
    *,
    cutoff: float = 62.0,
    columns: tuple[tuple[str, float, str], ...] = (
        ("elasticity_kpa", 1.0, "elasticity (kPa)"),
        ("strain_ratio", 0.05, "strain ratio"),
    ),
) -> plt.Figure:
    """Histograms of each column by group, one row per data set, one panel per column.

    Parameters
    ----------
    datasets : mapping of title -> DataFrame
        Each with ``malignant`` and the ``columns``.
    cutoff : float, default 62.0
        Drawn as a vertical line on the elasticity panels (NaN: none).
    columns : tuple of (column, bin width, axis label)
    """
    rows = len(datasets)
    fig, axes = plt.subplots(
        rows, len(columns), figsize=(5.5 * len(columns), 2.9 * rows), squeeze=False
    )
    bins_of = {}
    for column, width, _ in columns:
        values = np.concatenate([d[column].to_numpy() for d in datasets.values()])
        start = np.floor(values.min() / width) * width - width
        bins_of[column] = np.arange(start, values.max() + 2 * width, width)
    for r, (title, data) in enumerate(datasets.items()):
        for c, (column, _, unit) in enumerate(columns):
            ax = axes[r, c]
            for flag, group in ((0, "benign"), (1, "malignant")):
                values = data.loc[data["malignant"] == flag, column].to_numpy()
                _hist(ax, values, bins_of[column], GROUP_COLOURS[group], group)
            if column == "elasticity_kpa" and np.isfinite(cutoff):
                ax.axvline(cutoff, color=CUTOFF_COLOUR, lw=1, ls="--")
            ax.set_xlabel(unit)
            ax.set_ylabel("lesions per bin")
            ax.set_title(f"{title}: {unit.split(' (')[0]}", loc="left", fontsize=10)
            if r == 0 and c == 0:
                ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def roc_overlay(
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    published: Mapping[str, float] | None = None,
) -> plt.Figure:
    """ROC curves (1 - specificity against sensitivity) of several markers or data sets.

    Parameters
    ----------
    curves : mapping of label -> (false-positive rate, true-positive rate)
    published : mapping of label -> AUC, optional
        Written beside the legend, so the reader sees what each curve should reach.
    """
    fig, ax = plt.subplots(figsize=(5.6, 5.2))
    styles = ["-", "--", "-.", ":"]
    for k, (label, (fpr, tpr)) in enumerate(curves.items()):
        ax.step(fpr, tpr, where="post", ls=styles[k % len(styles)], lw=1.6, label=label)
    ax.plot([0, 1], [0, 1], color="#cccccc", lw=0.8)
    ax.set_xlabel("1 - specificity")
    ax.set_ylabel("sensitivity")
    ax.set_xlim(-0.01, 0.5)
    ax.set_ylim(0.5, 1.01)
    ax.set_aspect("equal")
    title = "ROC curves (upper-left corner)"
    if published:
        title += "\npublished: " + ", ".join(f"{k} {v:.2f}" for k, v in published.items())
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def budget_plot(
    budgets: Mapping[str, pd.DataFrame],
    observed: Mapping[str, Mapping[str, pd.DataFrame]],
    *,
    cutoff: float = 62.0,
) -> plt.Figure:
    """The most lesions a group's mean and SD allow beyond each threshold, with data sets.

    Parameters
    ----------
    budgets : mapping of group -> DataFrame with ``threshold`` and ``max_beyond``
        From :func:`microcalc.study.proofs.cutoff_budget`.
    observed : mapping of group -> mapping of data-set label -> DataFrame
        ``threshold`` and ``beyond``: how many lesions of that group lie beyond each
        threshold in a data set (counted by the caller).
    """
    fig, axes = plt.subplots(1, len(budgets), figsize=(11, 3.8), squeeze=False)
    for ax, (group, bound) in zip(axes[0], budgets.items(), strict=True):
        ax.step(
            bound["threshold"],
            bound["max_beyond"],
            where="mid",
            color="black",
            lw=2,
            label="largest possible (proved)",
        )
        for k, (label, frame) in enumerate(observed.get(group, {}).items()):
            ax.step(
                frame["threshold"],
                frame["beyond"],
                where="mid",
                lw=1.4,
                ls=["--", ":", "-."][k % 3],
                label=label,
            )
        ax.axvline(cutoff, color=CUTOFF_COLOUR, lw=1, ls="--")
        side = "at or above" if group == "benign" else "below"
        ax.set_xlabel("threshold t (kPa)")
        ax.set_ylabel(f"{group} lesions {side} t")
        ax.set_title(f"{group}: lesions beyond each threshold", loc="left", fontsize=10)
        ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plausibility_plot(tables: Mapping[str, pd.DataFrame]) -> plt.Figure:
    """Each shape measure: the model's 95% range over replicate studies, and data sets' values.

    Parameters
    ----------
    tables : mapping of data-set label -> DataFrame
        :attr:`microcalc.study.reconstruct.Plausibility.table` of each data set (same measures).
    """
    first = next(iter(tables.values()))
    panels = list(dict.fromkeys(first["measure"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.6), squeeze=False)
    markers = ["o", "D", "s", "^"]
    for ax, measure in zip(axes[0], panels, strict=True):
        rows = first[first["measure"] == measure].reset_index(drop=True)
        for y, row in rows.iterrows():
            ax.plot(
                [row.model_low, row.model_high],
                [y, y],
                color="#bbbbbb",
                lw=6,
                solid_capstyle="butt",
            )
            ax.plot([row.model_median], [y], "|", color="#555555", ms=12)
        for k, (label, table) in enumerate(tables.items()):
            sub = table[table["measure"] == measure].reset_index(drop=True)
            ax.scatter(
                sub["value"],
                np.arange(len(sub)) + 0.12 * (k - 0.5),
                marker=markers[k % 4],
                s=36,
                label=label,
                zorder=3,
                color=[GROUP_COLOURS[g] for g in sub["group"]],
                edgecolor="black",
                lw=0.5,
            )
        if measure == "modes":
            ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.set_yticks(range(len(rows)), rows["group"])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_title(measure.replace("_", " "), fontsize=10)
    handles = [
        plt.Line2D([], [], color="#bbbbbb", lw=6, label="model, 95% of studies"),
        *[
            plt.Line2D([], [], ls="", marker=markers[k % 4], color="grey", label=label)
            for k, label in enumerate(tables)
        ],
    ]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig
