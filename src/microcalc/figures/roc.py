"""Figures of the chapter "ROC analysis and diagnostic performance".

Each function draws results it is given (ROC curves, Youden cutoffs, tidy tables from
:mod:`microcalc.stats.roc` and :mod:`microcalc.stats.accuracy`) and computes no statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from microcalc.stats.roc import RocCurve, YoudenCutoff

__all__ = ["MARKER_COLOURS", "predictive_values", "roc_curves", "stratified_aucs"]

#: One colour per marker of the chapter (colour-blind safe, distinct from the group colours).
MARKER_COLOURS = {
    "elasticity": "#1b9e77",
    "strain ratio": "#7570b3",
    "combined": "#d95f02",
}
_FALLBACK = ["#1b9e77", "#7570b3", "#d95f02", "#e7298a", "#66a61e", "#e6ab02"]


def _colour(name: str, i: int) -> str:
    return MARKER_COLOURS.get(name, _FALLBACK[i % len(_FALLBACK)])


def _step_coordinates(curve: RocCurve) -> tuple[np.ndarray, np.ndarray]:
    """The curve's points from (0, 0) to (1, 1): false-positive rate and sensitivity."""
    return curve.fpr[::-1], curve.sensitivity[::-1]


def roc_curves(
    curves: Mapping[str, RocCurve],
    *,
    youden: Mapping[str, YoudenCutoff] | None = None,
    labels: Mapping[str, str] | None = None,
    points: Mapping[str, tuple[float, float]] | None = None,
    zoom: tuple[float, float] = (0.3, 0.7),
    aucs: Mapping[str, tuple[float, float, float]] | None = None,
    published_aucs: Mapping[str, tuple[float, float, float]] | None = None,
) -> plt.Figure:
    """Empirical ROC curves, whole and magnified, with Youden points marked.

    With ``aucs`` (and optionally ``published_aucs``) a third panel sets each marker's AUC
    and confidence interval beside the published one.

    Parameters
    ----------
    curves : mapping of str to RocCurve
        One curve per marker, drawn in this order.
    youden : mapping of str to YoudenCutoff, optional
        The Youden-optimal cutoff of some markers, marked as a filled circle.
    labels : mapping of str to str, optional
        Legend text per marker (e.g. with its AUC); defaults to the marker's name.
    points : mapping of str to (false-positive rate, sensitivity), optional
        Further operating points, each drawn as a black marker and named in the legend
        (e.g. a published cutoff).
    zoom : (float, float), default (0.3, 0.7)
        The second panel shows false-positive rates 0 to ``zoom[0]`` and sensitivities
        ``zoom[1]`` to 1, where curves with a high AUC differ.
    aucs : mapping of str to (estimate, ci_low, ci_high), optional
        This analysis's AUC per marker (e.g. from :func:`microcalc.stats.roc.delong_covariance`).
    published_aucs : mapping of str to (estimate, ci_low, ci_high), optional
        The published AUC per marker, drawn as an open diamond beside the filled circle of
        ``aucs``; markers without a published value show only their own.
    """
    youden = youden or {}
    labels = labels or {}
    points = points or {}
    if aucs:
        fig, all_axes = plt.subplots(
            1, 3, figsize=(14.0, 4.9), gridspec_kw={"width_ratios": [1, 1, 0.72]}
        )
        axes, ax_auc = all_axes[:2], all_axes[2]
    else:
        fig, axes = plt.subplots(1, 2, figsize=(11.5, 5.0))
    point_styles = ["s", "D", "^", "v"]
    for ax in axes:
        ax.plot([0, 1], [0, 1], color="0.7", lw=1, ls=":", zorder=0)
        for i, (name, curve) in enumerate(curves.items()):
            colour = _colour(name, i)
            fpr, tpr = _step_coordinates(curve)
            ax.plot(fpr, tpr, color=colour, lw=2, label=labels.get(name, name))
            if name in youden:
                cut = youden[name]
                ax.plot(
                    1 - cut.specificity,
                    cut.sensitivity,
                    "o",
                    ms=8,
                    mfc=colour,
                    mec="black",
                    mew=1,
                    zorder=5,
                )
        for j, (label, (fpr_pt, tpr_pt)) in enumerate(points.items()):
            ax.plot(
                fpr_pt,
                tpr_pt,
                point_styles[j % len(point_styles)],
                ms=8,
                mfc="white",
                mec="black",
                mew=1.5,
                zorder=6,
                label=label,
            )
        ax.set(xlabel="1 - specificity (false-positive rate)", ylabel="sensitivity")
        ax.set_aspect("equal")
    axes[0].set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01), title="ROC curves")
    axes[0].plot([], [], "o", ms=8, mfc="0.6", mec="black", label="Youden-optimal cutoff")
    axes[0].legend(frameon=False, loc="lower right", fontsize=8.5)
    axes[1].set(
        xlim=(-0.005, zoom[0]), ylim=(zoom[1], 1.005), title="Magnified: the upper-left corner"
    )
    axes[0].add_patch(
        plt.Rectangle((0, zoom[1]), zoom[0], 1 - zoom[1], fill=False, ec="0.4", lw=0.8, ls="--")
    )
    if aucs:
        _auc_beside_published(ax_auc, curves, aucs, published_aucs or {})
    sns.despine(fig)
    fig.tight_layout()
    return fig


