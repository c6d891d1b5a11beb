"""Small named checks of one response against one requirement.

Each `verify_…` returns what it checked (a parsed body, an item) or raises a ContractViolation that
says what the contract expects, what the target sent, and the exchange that showed it. Its summary
defaults to the request line of that exchange. A check judges the requirement its test cites, unless it
names another with `requirement=` (a set-up step judged by the operation's own requirement, say).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import httpx

from conformance.checks.current import cited
from conformance.checks.item_shape import (
    ITEM_MEMBERS,
    as_read,
    item_shape_problems,
    normalised_from,
    same_value,
    short_repr,
)
from conformance.checks.items import Tail
from conformance.checks.violations import ContractViolation, Violation, not_run, request_line
from conformance.contract import strict_json
from conformance.target.client import ApiClient
from conformance.target.exchange import exchange_of
from conformance.target.paths import item_path

Requirement = str | Collection[str]
"""One requirement ID, or several that one check judges at once."""

WITH_THE_ITEM = frozenset({"CREATE-201", "READ-200", "REPLACE-200", "UPDATE-200", "UPDATE-EMPTY"})
"""Requirements whose statement makes the Item the body ("201 with the created Item as the body"): a body
that is not an Item breaks them as well as ITEM-SHAPE, so they never read passed while it is so."""

_BEARER_CHALLENGE = re.compile(r"(?:^|,)\s*bearer(?:\s|,|$)", re.IGNORECASE)


def judged(requirement: Requirement | None) -> Requirement:
    """The requirement a check judges: the one it names, else the one its test cites."""
    if requirement is not None:
        return requirement
    test_cites = cited()
    if len(test_cites) != 1:
        # Judging all of them would fail requirements the check does not judge.
        cites = f"this test cites {', '.join(test_cites)}" if test_cites else "no running test cites a requirement"
        raise TypeError(f"{cites}: name the requirement this check judges (requirement=...)")
    return test_cites[0]


def fail(
    summary: str | None = None,
    *,
    expected: str,
    received: str,
    response: httpx.Response | None = None,
    requirement: Requirement | None = None,
) -> ContractViolation:
    """The verdict that `requirement` is broken; `summary` defaults to the request line of `response`."""
    requirement = judged(requirement)
    if summary is None:
        if response is None:
            raise TypeError("fail() needs a summary when there is no response to name the request")
        summary = request_line(response)
    requirements = (requirement,) if isinstance(requirement, str) else tuple(requirement)
    exchange = exchange_of(response) if response is not None else None
    return ContractViolation([Violation(requirements, summary, expected, received, exchange)])


def _verify_no_problems(
    problems: list[str], requirement: Requirement, expected: str, response: httpx.Response, summary: str | None
) -> None:
    """The shared end of the checks that list every problem they find: any problem fails `requirement`."""
    if problems:
        raise fail(summary, expected=expected, received="; ".join(problems), response=response, requirement=requirement)


def skip_unless_status(response: httpx.Response, status: int, judged_by: str, needs: str | None = None) -> None:
    """For a test that judges only a response of `status`: another status leaves it not run, as `judged_by`
    judge that status (`needs`: the one requirement of them the test waits for)."""
    if response.status_code != status:
        raise not_run(
            f"{request_line(response)} answered {response.status_code}, not {status}: {judged_by} judge that",
            needs=needs,
        )


def describe_status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".rstrip()


def verify_status(
    response: httpx.Response,
    expected: int | Collection[int],
    summary: str | None = None,
    *,
    requirement: Requirement | None = None,
) -> None:
    requirement = judged(requirement)
    allowed = {expected} if isinstance(expected, int) else set(expected)
    if response.status_code not in allowed:
        wanted = " or ".join(str(code) for code in sorted(allowed))
        if response.status_code >= 500:
            requirement = [*([requirement] if isinstance(requirement, str) else requirement), "GEN-NO-5XX"]
        raise fail(
            summary,
            expected=f"status {wanted}",
            received=f"status {describe_status(response)}",
            response=response,
            requirement=requirement,
        )


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _parse_json(response: httpx.Response, requirement: Requirement, summary: str | None) -> Any:
    try:
        return strict_json.loads(response.content)
    except ValueError as error:
        raise fail(
            summary,
            expected="a JSON body",
            received=f"a body that is not JSON ({error})",
            response=response,
            requirement=requirement,
        ) from None


def verify_json_success(response: httpx.Response, summary: str | None = None) -> Any:
    """GEN-JSON: a 200 or 201 is `application/json` with a JSON body."""
    if _media_type(response) != "application/json":
        raise fail(
            summary,
            expected="Content-Type: application/json",
            received=f"Content-Type: {response.headers.get('content-type', '(none)')}",
            response=response,
            requirement="GEN-JSON",
        )
    return _parse_json(response, "GEN-JSON", summary)


def verify_item(
    response: httpx.Response, item: object, summary: str | None = None, *, requirement: Requirement = "ITEM-SHAPE"
) -> dict[str, Any]:
    """ITEM-SHAPE: exactly the four members, with their types and bounds (`requirement`: with those that
    name the Item as the body of this response)."""
    _verify_no_problems(
        item_shape_problems(item),
        requirement,
        "an Item: id, name, price, description within their bounds",
        response,
        summary,
    )
    assert isinstance(item, dict)
    return item


def verify_item_response(
    response: httpx.Response,
    status: int,
    summary: str | None = None,
    *,
    members: Mapping[str, Any] | None = None,
    requirement: Requirement | None = None,
) -> dict[str, Any]:
    """The usual success path: the status, a JSON body (GEN-JSON) and an Item in it (ITEM-SHAPE, and the
    requirement judged where it says the body is the Item); then, if given, the `members` it must hold."""
    requirement = judged(requirement)
    verify_status(response, status, summary, requirement=requirement)
    named = {requirement} if isinstance(requirement, str) else set(requirement)
    shape = ["ITEM-SHAPE", *sorted(named & WITH_THE_ITEM)]
    item = verify_item(response, verify_json_success(response, summary), summary, requirement=shape)
    if members is not None:
        verify_members(response, item, members, summary, requirement=requirement)
    return item


def verify_stored(
    api: ApiClient,
    item_id: int | str,
    members: Mapping[str, Any],
    *,
    requirement: Requirement | None = None,
    read_requirement: Requirement | None = None,
) -> None:
    """The item reads back with GET: 200 with an Item holding the `members`; `read_requirement` judges the read
    where that is another requirement's (READ-200, after a write)."""
    response = api.get(item_path(item_id))
    item = verify_item_response(response, 200, requirement=read_requirement)
    verify_members(response, item, members, requirement=requirement)


