"""What a suite raises when a target breaks the contract, or when a test cannot judge it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import pytest

from conformance.target.exchange import Exchange


@dataclass
class Violation:
    """One broken requirement, with the evidence a reviewer needs to reproduce it."""

    requirements: tuple[str, ...]
    summary: str
    expected: str
    received: str
    exchange: Exchange | None = None
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"[{', '.join(self.requirements)}] {self.summary}",
            f"  expected: {self.expected}",
            f"  received: {self.received}",
        ]
        lines += [f"  note: {note}" for note in self.notes]
        if self.exchange is not None:
            lines += ["", self.exchange.render()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "requirements": list(self.requirements),
            "summary": self.summary,
            "expected": self.expected,
            "received": self.received,
            "notes": self.notes,
            "exchange": None if self.exchange is None else self.exchange.to_dict(),
        }


class ContractViolation(AssertionError):
    """A test's verdict that the target breaks one or more requirements."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        super().__init__("\n\n".join(violation.render() for violation in self.violations))

    @property
    def requirements(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rid for violation in self.violations for rid in violation.requirements))


def request_line(response: httpx.Response) -> str:
    """`METHOD /path?query` of the request `response` answers: the default summary of what went wrong."""
    return f"{response.request.method} {response.request.url.raw_path.decode('ascii')}"


def blocked(reason: str) -> pytest.skip.Exception:
    """A precondition failed (the target could not create an item to test with, say): not run, not passed.

    The requirement that the precondition depends on is judged by its own tests.
    """
    return pytest.skip.Exception(f"precondition failed: {reason}", _use_item_location=True)
