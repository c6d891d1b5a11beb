"""The Item of §1: its members, their bounds, and ITEM-ROUNDTRIP's equality.

A leaf module (it imports nothing from the package), so that both the item helpers and the checks can use it.
"""

from __future__ import annotations

import math

ITEM_MEMBERS = frozenset({"id", "name", "price", "description"})
PRICE_MAX = 1_000_000
NAME_MAX = 100
DESCRIPTION_MAX = 1000


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def short_repr(value: object) -> str:
    """`repr(value)`, cut to fit on one line of a failure message."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}... ({len(value) if isinstance(value, str) else '?'} chars)"


def item_shape_problems(item: object) -> list[str]:
    """Everything that makes `item` not an Item of §1; empty when it is one."""
    if not isinstance(item, dict):
        return [f"not a JSON object but {type(item).__name__}"]
    problems = []
    if missing := ITEM_MEMBERS - item.keys():
        problems.append(f"missing members {sorted(missing)}")
    if extra := item.keys() - ITEM_MEMBERS:
        problems.append(f"members outside the contract {sorted(extra)}")
    item_id, name, price = item.get("id"), item.get("name"), item.get("price")
    description = item.get("description")
    if "id" in item and not (isinstance(item_id, int) and not isinstance(item_id, bool) and item_id >= 1):
        problems.append(f"id must be an integer ≥ 1, got {item_id!r}")
    if "name" in item and not (isinstance(name, str) and 1 <= len(name) <= NAME_MAX):
        problems.append(f"name must be a string of 1 to {NAME_MAX} characters, got {short_repr(name)}")
    if "price" in item and not (_is_number(price) and 0 < price <= PRICE_MAX and math.isfinite(price)):
        problems.append(f"price must be a number in (0, {PRICE_MAX}], got {price!r}")
    if "description" in item and not (
        description is None or (isinstance(description, str) and len(description) <= DESCRIPTION_MAX)
    ):
        problems.append(
            f"description must be null or a string of at most {DESCRIPTION_MAX} characters, "
            f"got {short_repr(description)}"
        )
    return problems


def same_value(sent: object, received: object) -> bool:
    """ITEM-ROUNDTRIP's equality: strings exactly, numbers by value (as IEEE 754 doubles, §8)."""
    if _is_number(sent) and _is_number(received):
        return float(sent) == float(received)  # type: ignore[arg-type]
    return type(sent) is type(received) and sent == received
