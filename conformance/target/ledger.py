"""The ledger of items this run created: the only items the suite may change or delete."""

from __future__ import annotations

import threading


class Ledger:
    """Ids the suite created (alive or deleted since) and ids it proved absent.

    Thread-safe: concurrency tests create items from several threads.
    """

    def __init__(self) -> None:
        self._alive: set[int] = set()
        self._deleted: set[int] = set()
        self._absent: set[int] = set()
        self._lock = threading.Lock()

    def created(self, item_id: int) -> None:
        with self._lock:
            self._alive.add(item_id)
            self._absent.discard(item_id)

    def deleted(self, item_id: int) -> None:
        with self._lock:
            if item_id in self._alive:
                self._alive.discard(item_id)
                self._deleted.add(item_id)

    def proved_absent(self, item_id: int) -> None:
        with self._lock:
            if item_id not in self._alive:
                self._absent.add(item_id)

    def may_write(self, item_id: int) -> bool:
        """Writes go only to items this run created, or to ids it saw answer 404."""
        with self._lock:
            return item_id in self._alive or item_id in self._deleted or item_id in self._absent

    def owns(self, item_id: int) -> bool:
        with self._lock:
            return item_id in self._alive or item_id in self._deleted

    def is_absent(self, item_id: int) -> bool:
        with self._lock:
            return item_id in self._absent

    def alive(self) -> list[int]:
        with self._lock:
            return sorted(self._alive)

    @property
    def created_count(self) -> int:
        with self._lock:
            return len(self._alive) + len(self._deleted)
