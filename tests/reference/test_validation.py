"""§4 Validation: strict schemas (no coercion, no unknown members) give 422; bodies that are not JSON give 400."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]
BODY = "(body)"  # how the reference names the body itself when it is not an object
NOT_OBJECT = [("[]", {BODY}), ('[{"name": "w", "price": 1}]', {BODY}), ('"w"', {BODY}), ("42", {BODY})]
NOT_OBJECT += [("true", {BODY}), ("null", {BODY})]

# Kind of fault -> (JSON text, the members a 422 must name), invalid as ItemCreate (POST and PUT).
INVALID_CREATE = {
    "missing": [
        ("{}", {"name", "price"}),
        ('{"name": "widget"}', {"price"}),
        ('{"price": 1, "description": "d"}', {"name"}),
    ],
    "wrong-type": [
        ('{"name": 1, "price": 1}', {"name"}),
        ('{"name": null, "price": 1}', {"name"}),
        ('{"name": ["widget"], "price": 1}', {"name"}),
        ('{"name": "widget", "price": "9.99"}', {"price"}),
        ('{"name": "widget", "price": true}', {"price"}),
        ('{"name": "widget", "price": null}', {"price"}),
        ('{"name": "widget", "price": 1, "description": 5}', {"description"}),
        ('{"name": 1, "price": "1", "description": false}', {"name", "price", "description"}),
    ],
    "out-of-range": [
        ('{"name": "", "price": 1}', {"name"}),
        (json.dumps({"name": "x" * 101, "price": 1}), {"name"}),
        (json.dumps({"name": "😀" * 101, "price": 1}), {"name"}),
        ('{"name": "widget", "price": 0}', {"price"}),
        ('{"name": "widget", "price": -0.0}', {"price"}),
        ('{"name": "widget", "price": -5}', {"price"}),
        ('{"name": "widget", "price": 1000000.01}', {"price"}),
        ('{"name": "widget", "price": 1e400}', {"price"}),
        (json.dumps({"name": "widget", "price": 1, "description": "d" * 1001}), {"description"}),
    ],
    "unknown-member": [
        ('{"name": "widget", "price": 1, "colour": "red"}', {"colour"}),
        ('{"id": 7, "name": "widget", "price": 1}', {"id"}),
        ('{"name": "widget", "price": 1, "Name": "w"}', {"Name"}),
    ],
    "not-an-object": NOT_OBJECT,
}

# The same kinds of fault for ItemPatch: every member optional, name and price not nullable.
INVALID_PATCH = {
    "wrong-type": [
        ('{"name": 1}', {"name"}),
        ('{"price": "9.99"}', {"price"}),
        ('{"price": true}', {"price"}),
        ('{"description": false}', {"description"}),
    ],
    "out-of-range": [
        ('{"name": ""}', {"name"}),
        ('{"price": 0}', {"price"}),
        ('{"price": 1000001}', {"price"}),
        (json.dumps({"description": "d" * 1001}), {"description"}),
    ],
    "unknown-member": [('{"id": 1}', {"id"}), ('{"colour": "red", "name": "ok"}', {"colour"})],
    "not-an-object": NOT_OBJECT,
}

NOT_JSON = [b"", b" ", b"{", b'{"name": "widget", "price": 1', b"{'name': 'widget', 'price': 1}", b"name=widget"]
NOT_JSON += [
    b'{"name": "widget", "price": 1} trailing',
    b'{"name": "widget",}',
    b"\xff\xfe",
    b"\xef\xbb\xbf{}",
    b'{"name": "widget", "price": NaN}',
    b'{"price": Infinity}',
]


def send(client: TestClient, method: str, content: bytes | str, auth: dict[str, str]) -> Any:
    """Sends a write of item 1 (or a create), always labelled as JSON."""
    path = "/items" if method == "POST" else "/items/1"
    return client.request(method, path, content=content, headers={**auth, "Content-Type": "application/json"})


def assert_422_naming(response: Any, content: str, offending: set[str]) -> None:
    assert response.status_code == 422, f"expected 422 for {content[:60]}, got {response.status_code}: {response.text}"
    problem = response.json()
    named = {error["field"] for error in problem["errors"]}
    assert named == offending, f"{content[:60]}: expected errors naming {sorted(offending)}, got {sorted(named)}"
    assert all(member in problem["detail"] for member in offending), problem["detail"]


@pytest.mark.covers("VALID-422", "VALID-FIELDS")
@pytest.mark.parametrize("kind", INVALID_CREATE)
def test_invalid_create_body_gets_422_naming_members_and_changes_nothing(
    client: TestClient,
    auth: dict[str, str],
    make_item: Callable[..., Item],
    stored: Callable[[], list[Item]],
    kind: str,
) -> None:
    make_item()
    before = stored()
    for content, offending in INVALID_CREATE[kind]:
        for method in ("POST", "PUT"):
            assert_422_naming(send(client, method, content, auth), f"{method} {content}", offending)
    assert stored() == before


@pytest.mark.covers("VALID-422", "VALID-FIELDS")
@pytest.mark.parametrize("kind", INVALID_PATCH)
def test_invalid_patch_body_gets_422_naming_members_and_changes_nothing(
    client: TestClient,
    auth: dict[str, str],
    make_item: Callable[..., Item],
    stored: Callable[[], list[Item]],
    kind: str,
) -> None:
    make_item(description="kept")
    before = stored()
    for content, offending in INVALID_PATCH[kind]:
        assert_422_naming(send(client, "PATCH", content, auth), f"PATCH {content}", offending)
    assert stored() == before


@pytest.mark.covers("VALID-422")
def test_values_at_the_bounds_are_accepted(client: TestClient, auth: dict[str, str]) -> None:
    # The other side of each out-of-range case: the bounds themselves are valid.
    for content, price in [
        ('{"name": "widget", "price": 1000000}', 1_000_000),
        ('{"name": "widget", "price": 5e-324}', 5e-324),
        (json.dumps({"name": "x" * 100, "price": 1, "description": "d" * 1000}), 1),
        (json.dumps({"name": "😀" * 100, "price": 1, "description": "😀" * 1000}), 1),
    ]:
        response = send(client, "POST", content, auth)
        assert response.status_code == 201, f"{content[:60]} is valid, got {response.status_code}: {response.text}"
        assert response.json()["price"] == price


@pytest.mark.covers("VALID-422")
def test_out_of_range_price_written_with_many_digits_gets_422(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item], stored: Callable[[], list[Item]]
) -> None:
    # Well-formed JSON with a price far above 1,000,000 is a schema mismatch (422), not a syntax error (400);
    # the §8 carve-out only covers numbers a double cannot hold *at the bounds*.
    make_item()
    before = stored()
    for digits in (400, 5000):
        content = '{"name": "widget", "price": 1' + "0" * digits + "}"
        for method in ("POST", "PUT", "PATCH"):
            response = send(client, method, content, auth)
            assert response.status_code == 422, (
                f"{method}: expected 422 for a {digits + 1}-digit price, got {response.status_code}: {response.text}"
            )
    assert stored() == before


@pytest.mark.covers("VALID-400")
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_body_that_is_not_json_gets_400_and_changes_nothing(
    client: TestClient,
    auth: dict[str, str],
    make_item: Callable[..., Item],
    stored: Callable[[], list[Item]],
    method: str,
) -> None:
    make_item()
    before = stored()
    for content in NOT_JSON:
        response = send(client, method, content, auth)
        assert response.status_code == 400, f"expected 400 for {content!r}, got {response.status_code}: {response.text}"
        assert response.json()["detail"] == "The request body is not well-formed JSON."
    assert stored() == before
