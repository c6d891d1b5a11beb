"""The requirements the running test cites: what a `verify_…` call judges when it names none.

A plain module value, not a context variable: the concurrency tests judge responses in worker threads,
which a context variable does not reach. Tests in one process run one at a time (xdist runs processes).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_cited: tuple[str, ...] = ()


@contextmanager
def citing(requirements: tuple[str, ...]) -> Iterator[None]:
    """While a test runs: the requirements its markers cite."""
    global _cited
    previous, _cited = _cited, requirements
    try:
        yield
    finally:
        _cited = previous


def cited() -> tuple[str, ...]:
    return _cited
