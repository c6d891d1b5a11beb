"""Making and inspecting items for a test. A failed setup step blocks the test; it does not judge it."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import httpx

from conformance.client import ITEMS, ApiClient, item_path
from conformance.verify import item_shape_problems
from conformance.violations import blocked

QUIET_ATTEMPTS = 10
"""Tries to find a moment without other clients' writes, for checks that compare list totals."""
ABSENT_ID_BASE = 1_900_000_000
"""Where the search for ids that do not exist starts: far above any id a test run makes."""


@dataclass(frozen=True)
class TailSnapshot:
    offset: int
    total: int
    ids: frozenset[int]


def tail_snapshot(items: Items, offset: int | None = None) -> TailSnapshot:
    """The ids of the newest items (new items take the highest ids) and the total, at one moment."""
    total = items.total()
    start = max(0, total - 50) if offset is None else offset
    page = items.page(limit=100, offset=start)
    ids = frozenset(entry["id"] for entry in page["items"] if isinstance(entry, dict) and "id" in entry)
    return TailSnapshot(start, int(page["total"]), ids)


def _brief(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url.path} answered {response.status_code}"


class Items:
    """Item helpers for one test; names carry the run's tag so a reviewer can tell suite data apart."""

    _counter = itertools.count(1)

    def __init__(self, api: ApiClient, run_tag: str) -> None:
        self.api = api
        self.run_tag = run_tag

    @staticmethod
    def name_prefix(run_tag: str) -> str:
        return f"conformance {run_tag} #"

    def body(self, **members: Any) -> dict[str, Any]:
        """A valid ItemCreate with a unique name; `members` override or add to it."""
        return {"name": f"{self.name_prefix(self.run_tag)}{next(self._counter)}", "price": 9.99, **members}

    def create(self, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.api.post(ITEMS, body=body if body is not None else self.body())
        item = self._item(response, expected=201)
        return item

    def fetch(self, item_id: int) -> dict[str, Any]:
        return self._item(self.api.get(item_path(item_id)), expected=200)

    def page(self, **params: Any) -> dict[str, Any]:
        response = self.api.get(ITEMS, params=params)
        if response.status_code != 200:
            raise blocked(f"listing items: {_brief(response)}")
        try:
            body = json.loads(response.content)
        except ValueError:
            raise blocked(f"listing items: {_brief(response)} with a body that is not JSON") from None
        if not (isinstance(body, dict) and isinstance(body.get("items"), list) and isinstance(body.get("total"), int)):
            raise blocked(f"listing items: {_brief(response)} without 'items' and 'total'")
        return body

    def total(self) -> int:
        return int(self.page(limit=1)["total"])

    def absent_id(self) -> int:
        """An id this run saw answer 404: the only kind of id besides its own that it may write to."""
        for candidate in range(ABSENT_ID_BASE, ABSENT_ID_BASE + 50):
            if self.api.ledger.is_absent(candidate):
                return candidate
            if self.api.ledger.owns(candidate):
                continue
            if self.api.get(item_path(candidate)).status_code == 404:
                return candidate
        raise blocked(f"no id from {ABSENT_ID_BASE} on answered GET with 404")

    def delete(self, item_id: int) -> None:
        response = self.api.delete(item_path(item_id))
        if response.status_code != 204:
            raise blocked(f"deleting item {item_id}: {_brief(response)}")

    def _item(self, response: httpx.Response, expected: int) -> dict[str, Any]:
        if response.status_code != expected:
            raise blocked(f"{_brief(response)}, not {expected}")
        try:
            item = json.loads(response.content)
        except ValueError:
            raise blocked(f"{_brief(response)} with a body that is not JSON") from None
        if problems := item_shape_problems(item):
            raise blocked(f"{_brief(response)} with a body that is not an Item: {'; '.join(problems)}")
        return item
