"""Figures of the chapter "What the readers saw": synthetic elastography screens and the
participant flow diagram.

The functions draw phantoms and counts they are given (:mod:`microcalc.study.phantom`); they compute
no statistic. Screens use a dark background, as a scanner's monitor does.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

from microcalc.figures.cohort import GROUP_COLOURS
from microcalc.study.phantom import (
    FIELD_MM,
    LesionPhantom,
    ParticipantFlow,
    StrainElastogram,
)

__all__ = [
    "EXCLUSION_REASONS",
    "HISTOLOGY_NAMES",
    "PATTERN_NAMES",
    "STRAIN_CMAP",
    "STRAIN_SCORE_WORDS",
    "SWE_CMAP",
    "SWE_COLOUR_STOPS",
    "SWE_SCALE_KPA",
    "elastography_screen",
    "participant_flow_diagram",
    "roi_bias_plot",
    "screen_caption",
    "strain_score_panels",
    "swe_colour_name",
]

SWE_SCALE_KPA = (0.0, 180.0)
"""Colour scale of the shear-wave screens, kPa (a common default of shear-wave systems)."""
SWE_COLOUR_STOPS = (
    (0.00, "#000080", "dark blue"),
    (0.15, "#0040ff", "blue"),
    (0.32, "#00c8ff", "light blue"),
    (0.47, "#20d040", "green"),
    (0.62, "#ffee00", "yellow"),
    (0.80, "#ff8000", "orange"),
    (1.00, "#d00000", "red"),
)
"""(position on the scale, colour, name): blue soft to red stiff."""
SWE_CMAP = LinearSegmentedColormap.from_list("swe", [(p, c) for p, c, _ in SWE_COLOUR_STOPS])
STRAIN_CMAP = LinearSegmentedColormap.from_list(
    "strain",
    [(0.0, "#0a1f9e"), (0.2, "#1f5be0"), (0.45, "#22b83a"), (0.7, "#e6dc2a"), (1.0, "#d9301f")],
)
"""Strain colours: blue hard (little strain), green average, red soft (much strain)."""
STRAIN_SCORE_WORDS = {
    1: "entirely soft (all green)",
    2: "mostly soft, some blue",
    3: "mixed blue and green",
    4: "mostly hard, some green",
    5: "entirely hard (all blue)",
}
PATTERN_NAMES = {
    "clustered": "clustered",
    "scattered": "scattered",
    "sparse_punctate": "sparse punctate",
}
HISTOLOGY_NAMES = {
    "dcis": "DCIS",
    "invasive_carcinoma": "invasive carcinoma",
    "fibroadenoma": "fibroadenoma",
    "fibrocystic_change": "fibrocystic change",
    "benign_calcification": "benign calcification",
}
EXCLUSION_REASONS = (
    "earlier surgery or biopsy at the site",
    "neoadjuvant chemotherapy",
    "breast implants",
    "pregnancy or lactation",
    "elastography technically inadequate",
)
"""The study's exclusion criteria, in short."""


def swe_colour_name(kpa: float) -> str:
    """Name of the colour stop nearest to ``kpa`` on the shear-wave scale (a lookup).

    Examples
    --------
    >>> swe_colour_name(0.0), swe_colour_name(180.0)
    ('dark blue', 'red')
    """
    low, high = SWE_SCALE_KPA
    position = min(max((kpa - low) / (high - low), 0.0), 1.0)
    return min(SWE_COLOUR_STOPS, key=lambda stop: abs(stop[0] - position))[2]


_SCREEN_BG = "#0b0b0b"
_TEXT = "#e8e8e8"


def _screen_axes(ax, title: str) -> None:
    ax.set_facecolor("black")
    ax.set_title(title, color=_TEXT, fontsize=11, loc="left")
    ax.tick_params(colors=_TEXT, labelsize=9)
    for spine in ax.spines.values():
        spine.set_color("#555555")
    ax.set_xlabel("lateral (mm)", color=_TEXT, fontsize=9)
    ax.set_ylabel("depth (mm)", color=_TEXT, fontsize=9)


def _masked_to_box(image: np.ndarray, box_mm, pixel_mm: float) -> np.ma.MaskedArray:
    top, bottom, left, right = box_mm
    depth = (np.arange(image.shape[0]) + 0.5) * pixel_mm
    lateral = (np.arange(image.shape[1]) + 0.5) * pixel_mm
    inside = ((depth >= top) & (depth <= bottom))[:, None] & (
        (lateral >= left) & (lateral <= right)
    )[None, :]
    return np.ma.masked_where(~inside, image)


