"""Counter-based random numbers: uniform, independent, and a pure function of the key."""

from __future__ import annotations

import numpy as np
from scipy import stats

from scomm.rng import KeyedDraws, Stage, entity_keys, uniforms


def test_uniforms_are_uniform():
    u = uniforms(0, Stage.MATCH, np.arange(200_000, dtype=np.uint64))
    assert stats.kstest(u, "uniform").pvalue > 0.001
    assert u.min() >= 0.0 and u.max() < 1.0


def test_stages_and_seeds_give_independent_streams():
    keys = np.arange(100_000, dtype=np.uint64)
    a, b = uniforms(0, Stage.MATCH, keys), uniforms(0, Stage.DETAINER, keys)
    c = uniforms(1, Stage.MATCH, keys)
    for x, y in ((a, b), (a, c), (a[:-1], a[1:])):
        assert abs(np.corrcoef(x, y)[0, 1]) < 0.02


def test_a_draw_depends_only_on_its_key_not_on_the_batch():
    keys = entity_keys(np.full(1000, 130), np.arange(1000) % 50, np.arange(1000))
    whole = uniforms(7, Stage.LEVEL, keys)
    pieces = np.concatenate([uniforms(7, Stage.LEVEL, k) for k in np.array_split(keys, 7)])
    shuffled = np.random.default_rng(0).permutation(len(keys))
    assert np.array_equal(whole, pieces)
    assert np.array_equal(whole[shuffled], uniforms(7, Stage.LEVEL, keys[shuffled]))


def test_entity_keys_are_distinct_across_months_counties_and_bookings():
    m, c, i = np.meshgrid(np.arange(3), np.arange(4), np.arange(5), indexing="ij")
    keys = entity_keys(m.ravel(), c.ravel(), i.ravel())
    assert len(np.unique(keys)) == keys.size


def test_seeds_use_all_64_bits():
    """Seeds that agree in their low 32 bits still give different streams."""
    keys = np.arange(1000, dtype=np.uint64)
    assert not np.array_equal(uniforms(0, Stage.MATCH, keys), uniforms(2**32, Stage.MATCH, keys))


def test_keyed_draws_equal_one_off_uniforms():
    keys = np.arange(5000, dtype=np.uint64) * np.uint64(7919)
    draws = KeyedDraws(3, keys)
    for stage in (Stage.MATCH, Stage.LEVEL, Stage.REMOVAL):
        assert np.array_equal(draws.uniform(stage), uniforms(3, stage, keys))
