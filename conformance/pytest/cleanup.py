"""Leaving the target as the run found it: items holding §8 input are deleted right after their test, every
other item the run created at the end; then the run measures what it left, against the list at its start."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from conformance.checks.items import NOT_WHOLE, PAGE_MAX, WHOLE_LIST_PAGES, Items
from conformance.contract import strict_json
from conformance.pytest import stash as keys
from conformance.target.client import ApiClient
from conformance.target.errors import NoResponse, NotRun, TargetDown
from conformance.target.facts import RunFacts
from conformance.target.ledger import id_order
from conformance.target.opening import open_target, run_client
from conformance.target.options import TargetOptions
from conformance.target.pacing import Pacer
from conformance.target.paths import IdValue, id_key, item_path

CLEANUP_SECONDS = 60.0
"""However the target behaves, cleaning up stops after this long; what is left is reported by id."""
UNREADABLE = (NoResponse, TargetDown, NotRun, httpx.HTTPError, pytest.skip.Exception)
"""What reading the list or deleting an item may raise when the target misbehaves: then less is known."""


def path_of(item_id: IdValue) -> str:
    """The path of an item by its id as the server gave it: a string id is sent encoded (it may hold a `/`)."""
    return item_path(item_id if isinstance(item_id, int) else quote(item_id, safe=""))


def _delete(api: ApiClient, item_id: IdValue) -> None:
    try:
        if api.delete(path_of(item_id)).status_code == 404:
            api.ledger.deleted([str(item_id)])  # already gone: nothing is left behind
    except UNREADABLE:
        pass


def delete_open_input(api: ApiClient) -> None:
    """Deletes the items a test filled with input the contract leaves open (§8): a server may store what breaks
    its later answers (an infinite price in every list), and nothing judged may depend on it."""
    for item_id in api.ledger.take_open_input():
        _delete(api, item_id)


def _ours(entry: object, name_prefix: str) -> bool:
    return isinstance(entry, dict) and str(entry.get("name", "")).startswith(name_prefix)


def adopt_strays(items: Items, name_prefix: str) -> None:
    """A create cut off by an interruption, or made by a worker that crashed, may be stored without the
    ledger knowing its id: the newest items are searched for names that carry this run's unique tag."""
    try:
        entries = items.tail().entries
    except UNREADABLE:
        return  # the list cannot be read: only the ledger's ids can be cleaned up
    for entry in entries:
        item_id = entry.get("id") if _ours(entry, name_prefix) else None
        if (
            id_key(item_id) is not None
            and not items.api.ledger.owns(item_id)
            and _at_its_id(items, item_id, name_prefix)
        ):
            items.api.ledger.created(item_id)


def _at_its_id(items: Items, item_id: IdValue, name_prefix: str) -> bool:
    """Whether the item the server holds at `item_id` is the run's. A listed `id` member is only what the entry
    says: a server that stores any JSON keeps an `id` a body sent, which may be another item's, or nobody's."""
    try:
        response = items.api.get(path_of(item_id))
        return response.status_code == 200 and _ours(strict_json.loads(response.content), name_prefix)
    except (*UNREADABLE, ValueError):
        return False


def clean_up(items: Items, name_prefix: str) -> list[IdValue]:
    """Deletes every item this run created and still holds, in up to three passes (a flaky target gets
    more chances); returns the ids it could not delete."""
    api = items.api
    if not api.read_only:
        adopt_strays(items, name_prefix)
    deadline = time.monotonic() + CLEANUP_SECONDS
    for _ in range(3):
        for item_id in api.ledger.alive():
            if time.monotonic() > deadline:
                return api.ledger.alive()
            _delete(api, item_id)
    return api.ledger.alive()


@contextmanager
def shared_target(target: TargetOptions, pacer: Pacer) -> Iterator[Items]:
    """Item helpers on the target for the xdist controller, which runs no test of its own."""
    with open_target(target) as opened:
        yield Items(run_client(opened, target, pacer), run_tag="")


