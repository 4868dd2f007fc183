"""Synthetic ultrasound screens for one lesion, and the participant flow of the study.

The study illustrates each calcification pattern with a B-mode image beside its elastography
map. No patient images exist for the simulated cohort, so this module *draws* them: for one row
of the lesion table it builds

* a **B-mode image**: fully developed speckle (complex Gaussian scatterers seen through an
  anisotropic point-spread function, envelope-detected and log-compressed to a 50 dB dynamic
  range, as in the study's scanner settings) over a layered breast (skin, subcutaneous fat with
  Cooper's ligaments, fibroglandular tissue with fat lobules, retromammary fat, pectoral
  muscle), a lesion of the row's size, and bright punctate foci laid out as the row's
  calcification pattern;
* a **shear-wave elasticity map** in kPa: a soft background by tissue type and a lesion whose
  stiffness varies around a stiffest spot, scaled so that the map's ROI reproduces the row's
  Emean and Emax exactly (definitions below);
* a **strain elastogram** (:func:`strain_elastogram`) coloured by the 5-point score.

Everything is deterministic: the random numbers come from one
:class:`numpy.random.SeedSequence` built from the cohort seed and the participant id, so the
same seed and row give identical arrays on any machine.

Definitions used throughout (pixel spacing :data:`PIXEL_MM` = 0.1 mm):

* **lesion region**: the pixels of :attr:`LesionPhantom.lesion_mask`; its width (lateral
  extent) equals ``lesion_size_mm`` to within one pixel.
* **ROI**: the 2 mm x 2 mm box (20 x 20 pixels) over the stiffest part of the lesion, i.e. the
  box position whose mean log stiffness (geometric mean) over the *lesion pixels it contains*
  is largest, among positions where lesion pixels fill at least half the box (the protocol of
  Barr et al. 2015 and of the study: the box goes on the stiffest part shown by the colour
  map). By arithmetic mean it is the stiffest box too, or within a fraction of a percent of it.
* **Emean**: mean of the map over the lesion pixels inside the ROI
  (:attr:`LesionPhantom.roi_mean_kpa`). **Emax**: the largest map value among them
  (:attr:`LesionPhantom.roi_max_kpa`). As in the study's protocol and the data dictionary,
  these are the recorded values: they equal the row's ``elasticity_kpa`` and
  ``elasticity_max_kpa`` to floating-point precision (the tests require agreement within
  0.005 kPa, half the CSV's last decimal). One phantom stands for one acquisition; the study
  averages three per reader.

The mean of the whole lesion (:attr:`LesionPhantom.lesion_mean_kpa`) is *not* recorded by the
protocol; it lies below Emean and shows how far a box on the stiffest part reads above the
lesion as a whole.

References
----------
Barr RG, Nakashima K, Amy D, et al. WFUMB guidelines and recommendations for clinical use of
ultrasound elastography: Part 2: breast. Ultrasound Med Biol 2015;41:1148-1160.
Bossuyt PM, Reitsma JB, Bruns DE, et al. STARD 2015: an updated list of essential items for
reporting diagnostic accuracy studies. BMJ 2015;351:h5527 (participant flow).

Examples
--------
>>> row = {"participant_id": "P001", "malignant": 1, "lesion_size_mm": 8.0,
...        "calcification_pattern": "clustered", "elasticity_kpa": 90.0,
...        "elasticity_max_kpa": 110.0}
>>> p = lesion_phantom(row, seed=2025)
>>> p.bmode.shape == p.elasticity_kpa.shape
True
>>> round(p.roi_mean_kpa, 6), round(p.roi_max_kpa, 6)
(90.0, 110.0)
"""

from __future__ import annotations

import functools
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import ndimage

__all__ = [
    "FIELD_MM",
    "PATTERNS",
    "PIXEL_MM",
    "ROI_MM",
    "STRAIN_HARD_FRACTION",
    "TISSUE_CODES",
    "ExampleCheck",
    "LesionPhantom",
    "ParticipantFlow",
    "Roi",
    "RoiBias",
    "StrainElastogram",
    "TypicalLesion",
    "compare_example",
    "lesion_phantom",
    "participant_flow",
    "roi_bias_table",
    "roi_selection_bias",
    "shear_wave_speed_m_s",
    "strain_elastogram",
    "typical_by_pattern",
    "typical_lesion",
    "youngs_modulus_kpa",
]

PIXEL_MM = 0.1
"""Pixel spacing of every image, mm (isotropic)."""
FIELD_MM = (24.0, 32.0)
"""Field of view, (depth, width) in mm: a linear probe's view of the breast down to the muscle."""
ROI_MM = 2.0
"""Side of the square shear-wave ROI, mm (the study's protocol)."""
SWE_BOX_MARGIN_MM = 5.0
"""Margin of the shear-wave box around the lesion, mm (the study's protocol)."""
PATTERNS = ("clustered", "scattered", "sparse_punctate")
TISSUE_CODES = {"skin": 0, "fat": 1, "gland": 2, "muscle": 3, "lesion": 4}
SKIN, FAT, GLAND, MUSCLE, LESION = (TISSUE_CODES[k] for k in TISSUE_CODES)

STRAIN_HARD_FRACTION = {1: 0.0, 2: 0.25, 3: 0.5, 4: 0.75, 5: 1.0}
"""Share of the lesion drawn hard (blue) for each 1-5 strain score: 1 entirely soft (green),
2 mostly soft with some blue, 3 mixed, 4 mostly hard with some green, 5 entirely hard."""

# Mean backscatter amplitude (linear, glandular tissue = 1) and background shear modulus (kPa).
_ECHO = {SKIN: 2.2, FAT: 0.22, GLAND: 1.0, MUSCLE: 0.45}
_LESION_ECHO = {
    "invasive_carcinoma": 0.13,
    "dcis": 0.2,
    "fibroadenoma": 0.3,
    "fibrocystic_change": 0.55,
    "benign_calcification": 0.4,
}
_POSTERIOR = {"invasive_carcinoma": 0.62, "fibroadenoma": 1.3}  # shadowing / enhancement
_STIFFNESS_KPA = {SKIN: 22.0, FAT: 7.0, GLAND: 18.0, MUSCLE: 28.0}
_STRAIN = {SKIN: 0.50, FAT: 0.74, GLAND: 0.52, MUSCLE: 0.45}  # relative strain, 0 hard..1 soft

_REQUIRED = (
    "participant_id",
    "malignant",
    "lesion_size_mm",
    "calcification_pattern",
    "elasticity_kpa",
    "elasticity_max_kpa",
)


# ---------------------------------------------------------------------------------------------
# Physics
# ---------------------------------------------------------------------------------------------
def shear_wave_speed_m_s(e_kpa, density_kg_m3: float = 1000.0):
    """Shear-wave speed (m/s) in soft tissue of Young's modulus ``e_kpa``.

    Soft tissue is nearly incompressible, so Young's modulus is three times the shear modulus,
    :math:`E = 3\\mu = 3\\rho c^2`, and :math:`c = \\sqrt{E / (3\\rho)}`. Shear-wave systems
    measure :math:`c` and display :math:`E` (Barr et al. 2015).

    Parameters
    ----------
    e_kpa : float or array_like
        Young's modulus in kPa (>= 0).
    density_kg_m3 : float
        Tissue density; 1000 kg/m^3 is the usual assumption.

    Examples
    --------
    >>> round(float(shear_wave_speed_m_s(75.0)), 3)
    5.0
    """
    e = np.asarray(e_kpa, dtype=float)
    if np.any(e < 0) or not np.all(np.isfinite(e)):
        raise ValueError(f"e_kpa must be finite and >= 0, got {e_kpa!r}")
    if not density_kg_m3 > 0:
        raise ValueError(f"density_kg_m3 must be > 0, got {density_kg_m3!r}")
    c = np.sqrt(e * 1000.0 / (3.0 * density_kg_m3))
    return float(c) if c.ndim == 0 else c


