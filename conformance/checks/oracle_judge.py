"""The oracle's judgement of one step: the target's answer against the reference's answer to the same request
after the same history, under the freedoms of contracts/freedoms.toml, each divergence named by the requirement
of its operation and the reference's status (or by none: a contract gap)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.checks.item_shape import item_shape_problems, same_value, short_repr
from conformance.checks.oracle_steps import ABSENT, Step
from conformance.contract import strict_json
from conformance.contract.freedoms import load_freedoms
from conformance.contract.openapi import load_contract
from conformance.target.paths import IdValue

FREEDOMS = load_freedoms()
NAMED = FREEDOMS.named
_CONTRACT = load_contract()


@dataclass(frozen=True)
class Divergence:
    requirement: str | None
    """None: no requirement covers it, a contract gap."""
    summary: str
    expected: str
    received: str
    response: httpx.Response | None = None
    """The target's answer that diverged."""


@dataclass
class Model:
    """What the judge knows of the history: each server's id of the n-th item, which items are gone, and the
    items the target held besides the run's when the history started (known only where nobody else writes)."""

    target_ids: list[IdValue] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)
    others: list[int] | None = None

    def target_id(self, step: Step) -> IdValue | None:
        return self.target_ids[step.item] if step.item is not None and step.item != ABSENT else None

    def missing(self, step: Step) -> bool:
        return step.item == ABSENT or (step.item is not None and step.item in self.gone)


def answer_json(response: httpx.Response) -> Any:
    """An answer's body as JSON, or ValueError when it is none: told apart from a body that is JSON null."""
    try:
        return strict_json.loads(response.content)
    except ValueError:
        return ValueError


def status_requirement(step: Step, reference: int, target: int, model: Model) -> str | None:
    """The requirement a differing status fails."""
    if target >= 500:
        return NAMED["server_error"]
    if reference == FREEDOMS.first_status:
        if step.faults or model.missing(step):
            return NAMED["before_other_faults"]
        return NAMED["no_header"] if not step.auth else NAMED["bad_credentials"]
    if step.segment is not None:
        return NAMED["impossible_id"]
    if step.item is not None and step.item in model.gone:
        return NAMED["after_delete"]
    return _body_requirement(step, reference) or FREEDOMS.answers.get((step.operation, reference))


def answer_requirement(step: Step, status: int) -> str | None:
    if step.empty_patch and status == 200:
        return NAMED["empty_patch"]
    return FREEDOMS.answers.get((step.operation, status))


def state_requirement(step: Step, reference: int) -> str | None:
    """The requirement a differing state after `step` fails: what the write had to do, or not do."""
    if reference == FREEDOMS.first_status:
        return NAMED["state"]
    return _body_requirement(step, reference) or FREEDOMS.states.get((step.operation, reference))


def _body_requirement(step: Step, reference: int) -> str | None:
    """The requirement of a body the contract treats apart from its operation: a null required member, `{}`."""
    if step.null_required:
        return NAMED["null_required"]
    if step.empty_patch and reference == 200:
        return NAMED["empty_patch"]
    return None


def item_divergences(
    requirement: str | None,
    what: str,
    target: Any,
    reference: Any,
    expected_id: IdValue | None,
    sent: Mapping[str, Any] | None = None,
) -> list[tuple[str | None, str, str, str]]:
    """(requirement, summary, expected, received) for an Item that differs: its shape, its id, its members.
    `sent`: the body of the write this Item answers; a member it sent that the reference gives back as sent, and
    the target otherwise, fails ITEM-ROUNDTRIP rather than the operation's requirement."""
    if problems := item_shape_problems(target):
        return [(NAMED["item_shape"], f"{what} is not an Item", "an Item of §1", "; ".join(problems))]
    found = []
    if expected_id is not None and target.get("id") != expected_id:
        found.append((requirement, f"{what} has another id", f"id {expected_id}", f"id {target.get('id')!r}"))
    sent = sent or {}
    for member in sorted(set(reference) - {"id"}):
        # Numbers as doubles, strings exactly (freedoms.toml: numbers).
        if not same_value(reference[member], target.get(member)):
            echoed = member in sent and same_value(sent[member], reference[member])
            found.append(
                (
                    NAMED["round_trip"] if echoed else requirement,
                    f"{what}: {member} differs from the reference's",
                    short_repr(reference[member]),
                    short_repr(target.get(member)),
                )
            )
    return found


