"""Figures of the chapter "How many participants?".

The functions draw results computed by :mod:`microcalc.stats.samplesize`; none computes a statistic.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

__all__ = ["candidate_sizes", "power_curves"]


def power_curves(
    curves: pd.DataFrame,
    *,
    simulated: pd.DataFrame | None = None,
    design_n: float | None = None,
    design_label: str = "this study",
    target_power: float | None = None,
) -> plt.Figure:
    """Power against participants per group, one line per true AUC, one panel per null AUC.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``auc``, ``null_auc``, ``n_cases`` and ``power`` (as returned by
        :func:`microcalc.stats.samplesize.power_curve`, possibly for several null AUCs).
    simulated : pandas.DataFrame, optional
        Simulated power to overlay: columns ``auc``, ``null_auc``, ``n_cases``, ``power``,
        ``ci_low`` and ``ci_high``.
    design_n : float, optional
        A group size marked by a vertical line.
    design_label : str, default "this study"
        Its label.
    target_power : float, optional
        A power marked by a horizontal line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    nulls = sorted(pd.unique(curves["null_auc"]))
    aucs = sorted(pd.unique(curves["auc"]))
    colours = dict(zip(aucs, sns.color_palette("viridis_r", len(aucs)), strict=True))
    fig, axes = plt.subplots(
        1, len(nulls), figsize=(5.0 * len(nulls), 4.0), sharey=True, squeeze=False
    )
    for ax, null in zip(axes[0], nulls, strict=True):
        panel = curves[curves["null_auc"] == null]
        for auc in aucs:
            line = panel[panel["auc"] == auc].sort_values("n_cases")
            if line.empty:
                continue
            ax.plot(line["n_cases"], line["power"], color=colours[auc], lw=2, label=f"{auc:.2f}")
        if simulated is not None:
            sim = simulated[simulated["null_auc"] == null]
            for auc, part in sim.groupby("auc"):
                ax.errorbar(
                    part["n_cases"],
                    part["power"],
                    yerr=[
                        np.clip(part["power"] - part["ci_low"], 0, None),
                        np.clip(part["ci_high"] - part["power"], 0, None),
                    ],
                    fmt="o",
                    color=colours.get(auc, "black"),
                    markeredgecolor="black",
                    capsize=3,
                    label=f"simulated, AUC {auc:.2f}",
                )
        if target_power is not None:
            ax.axhline(target_power, color="grey", linestyle="--", lw=1)
        if design_n is not None:
            ax.axvline(design_n, color="black", linestyle=":", lw=1.2)
            ax.annotate(
                design_label,
                xy=(design_n, 0.03),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize=8.5,
                rotation=90,
                va="bottom",
            )
        ax.set_title(f"null AUC {null:.2f}")
        ax.set_xlabel("participants per group (1:1)")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, float(panel["n_cases"].max()))
    axes[0][0].set_ylabel("power")
    # one legend for all panels, outside them on the right, where it covers no label
    handles, labels = axes[0][-1].get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0, 0.8, 1))
    fig.legend(
        handles,
        labels,
        title="true AUC",
        loc="center left",
        bbox_to_anchor=(0.8, 0.5),
        fontsize=8.5,
        frameon=False,
    )
    return fig


def candidate_sizes(
    candidates: pd.DataFrame,
    *,
    target: float,
    label: str = "assumptions",
    highlight: str | None = None,
) -> plt.Figure:
    """Participants per group under each candidate set of assumptions, against a target.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Columns ``n_cases``, ``null_auc`` and the ``label`` column, one row per candidate.
    target : float
        The published size per group (vertical line).
    label : str, default "assumptions"
        Column naming each row.
    highlight : str, optional
        Label of a row drawn in bold.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = candidates.reset_index(drop=True)
    n = len(data)
    nulls = sorted(pd.unique(data["null_auc"]))
    colours = dict(zip(nulls, sns.color_palette("colorblind", len(nulls)), strict=True))
    fig, ax = plt.subplots(figsize=(8.0, 0.26 * n + 1.2))
    y = np.arange(n)[::-1]
    for null in nulls:
        keep = (data["null_auc"] == null).to_numpy()
        ax.scatter(
            data.loc[keep, "n_cases"], y[keep], color=colours[null], s=30, label=f"{null:.2f}"
        )
    ax.axvline(target, color="black", lw=1.2)
    ax.annotate(
        f"published: {target:.0f}",
        xy=(target, -0.5),
        xytext=(-4, 0),
        textcoords="offset points",
        fontsize=8.5,
        ha="right",
        va="bottom",
    )
    ax.set_yticks(y)
    ax.set_yticklabels(data[label], fontsize=8)
    if highlight is not None:
        for tick in ax.get_yticklabels():
            if tick.get_text() == highlight:
                tick.set_fontweight("bold")
    ax.set_xlabel("participants per group (1:1)")
    ax.set_ylim(-0.7, n - 0.3)
    ax.legend(title="null AUC", loc="center right", fontsize=8.5, frameon=True)
    fig.tight_layout()
    return fig
