"""The ledger of items this run created, and of ids it proved absent: the only items the suite may change or
delete. Ids are kept by their text (paths.id_key), whatever their type on the server."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from conformance.target.paths import IdValue


class Ledger:
    """Ids the suite created (alive or deleted since), ids it proved absent, and items it must delete right
    after the test that made them (they hold input the contract leaves open, §8).

    An id is proved absent only by two facts a faulty server cannot both get wrong alone: a GET of it answered
    that it does not exist, and the list does not hold it. Thread-safe: concurrency tests write from threads.
    """

    def __init__(self) -> None:
        self._alive: dict[str, IdValue] = {}
        self._deleted: set[str] = set()
        self._missing: set[str] = set()
        self._unlisted: set[str] = set()
        self._own_aliases: set[str] = set()
        self._open_input: dict[str, IdValue] = {}
        self._lock = threading.Lock()

    def created(self, value: IdValue) -> None:
        key = str(value)
        with self._lock:
            self._alive[key] = value
            self._deleted.discard(key)
            self._missing.discard(key)
            self._unlisted.discard(key)

    def deleted(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                if self._alive.pop(key, None) is not None:
                    self._deleted.add(key)
                self._open_input.pop(key, None)

    def answered_missing(self, key: str) -> None:
        """A GET of exactly this id answered 404 (or 400 for a segment that is not an integer)."""
        with self._lock:
            if key not in self._alive:
                self._missing.add(key)

    def unlisted(self, keys: Iterable[str]) -> None:
        """The list, read just now, holds none of these ids."""
        with self._lock:
            self._unlisted.update(key for key in keys if key not in self._alive)

    def seen(self, keys: Iterable[str]) -> None:
        """A GET of these ids answered with an item: whatever was proved absent exists now."""
        with self._lock:
            for key in keys:
                self._missing.discard(key)
                self._unlisted.discard(key)
                self._own_aliases.discard(key)

    def names_own(self, keys: Iterable[str]) -> None:
        """A GET of these ids answered with an item of this run's: the server reads them as that item."""
        with self._lock:
            self._own_aliases.update(keys)

    def mark_open_input(self, keys: Iterable[str]) -> None:
        """Items of this run that a write just filled with §8 input: deleted after the test."""
        with self._lock:
            self._open_input.update({key: self._alive[key] for key in keys if key in self._alive})

    def take_open_input(self) -> list[IdValue]:
        with self._lock:
            taken, self._open_input = list(self._open_input.values()), {}
            return taken

    def may_write(self, keys: Iterable[str]) -> bool:
        """Writes go only to items this run created, or to ids it proved absent."""
        with self._lock:
            return all(self._owns(key) or self._absent(key) for key in keys)

    def owns(self, value: IdValue) -> bool:
        with self._lock:
            return self._owns(str(value))

    def is_alive(self, key: str) -> bool:
        with self._lock:
            return key in self._alive

    def is_missing(self, key: str) -> bool:
        with self._lock:
            return key in self._missing

    def is_absent(self, key: str) -> bool:
        with self._lock:
            return self._absent(key)

    def _owns(self, key: str) -> bool:
        return key in self._alive or key in self._deleted

    def _absent(self, key: str) -> bool:
        return (key in self._missing and key in self._unlisted) or key in self._own_aliases

    def alive(self) -> list[IdValue]:
        with self._lock:
            return [self._alive[key] for key in sorted(self._alive, key=id_order)]

    def known(self) -> frozenset[str]:
        """Every id this run created, deleted since or not."""
        with self._lock:
            return frozenset(self._alive) | frozenset(self._deleted)

    @property
    def created_count(self) -> int:
        with self._lock:
            return len(self._alive) + len(self._deleted)

    @property
    def deleted_count(self) -> int:
        with self._lock:
            return len(self._deleted)


def id_order(key: object) -> tuple[int, int, str]:
    """Integer ids by their value, then string ids by their text: one order for ids of both kinds."""
    text = str(key)
    digits = text.isascii() and text.isdigit()
    return (0, int(text), "") if digits else (1, 0, text)
