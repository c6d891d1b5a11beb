"""The oracle's steps: one request of a history, addressed to an item by its place in the history (the n-th item
the run created), so that the same step reaches each server at the id that server gave that item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.checks.items import loose_json, usable_id
from conformance.contract.openapi import load_contract
from conformance.target.client import NO_BODY, ApiClient, Auth
from conformance.target.paths import ITEMS, IdValue, item_path

ABSENT = -1
"""The item of a step sent to an id proved absent on each server."""
_OPERATIONS = {(op.method, op.on_item): op.operation_id for op in load_contract().operations}


@dataclass(frozen=True)
class Step:
    method: str
    item: int | None = None
    """The index of the run's item (in the order created), ABSENT, or None for the collection."""
    segment: str | None = None
    """An impossible id (`abc`, `0`, `-1`) sent instead of an item's (PATH-ID)."""
    params: tuple[tuple[str, str], ...] = ()
    body: Any = NO_BODY
    raw: bytes | None = None
    auth: Auth = True
    faults: frozenset[str] = field(default_factory=frozenset)
    """What the request is wrong by, as generated; a missing item is added where the history makes one."""
    null_required: bool = False
    empty_patch: bool = False

    @property
    def on_item(self) -> bool:
        return self.item is not None or self.segment is not None

    @property
    def operation(self) -> str:
        return _OPERATIONS[(self.method, self.on_item)]

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def describe(self) -> str:
        """The step as a history lists it: `PATCH item 2 {"price": 3}`."""
        where = (
            f"/items/{self.segment}"
            if self.segment is not None
            else "an absent id"
            if self.item == ABSENT
            else f"item {self.item}"
            if self.item is not None
            else ITEMS
        )
        query = "?" + "&".join(f"{name}={value}" for name, value in self.params) if self.params else ""
        body = f" {self.body!r}" if self.body is not NO_BODY else f" {self.raw!r}" if self.raw is not None else ""
        auth = (
            "" if self.auth is True or not self.writes else " without credentials" if not self.auth else f" {self.auth}"
        )
        return f"{self.method} {where}{query}{body}{auth}"


class Side:
    """One server a history is applied to, and the ids it gave the run's items, in the order they were created."""

    def __init__(self, api: ApiClient, absent: IdValue) -> None:
        self.api = api
        self.absent = absent
        self.ids: list[IdValue] = []

    def path(self, step: Step) -> str:
        if step.segment is not None:
            return item_path(step.segment)
        if step.item is None:
            return ITEMS
        return item_path(self.absent if step.item == ABSENT else self.ids[step.item])

    def send(self, step: Step) -> httpx.Response:
        params = dict(step.params) if step.params else None
        return self.api.request(
            step.method, self.path(step), body=step.body, raw=step.raw, params=params, auth=step.auth
        )

    def read(self, index: int) -> httpx.Response:
        return self.api.get(item_path(self.absent if index == ABSENT else self.ids[index]))

    def adopt(self, response: httpx.Response) -> IdValue | None:
        """Records the id a successful create answered with (the n-th item of the history); None if it named none."""
        body = loose_json(response)
        made = usable_id(body.get("id")) if isinstance(body, dict) else None
        if made is not None:
            self.ids.append(made)
        return made
