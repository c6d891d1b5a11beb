"""Deliberate, realistic implementation bugs, one per name, for proving that the suites catch them.

Each fault swaps one seam of the app (store, auth, error handling, middleware) and names the
requirements it violates. The clean app never imports this module unless a fault is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from litestar import Request, Response
from litestar.exceptions import HTTPException

from target_app.app import AppParts
from target_app.auth import BearerAuth
from target_app.errors import UnprocessableBody, http_exception_to_problem
from target_app.models import Item, ItemPatch
from target_app.store import ItemStore


@dataclass(frozen=True)
class Fault:
    name: str
    violates: tuple[str, ...]
    description: str
    inject: Callable[[AppParts], None]


FAULTS: dict[str, Fault] = {}


def fault(name: str, violates: tuple[str, ...], description: str) -> Callable[[Callable[[AppParts], None]], None]:
    def register(inject: Callable[[AppParts], None]) -> None:
        FAULTS[name] = Fault(name, violates, description, inject)

    return register


def inject(parts: AppParts, names: Iterable[str]) -> None:
    for name in names:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(FAULTS))}")
        FAULTS[name].inject(parts)


def _swap_store(parts: AppParts, store_class: type[ItemStore]) -> None:
    parts.store = store_class()


# --- Authentication -------------------------------------------------------------------------------


class _AnyBearerToken(BearerAuth):
    def accepts(self, authorization: str | None) -> bool:
        return bool(authorization) and authorization.lower().startswith("bearer ")


@fault("auth-any-token", ("AUTH-INVALID",), "any bearer token is accepted, configured or not")
def _auth_any_token(parts: AppParts) -> None:
    parts.auth = _AnyBearerToken(())


# --- List -----------------------------------------------------------------------------------------


class _TotalCountsPage(ItemStore):
    def page(self, offset: int, limit: int) -> tuple[list[Item], int]:
        items, _ = super().page(offset, limit)
        return items, len(items)


@fault("list-total-counts-page", ("LIST-TOTAL",), "`total` is the size of the page, not of the collection")
def _list_total_counts_page(parts: AppParts) -> None:
    _swap_store(parts, _TotalCountsPage)


# --- Update ---------------------------------------------------------------------------------------


class _PatchResetsDescription(ItemStore):
    def update(self, item_id: int, patch: ItemPatch) -> Item | None:
        if "description" not in patch.model_fields_set:
            patch = patch.model_copy(update={"description": None})
        return super().update(item_id, patch)


@fault("patch-resets-description", ("UPDATE-200",), "PATCH treats an absent description as null, like PUT")
def _patch_resets_description(parts: AppParts) -> None:
    _swap_store(parts, _PatchResetsDescription)


# --- Delete ---------------------------------------------------------------------------------------


class _DeleteKeepsItem(ItemStore):
    def delete(self, item_id: int) -> bool:
        return self.get(item_id) is not None


@fault("delete-keeps-item", ("DELETE-GONE",), "DELETE answers 204 but the item stays")
def _delete_keeps_item(parts: AppParts) -> None:
    _swap_store(parts, _DeleteKeepsItem)


# --- Validation -----------------------------------------------------------------------------------


def _unprocessable_as_400(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, UnprocessableBody):
        exc.status_code = 400
    return http_exception_to_problem(request, exc)


@fault("validation-400", ("VALID-422",), "schema-invalid bodies get 400 instead of 422")
def _validation_400(parts: AppParts) -> None:
    parts.exception_handlers[HTTPException] = _unprocessable_as_400
