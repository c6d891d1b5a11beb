"""Responses are read as JSON per RFC 8259: what its grammar allows is read (escapes of lone surrogates
included, §8.2), what it forbids is refused."""

from __future__ import annotations

import pytest

from conformance.contract import strict_json


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'{"name": "\\ud800"}', {"name": "\ud800"}),
        (b'["\\udc00 trailing", "lead \\ud83d"]', ["\udc00 trailing", "lead \ud83d"]),
        (b'"\\ud83d\\ude00"', "\U0001f600"),
        (b' \t\r\n{"a": [1, -0.5e3, true, null]} \n', {"a": [1, -500.0, True, None]}),
        ('"ünïcode 😀"'.encode(), "ünïcode 😀"),
    ],
    ids=["lone-high-surrogate", "lone-low-surrogates", "surrogate-pair", "whitespace-and-literals", "utf-8"],
)
def test_what_rfc_8259_allows_is_read(text: bytes, expected: object) -> None:
    received = strict_json.loads(text)
    assert received == expected, f"expected {expected!r}, received {received!r}"


@pytest.mark.parametrize(
    "text",
    [
        b'{"price": NaN}',
        b"[Infinity]",
        b"-Infinity",
        b"[1, 2,]",
        b'{"a": 1,}',
        b"{'a': 1}",
        b"[01]",
        b'"\xff"',
        b'"\xed\xa0\x80"',
        b'"tab\there"',
        b"\xef\xbb\xbf{}",
        '{"a": 1}'.encode("utf-16"),
        b'{"a": 1} // comment',
        b"",
    ],
    ids=[
        "nan",
        "infinity",
        "minus-infinity",
        "trailing-comma-array",
        "trailing-comma-object",
        "single-quotes",
        "leading-zero",
        "invalid-utf-8",
        "utf-8-encoded-surrogate",
        "raw-control-character",
        "byte-order-mark",
        "utf-16",
        "comment",
        "empty",
    ],
)
def test_what_rfc_8259_forbids_is_refused(text: bytes) -> None:
    try:
        received = strict_json.loads(text)
    except ValueError:
        return
    pytest.fail(f"expected a ValueError, received {received!r}")
