"""The seams of the app, in a module of their own so that the faults need not import the app factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from target_app.auth import BearerAuth
from target_app.errors import EXCEPTION_HANDLERS
from target_app.store import ItemStore


@dataclass
class AppParts:
    """The seams of the app. Faults (target_app/faults/) bend them of them; the clean app never looks."""

    store: ItemStore
    auth: BearerAuth
    exception_handlers: dict[Any, Any] = field(default_factory=lambda: dict(EXCEPTION_HANDLERS))
    middleware: list[Any] = field(default_factory=list)
