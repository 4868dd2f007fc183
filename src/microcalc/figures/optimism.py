"""Figures of the chapter "How optimistic is a cutoff?".

Each function draws results it is given (bootstrap cutoffs, a Youden-index curve, the tidy
table of :func:`microcalc.stats.optimism.validate_cutoff`) and computes no statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from microcalc.figures.cohort import GROUP_COLOURS

__all__ = ["METHOD_COLOURS", "cutoff_distribution", "estimate_comparison"]

#: Colour of each estimate in :func:`estimate_comparison` (colour-blind safe).
METHOD_COLOURS = {
    "apparent": "#444444",
    "corrected": "#1b9e77",
    "corrected_632plus": "#d95f02",
    "cross_validated": "#7570b3",
}

_METHOD_LABELS = {
    "apparent": "apparent (same data)",
    "corrected": "Harrell bootstrap",
    "corrected_632plus": ".632+ bootstrap",
    "cross_validated": "repeated cross-validation",
}

_MARK_STYLES = ["-", "--", ":", "-."]
_MARK_COLOURS = [GROUP_COLOURS["malignant"], "#222222", GROUP_COLOURS["benign"], "#7570b3"]


def cutoff_distribution(
    cutoffs: Sequence[float],
    *,
    marks: Mapping[str, float] | None = None,
    youden_curve: tuple[Sequence[float], Sequence[float]] | None = None,
    bin_width: float = 1.0,
    xlabel: str = "Youden cutoff chosen in the replicate (kPa)",
) -> plt.Figure:
    """Histogram of the cutoffs chosen in bootstrap replicates, with reference cutoffs marked.

    Parameters
    ----------
    cutoffs : sequence of float
        One cutoff per bootstrap replicate.
    marks : mapping of str to float, optional
        Cutoffs drawn as labelled vertical lines (e.g. the published one and the sample's own).
    youden_curve : (thresholds, youden_index), optional
        Youden's J of the original sample at each threshold, drawn in a lower panel that shares
        the x axis (infinite thresholds are skipped).
    bin_width : float, default 1.0
        Width of the histogram bins, in the marker's unit.
    xlabel : str
        Label of the x axis.

    Returns
    -------
    matplotlib.figure.Figure
    """
    c = np.asarray(cutoffs, dtype=float)
    marks = dict(marks or {})
    if youden_curve is not None:
        fig, (ax, ax_j) = plt.subplots(
            2, 1, figsize=(9, 6.2), sharex=True, gridspec_kw={"height_ratios": [1.6, 1]}
        )
    else:
        fig, ax = plt.subplots(figsize=(9, 4))
        ax_j = None
    low = np.floor(min(c.min(), *marks.values()) if marks else c.min()) - bin_width
    high = np.ceil(max(c.max(), *marks.values()) if marks else c.max()) + bin_width
    bins = np.arange(low, high + bin_width, bin_width)
    weights = np.full(c.size, 100.0 / c.size)
    ax.hist(c, bins=bins, weights=weights, color="#9aa5b1", edgecolor="white", linewidth=0.5)
    ax.set_ylabel("share of replicates (%)")
    axes = [ax] if ax_j is None else [ax, ax_j]
    for i, (label, value) in enumerate(marks.items()):
        for a in axes:
            a.axvline(
                value,
                color=_MARK_COLOURS[i % len(_MARK_COLOURS)],
                linestyle=_MARK_STYLES[i % len(_MARK_STYLES)],
                linewidth=1.8,
                label=label if a is ax else None,
            )
    if marks:
        ax.legend(loc="upper left", frameon=False, fontsize="small")
    if ax_j is not None:
        t = np.asarray(youden_curve[0], dtype=float)
        j = np.asarray(youden_curve[1], dtype=float)
        keep = np.isfinite(t) & (t >= low) & (t <= high)
        ax_j.step(t[keep], j[keep], where="post", color="#444444", linewidth=1.2)
        ax_j.set_ylabel("Youden's J\n(original sample)")
        ax_j.set_xlabel(xlabel)
        ax_j.grid(axis="y", alpha=0.3)
    else:
        ax.set_xlabel(xlabel)
    ax.set_xlim(low, high)
    fig.tight_layout()
    return fig


def estimate_comparison(
    table: pd.DataFrame,
    *,
    measures: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    published: Mapping[str, float] | None = None,
) -> plt.Figure:
    """Apparent and optimism-corrected estimates of each measure, one panel per measure.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per measure with columns ``measure`` and any of ``apparent``, ``corrected``,
        ``corrected_632plus``, ``cross_validated`` (as :meth:`CutoffValidation.to_frame`).
    measures : sequence of str, optional
        Measures to draw, in order; default all rows.
    labels : mapping of str to str, optional
        Panel titles per measure; default the measure's name.
    published : mapping of str to float, optional
        A published value per measure, drawn as a dashed vertical line where given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = table.set_index("measure")
    measures = list(rows.index) if measures is None else list(measures)
    labels = dict(labels or {})
    published = dict(published or {})
    methods = [m for m in METHOD_COLOURS if m in rows.columns]
    fig, axes = plt.subplots(len(measures), 1, figsize=(8, 1.25 + 1.15 * len(measures)))
    axes = np.atleast_1d(axes)
    ypos = np.arange(len(methods))[::-1]
    for ax, measure in zip(axes, measures, strict=True):
        values = [float(rows.loc[measure, m]) for m in methods]
        for y, m, v in zip(ypos, methods, values, strict=True):
            ax.plot([values[0], v], [y, y], color=METHOD_COLOURS[m], linewidth=1, alpha=0.5)
            ax.plot(v, y, "o", color=METHOD_COLOURS[m], markersize=7)
        shown = list(values)
        if measure in published:
            ax.axvline(published[measure], color="#888888", linestyle="--", linewidth=1.2)
            shown.append(float(published[measure]))
        span = max(shown) - min(shown)
        pad = max(0.15 * span, 0.002)
        ax.set_xlim(min(shown) - pad, max(shown) + pad)
        ax.set_yticks(ypos)
        ax.set_yticklabels([_METHOD_LABELS[m] for m in methods], fontsize="small")
        ax.set_ylim(-0.6, len(methods) - 0.4)
        ax.set_title(labels.get(measure, measure), loc="left", fontsize="medium")
        ax.grid(axis="x", alpha=0.3)
    if published:
        axes[0].plot([], [], color="#888888", linestyle="--", label="published")
        axes[0].legend(loc="lower right", frameon=False, fontsize="small")
    fig.tight_layout()
    return fig
