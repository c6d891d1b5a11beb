"""Request bodies holding input the contract leaves open (§8): an item made or changed from one may hold
what breaks the server's later answers (an infinite price in every list), so it is deleted right after its
test, and nothing judged depends on it."""

from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation

from conformance.contract.openapi import load_contract

LARGE_BODY = 2**20
"""§8: bodies over 1 MiB."""
_MEMBERS = (*load_contract().create.values(), *load_contract().patch.values())
BOUNDS = sorted(
    {
        Decimal(str(bound))
        for member in _MEMBERS
        for bound in (member.minimum, member.exclusive_minimum, member.maximum)
        if bound is not None
    }
)
"""The numeric bounds a double may blur: `1000000.000000000000001` is over the maximum, its double is not."""


class _Found(Exception):
    """The first piece of open input found, ends the scan."""


def open_input(content: bytes | None) -> str | None:
    """What in `content` the contract leaves open, or None."""
    if not content:
        return None
    if len(content) > LARGE_BODY:
        return "a body over 1 MiB"
    try:
        value = json.loads(content, parse_float=_number, parse_int=_number)
        if _has_lone_surrogate(value):
            return "a lone UTF-16 surrogate in a string"
    except _Found as found:
        return str(found)
    except (ValueError, RecursionError):
        return None  # not JSON: refused or judged as such, never stored as given
    return None


def _number(text: str) -> Decimal:
    try:
        exact = Decimal(text)
    except InvalidOperation:
        return Decimal(0)
    double = float(exact)
    if not math.isfinite(double) or (double == 0 and exact != 0):
        raise _Found(f"a number a double cannot hold ({text[:20]})")
    held = Decimal(double)
    if any((exact > bound) != (held > bound) or (exact < bound) != (held < bound) for bound in BOUNDS):
        raise _Found(f"a number a double rounds onto the other side of a bound ({text[:30]})")
    return exact


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(name) or _has_lone_surrogate(member) for name, member in value.items())
    return isinstance(value, list) and any(_has_lone_surrogate(element) for element in value)
