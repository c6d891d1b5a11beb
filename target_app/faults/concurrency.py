"""§6 Concurrency: writes that race when they come at once."""

from __future__ import annotations

import asyncio

from target_app.faults.store_and_auth import FaultyStore, store_fault
from target_app.models import Item, ItemCreate, ItemPatch


@store_fault("create-race", ("CONC-CREATE",), "concurrent creates can get the same id: read, await, then write")
class _CreateRace(FaultyStore):
    async def create(self, data: ItemCreate) -> Item:
        next_id = self._last_id + 1
        await asyncio.sleep(0.002)  # e.g. a round trip to the database between read and write
        self._last_id = next_id
        item = Item(id=next_id, **data.model_dump())
        self._items[next_id] = item
        return item


@store_fault(
    "patch-interleaves", ("CONC-UPDATE",), "PATCH writes member by member without a lock, so patches interleave"
)
class _PatchInterleaves(FaultyStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        for member, value in patch.model_dump(exclude_unset=True).items():
            current = await self.clean.get(self, item_id)
            if current is None:
                return None
            self._items[item_id] = current.model_copy(update={member: value})
            await asyncio.sleep(0.001)  # one UPDATE statement per member, no transaction
        return await self.clean.get(self, item_id)


@store_fault(
    "patch-lost-update",
    ("CONC-UPDATE",),
    "PATCH reads the item, awaits, then writes it whole: a concurrent patch of other members is lost",
)
class _PatchLostUpdate(FaultyStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        current = await self.clean.get(self, item_id)
        if current is None:
            return None
        await asyncio.sleep(0.001)  # read, then write back the whole row: no lock, no version check
        item = current.model_copy(update=patch.model_dump(exclude_unset=True))
        self._items[item_id] = item
        return item


RECOUNT_SECONDS = 0.02
"""How long a count takes, a write's recount as a list's: the window around a write in which a list counts 0."""


@store_fault(
    "list-total-zero-during-writes",
    ("LIST-TOTAL",),
    "`total` comes from a cached count that each write drops and recounts after its commit: a list that overlaps "
    "any write counts 0, while serial requests always see the count",
)
class _TotalZeroDuringWrites(FaultyStore):
    _recounting = 0
    _writes = 0

    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        items, total = await super().page(offset, limit)
        writes, dropped = self._writes, self._recounting > 0
        await asyncio.sleep(RECOUNT_SECONDS)  # the count query, after the page's
        # The cached count was dropped before the list or while it waited, or is being recounted: none to give.
        return items, 0 if dropped or self._recounting or self._writes != writes else total

    async def _recount(self) -> None:
        self._recounting += 1
        self._writes += 1
        try:
            await asyncio.sleep(RECOUNT_SECONDS)  # e.g. SELECT count(*) after the write, behind a cache
        finally:
            self._recounting -= 1

    async def create(self, data: ItemCreate) -> Item:
        item = await super().create(data)
        await self._recount()
        return item

    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        item = await super().replace(item_id, data)
        await self._recount()
        return item

    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        item = await super().update(item_id, patch)
        await self._recount()
        return item

    async def delete(self, item_id: int) -> bool:
        deleted = await super().delete(item_id)
        await self._recount()
        return deleted
