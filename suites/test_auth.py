"""§2 Authentication: writes need a bearer token the server accepts; reads are open."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from conformance.checks.cases import cases
from conformance.checks.items import Items
from conformance.checks.verify import (
    fail,
    skip_unless_status,
    verify_bearer_challenge,
    verify_item_response,
    verify_not_created,
    verify_status,
    verify_unchanged,
)
from conformance.checks.violations import not_run
from conformance.target.client import ApiClient, Auth
from conformance.target.paths import ITEMS, item_path

WRITES = ["POST", "PUT", "PATCH", "DELETE"]
Credentials = Callable[[str], Auth]
"""The Authorization of a write, made from the run's token (False: no header at all)."""
BAD_CREDENTIALS: dict[str, Credentials] = {
    # No trailing space: HTTP strips it from field values (RFC 9110 §5.5), so "Bearer " is "Bearer".
    "empty-token": lambda token: "Bearer",
    "unknown-token": lambda token: "Bearer conformance-unknown-token-7f3a9c",
    "basic-scheme": lambda token: "Basic " + base64.b64encode(b"conformance:secret").decode(),
    # The right token under another scheme or none: a check that ignores the scheme name accepts these.
    "basic-with-the-token": lambda token: f"Basic {token}",
    "token-scheme": lambda token: f"Token {token}",
    "no-scheme": lambda token: token,
    "scheme-glued-to-the-token": lambda token: f"Bearer{token}",
    # The right scheme with the token bent: a check of a prefix, a suffix or letters regardless of case accepts these.
    "token-with-a-suffix": lambda token: f"Bearer {token}x",
    "token-with-a-prefix": lambda token: f"Bearer x{token}",
    "token-and-a-second-word": lambda token: f"Bearer {token} x",
    "token-cut-short": lambda token: f"Bearer {token[:-1]}",
    "token-in-other-case": lambda token: f"Bearer {token.swapcase()}",
}
REFUSED: dict[str, Credentials] = {"no-header": lambda token: False, **BAD_CREDENTIALS}
"""Every Authorization a write is refused with."""
REFUSED_BY = "AUTH-REQUIRED and AUTH-INVALID"
NOT_JSON_BODY = b'{"name": "not json",'
BAD_CREDENTIALS_ASSERT = {
    "empty-token": "AUTH-INVALID.empty-token",
    "unknown-token": "AUTH-INVALID.unknown-token",
    "basic-scheme": "AUTH-INVALID.other-scheme",
    "basic-with-the-token": "AUTH-INVALID.other-scheme",
    "token-scheme": "AUTH-INVALID.other-scheme",
    "no-scheme": "AUTH-INVALID.other-scheme",
    "scheme-glued-to-the-token": "AUTH-INVALID.other-scheme",
    "token-with-a-suffix": "AUTH-INVALID.unknown-token",
    "token-with-a-prefix": "AUTH-INVALID.unknown-token",
    "token-and-a-second-word": "AUTH-INVALID.unknown-token",
    "token-cut-short": "AUTH-INVALID.unknown-token",
    "token-in-other-case": "AUTH-INVALID.unknown-token",
}


def refusal_needs(credentials: Credentials) -> str:
    """The requirement that refuses these credentials with 401: no header at all, or a wrong one."""
    return "AUTH-REQUIRED" if credentials is REFUSED["no-header"] else "AUTH-INVALID"


def authorization(api: ApiClient, credentials: Credentials) -> Auth:
    """The header `credentials` make of this run's token; a form that is the valid token itself for it (a token
    without letters has no other case) leaves the test not run."""
    header = credentials(api.token or "")
    if isinstance(header, str):
        header = header.rstrip()  # HTTP drops trailing whitespace: a one-character token cut short is "Bearer"
    if header == f"Bearer {api.token}":
        raise not_run(f"{header!r} is this run's valid credentials, not a wrong form of them")
    return header


def check_refused(items: Items, method: str, auth: Auth, sent: str) -> None:
    """A write with `auth` (described as `sent`) gets 401 (AUTH-NO-EFFECT, that it changes nothing, is judged by
    its own tests)."""
    path = ITEMS if method == "POST" else item_path(items.create()["id"])
    response = items.send(method, path, auth=auth)
    verify_status(response, 401, f"{method} {sent}")