def _error_divergences(response: httpx.Response) -> list[tuple[str | None, str, str, str]]:
    """Only what ERR-BODY and ERR-PROBLEM require of an error's body (freedoms.toml: error_body)."""
    body, status = answer_json(response), response.status_code
    detail = FREEDOMS.detail_member
    if not (isinstance(body, dict) and isinstance(body.get(detail), str)):
        return [
            ("ERR-BODY", f"a {status} without a string '{detail}'", f"a JSON object with '{detail}'", short_repr(body))
        ]
    found = []
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != FREEDOMS.problem_media_type:
        found.append(("ERR-PROBLEM", f"a {status} that is not problem details", FREEDOMS.problem_media_type, media))
    status_member, title = FREEDOMS.problem_members
    if not (isinstance(body.get(status_member), int) and body[status_member] == status):
        found.append(("ERR-PROBLEM", f"a {status} whose '{status_member}' differs", str(status), short_repr(body)))
    if not isinstance(body.get(title), str):
        found.append(("ERR-PROBLEM", f"a {status} without a string '{title}'", f"'{title}'", short_repr(body)))
    return found


def judge_answer(
    step: Step,
    faults: frozenset[str],
    target: httpx.Response,
    reference: httpx.Response,
    model: Model,
    expected_id: IdValue | None,
) -> list[Divergence]:
    """The target's answer to `step` against the reference's. `expected_id`: the id the answer must carry (the
    item's, mapped; None for a create, whose id is the target's to choose)."""
    allowed = FREEDOMS.allowed_statuses(reference.status_code, faults)
    if target.status_code not in allowed:
        requirement = status_requirement(step, reference.status_code, target.status_code, model)
        shown = " or ".join(map(str, sorted(allowed)))
        return [Divergence(requirement, f"{step.describe()}: another status", shown, str(target.status_code), target)]
    status = target.status_code
    found: list[tuple[str | None, str, str, str]] = []
    if status >= 400:
        found = _error_divergences(target)
    elif status != reference.status_code:
        pass  # two successes the freedoms allow both of: nothing more to compare
    elif status == 204:
        if target.content:
            found = [(answer_requirement(step, 204), "a 204 with a body", "an empty body", short_repr(target.text))]
    elif step.operation != "listItems":
        sent = step.body if step.writes and isinstance(step.body, dict) else None
        found = item_divergences(
            answer_requirement(step, status),
            step.describe(),
            answer_json(target),
            answer_json(reference),
            expected_id,
            sent,
        )
    return [Divergence(*entry, response=target) for entry in found]


def _parameters(step: Step) -> tuple[int, int]:
    given = dict(step.params)
    limit = int(given.get("limit", _CONTRACT.limit_default))
    offset = int(given.get("offset", _CONTRACT.list_parameters["offset"].default or 0))
    return limit, offset


