"""§2 Authentication: which writes are let in, and how the others are refused."""

from __future__ import annotations

import json

from litestar import Response
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Scope

from target_app.auth import BearerAuth
from target_app.errors import problem_response
from target_app.faults.registry import fault
from target_app.faults.seams import Headers, edit_requests, edit_responses, json_response, response_fault, without
from target_app.faults.store_and_auth import Guard, authorized, decide_auth, widen_auth
from target_app.parts import AppParts

# The faults that accept what a capital-B-only check refuses: given with it, one of the two could not apply.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOWERCASE_BEARER_ACCEPTED = ("auth-any-token", "auth-scheme-ignored", "auth-basic-accepted", "auth-optional")


@fault("auth-any-token", ("AUTH-INVALID",), "any bearer token is accepted, configured or not")
def _auth_any_token(parts: AppParts) -> None:
    widen_auth(parts, lambda inner, header: bool(header) and header.lower().startswith("bearer ") and bool(header[7:]))


@fault("auth-basic-accepted", ("AUTH-INVALID",), "any Basic credentials are accepted as well as the bearer token")
def _auth_basic_accepted(parts: AppParts) -> None:
    widen_auth(parts, lambda inner, header: inner.accepts(header) or (header or "").lower().startswith("basic "))


@fault("auth-scheme-ignored", ("AUTH-INVALID",), "the last word of the header is the token, whatever the scheme")
def _auth_scheme_ignored(parts: AppParts) -> None:
    # e.g. `header.split(" ")[-1]`: Basic <token>, Token <token> and <token> alone are all let in.
    widen_auth(parts, lambda inner, header: bool(header) and inner.accepts(f"Bearer {header.split(' ')[-1]}"))


@fault("auth-token-prefix", ("AUTH-INVALID",), "a token that starts with a configured one is accepted")
def _auth_token_prefix(parts: AppParts) -> None:
    def decide(inner: BearerAuth, header: str | None) -> bool:
        scheme, _, presented = (header or "").partition(" ")
        # The scheme as sent, so that a fault judging it (auth-scheme-case-sensitive) still can.
        return scheme.lower() == "bearer" and any(inner.accepts(f"{scheme} {presented[:n]}") for n in range(1, 200))

    widen_auth(parts, decide)


@fault(
    "auth-token-case-insensitive",
    ("AUTH-INVALID",),
    "the whole header is compared case-insensitively, the token too (AUTH-SCHEME-CASE done on the wrong part)",
)
def _auth_token_case_insensitive(parts: AppParts) -> None:
    def decide(inner: BearerAuth, header: str | None) -> bool:
        scheme, _, presented = (header or "").partition(" ")
        variants = {presented, presented.lower(), presented.upper(), presented.swapcase()}
        return any(inner.accepts(f"{scheme} {variant}") for variant in variants)

    widen_auth(parts, decide)


@fault(
    "auth-empty-token-accepted",
    ("AUTH-INVALID",),
    "'Bearer' with no token is let in: the token is compared only when there is one",
)
def _auth_empty_token_accepted(parts: AppParts) -> None:
    widen_auth(parts, lambda inner, header: inner.accepts(header) or (header or "").strip().lower() == "bearer")


@fault(
    "json-errors-before-auth-422",
    ("AUTH-FIRST",),
    "a write's body is parsed before its token is checked, and one that is not JSON gets 422 even without credentials",
)
def _json_errors_before_auth_422(parts: AppParts) -> None:
    def parse_first(scope: Scope, body: bytes) -> Response | None:
        if scope["method"] not in WRITE_METHODS or authorized(parts, scope) or not body:
            return None
        try:
            json.loads(body)
        except ValueError:
            return problem_response(422, "the body is not valid JSON")
        return None

    edit_requests(parts, parse_first)


@fault("auth-optional", ("AUTH-REQUIRED",), "a write without an Authorization header is let through")
def _auth_optional(parts: AppParts) -> None:
    widen_auth(parts, lambda inner, header: header is None or inner.accepts(header))


@fault(
    "auth-scheme-case-sensitive",
    ("AUTH-SCHEME-CASE",),
    "only 'Bearer' with a capital B is accepted",
    contradicts=LOWERCASE_BEARER_ACCEPTED,
)
def _auth_scheme_case_sensitive(parts: AppParts) -> None:
    decide_auth(parts, lambda inner, header: (header or "").startswith("Bearer ") and inner.accepts(header))


class _ExistenceFirst(Guard):
    def __init__(self, inner: BearerAuth, parts: AppParts) -> None:
        super().__init__(inner)
        self.parts = parts  # the store as the other faults leave it, read at request time

    async def guard(self, connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        item_id = connection.path_params.get("item_id")
        if item_id is not None and await self.parts.store.get(item_id) is None:
            raise NotFoundException(detail=f"Item {item_id} does not exist.")
        await super().guard(connection, handler)


@fault(
    "auth-after-existence", ("AUTH-FIRST",), "the item is looked up before the token: a missing id gets 404, not 401"
)
def _auth_after_existence(parts: AppParts) -> None:
    parts.auth = _ExistenceFirst(parts.auth, parts)


REFUSED_AFTERWARDS = "fault.refused-afterwards"


class _RefusesAfterWriting(Guard):
    async def guard(self, connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        try:
            await super().guard(connection, handler)
        except NotAuthorizedException:
            connection.scope[REFUSED_AFTERWARDS] = True  # type: ignore[literal-required]


@fault("auth-refuses-after-writing", ("AUTH-NO-EFFECT",), "a bad token gets 401, but only after the write was done")
def _auth_refuses_after_writing(parts: AppParts) -> None:
    parts.auth = _RefusesAfterWriting(parts.auth)

    def refuse(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if not scope.get(REFUSED_AFTERWARDS):
            return status, headers, body
        return json_response(
            401,
            [(b"www-authenticate", b"Bearer")],
            {"detail": "Unauthorized", "status": 401, "title": "Unauthorized"},
            b"application/problem+json",
        )

    edit_responses(parts, refuse)


@fault("auth-on-reads", ("AUTH-READ-OPEN",), "GET requests need the bearer token too")
def _auth_on_reads(parts: AppParts) -> None:
    def guard_reads(scope: Scope, body: bytes) -> Response | None:
        if scope["method"] == "GET" and scope["path"].startswith("/items") and not authorized(parts, scope):
            return problem_response(401, "A valid bearer token is required.", {"WWW-Authenticate": "Bearer"})
        return None

    edit_requests(parts, guard_reads)


@response_fault("auth-no-challenge", ("AUTH-CHALLENGE",), "401 answers carry no WWW-Authenticate header")
def _auth_no_challenge(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, without(headers, b"www-authenticate"), body
