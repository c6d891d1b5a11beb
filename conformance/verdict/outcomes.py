"""What one test did: the record a run's verdict is judged from, written to conformance.json and read back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from conformance.checks.violations import Violation
from conformance.text import first_line

GENERATED_MODULES = frozenset({"test_properties.py", "test_stateful.py"})
"""The suites' modules of generated (Schemathesis) tests: they send cases the contract's document allows and
judge every response by it, not a requirement's own scenario."""


def is_generated(nodeid: str) -> bool:
    """A generated test: it cannot make a requirement passed that has hand-written tests of its own."""
    return nodeid.split("::", 1)[0].rsplit("/", 1)[-1] in GENERATED_MODULES


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "skipped"
    """Not run: a precondition the target did not meet (`not_run()`), or what the run may not do (`NotRun`).
    Written as pytest's word for it, as conformance.json always had it."""
    ERROR = "error"


@dataclass
class TestOutcome:
    __test__ = False  # a record of a test, not a test: keeps pytest from collecting it

    nodeid: str
    requirements: tuple[str, ...]
    outcome: Outcome
    failed_requirements: tuple[str, ...] = ()
    message: str = ""
    violations: list[Violation] = field(default_factory=list)
    duration: float = 0.0
    assertions: tuple[str, ...] = ()
    """The contract assertions the test case cites (REQUIREMENT.key)."""

    @property
    def generated(self) -> bool:
        return is_generated(self.nodeid)

    @property
    def headline(self) -> str:
        """The message's first line: what a report's test row says of it."""
        return first_line(self.message)

    def to_json(self, evidence: bool) -> dict[str, Any]:
        """A test row of conformance.json; with `evidence` (a shard's report, the xdist wire) a test that did
        not pass keeps its whole message and violations, so that it can be judged again from the row."""
        test: dict[str, Any] = {
            "nodeid": self.nodeid,
            "requirements": list(self.requirements),
            "outcome": self.outcome.value,
            "failed_requirements": list(self.failed_requirements),
            "message": self.headline,
            "duration_s": round(self.duration, 4),
            "assertions": list(self.assertions),
        }
        if evidence and self.outcome is not Outcome.PASSED:
            test["evidence"] = {"message": self.message, "violations": [each.to_json() for each in self.violations]}
        return test

    @classmethod
    def from_json(cls, test: dict[str, Any]) -> TestOutcome:
        evidence = test.get("evidence", {})
        return cls(
            nodeid=test["nodeid"],
            requirements=tuple(test["requirements"]),
            outcome=Outcome(test["outcome"]),
            failed_requirements=tuple(test["failed_requirements"]),
            message=evidence.get("message", test["message"]),
            violations=[Violation.from_json(each) for each in evidence.get("violations", [])],
            duration=test["duration_s"],
            assertions=tuple(test.get("assertions", ())),
        )
