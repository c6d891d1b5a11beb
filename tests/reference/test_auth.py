"""§2 Authentication: writes need an accepted bearer token, decided before anything else; reads are open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

from target_app import create_app

Item = dict[str, Any]
VALID = {"name": "widget", "price": 9.99}

# (method, path, JSON body) of every write; item 1 exists in the tests that create one first.
WRITES = [
    ("POST", "/items", VALID),
    ("PUT", "/items/1", VALID),
    ("PATCH", "/items/1", {"price": 1}),
    ("DELETE", "/items/1", None),
]
WRITE_IDS = [method for method, _, _ in WRITES]
SUCCESS = {"POST": 201, "PUT": 200, "PATCH": 200, "DELETE": 204}


def assert_bearer_challenge(response: Any) -> None:
    assert response.status_code == 401, f"expected 401, got {response.status_code}: {response.text}"
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.split(" ", 1)[0].lower() == "bearer", f"expected a Bearer challenge, got {challenge!r}"


@pytest.mark.covers("AUTH-REQUIRED", "AUTH-CHALLENGE", "AUTH-NO-EFFECT")
@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_write_without_authorization_gets_401_with_bearer_challenge_and_changes_nothing(
    client: TestClient,
    make_item: Callable[..., Item],
    stored: Callable[[], list[Item]],
    method: str,
    path: str,
    body: Any,
) -> None:
    make_item()
    before = stored()
    response = client.request(method, path, json=body)
    assert_bearer_challenge(response)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="items"', "no error code when no credentials sent"
    assert stored() == before


INVALID_AUTHORIZATIONS = [
    "Bearer not-the-token",
    "Bearer ",
    "Bearer",
    "Basic cmVmZXJlbmNlLXRlc3QtdG9rZW46",
    "reference-test-token",
    "Token reference-test-token",
    "Bearer reference-test-token-suffix",
    "Bearer reference-test",
    "Bearer REFERENCE-TEST-TOKEN",
]


@pytest.mark.covers("AUTH-INVALID", "AUTH-CHALLENGE", "AUTH-NO-EFFECT")
@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_write_with_invalid_credentials_gets_401_invalid_token_and_changes_nothing(
    client: TestClient,
    make_item: Callable[..., Item],
    stored: Callable[[], list[Item]],
    method: str,
    path: str,
    body: Any,
) -> None:
    make_item()
    before = stored()
    for authorization in INVALID_AUTHORIZATIONS:
        response = client.request(method, path, json=body, headers={"Authorization": authorization})
        assert_bearer_challenge(response)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"], authorization
    assert stored() == before


@pytest.mark.covers("AUTH-FIRST", "AUTH-CHALLENGE")
@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("PUT", "/items/999", b'{"name": "widget", "price": 1}'),
        ("PATCH", "/items/999", b'{"price": 1}'),
        ("DELETE", "/items/999", None),
        ("POST", "/items", b'{"name": "", "price": -1, "id": 3}'),
        ("PUT", "/items/1", b"[]"),
        ("PATCH", "/items/1", b'{"name": null}'),
        ("PUT", "/items/999", b'{"price": "9.99"}'),
        # Not JSON at all: 400 would be acceptable too, the reference answers 401.
        ("POST", "/items", b"{"),
        ("PATCH", "/items/999", b""),
    ],
    ids=[
        "put-missing",
        "patch-missing",
        "delete-missing",
        "post-invalid",
        "put-not-object",
        "patch-null-name",
        "put-missing-and-invalid",
        "post-not-json",
        "patch-missing-and-empty",
    ],
)
def test_unauthenticated_write_gets_401_before_404_400_or_422(
    client: TestClient, make_item: Callable[..., Item], method: str, path: str, content: bytes | None
) -> None:
    make_item()
    response = client.request(method, path, content=content, headers={"Content-Type": "application/json"})
    assert_bearer_challenge(response)


@pytest.mark.covers("AUTH-READ-OPEN")
def test_reads_need_no_credentials(client: TestClient, make_item: Callable[..., Item]) -> None:
    item = make_item()
    assert client.get("/items").status_code == 200
    assert client.get(f"/items/{item['id']}").json() == item


@pytest.mark.covers("AUTH-SCHEME-CASE")
@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_scheme_name_is_case_insensitive(
    client: TestClient, make_item: Callable[..., Item], token: str, scheme: str
) -> None:
    make_item()
    for method, path, body in WRITES:  # in this order every write succeeds on item 1
        response = client.request(method, path, json=body, headers={"Authorization": f"{scheme} {token}"})
        assert response.status_code == SUCCESS[method], (
            f"{method}: expected {SUCCESS[method]}, got {response.status_code}"
        )


# --- Token configuration of create_app() ------------------------------------------------------------


def post_with(client: TestClient, token: str) -> int:
    return client.post("/items", json=VALID, headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.mark.covers("AUTH-INVALID")
def test_every_configured_token_is_accepted_and_no_other() -> None:
    with TestClient(create_app(tokens=["alpha", "beta"]), raise_server_exceptions=False) as client:
        assert post_with(client, "alpha") == 201
        assert post_with(client, "beta") == 201
        for refused in ["gamma", "alph", "alpha,beta", "ALPHA"]:
            assert post_with(client, refused) == 401, f"token {refused!r} was never configured"


@pytest.mark.covers("AUTH-INVALID", "AUTH-NO-EFFECT")
def test_with_an_empty_token_list_every_write_gets_401(monkeypatch: pytest.MonkeyPatch) -> None:
    # An explicit empty list wins over the environment: nothing can be written at all.
    monkeypatch.setenv("ITEMS_API_TOKENS", "from-env")
    with TestClient(create_app(tokens=[]), raise_server_exceptions=False) as client:
        for method, path, body in WRITES:
            for authorization in ["Bearer from-env", "Bearer ", "Bearer", None]:
                headers = {"Authorization": authorization} if authorization else {}
                assert_bearer_challenge(client.request(method, path, json=body, headers=headers))
        assert client.get("/items").json() == {"items": [], "total": 0}


@pytest.mark.covers("AUTH-INVALID")
def test_tokens_come_from_items_api_tokens_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITEMS_API_TOKENS", " one , two,,")
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        assert post_with(client, "one") == 201
        assert post_with(client, "two") == 201
        for refused in ["three", "on", "one , two"]:
            assert post_with(client, refused) == 401, f"token {refused!r} is not in ITEMS_API_TOKENS"


@pytest.mark.covers("AUTH-REQUIRED", "AUTH-INVALID")
def test_without_tokens_or_environment_every_write_gets_401(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ITEMS_API_TOKENS", raising=False)
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        assert client.post("/items", json=VALID).status_code == 401
        assert post_with(client, "") == 401
        assert post_with(client, "anything") == 401


@pytest.mark.covers("AUTH-INVALID")
def test_a_single_string_is_refused_as_a_token_list() -> None:
    # Iterating "secret" would configure the tokens "s", "e", "c", …: a trap, so it is an error.
    with pytest.raises(TypeError, match=r"^tokens must be a collection of strings, not a string$"):
        create_app(tokens="secret")
