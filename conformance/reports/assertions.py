"""Each requirement's contract assertions with what the run found of them: passed, failed or not run, and for
a failure the assertion it broke with its evidence ("ITEM-ROUNDTRIP.no-normalisation: …").

The verdict and the exit code stay per requirement (verdict/judging.py); this is the finer view of the same
test outcomes. An assertion is *failed* when a test case citing it failed its requirement, *passed* when one
citing it passed and none failed it, *not-run* otherwise (skipped, errored, failed on another requirement
first, or not selected).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from conformance.contract.catalog import Assertion, load_catalog
from conformance.verdict.outcomes import Outcome, TestOutcome


class AssertionStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not-run"


def _broke(outcome: TestOutcome, assertion: Assertion) -> bool:
    return outcome.outcome is Outcome.FAILED and assertion.requirement in outcome.failed_requirements


def _evidence(assertion: Assertion, outcome: TestOutcome) -> list[str]:
    """One line per violation of the assertion's requirement: `ID: summary: expected …, received …`."""
    lines = [
        f"{assertion.id}: {violation['summary']}: expected {violation['expected']}, received {violation['received']}"
        for violation in outcome.violations
        if assertion.requirement in violation.get("requirements", ())
    ]
    return lines or [f"{assertion.id}: {outcome.message.splitlines()[0] if outcome.message else 'failed'}"]


def _row(assertion: Assertion, outcomes: list[TestOutcome]) -> dict[str, Any]:
    failed = [outcome for outcome in outcomes if _broke(outcome, assertion)]
    passed = [outcome for outcome in outcomes if outcome.outcome is Outcome.PASSED]
    status = AssertionStatus.FAILED if failed else AssertionStatus.PASSED if passed else AssertionStatus.NOT_RUN
    return {
        "id": assertion.id,
        "text": assertion.text,
        "status": status.value,
        "tests": list(dict.fromkeys(outcome.nodeid for outcome in outcomes)),
        "failures": [{"test": outcome.nodeid, "evidence": _evidence(assertion, outcome)} for outcome in failed],
    }


def assertion_results(outcomes: Iterable[TestOutcome]) -> dict[str, list[dict[str, Any]]]:
    """Requirement ID to its assertions' rows, in catalog order."""
    citing: dict[str, list[TestOutcome]] = defaultdict(list)
    for outcome in outcomes:
        for assertion_id in outcome.assertions:
            citing[assertion_id].append(outcome)
    return {
        requirement.id: [_row(assertion, citing[assertion.id]) for assertion in requirement.assertions]
        for requirement in load_catalog().requirements
    }


def add_assertions(requirements: list[dict[str, Any]], outcomes: Iterable[TestOutcome]) -> None:
    """The hook into conformance.json: each requirement row gets its `assertions`."""
    results = assertion_results(outcomes)
    for row in requirements:
        row["assertions"] = results.get(row["id"], [])


def failed_assertions(report: dict[str, Any]) -> set[str]:
    """The assertions a conformance.json records as failed (an older report without them: none)."""
    return {
        assertion["id"]
        for requirement in report.get("requirements", [])
        for assertion in requirement.get("assertions", [])
        if assertion["status"] == AssertionStatus.FAILED
    }
