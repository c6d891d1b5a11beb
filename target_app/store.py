"""In-memory item storage, safe under concurrent requests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from target_app.models import Item, ItemCreate, ItemPatch


class ItemStore:
    """Items keyed by id; ids come from a counter, so they are never reused (ITEM-ID-UNIQUE).

    Ids only grow and dicts keep insertion order, so iteration is in ascending id order. The
    methods are coroutines, as a database-backed store's would be; none awaits while it reads and
    writes, and the lock covers callers from other threads, so each operation is atomic.
    """

    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._last_id = 0
        self._lock = threading.Lock()

    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        with self._lock:
            items = list(self._items.values())
        return items[offset : offset + limit], len(items)

    async def get(self, item_id: int) -> Item | None:
        return self._items.get(item_id)

    async def create(self, data: ItemCreate) -> Item:
        with self._lock:
            self._last_id += 1
            item = Item(id=self._last_id, **data.model_dump())
            self._items[item.id] = item
            return item

    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        return await self._change(item_id, lambda _: data.model_dump())

    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        return await self._change(item_id, lambda current: {**current, **patch.model_dump(exclude_unset=True)})

    async def delete(self, item_id: int) -> bool:
        with self._lock:
            return self._items.pop(item_id, None) is not None

    async def _change(self, item_id: int, new_members: Callable[[dict[str, object]], dict[str, object]]) -> Item | None:
        with self._lock:
            current = self._items.get(item_id)
            if current is None:
                return None
            members = new_members(current.model_dump(exclude={"id"}))
            item = Item(id=item_id, **members)
            self._items[item_id] = item
            return item
