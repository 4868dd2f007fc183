"""Helpers for figure tests: does a legend cover a text label or another legend entry?"""

import matplotlib.pyplot as plt


def legend_overlaps(fig: plt.Figure) -> list[str]:
    """Texts (annotations, axis texts) of ``fig`` whose drawn box overlaps a legend's box."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    boxes = [legend.get_window_extent(renderer) for legend in legends]
    hits = []
    for ax in fig.axes:
        for text in ax.texts:
            if not text.get_visible() or not text.get_text():
                continue
            extent = text.get_window_extent(renderer)
            if any(extent.overlaps(box) for box in boxes):
                hits.append(text.get_text())
    return hits