def _auc_beside_published(ax, curves, aucs, published):
    """Dot-and-whisker panel: this analysis's AUC (filled) and the published one (open)."""
    names = [name for name in curves if name in aucs]
    names += [name for name in aucs if name not in names]
    for i, name in enumerate(names):
        y = len(names) - 1 - i
        colour = _colour(name, i)
        rows = [(aucs[name], y + 0.13, "o", colour)]
        if name in published:
            rows.append((published[name], y - 0.13, "D", "white"))
        for (estimate, low, high), height, marker, face in rows:
            ax.errorbar(
                estimate,
                height,
                xerr=[[estimate - low], [high - estimate]],
                fmt=marker,
                ms=7,
                color=colour,
                mfc=face,
                mec="black" if marker == "o" else colour,
                capsize=3,
                lw=1.5,
            )
    ax.set_yticks(range(len(names)), names[::-1])
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlabel("AUC")
    ax.set_title("AUC: this book beside the paper")
    ax.xaxis.set_major_locator(plt.MaxNLocator(nbins=4))
    keys = [plt.Line2D([], [], marker="o", color="0.35", mec="black", ms=7)]
    texts = ["this book (95% CI)"]
    if any(name in published for name in names):
        keys.append(plt.Line2D([], [], marker="D", color="0.35", mfc="white", ms=7))
        texts.append("published (95% CI)")
    ax.legend(
        keys, texts, frameon=False, fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.16)
    )


def stratified_aucs(
    frame: pd.DataFrame,
    *,
    markers: Sequence[str] | None = None,
    reference: float | None = None,
    reference_label: str = "published bound",
) -> plt.Figure:
    """AUC with its confidence interval per stratum and marker (a forest plot).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``stratum``, ``marker``, ``estimate``, ``ci_low``, ``ci_high``, and
        optionally ``group`` (a heading shared by several strata, e.g. "density"), as
        returned by :func:`microcalc.stats.roc.stratified_auc` (plus ``group``).
    markers : sequence of str, optional
        Markers to draw, in this order; default: as they appear.
    reference : float, optional
        A vertical reference line (e.g. a published bound on the AUC).
    reference_label : str
        Legend text of the reference line.
    """
    markers = list(markers) if markers is not None else list(pd.unique(frame["marker"]))
    strata = list(pd.unique(frame["stratum"]))
    groups = frame.drop_duplicates("stratum").set_index("stratum").get("group")
    fig, ax = plt.subplots(figsize=(8.0, 0.75 * len(strata) + 1.3))
    offsets = np.linspace(-0.22, 0.22, len(markers)) if len(markers) > 1 else np.zeros(1)
    for i, marker in enumerate(markers):
        sub = frame[frame["marker"] == marker].set_index("stratum").reindex(strata)
        ypos = np.arange(len(strata)) + offsets[i]
        ax.errorbar(
            sub["estimate"],
            ypos,
            xerr=[sub["estimate"] - sub["ci_low"], sub["ci_high"] - sub["estimate"]],
            fmt="o",
            ms=5,
            color=_colour(marker, i),
            capsize=2.5,
            lw=1.3,
            label=marker,
        )
    ticks = [
        f"{groups[s]}: {s}" if groups is not None and pd.notna(groups[s]) else str(s)
        for s in strata
    ]
    ax.set_yticks(range(len(strata)), ticks)
    ax.invert_yaxis()
    if reference is not None:
        ax.axvline(reference, color="0.3", ls="--", lw=1, label=reference_label)
    low = frame["ci_low"].min() - 0.01
    if reference is not None:
        low = min(low, reference - 0.01)
    ax.set(xlabel="AUC with 95% DeLong CI", xlim=(low, 1.0 + 0.002))
    ax.legend(frameon=False, fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    sns.despine(fig)
    fig.tight_layout()
    return fig


def predictive_values(
    frame: pd.DataFrame,
    *,
    marks: Mapping[str, float] | None = None,
) -> plt.Figure:
    """PPV and NPV against prevalence, with their confidence bands.

    Parameters
    ----------
    frame : pandas.DataFrame
        As returned by :meth:`microcalc.stats.accuracy.DiagnosticAccuracy.at_prevalence`: columns
        ``prevalence``, ``measure`` (``"ppv"``/``"npv"``), ``estimate``, ``ci_low``,
        ``ci_high``, over a grid of prevalences.
    marks : mapping of str to float, optional
        Prevalences to mark with labelled vertical lines (e.g. the study's).
    """
    fig, ax = plt.subplots(figsize=(7.2, 4.2))
    styles = {"ppv": ("#c0392b", "PPV"), "npv": ("#2471a3", "NPV")}
    for measure, (colour, label) in styles.items():
        sub = frame[frame["measure"] == measure].sort_values("prevalence")
        ax.plot(sub["prevalence"], sub["estimate"], color=colour, lw=2, label=label)
        ax.fill_between(sub["prevalence"], sub["ci_low"], sub["ci_high"], color=colour, alpha=0.15)
    for label, prevalence in (marks or {}).items():
        ax.axvline(prevalence, color="0.35", ls="--", lw=1)
        ax.text(prevalence, 0.02, f" {label}", rotation=90, va="bottom", ha="right", fontsize=8.5)
    ax.set(
        xlabel="prevalence of malignancy",
        ylabel="predictive value",
        xlim=(0, frame["prevalence"].max()),
        ylim=(0, 1.01),
        title="The same test, different populations",
    )
    ax.legend(frameon=False, loc="center right")
    sns.despine(fig)
    fig.tight_layout()
    return fig
