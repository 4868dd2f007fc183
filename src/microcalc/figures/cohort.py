"""Figures of the chapter "The simulated cohort" and the book-wide style."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

__all__ = ["GROUP_COLOURS", "cohort_distributions", "seed_spread", "set_style"]

GROUP_COLOURS = {"malignant": "#c0392b", "benign": "#2471a3"}
HISTOLOGY_ORDER = [
    "dcis",
    "invasive_carcinoma",
    "fibroadenoma",
    "fibrocystic_change",
    "benign_calcification",
]
HISTOLOGY_LABELS = {
    "dcis": "DCIS",
    "invasive_carcinoma": "invasive\ncarcinoma",
    "fibroadenoma": "fibro-\nadenoma",
    "fibrocystic_change": "fibrocystic\nchange",
    "benign_calcification": "benign\ncalcification",
}
PATTERN_ORDER = ["clustered", "scattered", "sparse_punctate"]


def set_style() -> None:
    """The book's plotting style (seaborn 'ticks', readable font sizes)."""
    sns.set_theme(style="ticks", context="notebook", font_scale=0.95)
    plt.rcParams.update({"figure.dpi": 110, "savefig.bbox": "tight", "axes.titleweight": "bold"})


def strain_by_pattern_boxes(ax: plt.Axes, data: pd.DataFrame) -> None:
    """Box plots of strain ratio by calcification pattern, malignant and benign side by side.

    ``data`` is a lesion table with a ``group`` column ("malignant"/"benign").
    """
    sns.boxplot(
        data=data,
        x="calcification_pattern",
        y="strain_ratio",
        hue="group",
        order=PATTERN_ORDER,
        hue_order=["malignant", "benign"],
        palette=GROUP_COLOURS,
        showfliers=False,
        boxprops={"alpha": 0.45},
        ax=ax,
    )


def _group_labels(lesions: pd.DataFrame) -> pd.Series:
    return lesions["malignant"].map({1: "malignant", 0: "benign"})


def cohort_distributions(lesions: pd.DataFrame, *, cutoff: float) -> plt.Figure:
    """Three panels: Emean by histology with the cutoff, strain ratio by pattern and group,
    and Emean against strain ratio.

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table of the data dictionary.
    cutoff : float
        Elasticity cutoff drawn as a horizontal line (kPa).
    """
    data = lesions.assign(group=_group_labels(lesions))
    fig = plt.figure(figsize=(10, 8.5))
    grid = fig.add_gridspec(2, 2, height_ratios=[1.1, 1])
    axes = [fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])]

    ax = axes[0]
    palette = {
        h: GROUP_COLOURS["malignant" if h in ("dcis", "invasive_carcinoma") else "benign"]
        for h in HISTOLOGY_ORDER
    }
    sns.boxplot(
        data=data,
        x="histology",
        y="elasticity_kpa",
        order=HISTOLOGY_ORDER,
        hue="histology",
        palette=palette,
        ax=ax,
        showfliers=False,
        boxprops={"alpha": 0.35},
        legend=False,
    )
    sns.stripplot(
        data=data,
        x="histology",
        y="elasticity_kpa",
        order=HISTOLOGY_ORDER,
        hue="histology",
        palette=palette,
        ax=ax,
        size=3,
        alpha=0.7,
        jitter=0.25,
        legend=False,
    )
    ax.axhline(cutoff, color="0.2", ls="--", lw=1)
    ax.text(4.45, cutoff + 2, f"cutoff {cutoff:g} kPa", ha="right", va="bottom", fontsize=9)
    ax.set_xticks(
        range(len(HISTOLOGY_ORDER)),
        [HISTOLOGY_LABELS[h].replace("-\n", "").replace("\n", " ") for h in HISTOLOGY_ORDER],
    )
    ax.set(xlabel="", ylabel="Emean (kPa)", title="Stiffness by histology")

    ax = axes[1]
    strain_by_pattern_boxes(ax, data)
    ax.set_xticks(range(3), ["clustered", "scattered", "sparse\npunctate"])
    ax.set(xlabel="", ylabel="strain ratio", title="Strain ratio by pattern")
    ax.legend(title="", frameon=False, loc="upper right")

    ax = axes[2]
    sns.scatterplot(
        data=data,
        x="elasticity_kpa",
        y="strain_ratio",
        hue="group",
        hue_order=["malignant", "benign"],
        palette=GROUP_COLOURS,
        s=14,
        alpha=0.7,
        ax=ax,
        edgecolor="none",
    )
    ax.axvline(cutoff, color="0.2", ls="--", lw=1)
    ax.set(xlabel="Emean (kPa)", ylabel="strain ratio", title="The two markers together")
    ax.legend(title="", frameon=False, loc="lower right")
    sns.despine(fig)
    fig.tight_layout()
    return fig


def seed_spread(
    spread: pd.DataFrame,
    *,
    published: dict[str, float],
    this_seed: dict[str, float],
    labels: dict[str, str],
) -> plt.Figure:
    """Histograms of summaries over many seeds, with the published value and this cohort's.

    Parameters
    ----------
    spread : pandas.DataFrame
        One row per seed, one column per summary.
    published, this_seed : dict
        Published value and the book's cohort value per column.
    labels : dict
        Axis label per column; the columns drawn are its keys.
    """
    columns = list(labels)
    n_cols = 2 if len(columns) > 2 else len(columns)
    n_rows = int(np.ceil(len(columns) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(4.6 * n_cols, 3.0 * n_rows), squeeze=False)
    axes = axes.ravel()
    for ax in axes[len(columns) :]:
        ax.set_visible(False)
    for ax, column in zip(axes[: len(columns)], columns, strict=True):
        ax.hist(spread[column], bins=15, color="0.75", edgecolor="white")
        ax.axvline(published[column], color="#c0392b", lw=2, label="published")
        ax.axvline(this_seed[column], color="0.15", lw=1.5, ls="--", label="this book's cohort")
        ax.set(xlabel=labels[column])
    for ax in axes[::n_cols]:
        ax.set_ylabel("simulated cohorts")
    axes[0].legend(frameon=False, fontsize=8, loc="upper left")
    sns.despine(fig)
    fig.tight_layout()
    return fig
