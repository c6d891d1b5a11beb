"""The contract's paths as the suites spell them, and which operation and item id a request's path names."""

from __future__ import annotations

import math
import re

from conformance.contract.openapi import load_contract

ITEMS = load_contract().collection_path
_ITEM = next(op.path for op in load_contract().operations if op.on_item)
ITEM_PATH = re.compile("^" + re.escape(_ITEM).replace(re.escape("{id}"), "([^/?#]+)") + "$")


def item_path(item_id: int | str) -> str:
    return _ITEM.replace("{id}", str(item_id))


def operation_of(method: str, path: str) -> str:
    """The contract operation a request addresses, as `METHOD /items` or `METHOD /items/{id}`."""
    bare = path.split("?", 1)[0]
    if bare == ITEMS:
        return f"{method} {ITEMS}"
    if ITEM_PATH.match(bare):
        return f"{method} {_ITEM}"
    return f"{method} (outside the contract)"


def path_item_id(path: str) -> int | None:
    """The item id a server might read from this path, counting forms like `05`, `+5` or `5.0` (§8)."""
    match = ITEM_PATH.match(path)
    if match is None:
        return None
    try:
        number = float(match.group(1).replace("_", ""))
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number) or number < 1:
        return None
    return int(number)
