"""Small named checks of one response against one requirement.

Each `verify_…` returns what it checked (a parsed body, an item) or raises a ContractViolation that
says what the contract expects, what the target sent, and the exchange that showed it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from typing import Any

import httpx

from conformance.client import exchange_of, item_path
from conformance.violations import ContractViolation, violated

_BEARER_CHALLENGE = re.compile(r"(?:^|,)\s*bearer(?:\s|,|$)", re.IGNORECASE)
ITEM_MEMBERS = frozenset({"id", "name", "price", "description"})
PRICE_MAX = 1_000_000
NAME_MAX = 100
DESCRIPTION_MAX = 1000


def fail(
    requirement: str | Collection[str],
    summary: str,
    *,
    expected: str,
    received: str,
    response: httpx.Response | None = None,
    notes: Collection[str] = (),
) -> ContractViolation:
    exchange = exchange_of(response) if response is not None else None
    return violated(
        requirement if isinstance(requirement, str) else tuple(requirement),
        summary,
        expected=expected,
        received=received,
        exchange=exchange,
        notes=list(notes),
    )


def describe_status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".rstrip()


def verify_status(
    response: httpx.Response, expected: int | Collection[int], requirement: str | Collection[str], summary: str
) -> None:
    allowed = {expected} if isinstance(expected, int) else set(expected)
    if response.status_code not in allowed:
        wanted = " or ".join(str(code) for code in sorted(allowed))
        if response.status_code >= 500:
            requirement = [*([requirement] if isinstance(requirement, str) else requirement), "GEN-NO-5XX"]
        raise fail(
            requirement,
            summary,
            expected=f"status {wanted}",
            received=f"status {describe_status(response)}",
            response=response,
        )


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def parse_json(response: httpx.Response, requirement: str | Collection[str], summary: str) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as error:
        raise fail(
            requirement,
            summary,
            expected="a JSON body",
            received=f"a body that is not JSON ({error})",
            response=response,
        ) from None


def verify_json_success(response: httpx.Response, summary: str) -> Any:
    """GEN-JSON: a 200 or 201 is `application/json` with a JSON body."""
    if media_type(response) != "application/json":
        raise fail(
            "GEN-JSON",
            summary,
            expected="Content-Type: application/json",
            received=f"Content-Type: {response.headers.get('content-type', '(none)')}",
            response=response,
        )
    return parse_json(response, "GEN-JSON", summary)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def item_shape_problems(item: object) -> list[str]:
    """Everything that makes `item` not an Item of §1; empty when it is one."""
    if not isinstance(item, dict):
        return [f"not a JSON object but {type(item).__name__}"]
    problems = []
    if missing := ITEM_MEMBERS - item.keys():
        problems.append(f"missing members {sorted(missing)}")
    if extra := item.keys() - ITEM_MEMBERS:
        problems.append(f"members outside the contract {sorted(extra)}")
    item_id, name, price = item.get("id"), item.get("name"), item.get("price")
    description = item.get("description")
    if "id" in item and not (isinstance(item_id, int) and not isinstance(item_id, bool) and item_id >= 1):
        problems.append(f"id must be an integer ≥ 1, got {item_id!r}")
    if "name" in item and not (isinstance(name, str) and 1 <= len(name) <= NAME_MAX):
        problems.append(f"name must be a string of 1 to {NAME_MAX} characters, got {_short(name)}")
    if "price" in item and not (_is_number(price) and 0 < price <= PRICE_MAX and math.isfinite(price)):
        problems.append(f"price must be a number in (0, {PRICE_MAX}], got {price!r}")
    if "description" in item and not (
        description is None or (isinstance(description, str) and len(description) <= DESCRIPTION_MAX)
    ):
        problems.append(
            f"description must be null or a string of at most {DESCRIPTION_MAX} characters, got {_short(description)}"
        )
    return problems


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}... ({len(value) if isinstance(value, str) else '?'} chars)"


def verify_item(response: httpx.Response, item: object, summary: str) -> dict[str, Any]:
    """ITEM-SHAPE: exactly the four members, with their types and bounds."""
    if problems := item_shape_problems(item):
        raise fail(
            "ITEM-SHAPE",
            summary,
            expected="an Item: id, name, price, description within their bounds",
            received="; ".join(problems),
            response=response,
        )
    assert isinstance(item, dict)
    return item


def verify_item_response(response: httpx.Response, status: int, requirement: str, summary: str) -> dict[str, Any]:
    """The usual success path: the status, a JSON body (GEN-JSON) and an Item in it (ITEM-SHAPE)."""
    verify_status(response, status, requirement, summary)
    return verify_item(response, verify_json_success(response, summary), summary)


def same_value(sent: object, received: object) -> bool:
    """ITEM-ROUNDTRIP's equality: strings exactly, numbers by value (as IEEE 754 doubles, §8)."""
    if _is_number(sent) and _is_number(received):
        return float(sent) == float(received)  # type: ignore[arg-type]
    return type(sent) is type(received) and sent == received