def screen_caption(phantom: LesionPhantom, lesion) -> str:
    """Two-line description of a lesion and its phantom (formatting only).

    Parameters
    ----------
    phantom : LesionPhantom
        The drawn lesion.
    lesion : mapping or pandas.Series
        Its row of the lesion table (``birads``, ``strain_ratio``, ``elasticity_score``,
        ``age_years`` are used when present).
    """
    group = "malignant" if phantom.malignant else "benign"
    first = (
        f"{phantom.participant_id}: {PATTERN_NAMES[phantom.calcification_pattern]} "
        f"microcalcifications, {group}"
    )
    if phantom.histology:
        first += f" ({HISTOLOGY_NAMES.get(phantom.histology, phantom.histology)})"
    second = [f"{phantom.lesion_size_mm:.1f} mm"]
    if "age_years" in lesion:
        second.append(f"age {float(lesion['age_years']):.0f}")
    if "birads" in lesion:
        second.append(f"BI-RADS {int(lesion['birads'])}")
    second.append(f"Emean {phantom.emean_kpa:.1f} kPa")
    second.append(f"Emax {phantom.emax_kpa:.1f} kPa")
    if "strain_ratio" in lesion:
        second.append(f"strain ratio {float(lesion['strain_ratio']):.2f}")
    if "elasticity_score" in lesion:
        second.append(f"score {int(lesion['elasticity_score'])}")
    return first + "\n" + " · ".join(second)


def elastography_screen(
    phantom: LesionPhantom, *, title: str | None = None, show_outline: bool = True
) -> plt.Figure:
    """B-mode image beside the shear-wave map, with the 2 mm ROI and a 0-180 kPa colour bar.

    Parameters
    ----------
    phantom : LesionPhantom
        From :func:`microcalc.study.phantom.lesion_phantom`.
    title : str, optional
        Figure title (for example :func:`screen_caption`).
    show_outline : bool
        Draw the lesion's margin as a thin dashed line on the shear-wave panel.
    """
    fig = plt.figure(figsize=(10.0, 4.3), facecolor=_SCREEN_BG)
    grid = fig.add_gridspec(1, 3, width_ratios=[1, 1, 0.045], wspace=0.12)
    ax_b, ax_s, ax_c = (fig.add_subplot(grid[0, i]) for i in range(3))
    extent = phantom.extent_mm
    for ax in (ax_b, ax_s):
        ax.imshow(phantom.bmode, cmap="gray", vmin=0, vmax=1, extent=extent, aspect="equal")
    _screen_axes(ax_b, "B-mode")
    rows, cols = np.nonzero(phantom.lesion_mask)
    mid = (rows.mean() + 0.5) * phantom.pixel_mm
    for c in (cols.min(), cols.max() + 1):
        ax_b.plot(c * phantom.pixel_mm, mid, "+", color="#ffd400", ms=9, mew=1.3)
    ax_b.text(
        (cols.max() + 1) * phantom.pixel_mm + 0.6,
        mid,
        f"{phantom.lesion_width_mm:.1f} mm",
        color="#ffd400",
        fontsize=8,
        va="center",
        bbox={"facecolor": "black", "alpha": 0.55, "edgecolor": "none", "pad": 1},
    )
    _screen_axes(ax_s, "Shear-wave elastography")
    ax_s.set_ylabel("")
    norm = Normalize(*SWE_SCALE_KPA)
    overlay = _masked_to_box(phantom.elasticity_kpa, phantom.swe_box_mm, phantom.pixel_mm)
    image = ax_s.imshow(overlay, cmap=SWE_CMAP, norm=norm, extent=extent, alpha=0.88)
    top, bottom, left, right = phantom.swe_box_mm
    ax_s.add_patch(
        Rectangle((left, top), right - left, bottom - top, fill=False, ec="white", lw=0.8)
    )
    if show_outline:
        depth = (np.arange(phantom.shape[0]) + 0.5) * phantom.pixel_mm
        lateral = (np.arange(phantom.shape[1]) + 0.5) * phantom.pixel_mm
        ax_s.contour(
            lateral,
            depth,
            phantom.lesion_mask.astype(float),
            levels=[0.5],
            colors="white",
            linewidths=0.7,
            linestyles="--",
            alpha=0.7,
        )
    roi = phantom.roi
    ax_s.add_patch(
        Rectangle(
            (roi.lateral_mm, roi.depth_mm), roi.side_mm, roi.side_mm, fill=False, ec="white", lw=1.6
        )
    )
    readout = (
        f"ROI {roi.side_mm:.0f} × {roi.side_mm:.0f} mm\n"
        f"Emean {phantom.emean_kpa:6.1f} kPa\n"  # = the ROI's mean, as recorded in the row
        f"Emax {phantom.emax_kpa:6.1f} kPa\n"  # = the ROI's maximum
        f"whole lesion {phantom.lesion_mean_kpa:6.1f} kPa"
    )
    # the read-out goes in the first image corner that the colour box leaves free
    depth, width = FIELD_MM
    text_w, text_h = 12.5, 6.0  # mm, about the read-out size
    corners = [
        (0.3, depth - 0.3, "left", "bottom"),
        (0.3, 0.3, "left", "top"),
        (width - 0.3, depth - 0.3, "right", "bottom"),
        (width - 0.3, 0.3, "right", "top"),
    ]

    def free(x, y, ha, va):
        x0 = x if ha == "left" else x - text_w
        y0 = y - text_h if va == "bottom" else y
        return x0 + text_w < left or x0 > right or y0 + text_h < top or y0 > bottom

    x, y, ha, va = next((c for c in corners if free(*c)), corners[0])
    ax_s.text(
        x,
        y,
        readout,
        color="white",
        fontsize=8.5,
        family="monospace",
        va=va,
        ha=ha,
        bbox={"facecolor": "black", "alpha": 0.6, "edgecolor": "none", "pad": 2},
    )
    ax_b.set_xlim(extent[0], extent[1])
    ax_s.set_xlim(extent[0], extent[1])
    ax_b.set_ylim(extent[2], extent[3])
    ax_s.set_ylim(extent[2], extent[3])
    bar = fig.colorbar(image, cax=ax_c)
    bar.set_ticks(np.arange(0, SWE_SCALE_KPA[1] + 1, 30))
    bar.set_label("kPa", color=_TEXT, fontsize=10)
    bar.ax.tick_params(colors=_TEXT, labelsize=9)
    bar.outline.set_edgecolor("#555555")
    # keep the colour bar as tall as the image panels
    pos_s, pos_c = ax_s.get_position(), ax_c.get_position()
    ax_c.set_position([pos_c.x0, pos_s.y0, pos_c.width, pos_s.height])
    if title:
        fig.suptitle(title, color=_TEXT, fontsize=12, x=0.07, ha="left", y=1.0)
    return fig


