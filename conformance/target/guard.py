"""The safety rule (README, "Safety rule"): nothing is sent that a wrong server could turn into a change of
data the run did not create. check_safe refuses such a write before it is sent; record keeps the ledger true
to what the server says it did, whatever the test expected."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

from conformance.target.errors import UnsafeWrite
from conformance.target.ledger import Ledger
from conformance.target.paths import (
    ITEMS,
    id_key,
    id_value,
    is_canonical,
    is_collection,
    path_segments,
    segment_keys,
)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PERMIT_SECONDS = 5.0
"""How long the proof that the collection holds only the run's items stands: it was read just before."""
_LOCATED = re.compile(re.escape(ITEMS) + r"/([^/?#]+)/?$")


@dataclass(frozen=True)
class CollectionPermit:
    """The proof, read from the whole list a moment ago, that every item in the collection is this run's: only
    then may a method the contract does not define on it (PUT, PATCH, DELETE) be sent to it."""

    method: str
    at: float = field(default_factory=time.monotonic)


def permit_collection_write(
    ledger: Ledger, method: str, entries: Sequence[Any], name_prefix: str
) -> CollectionPermit | str:
    """A permit for `method` on the collection, or why there is none: `entries` is the whole list, read just
    now; an entry is the run's when the ledger knows its id or its name carries the run's tag."""
    foreign = [entry for entry in entries if not _runs(ledger, entry, name_prefix)]
    if foreign:
        return (
            f"the collection holds {len(foreign)} items this run did not create: a server that wrongly implements"
            f" {method} {ITEMS} would change or delete them"
        )
    return CollectionPermit(method)


def _runs(ledger: Ledger, entry: object, name_prefix: str) -> bool:
    if not isinstance(entry, dict):
        return False
    key = id_key(entry.get("id"))
    return (key is not None and ledger.owns(key)) or str(entry.get("name", "")).startswith(name_prefix)


def check_safe(ledger: Ledger, method: str, path: str, *, auth: object, permit: CollectionPermit | None) -> None:
    if method not in WRITE_METHODS:
        return
    if is_collection(path):
        if method != "POST":
            _check_permit(method, path, auth, permit)
        return
    segments = path_segments(path)
    if segments is None:
        raise UnsafeWrite(f"refusing {method} {path}: a write outside the contract's paths reaches unknown routes")
    # Below an item too (`/items/5/children`): a router that matches a prefix, or reads any segment as the id,
    # must find only the run's items there.
    unsafe = [segment for segment in segments if not ledger.may_write(segment_keys(segment))]
    if unsafe:
        raise UnsafeWrite(
            f"refusing {method} {path}: {', '.join(map(repr, unsafe))} is neither an item this run created nor an id"
            " it proved absent (a GET of it answered 404, and the list does not hold it)"
        )


def _check_permit(method: str, path: str, auth: object, permit: CollectionPermit | None) -> None:
    if permit is None or permit.method != method or time.monotonic() - permit.at > PERMIT_SECONDS:
        raise UnsafeWrite(
            f"refusing {method} {path}: on a server that implements it, it may change every item, the run's or not"
            " (sent only right after the whole list was read and held only the run's items)"
        )
    if method == "DELETE" and auth is not False and auth is not None:
        raise UnsafeWrite(f"refusing {method} {path} with credentials: a server that implements it deletes everything")


def record(ledger: Ledger, method: str, path: str, response: httpx.Response, open_input: str | None) -> None:
    """Keeps the ledger true to what the server says it did, whatever the test expected."""
    segments = path_segments(path)
    on_item = segments is not None and len(segments) == 1
    keys = segment_keys(segments[0]) if on_item and segments else frozenset()
    if method == "GET" and on_item:
        _record_read(ledger, segments[0] if segments else "", keys, response)
        return
    if method not in WRITE_METHODS or not response.is_success:
        return
    if method == "DELETE":
        if on_item:
            ledger.deleted(keys)
        return
    # A PUT or PATCH names its item by the path: an `id` in its answer may be one the request sent (a server that
    # stores any JSON merges it), and another item's, so it is no evidence of a new item.
    made = _created_id(response) if method == "POST" else None
    if made is None and on_item and segments and not any(ledger.is_alive(key) for key in keys):
        made = id_value(segments[0])  # a 2xx write to an absent or deleted id: the server upserted
    if made is not None and not ledger.is_alive(str(made)):
        # Whatever the write was meant to do, the server says it made this item: ours to clean up.
        ledger.created(made)
    if open_input is not None:
        ledger.mark_open_input(keys | {str(made)} if made is not None else keys)


def _record_read(ledger: Ledger, segment: str, keys: frozenset[str], response: httpx.Response) -> None:
    text, status = unquote(segment), response.status_code
    # 400 says "no such id" only of a segment that is not an id's canonical form (PATH-ID allows it there).
    if status == 404 or (status == 400 and not is_canonical(text)):
        ledger.answered_missing(text)
    elif 200 <= status < 300:
        ledger.seen(keys)
        found = id_key(_body_id(response))
        if found is not None and found not in keys and ledger.owns(found):
            # The server reads this segment as one of the run's items (`5abc` as 5): a write there reaches it.
            ledger.names_own(keys)


def _created_id(response: httpx.Response) -> int | str | None:
    """The id of what a 2xx create made: the body's `id`, else the one its `Location` names. An `id` the request
    itself sent is only an echo (the item may be stored under another id, and that one another item's)."""
    body_id = _body_id(response)
    if body_id is not None and id_key(body_id) != id_key(_sent_id(response.request)):
        return body_id
    location = response.headers.get("location")
    if not location:
        return None
    match = _LOCATED.search(response.request.url.join(location).path)
    return id_value(match.group(1)) if match else None


def _body_id(response: httpx.Response) -> int | str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if id_key(value) is not None else None


def _sent_id(request: httpx.Request) -> object:
    try:
        data = json.loads(request.content)
    except ValueError:
        return None
    return data.get("id") if isinstance(data, dict) else None