def verify_members(
    response: httpx.Response | None,
    item: Mapping[str, Any],
    expected: Mapping[str, Any],
    summary: str | None = None,
    *,
    requirement: Requirement | None = None,
) -> None:
    """`item` holds the `expected` members (ITEM-ROUNDTRIP's equality); `response` is the evidence, if any."""
    requirement = judged(requirement)
    differing = [name for name, value in expected.items() if not same_value(value, item.get(name))]
    if differing:
        raise fail(
            summary,
            expected=", ".join(f"{name}={short_repr(expected[name])}" for name in differing),
            received=", ".join(
                f"{name}={short_repr(item.get(name))}{normalised_from(expected[name], item.get(name))}"
                for name in differing
            ),
            response=response,
            requirement=requirement,
        )


def _error_body_problems(response: httpx.Response) -> list[str]:
    try:
        body = strict_json.loads(response.content)
    except ValueError:
        return [f"the body is not JSON: {response.content[:80]!r}"]
    if not isinstance(body, dict):
        return [f"the body is JSON {type(body).__name__}, not an object"]
    if not isinstance(body.get("detail"), str):
        return [f"'detail' is {short_repr(body.get('detail')) if 'detail' in body else 'missing'}, not a string"]
    return []


def verify_error_body(response: httpx.Response, summary: str | None = None) -> None:
    """ERR-BODY: a 4xx body is a JSON object with a string `detail`."""
    _verify_no_problems(
        _error_body_problems(response), "ERR-BODY", "a JSON object with a string member 'detail'", response, summary
    )


def _problem_details_problems(response: httpx.Response) -> list[str]:
    problems = []
    if _media_type(response) != "application/problem+json":
        problems.append(f"Content-Type is {response.headers.get('content-type', '(none)')!r}")
    try:
        body = strict_json.loads(response.content)
    except ValueError:
        return [*problems, "the body is not JSON"]
    if not isinstance(body, dict):
        return [*problems, "the body is not a JSON object"]
    if body.get("status") != response.status_code or isinstance(body.get("status"), bool):
        problems.append(f"'status' is {body.get('status')!r}, the response status is {response.status_code}")
    if not isinstance(body.get("title"), str):
        problems.append("'title' is missing or not a string")
    return problems


