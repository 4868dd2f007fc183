"""Figures of the chapter "Which measurements predict malignancy": forest and calibration plots."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

__all__ = ["calibration_plot", "forest_plot"]

_OURS = "#c0392b"
_PUBLISHED = "0.25"


def forest_plot(
    panels: Mapping[str, pd.DataFrame],
    *,
    published: Mapping[str, pd.DataFrame] | None = None,
) -> plt.Figure:
    """Odds ratios with CIs on a log scale, one panel per table (stacked), published overlaid.

    Parameters
    ----------
    panels : mapping of str to pandas.DataFrame
        Panel title -> table with ``term``, ``label``, ``odds_ratio``, ``odds_ratio_ci_low``,
        ``odds_ratio_ci_high``
        (for example :func:`microcalc.stats.logistic.odds_ratio_table`). Rows are drawn top to bottom.
    published : mapping of str to pandas.DataFrame, optional
        Panel title -> published ``odds_ratio``, ``odds_ratio_ci_low``, ``odds_ratio_ci_high``
        indexed by ``term``;
        drawn as open squares with grey bars, slightly below this cohort's estimate.
    """
    published = dict(published or {})
    heights = [len(t) + 1.2 for t in panels.values()]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(8.0, 0.5 * sum(heights) + 0.4),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    for ax, (title, table) in zip(axes[:, 0], panels.items(), strict=True):
        table = table.reset_index(drop=True)
        y = np.arange(len(table))[::-1].astype(float)
        pub = published.get(title)
        offset = 0.17 if pub is not None else 0.0
        ax.errorbar(
            table.odds_ratio,
            y + offset,
            xerr=[
                table.odds_ratio - table.odds_ratio_ci_low,
                table.odds_ratio_ci_high - table.odds_ratio,
            ],
            fmt="o",
            color=_OURS,
            ecolor=_OURS,
            capsize=3,
            label="this cohort",
        )
        if pub is not None:
            rows = pub.reindex(table.term)
            ok = rows.odds_ratio.notna().to_numpy()
            ax.errorbar(
                rows.odds_ratio[ok],
                y[ok] - offset,
                xerr=[
                    (rows.odds_ratio - rows.odds_ratio_ci_low)[ok],
                    (rows.odds_ratio_ci_high - rows.odds_ratio)[ok],
                ],
                fmt="s",
                mfc="white",
                color=_PUBLISHED,
                ecolor=_PUBLISHED,
                capsize=3,
                label="published",
            )
        ax.axvline(1.0, color="0.5", lw=1, ls="--")
        ax.set_xscale("log")
        ax.set_yticks(y, table.label)
        ax.set_ylim(-0.7, len(table) - 0.3)
        ax.set(xlabel="odds ratio (log scale)", title=title)
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    sns.despine(fig)
    fig.tight_layout()
    return fig


def calibration_plot(
    tables: Mapping[str, pd.DataFrame],
    *,
    annotations: Mapping[str, str] | None = None,
) -> plt.Figure:
    """Observed against predicted risk by risk group, one line per set of predictions.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Legend label -> table with ``mean_predicted``, ``observed_rate`` and ``n`` (for example
        :func:`microcalc.stats.logistic.calibration_table`).
    annotations : mapping of str to str, optional
        Legend label -> text added to that legend entry (for example the calibration slope and
        intercept).
    """
    annotations = dict(annotations or {})
    colours = [_OURS, "#2471a3", "0.3", "#7d3c98"]
    markers = ["o", "s", "^", "D"]
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    ax.plot([0, 1], [0, 1], color="0.6", ls="--", lw=1, label="ideal")
    for k, (label, table) in enumerate(tables.items()):
        text = label + (f"\n{annotations[label]}" if label in annotations else "")
        ax.plot(
            table.mean_predicted,
            table.observed_rate,
            marker=markers[k % 4],
            color=colours[k % 4],
            ms=6,
            lw=1.3,
            label=text,
        )
    ax.set(
        xlim=(-0.03, 1.03),
        ylim=(-0.03, 1.03),
        xlabel="mean predicted probability in the risk group",
        ylabel="observed share malignant",
        aspect="equal",
    )
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    sns.despine(fig)
    fig.tight_layout()
    return fig
