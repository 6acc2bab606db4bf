"""Verify with PySAL: recompute the run's Gi* and correlation results with esda.

Hotspot computes Gi* and the bivariate Moran statistics itself (vectorised numpy and
scipy, no compiler wait). On request (``hotspot run --verify``, ``[outputs] verify =
true``, or *Analysis > Verify with PySAL* in the window) this module recomputes them with
the field's reference implementation, esda, on libpysal weights built independently of
Hotspot's (from the cells' lattice positions or the areas' polygons), and reports the
largest differences:

* Gi* on the grid and on the LSOA rates: ``esda.G_Local(star=True, transform="B")``;
  the z-scores and analytical p-values are compared exactly; with permutations, esda's
  own pseudo p-values (same count and seed, esda's random draws) are compared to within
  their Monte-Carlo error.
* Correlation: ``esda.Moran_BV`` (global I exactly) and ``esda.Moran_Local_BV`` (local I
  and quadrants exactly; pseudo p-values from esda's own permutations, same count and
  seed).

esda is imported only here, so its import and the first-call compile of its numba
kernels (about 15 s) are paid only when the user asks. This module is Qt-free.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import warnings as _warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress

EXACT = 1e-6
"""Differences in the analytically computed figures above this are reported as a problem."""


@dataclass(frozen=True)
class Comparison:
    """One result recomputed with esda.

    Attributes
    ----------
    what : str
        The result, e.g. "Gi* hot spots (3,760 grid cells)".
    exact : dict
        Figure -> largest absolute difference, for figures computed the same way (z, p of
        the normal approximation, Moran's I).
    simulated : dict
        Figure -> largest absolute difference of pseudo p-values from esda's own random
        permutations (these differ by Monte-Carlo error only).
    agreement : str
        How the classes or clusters agree, in words.
    key : str
        The result's key in the run's results ("gistar", "bivariate" ...).
    """

    what: str
    exact: dict[str, float]
    simulated: dict[str, float] = field(default_factory=dict)
    agreement: str = ""
    key: str = ""

    @property
    def largest(self) -> float:
        """The largest exact difference."""
        return max(self.exact.values(), default=0.0)

    def line(self) -> str:
        """E.g. "Gi* hot spots (3,760 grid cells): largest difference in z 3e-15 ..."."""
        parts = [f"{k} {_g(v)}" for k, v in self.exact.items()]
        text = f"{self.what}: largest difference in " + ", in ".join(parts)
        if self.simulated:
            sims = ", ".join(_g(v) for v in self.simulated.values())
            text += (
                f"; pseudo p-values from esda's own random permutations differ by at most {sims} "
                "(Monte-Carlo error)"
            )
        if self.agreement:
            text += f"; {self.agreement}"
        return text + "."


def _g(v: float) -> str:
    return "0" if v == 0 else f"{v:.2g}"


@dataclass(frozen=True)
class Verification:
    """Every result of a run recomputed with PySAL.

    Attributes
    ----------
    esda_version, libpysal_version : str
    comparisons : tuple of Comparison
    warnings : tuple of str
        Differences larger than rounding (:data:`EXACT`), in plain English.
    """

    esda_version: str
    libpysal_version: str
    comparisons: tuple[Comparison, ...]
    warnings: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """ "Checked against PySAL (esda 2.9.0, libpysal 4.14.1)"."""
        return f"Checked against PySAL (esda {self.esda_version}, libpysal {self.libpysal_version})"

    @property
    def largest(self) -> float:
        """The largest exact difference over every result."""
        return max((c.largest for c in self.comparisons), default=0.0)

    def lines(self, keys: Any = None) -> list[str]:
        """One line per result (summary.txt, the briefing's methods page, the window).

        ``keys`` limits them to some results (a panel shows its own).
        """
        return [c.line() for c in self.comparisons if keys is None or c.key in keys]


# --------------------------------------------------------------------------- weights


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """libpysal and esda warn about islands and deprecations: not the user's business here."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        yield


def _lattice_centres(result: Any) -> np.ndarray:
    """Cell centres from the cells' lattice positions (row, col), independently of Hotspot's grid."""
    cells = result.cells
    s = float(result.params.cell_size)
    rows = cells["row"].to_numpy(float)
    cols = cells["col"].to_numpy(float)
    if result.params.shape == "hexagon":
        radius = s / math.sqrt(3.0)
        return np.column_stack([(cols + 0.5 + 0.5 * (rows % 2)) * s, -rows * 1.5 * radius])
    return np.column_stack([(cols + 0.5) * s, -(rows + 0.5) * s])


def _gistar_weights(result: Any) -> Any:
    from libpysal import weights

    p = result.params
    with _quiet():
        if result.kind == "grid":
            distance = p.distance if p.neighbourhood == "distance" else p.cell_size * math.sqrt(2)
            return weights.DistanceBand(
                _lattice_centres(result), threshold=float(distance) * (1 + 1e-9), binary=True
            )
        gdf = result.cells
        if p.area_weights == "distance":
            return weights.DistanceBand.from_dataframe(
                gdf, threshold=float(p.distance), binary=True
            )
        if p.area_weights == "knn":
            return weights.KNN.from_dataframe(gdf, k=p.k)
        cls = weights.Rook if p.area_weights == "rook" else weights.Queen
        return cls.from_dataframe(gdf, use_index=False)


# --------------------------------------------------------------------------- Gi*


def _max_abs(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0


def verify_gistar(result: Any, what: str, progress: Progress = NO_PROGRESS) -> Comparison:
    """Gi* z-scores, p-values (and pseudo p-values) against ``esda.G_Local``.

    Parameters
    ----------
    result : GiStarResult
    what : str
        The result's name in the report ("Gi* hot spots").
    """
    import esda
    from scipy import stats

    p = result.params
    y = result.cells[result.value_column].to_numpy(float)
    progress.update(0.0, f"Building libpysal weights for {what}")
    w = _gistar_weights(result)
    perms = int(p.permutations or 0)
    progress.update(0.3, f"esda Gi* ({what})" + (": compiling esda on first use" if perms else ""))
    with _quiet():
        lg = esda.G_Local(
            y, w, star=True, transform="B", permutations=perms, seed=p.seed if perms else None
        )
    z = result.cells["gi_z"].to_numpy(float)
    p_ref = 2 * stats.norm.sf(np.abs(lg.Zs))
    exact = {
        "z": _max_abs(z, lg.Zs),
        "p": _max_abs(result.cells["p_value"].to_numpy(float), p_ref),
    }
    simulated = {}
    if perms and "p_sim" in result.cells.columns:
        ours = result.cells["p_sim"].to_numpy(float)
        two_sided = np.minimum(1.0, 2.0 * np.asarray(lg.p_sim, float))
        if p.alternative != "two-sided":
            two_sided = np.asarray(lg.p_sim, float)
        simulated["p"] = _max_abs(ours, two_sided)
    unit = "areas" if result.kind == "areas" else "grid cells"
    progress.update(1.0, f"Checked {what}")
    return Comparison(f"{what} ({len(y):,} {unit})", exact, simulated)


# --------------------------------------------------------------------------- correlation


def verify_bivariate(result: Any, what: str, progress: Progress = NO_PROGRESS) -> Comparison:
    """Global and local bivariate Moran against ``esda.Moran_BV`` and ``esda.Moran_Local_BV``."""
    import esda
    from libpysal import graph

    p = result.params
    local = result.local
    x = local[result.x].to_numpy(float)
    y = local[result.y].to_numpy(float)
    progress.update(0.0, "Building libpysal weights for the correlation")
    if p.weights == "knn":
        g = graph.Graph.build_knn(local.geometry.centroid, k=p.k)
    else:
        g = graph.Graph.build_contiguity(local, rook=p.weights == "rook", strict=False)
    g = g.transform("r")
    perms = int(p.permutations)
    progress.update(0.2, "esda bivariate Moran: compiling esda on first use")
    state = np.random.get_state()  # noqa: NPY002 - Moran_BV draws from the global generator
    try:
        with _quiet():
            np.random.seed(int(p.seed) % 2**32)  # noqa: NPY002
            glob = esda.Moran_BV(x, y, g, permutations=perms)
            progress.update(0.5, "esda local bivariate Moran")
            loc = esda.Moran_Local_BV(x, y, g, permutations=perms, seed=int(p.seed))
    finally:
        np.random.set_state(state)  # noqa: NPY002
    tested = ~local["island"].to_numpy(bool)
    exact = {
        "global I": abs(float(result.moran_i) - float(glob.I)),
        "local I": _max_abs(local["local_i"].to_numpy(float)[tested], loc.Is[tested]),
    }
    quadrants = int((local["quadrant"].to_numpy()[tested] == np.asarray(loc.q)[tested]).sum())
    ref = np.asarray(loc.p_sim, float)
    if p.alternative == "two-sided":
        ref = np.minimum(1.0, 2.0 * ref)
    simulated = {"p": _max_abs(local["p_value"].to_numpy(float)[tested], ref[tested])}
    agreement = f"quadrants agree in {quadrants:,} of {int(tested.sum()):,} areas"
    progress.update(1.0, "Checked the correlation")
    return Comparison(f"{what} ({result.n:,} areas)", exact, simulated, agreement)


# --------------------------------------------------------------------------- a run

Checker = Callable[[Any, str, Progress], Comparison]
"""``checker(result, name, progress) -> Comparison``; specs list theirs in ``AnalysisSpec.verify``."""


def verify_results(results: Any, *, progress: Progress = NO_PROGRESS) -> Verification | None:
    """Recompute every result that PySAL can check, as the registry declares them.

    Returns None when the results hold nothing to check.
    """
    from hotspot.pipeline.registry import analyses

    todo = [
        (key, name, checker)
        for spec in analyses()
        for key, name, checker in spec.verify
        if results.get(key) is not None
    ]
    if not todo:
        return None
    progress.update(0.0, "Loading PySAL (esda, libpysal)")
    import esda
    import libpysal

    found = []
    for i, (key, name, checker) in enumerate(todo):
        progress.check_cancelled()
        sub = SubProgress(progress, i / len(todo), (i + 1) / len(todo))
        found.append(dataclasses.replace(checker(results[key], name, sub), key=key))
    warnings = tuple(
        f"{c.what}: Hotspot and esda differ by up to {_g(c.largest)} in figures computed the "
        "same way; please report this"
        for c in found
        if c.largest > EXACT
    )
    return Verification(esda.__version__, libpysal.__version__, tuple(found), warnings)


__all__ = [
    "EXACT",
    "Checker",
    "Comparison",
    "Verification",
    "verify_bivariate",
    "verify_gistar",
    "verify_results",
]