def judge_list(
    step: Step,
    target: httpx.Response,
    live: Mapping[IdValue, Any],
    deleted: set[IdValue],
    model: Model,
) -> list[Divergence]:
    """A page of the target against the reference's items: `live` maps each live item's target id to the
    reference's item (freedoms.toml: lists, totals). Only when both answered 200."""
    page = answer_json(target)
    if not (isinstance(page, dict) and isinstance(page.get("items"), list) and isinstance(page.get("total"), int)):
        return [Divergence(NAMED["list_shape"], "not a page", "{items, total}", short_repr(page), target)]
    entries: Sequence[Any] = page["items"]
    total = page["total"]
    limit, offset = _parameters(step)
    found: list[tuple[str | None, str, str, str]] = []
    window = "LIST-WINDOW"
    ids = [entry.get("id") for entry in entries if isinstance(entry, dict)]
    numbers = [value for value in ids if isinstance(value, int) and not isinstance(value, bool)]
    if len(numbers) == len(entries) and numbers != sorted(numbers):
        found.append((NAMED["list_order"], "the page is not in ascending id order", "ascending ids", str(numbers)))
    for entry in entries:
        item_id = entry.get("id") if isinstance(entry, dict) else None
        if item_id in deleted and item_id not in live:
            found.append((NAMED["after_delete"], f"a deleted item (id {item_id}) is listed", "not listed", "listed"))
        elif item_id in live:
            found += item_divergences("LIST-WINDOW", f"listed item {item_id}", entry, live[item_id], item_id)
    if any(entry[0] == NAMED["after_delete"] for entry in found):
        # The window and the total are off by the deleted items still listed: DELETE-GONE says it all.
        return [Divergence(*entry, response=target) for entry in found]
    own = [item_id for item_id in numbers if item_id in live]
    mine = sorted(key for key in live if isinstance(key, int))
    if model.others is not None:
        # Nobody else writes: the whole collection is known, and so is every window of it.
        collection = sorted(set(model.others) | set(mine))
        expected = collection[offset : offset + limit]
        if 0 < total - len(collection) <= len(deleted):
            # As many more as the run deleted, at most: deleted items still counted, and the window shifted by
            # those still listed before it; DELETE-GONE says it all.
            counted = f"total {total} of {len(collection)} live items: deleted items still counted"
            order = [Divergence(*entry, response=target) for entry in found if entry[0] == NAMED["list_order"]]
            return [*order, Divergence(NAMED["after_delete"], counted, str(len(collection)), str(total), target)]
        if "limit" not in dict(step.params) and len(entries) != len(expected) and numbers[:1] == expected[:1]:
            # The window starts right but is of another length than the default limit gives.
            window = NAMED["list_defaults"]
        descending = sorted(collection, reverse=True)[offset : offset + limit]
        if numbers != expected and numbers == descending and len(numbers) == len(entries):
            # The window of the collection ordered the other way: the order is what is wrong, not the window.
            found.append(
                (NAMED["list_order"], "the window of the collection in descending id order", str(expected), str(ids))
            )
        elif numbers != expected or len(numbers) != len(entries):
            found.append((window, f"the window offset={offset} limit={limit}", str(expected), str(ids)))
        if total != len(collection):
            found.append((NAMED["list_total"], "total", str(len(collection)), str(total)))
    else:
        if "limit" not in dict(step.params) and len(entries) > limit:
            window = NAMED["list_defaults"]
        found += _own_window(numbers, own, mine, limit, offset, total, len(entries), window)
    return [Divergence(*entry, response=target) for entry in found]


def _own_window(
    numbers: list[int], own: list[int], mine: list[int], limit: int, offset: int, total: int, size: int, window: str
) -> list[tuple[str | None, str, str, str]]:
    """A window of a collection that holds other clients' items too, judged on the run's own: those between its
    first and last id (from the start at offset 0, to the end when the page is short) are all in it."""
    found: list[tuple[str | None, str, str, str]] = []
    if size > limit:
        found.append((window, f"a page of more than limit={limit} items", f"at most {limit}", str(size)))
    if total < len(mine) or (size and total < offset + size):
        found.append((NAMED["list_total"], "total is less than the items it must count", f"≥ {len(mine)}", str(total)))
    if not numbers:
        if offset < total:
            found.append((window, f"an empty page at offset {offset} of {total}", "items", "[]"))
        return found
    low = 0 if offset == 0 else min(numbers)
    high = max(mine, default=0) + 1 if size < limit else max(numbers)
    expected = [item_id for item_id in mine if low <= item_id <= high]
    if own != expected:
        found.append((window, f"the run's items in the window offset={offset} limit={limit}", str(expected), str(own)))
    return found
