"""Making and inspecting items for a test. A failed setup step blocks the test; it does not judge it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

from conformance.checks.item_shape import as_read, item_shape_problems
from conformance.checks.violations import not_run, request_line
from conformance.contract import strict_json
from conformance.contract.openapi import load_contract
from conformance.target.client import NO_BODY, ApiClient, Auth
from conformance.target.guard import CollectionPermit, permit_collection_write
from conformance.target.paths import ITEM_PATH, ITEMS, id_key, integer_form, item_path, segment_keys

QUIET_ATTEMPTS = 10
"""Tries to find a moment without other clients' writes, for checks that compare list totals."""
ABSENT_ID_BASE = 1_900_000_000
"""Where the search for ids that do not exist starts: far above any id a test run makes."""
PAGE_MAX = load_contract().limit_max
"""The largest `limit` the contract allows."""
WHOLE_LIST_PAGES = 10
"""A list of at most this many pages is read whole where it must be: to show that an id is absent from it, or
that the collection holds only the run's items."""
NEWEST_WITH_ROOM = PAGE_MAX // 2
"""A tail of this many newest items leaves room in its page for as many created after the total was read."""
NOT_WHOLE = (
    f"over {WHOLE_LIST_PAGES * PAGE_MAX} items, or pages that do not add up to one list (an id on two pages,"
    " fewer entries than the total)"
)
"""Why `whole_list` could not read the whole list."""
OUTSIDE_MARK = " [outside the contract]"
"""Ends the name of an item the suite sends with data §8 leaves open (a lone surrogate, a number a double
cannot hold): whatever a server stores from it, no later check judges that entry."""


def outside_the_contract(entry: object) -> bool:
    """Whether a listed entry is one the suite created from data §8 leaves open."""
    name = entry.get("name") if isinstance(entry, dict) else None
    return isinstance(name, str) and OUTSIDE_MARK in name


def quiet_attempts() -> Iterator[int]:
    """Attempts at a measurement that other clients' writes may spoil. The test leaves the loop (returns or
    breaks) at the first quiet one; when every attempt was spoilt, the test is not run rather than judged."""
    yield from range(QUIET_ATTEMPTS)
    raise not_run(
        f"no quiet moment in {QUIET_ATTEMPTS} attempts: other clients kept writing, or the server gives a new"
        " item an id other than the highest, which this measurement needs"
    )


@dataclass(frozen=True)
class Tail:
    """One page at the end of the list, and the total, read at one moment.

    Two reads of one window compare equal when they list the same ids and total: when they differ,
    other clients created or deleted items in between.
    """

    offset: int
    total: int
    ids: frozenset[int]
    entries: list[Any] = field(compare=False)


def _brief(response: httpx.Response) -> str:
    return f"{request_line(response)} answered {response.status_code}"


def _json_body(response: httpx.Response, expected: int, needs: str) -> Any:
    """The JSON body of a setup step's response that has the `expected` status; otherwise the test is not run."""
    if response.status_code != expected:
        raise not_run(f"{_brief(response)}, not {expected}", needs=needs)
    try:
        return strict_json.loads(response.content)
    except ValueError:
        raise not_run(f"{_brief(response)} with a body that is not JSON", needs=needs) from None


def loose_json(response: httpx.Response) -> Any:
    """The body of a 2xx as JSON, or None: a set-up step takes what it can use, and GEN-JSON judges the rest."""
    try:
        return strict_json.loads(response.content)
    except ValueError:
        return None