@pytest.mark.requirement("AUTH-REQUIRED")
@pytest.mark.parametrize("method", cases({m: m for m in WRITES}, {m: f"AUTH-REQUIRED.{m.lower()}" for m in WRITES}))
def test_a_write_without_authorization_gets_401(items: Items, method: str) -> None:
    """AUTH-REQUIRED: a write without an Authorization header gets 401."""
    check_refused(items, method, False, "without an Authorization header")


@pytest.mark.requirement("AUTH-INVALID")
@pytest.mark.parametrize("form", cases({form: form for form in BAD_CREDENTIALS}, BAD_CREDENTIALS_ASSERT))
@pytest.mark.parametrize("method", WRITES)
def test_a_write_with_bad_credentials_gets_401(api: ApiClient, items: Items, method: str, form: str) -> None:
    """AUTH-INVALID: an unknown token, an empty token, or another scheme (Basic) gets 401: the scheme name and
    the whole token are checked, not a part of them."""
    auth = authorization(api, BAD_CREDENTIALS[form])
    check_refused(items, method, auth, f"with credentials of the form {form!r}")


@pytest.mark.requirement("AUTH-FIRST")
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.asserts("AUTH-FIRST.before-existence")
def test_authentication_is_decided_before_existence(items: Items, method: str) -> None:
    """AUTH-FIRST: an unauthenticated write gets 401 even when the item does not exist."""
    response = items.send(method, item_path(items.absent_id()), auth=False)
    verify_status(response, 401, f"{method} of a missing item without credentials")


@pytest.mark.requirement("AUTH-FIRST")
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.asserts("AUTH-FIRST.before-validation")
def test_authentication_is_decided_before_body_validation(api: ApiClient, items: Items, method: str) -> None:
    """AUTH-FIRST: an unauthenticated write gets 401 even when the body is invalid."""
    item = items.create()
    path = ITEMS if method == "POST" else item_path(item["id"])
    invalid = {"price": "not a number", "unexpected": True}
    response = items.send(method, path, auth=authorization(api, BAD_CREDENTIALS["unknown-token"]), body=invalid)
    verify_status(response, 401, f"{method} with an invalid body and an unknown token")


@pytest.mark.requirement("AUTH-FIRST")
@pytest.mark.asserts("AUTH-FIRST.before-existence", "AUTH-FIRST.before-validation")
def test_authentication_is_decided_before_existence_and_validation_together(api: ApiClient, items: Items) -> None:
    """AUTH-FIRST: 401 comes first when the item is missing and the body invalid at once."""
    response = api.put(item_path(items.absent_id()), body={"name": ""}, auth=False)
    verify_status(response, 401, "PUT of a missing item with an invalid body, no credentials")


MALFORMED: dict[str, Callable[[Items], tuple[str, str]]] = {
    # A write that is malformed as well as unauthenticated: its path, and a body that is not JSON.
    "POST-not-json": lambda items: ("POST", ITEMS),
    "PUT-not-json": lambda items: ("PUT", item_path(items.create()["id"])),
    "PATCH-not-json-missing-item": lambda items: ("PATCH", item_path(items.absent_id())),
}


@pytest.mark.requirement("AUTH-FIRST")
@pytest.mark.asserts("AUTH-FIRST.malformed-400-404-or-401")
@pytest.mark.parametrize("write", MALFORMED.values(), ids=MALFORMED.keys())
def test_an_unauthenticated_malformed_write_gets_400_404_or_401(
    api: ApiClient, items: Items, write: Callable[[Items], tuple[str, str]]
) -> None:
    """AUTH-FIRST: for a malformed write without credentials 400, 404 or 401 are all acceptable, and
    nothing else: not 422 (validation before authentication), never a success."""
    method, path = write(items)
    response = api.request(method, path, auth=False, raw=NOT_JSON_BODY)
    verify_status(response, {400, 404, 401}, f"{method} of a body that is not JSON, no credentials")


