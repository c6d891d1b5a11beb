"""Set-up steps (conformance/checks/items.py) take what another requirement judges, so the requirement under
test is still judged: a create answering 200, an item missing a member, a price as a string, a string id.
Only a create without any id to address the item by blocks the test, naming the requirement it needs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from conformance.checks.items import Items
from conformance.checks.violations import needed_requirement
from conformance.target.client import ApiClient
from conformance.target.ledger import Ledger
from conformance.target.redaction import Redactor

TOKEN = "setup-tolerance-token"
Answer = Callable[[dict[str, Any]], httpx.Response]


def items_for(answer: Answer, read: dict[str, Any] | None = None) -> Items:
    """Items over a server that answers POST /items with `answer(sent body)` and GET /items/{id} with `read`."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return answer(json.loads(request.content))
        if request.method == "GET" and read is not None:
            return httpx.Response(200, json=read)
        return httpx.Response(404, json={"detail": "not found"})

    http = httpx.Client(base_url="http://target.test", transport=httpx.MockTransport(handler))
    return Items(ApiClient(http, token=TOKEN, ledger=Ledger(), redactor=Redactor([TOKEN])), "t1")


@pytest.mark.parametrize(
    ("answer", "expected_id"),
    [
        (lambda sent: httpx.Response(200, json={"id": 7, "description": None, **sent}), 7),
        (lambda sent: httpx.Response(201, json={"id": 7, "name": sent["name"], "price": sent["price"]}), 7),
        (lambda sent: httpx.Response(201, json={"id": 7, "description": None, **sent, "price": "12.50"}), 7),
        (lambda sent: httpx.Response(201, json={"id": "a1b2", "description": None, **sent}), "a1b2"),
        (lambda sent: httpx.Response(201, content=b"created", headers={"location": "/items/9"}), 9),
    ],
    ids=["200", "missing-description", "string-price", "string-id", "id-only-in-location"],
)
def test_a_create_the_item_can_be_addressed_from_is_usable(answer: Answer, expected_id: object) -> None:
    items = items_for(answer)
    sent = items.body(price=12.5)
    created = items.create(sent)
    expected = {"id": expected_id, "description": None, **sent}
    assert created == expected, f"expected {expected}, received {created}"


def test_a_correct_echo_is_the_item() -> None:
    """An Item in the body is returned as the server gave it (its own echo is what later checks compare)."""
    items = items_for(lambda sent: httpx.Response(201, json={"id": 3, **sent, "description": "server's"}))
    created = items.create(items.body())
    assert created["description"] == "server's", f"expected the echo's description, received {created}"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (lambda sent: httpx.Response(500, json={"detail": "boom"}), "answered 500, not 201"),
        (lambda sent: httpx.Response(201, json={"name": sent["name"]}), "without an item id"),
        (lambda sent: httpx.Response(201, json=[1, 2]), "without an item id"),
    ],
    ids=["5xx", "no-id", "not-an-object"],
)
def test_a_create_without_a_usable_item_blocks_and_names_create_201(answer: Answer, reason: str) -> None:
    items = items_for(answer)
    with pytest.raises(pytest.skip.Exception) as skipped:
        items.create()
    message = str(skipped.value)
    assert needed_requirement(message) == "CREATE-201", f"expected needs CREATE-201, received {message!r}"
    assert reason in message, f"expected {reason!r} in {message!r}"


def test_a_read_with_a_string_price_and_a_missing_member_is_usable() -> None:
    read = {"id": "x9", "name": "n", "price": "12.50"}
    items = items_for(lambda sent: httpx.Response(404), read=read)
    fetched = items.fetch("x9")
    expected = {"id": "x9", "name": "n", "price": 12.5}
    assert fetched == expected, f"expected {expected}, received {fetched}"


def test_a_read_that_is_not_an_object_blocks_and_names_read_200() -> None:
    items = items_for(lambda sent: httpx.Response(404), read=None)
    with pytest.raises(pytest.skip.Exception) as skipped:
        items.fetch(5)
    assert needed_requirement(str(skipped.value)) == "READ-200", str(skipped.value)


def test_searching_the_list_for_a_string_id_blocks_and_names_item_shape() -> None:
    items = items_for(lambda sent: httpx.Response(404))
    with pytest.raises(pytest.skip.Exception) as skipped:
        items.spanning(["a1b2"])
    assert needed_requirement(str(skipped.value)) == "ITEM-SHAPE", str(skipped.value)


def test_a_delete_answering_200_with_the_item_is_done() -> None:
    """DELETE-204 judges the 200; a set-up delete only needs the item gone."""
    item = {"id": 4, "name": "n", "price": 1, "description": None}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201 if request.method == "POST" else 200, json=item)

    http = httpx.Client(base_url="http://target.test", transport=httpx.MockTransport(handler))
    items = Items(ApiClient(http, token=TOKEN, ledger=Ledger(), redactor=Redactor([TOKEN])), "t1")
    items.delete(items.create()["id"])