def usable_id(value: object) -> int | str | None:
    """An id a set-up step can address the item by: an integer, or a string (ITEM-SHAPE judges which it is)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value and "/" not in value):
        return value
    return None


def _located_id(api: ApiClient, response: httpx.Response) -> int | str | None:
    """The id the `Location` of a create names, if it resolves to /items/{id}."""
    location = response.headers.get("location")
    path = api.api_path(response.request.url.join(location)) if location else None
    match = ITEM_PATH.match(path or "")
    if match is None:
        return None
    segment = match.group(1)
    return int(segment) if segment.isdigit() else segment


def _has_id(entry: object) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("id"), int)


class Items:
    """Item helpers for one test; names carry the run's tag so a reviewer can tell suite data apart."""

    _counter = itertools.count(1)

    def __init__(self, api: ApiClient, run_tag: str) -> None:
        self.api = api
        self.run_tag = run_tag

    @staticmethod
    def name_prefix(run_tag: str) -> str:
        return f"conformance {run_tag} #"

    @staticmethod
    def run_prefix(run_tag: str) -> str:
        """What the names of every worker of this run start with (a tag is `<run id>-<worker>`)."""
        return f"conformance {run_tag.rsplit('-', 1)[0]}-"

    def body(self, **members: Any) -> dict[str, Any]:
        """A valid ItemCreate with a unique name; `members` override or add to it."""
        return {"name": f"{self.name_prefix(self.run_tag)}{next(self._counter)}", "price": 9.99, **members}

    def outside_name(self) -> str:
        """A new name for an item sent with data §8 leaves open: later checks leave out what it stores."""
        return f"{self.body()['name']}{OUTSIDE_MARK}"

    def send(self, method: str, path: str, *, auth: Auth, body: Any = NO_BODY) -> httpx.Response:
        """One request of `method` to `path`, with a valid body for it unless `body` is given: a new
        ItemCreate for POST and PUT, a one-member patch for PATCH, none for GET and DELETE."""
        if body is NO_BODY and method in {"POST", "PUT"}:
            body = self.body()
        elif body is NO_BODY and method == "PATCH":
            body = {"price": 4.5}
        return self.api.request(method, path, auth=auth, body=body)

    def create(self, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """The created item. Any 2xx that names an id (in its body or its `Location`) will do: a 200, a
        missing member, a price as a string or a string id are CREATE-201's and ITEM-SHAPE's to judge, not a
        reason to leave the test that needs the item unjudged. When the echo is not an Item, the item is
        what was sent, with that id: what the test knows it stored."""
        sent = body if body is not None else self.body()
        response = self.api.post(ITEMS, body=sent)
        if not response.is_success:
            raise not_run(f"{_brief(response)}, not 201", needs="CREATE-201")
        echo = loose_json(response)
        if isinstance(echo, dict) and not item_shape_problems(echo):
            return echo
        item_id = usable_id(echo.get("id")) if isinstance(echo, dict) else None
        if item_id is None and (item_id := _located_id(self.api, response)) is None:
            raise not_run(f"{_brief(response)} without an item id in its body or Location", needs="CREATE-201")
        return {"description": None, **sent, "id": item_id}

    def baseline(self, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A new item as GET reads it back: what a check that a refused write changed nothing compares later
        reads with, so that a read misreporting every item alike (READ-200's to judge) is not taken for a
        change."""
        created = self.create(body)
        return {**created, **self.fetch(created["id"])}

    def fetch(self, item_id: int | str) -> dict[str, Any]:
        """The item as GET /items/{id} answers it. A JSON object will do (a missing member or a price as a
        string is ITEM-SHAPE's to judge); members it lacks stay absent, since nothing else knows them."""
        response = self.api.get(item_path(item_id))
        item = _json_body(response, expected=200, needs="READ-200")
        if not isinstance(item, dict):
            raise not_run(
                f"{_brief(response)} with a body that is not an Item: {type(item).__name__}", needs="READ-200"
            )
        return item if not item_shape_problems(item) else as_read({"id": item_id, **item})

    def page(self, **params: Any) -> dict[str, Any]:
        response = self.api.get(ITEMS, params=params)
        body = _json_body(response, expected=200, needs="LIST-200")
        if not (isinstance(body, dict) and isinstance(body.get("items"), list) and isinstance(body.get("total"), int)):
            raise not_run(f"{_brief(response)} without 'items' and 'total'", needs="LIST-200")
        return body

    def total(self) -> int:
        return int(self.page(limit=1)["total"])

    def tail(self, newest: int = PAGE_MAX, *, offset: int | None = None) -> Tail:
        """A full page from the `newest` items on: new items take the highest ids, so the newest are the
        last of the list. `offset` reads a window again, to see what changed in it since."""
        start = max(0, self.total() - newest) if offset is None else offset
        page = self.page(limit=PAGE_MAX, offset=start)
        ids = frozenset(entry["id"] for entry in page["items"] if _has_id(entry))
        return Tail(start, int(page["total"]), ids, page["items"])

    def spanning(self, wanted: Collection[int], pages: int = 20) -> Tail:
        """The list read from its newest items back, and on, until every id in `wanted` is within reach:
        other clients may have created more than a page of items since, and a wrong `total` (judged by its
        own test) must not hide them. Reads only add ids: a delete elsewhere moves items to lower offsets,
        into a page still to be read."""
        if not all(isinstance(item_id, int) and not isinstance(item_id, bool) for item_id in wanted):
            # The search goes by the list's ascending integer ids (LIST-ORDER); ids of another kind are
            # ITEM-SHAPE's to judge, and leave nothing to search by.
            raise not_run(f"ids {sorted(map(repr, wanted))} are not integers to search the list by", needs="ITEM-SHAPE")
        lowest, highest = min(wanted), max(wanted)
        newest = self.tail()
        first, ids, entries = newest.offset, set(newest.ids), list(newest.entries)
        last, last_size = newest.offset, len(newest.entries)
        for _ in range(pages):
            if first > 0 and not (ids and min(ids) <= lowest):
                first = max(0, first - PAGE_MAX)
                earlier = self.tail(offset=first)
                ids, entries = ids | earlier.ids, earlier.entries + entries
            elif last_size == PAGE_MAX and not (ids and max(ids) >= highest):
                last += PAGE_MAX
                later = self.tail(offset=last)
                ids, entries, last_size = ids | later.ids, entries + later.entries, len(later.entries)
            else:
                break
        # A server may give a new item any unused id, not the highest: what the newest pages do not hold is
        # searched for by id, which the list is ordered by.
        ids |= {item_id for item_id in set(wanted) - ids if self.listed_by_id(item_id, newest.total)}
        return Tail(first, newest.total, frozenset(ids), entries)

    def listed_by_id(self, item_id: int, total: int) -> bool:
        """Whether the list of `total` items holds `item_id`, found by bisection over its pages (ascending ids,
        LIST-ORDER): a few reads however long the list is."""
        low, high = 0, max(0, (total - 1) // PAGE_MAX)
        while low <= high:
            middle = (low + high) // 2
            ids = self._ids_from(middle * PAGE_MAX)
            if item_id in ids:
                return True
            if ids and min(ids) < item_id < max(ids):
                return False
            if not ids or item_id < min(ids):
                high = middle - 1
            else:
                low = middle + 1
        # Between two pages: read across their boundary again, since items other clients create or delete
        # meanwhile move the list by a few places.
        return item_id in self._ids_from(max(0, low * PAGE_MAX - PAGE_MAX // 2))

    def _ids_from(self, offset: int) -> list[int]:
        return [entry["id"] for entry in self.page(limit=PAGE_MAX, offset=offset)["items"] if _has_id(entry)]

    def whole_list(self, pages: int = WHOLE_LIST_PAGES) -> list[Any] | None:
        """Every entry of the list, read on from where the last page ended until a page comes back empty; None
        when it holds more than `pages` full pages, or when the pages cannot be the whole list: an id seen
        twice (a server that ignores `offset`) or fewer entries than a page's `total` (one that drops some).
        A short page does not end the list: a server may cap its pages below the limit asked for."""
        entries: list[Any] = []
        seen: set[str] = set()
        while len(entries) <= pages * PAGE_MAX:
            page = self.page(limit=PAGE_MAX, offset=len(entries))
            window = page["items"]
            if not window:
                return entries if len(entries) >= page["total"] else None
            ids = [str(entry["id"]) for entry in window if isinstance(entry, dict) and "id" in entry]
            if seen.intersection(ids) or len(set(ids)) < len(ids):
                return None
            seen.update(ids)
            entries += window
        return None

    def own_collection(self, method: str) -> CollectionPermit:
        """Leave to send `method` to the collection: the whole list, read now, holds only this run's items
        (a server that wrongly implements the method could harm nothing else). Otherwise the test is not run."""
        entries = self.whole_list() if self.total() <= WHOLE_LIST_PAGES * PAGE_MAX else None
        if entries is None:
            raise not_run(
                f"the whole collection could not be read ({NOT_WHOLE}), so it cannot be shown to hold only this"
                f" run's items: a server that wrongly implements {method} {ITEMS} could change or delete the others"
            )
        permit = permit_collection_write(self.api.ledger, method, entries, self.run_prefix(self.run_tag))
        if isinstance(permit, str):
            raise not_run(permit)
        return permit

    def prove_absent(self, segment: str) -> bool:
        """Whether every id a server may read from `segment` is this run's or absent: a GET of it answered 404
        (or 400, for a segment that is no integer) and the list does not hold it. One answer alone would not
        do: a server that answers 404 to every GET would make other data writable."""
        ledger = self.api.ledger
        keys = segment_keys(segment)
        doubtful = [key for key in keys if not ledger.may_write([key])]
        for key in doubtful:
            if not ledger.is_missing(key):
                # The client records a 404 in the ledger. The segment as given, or the integer it may denote.
                self.api.get(item_path(segment if key == unquote(segment) else key))
        # A GET that answered with one of the run's items (`5abc` read as 5) settles that id too.
        doubtful = [key for key in doubtful if not ledger.may_write([key])]
        if not all(ledger.is_missing(key) for key in doubtful):
            return False
        if doubtful and self._unlisted(doubtful):
            ledger.unlisted(doubtful)
        return ledger.may_write(keys)

    def _unlisted(self, keys: Collection[str]) -> bool:
        """Whether the list holds none of `keys`: by their text in the whole list when it is short, else by
        id order (integer ids only): above its newest items, or not found by bisection."""
        entries = self.whole_list() if self.total() <= WHOLE_LIST_PAGES * PAGE_MAX else None
        if entries is not None:
            return not set(keys) & {id_key(entry.get("id")) for entry in entries if isinstance(entry, dict)}
        newest = self.tail()
        if not newest.ids or len(newest.ids) < len(newest.entries):
            return False  # entries without an integer id: their order says nothing of an id's place
        for key in keys:
            number = integer_form(key)
            if number is None or str(number) != key:
                continue  # a text no integer id can be, and the server's ids are integers
            if number <= max(newest.ids) and self.listed_by_id(number, newest.total):
                return False
        return True

    def absent_path(self, segment: str) -> str:
        """The path of `segment` once it is proved absent (see prove_absent); otherwise the test is not run."""
        if not self.prove_absent(segment):
            raise not_run(f"{item_path(segment)} could not be proved absent, and a write to it might change an item")
        return item_path(segment)

    def absent_id(self) -> int:
        """An id this run proved absent: the only kind of id besides its own that it may write to."""
        return self._spare_id(self.prove_absent, "proved absent (GET answered 404, and not listed)")

    def unlisted_id(self) -> int:
        """An id far above this run's that the list does not hold, proved so by the list alone: for the test of
        what a GET of a never-created id answers, which a proof by GET would take for granted. Only to read."""
        return self._spare_id(lambda segment: self._unlisted([segment]), "proved unlisted")

    def _spare_id(self, proved: Callable[[str], bool], how: str) -> int:
        """The first id from ABSENT_ID_BASE on that is not the run's and that `proved` holds for."""
        for candidate in range(ABSENT_ID_BASE, ABSENT_ID_BASE + 50):
            if not self.api.ledger.owns(candidate) and proved(str(candidate)):
                return candidate
        raise not_run(f"no id from {ABSENT_ID_BASE} on could be {how}")

    def delete(self, item_id: int | str) -> None:
        """Deletes the item; any 2xx will do (a 200 with the item is DELETE-204's to judge)."""
        response = self.api.delete(item_path(item_id))
        if not response.is_success:
            raise not_run(f"{_brief(response)}, not 204", needs="DELETE-204")