@pytest.mark.requirement("AUTH-NO-EFFECT")
@pytest.mark.parametrize("credentials", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize(
    "method",
    cases(
        {"PUT": "PUT", "PATCH": "PATCH", "DELETE": "DELETE"},
        {
            "PUT": "AUTH-NO-EFFECT.put-changes-nothing",
            "PATCH": "AUTH-NO-EFFECT.patch-changes-nothing",
            "DELETE": "AUTH-NO-EFFECT.delete-keeps-the-item",
        },
    ),
)
def test_a_refused_write_changes_nothing(api: ApiClient, items: Items, method: str, credentials: Credentials) -> None:
    """AUTH-NO-EFFECT: a write rejected with 401 changes nothing."""
    item = items.baseline(items.body(description="before"))
    auth = authorization(api, credentials)
    response = items.send(method, item_path(item["id"]), auth=auth)
    skip_unless_status(response, 401, REFUSED_BY, needs=refusal_needs(credentials))
    verify_unchanged(api, item, f"item {item['id']} after a refused {method}")


@pytest.mark.requirement("AUTH-NO-EFFECT")
@pytest.mark.asserts("AUTH-NO-EFFECT.post-stores-nothing")
@pytest.mark.parametrize("credentials", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_create_stores_nothing(api: ApiClient, items: Items, credentials: Credentials) -> None:
    """AUTH-NO-EFFECT: a POST rejected with 401 stores no item."""
    body = items.body()
    response = api.post(ITEMS, body=body, auth=authorization(api, credentials))
    skip_unless_status(response, 401, REFUSED_BY, needs=refusal_needs(credentials))
    verify_not_created(items.tail(), body["name"])


READS: dict[str, Callable[[Items], str]] = {
    "list": lambda items: ITEMS,
    "list-window": lambda items: f"{ITEMS}?limit=5&offset=0",
    "item": lambda items: item_path(items.create()["id"]),
}


@pytest.mark.requirement("AUTH-READ-OPEN")
@pytest.mark.parametrize(
    "path_for",
    cases(READS, {"list": "AUTH-READ-OPEN.list", "list-window": "AUTH-READ-OPEN.list", "item": "AUTH-READ-OPEN.item"}),
)
def test_reads_need_no_credentials(api: ApiClient, items: Items, path_for: Callable[[Items], str]) -> None:
    """AUTH-READ-OPEN: GET requests succeed without credentials."""
    path = path_for(items)
    response = api.get(path, auth=False)
    verify_status(response, 200)


@pytest.mark.requirement("AUTH-CHALLENGE")
@pytest.mark.parametrize("credentials", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.asserts("AUTH-CHALLENGE.header-present", "AUTH-CHALLENGE.bearer-scheme")
def test_a_401_carries_a_bearer_challenge(api: ApiClient, items: Items, credentials: Credentials) -> None:
    """AUTH-CHALLENGE: a 401 carries WWW-Authenticate with the Bearer scheme (RFC 6750 §3)."""
    auth = authorization(api, credentials)
    response = api.post(ITEMS, body=items.body(), auth=auth)
    verify_status(response, 401, requirement="AUTH-REQUIRED" if auth is False else "AUTH-INVALID")
    verify_bearer_challenge(response)


@pytest.mark.requirement("AUTH-SCHEME-CASE")
@pytest.mark.parametrize(
    "scheme",
    cases(
        {"bearer": "bearer", "BEARER": "BEARER", "bEaReR": "bEaReR"},
        {
            "bearer": "AUTH-SCHEME-CASE.lower-case",
            "BEARER": "AUTH-SCHEME-CASE.any-case",
            "bEaReR": "AUTH-SCHEME-CASE.any-case",
        },
    ),
)
def test_the_scheme_name_is_case_insensitive(api: ApiClient, items: Items, scheme: str) -> None:
    """AUTH-SCHEME-CASE: the scheme name is matched case-insensitively (RFC 9110 §11.1)."""
    response = api.post(ITEMS, body=items.body(), auth=f"{scheme} {api.token}")
    if response.status_code == 401:
        raise fail(
            f"POST /items with scheme {scheme!r}",
            expected="the token accepted",
            received="status 401",
            response=response,
        )
    verify_item_response(response, 201, requirement="CREATE-201")
