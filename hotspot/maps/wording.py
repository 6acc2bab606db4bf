"""What results say in plain English, said once.

The window's panels, ``summary.txt``, the print maps' methods boxes and the
briefing pack take their sentences from here:

- ``*_methods(result)``: how a result was made (kernel, bandwidth, cell size, Gi*
  neighbourhood, permutations and seed, FDR, what a hot spot zone is), from the params
  stored in it;
- :func:`strength`, :func:`p_text` and :func:`correlation_sentences`: what a
  correlation says, with its direction and strength in words.
"""

from __future__ import annotations

from typing import Any

from hotspot.core.labels import MEASURES, OFFENCE_MEASURES


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default) if obj is not None else default


def format_metres(x: Any) -> str:
    # a no-break space keeps the number with its unit when the text is wrapped
    """A distance in whole metres with its unit ("1,500 m"); "?" when unknown."""
    return "?" if x is None else f"{float(x):,.0f}\u00a0m"


def kde_methods(result: Any) -> list[str]:
    """Methods lines for a KDE result (kernel, bandwidth, cell size, output, hot classes)."""
    p = _get(result, "params")
    lines = [
        f"Kernel density: {_get(p, 'kernel', 'quartic')} kernel, bandwidth "
        f"{format_metres(_get(p, 'bandwidth'))}, cell size {format_metres(_get(p, 'cell_size'))}.",
    ]
    note = _get(result, "bandwidth_note")
    if note:
        lines.append(f"Bandwidth: {note}")
    units = _get(result, "units")
    n = _get(result, "n_points")
    if units or n is not None:
        lines.append(
            f"Surface in {units or 'density'}" + (f", from {int(n):,} offences." if n else ".")
        )
    rule = _get(p, "hotspot_rule", "k_mean")
    if rule == "top_percent":
        lines.append(f"Hotspots: the top {_get(p, 'top_percent', 10):g}% of cells.")
    else:
        ks = ", ".join(f"{k:g}" for k in sorted(_get(p, "hotspot_k", (1, 2, 3))))
        lines.append(
            f"Hotspot classes: density at least {ks} x the mean of the non-zero cells "
            "inside the study area."
        )
    return lines


def zone_methods(zones: Any) -> list[str]:
    """The methods line saying what a hot spot zone is (none without zones)."""
    return [] if zones is None else [f"Hot spot zones: {zones.rule}."]


def gistar_methods(result: Any) -> list[str]:
    """Methods lines for a Gi* result (cells, neighbourhood, permutations and seed, FDR)."""
    p = _get(result, "params")
    kind = _get(result, "kind", "grid")
    if kind == "areas":
        lines = [f"Getis-Ord Gi* on areas, {_get(p, 'area_weights', 'queen')} contiguity weights."]
    else:
        hood = _get(p, "neighbourhood", "queen")
        if hood == "distance":
            hood_text = f"cells within {format_metres(_get(p, 'distance'))}"
        else:
            hood_text = "the 8 surrounding cells plus the cell itself (binary weights)"
        lines = [
            f"Getis-Ord Gi*: {_get(p, 'shape', 'square')} cells of {format_metres(_get(p, 'cell_size'))}; "
            f"neighbourhood = {hood_text}."
        ]
    perms = int(_get(p, "permutations", 0) or 0)
    if perms:
        lines.append(
            f"Pseudo p-values from {perms:,} conditional permutations (seed {_get(p, 'seed')})."
        )
    else:
        lines.append("Analytical z-scores and p-values (normal approximation).")
    alt = _get(p, "alternative", "two-sided")
    fdr = bool(_get(p, "fdr", True))
    lines.append(
        f"{alt.capitalize()} tests; "
        + ("Benjamini-Hochberg FDR correction." if fdr else "no multiple-testing correction.")
    )
    n = _get(result, "n_points")
    outside = _get(result, "n_outside")
    if n is not None:
        extra = f" ({int(outside):,} outside the study area)" if outside else ""
        lines.append(f"{int(n):,} offences counted{extra}.")
    return lines


def rates_methods(stats: Any) -> list[str]:
    """Methods lines for area rates (denominator, smoothing, comparison period)."""
    p = _get(stats, "params")
    per = _get(p, "per", 1000)
    lines = [f"Rates per {int(per):,} residents (population denominators)."]
    if _get(p, "eb", False):
        lines.append("Empirical-Bayes smoothed rates are given alongside raw rates.")
    period = _get(stats, "period")
    if period is not None:
        lines.append(f"Period: {_get(period, 'label', period)}.")
    return lines + change_methods(stats, period=False)


def change_methods(stats: Any, *, period: bool = True) -> list[str]:
    """Methods lines for the change since the previous period (the periods and the test)."""
    p = _get(stats, "params")
    comp = _get(stats, "comparison")
    lines = []
    now = _get(stats, "period")
    if period and now is not None:
        lines.append(f"Period: {_get(now, 'label', now)}.")
    if comp is not None:
        alpha = float(_get(p, "alpha", 0.05) or 0.05)
        fdr = ", FDR-corrected" if _get(p, "change_fdr", False) else ""
        lines.append(
            f"Change: offences in the period minus offences in {_get(comp, 'label', comp)}; "
            f"a two-sided exact binomial test flags changes unlikely to be chance "
            f"(p < {alpha:g}{fdr})."
        )
    return lines


