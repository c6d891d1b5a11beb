"""The contract's paths as the suites spell them, which operation a request's path addresses, and the ids a
server might read from a path (by their text, as the ledger keeps them)."""

from __future__ import annotations

import math
import re
from urllib.parse import unquote

from conformance.contract.openapi import load_contract

ITEMS = load_contract().collection_path
_ITEM = next(op.path for op in load_contract().operations if op.on_item)
ITEM_PATH = re.compile("^" + re.escape(_ITEM).replace(re.escape("{id}"), "([^/?#]+)") + "$")

IdValue = int | str
"""An item id as a server gave it: the contract's integer, or a string a faulty server uses instead."""


def item_path(item_id: IdValue) -> str:
    return _ITEM.replace("{id}", str(item_id))


def bare(path: str) -> str:
    """`path` without its query and a trailing slash (a server MAY serve `/items/5/` as `/items/5`)."""
    stripped = path.split("?", 1)[0].split("#", 1)[0]
    return stripped.rstrip("/") or "/"


def is_collection(path: str) -> bool:
    return bare(path) == ITEMS


def operation_of(method: str, path: str) -> str:
    """The contract operation a request addresses, as `METHOD /items` or `METHOD /items/{id}`."""
    plain = path.split("?", 1)[0]
    if plain == ITEMS:
        return f"{method} {ITEMS}"
    if ITEM_PATH.match(plain):
        return f"{method} {_ITEM}"
    return f"{method} (outside the contract)"


def id_key(value: object) -> str | None:
    """The ledger's key of an id value from a body: its text (an int and the string of its digits are the same
    item, `/items/5`). None when it cannot be an id at all (null, a bool, an object)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return str(value)


def is_canonical(text: str) -> bool:
    """Whether `text` is an integer as the contract writes it: digits, no sign, no leading zero."""
    return text.isascii() and text.isdigit() and str(int(text)) == text


def id_value(segment: str) -> IdValue:
    """What a path segment names, as a body would give it: an int for canonical digits, else its text."""
    text = unquote(segment)
    return int(text) if is_canonical(text) else text


def integer_form(text: str) -> int | None:
    """The integer a lenient server may read `05`, `+5`, `5.0` or `1e1` as (§8), or None."""
    try:
        number = float(text.replace("_", ""))
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def segment_keys(segment: str) -> frozenset[str]:
    """Every id a server might read from a path segment: its text, and the integer a non-canonical form
    denotes. A write is safe only when all of them are."""
    text = unquote(segment)
    number = integer_form(text)
    return frozenset({text} if number is None else {text, str(number)})


def path_segments(path: str) -> list[str] | None:
    """The segments after the collection's (`['5']` for `/items/5`, `['5', 'children']` below it), or None
    when the path is not below the collection."""
    plain = bare(path)
    if not plain.startswith(f"{ITEMS}/"):
        return None
    return plain[len(ITEMS) + 1 :].split("/")
