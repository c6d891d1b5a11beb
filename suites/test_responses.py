"""§5 Responses in general: JSON successes, error bodies, unknown paths and methods."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from conformance.checks.cases import cases
from conformance.checks.items import Items
from conformance.checks.verify import (
    fail,
    skip_unless_status,
    verify_error_body,
    verify_item_response,
    verify_json_success,
    verify_problem_details,
    verify_status,
    verify_unchanged,
)
from conformance.checks.violations import not_run
from conformance.target.client import ApiClient
from conformance.target.paths import ITEMS, item_path

ItemMethods = {"GET", "PUT", "PATCH", "DELETE"}
CollectionMethods = {"GET", "POST"}

ERROR_CASES: dict[str, tuple[int, Callable[[ApiClient, Items], httpx.Response]]] = {
    "400-bad-limit": (400, lambda api, items: api.get(ITEMS, params={"limit": "0"})),
    "400-malformed-body": (400, lambda api, items: api.post(ITEMS, raw=b"{not json")),
    "401-no-credentials": (401, lambda api, items: api.post(ITEMS, body=items.body(), auth=False)),
    "404-missing-item": (404, lambda api, items: api.get(item_path(items.absent_id()))),
    "404-unknown-path": (404, lambda api, items: api.get("/conformance-no-such-path")),
    "404-below-an-item": (404, lambda api, items: api.get(item_path(items.create()["id"]) + "/children")),
    # Where frameworks serve their own pages (API docs), whose errors their handlers may never see.
    "404-below-a-docs-path": (404, lambda api, items: api.get("/schema/conformance-no-such-page")),
    "404-below-another-docs-path": (404, lambda api, items: api.get("/docs/conformance-no-such-page")),
    "422-invalid-body": (422, lambda api, items: api.post(ITEMS, body={"name": "", "price": -1})),
}


def error_to_judge(
    api: ApiClient, items: Items, status: int, send: Callable[[ApiClient, Items], httpx.Response]
) -> httpx.Response:
    """The 4xx of an error case, whose body the test judges; another status is judged elsewhere."""
    response = send(api, items)
    skip_unless_status(response, status, "the tests of that status")
    return response


@pytest.mark.requirement("GEN-JSON")
@pytest.mark.parametrize("operation", ["list", "read", "create", "replace", "update"])
@pytest.mark.asserts("GEN-JSON.content-type", "GEN-JSON.json-body")
def test_every_200_and_201_is_application_json(api: ApiClient, items: Items, operation: str) -> None:
    """GEN-JSON: every 200 and 201 has Content-Type: application/json and a JSON body."""
    item = items.create()
    response = {
        "list": lambda: api.get(ITEMS),
        "read": lambda: api.get(item_path(item["id"])),
        "create": lambda: api.post(ITEMS, body=items.body()),
        "replace": lambda: api.put(item_path(item["id"]), body=items.body()),
        "update": lambda: api.patch(item_path(item["id"]), body={"price": 3}),
    }[operation]()
    verify_status(response, {200, 201})
    verify_json_success(response)


@pytest.mark.requirement("ERR-BODY")
@pytest.mark.parametrize(("status", "send"), ERROR_CASES.values(), ids=ERROR_CASES.keys())
@pytest.mark.asserts("ERR-BODY.json-object", "ERR-BODY.string-detail")
def test_every_4xx_has_a_json_object_with_a_string_detail(
    api: ApiClient, items: Items, status: int, send: Callable[[ApiClient, Items], httpx.Response]
) -> None:
    """ERR-BODY: every 4xx has a JSON object body with a string member `detail`."""
    verify_error_body(error_to_judge(api, items, status, send))


@pytest.mark.requirement("ERR-PROBLEM")
@pytest.mark.parametrize(("status", "send"), ERROR_CASES.values(), ids=ERROR_CASES.keys())
@pytest.mark.asserts("ERR-PROBLEM.media-type", "ERR-PROBLEM.status-member", "ERR-PROBLEM.title-member")
def test_every_4xx_is_problem_details(
    api: ApiClient, items: Items, status: int, send: Callable[[ApiClient, Items], httpx.Response]
) -> None:
    """ERR-PROBLEM: 4xx bodies are RFC 9457 problem details: the media type, a matching `status`, a `title`."""
    verify_problem_details(error_to_judge(api, items, status, send))


UNKNOWN_PATHS = [
    "/conformance-no-such-path",
    "/items-and-more",
    "/items/1/children",
    "/v2/items",
    "/ITEMS",
    "/schema/conformance-no-such-page",
    "/docs/conformance-no-such-page",
]
CASE_SENSITIVE = {"/ITEMS": "case-sensitive"}
"""The unknown paths that are a contract path in another case."""
BELOW_AN_ITEM: dict[str, Callable[[int], str]] = {
    "a-child": lambda item_id: "children",
    # The item's own id: a router that reads the last segment as the id finds the run's item, no other.
    "a-number": lambda item_id: str(item_id),
    "the-collection": lambda item_id: "items",
    "a-file": lambda item_id: "item.json",
}
"""Paths below an existing item: routing that matches only the start of a path serves them as that item."""


@pytest.mark.requirement("GEN-404")
@pytest.mark.parametrize(
    "path",
    cases(
        {path: path for path in UNKNOWN_PATHS},
        {path: f"GEN-404.{CASE_SENSITIVE.get(path, 'outside-path')}" for path in UNKNOWN_PATHS},
    ),
)
def test_a_path_outside_the_contract_gets_404(api: ApiClient, path: str) -> None:
    """GEN-404: a path outside the contract gets 404."""
    verify_status(api.get(path), 404)


@pytest.mark.requirement("GEN-404")
@pytest.mark.parametrize("below", BELOW_AN_ITEM.values(), ids=BELOW_AN_ITEM.keys())
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.asserts("GEN-404.outside-path")
def test_a_path_below_an_existing_item_gets_404(
    api: ApiClient, items: Items, method: str, below: Callable[[int], str]
) -> None:
    """GEN-404: a path below an existing item's is outside the contract: 404, for every method, and the item
    is not touched. A write goes only where every segment is the run's item or proved absent (a server with
    string ids may hold an item `children`)."""
    item = items.baseline(items.body(description="before"))
    segment = below(item["id"])
    if method != "GET" and not items.prove_absent(segment):
        raise not_run(f"{item_path(segment)} could not be proved absent: a write below it might reach that item")
    path = f"{item_path(item['id'])}/{segment}"
    verify_status(items.send(method, path, auth=method != "GET"), 404)
    verify_unchanged(api, item, f"item {item['id']} after {method} {path}")


TRAILING_SLASHED: dict[str, Callable[[Items], str]] = {
    "collection": lambda items: ITEMS,
    "existing-item": lambda items: item_path(items.create(items.body(description="slashed"))["id"]),
}


@pytest.mark.requirement("GEN-404")
@pytest.mark.parametrize("path_for", TRAILING_SLASHED.values(), ids=TRAILING_SLASHED.keys())
@pytest.mark.asserts("GEN-404.trailing-slash")
def test_a_trailing_slash_is_404_served_or_redirected(
    api: ApiClient, items: Items, path_for: Callable[[Items], str]
) -> None:
    """GEN-404: /items/ or /items/{id}/ MAY be served as the path without the slash or redirected to it;
    otherwise it is 404."""
    path = path_for(items)
    response = api.get(f"{path}/")
    verify_status(response, {200, 301, 302, 307, 308, 404})
    if response.is_redirect:
        location = response.headers.get("location", "")
        if api.api_path(response.request.url.join(location)) != path:
            raise fail(
                expected=f"a redirect to {path}",
                received=f"Location: {location!r}",
                response=response,
            )
    elif response.status_code == 200 and path != ITEMS:
        # Served as that path: the same item, not another one the path also matched.
        verify_item_response(response, 200, members=items.fetch(path.rsplit("/", 1)[1]))


def verify_405(response: httpx.Response, defined: set[str], unauthenticated: bool) -> None:
    allowed = {405, 401} if unauthenticated else {405}
    verify_status(response, allowed)
    if response.status_code == 401:
        return
    listed = {method.strip().upper() for method in response.headers.get("allow", "").split(",") if method.strip()}
    undefined = {response.request.method}
    if not defined <= listed or listed & undefined:
        raise fail(
            expected=f"Allow listing {sorted(defined)} (HEAD/OPTIONS may be added)",
            received=f"Allow: {response.headers.get('allow', '(none)')}",
            response=response,
        )


@pytest.mark.requirement("GEN-405")
@pytest.mark.asserts("GEN-405.post-to-item", "GEN-405.allow-header")
def test_post_to_an_item_gets_405_with_allow(api: ApiClient, items: Items) -> None:
    """GEN-405: a method the contract does not define on a contract path gets 405 listing the defined ones."""
    item = items.create()
    response = api.post(item_path(item["id"]), body=items.body())
    verify_405(response, ItemMethods, unauthenticated=False)


@pytest.mark.requirement("GEN-405")
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.asserts("GEN-405.write-to-collection", "GEN-405.allow-header")
def test_bulk_writes_to_the_collection_get_405_with_allow(api: ApiClient, items: Items, method: str) -> None:
    """GEN-405: PUT and PATCH on /items are not defined.

    Sent only when the whole list holds only this run's items (otherwise not run, with why), and with a body
    that is not JSON: a server that wrongly implements a bulk write refuses it, or harms nothing but the
    run's own items.
    """
    items.create()
    permit = items.own_collection(method)
    response = api.request(method, ITEMS, raw=b"{not json", headers={"Content-Type": "application/json"}, permit=permit)
    verify_405(response, CollectionMethods, unauthenticated=False)


@pytest.mark.requirement("GEN-405")
@pytest.mark.asserts("GEN-405.write-to-collection", "GEN-405.allow-header")
def test_delete_of_the_collection_gets_405_or_401(api: ApiClient, items: Items) -> None:
    """GEN-405: DELETE /items is not defined; sent without credentials, so 401 is acceptable too.

    Sent only when the whole list holds only this run's items (otherwise not run, with why), and never with
    credentials: on a server that wrongly implements it, it deletes everything.
    """
    response = api.delete(ITEMS, auth=False, permit=items.own_collection("DELETE"))
    verify_405(response, CollectionMethods, unauthenticated=True)


def name_of(items: Items) -> bytes:
    """A new item name of this run for a body §8 leaves open, as a JSON string: whatever the server makes of
    the body, it is cleaned up, and no later check judges what it stored."""
    return json.dumps(items.outside_name()).encode()


@pytest.mark.requirement("GEN-NO-5XX")
@pytest.mark.parametrize(
    "request_for",
    [
        lambda items: ("GET", f"{ITEMS}?limit=99999999999999999999", None),
        lambda items: ("GET", f"{ITEMS}?offset=99999999999999999999", None),
        lambda items: ("GET", f"{ITEMS}/99999999999999999999", None),
        lambda items: ("GET", f"{ITEMS}?limit=%00", None),
        lambda items: ("GET", f"{ITEMS}/%F0%9F%98%80", None),
        lambda items: ("POST", ITEMS, b'{"name": "\\u0000", "price": 1}'),
        lambda items: ("POST", ITEMS, b'{"name": %s, "price": 1e400}' % name_of(items)),
        lambda items: ("POST", ITEMS, b'{"name": %s, "price": 1' % name_of(items) + b"0" * 400 + b"}"),
        # Past the 4300 digits Python's int() refuses, and past what many parsers read natively.
        lambda items: ("POST", ITEMS, b'{"name": %s, "price": 1' % name_of(items) + b"0" * 5000 + b"}"),
        lambda items: ("POST", ITEMS, b'{"name": {"nested": [[[[[]]]]]}, "price": 1}'),
        lambda items: ("POST", ITEMS, b"\xff\xfe\xfd"),
        # §8 leaves these to the server, short of a 5xx: lone surrogates, duplicate members, a body over 1 MiB,
        # HEAD and OPTIONS.
        lambda items: ("POST", ITEMS, b'{"name": "\\ud800 %s, "price": 1}' % name_of(items)[1:]),
        lambda items: ("POST", ITEMS, b'{"name": %s, "name": %s, "price": 1}' % (name_of(items), name_of(items))),
        lambda items: (
            "POST",
            ITEMS,
            b'{"name": %s, "price": 1, "description": "%s"}' % (name_of(items), b"d" * 2**20),
        ),
        lambda items: ("HEAD", ITEMS, None),
        lambda items: ("HEAD", item_path(items.create()["id"]), None),
        lambda items: ("OPTIONS", ITEMS, None),
        lambda items: ("OPTIONS", item_path(items.create()["id"]), None),
        lambda items: ("PATCH", item_path(items.create()["id"]), b'{"price": -0.0}'),
        lambda items: ("PUT", item_path(items.create()["id"]), b'{"name": "x", "price": 1, "description": {}}'),
    ],
    ids=[
        "huge-limit",
        "huge-offset",
        "huge-id",
        "nul-query",
        "emoji-id",
        "nul-in-name",
        "price-overflow",
        "price-400-digits",
        "price-5000-digits",
        "nested-name",
        "not-utf8",
        "lone-surrogate",
        "duplicate-members",
        "body-over-1-MiB",
        "head-of-the-list",
        "head-of-an-item",
        "options-of-the-list",
        "options-of-an-item",
        "negative-zero-price",
        "object-description",
    ],
)
@pytest.mark.asserts("GEN-NO-5XX.invalid-requests")
def test_odd_but_well_formed_requests_never_get_a_5xx(
    api: ApiClient, items: Items, request_for: Callable[[Items], tuple[str, str, bytes | None]]
) -> None:
    """GEN-NO-5XX: no well-formed HTTP request, valid for this contract or not, gets a 5xx."""
    method, path, raw = request_for(items)
    response = api.request(method, path, raw=raw, auth=method != "GET")
    # Several of these are outside the contract (§8): only the absence of a 5xx is judged.
    if response.status_code >= 500:
        raise fail(
            expected="any status below 500",
            received=f"status {response.status_code}",
            response=response,
        )
