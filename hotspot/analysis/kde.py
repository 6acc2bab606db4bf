"""Kernel density estimation of offence points on a raster.

``run_kde`` sums a kernel centred on every point at the centre of every cell of a raster over
the study area. Kernels are normalised to integrate to 1 over the plane, so the surface is a
density (offences per km²) or, multiplied by the cell area, the expected offences per cell.

Kernels (``d`` = distance, ``h`` = bandwidth)
---------------------------------------------
quartic (default, as ArcGIS)
    ``3 / (pi h²) * (1 - (d/h)²)²`` for ``d < h``; ``h`` is the search radius.
epanechnikov
    ``2 / (pi h²) * (1 - (d/h)²)`` for ``d < h``.
triweight
    ``4 / (pi h²) * (1 - (d/h)²)³`` for ``d < h``.
uniform
    ``1 / (pi h²)`` for ``d <= h``: points within ``h`` divided by the disc's area.
gaussian
    ``exp(-d² / (2 h²)) / (2 pi h²)``: ``h`` is the standard deviation; cut at ``5 h``
    (the part beyond holds less than 0.0004 % of each point's weight).

Method
------
``"fft"`` (default): the points are binned onto a grid (cubic-convolution weights for the
smooth kernels, linear ones for the kernels with an edge; the grid is the raster itself when
the bandwidth spans enough cells, else an odd number of times finer, up to 15) and convolved
with the kernel sampled on that grid, by single-precision FFT on all cores
(:mod:`hotspot.analysis.kernel_sum`). The cost depends on the number of cells, not of points
(1 million points cost about what 10,000 do): a city of 4 million cells takes well under a
second. It agrees with ``"exact"`` (the sum of every point's kernel at each cell centre it
reaches) to within 0.5 % of the maximum density whenever the bandwidth is at least the cell
size, even when most offences share one map point. The discrete kernel is the continuous one
sampled, not renormalised, so both methods approximate the same quantity. Both check for
cancellation between chunks of well under a second of work.

The default bandwidth is in :mod:`hotspot.analysis.kde_bandwidth`, the hot-class rule in
:mod:`hotspot.analysis.hot_classes` and the hot spot areas (the top class as numbered,
named zones) in :mod:`hotspot.analysis.kde_areas`.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> xy = rng.normal([530000, 180000], 500, size=(500, 2))
>>> res = run_kde(xy, KdeParams(bandwidth=300, cell_size=50))
>>> res.units
'offences per km²'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from affine import Affine

from hotspot.analysis.cell_size import check_grid_size, default_kde_cell_size, lattice_frame
from hotspot.analysis.errors import NoPointsError, warn
from hotspot.analysis.hot_classes import hot_classes
from hotspot.analysis.kde_bandwidth import silverman_bandwidth, standard_distance
from hotspot.analysis.kernel_sum import (
    KERNELS,
    cells_inside_mask,
    kde_exact,
    kde_fft,
    kernel_radius,
)
from hotspot.analysis.study_points import CRS, points_in_study_area, unique_points
from hotspot.core.errors import AnalysisError, ProjectError
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress

_MIN_POINTS = 30
MIN_BANDWIDTH = 1.0
"""The smallest bandwidth (metres) a surface is computed with."""
FALLBACK_CELLS = 5
"""Bandwidth, in cells, used when the offences are (nearly) all at one place ..."""
FALLBACK_MIN = 100.0
"""... and at least this many metres (a few offences at one spot have tiny default cells)."""


@dataclass(frozen=True)
class KdeParams:
    """Parameters of a kernel density surface."""

    kernel: str = param(
        "quartic",
        label="Kernel",
        help="Shape of the bump placed on each offence. Quartic is the usual choice in crime "
        "mapping (ArcGIS, CrimeStat); the others change the result little.",
        choices=KERNELS,
    )
    bandwidth: float | None = param(
        None,
        label="Bandwidth",
        unit="m",
        help="How far each offence's influence reaches (the search radius; for the Gaussian "
        "kernel, its standard deviation). Larger values give smoother maps.",
        minimum=1.0,
        maximum=100_000.0,
        computed="Silverman's rule for points, as ArcGIS: 0.9 x min(standard distance, "
        "sqrt(1/ln 2) x median distance to the mean centre) x n^-0.2; when the offences lie "
        "within one cell of their mean centre (identical or near-identical points), 5 cells "
        "(at least 100 m)",
    )
    cell_size: float | None = param(
        None,
        label="Cell size",
        unit="m",
        help="Side of the square raster cells.",
        minimum=1.0,
        maximum=10_000.0,
        computed="shorter side of the study area / 250, rounded to a round number of metres",
    )
    output: str = param(
        "density",
        label="Output",
        help="Offences per square kilometre, or expected offences per cell (the cells then "
        "add up to about the number of offences).",
        choices=("density", "count"),
    )
    method: str = param(
        "fft",
        label="Method",
        help="FFT is fast for any number of points; exact sums every kernel at every cell "
        "centre (slow, for checking and small data).",
        choices=("fft", "exact"),
        advanced=True,
    )
    hotspot_rule: str = param(
        "k_mean",
        label="Hotspot rule",
        help="How hot cells are picked: above k times the mean of the non-zero cells (the "
        "Home Office crime-mapping convention), or the top percentage of cells.",
        choices=("k_mean", "top_percent"),
    )
    hotspot_k: tuple[float, ...] = param(
        (1.0, 2.0, 3.0),
        label="Hotspot multiples of the mean",
        help="Multiples of the mean of the non-zero cells that start each hotspot class.",
    )
    top_percent: float = param(
        10.0,
        label="Top percentage of cells",
        unit="%",
        help="With the top-percentage rule, the share of cells (inside the study area) called hot.",
        minimum=0.1,
        maximum=100.0,
    )

    def __post_init__(self) -> None:
        validate(self, where="kde")
        if not self.hotspot_k or any(not (k > 0) for k in self.hotspot_k):
            raise ProjectError(
                f"kde.hotspot_k: {list(self.hotspot_k)!r}: give one or more positive multiples "
                "of the mean, e.g. [1, 2, 3]"
            )


@dataclass(frozen=True, eq=False)
class DensityResult:
    """A kernel density surface.

    Attributes
    ----------
    values : numpy.ndarray
        2-D float64, row 0 in the north; NaN outside the study area.
    transform : affine.Affine
        Top-left origin and cell size (as rasterio uses).
    crs : str
        "EPSG:27700".
    params : KdeParams
        Every parameter used, computed bandwidth and cell size filled in.
    n_points : int
        Points used (inside the study area).
    units : str
        "offences per km²" or "offences per cell".
    bandwidth_note : str
        How the bandwidth was chosen, in plain English.
    warnings : tuple of str
        What the user should know about this surface.
    n_outside : int
        Points left out because they lie outside the study area.
    study_area : shapely.Geometry or None
        The study area.
    """

    values: np.ndarray
    transform: Affine
    crs: str
    params: KdeParams
    n_points: int
    units: str
    bandwidth_note: str
    warnings: tuple[str, ...] = ()
    n_outside: int = 0
    study_area: Any = field(default=None, repr=False)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the raster in metres."""
        nrows, ncols = self.values.shape
        xmin, ymax = self.transform.c, self.transform.f
        size = self.transform.a
        return (xmin, ymax - nrows * size, xmin + ncols * size, ymax)

    @property
    def cell_size(self) -> float:
        """Side of a cell in metres."""
        return float(self.transform.a)

    def hotspot_thresholds(self) -> dict[str, float]:
        """Label -> lowest value of each hotspot class, in the units of ``values``.

        ``k_mean``: ``k`` times the mean of the non-zero cells inside the study area, for each
        ``k`` of ``params.hotspot_k``. ``top_percent``: the value above which lie the top
        ``params.top_percent`` % of the cells inside the study area.
        """
        inside = self.values[np.isfinite(self.values)]
        p = self.params
        if p.hotspot_rule == "top_percent":
            if inside.size == 0:
                return {f"Top {p.top_percent:g}% of cells": math.inf}
            level = float(np.quantile(inside, 1.0 - p.top_percent / 100.0))
            return {f"Top {p.top_percent:g}% of cells": level}
        nonzero = inside[inside > 0]
        mean = float(nonzero.mean()) if nonzero.size else math.inf
        return {
            f"Above {k:g}x the mean of non-zero cells": float(k) * mean for k in sorted(p.hotspot_k)
        }

    def classes(self) -> np.ndarray:
        """Hotspot class of each cell: 0 = not hot, 1.. = classes in increasing order,
        -1 = outside the study area (int8, same shape as ``values``)."""
        return hot_classes(self.values, self.hotspot_thresholds().values())


