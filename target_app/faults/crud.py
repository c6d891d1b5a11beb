"""§3.2 to §3.6: create, read, replace, update and delete one item."""

from __future__ import annotations

from typing import Any

from litestar.types import Scope

from target_app.errors import UnprocessableBody
from target_app.faults.registry import fault
from target_app.faults.seams import Headers, body_fault, edit_responses, response_fault, restatus, without
from target_app.faults.store_and_auth import FaultyStore, store_fault
from target_app.models import FieldError, Item, ItemCreate, ItemPatch
from target_app.parts import AppParts

# --- §3.2 Create ----------------------------------------------------------------------------------


@fault("create-200", ("CREATE-201",), "a create answers 200 instead of 201")
def _create_200(parts: AppParts) -> None:
    edit_responses(parts, restatus("POST", "/items", 201, 200))


@response_fault("create-no-location", ("CREATE-LOCATION",), "the 201 has no Location header")
def _create_no_location(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, without(headers, b"location"), body


@store_fault("create-not-stored", ("CREATE-READBACK",), "a create answers 201 but the item is never stored")
class _CreateNotStored(FaultyStore):
    async def create(self, data: ItemCreate) -> Item:
        item = await super().create(data)
        await self.clean.delete(self, item.id)  # e.g. a transaction never committed
        return item


# --- §3.3 Read ------------------------------------------------------------------------------------


@fault("read-missing-200-null", ("READ-404",), "reading a missing id answers 200 with null")
def _read_missing_200_null(parts: AppParts) -> None:
    edit_responses(parts, restatus("GET", "item", 404, 200, b"null"))


@store_fault("read-drops-description", ("READ-200",), "GET /items/{id} returns the item without its description")
class _ReadDropsDescription(FaultyStore):
    async def get(self, item_id: int) -> Item | None:
        item = await super().get(item_id)
        return item.model_copy(update={"description": None}) if item else None


# --- §3.4 Replace ---------------------------------------------------------------------------------


@store_fault("put-upserts", ("REPLACE-404",), "PUT to a missing id creates the item (upsert)")
class _PutUpserts(FaultyStore):
    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        if await self.clean.get(self, item_id) is None:
            self._items[item_id] = Item(id=item_id, **data.model_dump())
        return await super().replace(item_id, data)


@store_fault("put-keeps-description", ("REPLACE-200",), "PUT merges like PATCH: an absent description is kept")
class _PutMerges(FaultyStore):
    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        return await self.clean.update(self, item_id, ItemPatch(**data.model_dump(exclude_unset=True)))


@store_fault(
    "put-returns-previous", ("REPLACE-200", "REPLACE-IDEMPOTENT"), "PUT answers with the item as it was before"
)
class _PutReturnsPrevious(FaultyStore):
    async def replace(self, item_id: int, data: ItemCreate) -> Item | None:
        previous = await self.clean.get(self, item_id)
        await super().replace(item_id, data)
        return previous


# --- §3.5 Update ----------------------------------------------------------------------------------


@store_fault("patch-resets-description", ("UPDATE-200",), "PATCH treats an absent description as null, like PUT")
class _PatchResetsDescription(FaultyStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        if "description" not in patch.model_fields_set:
            patch = patch.model_copy(update={"description": None})
        return await super().update(item_id, patch)


@store_fault("patch-empty-refused", ("UPDATE-EMPTY",), "an empty patch {} is refused with 422")
class _EmptyPatchRefused(FaultyStore):
    async def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        if not patch.model_fields_set:
            raise UnprocessableBody([FieldError(field="(body)", message="nothing to update")])
        return await super().update(item_id, patch)


@fault(
    "read-missing-400",
    ("READ-404", "DELETE-GONE"),
    "reading an id that does not exist answers 400 ('invalid id') instead of 404",
)
def _read_missing_400(parts: AppParts) -> None:
    edit_responses(parts, restatus("GET", "item", 404, 400))


@body_fault(
    "patch-null-description-ignored",
    ("UPDATE-200",),
    "description: null in a patch is dropped like an absent member (nulls excluded), so it never clears",
    method="PATCH",
)
def _patch_null_description_ignored(document: dict[str, Any]) -> None:
    if "description" in document and document["description"] is None:
        del document["description"]


@fault("patch-missing-204", ("UPDATE-404",), "PATCH of a missing id answers 204 instead of 404")
def _patch_missing_204(parts: AppParts) -> None:
    edit_responses(parts, restatus("PATCH", "item", 404, 204, b""))


@body_fault(
    "patch-null-ignored",
    ("UPDATE-NULL-REQUIRED",),
    "name: null or price: null in a patch is ignored, not refused",
    method="PATCH",
)
def _patch_null_ignored(document: dict[str, Any]) -> None:
    for member in ("name", "price"):
        if member in document and document[member] is None:
            del document[member]


# --- §3.6 Delete ----------------------------------------------------------------------------------


@store_fault("delete-keeps-item", ("DELETE-GONE",), "DELETE answers 204 but the item stays")
class _DeleteKeepsItem(FaultyStore):
    async def delete(self, item_id: int) -> bool:
        return await self.clean.get(self, item_id) is not None


@fault("delete-200-with-body", ("DELETE-204",), "DELETE answers 200 with a body instead of 204")
def _delete_200_with_body(parts: AppParts) -> None:
    edit_responses(parts, restatus("DELETE", "item", 204, 200, b'{"deleted": true}'))


@fault("delete-missing-204", ("DELETE-404",), 'DELETE of a missing id answers 204 ("idempotent" delete)')
def _delete_missing_204(parts: AppParts) -> None:
    edit_responses(parts, restatus("DELETE", "item", 404, 204, b""))