def p_text(p: Any) -> str:
    """ "p = 0.042", or "p < 0.001" for smaller p-values (never "p = 0.000")."""
    v = float(p)
    return "p < 0.001" if v < 0.001 else f"p = {v:.3f}"


def bivariate_methods(result: Any) -> list[str]:
    """Methods lines for bivariate Moran (weights, permutations, seed, FDR, caveat)."""
    p = _get(result, "params")
    perms = int(_get(p, "permutations", 999) or 0)
    lines = [
        f"Bivariate Moran's I with {_get(p, 'weights', 'queen')} weights, {perms:,} "
        f"permutations (seed {_get(p, 'seed')}); significance level {_get(p, 'alpha', 0.05):g}"
        + (", FDR-corrected." if _get(p, "fdr", True) else "."),
    ]
    i = _get(result, "moran_i")
    pv = _get(result, "p_value")
    if i is not None:
        lines.append(
            f"Global I = {float(i):.3f}" + (f" ({p_text(pv)})." if pv is not None else ".")
        )
    rho = _get(result, "spearman")
    if rho is not None:
        lines.append(f"Spearman rho = {float(rho[0]):.3f} ({p_text(rho[1])}).")
    caveat = _get(result, "caveat")
    if caveat:
        lines.append(str(caveat))
    return lines


def methods_lines(
    *, kde: Any = None, gistar: Any = None, rates: Any = None, bivariate: Any = None
) -> list[str]:
    """Methods text for whichever results are given (each may be None)."""
    out: list[str] = []
    if kde is not None:
        out += kde_methods(kde)
    if gistar is not None:
        out += gistar_methods(gistar)
    if rates is not None:
        out += rates_methods(rates)
    if bivariate is not None:
        out += bivariate_methods(bivariate)
    return out


def _confidence(level: float) -> str:
    return f"{(1 - float(level)) * 100:g}% confidence"


def _why_nothing(result: Any, unit: str, fallback: str) -> str:
    power = _get(result, "power")
    advice = power.advice(unit) if power is not None else ""
    return advice or fallback


def gistar_empty(result: Any) -> str:
    """What a Gi* map or table with no hot or cold spot says on itself ("" when it has some).

    Examples: "No significant hot or cold spots at 90% confidence after FDR correction:
    with 999 permutations the smallest possible p-value is 0.002, ...".
    """
    if result is None or _get(result, "n_significant", 1):
        return ""
    p = _get(result, "params")
    what = {"greater": "hot spots", "lesser": "cold spots"}.get(
        _get(p, "alternative", "two-sided"), "hot or cold spots"
    )
    fdr = " after FDR correction" if _get(p, "fdr", True) else ""
    unit = "areas" if _get(result, "kind", "grid") == "areas" else "cells"
    values = "counts" if _get(result, "value_column", "n") == "n" else "values"
    why = _why_nothing(
        result,
        unit,
        f"no group of {unit} holds {values} far enough from the study area's average to be "
        "unlikely by chance",
    )
    return f"No significant {what} at 90% confidence{fdr}: {why}."


def clusters_empty(result: Any) -> str:
    """What a local-cluster map or table with no cluster says on itself ("" when it has some)."""
    if result is None or _get(result, "n_significant", 1):
        return ""
    p = _get(result, "params")
    fdr = " after FDR correction" if _get(p, "fdr", True) else ""
    why = _why_nothing(
        result,
        "areas",
        "no area's value goes with its neighbours' values more closely than chance would give",
    )
    return f"No significant local clusters at {_confidence(_get(p, 'alpha', 0.05))}{fdr}: {why}."


def strength(rho: float) -> str:
    """Plain-English strength of a rank correlation (the usual rule of thumb)."""
    size = abs(rho)
    if size < 0.1:
        return "no clear"
    if size < 0.3:
        return "a weak"
    if size < 0.5:
        return "a moderate"
    return "a strong"


def correlation_sentences(result: Any) -> list[str]:
    """What the global figures of a bivariate result say, a sentence each."""
    measure = OFFENCE_MEASURES.get(result.x, str(result.x))
    y = str(result.y)
    known = MEASURES.get(y)
    high, above, below = (
        known.higher if known else (f"have a higher {y}", f"higher {y}", f"lower {y}")
    )
    alpha = getattr(result.params, "alpha", 0.05)
    rho, p_rho = result.spearman
    if p_rho > alpha or strength(rho) == "no clear":
        spearman = f"No clear link: LSOAs that {high} do not have consistently higher {measure}"
    else:
        direction = "higher" if rho > 0 else "lower"
        spearman = f"{strength(rho).capitalize()} link: LSOAs that {high} tend to have "
        spearman += f"{direction} {measure}"
    if result.p_value <= alpha and result.moran_i != 0:
        side = above if result.moran_i > 0 else below
        moran = f"LSOAs with high {measure} tend to have neighbours {side}"
    else:
        moran = f"no clear pattern between {measure} and the neighbouring LSOAs"
    return [
        f"{spearman} (Spearman's rho = {rho:.3f}, {p_text(p_rho)}).",
        f"Bivariate Moran's I = {result.moran_i:.3f} ({p_text(result.p_value)}): {moran}.",
    ]


__all__ = [
    "bivariate_methods",
    "clusters_empty",
    "gistar_empty",
    "change_methods",
    "correlation_sentences",
    "gistar_methods",
    "kde_methods",
    "methods_lines",
    "p_text",
    "rates_methods",
    "strength",
    "zone_methods",
    "format_metres",
]
