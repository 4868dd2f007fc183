"""Figures of the chapter "Reading the paper critically".

Each function draws results computed by :mod:`microcalc.study.audit`; none computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from microcalc.figures.cohort import GROUP_COLOURS

__all__ = ["binormal_panels", "ci_method_intervals", "p_value_ladder"]

PUBLISHED_COLOUR = "#c0392b"
READING_STYLES = {
    "Student t": ("o", "#1f3b57"),
    "Welch t": ("s", "#5d8aa8"),
    "SD read as SE": ("D", "#b7950b"),
    "Pearson chi-square": ("o", "#117a65"),
    "other tests": ("s", "#76b7a4"),
    "Wald, from the CI": ("^", "#6c3483"),
}


def p_value_ladder(
    points: pd.DataFrame,
    *,
    floor: float = 1e-12,
    order: Sequence[str] | None = None,
) -> plt.Figure:
    """Published p-values (with their rounding interval) against recomputed ones, log scale.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per value drawn: ``check`` (row label), ``label`` (``"published"`` or a
        reading's name), ``value``, ``low``, ``high`` (the range over rounding; equal to
        ``value`` when exact). A published "P < 0.001" has ``low`` 0.
    floor : float, default 1e-12
        Values below it are drawn at it, with a left-pointing marker.
    order : sequence of str, optional
        Row order, top to bottom (default: order of appearance).
    """
    checks = list(order) if order is not None else list(dict.fromkeys(points["check"]))
    labels = [lb for lb in dict.fromkeys(points["label"]) if lb != "published"]
    offsets = dict(zip(labels, np.linspace(-0.22, 0.22, max(len(labels), 1)), strict=True))
    fig, ax = plt.subplots(figsize=(8.2, 0.42 * len(checks) + 2.2))
    y_of = {c: len(checks) - 1 - i for i, c in enumerate(checks)}
    for i, check in enumerate(checks):
        if i % 2 == 0:
            ax.axhspan(y_of[check] - 0.5, y_of[check] + 0.5, color="0.95", zorder=0)
    seen = set()
    for row in points.itertuples():
        y = y_of[row.check]
        low, high, value = (max(v, floor) for v in (row.low, row.high, row.value))
        if row.label == "published":
            ax.plot(
                [low, high],
                [y, y],
                color=PUBLISHED_COLOUR,
                lw=9,
                alpha=0.35,
                zorder=2,
                solid_capstyle="butt",
            )
            ax.plot(
                [value],
                [y],
                marker="|",
                ms=16,
                mew=2.5,
                color=PUBLISHED_COLOUR,
                zorder=3,
                label="published (band: values that round to it)" if "pub" not in seen else None,
            )
            seen.add("pub")
            continue
        marker, colour = READING_STYLES.get(row.label, ("o", "0.3"))
        y = y + offsets[row.label]
        ax.plot([low, high], [y, y], color=colour, lw=1.5, zorder=3)
        clipped = row.value < floor
        ax.plot(
            [value],
            [y],
            marker="<" if clipped else marker,
            ms=7,
            color=colour,
            ls="none",
            zorder=4,
            label=row.label if row.label not in seen else None,
        )
        seen.add(row.label)
    ax.axvline(0.05, color="0.4", ls=":", lw=1)
    ax.text(0.05, -0.55, " 0.05", fontsize=8, color="0.3", va="bottom")
    ax.set_xscale("log")
    ax.set_xlim(floor / 3, 1.5)
    ax.set_ylim(-0.6, len(checks) - 0.3)
    ax.set_yticks([y_of[c] for c in checks], checks)
    clipped_any = bool((points["value"] < floor).any())
    note = f"; ◄ marks values below {floor:.0e}" if clipped_any else ""
    ax.set_xlabel(f"p-value (log scale{note})")
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, frameon=False, fontsize=8.5, loc="lower center", ncol=4)
    sns.despine(fig, left=True)
    ax.tick_params(axis="y", length=0)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def ci_method_intervals(
    panels: Mapping[str, pd.DataFrame],
    *,
    published: Mapping[str, tuple[float, float]],
    estimates: Mapping[str, float],
) -> plt.Figure:
    """Confidence intervals of a proportion by method, against the published interval.

    Parameters
    ----------
    panels : mapping
        Panel title -> table of :func:`microcalc.study.audit.proportion_ci_table` (``name``, ``low``,
        ``high`` in percent).
    published : mapping
        Panel title -> published (low, high) in percent.
    estimates : mapping
        Panel title -> the point estimate in percent.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels), 3.0), squeeze=False)
    for ax, (title, table) in zip(axes[0], panels.items(), strict=True):
        names = list(table["name"])
        ys = np.arange(len(names))[::-1]
        lo, hi = published[title]
        ax.axvspan(lo, hi, color=PUBLISHED_COLOUR, alpha=0.12, label="published CI")
        for edge in (lo, hi):
            ax.axvline(edge, color=PUBLISHED_COLOUR, lw=1.2)
        for y, row in zip(ys, table.itertuples(), strict=True):
            ax.plot([row.low, row.high], [y, y], color="#1f3b57", lw=2.2)
            ax.plot([row.low, row.high], [y, y], "|", color="#1f3b57", ms=10, mew=2)
        ax.axvline(estimates[title], color="0.3", ls="--", lw=1, label="point estimate")
        ax.set_yticks(ys, names)
        ax.set(title=title, xlabel="percent")
        ax.tick_params(axis="y", length=0)
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, frameon=False, fontsize=8.5, loc="lower center", ncol=2)
    sns.despine(fig, left=True)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def binormal_panels(
    curves: Mapping[str, pd.DataFrame],
    *,
    implied_auc: Mapping[str, float],
    published_auc: Mapping[str, float],
    published_point: tuple[float, float],
    binormal_point: tuple[float, float],
    densities: pd.DataFrame,
    cutoffs: Mapping[str, float],
    unit: str = "kPa",
) -> plt.Figure:
    """Left: binormal ROC curves with the published AUCs and operating point.
    Right: the two normal densities of the first marker with candidate cutoffs.

    Parameters
    ----------
    curves : mapping
        Marker name -> :func:`microcalc.study.audit.binormal_roc` table (``fpr``, ``tpr``).
    implied_auc, published_auc : mapping
        Marker name -> AUC (published: the AUC the paper gives for the comparison; a key may be
        any label, e.g. ``"combined model (published)"``).
    published_point, binormal_point : (float, float)
        (1 - specificity, sensitivity) as proportions at the published cutoff: as published, and
        implied by the normal groups.
    densities : pandas.DataFrame
        :func:`microcalc.study.audit.binormal_densities` of the first marker.
    cutoffs : mapping
        Label -> cutoff drawn as a vertical line on the right panel.
    """
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9.6, 4.3), gridspec_kw={"width_ratios": [1, 1.15]})
    colours = ["#1f3b57", "#b7950b", "#5d8aa8"]
    for colour, (name, curve) in zip(colours, curves.items(), strict=False):
        ax.plot(
            curve["fpr"],
            curve["tpr"],
            color=colour,
            lw=2,
            label=f"{name}, normal groups: AUC {implied_auc[name]:.3f}",
        )
    ax.plot([0, 1], [0, 1], color="0.7", lw=1, ls=":")
    text = "\n".join(f"published AUC, {k}: {v:.2f}" for k, v in published_auc.items())
    ax.text(
        0.97,
        0.05,
        text,
        ha="right",
        va="bottom",
        fontsize=8.5,
        color=PUBLISHED_COLOUR,
        transform=ax.transAxes,
    )
    ax.plot(
        *published_point,
        marker="*",
        ms=13,
        color=PUBLISHED_COLOUR,
        ls="none",
        label="published sensitivity / specificity",
    )
    ax.plot(
        *binormal_point,
        marker="o",
        ms=7,
        mfc="white",
        mec="#1f3b57",
        mew=2,
        ls="none",
        label="normal groups at the same cutoff",
    )
    ax.set(
        xlim=(-0.01, 0.5),
        ylim=(0.5, 1.01),
        xlabel="1 - specificity",
        ylabel="sensitivity",
        title="ROC curves of normal groups",
    )
    ax.legend(frameon=False, fontsize=8, loc="center right")

    bx.fill_between(
        densities["x"],
        densities["positive"],
        color=GROUP_COLOURS["malignant"],
        alpha=0.25,
        label="malignant, normal",
    )
    bx.fill_between(
        densities["x"],
        densities["negative"],
        color=GROUP_COLOURS["benign"],
        alpha=0.25,
        label="benign, normal",
    )
    styles = ["-", "--", ":", "-."]
    top = float(max(densities["positive"].max(), densities["negative"].max()))
    for i, (label, value) in enumerate(cutoffs.items()):
        bx.axvline(
            value,
            color="0.15" if i == 0 else "0.45",
            ls=styles[i % 4],
            lw=1.4,
            label=f"{label}: {value:.1f} {unit}",
        )
    bx.set(
        xlabel=f"Emean ({unit})",
        ylabel="density",
        ylim=(0, top * 1.35),
        title="Where normal groups put the cutoff",
    )
    bx.legend(frameon=False, fontsize=8, loc="upper right")
    sns.despine(fig)
    fig.tight_layout()
    return fig