def clean_up_after_crashed_workers(target: TargetOptions, pacer: Pacer, run_id: str) -> list[IdValue]:
    """A worker that died took its ledger along; its items still carry the run's tag."""
    with shared_target(target, pacer) as items:
        # Every worker's tag starts with the run id.
        return clean_up(items, run_prefix(run_id))


def run_prefix(run_id: str) -> str:
    """What the names of the items of every worker of the run start with."""
    return Items.run_prefix(f"{run_id}-worker")


def _text(entry: object) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


@dataclass
class Snapshot:
    """The whole list at the start of a run, by id text, or why there is none (then only the newest items are
    searched at the end)."""

    entries: dict[str, Any] | None
    without_id: Counter[str] = field(default_factory=Counter)
    """Entries without a usable id, by their JSON text."""
    reason: str | None = None


def take_snapshot(items: Items) -> Snapshot:
    try:
        entries = items.whole_list()
    except UNREADABLE as error:
        return Snapshot(None, reason=f"the list could not be read at the start ({error})")
    if entries is None:
        return Snapshot(
            None,
            reason=f"the whole list could not be read at the start ({NOT_WHOLE}): it could not be compared,"
            f" only its newest {PAGE_MAX} items were searched for the run's",
        )
    by_id = {key: entry for entry in entries if (key := _key(entry)) is not None}
    return Snapshot(by_id, Counter(_text(entry) for entry in entries if _key(entry) is None))


def _key(entry: object) -> str | None:
    return id_key(entry.get("id")) if isinstance(entry, dict) else None


def measure(items: Items, start: Snapshot, known: frozenset[str], name_prefix: str, left: list[IdValue]) -> RunFacts:
    """What the run left (`left`: the ids its cleanup could not delete, plus what the list shows) and what
    changed of the data it found, as facts for the manifest."""
    facts = RunFacts(leftovers=list(left))
    try:
        now = items.whole_list(2 * WHOLE_LIST_PAGES) if start.entries is not None else None
        newest = items.tail().entries if now is None else now
    except UNREADABLE as error:
        facts.unknown = [f"the list could not be read after the cleanup ({error})"]
        return facts
    if start.entries is None or now is None:
        facts.unknown = [start.reason or "the list grew too long to be read whole after the cleanup"]
    without_id = Counter(_text(entry) for entry in newest if _key(entry) is None)
    if now is not None and start.entries is not None:
        facts.leftovers_without_id = sum((without_id - start.without_id).values())
        gone = set(start.entries) - {_key(entry) for entry in now}
        changed = [
            entry["id"] for entry in now if (key := _key(entry)) in start.entries and entry != start.entries[key]
        ]
        facts.others_changed = sorted([start.entries[key]["id"] for key in gone] + changed, key=id_order)
    else:
        facts.leftovers_without_id = sum(1 for entry in newest if _key(entry) is None and _ours(entry, name_prefix))
    for entry in newest:
        key = _key(entry)
        new = key is not None and (start.entries is None or key not in start.entries)
        if new and (key in known or _ours(entry, name_prefix)):
            facts.leftovers.append(entry["id"])
    facts.leftovers = sorted({str(value): value for value in facts.leftovers}.values(), key=id_order)
    return facts


def snapshot_shared(target: TargetOptions, pacer: Pacer) -> Snapshot:
    """The xdist controller's list before the workers start: they share the server, so it is measured once."""
    with shared_target(target, pacer) as items:
        return take_snapshot(items)


def settle_shared(target: TargetOptions, stash: pytest.Stash, start: Snapshot | None, crashed: bool) -> None:
    """After the workers ended: what crashed workers left on a served target is cleaned up, and what the run
    left is measured against `start` (when the controller took it) into the run's facts."""
    pacer, run_id, facts = stash[keys.PACER], stash[keys.RUN_ID], stash[keys.FACTS]
    if crashed and not target.in_process:
        facts.merge(RunFacts(leftovers=clean_up_after_crashed_workers(target, pacer, run_id)))
    if start is not None:
        with shared_target(target, pacer) as items:
            facts.merge(measure(items, start, frozenset(facts.known_ids), run_prefix(run_id), facts.leftovers))
