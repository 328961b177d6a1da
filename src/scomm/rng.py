"""Counter-based random numbers keyed by (seed, stream, entity).

Every uniform is a pure function of its key, so a booking's draw in a stream is the
same whatever the chunking, the worker count, or the scenario: counterfactuals run on
common random numbers and differ from the baseline only where a rule differs.

A *stream* is one named source of uniforms (``Stream``); a pipeline stage draws from one
(rules/pipeline.py says which), a few metrics, scenario mechanisms and the bookings model's
posterior draws (scomm.bookings.model) draw from their own.
Stream ids are part of the generator's key, not stage numbers: they never change, so
every random number stays the same when stages are added or reordered.

The generator is SplitMix64 used as a counter-based generator (Steele, Lea & Flood,
"Fast splittable pseudorandom number generators", OOPSLA 2014): the uniform for an
entity key k in the stream of (seed, stream) is the SplitMix64 output at position k of
a sequence whose state starts at a constant derived from (seed, stream). The test-suite
checks uniformity and independence between streams and between neighboring keys.
"""

from __future__ import annotations

import enum

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_TO_UNIT = 2.0**-53


class Stream(enum.IntEnum):
    """The named random streams (their values are part of the generator's key: renaming
    one is free, renumbering one changes every draw made from it)."""

    MATCH = 1
    HISPANIC = 2
    SEX = 3
    LEVEL = 4
    CHARGE = 5
    STATUS_DETERMINATION = 6
    DETAINER = 7
    COMPLIANCE = 8
    TRANSFER = 9
    REMOVAL = 10
    DETENTION_DAYS = 11
    SUMMARY_REMOVAL = 12
    REPRESENTATION = 13
    PRETEXT = 14
    PRETEXT_MATCH = 15
    USC_CHILDREN = 16
    MONITOR = 17  # Monte Carlo paths that calibrate the profiling monitor
    BOOKINGS_COEFFICIENTS = 18  # a posterior draw of the bookings model (scomm.bookings)
    BOOKINGS_COUNTY = 19
    BOOKINGS_STATE = 20
    SCREEN_287G = 21  # identification by 287(g) officers at booking
    SERIOUS_CHARGE = 22
    MAGISTRATE_PC = 23
    SERIOUS_RECORD = 24
    AGGRAVATED_FELONY = 25
    PRIOR_REMOVAL = 26
    ENTRY_WITHOUT_INSPECTION = 27
    LAKEN_RILEY_OFFENSE = 28


def _fmix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer, in place on a uint64 array."""
    tmp = x >> _S30
    x ^= tmp
    x *= _M1
    np.right_shift(x, _S27, out=tmp)
    x ^= tmp
    x *= _M2
    np.right_shift(x, _S31, out=tmp)
    x ^= tmp
    return x


MAX_SEED = 2**64 - 1


def stream_key(seed: int, stream: int) -> np.uint64:
    """The 64-bit constant of a (seed, stream) pair (any seed in 0..2**64-1)."""
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed {seed} outside 0..2**64-1")
    s = np.array([seed], dtype=np.uint64)
    with np.errstate(over="ignore"):
        s = _fmix(s * _GOLDEN + np.uint64(stream & 0xFF))
        return _fmix(s + _GOLDEN)[0]


def uniforms(seed: int, stream: int, keys: np.ndarray) -> np.ndarray:
    """One uniform in [0, 1) per entity key (uint64), for this seed and stream."""
    return KeyedDraws(seed, keys).uniform(stream)


class KeyedDraws:
    """Uniforms for a fixed set of entity keys in several streams: the keys are scaled
    once, each stream then costs one addition and one finalization per entity."""

    def __init__(self, seed: int, keys: np.ndarray) -> None:
        self.seed = seed
        self._scaled = np.array(keys, dtype=np.uint64, copy=True)
        with np.errstate(over="ignore"):
            self._scaled *= _GOLDEN

    def uniform(self, stream: int) -> np.ndarray:
        """One uniform in [0, 1) per key in ``stream``."""
        x = self._scaled + stream_key(self.seed, stream)
        with np.errstate(over="ignore"):
            _fmix(x)
        x >>= np.uint64(11)
        out = x.astype(np.float64)
        out *= _TO_UNIT
        return out


# Entity keys: (month index, county index, booking index) packed into 64 bits.
MONTH_BITS, COUNTY_BITS, INDEX_BITS = 12, 12, 40


def entity_keys(month: np.ndarray, county: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Pack (month index, county index, booking index within the county-month) into uint64."""
    m = np.asarray(month, dtype=np.uint64) << np.uint64(COUNTY_BITS + INDEX_BITS)
    c = np.asarray(county, dtype=np.uint64) << np.uint64(INDEX_BITS)
    return m | c | np.asarray(index, dtype=np.uint64)


def split_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (month index, county index, booking index) packed into each entity key."""
    k = np.asarray(keys, dtype=np.uint64)
    month = k >> np.uint64(COUNTY_BITS + INDEX_BITS)
    county = (k >> np.uint64(INDEX_BITS)) & np.uint64((1 << COUNTY_BITS) - 1)
    index = k & np.uint64((1 << INDEX_BITS) - 1)
    return month.astype(np.int64), county.astype(np.int64), index.astype(np.int64)
