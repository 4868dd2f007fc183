"""Figures of the chapter "Do two readers agree?".

The functions draw results computed by :mod:`microcalc.stats.agreement`; none computes a statistic.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from microcalc.figures.cohort import GROUP_COLOURS

__all__ = ["bland_altman_plot", "kappa_forest"]

_BAND = "#7f8c8d"


def bland_altman_plot(
    points: pd.DataFrame,
    result,
    *,
    hue: str | None = None,
    unit: str = "kPa",
    xlabel: str = "mean of the two readers",
    ylabel: str = "reader 1 minus reader 2",
    title: str | None = None,
) -> plt.Figure:
    """Bland-Altman plot: differences against means, bias, limits of agreement and their CIs.

    Parameters
    ----------
    points : pandas.DataFrame
        Columns ``mean``, ``difference`` and ``inside_limits`` (as returned by
        :func:`microcalc.stats.agreement.bland_altman_points`), plus the ``hue`` column if given.
    result : microcalc.stats.agreement.BlandAltmanResult
        Bias, limits, their CIs and the proportional-bias line (``intercept``, ``slope``).
    hue : str, optional
        Column of ``points`` whose values ``"malignant"`` / ``"benign"`` colour the points.
    unit : str, default "kPa"
        Unit shown on the axes and the labels.
    xlabel, ylabel, title : str
        Axis labels and an optional title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(9.5, 5.2))
    outside = ~points["inside_limits"].to_numpy(dtype=bool)
    if hue is None:
        groups = [(None, np.ones(len(points), dtype=bool), "#34495e")]
    else:
        groups = [
            (name, (points[hue] == name).to_numpy(), GROUP_COLOURS.get(name, "#34495e"))
            for name in pd.unique(points[hue])
        ]
    for name, keep, colour in groups:
        ax.scatter(
            points.loc[keep, "mean"],
            points.loc[keep, "difference"],
            s=16,
            alpha=0.6,
            color=colour,
            edgecolor="none",
            label=name,
        )
    ax.scatter(
        points.loc[outside, "mean"],
        points.loc[outside, "difference"],
        s=34,
        facecolor="none",
        edgecolor="black",
        linewidth=0.9,
        label="outside the limits",
    )
    lines = [
        ("bias", result.bias, result.bias_ci_low, result.bias_ci_high, "-"),
        ("lower limit", result.loa_low, result.loa_low_ci_low, result.loa_low_ci_high, "--"),
        ("upper limit", result.loa_high, result.loa_high_ci_low, result.loa_high_ci_high, "--"),
    ]
    x_low, x_high = float(points["mean"].min()), float(points["mean"].max())
    pad = 0.04 * (x_high - x_low)
    ax.set_xlim(x_low - pad, x_high + 0.22 * (x_high - x_low))
    for label, value, low, high, style in lines:
        ax.axhspan(low, high, color=_BAND, alpha=0.18, linewidth=0)
        ax.axhline(value, color="black", linestyle=style, linewidth=1.2)
        ax.annotate(
            f"{label}\n{value:+.2f} {unit}\n[{low:+.2f}, {high:+.2f}]",
            xy=(1.0, value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8.5,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85, "lw": 0},
        )
    grid = np.linspace(x_low, x_high, 50)
    ax.plot(
        grid,
        result.intercept + result.slope * grid,
        color="#8e44ad",
        linestyle=":",
        linewidth=1.6,
        label=f"difference vs mean, slope {result.slope:+.3f}",
    )
    ax.set_xlabel(f"{xlabel} ({unit})")
    ax.set_ylabel(f"{ylabel} ({unit})")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8.5, frameon=False, ncol=2)
    fig.tight_layout()
    return fig


def kappa_forest(
    candidates: pd.DataFrame,
    *,
    published: float,
    published_ci: tuple[float, float],
    label: str = "candidate",
    highlight: str | None = None,
) -> plt.Figure:
    """Each kappa candidate with its CI, against the published kappa and its CI.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Columns ``estimate``, ``ci_low``, ``ci_high`` and the ``label`` column, one row per
        candidate (as returned by :func:`microcalc.study.readers.kappa_candidates`).
    published : float
        The published kappa (vertical line).
    published_ci : tuple of float
        Its published confidence interval (shaded band).
    label : str, default "candidate"
        Column naming each row.
    highlight : str, optional
        Label of a row drawn in bold red.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(candidates)
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * n + 1.4))
    y = np.arange(n)[::-1]
    ax.axvspan(*published_ci, color=_BAND, alpha=0.25, linewidth=0, label="published 95% CI")
    ax.axvline(published, color="black", linewidth=1.2, label="published kappa")
    for yi, (_, row) in zip(y, candidates.iterrows(), strict=True):
        strong = highlight is not None and row[label] == highlight
        colour = GROUP_COLOURS["malignant"] if strong else "#34495e"
        ax.errorbar(
            row["estimate"],
            yi,
            xerr=[[row["estimate"] - row["ci_low"]], [row["ci_high"] - row["estimate"]]],
            fmt="o",
            color=colour,
            capsize=3,
            markersize=6 if strong else 5,
        )
    ax.set_yticks(y)
    ax.set_yticklabels(candidates[label])
    for tick in ax.get_yticklabels():
        if highlight is not None and tick.get_text() == highlight:
            tick.set_fontweight("bold")
            tick.set_color(GROUP_COLOURS["malignant"])
    ax.set_xlabel("kappa between reader 1 and reader 2 (95% CI)")
    ax.set_ylim(-0.7, n - 0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=8.5, frameon=False)
    fig.tight_layout()
    return fig
