"""Bearer-token authentication for the writes (CONTRACT.md §2).

A guard runs before Litestar parses the path id's item or the body, so an unauthenticated write
gets 401 whatever else is wrong with it (AUTH-FIRST).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

TOKENS_ENV = "ITEMS_API_TOKENS"
"""Comma-separated list of the bearer tokens the server accepts."""


def tokens_from_env() -> frozenset[str]:
    listed = os.environ.get(TOKENS_ENV)
    if listed is None:
        return frozenset()
    return frozenset(token.strip() for token in listed.split(",") if token.strip())


def configured_tokens(tokens: Iterable[str] | None) -> Iterable[str]:
    """The tokens create_app() was given or, when it was given none, those of ITEMS_API_TOKENS."""
    if isinstance(tokens, str):
        # A lone string would be read as one-character tokens: refuse the mistake, do not guess.
        raise TypeError("tokens must be a collection of strings, not a string")
    return tokens_from_env() if tokens is None else tokens


class BearerAuth:
    """Accepts exactly the configured tokens; with none configured, every write is refused."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._tokens = tuple(token.encode() for token in tokens if token)

    def accepts(self, authorization: str | None) -> bool:
        if not authorization:
            return False
        scheme, _, token = authorization.partition(" ")
        # The scheme is case-insensitive (RFC 9110 §11.1); the token is compared in constant time.
        if scheme.lower() != "bearer" or not token.strip():
            return False
        presented = token.strip().encode()
        return any(hmac.compare_digest(presented, accepted) for accepted in self._tokens)

    async def guard(self, connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if not self.accepts(connection.headers.get("authorization")):
            error = ', error="invalid_token"' if "authorization" in connection.headers else ""
            raise NotAuthorizedException(
                detail="A valid bearer token is required for this operation.",
                headers={"WWW-Authenticate": f'Bearer realm="items"{error}'},
            )
