"""Figures of the verdicts: every published number on the two axes.

Each function draws a verdict table it is given (:func:`microcalc.study.verdicts.verdict_table`);
none computes a verdict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["CAN_COLOURS", "verdict_grid"]

#: One colour per ``can_be_true`` category (red: proved wrong; amber: strained; green: can hold).
CAN_COLOURS = {
    "impossible": "#c0392b",
    "only with atypical data": "#e67e22",
    "yes": "#27ae60",
    "cannot tell": "#95a5a6",
}


def _wrap(text: str, width: int = 14) -> str:
    """Break a category name into lines of about ``width`` characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def verdict_grid(
    table: pd.DataFrame,
    *,
    can_order: Sequence[str],
    reproduced_order: Sequence[str],
    labels: Mapping[str, str] | None = None,
    seed: int = 0,
) -> plt.Figure:
    """Every published number as a dot in the grid of its two verdicts.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``key``, ``can_be_true``, ``reproduced``.
    can_order, reproduced_order : sequence of str
        The categories of each axis, top to bottom and left to right.
    labels : mapping, optional
        Key -> short label, written beside the numbers that should be named.
    seed : int, default 0
        Seed of the jitter that spreads the dots inside a cell (layout only).

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = dict(labels or {})
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(9.2, 5.2))
    n_x, n_y = len(reproduced_order), len(can_order)
    x_of = {c: i for i, c in enumerate(reproduced_order)}
    y_of = {c: n_y - 1 - i for i, c in enumerate(can_order)}
    for c, y in y_of.items():
        ax.axhspan(y - 0.5, y + 0.5, color=CAN_COLOURS.get(c, "0.9"), alpha=0.08, zorder=0)
    for i in range(n_x + 1):
        ax.axvline(i - 0.5, color="0.85", lw=0.8, zorder=1)
    for j in range(n_y + 1):
        ax.axhline(j - 0.5, color="0.85", lw=0.8, zorder=1)
    cells = table.groupby(["can_be_true", "reproduced"], sort=False)
    label_slots: dict[tuple[str, str], int] = {}
    for (can, rep), rows in cells:
        x0, y0 = x_of[rep], y_of[can]
        n = len(rows)
        ax.text(
            x0 + 0.46,
            y0 + 0.44,
            str(n),
            ha="right",
            va="top",
            fontsize=11,
            fontweight="bold",
            color="0.25",
            zorder=4,
        )
        named = rows["key"].isin(list(labels)).to_numpy()
        top = 0.32 - 0.17 * named.sum() if named.any() else 0.30
        jitter = np.column_stack(
            [rng.uniform(-0.36, 0.36, size=n), rng.uniform(-0.40, max(top, -0.2), size=n)]
        )
        ax.scatter(
            x0 + jitter[~named, 0],
            y0 + jitter[~named, 1],
            s=16,
            color=CAN_COLOURS.get(can, "0.5"),
            alpha=0.55,
            edgecolor="none",
            zorder=2,
        )
        for key in rows.loc[named, "key"]:
            slot = label_slots.get((can, rep), 0)
            label_slots[(can, rep)] = slot + 1
            x, y = x0 - 0.4, y0 + 0.32 - 0.17 * slot
            ax.scatter(
                [x],
                [y],
                s=42,
                color=CAN_COLOURS.get(can, "0.5"),
                edgecolor="black",
                linewidth=0.6,
                zorder=3,
            )
            ax.text(x + 0.06, y, labels[key], va="center", fontsize=7.6, zorder=4)
    ax.set_xlim(-0.5, n_x - 0.5)
    ax.set_ylim(-0.5, n_y - 0.5)
    ax.set_xticks(range(n_x))
    ax.set_xticklabels([_wrap(c) for c in reproduced_order], fontsize=8.5)
    ax.set_yticks([y_of[c] for c in can_order])
    ax.set_yticklabels([_wrap(c) for c in can_order], fontsize=8.5)
    ax.set_xlabel("reproduced by this book's cohort?")
    ax.set_ylabel("can it be true, given the paper's other numbers?")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig
