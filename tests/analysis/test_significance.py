"""Significance helpers: FDR against scipy, confidence bins, and the permutation engine's
sampling (exact conditional randomisation) checked against sampling theory."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats

from hotspot.analysis.p_values import confidence_bin, fdr_bh, two_sided_p
from hotspot.analysis.permutation import (
    PermutationCounts,
    iter_permuted_lags,
    permutation_test,
    permuted_lags,
    pseudo_p_values,
)


def _ring_weights(n: int, k: int, *, self_weight: float = 0.0) -> sp.csr_matrix:
    """Each observation's neighbours are the next ``k`` on a ring (weights 1)."""
    rows = np.repeat(np.arange(n), k)
    cols = (rows + np.tile(np.arange(1, k + 1), n)) % n
    w = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    if self_weight:
        w = w + self_weight * sp.identity(n, format="csr")
    return sp.csr_matrix(w)


# --------------------------------------------------------------------------- FDR, p, bins


def test_fdr_bh_matches_scipy_including_ties():
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=300), rng.uniform(0, 0.01, 40), [0.02] * 10, [1.0, 0]])
    rng.shuffle(p)
    np.testing.assert_allclose(
        fdr_bh(p), stats.false_discovery_control(p, method="bh"), rtol=0, atol=1e-14
    )


def test_fdr_bh_leaves_nan_out_of_the_count_and_keeps_shape():
    p = np.array([[0.01, np.nan], [0.04, 0.03]])
    q = fdr_bh(p)
    expected = stats.false_discovery_control(np.array([0.01, 0.04, 0.03]), method="bh")
    assert q.shape == (2, 2)
    assert np.isnan(q[0, 1])
    np.testing.assert_allclose([q[0, 0], q[1, 0], q[1, 1]], expected, atol=1e-15)
    assert np.all(q[~np.isnan(q)] >= p[~np.isnan(p)])


def test_fdr_bh_rejects_values_outside_unit_interval():
    with pytest.raises(ValueError, match="between 0 and 1"):
        fdr_bh([0.2, 1.5])


def test_two_sided_p_matches_normal_distribution_far_into_the_tails():
    z = np.array([-40.0, -3.0, -1.96, 0.0, 1.0, 2.576, 12.0, np.nan])
    expected = 2 * stats.norm.sf(np.abs(z))
    np.testing.assert_allclose(two_sided_p(z)[:-1], expected[:-1], rtol=1e-12)
    assert np.isnan(two_sided_p(z)[-1])
    assert two_sided_p(np.array([1.959963984540054]))[0] == pytest.approx(0.05, rel=1e-12)


def test_confidence_bin_follows_the_arcgis_convention():
    z = np.array([3.0, 2.1, 1.7, 0.5, -1.7, -2.1, -3.0, 2.0, np.nan, 0.0])
    p = np.array([0.001, 0.03, 0.08, 0.6, 0.08, 0.03, 0.005, 0.05, 0.01, 0.001])
    np.testing.assert_array_equal(confidence_bin(z, p), [3, 2, 1, 0, -1, -2, -3, 2, 0, 0])
    assert confidence_bin(np.array([2.0]), np.array([np.nan]))[0] == 0
    assert confidence_bin(np.array([2.0]), np.array([0.100001]))[0] == 0


# --------------------------------------------------------------------------- pseudo p-values


def test_pseudo_p_value_formulas_on_hand_counts():
    counts = PermutationCounts(
        observed=np.zeros(3),
        greater_equal=np.array([0, 999, 600]),
        less_equal=np.array([999, 0, 400]),
        folded=np.array([10, 20, 999]),
        mean=np.zeros(3),
        std=np.ones(3),
        permutations=999,
        seed=None,
    )
    np.testing.assert_allclose(counts.p_values(), [0.002, 0.002, 802 / 1000])
    np.testing.assert_allclose(pseudo_p_values(counts, "greater"), [0.001, 1.0, 0.601])
    np.testing.assert_allclose(pseudo_p_values(counts, "lesser"), [1.0, 0.001, 0.401])
    np.testing.assert_allclose(pseudo_p_values(counts, "directed"), [0.001, 0.001, 0.4])
    np.testing.assert_allclose(pseudo_p_values(counts, "folded"), [0.011, 0.021, 1.0])
    with pytest.raises(ValueError, match="two-sided"):
        counts.p_values("both")


def test_two_sided_p_is_capped_at_one():
    counts = PermutationCounts(
        observed=np.zeros(1),
        greater_equal=np.array([99]),
        less_equal=np.array([99]),
        folded=np.array([99]),
        mean=np.zeros(1),
        std=np.zeros(1),
        permutations=99,
        seed=None,
    )
    assert counts.p_values()[0] == 1.0


# --------------------------------------------------------------------------- sampling


@pytest.mark.parametrize("n", [40, 5000])
def test_draws_are_distinct_other_observations(n):
    """Weights n**m on slot m and values = index: the lag spells the drawn indices in base n."""
    k = 3
    rows = np.repeat(np.arange(n), k)
    cols = (rows + np.tile([1, 2, 3], n)) % n
    data = np.tile([1.0, float(n), float(n) ** 2], n)
    w = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    lags = permuted_lags(w, np.arange(n, dtype=float), permutations=200, seed=11).astype(np.int64)
    digits = np.stack([lags % n, (lags // n) % n, lags // n**2], axis=-1)  # (n, P, 3)
    focal = np.arange(n)[:, None, None]
    assert not np.any(digits == focal), "the focal observation was drawn as its own neighbour"
    srt = np.sort(digits, axis=-1)
    assert not np.any(srt[..., 1:] == srt[..., :-1]), "a value was drawn twice in one sample"


def test_focal_value_is_held_fixed_with_a_self_weight_and_excluded_without():
    n = 30
    y = np.zeros(n)
    y[7] = 1e6
    star = permuted_lags(_ring_weights(n, 4, self_weight=1), y, permutations=500, seed=2)
    assert np.all(star[7] == 1e6)  # the focal value is always in, and nothing else is large
    plain = permuted_lags(_ring_weights(n, 4), y, permutations=500, seed=2)
    assert np.all(plain[7] == 0)  # never drawn for itself
    # any other observation draws the big value in about 4 / 29 of permutations
    share = (plain[np.arange(n) != 7] > 0).mean()
    assert abs(share - 4 / 29) < 0.02


def test_permuted_lag_moments_match_sampling_without_replacement():
    """Mean and variance of a weighted sum of draws without replacement from the others."""
    rng = np.random.default_rng(5)
    n, permutations = 25, 20000
    y = rng.gamma(2.0, 3.0, n)
    dense = np.zeros((n, n))
    for i in range(n):
        nbrs = rng.choice(np.delete(np.arange(n), i), size=rng.integers(1, 7), replace=False)
        dense[i, nbrs] = rng.uniform(0.2, 2.0, nbrs.size)
    dense[np.arange(n), np.arange(n)] = rng.uniform(0, 1, n)
    lags = permuted_lags(sp.csr_matrix(dense), y, permutations=permutations, seed=9)
    for i in range(n):
        others = np.delete(y, i)
        a = np.delete(dense[i], i)
        a = a[a > 0]
        big_n, sigma2 = others.size, others.var()
        mean = dense[i, i] * y[i] + a.sum() * others.mean()
        var = sigma2 * (np.sum(a**2) - (a.sum() ** 2 - np.sum(a**2)) / (big_n - 1))
        se = np.sqrt(var / permutations)
        assert abs(lags[i].mean() - mean) < 5 * se
        assert lags[i].var() == pytest.approx(var, rel=0.08)


def test_same_seed_same_result_and_input_weights_untouched():
    w = _ring_weights(200, 5, self_weight=1)
    before = w.copy()
    y = np.random.default_rng(1).poisson(3, 200).astype(float)
    a = permuted_lags(w, y, permutations=50, seed=4)
    b = permuted_lags(w, y, permutations=50, seed=4)
    c = permuted_lags(w, y, permutations=50, seed=5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert (w != before).nnz == 0


def test_chunks_cover_every_row_once():
    w = _ring_weights(103, 2)
    y = np.arange(103.0)
    seen = np.concatenate(
        [rows for rows, _ in iter_permuted_lags(w, y, permutations=7, seed=0, chunk_size=10)]
    )
    np.testing.assert_array_equal(seen, np.arange(103))


def test_counts_agree_with_the_lags_they_summarise():
    n, permutations = 300, 199
    w = _ring_weights(n, 6, self_weight=1)
    rng = np.random.default_rng(2)
    y = rng.normal(size=n)
    x = rng.normal(size=n)

    def stat(lag, rows):
        return x[rows, None] * lag

    counts = permutation_test(
        w, y, permutations=permutations, seed=3, statistic=stat, chunk_size=64
    )
    sims = x[:, None] * permuted_lags(w, y, permutations=permutations, seed=3, chunk_size=64)
    observed = x * (w @ y)
    np.testing.assert_allclose(counts.observed, observed, rtol=1e-12)
    np.testing.assert_array_equal(counts.greater_equal, (sims >= observed[:, None]).sum(1))
    np.testing.assert_array_equal(counts.less_equal, (sims <= observed[:, None]).sum(1))
    mu = sims.mean(1, keepdims=True)
    folded = (np.abs(sims - mu) >= np.abs(observed[:, None] - mu)).sum(1)
    np.testing.assert_array_equal(counts.folded, folded)
    np.testing.assert_allclose(counts.std, sims.std(1), rtol=1e-10)


def test_two_sided_pseudo_p_values_are_uniform_under_the_null():
    n = 2000
    w = _ring_weights(n, 8, self_weight=1)
    y = np.random.default_rng(7).poisson(2.0, n).astype(float)
    p = permutation_test(w, y, permutations=199, seed=8).p_values("two-sided")
    # valid test: rejection rate at most alpha (ties in counts make it conservative)
    for alpha in (0.05, 0.1):
        assert (p <= alpha).mean() <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / n)
    assert (p <= 0.1).mean() > 0.05


def test_islands_and_fully_connected_rows_are_never_significant():
    # observation 0 has no neighbours; observation 1 is linked to everyone else
    n = 12
    dense = np.eye(n)
    dense[1, :] = 1
    y = np.arange(n, dtype=float) ** 2
    counts = permutation_test(sp.csr_matrix(dense), y, permutations=99, seed=1)
    assert counts.p_values()[0] == 1.0
    assert counts.p_values()[1] == 1.0


def test_bad_inputs_are_reported():
    w = _ring_weights(5, 1)
    with pytest.raises(ValueError, match="5 values|are 5 x 5"):
        permutation_test(w, np.ones(4), permutations=9)
    with pytest.raises(ValueError, match="NaN"):
        permutation_test(w, np.array([1, 2, np.nan, 3, 4]), permutations=9)
    with pytest.raises(ValueError, match="at least 1"):
        permutation_test(w, np.ones(5), permutations=0)


def test_fast_mode_gives_the_same_counts_without_moments():
    w = _ring_weights(500, 6, self_weight=1)
    y = np.random.default_rng(3).poisson(2.0, 500).astype(float)
    full = permutation_test(w, y, permutations=99, seed=1)
    fast = permutation_test(w, y, permutations=99, seed=1, moments=False)
    np.testing.assert_array_equal(fast.greater_equal, full.greater_equal)
    np.testing.assert_array_equal(fast.less_equal, full.less_equal)
    np.testing.assert_array_equal(fast.p_values("directed"), full.p_values("directed"))
    assert fast.folded is None and fast.std is None
    with pytest.raises(ValueError, match="moments=True"):
        fast.p_values("folded")
    with pytest.raises(ValueError, match="moments=True"):
        _ = fast.z_sim
    assert np.isfinite(full.z_sim[full.std > 0]).all()


@pytest.mark.parametrize(("n", "size"), [(400, 9), (40, 9), (5000, 60)])
def test_every_sampling_route_draws_distinct_uniform_indices(n, size):
    from hotspot.analysis.permutation import _draw_distinct

    ids = _draw_distinct(np.random.default_rng(0), n, size, 3000)
    assert ids.shape == (3000, size)
    assert ids.min() >= 0 and ids.max() < n
    srt = np.sort(ids, axis=1)
    assert not np.any(srt[:, 1:] == srt[:, :-1])
    # the first slot is uniform over range(n): compare its mean with (n - 1) / 2
    se = np.sqrt((n**2 - 1) / 12 / 3000)
    assert abs(ids[:, 0].mean() - (n - 1) / 2) < 5 * se


# --------------------------------------------------------------------------- power


@pytest.mark.parametrize(
    ("tests", "permutations", "level", "fdr", "smallest", "needed"),
    [
        (3760, 999, 0.10, True, 0.002, 76),  # Lewisham's grid with the old README example
        (175, 999, 0.05, True, 0.002, 7),  # Lewisham's LSOAs with 999 permutations
        (175, 9999, 0.05, True, 0.0002, 1),
        (175, 999, 0.05, False, 0.002, 1),
        (175, 19, 0.05, False, 0.1, 176),  # 2/20 > 0.05: nothing can ever be significant
        (100, 0, 0.05, True, 0.0, 1),  # analytical: no limit from permutations
    ],
)
def test_power_is_the_benjamini_hochberg_arithmetic(
    tests, permutations, level, fdr, smallest, needed
):
    from hotspot.analysis.permutation_power import power

    p = power(tests, permutations, level, fdr=fdr)
    assert p.smallest_p == pytest.approx(smallest)
    assert p.needed == needed
    assert p.alone == (needed == 1) and p.possible == (needed <= tests)


def test_power_needed_agrees_with_fdr_bh_on_the_smallest_p_values():
    """``needed`` tests at the smallest p-value are called by BH; one fewer are not."""
    from hotspot.analysis.permutation_power import power

    m, perms, level = 400, 999, 0.10
    p = power(m, perms, level, fdr=True)
    for k, called in ((p.needed, True), (p.needed - 1, False)):
        pv = np.full(m, 1.0)
        pv[:k] = p.smallest_p
        q = fdr_bh(pv)
        assert bool((q[:k] <= level).all()) is called


def test_permutations_needed_lets_one_test_alone_reach_the_level():
    from hotspot.analysis.permutation_power import permutations_needed, power

    for m, level in ((175, 0.05), (1000, 0.10), (50, 0.01)):
        n = permutations_needed(m, level, fdr=True)
        assert power(m, n, level, fdr=True).alone
        assert n in (999, 1999, 4999, 9999, 19999, 49999, 99999) or n > 99999


def test_power_advice_offers_what_would_work_with_the_numbers():
    from hotspot.analysis.permutation_power import power

    text = power(175, 999, 0.05, fdr=True).advice("LSOAs")
    assert "smallest possible p-value is 0.002" in text
    assert "at least 7 LSOAs reach that smallest p-value together" in text
    assert "9,999 permutations (enough for one LSOA alone)" in text
    assert "no FDR correction" in text and "analytical" not in text  # no analytical test here
    assert power(175, 9999, 0.05, fdr=True).advice("LSOAs") == ""