def strain_score_panels(
    panels: Sequence[tuple[LesionPhantom, StrainElastogram]],
    *,
    labels: Sequence[str],
) -> plt.Figure:
    """One strain elastogram per 1-5 score, coloured as the study's score describes.

    Each panel is zoomed on the lesion (dashed margin) and the fat lobule at the same depth;
    circle A marks the lesion's strain ROI and circle B the fat reference, the two regions
    whose strain ratio B/A is the strain ratio.

    Parameters
    ----------
    panels : sequence of (LesionPhantom, StrainElastogram)
        One pair per score, in the order to draw.
    labels : sequence of str
        Text under each panel (e.g. the lesion's id and strain ratio).
    """
    if len(labels) != len(panels):
        raise ValueError(f"labels must have one entry per panel ({len(panels)}), got {len(labels)}")
    n = len(panels)
    n_cols = min(3, n)
    n_rows = -(-(n + 1) // n_cols)  # one spare cell for the key
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(3.1 * n_cols, 3.0 * n_rows), facecolor=_SCREEN_BG, squeeze=False
    )
    fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.04, wspace=0.06, hspace=0.42)
    axes = axes.ravel()
    for ax in axes[n:]:
        ax.set_axis_off()
    image = None
    for ax, (phantom, strain), label in zip(axes[:n], panels, labels, strict=True):
        extent = phantom.extent_mm
        ax.imshow(phantom.bmode, cmap="gray", vmin=0, vmax=1, extent=extent)
        overlay = _masked_to_box(strain.relative_strain, strain.box_mm, phantom.pixel_mm)
        image = ax.imshow(overlay, cmap=STRAIN_CMAP, vmin=0, vmax=1, extent=extent, alpha=0.85)
        top, bottom, left, right = strain.box_mm
        ax.add_patch(
            Rectangle((left, top), right - left, bottom - top, fill=False, ec="white", lw=0.7)
        )
        mask = phantom.lesion_mask
        depth = (np.arange(phantom.shape[0]) + 0.5) * phantom.pixel_mm
        lateral = (np.arange(phantom.shape[1]) + 0.5) * phantom.pixel_mm
        ax.contour(
            lateral,
            depth,
            mask.astype(float),
            levels=[0.5],
            colors="white",
            linewidths=0.8,
            linestyles="--",
        )
        rows, cols = np.nonzero(mask)
        c_depth = (rows.mean() + 0.5) * phantom.pixel_mm
        c_lat = (cols.mean() + 0.5) * phantom.pixel_mm
        radius = 0.22 * phantom.lesion_size_mm
        f_depth, f_lat, f_r = phantom.reference_fat_mm
        for (y, x, r), name in (
            ((c_depth, c_lat, radius), "A"),
            ((f_depth, f_lat, 0.7 * f_r), "B"),
        ):
            ax.add_patch(Circle((x, y), r, fill=False, ec="white", lw=1.1))
            ax.text(
                x,
                y + r + 0.25,
                name,
                color="white",
                fontsize=8,
                ha="center",
                va="top",
                fontweight="bold",
            )
        # zoom on lesion and fat reference, same aspect in every panel
        lo = min(cols.min() * phantom.pixel_mm, f_lat - f_r) - 2.0
        hi = max((cols.max() + 1) * phantom.pixel_mm, f_lat + f_r) + 2.0
        width = hi - lo
        height = 0.75 * width
        x0 = float(np.clip(lo, 0, FIELD_MM[1] - width))
        y0 = float(np.clip(c_depth - height / 2, 0, FIELD_MM[0] - height))
        ax.set_xlim(x0, x0 + width)
        ax.set_ylim(y0 + height, y0)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#555555")
        ax.set_title(
            f"score {strain.score}\n{STRAIN_SCORE_WORDS.get(strain.score, '')}",
            color=_TEXT,
            fontsize=10,
        )
        ax.text(
            0.5,
            -0.04,
            label,
            transform=ax.transAxes,
            color=_TEXT,
            fontsize=9,
            ha="center",
            va="top",
        )
    key = axes[n] if len(axes) > n else None
    if key is not None:
        box = key.get_position()
        cax = fig.add_axes(
            [
                box.x0 + 0.1 * box.width,
                box.y0 + 0.62 * box.height,
                0.8 * box.width,
                0.08 * box.height,
            ]
        )
        key.text(
            0.5,
            0.45,
            "A: strain ROI in the lesion\nB: fat at the same depth\n"
            "strain ratio = strain(B) / strain(A)\ndashed: the lesion's margin",
            color=_TEXT,
            fontsize=9,
            ha="center",
            va="top",
            transform=key.transAxes,
        )
    else:
        cax = fig.add_axes([0.25, 0.0, 0.5, 0.03])
    bar = fig.colorbar(image, cax=cax, orientation="horizontal")
    bar.set_ticks([0.05, 0.5, 0.95], labels=["hard", "average", "soft"])
    bar.ax.tick_params(colors=_TEXT, labelsize=9)
    bar.outline.set_edgecolor("#555555")
    bar.ax.set_title("strain colours", color=_TEXT, fontsize=9)
    return fig


