"""Several faults given together all apply, in either order; two that contradict each other are refused."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from target_app import create_app
from target_app.faults import FAULTS
from target_app.models import ItemCreate
from target_app.store import ItemStore

AUTH = {"Authorization": "Bearer t"}
ITEM = {"name": "lamp", "price": 9.99, "description": "brass"}


def both_orders(first: str, second: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("faults", [[first, second], [second, first]], ids=["given", "reversed"])


@pytest.fixture
def client(faults: list[str]) -> Iterator[TestClient]:
    with TestClient(create_app(tokens=["t"], faults=faults), raise_server_exceptions=False) as client:
        yield client


def created(client: TestClient, **members: object) -> dict[str, object]:
    response = client.post("/items", json={**ITEM, **members}, headers=AUTH)
    assert response.status_code in (200, 201), f"expected the create to succeed, received {response.status_code}"
    return response.json()


@both_orders("put-keeps-description", "delete-keeps-item")
def test_two_store_faults_both_apply(client: TestClient) -> None:
    item_id = created(client)["id"]
    replaced = client.put(f"/items/{item_id}", json={"name": "lamp", "price": 5}, headers=AUTH).json()
    assert replaced["description"] == "brass", f"expected PUT to keep the description, received {replaced}"
    deleted = client.delete(f"/items/{item_id}", headers=AUTH)
    assert deleted.status_code == 204, f"expected DELETE to answer 204, received {deleted.status_code}"
    kept = client.get(f"/items/{item_id}")
    assert kept.status_code == 200, f"expected the deleted item to stay, received {kept.status_code}"


@both_orders("list-offset-off-by-one", "list-total-counts-page")
def test_two_store_faults_bending_one_method_both_apply(client: TestClient) -> None:
    names = [created(client, name=f"item {n}")["name"] for n in range(4)]
    page = client.get("/items", params={"offset": 0, "limit": 2}).json()
    received = ([item["name"] for item in page["items"]], page["total"])
    assert received == (names[1:3], 2), f"expected a page one item late that counts itself, received {received}"


@both_orders("create-not-stored", "delete-keeps-item")
def test_a_store_fault_is_not_undone_by_another_ones_method(client: TestClient) -> None:
    item_id = created(client)["id"]
    status = client.get(f"/items/{item_id}").status_code
    assert status == 404, f"expected the create never to be stored, received {status}"


@both_orders("auth-basic-accepted", "auth-optional")
def test_two_auth_decisions_both_apply(client: TestClient) -> None:
    basic = client.post("/items", json=ITEM, headers={"Authorization": "Basic eDp5"}).status_code
    anonymous = client.post("/items", json=ITEM).status_code
    assert (basic, anonymous) == (201, 201), f"expected Basic and no header both let in, received {basic, anonymous}"


@both_orders("auth-after-existence", "auth-any-token")
def test_an_auth_guard_and_an_auth_decision_both_apply(client: TestClient) -> None:
    missing = client.delete("/items/999").status_code
    any_token = client.post("/items", json=ITEM, headers={"Authorization": "Bearer not-configured"}).status_code
    assert (missing, any_token) == (404, 201), (
        f"expected 404 before the token and any token let in, received {missing, any_token}"
    )


@both_orders("create-200", "create-no-location")
def test_two_response_faults_both_apply(client: TestClient) -> None:
    response = client.post("/items", json=ITEM, headers=AUTH)
    received = (response.status_code, response.headers.get("location"))
    assert received == (200, None), f"expected 200 without Location, received {received}"


@both_orders("success-text-plain", "item-extra-member")
def test_a_response_fault_keeps_the_media_type_another_one_set(client: TestClient) -> None:
    response = client.post("/items", json=ITEM, headers=AUTH)
    received = (response.headers["content-type"], "created_at" in response.json())
    assert received == ("text/plain; charset=utf-8", True), f"expected text/plain and created_at, received {received}"


@both_orders("validation-400", "validation-names-nothing")
def test_two_error_handler_faults_both_apply(client: TestClient) -> None:
    response = client.post("/items", json={"name": "lamp", "price": "cheap"}, headers=AUTH)
    received = (response.status_code, "errors" in response.json())
    assert received == (400, False), f"expected 400 naming no member, received {received}"


@pytest.mark.parametrize(
    "pair",
    [
        ("patch-interleaves", "patch-lost-update"),
        ("errors-without-detail", "errors-plain-json"),
        ("auth-basic-accepted", "auth-scheme-case-sensitive"),
    ],
)
def test_two_contradicting_faults_are_refused_naming_both(pair: tuple[str, str]) -> None:
    for faults in (list(pair), list(reversed(pair))):
        with pytest.raises(ValueError, match="one of them could not apply") as refused:
            create_app(tokens=["t"], faults=faults)
        assert all(repr(name) in str(refused.value) for name in pair), f"expected both named, received {refused.value}"


def test_every_contradiction_names_a_known_fault() -> None:
    unknown = {name: other for name, fault in FAULTS.items() for other in fault.contradicts if other not in FAULTS}
    assert unknown == {}, f"expected only known faults, received {unknown}"


def test_a_given_store_keeps_its_items_and_sees_the_writes_under_store_faults() -> None:
    store = ItemStore()
    other = asyncio.run(store.create(ItemCreate(name="other client's", price=1)))
    app = create_app(tokens=["t"], faults=["list-total-counts-page", "delete-keeps-item"], store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        listed = client.get("/items").json()["items"]
        new = created(client)
    assert listed == [other.model_dump()], f"expected the given store's item listed, received {listed}"
    stored = asyncio.run(store.get(new["id"]))
    assert stored is not None, f"expected the given store to hold item {new['id']}, received None"


@pytest.mark.parametrize(
    "faults",
    [
        ["create-race", "name-100-chars-500", "ids-from-max-plus-one"],
        ["name-100-chars-500", "ids-from-max-plus-one", "create-race"],
    ],
    ids=["reimplementation-first", "reimplementation-last"],
)
def test_three_store_faults_on_one_method_all_apply(client: TestClient) -> None:
    last = created(client)["id"]
    client.delete(f"/items/{last}", headers=AUTH)
    reused = created(client)["id"]
    long_name = client.post("/items", json={"name": "x" * 100, "price": 1}, headers=AUTH).status_code
    assert (reused, long_name) == (last, 500), f"expected id {last} reused and a 500, received {reused, long_name}"


@both_orders("auth-after-existence", "auth-refuses-after-writing")
def test_two_auth_guards_both_apply(client: TestClient) -> None:
    bad = {"Authorization": "Bearer wrong"}
    missing = client.delete("/items/999", headers=bad).status_code
    refused = client.post("/items", json=ITEM, headers=bad).status_code
    total = client.get("/items").json()["total"]
    received = (missing, refused, total)
    assert received == (404, 401, 1), f"expected 404 before the token and a 401 after writing, received {received}"


@both_orders("errors-without-detail", "docs-pages-html-404")
def test_an_error_body_fault_leaves_another_ones_html_page_alone(client: TestClient) -> None:
    response = client.get("/schema/nowhere")
    received = (response.status_code, response.headers["content-type"])
    assert received == (404, "text/html; charset=utf-8"), f"expected the HTML 404, received {received}"
    message = client.get("/items/999").json()
    assert "message" in message, f"expected errors to say 'message', received {message}"