def verify_problem_details(response: httpx.Response, summary: str | None = None) -> None:
    """ERR-PROBLEM: RFC 9457 media type, a matching `status` and a `title`."""
    _verify_no_problems(
        _problem_details_problems(response),
        "ERR-PROBLEM",
        "application/problem+json with 'status' equal to the response status and a 'title'",
        response,
        summary,
    )


def verify_bearer_challenge(response: httpx.Response, summary: str | None = None) -> None:
    """AUTH-CHALLENGE: a 401 names the Bearer scheme in WWW-Authenticate (RFC 6750 §3)."""
    challenges = response.headers.get_list("www-authenticate")
    if not any(_BEARER_CHALLENGE.search(value) for value in challenges):
        raise fail(
            summary,
            expected="a WWW-Authenticate header with the Bearer scheme",
            received=f"WWW-Authenticate: {', '.join(challenges) or '(none)'}",
            response=response,
            requirement="AUTH-CHALLENGE",
        )


def verify_unchanged(
    api: ApiClient, before: Mapping[str, Any], summary: str | None = None, *, requirement: Requirement | None = None
) -> None:
    """The stored item still reads back exactly as `before` (a refused write changed nothing)."""
    requirement = judged(requirement)
    response = api.get(item_path(before["id"]))
    if response.status_code != 200:
        raise fail(
            summary,
            expected=f"item {before['id']} still readable with 200",
            received=f"status {describe_status(response)}",
            response=response,
            requirement=requirement,
        )
    after = _parse_json(response, requirement, summary)
    # A change, not the item's shape: a price read back as the string of the same number, or a member the
    # read leaves out, is ITEM-SHAPE's to judge.
    if isinstance(after, dict):
        read = as_read(after)
        changed = [name for name in ITEM_MEMBERS if name in read and not same_value(before.get(name), read[name])]
    else:
        changed = sorted(ITEM_MEMBERS)
    if changed:
        raise fail(
            summary,
            expected=f"item unchanged: {dict(before)}",
            received=f"now {after}",
            response=response,
            requirement=requirement,
        )


def verify_refused(
    api: ApiClient,
    before: Mapping[str, Any],
    response: httpx.Response,
    status: int,
    *,
    requirement: Requirement | None = None,
) -> None:
    """A write to the item `before` is refused with `status`, and changes nothing."""
    verify_status(response, status, requirement=requirement)
    summary = f"item {before['id']} after a refused {response.request.method}"
    verify_unchanged(api, before, summary, requirement=requirement)


def verify_not_created(tail: Tail, name: str, *, requirement: Requirement | None = None) -> None:
    """No item named `name` is among the newest items (a `tail` read after a refused write): new items take
    the highest ids."""
    requirement = judged(requirement)
    found = [entry for entry in tail.entries if isinstance(entry, dict) and entry.get("name") == name]
    if found:
        raise fail(
            "the list after a refused write",
            expected=f"no item named {name!r} stored",
            received=f"item {found[0].get('id')} was stored: {found[0]}",
            requirement=requirement,
        )


def verify_distinct_ids(ids: Sequence[Any], summary: str, *, requirement: Requirement | None = None) -> None:
    """Items created by this run never share an id."""
    requirement = judged(requirement)
    if repeated := sorted({item_id for item_id in ids if ids.count(item_id) > 1}):
        raise fail(
            summary,
            expected=f"{len(ids)} distinct ids",
            received=f"ids {list(ids)}; repeated: {repeated}",
            requirement=requirement,
        )


def verify_listed(tail: Tail, ids: Collection[int], summary: str, *, requirement: Requirement | None = None) -> None:
    """Every one of `ids` is among the items read from the list."""
    requirement = judged(requirement)
    if missing := sorted(set(ids) - tail.ids):
        raise fail(
            summary,
            expected=f"ids {sorted(ids)} listed",
            received=f"missing {missing}; listed from offset {tail.offset}: ids {sorted(tail.ids)}",
            requirement=requirement,
        )


def verify_total_change(
    before: Tail, after: Tail, change: int, summary: str, *, requirement: Requirement | None = None
) -> None:
    """`total` moved by exactly `change` between two quiet reads of the list."""
    requirement = judged(requirement)
    if after.total != before.total + change:
        raise fail(
            summary,
            expected=f"total {before.total + change}",
            received=f"total {after.total}",
            requirement=requirement,
        )