def youngs_modulus_kpa(speed_m_s, density_kg_m3: float = 1000.0):
    """Young's modulus (kPa) from shear-wave speed, :math:`E = 3\\rho c^2` (Barr et al. 2015).

    The inverse of :func:`shear_wave_speed_m_s`.

    Examples
    --------
    >>> youngs_modulus_kpa(5.0)
    75.0
    """
    c = np.asarray(speed_m_s, dtype=float)
    if np.any(c < 0) or not np.all(np.isfinite(c)):
        raise ValueError(f"speed_m_s must be finite and >= 0, got {speed_m_s!r}")
    if not density_kg_m3 > 0:
        raise ValueError(f"density_kg_m3 must be > 0, got {density_kg_m3!r}")
    e = 3.0 * density_kg_m3 * c**2 / 1000.0
    return float(e) if e.ndim == 0 else e


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def _rng_for(seed: int, participant_id: str, stream: int = 0) -> np.random.Generator:
    """One generator per (seed, participant, stream); crc32 is stable across processes."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    key = zlib.crc32(str(participant_id).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([int(seed), key, stream]))


def _field(rng: np.random.Generator, shape, sigma_px) -> np.ndarray:
    """Smooth Gaussian random field with mean 0 and SD 1 (over the array).

    Wide fields are drawn on a coarser grid (at least 2.5 coarse pixels per sigma) and
    interpolated up, which is much faster than a wide filter and looks the same.
    """
    factor = max(1, int(sigma_px // 2.5))
    coarse = tuple(-(-n // factor) + 2 for n in shape)
    f = ndimage.gaussian_filter(rng.standard_normal(coarse), sigma_px / factor, mode="reflect")
    if factor > 1:
        f = ndimage.zoom(f, factor, order=1)
    f = f[: shape[0], : shape[1]]
    return (f - f.mean()) / f.std()


def _box_sums(a: np.ndarray, k: int) -> np.ndarray:
    """Sum of ``a`` over every k x k box; entry [i, j] is the box with top-left (i, j)."""
    s = np.zeros((a.shape[0] + 1, a.shape[1] + 1))
    s[1:, 1:] = a.cumsum(0).cumsum(1)
    return s[k:, k:] - s[:-k, k:] - s[k:, :-k] + s[:-k, :-k]


def _box_scores(values: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Mean of ``values`` over mask pixels of every k x k box (top-left [i, j]).

    Only boxes in which mask pixels fill at least half the box compete (all boxes with the
    largest mask count, if no box is half full); the others score ``-inf``.
    """
    num = _box_sums(np.where(mask, values, 0.0), k)
    den = _box_sums(mask.astype(float), k)
    need = min(0.5 * k * k, den.max())
    return np.where(den >= need - 1e-9, num / np.maximum(den, 1.0), -np.inf)


def _stiffest_box(values: np.ndarray, mask: np.ndarray, k: int) -> tuple[int, int]:
    """Top-left corner of the k x k box with the largest mean of ``values`` over mask pixels.

    Competing boxes as in :func:`_box_scores`. Ties go to the first in row-major order.
    """
    score = _box_scores(values, mask, k)
    i, j = np.unravel_index(int(np.argmax(score)), score.shape)
    return int(i), int(j)


def _log_max_over_mean(s: float, values: np.ndarray) -> float:
    """log(max / mean) of ``exp(s * values)``, computed without overflow."""
    return float(-np.log(np.mean(np.exp(s * (values - values.max())))))


def _box_values(h, mask, corner, k):
    box = (slice(corner[0], corner[0] + k), slice(corner[1], corner[1] + k))
    return h[box][mask[box]]


def _exponent_for(values: np.ndarray, target: float) -> float:
    """The ``s >= 0`` at which max / mean of ``exp(s * values)`` equals ``exp(target)``."""
    from scipy.optimize import brentq

    if target <= 0:
        return 0.0
    high = 1.0
    while _log_max_over_mean(high, values) < target:
        high *= 2.0
        if high > 1e6:  # pragma: no cover - needs Emax / Emean near the ROI's pixel count
            raise ValueError(f"Emax / Emean = {math.exp(target):.3g} is too large for the ROI")
    return brentq(lambda x: _log_max_over_mean(x, values) - target, 0.0, high, xtol=1e-13)


def _anchor_on_roi(h, mask, emean, emax, k):
    """Stiffness ``c * exp(s * h)`` whose stiffest k x k box has mean Emean and maximum Emax.

    The stiffest box is the one with the largest mean *log* stiffness over its lesion pixels
    (the largest geometric mean); log stiffness is ``log c + s * h``, so for every ``s > 0``
    it is the box with the largest mean of ``h``, found once. In that box, max / mean of
    ``exp(s * h)`` rises monotonically from 1 at ``s = 0`` (its log has derivative
    ``max(h) - weighted mean of h >= 0``), so ``s`` is the root of
    ``log(max / mean) = log(Emax / Emean)``, and ``c`` makes the box's mean equal to Emean.
    The map is positive by construction. Returns the lesion map (valid on ``mask``) and the
    box's top-left corner.
    """
    corner = _stiffest_box(h, mask, k)
    values = _box_values(h, mask, corner, k)
    stiffness = np.exp(_exponent_for(values, math.log(emax / emean)) * (h - values.max()))
    inside = _box_values(stiffness, mask, corner, k)
    return stiffness * (emean / inside.mean()), corner


def _mm_grid(shape, pixel_mm):
    depth = (np.arange(shape[0]) + 0.5) * pixel_mm
    lateral = (np.arange(shape[1]) + 0.5) * pixel_mm
    return np.meshgrid(depth, lateral, indexing="ij")


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Roi:
    """A square region of interest on the image grid.

    Attributes
    ----------
    row, col : int
        Top-left pixel.
    size_px : int
        Side in pixels.
    pixel_mm : float
        Pixel spacing.
    """

    row: int
    col: int
    size_px: int
    pixel_mm: float

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.row, self.row + self.size_px), slice(self.col, self.col + self.size_px)

    @property
    def depth_mm(self) -> float:
        """Depth of the box's top edge, mm."""
        return self.row * self.pixel_mm

    @property
    def lateral_mm(self) -> float:
        """Lateral position of the box's left edge, mm."""
        return self.col * self.pixel_mm

    @property
    def side_mm(self) -> float:
        return self.size_px * self.pixel_mm

    @property
    def centre_mm(self) -> tuple[float, float]:
        """(depth, lateral) of the box centre, mm."""
        half = self.side_mm / 2
        return self.depth_mm + half, self.lateral_mm + half


