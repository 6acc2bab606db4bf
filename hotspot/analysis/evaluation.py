"""How good is a hotspot map? PAI, PPAI and RRI, prediction, capture curves and stability.

The measures the crime-science literature (Chainey, Tompson and Uhlig 2008; Levine 2008;
Hunt 2016) judges hotspot maps by, for the kernel density hot spots
(:mod:`hotspot.analysis.kde`, cells in a hotspot class) and the Gi* hot spots
(:mod:`hotspot.analysis.gistar`, cells hot at 90% confidence or more):

* **PAI** (predictive accuracy index) = ``(n / N) / (a / A)``: the share of offences in the
  hot spots over the share of the study area they cover. **Hit rate** = ``n / N``.
* **Prediction**: hot spots made from the period before (T1, by default as long as the
  selected period) and scored on the selected period (T2): hit rate and PAI in T2.
* **PPAI**: the PAI of the best possible map of the same area (the cells holding the most
  T2 offences), and **PEI** = PAI / PPAI (1 = as good as possible).
* **RRI** (recapture rate index) = PAI in T2 of T1's hot spots / PAI in T1.
* **Capture curve**: the share of T2 offences in the top x% of the area ranked by T1's
  surface (density, or Gi* z), at 1, 5 and 10% and as a curve, with the best possible curve.
* **Stability**: the hot spots of T2 again with the bandwidth (KDE) or the cell size (Gi*)
  multiplied by 0.5 .. 2; the overlap (Jaccard) of each with the hot spots of the setting
  used, and for each Gi* cell the share of all settings that call it hot (all, most, few).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely

from hotspot.analysis.errors import warn
from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.study_points import point_coordinates
from hotspot.core.errors import AnalysisError
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress

CAPTURE_AT = (0.01, 0.05, 0.10)
"""Shares of the area at which the capture is reported."""


@dataclass(frozen=True)
class EvaluationParams:
    """Parameters of the hotspot-map evaluation."""

    train_months: int | None = param(
        None,
        label="Months before (T1)",
        unit="months",
        help="The hot spots scored on the selected period are made from this many months "
        "just before it.",
        minimum=1,
        maximum=120,
        computed="as many months as the selected period",
    )
    stability: bool = param(
        True,
        label="Test stability",
        help="Make the hot spots again with other bandwidths and cell sizes, and measure how "
        "much they change.",
    )
    factors: tuple[float, ...] = param(
        (0.5, 0.75, 1.0, 1.5, 2.0),
        label="Multipliers tried",
        help="The bandwidth (KDE) and the cell size (Gi*) are multiplied by each of these.",
        advanced=True,
    )

    def __post_init__(self) -> None:
        validate(self, where="evaluation")
        if not self.factors or any(not 0.1 <= f <= 10 for f in self.factors):
            raise AnalysisError(
                "evaluation.factors: give multipliers between 0.1 and 10, e.g. [0.5, 1, 2]"
            )


@dataclass(frozen=True, eq=False)
class EvaluationResult:
    """Scores of the hotspot maps.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per method ("Kernel density", "Gi*"): ``hot_spots`` (which cells count as
        hot spots, in words: every hot class the map draws, a wider area than the numbered
        zones, which keep the top density class and Gi* at 95%), ``hot_area_km2``, ``area_share``,
        ``hit_rate_t1``, ``pai_t1`` (T1's hot spots on T1), ``hit_rate`` and ``pai``
        (T1's hot spots on T2), ``ppai``, ``pei``, ``rri``, ``capture_1``, ``capture_5``,
        ``capture_10`` (share of T2 offences in the top 1, 5, 10% of the area).
    capture : pandas.DataFrame
        Long: ``method`` (including "Best possible"), ``area_share``, ``captured``.
    stability : pandas.DataFrame
        ``method``, ``parameter``, ``factor``, ``value_m``, ``hot_area_km2``, ``jaccard``.
    stability_cells : geopandas.GeoDataFrame or None
        Gi* cells with ``hot_share`` (share of the settings calling them hot) and
        ``agreement`` ("all", "most", "few", "none").
    train, test : str
        The periods T1 and T2 ("12 months to September 2024").
    n_train, n_test : int
        Offences in T1 and T2 inside the study area.
    params : EvaluationParams
    warnings : tuple of str
    """

    scores: pd.DataFrame
    capture: pd.DataFrame
    stability: pd.DataFrame
    stability_cells: Any
    train: str
    test: str
    n_train: int
    n_test: int
    params: EvaluationParams
    warnings: tuple[str, ...] = ()

    def stability_settings(self) -> str:
        """ "bandwidth and cell size x 0.5, 0.75, 1, 1.5, 2"."""
        return "bandwidth and cell size × " + ", ".join(f"{f:g}" for f in self.params.factors)


# --------------------------------------------------------------------------- measures


def pai(hits: float, total: float, area: float, study_area: float) -> float:
    """``(hits / total) / (area / study_area)``; NaN when undefined."""
    if total <= 0 or area <= 0 or study_area <= 0:
        return float("nan")
    return (hits / total) / (area / study_area)


def capture_curve(
    rank_by: np.ndarray, counts: np.ndarray, areas: np.ndarray, shares: np.ndarray
) -> np.ndarray:
    """Share of ``counts`` in the cells of highest ``rank_by`` covering each area share.

    Cells are taken whole in decreasing ``rank_by`` (ties: more counts first is *not*
    assumed; the order is stable), and the curve is interpolated linearly within a cell.
    """
    order = np.lexsort((np.arange(rank_by.size), -np.nan_to_num(rank_by, nan=-np.inf)))
    area = np.concatenate([[0.0], np.cumsum(areas[order])]) / areas.sum()
    got = np.concatenate([[0.0], np.cumsum(counts[order])]) / max(counts.sum(), 1e-300)
    return np.interp(shares, area, got)


@dataclass(frozen=True)
class _Surface:
    """Cells of one method: what ranks them (T1), their area, T1/T2 counts, hot flags."""

    rank: np.ndarray
    area: np.ndarray
    train: np.ndarray
    test: np.ndarray
    hot: np.ndarray


def _raster_index(kde: Any, xy: np.ndarray) -> np.ndarray:
    """Flat raster index of each point (-1 off the raster or outside the study area)."""
    t = kde.transform
    rows, cols = kde.values.shape
    c = np.floor((xy[:, 0] - t.c) / t.a).astype(np.int64)
    r = np.floor((xy[:, 1] - t.f) / t.e).astype(np.int64)
    ok = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
    flat = np.full(xy.shape[0], -1, dtype=np.int64)
    flat[ok] = r[ok] * cols + c[ok]
    inside = np.isfinite(kde.values.ravel())
    flat[ok] = np.where(inside[flat[ok]], flat[ok], -1)
    return flat


GISTAR_HOT_RULE = "cells hot at 90% confidence or more"
"""The Gi* cells scored as hot spots (every hot class the Gi* map draws)."""


def kde_hot_rule(kde: Any) -> str:
    """The KDE cells scored as hot spots, in words: every hotspot class the map draws
    ("cells above 1x the mean of non-zero cells")."""
    thresholds = kde.hotspot_thresholds()
    if not thresholds:
        return "cells in a hotspot class"
    label = min(thresholds.items(), key=lambda kv: kv[1])[0]
    return f"cells {label[:1].lower()}{label[1:]}"


def _kde_surface(kde: Any, train_xy: np.ndarray, test_xy: np.ndarray) -> _Surface:
    values = kde.values.ravel()
    inside = np.isfinite(values)

    def counts(xy: np.ndarray) -> np.ndarray:
        idx = _raster_index(kde, xy)
        return np.bincount(idx[idx >= 0], minlength=values.size).astype(float)[inside]

    hot = kde.classes().ravel()[inside] >= 1
    area = np.full(int(inside.sum()), kde.cell_size**2 / 1e6)
    return _Surface(values[inside], area, counts(train_xy), counts(test_xy), hot)


def _gistar_surface(gistar: Any, test_xy: np.ndarray) -> _Surface:
    cells = gistar.cells
    geoms = np.asarray(cells.geometry.values)
    tree = shapely.STRtree(geoms)
    pt, cell = tree.query(shapely.points(test_xy), predicate="intersects")
    first = np.full(test_xy.shape[0], -1, dtype=np.int64)
    first[pt[::-1]] = cell[::-1]
    test = np.bincount(first[first >= 0], minlength=len(cells)).astype(float)
    z = cells["gi_z"].to_numpy(dtype=float)
    train = cells["n"].to_numpy(dtype=float)
    rank = np.nan_to_num(z, nan=-np.inf) + 1e-9 * train  # ties broken by T1 counts
    return _Surface(rank, shapely.area(geoms) / 1e6, train, test, cells["gi_bin"].to_numpy() > 0)


def _scores(name: str, s: _Surface, shares: np.ndarray) -> tuple[dict, pd.DataFrame]:
    total_area = float(s.area.sum())
    hot_area = float(s.area[s.hot].sum())
    n1, n2 = float(s.train.sum()), float(s.test.sum())
    hits1, hits2 = float(s.train[s.hot].sum()), float(s.test[s.hot].sum())
    pai_t1 = pai(hits1, n1, hot_area, total_area)
    pai_t2 = pai(hits2, n2, hot_area, total_area)
    # the best map of the same area: the cells with the most T2 offences per km²
    best_rank = s.test / np.maximum(s.area, 1e-12)
    best_curve = capture_curve(best_rank, s.test, s.area, np.array([hot_area / total_area]))
    ppai = float(best_curve[0]) / (hot_area / total_area) if hot_area > 0 else float("nan")
    curve = capture_curve(s.rank, s.test, s.area, shares)
    at = capture_curve(s.rank, s.test, s.area, np.array(CAPTURE_AT))
    row = {
        "method": name,
        "hot_area_km2": hot_area,
        "area_share": hot_area / total_area if total_area else float("nan"),
        "hit_rate_t1": hits1 / n1 if n1 else float("nan"),
        "pai_t1": pai_t1,
        "hit_rate": hits2 / n2 if n2 else float("nan"),
        "pai": pai_t2,
        "ppai": ppai,
        "pei": pai_t2 / ppai if ppai and np.isfinite(ppai) else float("nan"),
        "rri": pai_t2 / pai_t1 if pai_t1 and np.isfinite(pai_t1) else float("nan"),
        "capture_1": float(at[0]),
        "capture_5": float(at[1]),
        "capture_10": float(at[2]),
    }
    frame = pd.DataFrame({"method": name, "area_share": shares, "captured": curve})
    if name == "Kernel density":
        best = capture_curve(best_rank, s.test, s.area, shares)
        frame = pd.concat(
            [
                frame,
                pd.DataFrame({"method": "Best possible", "area_share": shares, "captured": best}),
            ]
        )
    return row, frame


# --------------------------------------------------------------------------- stability


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    union = int((a | b).sum())
    return float((a & b).sum() / union) if union else float("nan")


def _stability(
    points_xy: np.ndarray,
    study_area: Any,
    kde_params: KdeParams,
    gistar_params: GiStarParams,
    factors: tuple[float, ...],
    progress: Progress,
) -> tuple[pd.DataFrame, Any]:
    base_kde = run_kde(points_xy, kde_params, study_area=study_area)
    base_gi = run_gistar_grid(points_xy, gistar_params, study_area=study_area)
    # every setting is judged at the centres of the KDE raster cells (a fine lattice) and at
    # the centres of the Gi* cells of the setting used (the stability map)
    t = base_kde.transform
    rows, cols = base_kde.values.shape
    rr, cc = np.indices((rows, cols))
    fine = np.column_stack([t.c + (cc.ravel() + 0.5) * t.a, t.f + (rr.ravel() + 0.5) * t.e])
    fine = fine[np.isfinite(base_kde.values.ravel())]
    cells = base_gi.cells
    centres = shapely.get_coordinates(cells.geometry.representative_point().values)
    records, votes = [], []
    base_masks: dict[str, np.ndarray] = {}
    steps = [(m, f) for m in ("Kernel density", "Gi*") for f in sorted(set(factors) | {1.0})]
    for i, (method, f) in enumerate(steps):
        progress.check_cancelled()
        progress.update(i / len(steps), f"Stability: {method} × {f:g}")
        if method == "Kernel density":
            value = base_kde.params.bandwidth * f
            kde = (
                base_kde
                if f == 1.0
                else run_kde(
                    points_xy, replace(base_kde.params, bandwidth=value), study_area=study_area
                )
            )
            on_fine = _kde_hot_at(kde, fine)
            on_cells = _kde_hot_at(kde, centres)
            area = float(on_fine.sum()) * t.a**2 / 1e6
            parameter = "bandwidth"
        else:
            value = base_gi.params.cell_size * f
            gi = (
                base_gi
                if f == 1.0
                else run_gistar_grid(
                    points_xy, replace(base_gi.params, cell_size=value), study_area=study_area
                )
            )
            hot = gi.cells[gi.cells["gi_bin"] > 0]
            area = float(hot.geometry.area.sum()) / 1e6
            union = shapely.union_all(np.asarray(hot.geometry.values))
            shapely.prepare(union)
            on_fine = shapely.contains_xy(union, fine[:, 0], fine[:, 1])
            on_cells = shapely.contains_xy(union, centres[:, 0], centres[:, 1])
            parameter = "cell size"
        if f == 1.0:
            base_masks[method] = on_fine
        records.append((method, parameter, f, value, area, on_fine))
        if f in factors:
            votes.append(on_cells)
    stability = pd.DataFrame(
        [
            {
                "method": m,
                "parameter": p,
                "factor": f,
                "value_m": v,
                "hot_area_km2": a,
                "jaccard": _jaccard(mask, base_masks[m]),
            }
            for m, p, f, v, a, mask in records
            if f in factors
        ]
    )
    share = np.mean(votes, axis=0)
    out = cells[["cell_id", "row", "col", "geometry"]].copy()
    out.insert(3, "hot_share", share)
    out.insert(
        4,
        "agreement",
        np.select([share >= 1.0, share >= 0.5, share > 0], ["all", "most", "few"], "none"),
    )
    return stability, out


def _kde_hot_at(kde: Any, xy: np.ndarray) -> np.ndarray:
    idx = _raster_index(kde, xy)
    cls = kde.classes().ravel()
    return (idx >= 0) & (cls[np.maximum(idx, 0)] >= 1)


# --------------------------------------------------------------------------- run


def run_evaluation(
    points: Any,
    params: EvaluationParams | None = None,
    *,
    period: Any,
    study_area: Any = None,
    kde_params: KdeParams | None = None,
    gistar_params: GiStarParams | None = None,
    months_covered: Any = None,
    progress: Progress = NO_PROGRESS,
) -> EvaluationResult:
    """Score the KDE and Gi* hot spots: PAI, prediction from T1 to T2, capture, stability.

    Parameters
    ----------
    points : GeoDataFrame
        Offences (British National Grid) with ``month``, covering T1 and T2.
    params : EvaluationParams, optional
    period : Period
        T2, the period scored (the project's selected period).
    study_area : geometry or frame, optional
    kde_params, gistar_params : optional
        The settings of the maps judged (the project's); defaults if omitted.
    months_covered : sequence of month-likes, optional
        The months the data hold: a T1 the data do not wholly hold is said.
    progress : Progress, optional

    Raises
    ------
    AnalysisError
        When T1 or T2 holds too few offences for the hot spots to be made.
    """
    from hotspot.model import Period

    params = params or EvaluationParams()
    kde_params = kde_params or KdeParams()
    gistar_params = replace(gistar_params or GiStarParams(), permutations=0)
    months = pd.to_datetime(points["month"])
    n_train = params.train_months or period.n_months
    train_period = Period.months_to(period.start - pd.DateOffset(months=1), n_train)
    messages: list[str] = []
    if months_covered is not None:
        have = {pd.Period(pd.Timestamp(m), freq="M") for m in months_covered}
        lacking = [
            str(pd.Period(m, freq="M"))
            for m in train_period.months()
            if pd.Period(m, freq="M") not in have
        ]
        if len(lacking) == train_period.n_months:
            raise AnalysisError(
                f"the offence data hold no month of the {train_period.label} before the period "
                f"({train_period.span}); the hot spots scored need them. Load earlier months "
                "or set train_months shorter"
            )
        if lacking:
            warn(
                messages,
                f"the offence data miss {len(lacking)} month(s) of T1 ({', '.join(lacking[:6])}): "
                "its hot spots are made from the months it holds",
            )
    in_train = train_period.contains(months).to_numpy()
    in_test = period.contains(months).to_numpy()
    train_xy = point_coordinates(points[in_train])
    test_xy = point_coordinates(points[in_test])
    progress.update(0.0, "Hot spots of the period before")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kde = run_kde(train_xy, kde_params, study_area=study_area)
        if kde_params.cell_size is None:  # T1 and T2 on the same raster
            kde_params = replace(kde_params, cell_size=kde.params.cell_size)
        gi = run_gistar_grid(train_xy, gistar_params, study_area=study_area)
        progress.update(0.2, "Scoring on the selected period")
        shares = np.linspace(0.0, 1.0, 201)
        rows, curves = [], []
        for name, surface, rule in (
            ("Kernel density", _kde_surface(kde, train_xy, test_xy), kde_hot_rule(kde)),
            ("Gi*", _gistar_surface(gi, test_xy), GISTAR_HOT_RULE),
        ):
            row, curve = _scores(name, surface, shares)
            rows.append({"method": row.pop("method"), "hot_spots": rule, **row})
            curves.append(curve)
        if params.stability:
            stability, cells = _stability(
                test_xy,
                study_area,
                replace(kde_params, bandwidth=None) if kde_params.bandwidth is None else kde_params,
                replace(gistar_params, cell_size=gi.params.cell_size),
                tuple(params.factors),
                SubProgress(progress, 0.3, 1.0),
            )
        else:
            stability, cells = pd.DataFrame(), None
    scores = pd.DataFrame(rows)
    for name in scores.loc[scores["hot_area_km2"] == 0, "method"]:
        warn(messages, f"{name}: the period before has no hot spot, so it predicts nothing")
    progress.update(1.0, "Evaluation ready")
    return EvaluationResult(
        scores=scores,
        capture=pd.concat(curves, ignore_index=True),
        stability=stability,
        stability_cells=cells,
        train=train_period.label,
        test=period.label,
        n_train=int(train_xy.shape[0]),
        n_test=int(test_xy.shape[0]),
        params=params,
        warnings=tuple(messages),
    )


__all__ = [
    "CAPTURE_AT",
    "EvaluationParams",
    "EvaluationResult",
    "GISTAR_HOT_RULE",
    "capture_curve",
    "kde_hot_rule",
    "pai",
    "run_evaluation",
]
