"""The client the suites talk through: it writes only to items the run owns, and never shows the token."""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest

from conformance.target.client import MAX_BODY, ApiClient
from conformance.target.errors import UnsafeWrite
from conformance.target.exchange import exchange_of
from conformance.target.ledger import Ledger
from conformance.target.paths import segment_keys
from conformance.target.redaction import Redactor

TOKEN = "tok-secret-0a1b2c3d4e"


def make_client(handler: httpx.MockTransport | None = None) -> tuple[ApiClient, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "POST":
            return httpx.Response(201, json={"id": 7, "name": "n", "price": 1, "description": None})
        if request.method == "PUT" and request.url.path == "/items/1900000000":
            return httpx.Response(200, json={"id": 1900000000, "name": "n", "price": 1, "description": None})
        if request.method == "GET":
            return httpx.Response(404, json={"detail": "no"})
        return httpx.Response(204)

    http = httpx.Client(base_url="http://target.test", transport=handler or httpx.MockTransport(answer))
    return ApiClient(http, token=TOKEN, ledger=Ledger(), redactor=Redactor([TOKEN])), sent


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/items/5", "/items/05", "/items/+5", "/items/5.0", "/items/5e0"])
def test_a_write_to_an_item_the_run_did_not_create_is_never_sent(method: str, path: str) -> None:
    api, sent = make_client()
    with pytest.raises(UnsafeWrite):
        api.request(method, path, body={"price": 1})
    assert sent == []


def test_a_get_that_answers_404_alone_does_not_make_an_id_writable() -> None:
    api, sent = make_client()
    api.post("/items", body={"name": "n", "price": 1})
    api.get("/items/1900000000")
    api.patch("/items/7", body={"price": 2})
    with pytest.raises(UnsafeWrite, match="proved absent"):
        api.delete("/items/1900000000")
    assert [request.method for request in sent] == ["POST", "GET", "PATCH"]


def test_a_delete_takes_the_item_out_of_the_cleanup_list() -> None:
    api, _ = make_client()
    api.post("/items", body={"name": "n", "price": 1})
    api.delete("/items/7")
    assert api.ledger.alive() == []
    assert api.ledger.owns(7)


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("5", {"5"}),
        ("05", {"05", "5"}),
        ("+5", {"+5", "5"}),
        ("5.0", {"5.0", "5"}),
        ("1e1", {"1e1", "10"}),
        ("abc", {"abc"}),
        ("0", {"0"}),
        ("-1", {"-1"}),
        ("1.5", {"1.5"}),
        ("%C3%BCn", {"ün"}),
        ("inf", {"inf"}),
    ],
)
def test_a_segment_names_its_text_and_the_integer_a_lenient_server_reads(segment: str, expected: set[str]) -> None:
    assert segment_keys(segment) == expected


def test_evidence_and_reproduction_never_show_the_token() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"detail": f"bad: {request.headers['authorization']}"})

    api, _ = make_client(httpx.MockTransport(echo))
    exchange = exchange_of(api.post("/items", body={"name": "n", "price": 1}))
    rendered = exchange.render() + json.dumps(exchange.to_json())
    assert TOKEN not in rendered
    assert "Bearer ***" in rendered
    assert '-H "authorization: Bearer ${CONFORMANCE_TOKEN}"' in exchange.curl


def test_long_bodies_are_cut_with_their_size_shown() -> None:
    api, _ = make_client(httpx.MockTransport(lambda request: httpx.Response(200, content=b"x" * 10_000)))
    exchange = exchange_of(api.get("/items"))
    assert exchange.response is not None
    assert exchange.response.truncated
    assert exchange.response.body_size == 10_000
    assert "[10000 bytes in all, first 4096 shown]" in exchange.render()


def test_a_body_cut_at_the_size_limit_says_so_in_the_evidence() -> None:
    def huge(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(b"x" * (MAX_BODY + 10)))

    api, _ = make_client(httpx.MockTransport(huge))
    response = api.get("/items")
    assert len(response.content) == MAX_BODY
    assert "body cut by the suite" in exchange_of(response).render()


@pytest.mark.parametrize(
    ("base_url", "url", "expected"),
    [
        ("http://target.test/api/v1", "http://target.test/api/v1/items/5", "/items/5"),
        ("http://target.test/api/v1/", "https://public.example/api/v1/items", "/items"),
        ("http://target.test/api/v1", "http://target.test/items/5", None),
        ("http://target.test/api/v1", "http://target.test/api/v10/items", None),
        ("http://target.test", "http://target.test/items/5", "/items/5"),
    ],
)
def test_paths_are_read_below_the_api_root(base_url: str, url: str, expected: str | None) -> None:
    api = ApiClient(httpx.Client(base_url=base_url), token=None, ledger=Ledger(), redactor=Redactor())
    assert api.api_path(url) == expected


def test_every_request_goes_below_the_api_root() -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(
        base_url="http://target.test/api/v1",
        transport=httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(404, json={})),
    )
    api = ApiClient(http, token=TOKEN, ledger=Ledger(), redactor=Redactor([TOKEN]))
    api.ledger.created(1900000000)
    api.get("/items/1900000000")
    api.put("/items/1900000000", body={"name": "n", "price": 1})
    assert [str(request.url) for request in sent] == ["http://target.test/api/v1/items/1900000000"] * 2


def test_header_values_are_masked_and_named_by_a_variable_in_curl_lines() -> None:
    key = "gw-key-31d9"
    echo = httpx.MockTransport(lambda request: httpx.Response(403, json={"detail": f"key {key} refused"}))
    http = httpx.Client(base_url="http://target.test", headers={"X-Gateway-Key": key}, transport=echo)
    redactor = Redactor.for_run(TOKEN, [("X-Gateway-Key", key)])
    api = ApiClient(http, token=TOKEN, ledger=Ledger(), redactor=redactor)
    exchange = exchange_of(api.post("/items", body={"name": "n", "price": 1}))
    rendered = exchange.render() + json.dumps(exchange.to_json())
    assert key not in rendered
    assert "key *** refused" in rendered
    assert '-H "x-gateway-key: ${CONFORMANCE_HEADER_X_GATEWAY_KEY}"' in exchange.curl
    assert '-H "authorization: Bearer ${CONFORMANCE_TOKEN}"' in exchange.curl


@pytest.mark.parametrize(
    ("bent", "expansion"), [(TOKEN[:-1], "${CONFORMANCE_TOKEN%?}"), (TOKEN.swapcase(), "${CONFORMANCE_TOKEN~~}")]
)
def test_the_token_bent_by_the_auth_tests_is_masked_and_replays_in_bash(bent: str, expansion: str) -> None:
    """The auth tests send the token cut short and in the other case: each would give it away in evidence."""
    redactor = Redactor.for_run(TOKEN)
    assert redactor.text(f"Bearer {bent} and Bearer {TOKEN}") == "Bearer *** and Bearer ***"
    assert redactor.shell(f"Bearer {bent}") == f"Bearer {expansion}"
    replayed = subprocess.run(
        ["bash", "-c", f'echo "{expansion}"'],
        env={"CONFORMANCE_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        check=True,
    )
    assert replayed.stdout.strip() == bent


def test_a_secret_too_short_to_tell_from_text_is_not_masked() -> None:
    """Masking "T" or "abc" would garble every report and curl line; four characters and more are masked,
    and so are the bent forms of the token that long."""
    assert Redactor.for_run("T").text("The Token") == "The Token"
    assert Redactor.for_run("abcd").text("abcd, abc") == "***, abc"
    assert Redactor.for_run("abcde").text("abcde, abcd") == "***, ***"
