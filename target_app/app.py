"""The application factory: wires store, auth, routes, errors and the published contract."""

from __future__ import annotations

from collections.abc import Iterable

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from target_app.auth import BearerAuth, tokens_from_env
from target_app.errors import problem_for_every_error
from target_app.openapi import ContractJsonPlugin
from target_app.parts import AppParts
from target_app.routes import ItemController, answer_options
from target_app.store import ItemStore

TITLE = "Items API"
CONTRACT_VERSION = "1.0.0"


def create_app(tokens: Iterable[str] | None = None, faults: Iterable[str] = ()) -> Litestar:
    """Build the reference server.

    `tokens` are the bearer tokens it accepts; when omitted they come from `ITEMS_API_TOKENS`.
    No token is ever accepted that was not configured one of these two ways. `faults` names
    deliberate bugs from target_app.faults, for proving that the suites catch them.
    """
    if isinstance(tokens, str):
        # A lone string would be read as one-character tokens: refuse the mistake, do not guess.
        raise TypeError("tokens must be a collection of strings, not a string")
    parts = AppParts(store=ItemStore(), auth=BearerAuth(tokens_from_env() if tokens is None else tokens))
    if faults:
        from target_app.faults import inject

        inject(parts, faults)
    store = parts.store
    return Litestar(
        route_handlers=[ItemController],
        dependencies={"store": Provide(lambda: store, use_cache=True, sync_to_thread=False)},
        before_request=answer_options,
        after_request=problem_for_every_error,
        exception_handlers=parts.exception_handlers,
        middleware=parts.middleware,
        state=State({"auth": parts.auth}),
        openapi_config=OpenAPIConfig(
            title=TITLE,
            version=CONTRACT_VERSION,
            create_examples=False,
            components=Components(security_schemes={"bearerAuth": SecurityScheme(type="http", scheme="bearer")}),
            render_plugins=[ContractJsonPlugin()],
        ),
    )
