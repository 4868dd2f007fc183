"""Figures of the chapter "If the study were run again" (replicate studies).

The functions draw results they are given (replicate tables from
:func:`microcalc.study.montecarlo.run_replicates`, summaries from
:func:`microcalc.study.montecarlo.replicate_summary`); they compute no statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from microcalc.figures.cohort import GROUP_COLOURS

__all__ = ["delong_power_curve", "sampling_distributions", "youden_cutoffs"]

REPLICATE_COLOUR = "#7f8c8d"
PUBLISHED_COLOUR = GROUP_COLOURS["malignant"]
RANGE_COLOUR = GROUP_COLOURS["benign"]


def _log_limits(q025: float, q975: float, published: float) -> tuple[float, float]:
    """Axis limits of a log panel: the 2.5-97.5% range and the published value, plus a margin
    of a tenth of that span (in log units) on each side, at least 2%."""
    values = [q025, q975] + ([published] if pd.notna(published) and published > 0 else [])
    lo, hi = np.log(min(values)), np.log(max(values))
    margin = max(0.1 * (hi - lo), np.log(1.02))
    return float(np.exp(lo - margin)), float(np.exp(hi + margin))


def _log_ticks(ax, low: float, high: float) -> None:
    """Readable ticks on a log axis: decades when it spans more than one, else a few plain
    numbers; never minor-tick labels (which overlap on narrow axes)."""
    if high / low > 10:
        ax.xaxis.set_major_locator(mticker.LogLocator(base=10, numticks=6))
        ax.xaxis.set_major_formatter(mticker.LogFormatterSciNotation(base=10))
    else:
        ax.xaxis.set_major_locator(mticker.MaxNLocator(nbins=4, min_n_ticks=3))
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())


def sampling_distributions(
    results: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    log_scale: Sequence[str] = (),
    ncols: int = 3,
    bins: int = 50,
) -> plt.Figure:
    """One histogram per headline number over replicate studies, published value marked.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per replicate.
    summary : pandas.DataFrame
        Indexed by column name, with ``q025``, ``q975`` and (optionally) ``published``.
    labels : mapping
        Column -> panel title; the panels follow its order.
    log_scale : sequence of str
        Columns drawn on a log axis (odds ratios). Their axis runs from half the smaller of
        ``q025`` and the published value to twice the larger of ``q975`` and the published
        value; replicates outside are not drawn.
    ncols : int, default 3
    bins : int, default 50

    Returns
    -------
    matplotlib.figure.Figure
    """
    columns = list(labels)
    nrows = int(np.ceil(len(columns) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.8 * ncols, 2.8 * nrows), squeeze=False)
    for ax, column in zip(axes.ravel(), columns, strict=False):
        x = results[column].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        row = summary.loc[column]
        log = column in log_scale
        if log:  # heavy tails (near-separation): the 2.5-97.5% range and the published value
            low, high = _log_limits(row["q025"], row["q975"], row.get("published", np.nan))
            x = x[(x > low) & (x < high)]
            edges = np.geomspace(low, high, bins + 1)
            ax.set_xscale("log")
            ax.set_xlim(low, high)
            _log_ticks(ax, low, high)
        else:
            edges = bins
        ax.hist(x, bins=edges, color=REPLICATE_COLOUR, alpha=0.85)
        ax.axvspan(row["q025"], row["q975"], color=RANGE_COLOUR, alpha=0.12, lw=0)
        published = row.get("published", np.nan)
        if pd.notna(published):
            ax.axvline(published, color=PUBLISHED_COLOUR, lw=2)
        ax.set_title(labels[column], fontsize=10)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes.ravel()[len(columns) :]:
        ax.set_visible(False)
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=REPLICATE_COLOUR, alpha=0.85),
        plt.Rectangle((0, 0), 1, 1, color=RANGE_COLOUR, alpha=0.2),
        plt.Line2D([], [], color=PUBLISHED_COLOUR, lw=2),
    ]
    fig.legend(
        handles,
        ["replicate studies", "2.5-97.5% range", "published value"],
        loc="lower center",
        ncol=3,
        frameon=False,
        bbox_to_anchor=(0.5, -0.02),
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def youden_cutoffs(
    cutoffs: pd.Series | np.ndarray,
    *,
    published: float,
    width: float,
    median: float,
) -> plt.Figure:
    """Histogram of the Youden-optimal cutoffs with the band ``published +- width`` shaded.

    Parameters
    ----------
    cutoffs : array-like
        One Youden cutoff (kPa) per replicate study.
    published : float
        The published cutoff.
    width : float
        Half-width of the band around it (kPa).
    median : float
        Median cutoff of the replicates, drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = np.asarray(cutoffs, dtype=float)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.hist(
        x, bins=np.arange(np.floor(x.min()), np.ceil(x.max()) + 0.5, 0.5), color=REPLICATE_COLOUR
    )
    ax.axvspan(
        published - width,
        published + width,
        color=PUBLISHED_COLOUR,
        alpha=0.15,
        lw=0,
        label=f"published cutoff \u00b1 {width:g} kPa",
    )
    ax.axvline(published, color=PUBLISHED_COLOUR, lw=2, label="published cutoff")
    ax.axvline(median, color="black", lw=1.5, ls="--", label="median over replicates")
    ax.set_xlabel("Youden-optimal Emean cutoff (kPa)")
    ax.set_ylabel("replicate studies")
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    fig.tight_layout()
    return fig


def delong_power_curve(power: pd.DataFrame, *, model_power: float | None = None) -> plt.Figure:
    """Rejection rate of the paired DeLong test against the correlation of the two markers.

    For two fixed (non-nested) markers the rate is the power of a valid test. The horizontal
    line is labelled as the rejection rate of the nested comparison (a logistic model against
    its own sub-model), for which the DeLong test is not valid (Demler et al. 2012), so that
    rate is not a power.

    Parameters
    ----------
    power : pandas.DataFrame
        Columns ``correlation``, ``power``, ``ci_low``, ``ci_high`` (one row per correlation).
    model_power : float, optional
        Share of replicate studies of the cohort model in which the nested DeLong test gave
        p < 0.05, drawn as a horizontal line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(7, 3.4))
    ax.fill_between(
        power["correlation"], power["ci_low"], power["ci_high"], color=RANGE_COLOUR, alpha=0.2, lw=0
    )
    ax.plot(
        power["correlation"],
        power["power"],
        "o-",
        color=RANGE_COLOUR,
        label="two fixed markers with the published AUCs (valid test: power)",
    )
    if model_power is not None:
        ax.axhline(
            model_power,
            color=REPLICATE_COLOUR,
            lw=2,
            ls="--",
            label="replicate studies: model vs its own sub-model (nested, not valid)",
        )
    ax.axhline(0.05, color="black", lw=0.8, ls=":")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("within-group correlation of the two markers")
    ax.set_ylabel("share of studies with DeLong p < 0.05")
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    fig.tight_layout()
    return fig
