"""The server's byte-bounded cache and what it measures: ``ByteCache`` keeps values, least
recently used evicted first, until their measured sizes (``measured_bytes``: the arrays,
tables and text a value holds) fit its budget. The server's process keeps documents and
rendered pages in one; each worker process keeps its recent runs and briefs in another."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import polars as pl

from scomm.errors import UserError

#: 512 MiB (SCOMM_CACHE_BYTES overrides): the documents and pages the server's process keeps.
DEFAULT_CACHE_BYTES = 512 << 20
CACHE_ENV = "SCOMM_CACHE_BYTES"
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"([0-9]+)([KMGTkmgt])?(?:i?B)?")


def _libc_trim() -> Callable[[], None]:
    """glibc's ``malloc_trim(0)``, or a no-op elsewhere. Worker threads each get a malloc
    arena; without a trim, memory freed by an evicted or finished run stays in the process
    (the server's resident size grew by the freed runs, not by what the cache holds)."""
    name = ctypes.util.find_library("c")
    with contextlib.suppress(OSError, AttributeError, TypeError):
        trim = ctypes.CDLL(name).malloc_trim  # ctypes releases the GIL during the call
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int

        def release() -> None:
            trim(0)

        return release
    return lambda: None


release_free_memory = _libc_trim()


def cache_bytes_from(
    text: str | None, field: str = CACHE_ENV, default: int = DEFAULT_CACHE_BYTES
) -> int:
    """A byte budget from text such as ``2147483648``, ``512M`` or ``2GiB`` (binary units);
    None or empty: ``default``."""
    if not text:
        return default
    m = _SIZE.fullmatch(text)
    if m is None:
        raise UserError(f"{field}: {text!r} is not a size; expected bytes, e.g. 2G or 536870912")
    return int(m.group(1)) * _UNITS[(m.group(2) or "").upper()]


def _array_bytes(a: np.ndarray, seen: set[int]) -> int:
    """An array's buffer, counted once however many views share it."""
    base = a
    while isinstance(base.base, np.ndarray):
        base = base.base
    if id(base) in seen:
        return 0
    seen.add(id(base))
    return int(base.nbytes)


def _children(obj: Any) -> list[Any]:
    """What a container or dataclass holds (nothing for any other object)."""
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, list | tuple | set | frozenset):
        return list(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    return []


def measured_bytes(obj: Any, seen: set[int] | None = None) -> int:
    """The memory a cached value holds: NumPy buffers (each once), Polars frames, text, and
    the containers and dataclasses around them, walked recursively."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    if isinstance(obj, np.ndarray):
        return _array_bytes(obj, seen)
    seen.add(id(obj))
    if isinstance(obj, pl.DataFrame | pl.Series):
        return int(obj.estimated_size())
    if isinstance(obj, str | bytes):
        return sys.getsizeof(obj)
    return sys.getsizeof(obj) + sum(measured_bytes(c, seen) for c in _children(obj))


class ByteCache:
    """Least-recently-used values, evicted until their measured sizes fit ``max_bytes``.
    Thread-safe. A value larger than the whole budget is not kept."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.evictions = 0

    def lookup(self, key: Hashable) -> tuple[bool, Any]:
        """(True, value) when ``key`` is cached (now the most recent), else (False, None)."""
        with self._lock:
            if key not in self._entries:
                return False, None
            self._entries.move_to_end(key)
            return True, self._entries[key][0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value`` (``size`` bytes), evicting the least recently used to fit."""
        with self._lock:
            if key in self._entries:
                self.bytes -= self._entries.pop(key)[1]
            if size > self.max_bytes:
                return
            while self._entries and self.bytes + size > self.max_bytes:
                self.bytes -= self._entries.popitem(last=False)[1][1]
                self.evictions += 1
            self._entries[key] = (value, size)
            self.bytes += size

    def __len__(self) -> int:
        return len(self._entries)

    def order(self) -> list[Hashable]:
        """Cached keys, least recently used first."""
        with self._lock:
            return list(self._entries)