_EXACT_BUDGET = 10_000_000  # kernel evaluations below which exact beats FFT on accuracy


def _exact_is_cheap(xy: np.ndarray, kernel: str, h: float, cell: float) -> bool:
    """Whether to sum kernels exactly instead of by FFT.

    Only for the kernels with an edge (uniform, Epanechnikov), whose binned FFT can be off by
    a few per cent next to heavily repeated locations, and only when the exact sum is cheap.
    """
    if kernel not in ("uniform", "epanechnikov"):
        return False
    footprint = math.pi * (kernel_radius(kernel, h) / cell + 1.0) ** 2
    if xy.shape[0] * footprint <= _EXACT_BUDGET:
        return True
    n_unique = unique_points(xy)[0].shape[0]
    return n_unique * footprint <= _EXACT_BUDGET


def run_kde(
    points: Any,
    params: KdeParams | None = None,
    *,
    study_area: Any = None,
    weights: np.ndarray | None = None,
    progress: Progress = NO_PROGRESS,
) -> DensityResult:
    """Kernel density of offence points over a study area.

    Parameters
    ----------
    points : GeoDataFrame or (n, 2) array
        Offence locations in British National Grid (EPSG:27700) metres.
    params : KdeParams, optional
        Kernel, bandwidth, cell size, output, method, hotspot rule (defaults if omitted).
    study_area : shapely geometry, GeoDataFrame, GeoSeries or AreaLayer, optional
        Where to estimate (e.g. the borough outline). Default: the convex hull of the points
        (stray points far from the rest left out) with a small buffer.
    weights : array_like, optional
        A non-negative weight per point (e.g. a harm score), in the order of ``points`` (rows
        without a location included); default 1.
    progress : Progress, optional
        Progress and cancellation (checked at least once per second of work).

    Returns
    -------
    DensityResult

    Raises
    ------
    GeographicCrsError
        Points or study area in longitude/latitude.
    NoPointsError
        No points, or none inside the study area.
    GridTooLargeError
        More than 5 million cells; the message suggests a cell size.
    """
    params = params or KdeParams()
    progress.update(0.0, "Preparing points")
    pts = points_in_study_area(points, study_area)
    xy, area, n_outside = pts.xy, pts.area, pts.n_outside
    if weights is None:
        w = np.ones(xy.shape[0])
    else:
        w_all = np.asarray(weights, dtype=float).ravel()
        if w_all.size != pts.used.size:
            raise AnalysisError(
                f"weights: {w_all.size:,} weights for {pts.used.size:,} points; give one weight "
                "per point, in the order of the points"
            )
        if not np.all(np.isfinite(w_all)) or w_all.min() < 0:
            raise AnalysisError("weights: every weight must be a non-negative number")
        w = w_all[pts.used]
        if not w.sum() > 0:
            raise NoPointsError(
                "weights: every point inside the study area has weight zero, so there is "
                "nothing to map"
            )
    messages: list[str] = []
    pts.warn_left_out(messages, "the density surface")
    if xy.shape[0] < _MIN_POINTS:
        warn(
            messages,
            f"only {xy.shape[0]} point(s): a density surface from fewer than {_MIN_POINTS} "
            "points mostly shows where those few points are",
        )
    cell = params.cell_size if params.cell_size is not None else default_kde_cell_size(area)
    if params.bandwidth is not None:
        h = float(params.bandwidth)
        note = f"bandwidth set by the user: {h:,.0f} m"
    else:
        h, note = silverman_bandwidth(xy, w if weights is not None else None)
        spread = standard_distance(xy, w if weights is not None else None)
        if spread < cell or not h >= MIN_BANDWIDTH:
            h = max(FALLBACK_CELLS * cell, FALLBACK_MIN)
            note = (
                f"the offences lie within {spread:,.1f} m of their mean centre (less than one "
                f"{cell:,.0f} m cell), so Silverman's rule has no spread to measure; used "
                f"{FALLBACK_CELLS} cells (at least {FALLBACK_MIN:,.0f} m) = {h:,.0f} m instead "
                "(set the bandwidth to choose another)"
            )
            warn(messages, f"Bandwidth: {note}")
    if h < cell:
        warn(
            messages,
            f"the bandwidth ({h:,.0f} m) is smaller than the cell size ({cell:,.0f} m): the "
            "surface will look spotty and miss offences between cell centres; use a larger "
            "bandwidth or smaller cells",
        )
    x0, y0, nrows, ncols = lattice_frame(area.bounds, cell)
    check_grid_size(nrows, ncols, cell, area, "density raster")
    progress.update(0.1, "Computing the density surface")
    method = params.method
    if method == "fft" and _exact_is_cheap(xy, params.kernel, h, cell):
        method = "exact"  # kernels with an edge: the exact sum is cheap here and has no error
    compute = kde_fft if method == "fft" else kde_exact
    dens = compute(
        xy, w, params.kernel, h, x0, y0, cell, nrows, ncols, SubProgress(progress, 0.1, 0.9)
    )
    progress.update(0.9, "Masking the study area")
    if params.output == "density":
        values = dens * 1e6
        units = "offences per km²"
    else:
        values = dens * cell * cell
        units = "offences per cell"
    values[~cells_inside_mask(area, x0, y0, cell, values.shape, progress)] = np.nan
    used = replace(params, bandwidth=float(h), cell_size=float(cell), method=method)
    progress.update(1.0, "Density surface ready")
    return DensityResult(
        values=values,
        transform=Affine(cell, 0.0, x0, 0.0, -cell, y0),
        crs=CRS,
        params=used,
        n_points=int(xy.shape[0]),
        units=units,
        bandwidth_note=note,
        warnings=tuple(messages),
        n_outside=n_outside,
        study_area=area,
    )


__all__ = [
    "DensityResult",
    "KdeParams",
    "run_kde",
]
