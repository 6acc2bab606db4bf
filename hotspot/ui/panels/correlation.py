"""Correlation panel: offence rates against deprivation (IMD) and mental health (SAMHI)."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel
from hotspot.ui.panels.gistar import NEIGHBOURS

MEASURES = {
    "rate": "offence rates",
    "rate_eb": "smoothed offence rates",
    "count": "offence counts",
}
CONTEXTS = {  # column -> (LSOAs that ..., neighbours ... when I > 0, ... when I < 0)
    "imd_score": ("are more deprived", "more deprived", "less deprived"),
    "samhi_index": (
        "have poorer mental health",
        "with poorer mental health",
        "with better mental health",
    ),
}


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


def p_text(p: float) -> str:
    """ "p < 0.001" or "p = 0.012"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def interpret(result: Any) -> list[str]:
    """What the global figures of a correlation result say, a sentence each."""
    measure = MEASURES.get(result.x, str(result.x))
    y = str(result.y)
    high, above, below = CONTEXTS.get(y, (f"have a higher {y}", f"higher {y}", f"lower {y}"))
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
        f"{spearman} (Spearman's rho = {rho:.2f}, {p_text(p_rho)}).",
        f"Bivariate Moran's I = {result.moran_i:.3f} ({p_text(result.p_value)}): {moran}.",
    ]


class CorrelationPanel(AnalysisPanel):
    section = "bivariate"
    title = "Correlation"
    name = "correlation"
    intro = (
        "How the offence rate of an area relates to its deprivation (IMD) or mental health "
        "(SAMHI): Spearman's rank correlation and bivariate Moran's I, with a map of local "
        "clusters. Local bivariate clusters mix correlation and neighbourhood effects: read "
        "them with care."
    )
    choice_labels = {
        "measure": {
            "rate": "Offence rate",
            "rate_eb": "Smoothed offence rate",
            "count": "Offence count",
        },
        "context": {
            "imd_score": "Deprivation (IMD score)",
            "samhi_index": "Mental health (SAMHI index)",
        },
        "weights": NEIGHBOURS,
        "alternative": {
            "two-sided": "Two-sided (recommended)",
            "directed": "Directed (as GeoDa)",
            "folded": "Folded",
        },
    }
    applies = {"k": (lambda v: v["weights"] == "knn", "with 'k nearest areas'")}

    def describe(self, result: Any) -> str:
        lines = interpret(result)
        counts = getattr(result, "cluster_counts", None)
        if counts is not None:
            shown = [f"{c} {n:,}" for c, n in counts().items() if n and c != "Not significant"]
            lines.append(f"Local clusters: {'; '.join(shown) or 'none significant'}.")
        if getattr(result, "caveat", ""):
            lines.append(result.caveat)
        return "\n".join(lines)
