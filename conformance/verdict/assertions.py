"""Each requirement's contract assertions with what the run found of them: passed, failed or not run, and for
a failure the assertion it broke with its evidence ("ITEM-ROUNDTRIP.no-normalisation: …").

The verdict and the exit code stay per requirement (judging.py); this is the finer view of the same test
outcomes. An assertion is *failed* when a test case citing it failed its requirement, *passed* when one citing
it passed and none failed it, *not-run* otherwise (skipped, errored, failed on another requirement first, or not
selected).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from conformance.contract.catalog import Assertion, Catalog
from conformance.verdict.outcomes import Outcome, TestOutcome


class AssertionStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not-run"


@dataclass(frozen=True)
class AssertionFailure:
    test: str
    evidence: list[str]
    """One line per violation of the assertion's requirement: `ID: summary: expected …, received …`."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssertionFailure:
        return cls(data["test"], list(data["evidence"]))


@dataclass(frozen=True)
class AssertionResult:
    id: str
    text: str
    status: AssertionStatus
    tests: list[str] = field(default_factory=list)
    failures: list[AssertionFailure] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssertionResult:
        failures = [AssertionFailure.from_json(each) for each in data["failures"]]
        return cls(data["id"], data["text"], AssertionStatus(data["status"]), list(data["tests"]), failures)


def _broke(outcome: TestOutcome, assertion: Assertion) -> bool:
    return outcome.outcome is Outcome.FAILED and assertion.requirement in outcome.failed_requirements


def _evidence(assertion: Assertion, outcome: TestOutcome) -> list[str]:
    lines = [
        f"{assertion.id}: {violation.summary}: expected {violation.expected}, received {violation.received}"
        for violation in outcome.violations
        if assertion.requirement in violation.requirements
    ]
    return lines or [f"{assertion.id}: {outcome.message.splitlines()[0] if outcome.message else 'failed'}"]


def _result(assertion: Assertion, outcomes: list[TestOutcome]) -> AssertionResult:
    failed = [outcome for outcome in outcomes if _broke(outcome, assertion)]
    passed = [outcome for outcome in outcomes if outcome.outcome is Outcome.PASSED]
    status = AssertionStatus.FAILED if failed else AssertionStatus.PASSED if passed else AssertionStatus.NOT_RUN
    return AssertionResult(
        assertion.id,
        assertion.text,
        status,
        list(dict.fromkeys(outcome.nodeid for outcome in outcomes)),
        [AssertionFailure(outcome.nodeid, _evidence(assertion, outcome)) for outcome in failed],
    )


def assertion_results(catalog: Catalog, outcomes: Iterable[TestOutcome]) -> dict[str, list[AssertionResult]]:
    """Requirement ID to its assertions' results, in catalog order."""
    citing: dict[str, list[TestOutcome]] = defaultdict(list)
    for outcome in outcomes:
        for assertion_id in outcome.assertions:
            citing[assertion_id].append(outcome)
    return {
        requirement.id: [_result(assertion, citing[assertion.id]) for assertion in requirement.assertions]
        for requirement in catalog.requirements
    }
