"""Bulk work over files of many rows (imports of 100,000 rounds)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration, as it was after.

    A 100,000-row file becomes millions of small objects (cells, rows, tuples), none of
    them in a cycle: the collector ran hundreds of times over them for nothing, half
    the time of reading the file (benchmark, issue 19). Reference counting still frees
    everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
