"""What a suite raises when a target breaks the contract, or when a test cannot judge it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from conformance.client import NoResponse
from conformance.exchange import Exchange
from conformance.redaction import Redactor
from conformance.results import Outcome


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


def _leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside a group (Hypothesis reports several distinct failures as one)."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def failure_detail(cited: tuple[str, ...], error: BaseException, redactor: Redactor) -> dict[str, Any]:
    """How a failed test is judged: its violations name requirements; any other assertion (a request that
    got no response, say) fails every requirement the test cites; anything else is the suite's own error."""
    leaves = _leaves(error)
    if not all(isinstance(leaf, AssertionError) for leaf in leaves):
        message = redactor.text(f"the suite raised {type(error).__name__}: {error}")
        return {"outcome": Outcome.ERROR.value, "failed": [], "message": message, "violations": []}
    violations: list[dict[str, Any]] = []
    for leaf in leaves:
        if isinstance(leaf, ContractViolation):
            # A summary may quote what was sent (a credential form, say): mask the run's secrets there too.
            violations += [_redacted(violation.to_dict(), redactor) for violation in leaf.violations]
        else:
            text = redactor.text(str(leaf))
            exchange = leaf.exchange.to_dict() if isinstance(leaf, NoResponse) else None
            violations.append(
                {
                    "requirements": list(cited),
                    "summary": text.split("\n", 1)[0],
                    "expected": "",
                    "received": text,
                    "notes": [],
                    "exchange": exchange,
                }
            )
    failed = list(dict.fromkeys(rid for violation in violations for rid in violation["requirements"]))
    message = redactor.text("\n\n".join(str(leaf) for leaf in leaves))
    return {"outcome": Outcome.FAILED.value, "failed": failed, "message": message, "violations": violations}


def _redacted(violation: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    texts = {key: redactor.text(str(violation[key])) for key in ("summary", "expected", "received")}
    return {**violation, **texts, "notes": [redactor.text(str(note)) for note in violation["notes"]]}
