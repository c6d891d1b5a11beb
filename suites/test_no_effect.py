"""Refused writes change nothing, not even partly: every write operation, for every cause of refusal.

What AUTH-NO-EFFECT (401), VALID-400, VALID-422 and REPLACE-404 say, and what a 404 of PATCH or DELETE and a
400 for a path id mean: the request had no effect. Each refusal is judged on the item the test owns (it reads
back unchanged) and on the collection (no item with the body's name among the newest; the newest items and
the total the same before and after). When the collection changed for another reason, other clients wrote
meanwhile and the measurement is repeated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from conformance.checks.items import NEWEST_WITH_ROOM, Items, quiet_attempts
from conformance.checks.verify import verify_not_created, verify_status, verify_unchanged
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS, item_path


@dataclass(frozen=True)
class Write:
    """What a refused write is about: the test's own item, and a name no item has yet."""

    api: ApiClient
    items: Items
    own: str
    name: str

    def absent(self) -> str:
        return item_path(self.items.absent_id())

    def beside(self) -> str:
        """A segment that starts like the own item's id, once proved absent (a string id may be just that)."""
        return self.items.absent_path(f"{self.own.rsplit('/', 1)[1]}abc")


@dataclass(frozen=True)
class Refusal:
    statuses: frozenset[int]
    requirement: str
    send: Callable[[Write], httpx.Response]


def not_json(**members: Any) -> bytes:
    """A body with a trailing comma: not JSON, though a lenient parser reads its members and stores them."""
    return json.dumps(members)[:-1].encode() + b",}"


def refusal(statuses: int | set[int], requirement: str, send: Callable[[Write], httpx.Response]) -> Refusal:
    return Refusal(frozenset({statuses} if isinstance(statuses, int) else statuses), requirement, send)


REFUSALS: dict[str, Refusal] = {
    "POST-401": refusal(
        401, "AUTH-NO-EFFECT", lambda w: w.api.post(ITEMS, body={"name": w.name, "price": 1}, auth=False)
    ),
    "POST-400": refusal(400, "VALID-400", lambda w: w.api.post(ITEMS, raw=not_json(name=w.name, price=1))),
    "POST-422": refusal(422, "VALID-422", lambda w: w.api.post(ITEMS, body={"name": w.name, "price": -1})),
    "PUT-401": refusal(
        401, "AUTH-NO-EFFECT", lambda w: w.api.put(w.own, body={"name": w.name, "price": 1}, auth=False)
    ),
    "PUT-400": refusal(400, "VALID-400", lambda w: w.api.put(w.own, raw=not_json(name=w.name, price=1))),
    "PUT-404": refusal(404, "REPLACE-404", lambda w: w.api.put(w.absent(), body={"name": w.name, "price": 1})),
    "PUT-422": refusal(422, "VALID-422", lambda w: w.api.put(w.own, body={"name": w.name, "price": -1})),
    "PATCH-401": refusal(401, "AUTH-NO-EFFECT", lambda w: w.api.patch(w.own, body={"name": w.name}, auth=False)),
    "PATCH-400": refusal(400, "VALID-400", lambda w: w.api.patch(w.own, raw=not_json(name=w.name))),
    "PATCH-404": refusal(404, "UPDATE-404", lambda w: w.api.patch(w.absent(), body={"name": w.name})),
    "PATCH-422": refusal(422, "VALID-422", lambda w: w.api.patch(w.own, body={"name": w.name, "price": -1})),
    "DELETE-401": refusal(401, "AUTH-NO-EFFECT", lambda w: w.api.delete(w.own, auth=False)),
    "DELETE-400": refusal({400, 404}, "PATH-ID", lambda w: w.api.delete(w.beside())),
    "DELETE-404": refusal(404, "DELETE-404", lambda w: w.api.delete(w.absent())),
}
UNCHANGED_AFTER_401 = "AUTH-NO-EFFECT.list-and-total-unchanged"
NO_EFFECT_ASSERTS: dict[str, tuple[str, ...]] = {
    "POST-401": ("AUTH-NO-EFFECT.post-stores-nothing", UNCHANGED_AFTER_401),
    "POST-400": ("VALID-400.syntax-error", "VALID-400.nothing-stored-or-changed"),
    "POST-422": ("VALID-422.price-zero", "VALID-422.nothing-stored-or-changed"),
    "PUT-401": ("AUTH-NO-EFFECT.put-changes-nothing", UNCHANGED_AFTER_401),
    "PUT-400": ("VALID-400.syntax-error", "VALID-400.nothing-stored-or-changed"),
    "PUT-404": ("REPLACE-404.missing-id-404", "REPLACE-404.no-upsert"),
    "PUT-422": ("VALID-422.price-zero", "VALID-422.nothing-stored-or-changed"),
    "PATCH-401": ("AUTH-NO-EFFECT.patch-changes-nothing", UNCHANGED_AFTER_401),
    "PATCH-400": ("VALID-400.syntax-error", "VALID-400.nothing-stored-or-changed"),
    "PATCH-404": ("UPDATE-404.missing-id-404",),
    "PATCH-422": ("VALID-422.price-zero", "VALID-422.nothing-stored-or-changed"),
    "DELETE-401": ("AUTH-NO-EFFECT.delete-keeps-the-item", UNCHANGED_AFTER_401),
    "DELETE-400": ("PATH-ID.starts-like-an-existing-id",),
    "DELETE-404": ("DELETE-404.missing-id-404",),
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=key,
            marks=(pytest.mark.requirement(case.requirement), pytest.mark.asserts(*NO_EFFECT_ASSERTS[key])),
        )
        for key, case in REFUSALS.items()
    ],
)
def test_a_refused_write_changes_nothing_not_even_partly(api: ApiClient, items: Items, case: Refusal) -> None:
    """A write refused with 401, 400, 404 or 422 changes nothing: not the item, not the list, not the total."""
    for _ in quiet_attempts():
        item = items.baseline(items.body(description="before"))
        write = Write(api, items, item_path(item["id"]), items.body()["name"])
        before = items.tail(NEWEST_WITH_ROOM)
        response = case.send(write)
        verify_status(response, case.statuses)
        after = items.tail(offset=before.offset)
        summary = f"item {item['id']} after a refused {response.request.method}"
        verify_unchanged(api, item, summary)
        verify_not_created(after, write.name)
        if after == before:
            return
