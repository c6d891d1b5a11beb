"""The application factory: wires store, auth, routes, errors and the published contract."""

from __future__ import annotations

from collections.abc import Iterable

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from target_app.auth import BearerAuth, tokens_from_env
from target_app.errors import EXCEPTION_HANDLERS
from target_app.openapi import ContractJsonPlugin
from target_app.routes import ItemController, answer_options
from target_app.store import ItemStore

TITLE = "Items API"
CONTRACT_VERSION = "1.0.0"


def create_app(tokens: Iterable[str] | None = None) -> Litestar:
    """Build the reference server.

    `tokens` are the bearer tokens it accepts; when omitted they come from `ITEMS_API_TOKENS`.
    No token is ever accepted that was not configured one of these two ways.
    """
    store = ItemStore()
    auth = BearerAuth(tokens_from_env() if tokens is None else tokens)
    return Litestar(
        route_handlers=[ItemController],
        dependencies={"store": Provide(lambda: store, use_cache=True, sync_to_thread=False)},
        before_request=answer_options,
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"auth": auth}),
        openapi_config=OpenAPIConfig(
            title=TITLE,
            version=CONTRACT_VERSION,
            create_examples=False,
            components=Components(security_schemes={"bearerAuth": SecurityScheme(type="http", scheme="bearer")}),
            render_plugins=[ContractJsonPlugin()],
        ),
    )
