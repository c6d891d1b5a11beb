"""§5 Responses in general: JSON on success, problem details on every 4xx, documented codes, 404/405, no 5xx."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

Item = dict[str, Any]
Exchange = tuple[str, tuple[str, str], Any]  # (what was sent, (method, path template), response)
ITEM_MEMBERS = {"id", "name", "price", "description"}

# CONTRACT.md §7: the status codes each operation documents.
DOCUMENTED = {
    ("GET", "/items"): {200, 400},
    ("POST", "/items"): {201, 400, 401, 422},
    ("GET", "/items/{id}"): {200, 400, 404},
    ("PUT", "/items/{id}"): {200, 400, 401, 404, 422},
    ("PATCH", "/items/{id}"): {200, 400, 401, 404, 422},
    ("DELETE", "/items/{id}"): {204, 400, 401, 404},
}

# (method, path, body, authenticated): valid and invalid requests of every operation, sent in this order.
REQUESTS: list[tuple[str, str, bytes | None, bool]] = [
    ("GET", "/items", None, False),
    ("GET", "/items?limit=0", None, False),
    ("GET", "/items?offset=9", None, False),
    ("POST", "/items", b'{"name": "a", "price": 1}', True),
    ("POST", "/items", b'{"name": "a", "price": 1}', False),
    ("POST", "/items", b'{"name": "a"}', True),
    ("POST", "/items", b"{", True),
    ("GET", "/items/1", None, False),
    ("GET", "/items/9", None, False),
    ("PUT", "/items/1", b'{"name": "b", "price": 2}', True),
    ("PUT", "/items/9", b'{"name": "b", "price": 2}', True),
    ("PUT", "/items/1", b'{"name": "b"}', True),
    ("PUT", "/items/1", b"nope", True),
    ("PUT", "/items/1", b"{}", False),
    ("PATCH", "/items/1", b'{"price": 3}', True),
    ("PATCH", "/items/9", b"{}", True),
    ("PATCH", "/items/1", b'{"price": null}', True),
    ("PATCH", "/items/1", b"", True),
    ("PATCH", "/items/1", b"{}", False),
    ("DELETE", "/items/9", None, True),
    ("DELETE", "/items/1", None, False),
    ("DELETE", "/items/1", None, True),
]


@pytest.fixture
def exchanges(client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]) -> Iterator[Exchange]:
    """The REQUESTS, sent one after the other (lazily, as the test iterates) to an app holding item 1."""

    def run() -> Iterator[Exchange]:
        make_item()
        for method, target, body, authenticated in REQUESTS:
            headers = {"Content-Type": "application/json", **(auth if authenticated else {})}
            response = client.request(method, target, content=body, headers=headers)
            path = target.split("?")[0]
            operation = (method, "/items" if path == "/items" else "/items/{id}")
            yield f"{method} {target} {body!r}{'' if authenticated else ' anonymous'}", operation, response

    return run()


def is_item(body: Any) -> bool:
    return isinstance(body, dict) and set(body) == ITEM_MEMBERS


def assert_problem(response: Any, context: str) -> None:
    """ERR-BODY (a JSON object with a string `detail`) and ERR-PROBLEM (RFC 9457) for one 4xx."""
    content_type = response.headers.get("Content-Type")
    assert content_type == "application/problem+json", (
        f"{context}: expected application/problem+json, got {content_type}: {response.text[:80]!r}"
    )
    problem = response.json()
    assert isinstance(problem, dict), f"{context}: {problem}"
    assert isinstance(problem.get("detail"), str), f"{context}: {problem}"
    assert problem["status"] == response.status_code, f"{context}: status member {problem['status']}"
    assert isinstance(problem["title"], str), f"{context}: {problem}"
    assert problem["title"], f"{context}: {problem}"


@pytest.mark.covers("GEN-DOCUMENTED", "GEN-NO-5XX")
def test_every_answer_is_a_documented_status_with_its_documented_body(exchanges: Iterator[Exchange]) -> None:
    for context, operation, response in exchanges:
        status = response.status_code
        assert status in DOCUMENTED[operation], f"{context} got {status}, documented: {sorted(DOCUMENTED[operation])}"
        if status == 204:
            assert response.content == b"", context
        elif status >= 400:
            assert isinstance(response.json().get("detail"), str), context
        elif operation == ("GET", "/items"):
            body = response.json()
            assert set(body) == {"items", "total"}, f"{context}: {body}"
            assert type(body["total"]) is int, f"{context}: {body}"
            assert all(is_item(item) for item in body["items"]), f"{context}: {body}"
        else:
            assert is_item(response.json()), f"{context}: {response.text}"


@pytest.mark.covers("GEN-JSON")
def test_every_200_and_201_is_application_json(exchanges: Iterator[Exchange]) -> None:
    successes = 0
    for context, _, response in exchanges:
        if response.status_code in {200, 201}:
            successes += 1
            assert response.headers["Content-Type"] == "application/json", context
            assert isinstance(response.json(), dict), context
    assert successes >= 6, "the sweep must include successful reads and writes"


@pytest.mark.covers("ERR-BODY", "ERR-PROBLEM")
def test_every_4xx_of_an_operation_is_a_problem_document(exchanges: Iterator[Exchange]) -> None:
    statuses = set()
    for context, _, response in exchanges:
        if 400 <= response.status_code < 500:
            statuses.add(response.status_code)
            assert_problem(response, context)
    assert statuses == {400, 401, 404, 422}, f"the sweep must produce every 4xx of the contract, got {statuses}"


@pytest.mark.covers("ERR-BODY", "ERR-PROBLEM", "GEN-404")
def test_router_level_4xx_are_problem_documents_too(client: TestClient, auth: dict[str, str]) -> None:
    # These never reach a handler: Litestar's router answers them, through the app's exception handlers.
    for method, path, status in [
        ("POST", "/items/1", 405),
        ("DELETE", "/items", 405),
        ("GET", "/", 404),
        ("GET", "/item", 404),
        ("GET", "/ITEMS", 404),
        ("GET", "/items/1/extra", 404),
        ("GET", "/api/items", 404),
        ("GET", "/items/abc", 404),
        ("DELETE", "/items/0", 404),
    ]:
        response = client.request(method, path, headers=auth)
        assert response.status_code == status, f"{method} {path}: expected {status}, got {response.status_code}"
        assert_problem(response, f"{method} {path}")


@pytest.mark.covers("GEN-404", "ERR-BODY")
def test_unknown_schema_page_gets_404_problem_not_html(client: TestClient) -> None:
    # Litestar's OpenAPI controller answers unknown paths under /schema itself, bypassing the app's
    # exception handlers: the 404 comes back as text/html, which breaks "every 4xx has a JSON body".
    for path in ["/schema/swagger", "/schema/redoc", "/schema/x"]:
        response = client.get(path)
        assert response.status_code == 404, f"GET {path}: expected 404, got {response.status_code}"
        assert_problem(response, f"GET {path}")


@pytest.mark.covers("GEN-404", "LIST-200", "READ-200")
def test_trailing_slash_variants_are_served_as_the_contract_path(
    client: TestClient, make_item: Callable[..., Item]
) -> None:
    item = make_item()
    assert client.get("/items/").json() == {"items": [item], "total": 1}
    assert client.get("/items/1/").json() == item


@pytest.mark.covers("GEN-405")
@pytest.mark.parametrize("authenticated", [True, False], ids=["authenticated", "anonymous"])
def test_undefined_method_gets_405_with_allow_listing_the_defined_ones(
    client: TestClient, auth: dict[str, str], make_item: Callable[..., Item], authenticated: bool
) -> None:
    make_item()
    for method, path, defined in [
        ("POST", "/items/1", {"GET", "PUT", "PATCH", "DELETE"}),
        ("PUT", "/items", {"GET", "POST"}),
        ("PATCH", "/items", {"GET", "POST"}),
        ("DELETE", "/items", {"GET", "POST"}),
    ]:
        response = client.request(method, path, json={}, headers=auth if authenticated else {})
        assert response.status_code == 405, f"{method} {path}: expected 405, got {response.status_code}"
        allow = response.headers.get("Allow", "")
        listed = {m.strip() for m in allow.split(",")}
        assert defined <= listed, f"{method} {path}: expected Allow to list {sorted(defined)}, got {allow!r}"
        assert listed - defined <= {"OPTIONS", "HEAD"}, f"{method} {path}: Allow lists undefined methods: {allow!r}"
    assert client.get("/items").json()["total"] == 1


@pytest.mark.covers("GEN-405", "GEN-NO-5XX")
def test_options_lists_every_method_of_the_path(client: TestClient) -> None:
    # OPTIONS is outside the contract (§8); the reference answers it itself because Litestar's automatic
    # answer names only one handler's method on a path served by several handlers.
    for path, allow in [("/items/1", "DELETE, GET, OPTIONS, PATCH, PUT"), ("/items", "GET, OPTIONS, POST")]:
        response = client.options(path)
        assert response.status_code == 204, f"OPTIONS {path}: got {response.status_code}"
        assert response.headers["Allow"] == allow, f"OPTIONS {path}: expected Allow {allow!r}, got {response.headers}"


# (method, path, body, Content-Type) of requests off the beaten track, mostly outside the contract (§8).
ODD_REQUESTS = [
    ("POST", "/items", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("POST", "/items", b'{"name": "\\ud800", "price": 1}', "application/json"),
    ("POST", "/items", b'{"name": "a", "name": "b", "price": 1}', "application/json"),
    ("POST", "/items", b'{"name": "a", "price": 1e-400}', "application/json"),
    ("POST", "/items", b'{"name": "a", "price": 1000000.000000000000001}', "application/json"),
    ("POST", "/items", b'{"name": "a", "price": -Infinity}', "application/json"),
    ("POST", "/items", b'{"name": "a", "price": 1}', "text/plain"),
    ("POST", "/items", b'{"name": "a", "price": 1}', "multipart/form-data; boundary=x"),
    ("POST", "/items", b"name=a&price=1", "application/x-www-form-urlencoded"),
    ("POST", "/items", b"\x00" * 1024, "application/json"),
    ("PUT", "/items/99999999999999999999999999999", b'{"name": "a", "price": 1}', "application/json"),
    ("PATCH", "/items/1", b'{"description": "' + b"d" * (1 << 20) + b'"}', "application/json"),
    ("DELETE", "/items/-99999999999999999999999999999", None, "application/json"),
    ("GET", "/items?limit=05&offset=+1", None, "application/json"),
    ("GET", "/items?limit=1e1&limit=2&offset=0x1", None, "application/json"),
    ("GET", "/items/1e1", None, "application/json"),
    ("GET", "/items/%F0%9F%98%80", None, "application/json"),
    ("HEAD", "/items/1", None, "application/json"),
    ("TRACE", "/items", None, "application/json"),
]


@pytest.mark.covers("GEN-NO-5XX")
def test_odd_requests_never_get_a_5xx(client: TestClient, auth: dict[str, str], make_item: Callable[..., Item]) -> None:
    make_item()
    for method, path, content, content_type in ODD_REQUESTS:
        response = client.request(method, path, content=content, headers={**auth, "Content-Type": content_type})
        assert response.status_code < 500, f"{method} {path} {content!r:.60} got {response.status_code}"
