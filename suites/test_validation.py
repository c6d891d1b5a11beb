"""§4 Validation: 422 for well-formed JSON that breaks the schema, 400 for JSON that is not well-formed.

Every refused body also proves that nothing was stored or changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from conformance.checks.cases import cases
from conformance.checks.items import Items
from conformance.checks.verify import (
    fail,
    verify_item_response,
    verify_members,
    verify_not_created,
    verify_refused,
    verify_status,
    verify_unchanged,
)
from conformance.contract.openapi import load_contract
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS, item_path

CONTRACT = load_contract()

COMBINING = "e\u0301"
"""Two code points, one character to a reader."""

NAME = "__name__"
"""Stands for the unique name a test gives its body, so a stored body can be found again."""

INVALID_CREATES: dict[str, Any] = {
    "missing-name": {"price": 1},
    "missing-price": {"name": NAME},
    "price-as-string": {"name": NAME, "price": "9.99"},
    "price-as-boolean": {"name": NAME, "price": True},
    "price-zero": {"name": NAME, "price": 0},
    "price-negative": {"name": NAME, "price": -5},
    "price-over-maximum": {"name": NAME, "price": CONTRACT.price_max + 0.01},
    "price-null": {"name": NAME, "price": None},
    "name-as-number": {"name": 1, "price": 1},
    "name-empty": {"name": "", "price": 1},
    "name-101-chars": {"name": "n" * (CONTRACT.name_max + 1), "price": 1},
    # 101 code points that count as fewer by another measure: 51 characters to a reader (grapheme clusters,
    # or after NFC), or 101 emoji that a count of bytes or UTF-16 units would refuse for the wrong reason.
    "name-101-chars-combining": {"name": COMBINING * (CONTRACT.name_max // 2) + "x", "price": 1},
    "name-101-astral-chars": {"name": "😀" * (CONTRACT.name_max + 1), "price": 1},
    "name-null": {"name": None, "price": 1},
    "description-1001-chars": {"name": NAME, "price": 1, "description": "d" * (CONTRACT.description_max + 1)},
    "description-1001-chars-combining": {
        "name": NAME,
        "price": 1,
        "description": COMBINING * (CONTRACT.description_max // 2) + "x",
    },
    "description-as-number": {"name": NAME, "price": 1, "description": 5},
    "unknown-member": {"name": NAME, "price": 1, "colour": "red"},
    "id-member": {"name": NAME, "price": 1, "id": 12345},
    "array-body": [{"name": NAME, "price": 1}],
    "string-body": "name",
    "number-body": 5,
    "null-body": None,
}

INVALID_PATCHES: dict[str, Any] = {
    "price-as-string": {"price": "9.99"},
    "price-as-boolean": {"price": False},
    "price-zero": {"price": 0},
    "name-empty": {"name": ""},
    "name-101-chars": {"name": "n" * (CONTRACT.name_max + 1)},
    "name-101-chars-combining": {"name": COMBINING * (CONTRACT.name_max // 2) + "x"},
    "description-1001-chars": {"description": "d" * (CONTRACT.description_max + 1)},
    "unknown-member": {"colour": "red"},
    "id-member": {"id": 12345},
    "array-body": [],
    "null-body": None,
    # One valid member and one invalid, in both orders: a server that applies members one by one until one
    # fails has already written the valid one when it answers 422.
    "valid-name-then-bad-price": {"name": "changed by a refused patch", "price": -1},
    "bad-price-then-valid-name": {"price": -1, "name": "changed by a refused patch"},
    "valid-price-then-name-as-number": {"price": 5, "name": 5},
    "valid-description-then-unknown-member": {"description": "changed by a refused patch", "colour": "red"},
}
INVALID_CREATE_ASSERTS: dict[str, str] = {
    "missing-name": "VALID-422.missing-name",
    "missing-price": "VALID-422.missing-price",
    "price-as-string": "VALID-422.price-string",
    "price-as-boolean": "VALID-422.price-boolean",
    "price-zero": "VALID-422.price-zero",
    "price-negative": "VALID-422.price-zero",
    "price-over-maximum": "VALID-422.price-over-maximum",
    "price-null": "VALID-422.other-wrong-type",
    "name-as-number": "VALID-422.name-number",
    "name-empty": "VALID-422.name-empty",
    "name-101-chars": "VALID-422.name-over-100",
    "name-101-chars-combining": "VALID-422.name-over-100",
    "name-101-astral-chars": "VALID-422.name-over-100",
    "name-null": "VALID-422.other-wrong-type",
    "description-1001-chars": "VALID-422.description-over-1000",
    "description-1001-chars-combining": "VALID-422.description-over-1000",
    "description-as-number": "VALID-422.other-wrong-type",
    "unknown-member": "VALID-422.unknown-member",
    "id-member": "VALID-422.id-member",
    "array-body": "VALID-422.not-object-array",
    "string-body": "VALID-422.not-object-string",
    "number-body": "VALID-422.not-object-number",
    "null-body": "VALID-422.not-object-null",
}
INVALID_PATCH_ASSERTS: dict[str, str] = {
    **{key: INVALID_CREATE_ASSERTS[key] for key in INVALID_PATCHES if key in INVALID_CREATE_ASSERTS},
    "valid-name-then-bad-price": "VALID-422.nothing-stored-or-changed",
    "bad-price-then-valid-name": "VALID-422.nothing-stored-or-changed",
    "valid-price-then-name-as-number": "VALID-422.nothing-stored-or-changed",
    "valid-description-then-unknown-member": "VALID-422.nothing-stored-or-changed",
}

TOKEN = "__token__"
"""Stands for a number token in a body: the document is written as JSON, then the token put in its place."""

NOT_JSON_FORMS: dict[str, Callable[[str], str]] = {
    # Each turns the JSON text of a valid body into text that is not JSON (RFC 8259), most of them into
    # what a lenient parser (JSON5, a Python literal reader, a parser with its "allow" options on) accepts.
    "missing-colon": lambda text: text.replace(":", "", 1),
    "truncated": lambda text: text[:-1],
    "empty": lambda text: "",
    "trailing-garbage": lambda text: text + " }",
    "trailing-comma": lambda text: text[:-1] + ",}",
    "line-comment": lambda text: "{// a comment\n" + text[1:],
    "block-comment": lambda text: "{/* a comment */" + text[1:],
    "single-quotes": lambda text: text.replace('"', "'"),
    "unquoted-keys": lambda text: re.sub(r'"(\w+)":', r"\1:", text),
    "raw-tab-in-string": lambda text: text.replace('": "', '": "\t', 1),
    "invalid-escape": lambda text: text.replace('": "', '": "\\x41', 1),
    "python-literal": lambda text: text.replace("null", "None"),
}
NUMBER_TOKENS: dict[str, str] = {
    # Number forms that JavaScript, JSON5 or Python read and JSON does not have.
    "nan": "NaN",
    "infinity": "Infinity",
    "minus-infinity": "-Infinity",
    "plus-sign": "+1",
    "leading-zero": "01",
    "hex": "0x1",
    "bare-fraction": ".5",
    "trailing-point": "1.",
}
NUMBER_PLACES: dict[str, Callable[[dict[str, Any]], Any]] = {
    # Where a number token can stand: where a number belongs, where it would be a type error (a lenient
    # parser then answers 422, not 400), nested, in a member the schema does not know, as the whole body.
    "price": lambda body: {**body, "price": TOKEN},
    "name": lambda body: {**body, "name": TOKEN},
    "nested": lambda body: {**body, "description": [TOKEN]},
    "unknown-member": lambda body: {**body, "colour": {"shade": TOKEN}},
    "whole-body": lambda body: TOKEN,
}


def valid_body(method: str, name: str) -> dict[str, Any]:
    """A valid body for `method` with a string and a null member, which the forms above bend."""
    return {"name": name, "description": None} if method == "PATCH" else {"name": name, "price": 1, "description": None}


def with_token(document: Any, token: str) -> bytes:
    return json.dumps(document).replace(json.dumps(TOKEN), token).encode()


NOT_JSON: dict[str, Callable[[dict[str, Any]], bytes]] = {
    **{form: lambda body, bend=bend: bend(json.dumps(body)).encode() for form, bend in NOT_JSON_FORMS.items()},
    **{
        f"{token_id}-in-{place}": lambda body, token=token, put=put: with_token(put(body), token)
        for token_id, token in NUMBER_TOKENS.items()
        for place, put in NUMBER_PLACES.items()
    },
}
"""Bodies that are not JSON, made from a valid body: each form of text, each number token in each place."""
NOT_JSON_ASSERTS = {key: f"VALID-400.{key if key in ('truncated', 'empty') else 'syntax-error'}" for key in NOT_JSON}

BOM = b"\xef\xbb\xbf"
FIELD_PROBLEMS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "missing-both": ({}, ["name", "price"]),
    "wrong-price-and-unknown": ({"name": "ok", "price": "cheap", "colour": "red"}, ["price", "colour"]),
    "empty-name": ({"name": "", "price": 1}, ["name"]),
    "long-description": (
        {"name": "ok", "price": 1, "description": "d" * (CONTRACT.description_max + 1)},
        ["description"],
    ),
}


def with_name(body: Any, name: str) -> Any:
    if isinstance(body, dict):
        return {key: name if value == NAME else value for key, value in body.items()}
    if isinstance(body, list):
        return [with_name(entry, name) for entry in body]
    return body


@pytest.mark.requirement("VALID-422")
@pytest.mark.asserts("VALID-422.nothing-stored-or-changed")
@pytest.mark.parametrize("body", cases(INVALID_CREATES, INVALID_CREATE_ASSERTS))
def test_an_invalid_create_gets_422_and_stores_nothing(api: ApiClient, items: Items, body: Any) -> None:
    """VALID-422: well-formed JSON that does not match ItemCreate gets 422, and nothing is stored."""
    name = items.body()["name"]
    verify_status(api.post(ITEMS, body=with_name(body, name)), 422)
    verify_not_created(items.tail(), name)


@pytest.mark.requirement("VALID-422")
@pytest.mark.asserts("VALID-422.nothing-stored-or-changed")
@pytest.mark.parametrize("body", cases(INVALID_CREATES, INVALID_CREATE_ASSERTS))
def test_an_invalid_replace_gets_422_and_changes_nothing(api: ApiClient, items: Items, body: Any) -> None:
    """VALID-422: well-formed JSON that does not match ItemCreate gets 422 on PUT, and nothing changes."""
    item = items.baseline(items.body(description="before"))
    response = api.put(item_path(item["id"]), body=with_name(body, "replaced by an invalid body"))
    verify_refused(api, item, response, 422)


@pytest.mark.requirement("VALID-422")
@pytest.mark.asserts("VALID-422.nothing-stored-or-changed")
@pytest.mark.parametrize("body", cases(INVALID_PATCHES, INVALID_PATCH_ASSERTS))
def test_an_invalid_patch_gets_422_and_changes_nothing(api: ApiClient, items: Items, body: Any) -> None:
    """VALID-422: well-formed JSON that does not match ItemPatch gets 422, and nothing changes."""
    item = items.baseline(items.body(description="before"))
    verify_refused(api, item, api.patch(item_path(item["id"]), body=body), 422)


@pytest.mark.requirement("VALID-400")
@pytest.mark.asserts("VALID-400.nothing-stored-or-changed")
@pytest.mark.parametrize("make", cases(NOT_JSON, NOT_JSON_ASSERTS))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_a_body_that_is_not_json_gets_400_and_changes_nothing(
    api: ApiClient, items: Items, method: str, make: Callable[[dict[str, Any]], bytes]
) -> None:
    """VALID-400: a body that is not well-formed JSON (RFC 8259) gets 400, and nothing is stored or changed."""
    item = items.baseline(items.body(description="before"))
    name = items.body()["name"]
    path = ITEMS if method == "POST" else item_path(item["id"])
    response = api.request(method, path, raw=make(valid_body(method, name)))
    if method == "POST":
        verify_status(response, 400)
        verify_not_created(items.tail(), name)
    else:
        verify_refused(api, item, response, 400)


@pytest.mark.requirement("VALID-400", "ITEM-ROUNDTRIP")
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.asserts("VALID-400.syntax-error", "VALID-400.nothing-stored-or-changed")
def test_a_byte_order_mark_is_refused_or_ignored(api: ApiClient, items: Items, method: str) -> None:
    """VALID-400: a body behind a UTF-8 byte order mark is not JSON text, but RFC 8259 §8.1 lets a parser
    ignore the mark: 400 and nothing changed, or the body read as if the mark were absent."""
    item = items.baseline(items.body(description="before"))
    body = valid_body(method, items.body()["name"])
    path = ITEMS if method == "POST" else item_path(item["id"])
    response = api.request(method, path, raw=BOM + json.dumps(body).encode())
    success = 201 if method == "POST" else 200
    verify_status(response, {400, success}, requirement="VALID-400")
    if response.status_code == success:
        read = verify_item_response(response, success, requirement="VALID-400")
        verify_members(response, read, body, requirement="ITEM-ROUNDTRIP")
    elif method != "POST":
        verify_unchanged(api, item, f"item {item['id']} after a refused {method}", requirement="VALID-400")


@pytest.mark.requirement("VALID-FIELDS")
@pytest.mark.parametrize(
    "problem",
    cases(
        FIELD_PROBLEMS,
        {
            "missing-both": "VALID-FIELDS.names-missing-member",
            "wrong-price-and-unknown": "VALID-FIELDS.names-each-offending-member",
            "empty-name": "VALID-FIELDS.names-each-offending-member",
            "long-description": "VALID-FIELDS.names-each-offending-member",
        },
    ),
)
def test_a_422_names_each_offending_member(api: ApiClient, problem: tuple[dict[str, Any], list[str]]) -> None:
    """VALID-FIELDS: a 422 body names each offending member (a missing one included)."""
    body, members = problem
    response = api.post(ITEMS, body=body)
    verify_status(response, 422, requirement="VALID-422")
    text = response.text
    if missing := [member for member in members if member not in text]:
        raise fail(
            expected=f"the body names {members}",
            received=f"it does not name {missing}",
            response=response,
        )