def verify_members(
    response: httpx.Response,
    item: Mapping[str, Any],
    expected: Mapping[str, Any],
    requirement: str | Collection[str],
    summary: str,
) -> None:
    differing = [name for name, value in expected.items() if not same_value(value, item.get(name))]
    if differing:
        raise fail(
            requirement,
            summary,
            expected=", ".join(f"{name}={_short(expected[name])}" for name in differing),
            received=", ".join(f"{name}={_short(item.get(name))}" for name in differing),
            response=response,
        )


def error_body_problems(response: httpx.Response) -> list[str]:
    try:
        body = json.loads(response.content)
    except ValueError:
        return [f"the body is not JSON: {response.content[:80]!r}"]
    if not isinstance(body, dict):
        return [f"the body is JSON {type(body).__name__}, not an object"]
    if not isinstance(body.get("detail"), str):
        return [f"'detail' is {_short(body.get('detail')) if 'detail' in body else 'missing'}, not a string"]
    return []


def verify_error_body(response: httpx.Response, summary: str) -> None:
    """ERR-BODY: a 4xx body is a JSON object with a string `detail`."""
    if problems := error_body_problems(response):
        raise fail(
            "ERR-BODY",
            summary,
            expected="a JSON object with a string member 'detail'",
            received="; ".join(problems),
            response=response,
        )


def problem_details_problems(response: httpx.Response) -> list[str]:
    problems = []
    if media_type(response) != "application/problem+json":
        problems.append(f"Content-Type is {response.headers.get('content-type', '(none)')!r}")
    try:
        body = json.loads(response.content)
    except ValueError:
        return [*problems, "the body is not JSON"]
    if not isinstance(body, dict):
        return [*problems, "the body is not a JSON object"]
    if body.get("status") != response.status_code or isinstance(body.get("status"), bool):
        problems.append(f"'status' is {body.get('status')!r}, the response status is {response.status_code}")
    if not isinstance(body.get("title"), str):
        problems.append("'title' is missing or not a string")
    return problems


def verify_problem_details(response: httpx.Response, summary: str) -> None:
    """ERR-PROBLEM: RFC 9457 media type, a matching `status` and a `title`."""
    if problems := problem_details_problems(response):
        raise fail(
            "ERR-PROBLEM",
            summary,
            expected="application/problem+json with 'status' equal to the response status and a 'title'",
            received="; ".join(problems),
            response=response,
        )


def verify_bearer_challenge(response: httpx.Response, summary: str) -> None:
    """AUTH-CHALLENGE: a 401 names the Bearer scheme in WWW-Authenticate (RFC 6750 §3)."""
    challenges = response.headers.get_list("www-authenticate")
    if not any(_BEARER_CHALLENGE.search(value) for value in challenges):
        raise fail(
            "AUTH-CHALLENGE",
            summary,
            expected="a WWW-Authenticate header with the Bearer scheme",
            received=f"WWW-Authenticate: {', '.join(challenges) or '(none)'}",
            response=response,
        )


def verify_unchanged(api: Any, before: Mapping[str, Any], requirement: str | Collection[str], summary: str) -> None:
    """The stored item still reads back exactly as `before` (a refused write changed nothing)."""
    response = api.get(item_path(before["id"]))
    if response.status_code != 200:
        raise fail(
            requirement,
            summary,
            expected=f"item {before['id']} still readable with 200",
            received=f"status {describe_status(response)}",
            response=response,
        )
    after = parse_json(response, requirement, summary)
    changed = [
        name
        for name in ITEM_MEMBERS
        if not same_value(before.get(name), after.get(name) if isinstance(after, dict) else None)
    ]
    if changed:
        raise fail(
            requirement, summary, expected=f"item unchanged: {dict(before)}", received=f"now {after}", response=response
        )


def verify_not_created(items: Any, name: str, requirement: str | Collection[str], summary: str) -> None:
    """No item named `name` appeared. New items take the highest ids, so the tail of the list is searched."""
    total = items.total()
    page = items.page(limit=100, offset=max(0, total - 100))
    found = [entry for entry in page["items"] if isinstance(entry, dict) and entry.get("name") == name]
    if found:
        raise fail(
            requirement,
            summary,
            expected=f"no item named {name!r} stored",
            received=f"item {found[0].get('id')} was stored: {found[0]}",
        )
