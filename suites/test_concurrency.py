"""§6 Concurrency: simultaneous creates and patches behave like some serial order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from graphlib import CycleError, TopologicalSorter
from typing import Any

import httpx
import pytest

from conformance.checks.item_shape import same_value
from conformance.checks.items import Items
from conformance.checks.verify import (
    fail,
    verify_distinct_ids,
    verify_item_response,
    verify_listed,
    verify_members,
    verify_stored,
)
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS, item_path

CREATES = 16
PATCHES = 12
ITEMS_PATCHED = 4
"""Items patched at once by the lost-update test: one PATCH per member each, 12 requests in all."""
PATCH_ROUNDS = 3
"""A race shows only when requests overlap: on a busy machine one round may happen to run serially."""


def in_parallel(count: int, send: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    # Every thread waits at the barrier, so the requests leave together rather than as the threads start.
    start = threading.Barrier(count)

    def together(index: int) -> httpx.Response:
        start.wait()
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(together, range(count)))


@pytest.mark.requirement("CONC-CREATE")
@pytest.mark.asserts("CONC-CREATE.all-succeed", "CONC-CREATE.distinct-ids", "CONC-CREATE.all-listed")
def test_concurrent_creates_all_succeed_with_distinct_ids(api: ApiClient, items: Items) -> None:
    """CONC-CREATE: concurrent creates all succeed, with distinct ids, and all of them are listed afterwards."""
    bodies = [items.body(description=f"concurrent {index}") for index in range(CREATES)]
    responses = in_parallel(CREATES, lambda index: api.post(ITEMS, body=bodies[index]))
    # Each create must succeed: a status other than 201 is judged as CREATE-201 where it is not a 5xx.
    created = [
        verify_item_response(response, 201, "one of the concurrent creates", requirement="CREATE-201")
        for response in responses
    ]
    ids = [item["id"] for item in created]
    verify_distinct_ids(ids, f"{CREATES} concurrent creates")
    for body, item in zip(bodies, created, strict=True):
        verify_stored(api, item["id"], {"name": body["name"]})
    verify_listed(items.spanning(ids), ids, "the list after concurrent creates")


PATCH_SHAPES = (("name", "price", "description"), ("name", "description"), ("price", "description"), ("name", "price"))
"""Patches of different shapes, so that a race mixes writes of one member from one patch with writes of
another member from another, whatever order the server happens to run them in."""


def concurrent_patch(round_number: int, index: int) -> dict[str, Any]:
    """Values unique to this patch in this run, so every member of a response or of the stored item
    names the patch it came from."""
    tag = f"{round_number}.{index}"
    values = {"name": f"patch {tag}", "price": round_number * 100 + index + 1, "description": f"description {tag}"}
    return {member: values[member] for member in PATCH_SHAPES[index % len(PATCH_SHAPES)]}


def serial_order_problem(original: dict[str, Any], patches: list[dict[str, Any]], state: dict[str, Any]) -> str | None:
    """Why no serial order of the `patches`, applied to `original`, ends in `state`; None when one does.

    In a serial order each member holds the value of the last patch that set it, so that patch comes after
    every other patch setting the member; such an order exists exactly when these precedences have no cycle.
    """
    last_writer: dict[str, int] = {}
    for member in ("name", "price", "description"):
        setters = [index for index, patch in enumerate(patches) if member in patch]
        if not setters:
            continue
        writers = [index for index in setters if same_value(patches[index][member], state.get(member))]
        if not writers:
            was = "its value before the patches" if same_value(original[member], state.get(member)) else "no patch's"
            return f"{member} is {state.get(member)!r}, {was}, although {len(setters)} accepted patches set it"
        last_writer[member] = writers[0]
    precedence = TopologicalSorter[int]()
    for member, writer in last_writer.items():
        for index in range(len(patches)):
            if member in patches[index] and index != writer:
                precedence.add(writer, index)
    try:
        precedence.prepare()
    except CycleError as error:
        cycle = error.args[1]
        owners = ", ".join(f"{member} from patch {writer}" for member, writer in last_writer.items() if writer in cycle)
        involved = ", ".join(str(index) for index in sorted(set(cycle)))
        return f"{owners}: no serial order of patches {involved} ends with each of these last"
    return None


def patch_at_once(api: ApiClient, sends: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Each (item, patch) of `sends` at once; each response must show the members its own patch set: one that
    mixes in another PATCH's values for them is no serial order's."""
    responses = in_parallel(len(sends), lambda index: api.patch(item_path(sends[index][0]["id"]), body=sends[index][1]))
    for (_, patch), response in zip(sends, responses, strict=True):
        summary = "one of the concurrent PATCHes"
        patched = verify_item_response(response, 200, summary, requirement="UPDATE-200")
        verify_members(response, patched, patch, summary)


def verify_serial_end(items: Items, original: dict[str, Any], patches: list[dict[str, Any]], round_number: int) -> None:
    """The item, read after its concurrent `patches`, is what some serial order of them gives."""
    stored = items.fetch(original["id"])
    if problem := serial_order_problem(original, patches, stored):
        raise fail(
            f"item {original['id']} after {len(patches)} concurrent PATCHes (round {round_number})",
            expected="the state some serial order of the PATCHes gives",
            received=f"{stored}: {problem}",
        )


@pytest.mark.requirement("CONC-UPDATE")
@pytest.mark.asserts("CONC-UPDATE.stored-state-serial", "CONC-UPDATE.responses-serial")
def test_concurrent_patches_end_as_some_serial_order(api: ApiClient, items: Items) -> None:
    """CONC-UPDATE: after concurrent PATCHes of one Item, its stored state and every response are what some
    serial order of those PATCHes would give: each response shows the members its own PATCH set, and the
    stored item holds, member by member, the value of a last writer that fits one order."""
    item = items.create(items.body(price=1, description="before the patches"))
    for round_number in range(1, PATCH_ROUNDS + 1):
        original = items.fetch(item["id"])
        patches = [concurrent_patch(round_number, index) for index in range(PATCHES)]
        patch_at_once(api, [(item, patch) for patch in patches])
        verify_serial_end(items, original, patches, round_number)


@pytest.mark.requirement("CONC-UPDATE")
@pytest.mark.asserts("CONC-UPDATE.stored-state-serial", "CONC-UPDATE.responses-serial")
def test_concurrent_patches_of_different_members_are_all_kept(api: ApiClient, items: Items) -> None:
    """CONC-UPDATE: PATCHes of different members of one Item, sent at once, are all kept, since in every serial
    order each member ends with the one PATCH that set it. A server that reads the item and later writes it
    back whole loses the others' members: each round patches several items so, one member per PATCH."""
    targets = [items.create(items.body(price=1, description="before the patches")) for _ in range(ITEMS_PATCHED)]
    for round_number in range(1, PATCH_ROUNDS + 1):
        originals = [items.fetch(target["id"]) for target in targets]
        members = concurrent_patch(round_number, 0).items()
        sends = [(target, {member: value}) for target in targets for member, value in members]
        patch_at_once(api, sends)
        for original in originals:
            patches = [patch for target, patch in sends if target["id"] == original["id"]]
            verify_serial_end(items, original, patches, round_number)
