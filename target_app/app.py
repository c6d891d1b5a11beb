"""The application factory: wires store, auth, routes, errors and the published contract."""

from __future__ import annotations

from collections.abc import Iterable

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide

from target_app.auth import BearerAuth, configured_tokens
from target_app.errors import problem_for_every_error
from target_app.openapi import openapi_config
from target_app.parts import AppParts
from target_app.routes import ItemController, answer_options
from target_app.store import ItemStore


def create_app(
    tokens: Iterable[str] | None = None, faults: Iterable[str] = (), store: ItemStore | None = None
) -> Litestar:
    """Build the reference server.

    `tokens` are the bearer tokens it accepts; when omitted they come from `ITEMS_API_TOKENS`.
    No token is ever accepted that was not configured one of these two ways. `faults` names
    deliberate bugs from target_app.faults, for proving that the suites catch them. `store` replaces the
    in-memory store that starts empty (the project's tests serve one holding other clients' data).
    """
    parts = AppParts(store=store or ItemStore(), auth=BearerAuth(configured_tokens(tokens)))
    # The self-test's seam, never used by the reference itself: mutation testing leaves it alone.
    if faults:  # pragma: no mutate
        from target_app.faults import inject

        inject(parts, faults)  # pragma: no mutate
    store = parts.store
    return Litestar(
        route_handlers=[ItemController],
        dependencies={"store": Provide(lambda: store, use_cache=True, sync_to_thread=False)},
        before_request=answer_options,
        after_request=problem_for_every_error,
        exception_handlers=parts.exception_handlers,
        middleware=parts.middleware,
        state=State({"auth": parts.auth}),
        openapi_config=openapi_config(),
    )
