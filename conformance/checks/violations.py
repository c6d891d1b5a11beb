"""What a suite raises when a target breaks the contract, or when a test cannot judge it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

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

    def to_json(self) -> dict[str, Any]:
        return {
            "requirements": list(self.requirements),
            "summary": self.summary,
            "expected": self.expected,
            "received": self.received,
            "notes": list(self.notes),
            "exchange": None if self.exchange is None else self.exchange.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Violation:
        exchange = data.get("exchange")
        return cls(
            requirements=tuple(data["requirements"]),
            summary=data["summary"],
            expected=data["expected"],
            received=data["received"],
            exchange=Exchange.from_json(exchange) if exchange else None,
            notes=list(data["notes"]),
        )

    def without_bodies(self) -> Violation:
        return replace(self, exchange=self.exchange and self.exchange.without_bodies())


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


PRECONDITION_FAILED = "precondition failed"
_NEEDS = re.compile(r"^precondition failed \(needs ([A-Z0-9-]+)\): ")


def not_run(reason: str, *, needs: str | None = None) -> pytest.skip.Exception:
    """A precondition failed (the target could not create an item to test with, say): not run, not passed.
    What the run may not do (an unsafe write, a write without a token) is not run too: `target.errors.NotRun`.
    Either way the test's outcome is `Outcome.NOT_RUN`, and a requirement none of whose tests ran `Status.NOT_RUN`.

    `needs` is the requirement that the precondition depends on, judged by its own tests: the report groups
    what was not run by it. It travels in the skip message, the one thing a skip carries across xdist.
    """
    cause = f" (needs {needs})" if needs else ""
    return pytest.skip.Exception(f"{PRECONDITION_FAILED}{cause}: {reason}", _use_item_location=True)


def needed_requirement(message: str) -> str | None:
    """The requirement a not-run test's precondition needed, read back from its skip message."""
    match = _NEEDS.match(message)
    return match.group(1) if match else None