def roi_bias_plot(table, *, true_kpa: float) -> plt.Figure:
    """Average ROI readings of a homogeneous lesion against the map's noise level.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`microcalc.study.phantom.roi_bias_table` (columns ``noise_cv``,
        ``centre_mean_kpa``, ``centre_max_kpa``, ``stiffest_mean_kpa``, ``stiffest_max_kpa``).
    true_kpa : float
        The lesion's true stiffness, drawn as a line.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    x = 100 * table["noise_cv"]
    styles = [
        ("stiffest_max_kpa", "Emax, box on the stiffest part", "#c0392b", "-"),
        ("stiffest_mean_kpa", "Emean, box on the stiffest part", "#e67e22", "-"),
        ("centre_max_kpa", "Emax, box at the centre", "#7d3c98", "--"),
        ("centre_mean_kpa", "Emean, box at the centre", "#2471a3", "--"),
    ]
    for column, label, colour, ls in styles:
        ax.plot(x, table[column], marker="o", ms=4, color=colour, ls=ls, label=label)
    ax.axhline(true_kpa, color="0.2", lw=1, ls=":")
    ax.text(
        x.max(), true_kpa - 0.4, "true stiffness", ha="right", va="top", fontsize=8, color="0.2"
    )
    ax.set(
        xlabel="noise of the shear-wave map (SD, % of the true value)",
        ylabel="average reading (kPa)",
    )
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _box(ax, x, y, w, h, text, *, dashed=False, colour="#333333", face="white", size=8.5):
    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2),
        w,
        h,
        boxstyle="round,pad=0.006,rounding_size=0.012",
        fc=face,
        ec=colour,
        lw=1.2,
        ls="--" if dashed else "-",
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color="#1a1a1a")


def _arrow(ax, start, end):
    ax.annotate(
        "", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 1.1}
    )


def participant_flow_diagram(
    flow: ParticipantFlow,
    *,
    footnote: str = "",
    follow_up_mark: str = "",
    follow_up_months: float | None = None,
) -> plt.Figure:
    """STARD-style participant flow drawn from counts.

    Boxes whose counts the data do not hold (screened, excluded) are dashed and say
    "not reported".

    Parameters
    ----------
    flow : ParticipantFlow
        From :func:`microcalc.study.phantom.participant_flow`.
    footnote : str
        Text printed under the diagram.
    follow_up_mark : str
        Mark appended to the follow-up count (e.g. ``"*"`` pointing to the footnote).
    follow_up_months : float, optional
        Minimum follow-up of the protocol, printed with the follow-up count.
    """

    def n_or_nr(n):
        return "not reported" if n is None else f"{n}"

    fig, ax = plt.subplots(figsize=(8.6, 8.6))
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(0.12, 1)
    ax.axis("off")
    grey = "#8a8a8a"
    centre = 0.34
    _box(
        ax,
        centre,
        0.955,
        0.6,
        0.065,
        "Women with mammographic microcalcifications,\nscreened consecutively: n = "
        + n_or_nr(flow.n_screened),
        dashed=True,
        colour=grey,
        face="#f4f4f4",
        size=9.5,
    )
    reasons = "\n".join(f"• {r}" for r in EXCLUSION_REASONS)
    _box(
        ax,
        0.83,
        0.82,
        0.33,
        0.16,
        f"Excluded: n = {n_or_nr(flow.n_excluded)}\n{reasons}",
        dashed=True,
        colour=grey,
        face="#f4f4f4",
        size=8.5,
    )
    _arrow(ax, (centre, 0.922), (centre, 0.81))
    _arrow(ax, (centre, 0.86), (0.66, 0.86))
    g = flow.groups
    _box(
        ax,
        centre,
        0.775,
        0.6,
        0.065,
        f"Enrolled (case-control): n = {flow.n_enrolled}\n"
        f"{g.loc['malignant', 'n']} malignant + {g.loc['benign', 'n']} benign,\n"
        "selected by the reference standard",
        size=9.5,
    )
    xs = {"malignant": 0.235, "benign": 0.755}
    order = {h: i for i, h in enumerate(HISTOLOGY_NAMES)}
    hist = flow.histology
    width = 0.47
    for group, x in xs.items():
        row = g.loc[group]
        colour = GROUP_COLOURS[group]
        _arrow(ax, (centre, 0.742), (x, 0.69))
        kinds = hist[hist["group"] == group]
        kinds = kinds.iloc[np.argsort([order.get(h, 99) for h in kinds["histology"]])]
        subtypes = [
            f"{HISTOLOGY_NAMES.get(h, h)} {n}"
            for h, n in zip(kinds["histology"], kinds["n"], strict=True)
        ]
        lines = [", ".join(subtypes[i : i + 2]) for i in range(0, len(subtypes), 2)]
        ref = f"histology {row['ref_histology']}"
        if row["ref_follow_up"]:
            months = f" ≥ {follow_up_months:g} mo" if follow_up_months else ""
            ref += f", follow-up{months} {row['ref_follow_up']}{follow_up_mark}"
        _box(
            ax,
            x,
            0.625,
            width,
            0.12,
            f"{group.capitalize()}: n = {row['n']}\nreference standard: {ref}\n" + "\n".join(lines),
            colour=colour,
            size=9,
        )
        _arrow(ax, (x, 0.563), (x, 0.52))
        _box(
            ax,
            x,
            0.48,
            width,
            0.075,
            "Index test: shear-wave + strain\nelastography, two readers;\n"
            f"third reader decided: n = {row['n_consensus']}",
            colour=colour,
            size=9,
        )
        _arrow(ax, (x, 0.441), (x, 0.398))
        _box(
            ax,
            x,
            0.36,
            width,
            0.07,
            f"Emean ≥ {flow.cutoff_kpa:g} kPa: {row['n_index_positive']}\n"
            f"Emean < {flow.cutoff_kpa:g} kPa: {row['n_index_negative']}\n"
            f"missing or inconclusive: {row['n_index_missing']}",
            colour=colour,
            size=9,
        )
        _arrow(ax, (x, 0.324), (x, 0.283))
        _box(
            ax, x, 0.255, width, 0.05, f"Analysed: n = {row['n_analysed']}", colour=colour, size=9.5
        )
    if footnote:
        ax.text(0.0, 0.2, footnote, fontsize=8.5, va="top", ha="left", color="#333333")
    fig.tight_layout()
    return fig
