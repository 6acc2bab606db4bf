"""What results say in plain English (the panels, summary.txt and the briefing share it)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hotspot.maps.wording import correlation_sentences as interpret
from hotspot.maps.wording import strength


def _result(rho, p_rho, moran_i, p_value, y="imd_score"):
    return SimpleNamespace(
        x="rate",
        y=y,
        spearman=(rho, p_rho),
        moran_i=moran_i,
        p_value=p_value,
        params=SimpleNamespace(alpha=0.05),
    )


@pytest.mark.parametrize(
    ("rho", "word"), [(0.05, "no clear"), (-0.2, "a weak"), (0.4, "a moderate"), (0.79, "a strong")]
)
def test_strength_follows_the_usual_rule_of_thumb(rho, word):
    assert strength(rho) == word


def test_a_strong_significant_link_is_said_plainly():
    spearman, moran = interpret(_result(0.79, 1e-30, 0.152, 0.002))
    assert spearman.startswith("A strong link: LSOAs that are more deprived tend to have higher")
    assert "rho = 0.790, p < 0.001" in spearman
    assert moran.endswith("tend to have neighbours more deprived.")


def test_a_negative_link_and_a_non_significant_moran_say_so():
    spearman, moran = interpret(_result(-0.45, 0.01, -0.02, 0.4, y="samhi_index"))
    assert "poorer mental health tend to have lower offence rates" in spearman
    assert "no clear pattern" in moran


def test_a_non_significant_correlation_is_no_clear_link():
    spearman, _ = interpret(_result(0.6, 0.2, 0.1, 0.01))
    assert spearman.startswith("No clear link")
