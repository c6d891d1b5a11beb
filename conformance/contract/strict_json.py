"""JSON as RFC 8259 defines it, for reading what a target sends.

Python's json module is lenient where the RFC is not: it reads `NaN`, `Infinity` and `-Infinity`, and bytes in
UTF-16 or UTF-32. A body carrying them is not JSON, so a check that reads it must not accept it. Where the
RFC's grammar is wider than interoperable data, it is read: escapes of lone surrogates (`"\\ud800"`, §8.2)
are JSON, and a server may echo the one the suite stores (§8 of the contract).
"""

from __future__ import annotations

import json
from typing import Any


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON number (RFC 8259 §6)")


def loads(content: bytes) -> Any:
    """The JSON value of `content`; ValueError when it is not an RFC 8259 JSON text in UTF-8."""
    return json.loads(content.decode("utf-8"), parse_constant=_not_json)
