"""§3.1 List: the page's window, order, total and parameters."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from litestar import Response
from litestar.types import Scope

from target_app.errors import problem_response
from target_app.faults.registry import fault
from target_app.faults.seams import Headers, edit_list_queries, edit_requests, is_request, json_response, response_fault
from target_app.faults.store_and_auth import FaultyStore, store_fault
from target_app.models import Item, ItemCreate, ItemPatch
from target_app.parts import AppParts


@store_fault("list-offset-off-by-one", ("LIST-WINDOW",), "the page starts one item after `offset`")
class _OffsetOffByOne(FaultyStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        return await super().page(offset + 1, limit)


PAGE_CAP = 50


@store_fault(
    "list-capped-at-50",
    ("LIST-WINDOW",),
    f"pages silently stop at {PAGE_CAP} items: limit=100 on a longer collection gives {PAGE_CAP}",
)
class _CappedAt50(FaultyStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        return await super().page(offset, min(limit, PAGE_CAP))


@store_fault(
    "list-past-end-gives-last-page",
    ("LIST-WINDOW",),
    "an offset at or past the end is moved back to give the last page instead of an empty one",
)
class _PastEndGivesLastPage(FaultyStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        total = len(self._items)
        return await super().page(max(0, total - limit) if offset >= total else offset, limit)


@store_fault("list-total-counts-page", ("LIST-TOTAL",), "`total` is the size of the page, not of the collection")
class _TotalCountsPage(FaultyStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        items, _ = await super().page(offset, limit)
        return items, len(items)


@store_fault("list-newest-first", ("LIST-ORDER",), "items are listed newest first (descending ids)")
class _NewestFirst(FaultyStore):
    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        items, total = await super().page(0, len(self._items))
        return items[::-1][offset : offset + limit], total


@store_fault(
    "list-keeps-deleted-middle",
    ("DELETE-GONE",),
    "the list is served from an index kept beside the items, which a delete trims only at its end: an item "
    "deleted from the middle of the list stays listed and counted",
)
class _KeepsDeletedMiddle(FaultyStore):
    _index: dict[int, Item] | None = None

    def _listed(self) -> dict[int, Item]:
        if self._index is None:
            self._index = dict(self._items)
        return self._index

    async def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        listed = list(self._listed().values())
        return listed[offset : offset + limit], len(listed)

    async def create(self, data: ItemCreate) -> Item:
        item = await super().create(data)
        self._listed()[item.id] = item
        return item

    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        return self._relist(await super().replace(item_id, data))

    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        return self._relist(await super().update(item_id, patch))

    def _relist(self, item: Item | None) -> Item | None:
        if item is not None:
            self._listed()[item.id] = item
        return item

    async def delete(self, item_id: int) -> bool:
        listed = self._listed()
        if item_id == max(listed, default=None):  # trimmed like a stack: only the newest entry comes off
            listed.pop(item_id)
        return await super().delete(item_id)


@fault("list-default-limit-20", ("LIST-DEFAULTS",), "without `limit`, pages hold 20 items instead of 10")
def _list_default_limit_20(parts: AppParts) -> None:
    edit_list_queries(parts, lambda query: query.setdefault("limit", "20"))


@fault("list-unknown-parameter-400", ("LIST-200",), "a query parameter other than limit and offset is refused with 400")
def _list_unknown_parameter_400(parts: AppParts) -> None:
    def strict(scope: Scope, body: bytes) -> Response | None:
        names = {name for name, _ in parse_qsl(scope["query_string"].decode(), keep_blank_values=True)}
        if is_request(scope, "GET", "/items") and names - {"limit", "offset"}:
            return problem_response(400, "unknown query parameter")
        return None

    edit_requests(parts, strict)


@fault(
    "list-offset-needs-limit",
    ("LIST-WINDOW", "LIST-PARAMS-400"),
    "`offset` is applied only together with `limit` (an OFFSET only after a LIMIT)",
)
def _list_offset_needs_limit(parts: AppParts) -> None:
    edit_list_queries(parts, lambda query: query.pop("offset", None) if "limit" not in query else None)


@fault("list-params-clamped", ("LIST-PARAMS-400",), "an out-of-range limit or offset is clamped instead of refused")
def _list_params_clamped(parts: AppParts) -> None:
    def clamp(query: dict[str, str]) -> None:
        for name, low, high in (("limit", 1, 100), ("offset", 0, 10**9)):
            if re.fullmatch(r"-?\d+", query.get(name, "x")):
                query[name] = str(min(max(int(query[name]), low), high))

    edit_list_queries(parts, clamp)


@response_fault(
    "list-params-422", ("LIST-PARAMS-400", "GEN-DOCUMENTED"), "a bad limit or offset gets 422 instead of 400"
)
def _list_params_422(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return (422 if status == 400 and is_request(scope, "GET", "/items") else status), headers, body


@response_fault("list-items-renamed", ("LIST-200",), "the page holds its items under 'data' instead of 'items'")
def _list_items_renamed(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status != 200 or not is_request(scope, "GET", "/items"):
        return status, headers, body
    page = json.loads(body)
    return json_response(200, headers, {"data": page["items"], "total": page["total"]})
