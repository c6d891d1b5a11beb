"""Expectations: the failures a team knows of and commits while it works towards conformance.

`conformance run --expect FILE` reads a TOML file of entries, one per requirement that is known not to
pass, each with a reason, optionally a link, an expiry date and the test ids it is limited to:

    [[expected]]
    requirement = "VALID-422"
    reason = "schema errors still answer 400; moving to 422 in #142"
    link = "https://tracker.example/142"
    expires = 2026-09-30
    tests = ["suites/test_validation.py::test_an_invalid_create_gets_422_and_stores_nothing"]

An entry past its expiry date excuses nothing. The verdict never changes: only the gate reads these.
"""

from __future__ import annotations

import datetime
import difflib
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENTRY = "expected"
KEYS = ("requirement", "reason", "link", "expires", "tests")


class ExpectationsError(ValueError):
    """An expectations file that cannot be used; the message says where and why, on one line."""


@dataclass(frozen=True)
class Expectation:
    requirement: str
    reason: str
    link: str | None = None
    expires: datetime.date | None = None
    tests: tuple[str, ...] = ()
    """Test ids (a node id, or a prefix of one: a module, a test without its parameters); none: every test."""

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and today > self.expires

    def covers(self, nodeid: str) -> bool:
        return not self.tests or any(
            nodeid == test or nodeid.startswith((f"{test}[", f"{test}::")) for test in self.tests
        )


@dataclass(frozen=True)
class Expectations:
    path: str
    entries: tuple[Expectation, ...]

    def get(self, requirement: str) -> Expectation | None:
        return next((entry for entry in self.entries if entry.requirement == requirement), None)

    def unexcused(self, nodeid: str, failed: Collection[str], today: datetime.date) -> list[str]:
        """The requirements this test failed that no entry in force excuses for it."""
        return [
            requirement
            for requirement in failed
            if (entry := self.get(requirement)) is None or entry.expired(today) or not entry.covers(nodeid)
        ]

    def why_expected(self, failed: Collection[str]) -> str:
        reasons = "; ".join(f"{entry.requirement}: {entry.reason}" for rid in failed if (entry := self.get(rid)))
        return f"expected failure ({self.path}) — {reasons}"


def _text(where: str, entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ExpectationsError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _required_text(where: str, entry: dict[str, Any], key: str) -> str:
    value = _text(where, entry, key)
    if value is None:
        raise ExpectationsError(f"{where}: '{key}' is missing")
    return value


def _expires(where: str, value: object) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise ExpectationsError(f"{where}: 'expires' must be a TOML date, written without quotes: expires = {value}")
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ExpectationsError(f"{where}: 'expires' must be a date like 2026-09-30, got {value!r}")
    return value


def _tests(where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(test, str) and test.strip() for test in value):
        raise ExpectationsError(f"{where}: 'tests' must be a non-empty list of test ids")
    return tuple(test.strip() for test in value)


def _entry(number: int, entry: object, known: Collection[str]) -> Expectation:
    where = f"entry {number}"
    if not isinstance(entry, dict):
        raise ExpectationsError(f"{where}: must be a table ([[{ENTRY}]])")
    requirement = _required_text(where, entry, "requirement")
    where = f"entry {number} ({requirement})"
    if requirement not in known:
        close = difflib.get_close_matches(requirement, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ExpectationsError(f"{where}: unknown requirement ID {requirement!r}{hint}")
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise ExpectationsError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(KEYS)})")
    return Expectation(
        requirement=requirement,
        reason=_required_text(where, entry, "reason"),
        link=_text(where, entry, "link"),
        expires=_expires(where, entry.get("expires")),
        tests=_tests(where, entry.get("tests")),
    )


def parse_expectations(text: str, path: str, known: Collection[str]) -> Expectations:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExpectationsError(f"not valid TOML: {error}") from None
    unknown = sorted(set(data) - {ENTRY})
    if unknown:
        raise ExpectationsError(f"unknown top-level key {unknown[0]!r}: entries are [[{ENTRY}]] tables")
    raw = data.get(ENTRY, [])
    if not isinstance(raw, list):
        raise ExpectationsError(f"'{ENTRY}' must be an array of tables: write each entry as [[{ENTRY}]]")
    entries = tuple(_entry(number, entry, known) for number, entry in enumerate(raw, start=1))
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        if entry.requirement in seen:
            raise ExpectationsError(
                f"entry {number}: {entry.requirement} is listed twice (also entry {seen[entry.requirement]})"
            )
        seen[entry.requirement] = number
    return Expectations(path, entries)


def load_expectations(path: str, known: Collection[str]) -> Expectations:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ExpectationsError(f"cannot read it: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ExpectationsError("cannot read it: it is not UTF-8 text") from None
    return parse_expectations(text, path, known)