@dataclass(frozen=True, eq=False)
class LesionPhantom:
    """Synthetic B-mode image and shear-wave map of one lesion (see the module docstring).

    Attributes
    ----------
    participant_id, calcification_pattern, histology : str
        From the lesion row (histology is ``""`` when the row has none).
    malignant : int
        Reference-standard diagnosis of the row.
    lesion_size_mm, emean_kpa, emax_kpa : float
        The row's size, Emean and Emax that the phantom reproduces.
    seed : int
        Cohort seed the random numbers were derived from.
    pixel_mm : float
        Pixel spacing (mm).
    bmode : numpy.ndarray
        Grey level in [0, 1], shape (depth, width): 0 is -50 dB, 1 is 0 dB.
    elasticity_kpa : numpy.ndarray
        Shear-wave map, Young's modulus in kPa, same shape.
    tissue : numpy.ndarray
        Tissue code per pixel (:data:`TISSUE_CODES`).
    lesion_mask : numpy.ndarray
        Boolean lesion region.
    foci_mm : numpy.ndarray
        (n, 2) depth and lateral position of each calcific focus, mm.
    roi : Roi
        The 2 mm shear-wave ROI over the stiffest part.
    swe_box_mm : tuple of float
        (top, bottom, left, right) of the shear-wave colour box, mm.
    reference_fat_mm : tuple of float
        (depth, lateral, radius) of the fat lobule at the lesion's depth used as the strain
        reference, mm.
    """

    participant_id: str
    calcification_pattern: str
    histology: str
    malignant: int
    lesion_size_mm: float
    emean_kpa: float
    emax_kpa: float
    seed: int
    pixel_mm: float
    bmode: np.ndarray
    elasticity_kpa: np.ndarray
    tissue: np.ndarray
    lesion_mask: np.ndarray
    foci_mm: np.ndarray
    roi: Roi
    swe_box_mm: tuple[float, float, float, float]
    reference_fat_mm: tuple[float, float, float]

    @property
    def shape(self) -> tuple[int, int]:
        return self.bmode.shape

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) for ``matplotlib.pyplot.imshow`` with depth downwards."""
        depth, width = self.shape[0] * self.pixel_mm, self.shape[1] * self.pixel_mm
        return 0.0, width, depth, 0.0

    @property
    def lesion_mean_kpa(self) -> float:
        """Mean of the map over the whole lesion region (below ``emean_kpa``: not recorded)."""
        return float(self.elasticity_kpa[self.lesion_mask].mean())

    def _roi_values(self) -> np.ndarray:
        rows, cols = self.roi.slices
        return self.elasticity_kpa[rows, cols][self.lesion_mask[rows, cols]]

    @property
    def roi_max_kpa(self) -> float:
        """Largest map value among lesion pixels in the ROI (equals ``emax_kpa``)."""
        return float(self._roi_values().max())

    @property
    def roi_mean_kpa(self) -> float:
        """Mean of the map over lesion pixels in the ROI: the recorded Emean (``emean_kpa``)."""
        return float(self._roi_values().mean())

    @property
    def lesion_min_kpa(self) -> float:
        return float(self.elasticity_kpa[self.lesion_mask].min())

    @property
    def lesion_width_mm(self) -> float:
        """Lateral extent of the lesion region, mm."""
        cols = np.flatnonzero(self.lesion_mask.any(axis=0))
        return float((cols[-1] - cols[0] + 1) * self.pixel_mm)


# ---------------------------------------------------------------------------------------------
# Geometry: tissue layers, lesion, calcifications
# ---------------------------------------------------------------------------------------------
def _wave(rng, x_mm, amplitude, wavelength_mm):
    phase = rng.uniform(0, 2 * np.pi, 2)
    return amplitude * (
        0.7 * np.sin(2 * np.pi * x_mm / wavelength_mm + phase[0])
        + 0.3 * np.sin(2 * np.pi * x_mm / (0.45 * wavelength_mm) + phase[1])
    )


def _lesion_shape(rng, size_mm: float, malignant: bool):
    """Boundary radius r(theta) on the unit ellipse and the semi-axes (rx, ry) in mm.

    Benign: oval, wider than tall, smooth margin. Malignant: rounder, with an irregular,
    angular margin. ``rx`` is chosen so that the lateral extent equals ``size_mm``.
    """
    ks = np.arange(2, 11) if malignant else np.arange(2, 4)
    strength = 0.10 if malignant else 0.03
    amps = strength * rng.uniform(0.4, 1.0, ks.size) / np.sqrt(ks - 1)
    phases = rng.uniform(0, 2 * np.pi, ks.size)
    aspect = 0.78 if malignant else 0.6

    def radius(theta):
        theta = np.asarray(theta)[..., None]
        return 1.0 + (amps * np.cos(ks * theta + phases)).sum(axis=-1)

    theta = np.linspace(0, 2 * np.pi, 4096, endpoint=False)
    x = radius(theta) * np.cos(theta)
    rx = size_mm / (x.max() - x.min())
    x_offset = -(x.max() + x.min()) / 2 * rx  # centre the lateral extent
    return radius, rx, aspect * rx, x_offset


def _layout(rng, row: Mapping, shape, pixel_mm):
    """Tissue map, lesion mask, lesion centre and reference fat lobule."""
    depth, lateral = _mm_grid(shape, pixel_mm)
    x = lateral[0]
    skin = 1.1 + _wave(rng, x, 0.1, 20.0)
    fat_bottom = 4.6 + _wave(rng, x, 0.9, 14.0)
    gland_bottom = 19.2 + _wave(rng, x, 0.7, 18.0)
    retro_bottom = gland_bottom + 1.3 + _wave(rng, x, 0.3, 9.0)
    tissue = np.full(shape, MUSCLE, dtype=np.int8)
    tissue[depth < retro_bottom] = FAT
    tissue[depth < gland_bottom] = GLAND
    tissue[depth < fat_bottom] = FAT
    tissue[depth < skin] = SKIN
    # fat lobules inside the glandular layer
    lobules = _field(rng, shape, 1.6 / pixel_mm) > 1.6
    tissue[(tissue == GLAND) & lobules] = FAT

    size = float(row["lesion_size_mm"])
    malignant = bool(row["malignant"])
    radius, rx, ry, x_offset = _lesion_shape(rng, size, malignant)
    height = 2 * ry * 1.15
    centre_depth = float(np.clip(11.8 + rng.uniform(-1, 1), 4.0 + height / 2, 19.0 - height / 2))
    centre_lat = FIELD_MM[1] / 2 + rng.uniform(-2.0, 2.0) - x_offset
    u = (lateral - centre_lat) / rx
    v = (depth - centre_depth) / ry
    rho = np.hypot(u, v)
    mask = np.zeros(shape, dtype=bool)
    near = rho <= 1.5  # the margin never strays further than this from the ellipse
    mask[near] = rho[near] <= radius(np.arctan2(v[near], u[near]))

    # a fat lobule at the lesion's depth, beside it: the strain-ratio reference
    cols = np.flatnonzero(mask.any(axis=0))
    left_edge, right_edge = cols[0] * pixel_mm, (cols[-1] + 1) * pixel_mm
    room_right = FIELD_MM[1] - right_edge
    side = 1.0 if room_right >= left_edge else -1.0
    fat_r = 1.3
    gap = 1.2 + fat_r
    fat_lat = right_edge + gap if side > 0 else left_edge - gap
    fat_lat = float(np.clip(fat_lat, fat_r + 0.2, FIELD_MM[1] - fat_r - 0.2))
    fat_depth = centre_depth
    lobule = np.hypot((lateral - fat_lat) / 1.25, (depth - fat_depth) / 0.85) <= fat_r
    tissue[lobule & ~mask] = FAT
    tissue[mask] = LESION
    return tissue, mask, (centre_depth, centre_lat), (fat_depth, fat_lat, fat_r)


def _foci(rng, pattern: str, mask: np.ndarray, size_mm: float, pixel_mm: float) -> np.ndarray:
    """Positions (depth, lateral, mm) of calcific foci laid out as the pattern.

    clustered: many foci packed in one small group; scattered: a moderate number spread over
    the lesion; sparse punctate: a few isolated foci far apart.
    """
    # keep foci away from the margin so that they read as inside the lesion
    inner = ndimage.binary_erosion(mask, iterations=max(2, int(0.4 / pixel_mm)))
    if not inner.any():
        inner = mask
    pts = np.argwhere(inner) * pixel_mm + pixel_mm / 2
    if pattern == "clustered":
        n = int(np.clip(round(8 + 1.0 * size_mm), 10, 22))
        centre = pts[rng.integers(len(pts))]
        # pull the cluster centre towards the middle of the lesion
        centre = 0.6 * centre + 0.4 * pts.mean(axis=0)
        spread = min(0.8, 0.1 * size_mm + 0.2)
        out = []
        for _ in range(2000):
            p = centre + rng.normal(0, spread, 2)
            r, c = (p / pixel_mm).astype(int)
            inside = 0 <= r < mask.shape[0] and 0 <= c < mask.shape[1] and inner[r, c]
            if inside and all(np.hypot(*(p - q)) > 0.3 for q in out):
                out.append(p)
            if len(out) == n:
                break
        return np.array(out)
    if pattern == "scattered":
        n, min_gap = int(np.clip(round(4 + 0.7 * size_mm), 6, 14)), max(0.6, 0.1 * size_mm)
    elif pattern == "sparse_punctate":
        n, min_gap = (3 if size_mm < 6 else 4 if size_mm < 10 else 5), max(0.7, 0.2 * size_mm)
    else:
        raise ValueError(f"calcification_pattern must be one of {PATTERNS}, got {pattern!r}")
    out = []
    for _ in range(4000):
        p = pts[rng.integers(len(pts))] + rng.uniform(-0.05, 0.05, 2)
        if all(np.hypot(*(p - q)) >= min_gap for q in out):
            out.append(p)
        if len(out) == n:
            break
    return np.array(out)


# ---------------------------------------------------------------------------------------------
# B-mode
# ---------------------------------------------------------------------------------------------
def _bmode(rng, tissue, mask, foci_mm, histology, malignant, pixel_mm, dynamic_range_db=50.0):
    shape = tissue.shape
    depth, lateral = _mm_grid(shape, pixel_mm)
    amp = np.zeros(shape)
    for code, level in _ECHO.items():
        amp[tissue == code] = level
    texture = np.exp(0.28 * _field(rng, shape, 0.6 / pixel_mm))
    amp *= np.where(tissue == GLAND, texture, np.exp(0.12 * _field(rng, shape, 0.8 / pixel_mm)))
    # Cooper's ligaments: thin bright oblique bands in the subcutaneous fat
    for _ in range(4):
        x0 = rng.uniform(0, FIELD_MM[1])
        slope = rng.uniform(0.6, 1.4) * rng.choice([-1, 1])
        wiggle = 0.4 * np.sin(depth / rng.uniform(1.5, 3.0) + rng.uniform(0, 6))
        band = np.abs(lateral - (x0 + slope * depth + wiggle)) < 0.13
        amp[band & (tissue == FAT) & (depth < 7)] = 1.2
    # pectoral muscle striations
    stria = 1 + 0.55 * np.sin(2 * np.pi * (depth + 0.15 * np.sin(lateral / 3.0)) / 0.9)
    amp = np.where(tissue == MUSCLE, amp * stria, amp)
    lesion_level = _LESION_ECHO.get(histology, 0.15 if malignant else 0.4)
    amp[mask] = lesion_level * np.exp(0.1 * _field(rng, shape, 0.5 / pixel_mm))[mask]
    amp = ndimage.gaussian_filter(amp, 0.12 / pixel_mm)
    # posterior shadowing (invasive carcinoma) or enhancement (fibroadenoma)
    factor = _POSTERIOR.get(histology)
    if factor is not None:
        cols = mask.any(axis=0)
        bottom = np.where(cols, shape[0] - 1 - np.argmax(mask[::-1], axis=0), shape[0])
        below = np.arange(shape[0])[:, None] > bottom[None, :]
        post = np.where(below, factor, 1.0)
        post = ndimage.gaussian_filter(post, (0.4 / pixel_mm, 0.8 / pixel_mm))
        amp *= post
    # speckle: complex scatterers through an anisotropic point-spread function
    field = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * amp / np.sqrt(2)
    for d, x in foci_mm:
        r, c = int(d / pixel_mm), int(x / pixel_mm)
        strength = 11.0 * rng.uniform(0.7, 1.3)
        for dr, dc in ((0, 0), (0, 1), (1, 0))[: rng.integers(1, 4)]:
            rr, cc = min(r + dr, shape[0] - 1), min(c + dc, shape[1] - 1)
            field[rr, cc] += strength * np.exp(1j * rng.uniform(0, 2 * np.pi))
    psf = (0.11 / pixel_mm, 0.26 / pixel_mm)  # axial, lateral sigma in pixels
    envelope = np.abs(
        ndimage.gaussian_filter(field.real, psf) + 1j * ndimage.gaussian_filter(field.imag, psf)
    )
    # gain: slight focal brightening at the lesion depth
    gain = 1 + 0.12 * np.exp(-(((depth - depth[mask].mean()) / 5.0) ** 2))
    envelope *= gain
    # mild speckle reduction, as scanners apply
    envelope = ndimage.gaussian_filter(envelope, 0.06 / pixel_mm)
    ref = np.percentile(envelope[tissue == GLAND], 99.0) * 2.0
    db = 20 * np.log10(np.maximum(envelope, 1e-12) / ref)
    return np.clip(1 + db / dynamic_range_db, 0.0, 1.0)


# ---------------------------------------------------------------------------------------------
# Shear-wave map
# ---------------------------------------------------------------------------------------------
def _swe(rng, tissue, mask, malignant, emean, emax, pixel_mm, roi_px):
    shape = tissue.shape
    depth, lateral = _mm_grid(shape, pixel_mm)
    background = np.zeros(shape)
    for code, level in _STIFFNESS_KPA.items():
        background[tissue == code] = level
    background[mask] = _STIFFNESS_KPA[GLAND]
    background *= np.exp(0.22 * _field(rng, shape, 1.5 / pixel_mm))
    background = ndimage.gaussian_filter(background, 0.6 / pixel_mm)

    # lesion stiffness pattern h: a stiffest spot (near the margin for malignant lesions,
    # the "stiff rim"; nearer the centre for benign ones) plus smooth heterogeneity
    pts = np.argwhere(mask)
    centre = pts.mean(axis=0)
    radii = np.hypot(*(pts - centre).T)
    target = (0.65 if malignant else 0.3) * radii.max()
    candidates = pts[np.abs(radii - target) <= max(1.0, 0.1 * radii.max())]
    spot = candidates[rng.integers(len(candidates))] * pixel_mm
    size_mm = 2 * radii.max() * pixel_mm
    width = max(0.8, 0.17 * size_mm)
    bump = np.exp(-(((depth - spot[0]) ** 2 + (lateral - spot[1]) ** 2) / (2 * width**2)))
    h = 1.6 * bump + 0.25 * _field(rng, shape, 0.45 / pixel_mm)
    h += 0.6 * _field(rng, shape, 0.15 / pixel_mm)
    h = h - h[mask].mean()

    lesion, (row0, col0) = _anchor_on_roi(h, mask, emean, emax, roi_px)
    # outside the lesion the map relaxes from the lesion's edge value to the background
    dist, (ri, ci) = ndimage.distance_transform_edt(~mask, return_indices=True)
    edge = lesion[ri, ci]
    weight = np.exp(-dist * pixel_mm / 0.45)
    out = background + (edge - background) * weight
    kpa = np.where(mask, lesion, out)
    return kpa, Roi(row0, col0, roi_px, pixel_mm)


def _check_row(row: Mapping) -> dict:
    if isinstance(row, pd.Series):
        row = row.to_dict()
    if not isinstance(row, Mapping):
        raise TypeError(f"lesion must be a mapping or a pandas Series, got {type(row).__name__}")
    missing = [k for k in _REQUIRED if k not in row]
    if missing:
        raise ValueError(f"lesion row lacks column(s) {missing}")
    size = float(row["lesion_size_mm"])
    if not 1.0 <= size <= 20.0:
        raise ValueError(f"lesion_size_mm must lie in [1, 20] mm, got {row['lesion_size_mm']!r}")
    if row["calcification_pattern"] not in PATTERNS:
        raise ValueError(
            f"calcification_pattern must be one of {PATTERNS}, got {row['calcification_pattern']!r}"
        )
    emean, emax = float(row["elasticity_kpa"]), float(row["elasticity_max_kpa"])
    if not (np.isfinite(emean) and emean > 0):
        raise ValueError(f"elasticity_kpa must be finite and > 0, got {row['elasticity_kpa']!r}")
    if not (np.isfinite(emax) and emax >= emean):
        raise ValueError(
            f"elasticity_max_kpa must be finite and >= elasticity_kpa ({emean}), got "
            f"{row['elasticity_max_kpa']!r}"
        )
    if int(row["malignant"]) not in (0, 1):
        raise ValueError(f"malignant must be 0 or 1, got {row['malignant']!r}")
    return dict(row)


def lesion_phantom(lesion: Mapping | pd.Series, *, seed: int) -> LesionPhantom:
    """Draw the B-mode image and the shear-wave map of one lesion of the cohort.

    Parameters
    ----------
    lesion : mapping or pandas.Series
        One row of the lesion table with at least ``participant_id``, ``malignant``,
        ``lesion_size_mm``, ``calcification_pattern``, ``elasticity_kpa`` and
        ``elasticity_max_kpa`` (``histology`` is used when present).
    seed : int
        The cohort seed; with the participant id it fixes every random number.

    Returns
    -------
    LesionPhantom
        Images on a :data:`FIELD_MM` field at :data:`PIXEL_MM` spacing. The map's mean over
        the lesion pixels in the ROI equals ``elasticity_kpa`` and its largest value there
        equals ``elasticity_max_kpa`` (to floating-point precision).

    Notes
    -----
    The lesion's stiffness is ``c * exp(s * h(x))``, where ``h`` is a pattern with mean zero
    over the lesion (a stiffest spot, smooth heterogeneity and fine texture). The ROI is the
    2 mm box with the largest mean of ``h`` over lesion pixels, which is the box with the
    largest mean log stiffness for any ``s > 0``; ``s`` is solved so that max / mean in the box
    equals Emax / Emean (a monotone equation in ``s``), and ``c`` so that the box's mean equals
    Emean. Both constraints therefore hold exactly, the map stays positive, and the whole
    lesion averages less than Emean.

    The speckle model (complex Gaussian scatterers, Gaussian point-spread function, envelope,
    log compression to 50 dB) gives Rayleigh-distributed amplitudes, the texture of real
    B-mode images; calcific foci are strong point reflectors.

    References
    ----------
    Barr RG, et al. WFUMB guidelines for ultrasound elastography, Part 2: breast. Ultrasound
    Med Biol 2015;41:1148-1160.

    Examples
    --------
    >>> row = {"participant_id": "P007", "malignant": 0, "lesion_size_mm": 5.0,
    ...        "calcification_pattern": "sparse_punctate", "elasticity_kpa": 45.0,
    ...        "elasticity_max_kpa": 52.0}
    >>> p = lesion_phantom(row, seed=1)
    >>> p.shape
    (240, 320)
    """
    row = _check_row(lesion)
    pixel_mm = PIXEL_MM
    shape = (round(FIELD_MM[0] / pixel_mm), round(FIELD_MM[1] / pixel_mm))
    pid = str(row["participant_id"])
    malignant = int(row["malignant"])
    histology = str(row.get("histology", "") or "")
    size = float(row["lesion_size_mm"])
    rng = _rng_for(seed, pid)
    tissue, mask, _, fat = _layout(rng, row, shape, pixel_mm)
    foci = _foci(rng, row["calcification_pattern"], mask, size, pixel_mm)
    bmode = _bmode(rng, tissue, mask, foci, histology, malignant, pixel_mm)
    roi_px = round(ROI_MM / pixel_mm)
    emean, emax = float(row["elasticity_kpa"]), float(row["elasticity_max_kpa"])
    kpa, roi = _swe(rng, tissue, mask, malignant, emean, emax, pixel_mm, roi_px)

    rows = np.flatnonzero(mask.any(axis=1)) * pixel_mm
    cols = np.flatnonzero(mask.any(axis=0)) * pixel_mm
    m = SWE_BOX_MARGIN_MM
    box = (
        max(0.5, rows[0] - m),
        min(FIELD_MM[0], rows[-1] + pixel_mm + m),
        max(0.0, cols[0] - m),
        min(FIELD_MM[1], cols[-1] + pixel_mm + m),
    )
    return LesionPhantom(
        participant_id=pid,
        calcification_pattern=str(row["calcification_pattern"]),
        histology=histology,
        malignant=malignant,
        lesion_size_mm=size,
        emean_kpa=emean,
        emax_kpa=emax,
        seed=int(seed),
        pixel_mm=pixel_mm,
        bmode=_frozen(bmode),
        elasticity_kpa=_frozen(kpa),
        tissue=_frozen(tissue),
        lesion_mask=_frozen(mask),
        foci_mm=_frozen(foci),
        roi=roi,
        swe_box_mm=tuple(float(v) for v in box),
        reference_fat_mm=tuple(float(v) for v in fat),
    )


# ---------------------------------------------------------------------------------------------
# Strain elastography
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class StrainElastogram:
    """A strain elastogram of a phantom, coloured by the 1-5 score.

    Attributes
    ----------
    score : int
        The 1-5 elasticity score drawn.
    relative_strain : numpy.ndarray
        Displayed strain relative to the image, 0 (hardest, drawn blue) to 1 (softest, red);
        about 0.5 (green) is average tissue.
    hard_mask : numpy.ndarray
        Lesion pixels drawn hard.
    lesion_mask : numpy.ndarray
        The phantom's lesion region.
    box_mm : tuple of float
        (top, bottom, left, right) of the strain box, mm.
    """

    score: int
    relative_strain: np.ndarray
    hard_mask: np.ndarray
    lesion_mask: np.ndarray
    box_mm: tuple[float, float, float, float]

    @property
    def hard_fraction(self) -> float:
        """Share of lesion pixels drawn hard."""
        return float(self.hard_mask[self.lesion_mask].mean())


def strain_elastogram(phantom: LesionPhantom, score: int) -> StrainElastogram:
    """Colour-coded strain image of a phantom for a given 1-5 score.

    Strain elastography shows how much each region deforms under gentle compression,
    *relative* to the rest of the image: soft tissue deforms more. The colours follow the
    study's score: a lesion of score 1 is entirely soft (green, like its surroundings), 2
    mostly soft with some blue, 3 a mix of blue and green, 4 mostly hard with some green, and
    5 entirely hard (blue). The hard share of the lesion is :data:`STRAIN_HARD_FRACTION`;
    the hard pixels are the top of a smooth random field, so they form patches.

    The colours are drawn from the score, not from a mechanical simulation; the strain ratio
    shown beside such an image is the lesion's recorded value.

    Parameters
    ----------
    phantom : LesionPhantom
        The lesion whose geometry is used.
    score : int
        1 to 5.

    Examples
    --------
    >>> row = {"participant_id": "P009", "malignant": 1, "lesion_size_mm": 9.0,
    ...        "calcification_pattern": "scattered", "elasticity_kpa": 95.0,
    ...        "elasticity_max_kpa": 112.0}
    >>> s = strain_elastogram(lesion_phantom(row, seed=3), 5)
    >>> s.hard_fraction
    1.0
    """
    if isinstance(score, bool) or int(score) != score or int(score) not in STRAIN_HARD_FRACTION:
        raise ValueError(f"score must be an integer from 1 to 5, got {score!r}")
    score = int(score)
    rng = _rng_for(phantom.seed, phantom.participant_id, stream=score)
    pixel_mm = phantom.pixel_mm
    shape, mask, tissue = phantom.shape, phantom.lesion_mask, phantom.tissue
    rel = np.zeros(shape)
    for code, level in _STRAIN.items():
        rel[tissue == code] = level
    rel += 0.07 * _field(rng, shape, 0.9 / pixel_mm)
    q = STRAIN_HARD_FRACTION[score]
    r = _field(rng, shape, max(0.5, 0.12 * phantom.lesion_size_mm) / pixel_mm)
    if q >= 1:
        hard = mask.copy()
    elif q <= 0:
        hard = np.zeros(shape, dtype=bool)
    else:
        hard = mask & (r >= np.quantile(r[mask], 1 - q))
    soft_level = 0.50 + 0.04 * _field(rng, shape, 0.4 / pixel_mm)
    rel = np.where(mask, np.where(hard, 0.08, soft_level), rel)
    rel = ndimage.gaussian_filter(rel, 0.15 / pixel_mm)
    rel = np.clip(rel, 0.0, 1.0)
    rows = np.flatnonzero(mask.any(axis=1)) * pixel_mm
    cols = np.flatnonzero(mask.any(axis=0)) * pixel_mm
    fat_depth, fat_lat, fat_r = phantom.reference_fat_mm
    m = 3.0
    box = (
        max(0.5, rows[0] - m),
        min(FIELD_MM[0], rows[-1] + m),
        max(0.0, min(cols[0], fat_lat - fat_r) - m),
        min(FIELD_MM[1], max(cols[-1], fat_lat + fat_r) + m),
    )
    return StrainElastogram(
        score=score,
        relative_strain=_frozen(rel),
        hard_mask=_frozen(hard),
        lesion_mask=phantom.lesion_mask,
        box_mm=tuple(float(v) for v in box),
    )


# ---------------------------------------------------------------------------------------------
# Choosing a typical lesion
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TypicalLesion:
    """The lesion closest to the median of its cell.

    Attributes
    ----------
    participant_id : str
        The chosen lesion.
    where : dict
        The cell's definition (column -> value).
    n_candidates : int
        Lesions in the cell.
    medians : dict
        Cell median of each column used.
    sds : dict
        Cell SD of each column (the distance's scale).
    distance : float
        Standardised distance of the chosen lesion from the medians.
    """

    participant_id: str
    where: dict
    n_candidates: int
    medians: dict
    sds: dict
    distance: float


def _cell(lesions: pd.DataFrame, where: Mapping) -> pd.DataFrame:
    if not isinstance(lesions, pd.DataFrame):
        raise TypeError(f"lesions must be a pandas DataFrame, got {type(lesions).__name__}")
    keep = np.ones(len(lesions), dtype=bool)
    for column, wanted in where.items():
        if column not in lesions.columns:
            raise ValueError(f"lesions has no column {column!r}")
        keep &= (lesions[column] == wanted).to_numpy()
    cell = lesions[keep]
    if cell.empty:
        raise ValueError(f"no lesion matches {dict(where)}")
    return cell


def typical_lesion(
    lesions: pd.DataFrame,
    where: Mapping,
    columns: Sequence[str] = ("elasticity_kpa", "strain_ratio", "lesion_size_mm"),
) -> TypicalLesion:
    """Pick the lesion of a cell that is closest to the cell's medians.

    The rule: among lesions matching every ``column == value`` of ``where`` (for example
    pattern and group), compute each column's median and SD in that cell; the distance of a
    lesion is the Euclidean distance of its values from the medians, each divided by the
    cell's SD; the lesion with the smallest distance is chosen, ties going to the smallest
    ``participant_id``. The choice is made by the data, not by hand.

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table of the data dictionary.
    where : mapping
        Cell definition, e.g. ``{"calcification_pattern": "clustered", "malignant": 1}``.
    columns : sequence of str
        The measurements that must be typical.

    Examples
    --------
    >>> t = pd.DataFrame({"participant_id": ["P1", "P2", "P3"], "g": [1, 1, 1],
    ...                   "x": [1.0, 2.0, 9.0]})
    >>> typical_lesion(t, {"g": 1}, columns=["x"]).participant_id
    'P2'
    """
    cell = _cell(lesions, where)
    columns = list(columns)
    for column in columns:
        if column not in cell.columns:
            raise ValueError(f"lesions has no column {column!r}")
    values = cell[columns].astype(float)
    medians = values.median()
    sds = values.std(ddof=1).fillna(1.0).replace(0.0, 1.0)
    distance = np.sqrt((((values - medians) / sds) ** 2).sum(axis=1))
    order = pd.DataFrame({"d": distance.round(12), "pid": cell["participant_id"].astype(str)})
    best = order.sort_values(["d", "pid"]).index[0]
    return TypicalLesion(
        participant_id=str(cell.loc[best, "participant_id"]),
        where=dict(where),
        n_candidates=len(cell),
        medians={c: float(medians[c]) for c in columns},
        sds={c: float(sds[c]) for c in columns},
        distance=float(distance[best]),
    )


def typical_by_pattern(
    lesions: pd.DataFrame,
    columns: Sequence[str] = ("elasticity_kpa", "strain_ratio", "lesion_size_mm"),
) -> pd.DataFrame:
    """The typical lesion (:func:`typical_lesion`) of every pattern-and-group cell.

    Returns one row per calcification pattern and group with ``calcification_pattern``,
    ``malignant``, ``n`` (lesions in the cell), ``share`` (the cell's share of the pattern),
    ``shown`` (true for the group in which the pattern is commoner; ties go to malignant),
    ``participant_id`` of the typical lesion, its ``distance``, and the cell median of each
    column (``median_<column>``).

    Examples
    --------
    >>> t = pd.DataFrame({"participant_id": ["P1", "P2", "P3"], "malignant": [1, 1, 0],
    ...                   "calcification_pattern": ["clustered"] * 3, "x": [1.0, 2.0, 3.0]})
    >>> typical_by_pattern(t, columns=["x"])[["malignant", "n", "shown"]].values.tolist()
    [[1, 2, True], [0, 1, False]]
    """
    rows = []
    for pattern in PATTERNS:
        part = lesions[lesions["calcification_pattern"] == pattern]
        if part.empty:
            continue
        counts = {g: int((part["malignant"] == g).sum()) for g in (1, 0)}
        commoner = 1 if counts[1] >= counts[0] else 0
        for group in (1, 0):
            if counts[group] == 0:
                continue
            t = typical_lesion(
                lesions, {"calcification_pattern": pattern, "malignant": group}, columns
            )
            row = {
                "calcification_pattern": pattern,
                "malignant": group,
                "n": counts[group],
                "share": counts[group] / len(part),
                "shown": group == commoner,
                "participant_id": t.participant_id,
                "distance": t.distance,
            }
            row.update({f"median_{c}": v for c, v in t.medians.items()})
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ExampleCheck:
    """Where a published illustrative case falls within the matching cell of a cohort.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per column: ``column``, ``published``, ``cell_q1``, ``cell_median``,
        ``cell_q3``, ``percentile`` (mid-rank percentile of the published value in the cell)
        and ``within_iqr``.
    n_cell : int
        Lesions in the cell.
    n_identical : int
        Lesions of the cell whose values, rounded as printed, equal the published ones on
        every column at once.
    """

    table: pd.DataFrame
    n_cell: int
    n_identical: int


def compare_example(
    lesions: pd.DataFrame, where: Mapping, published: Mapping[str, tuple[float, int]]
) -> ExampleCheck:
    """Locate a published example's values within the matching cell of a lesion table.

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table.
    where : mapping
        Cell definition, as in :func:`typical_lesion`.
    published : mapping
        ``column -> (value, decimals printed)``.

    Examples
    --------
    >>> t = pd.DataFrame({"g": [1, 1, 1, 1], "x": [1.0, 2.0, 3.0, 4.0]})
    >>> compare_example(t, {"g": 1}, {"x": (2.0, 1)}).table.percentile.item()
    37.5
    """
    cell = _cell(lesions, where)
    rows = []
    identical = np.ones(len(cell), dtype=bool)
    for column, (value, decimals) in published.items():
        if column not in cell.columns:
            raise ValueError(f"lesions has no column {column!r}")
        x = cell[column].astype(float).to_numpy()
        below, equal = np.sum(x < value), np.sum(x == value)
        q1, med, q3 = np.percentile(x, [25, 50, 75])
        rows.append(
            {
                "column": column,
                "published": float(value),
                "cell_q1": float(q1),
                "cell_median": float(med),
                "cell_q3": float(q3),
                "percentile": float(100 * (below + 0.5 * equal) / len(x)),
                "within_iqr": bool(q1 <= value <= q3),
            }
        )
        identical &= np.round(x, int(decimals)) == round(float(value), int(decimals))
    return ExampleCheck(pd.DataFrame(rows), len(cell), int(identical.sum()))


# ---------------------------------------------------------------------------------------------
# Why a box on the stiffest part reads high
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoiBias:
    """Average ROI readings of a homogeneous lesion seen through a noisy shear-wave map.

    Attributes
    ----------
    true_kpa : float
        The lesion's true, uniform stiffness.
    noise_cv : float
        SD of the map's noise relative to the true value.
    n_maps : int
        Simulated maps.
    centre_mean_kpa, centre_max_kpa : float
        Mean and maximum in a 2 mm box at the lesion's centre, averaged over maps.
    stiffest_mean_kpa, stiffest_max_kpa : float
        The same for the box placed on the stiffest-looking part of each map.
    """

    true_kpa: float
    noise_cv: float
    n_maps: int
    centre_mean_kpa: float
    centre_max_kpa: float
    stiffest_mean_kpa: float
    stiffest_max_kpa: float


def roi_selection_bias(
    true_kpa: float,
    noise_cv: float,
    *,
    lesion_size_mm: float = 8.0,
    correlation_mm: float = 0.4,
    n_maps: int = 200,
    roi_mm: float = ROI_MM,
    pixel_mm: float = PIXEL_MM,
    seed: int = 0,
) -> RoiBias:
    """How much a 2 mm box on the stiffest-looking part over-reads a homogeneous lesion.

    A round lesion of uniform stiffness ``true_kpa`` is seen through a map with smooth
    multiplicative noise (SD ``noise_cv * true_kpa``, correlation length ``correlation_mm``).
    Maps come in antithetic pairs (noise and its negative), so the centred box's average is
    exactly the true value for an even ``n_maps``.
    In each map the box is placed twice: at the lesion's centre, and on the stiffest part
    (the position, fully inside the lesion, with the largest box mean), as the study's
    protocol asks. The box mean at the centre is unbiased; the maximum is biased upward
    because it is the largest of many noisy pixels, and placing the box where the map looks
    stiffest adds a selection bias to both readings (Barr et al. 2015 recommend reporting
    Emax from a small ROI on the stiffest part; this function shows what that costs when the
    lesion is in truth homogeneous).

    Parameters
    ----------
    true_kpa : float
        True stiffness (> 0).
    noise_cv : float
        Noise SD relative to ``true_kpa`` (>= 0).
    lesion_size_mm, correlation_mm, roi_mm, pixel_mm : float
        Geometry; the lesion must hold at least one whole box.
    n_maps : int
        Number of simulated maps.
    seed : int
        Seed of the generator.

    Examples
    --------
    >>> b = roi_selection_bias(50.0, 0.0, n_maps=2)
    >>> (b.centre_mean_kpa, b.stiffest_max_kpa)
    (50.0, 50.0)
    """
    if not (np.isfinite(true_kpa) and true_kpa > 0):
        raise ValueError(f"true_kpa must be finite and > 0, got {true_kpa!r}")
    if not (np.isfinite(noise_cv) and noise_cv >= 0):
        raise ValueError(f"noise_cv must be finite and >= 0, got {noise_cv!r}")
    if int(n_maps) != n_maps or n_maps < 1:
        raise ValueError(f"n_maps must be a positive integer, got {n_maps!r}")
    k = round(roi_mm / pixel_mm)
    if lesion_size_mm < roi_mm * math.sqrt(2):
        raise ValueError(
            f"lesion_size_mm must be at least sqrt(2) * roi_mm = {roi_mm * math.sqrt(2):.2f} mm "
            f"so that a whole box fits, got {lesion_size_mm!r}"
        )
    stats = _noise_box_stats(
        float(lesion_size_mm), float(correlation_mm), int(n_maps), k, float(pixel_mm), seed
    )
    # every reading is affine in the noise, and for noise_cv > 0 the stiffest box is the box
    # with the largest mean noise, so the readings scale exactly with noise_cv
    readings = [float(true_kpa * (1 + noise_cv * v)) for v in stats]
    return RoiBias(float(true_kpa), float(noise_cv), int(n_maps), *readings)


@functools.lru_cache(maxsize=16)
def _noise_box_stats(lesion_size_mm, correlation_mm, n_maps, k, pixel_mm, seed):
    """Average (centre mean, centre max, stiffest mean, stiffest max) of unit-SD noise maps."""
    n = round(lesion_size_mm / pixel_mm) + 2 * k
    yy, xx = np.mgrid[0:n, 0:n] + 0.5
    c = n / 2
    mask = np.hypot(yy - c, xx - c) * pixel_mm <= lesion_size_mm / 2
    inside = _box_sums(mask.astype(float), k) >= k * k - 0.5  # boxes wholly inside the lesion
    top = int(round(c - k / 2))
    rng = np.random.default_rng(seed)
    sigma = correlation_mm / pixel_mm
    impulse = np.zeros((int(8 * sigma) + 1,) * 2)
    impulse[impulse.shape[0] // 2, impulse.shape[1] // 2] = 1.0
    gain = 1.0 / np.sqrt((ndimage.gaussian_filter(impulse, sigma) ** 2).sum()) if sigma else 1.0
    half = ndimage.gaussian_filter(
        rng.standard_normal(((n_maps + 1) // 2, n, n)), (0, sigma, sigma)
    )
    noise = np.concatenate([half, -half])[:n_maps] * gain  # antithetic pairs
    cum = np.zeros((n_maps, n + 1, n + 1))
    cum[:, 1:, 1:] = noise.cumsum(1).cumsum(2)
    means = (cum[:, k:, k:] - cum[:, :-k, k:] - cum[:, k:, :-k] + cum[:, :-k, :-k]) / (k * k)
    flat = np.where(inside, means, -np.inf).reshape(n_maps, -1).argmax(axis=1)
    readings = np.empty((n_maps, 4))
    for m, best in enumerate(flat):
        i, j = divmod(int(best), means.shape[2])
        centre = noise[m, top : top + k, top : top + k]
        stiff = noise[m, i : i + k, j : j + k]
        readings[m] = centre.mean(), centre.max(), stiff.mean(), stiff.max()
    return tuple(float(v) for v in readings.mean(axis=0))


def roi_bias_table(true_kpa: float, noise_cvs: Sequence[float], **kwargs) -> pd.DataFrame:
    """:func:`roi_selection_bias` for several noise levels, one row each (tidy table)."""
    rows = [roi_selection_bias(true_kpa, cv, **kwargs).__dict__ for cv in noise_cvs]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Participant flow (STARD 2015)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParticipantFlow:
    """Counts of the STARD participant flow that a lesion table can support.

    Counts the table cannot hold (women screened, eligible, excluded and why) are ``None``:
    the study reports none of them.

    Attributes
    ----------
    n_screened, n_eligible, n_excluded : int or None
        Not in the data (``None``).
    n_enrolled : int
        Rows of the lesion table.
    groups : pandas.DataFrame
        One row per group (``malignant``, ``benign``) with columns ``n``,
        ``ref_histology``, ``ref_follow_up``, ``n_consensus``, ``n_index_positive``
        (Emean at or above the cutoff), ``n_index_negative``, ``n_index_missing`` and
        ``n_analysed``.
    histology : pandas.DataFrame
        Final diagnosis counts: columns ``group``, ``histology``, ``n``.
    cutoff_kpa : float
        The index-test cutoff used.
    """

    n_enrolled: int
    groups: pd.DataFrame
    histology: pd.DataFrame
    cutoff_kpa: float
    n_screened: int | None = None
    n_eligible: int | None = None
    n_excluded: int | None = None

    @property
    def sensitivity(self) -> float:
        """Share of analysed malignant lesions with Emean at or above the cutoff."""
        g = self.groups.loc["malignant"]
        return float(g["n_index_positive"] / g["n_analysed"])

    @property
    def specificity(self) -> float:
        """Share of analysed benign lesions with Emean below the cutoff."""
        g = self.groups.loc["benign"]
        return float(g["n_index_negative"] / g["n_analysed"])


def participant_flow(lesions: pd.DataFrame, *, cutoff_kpa: float) -> ParticipantFlow:
    """Count the participant flow of a case-control diagnostic study (STARD 2015 item 19).

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table with ``malignant``, ``histology``, ``reference_standard``,
        ``elasticity_kpa`` and ``consensus``.
    cutoff_kpa : float
        Emean at or above which the index test is positive.

    Returns
    -------
    ParticipantFlow

    References
    ----------
    Bossuyt PM, et al. STARD 2015. BMJ 2015;351:h5527.

    Examples
    --------
    >>> t = pd.DataFrame({"malignant": [1, 0], "histology": ["dcis", "fibroadenoma"],
    ...                   "reference_standard": ["histology", "follow_up"],
    ...                   "elasticity_kpa": [80.0, 40.0], "consensus": [False, True]})
    >>> participant_flow(t, cutoff_kpa=62).groups["n_index_positive"].tolist()
    [1, 0]
    """
    if not isinstance(lesions, pd.DataFrame):
        raise TypeError(f"lesions must be a pandas DataFrame, got {type(lesions).__name__}")
    needed = ("malignant", "histology", "reference_standard", "elasticity_kpa", "consensus")
    for column in needed:
        if column not in lesions.columns:
            raise ValueError(f"lesions has no column {column!r}")
    if not np.isfinite(cutoff_kpa):
        raise ValueError(f"cutoff_kpa must be finite, got {cutoff_kpa!r}")
    rows, hist = [], []
    for label, code in (("malignant", 1), ("benign", 0)):
        g = lesions[lesions["malignant"] == code]
        e = g["elasticity_kpa"].astype(float)
        missing = int(e.isna().sum())
        rows.append(
            {
                "group": label,
                "n": len(g),
                "ref_histology": int((g["reference_standard"] == "histology").sum()),
                "ref_follow_up": int((g["reference_standard"] == "follow_up").sum()),
                "n_consensus": int(g["consensus"].astype(bool).sum()),
                "n_index_positive": int((e >= cutoff_kpa).sum()),
                "n_index_negative": int((e < cutoff_kpa).sum()),
                "n_index_missing": missing,
                "n_analysed": len(g) - missing,
            }
        )
        for name, n in g["histology"].value_counts().sort_index().items():
            hist.append({"group": label, "histology": str(name), "n": int(n)})
    return ParticipantFlow(
        n_enrolled=len(lesions),
        groups=pd.DataFrame(rows).set_index("group"),
        histology=pd.DataFrame(hist),
        cutoff_kpa=float(cutoff_kpa),
    )
