"""The Item of §1 judged by the bounds contracts/openapi.json gives it, and ITEM-ROUNDTRIP's equality.

It imports only the contract layer, so that both the item helpers and the checks can use it.
"""

from __future__ import annotations

import math
import unicodedata
from contextlib import suppress
from typing import Any

from conformance.contract.openapi import load_contract

ITEM_MEMBERS = frozenset(load_contract().item)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def short_repr(value: object) -> str:
    """`repr(value)`, cut to fit on one line of a failure message."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}... ({len(value) if isinstance(value, str) else '?'} chars)"


NORMAL_FORMS = ("NFC", "NFD", "NFKC", "NFKD")


def normalised_from(sent: object, received: object) -> str:
    """When `received` is `sent` in a Unicode normal form, which one and where, as code points (`é` sent as
    e + U+0301 and received as U+00E9 look the same on any screen); else an empty string."""
    if not (isinstance(sent, str) and isinstance(received, str)) or sent == received:
        return ""
    form = next((form for form in NORMAL_FORMS if unicodedata.normalize(form, sent) == received), None)
    if form is None:
        return ""
    start = next(i for i, (a, b) in enumerate(zip(sent + "\0", received + "\0", strict=False)) if a != b)
    sent_part, received_part = _code_points(sent[start : start + 3]), _code_points(received[start : start + 3])
    return f" ({form} of what was sent: sent {sent_part}, received {received_part})"


def _code_points(text: str) -> str:
    return " ".join(f"U+{ord(character):04X}" for character in text)


def item_shape_problems(item: object) -> list[str]:
    """Everything that makes `item` not an Item of §1; empty when it is one."""
    if not isinstance(item, dict):
        return [f"not a JSON object but {type(item).__name__}"]
    # Read per call, not at import: the bounds are the contract's, whichever document is loaded.
    members = load_contract().item
    name_rule, price_rule, description_rule = members["name"], members["price"], members["description"]
    name_min, name_max = name_rule.min_length or 0, name_rule.max_length or math.inf
    price_min, price_max = price_rule.exclusive_minimum or 0, price_rule.maximum or math.inf
    description_max = description_rule.max_length or math.inf
    problems = []
    if missing := members.keys() - item.keys():
        problems.append(f"missing members {sorted(missing)}")
    if extra := item.keys() - members.keys():
        problems.append(f"members outside the contract {sorted(extra)}")
    item_id, name, price = item.get("id"), item.get("name"), item.get("price")
    description = item.get("description")
    if "id" in item and not (isinstance(item_id, int) and not isinstance(item_id, bool) and item_id >= 1):
        problems.append(f"id must be an integer ≥ 1, got {item_id!r}")
    if "name" in item and not (isinstance(name, str) and name_min <= len(name) <= name_max):
        problems.append(f"name must be a string of {name_min} to {name_max} characters, got {short_repr(name)}")
    if "price" in item and not (_is_number(price) and price_min < price <= price_max and math.isfinite(price)):
        problems.append(f"price must be a number in ({price_min}, {price_max}], got {price!r}")
    if "description" in item and not (
        (description is None and description_rule.nullable)
        or (isinstance(description, str) and len(description) <= description_max)
    ):
        problems.append(
            f"description must be null or a string of at most {description_max} characters, "
            f"got {short_repr(description)}"
        )
    return problems


def as_read(item: dict[str, Any]) -> dict[str, Any]:
    """`item` with a price given as a numeric string ("12.50") read as that number: what a set-up step or a
    check of change compares, while ITEM-SHAPE judges the string itself."""
    price = item.get("price")
    if isinstance(price, str):
        with suppress(ValueError):
            return {**item, "price": float(price)}
    return item


def same_value(sent: object, received: object) -> bool:
    """ITEM-ROUNDTRIP's equality: strings exactly, numbers by value (as IEEE 754 doubles, §8)."""
    if _is_number(sent) and _is_number(received):
        return float(sent) == float(received)  # type: ignore[arg-type]
    return type(sent) is type(received) and sent == received
