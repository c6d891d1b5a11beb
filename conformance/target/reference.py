"""The reference app as a target: the only place the suite imports it, and only for an in-process run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def known_faults() -> dict[str, Any]:
    """The self-test's fault catalogue, by name."""
    from target_app.faults import FAULTS

    return dict(FAULTS)


def reference_app(token: str, faults: Iterable[str] = ()) -> Any:
    """The reference app accepting only `token`, with `faults` switched on."""
    from target_app import create_app

    return create_app(tokens=[token], faults=faults)
