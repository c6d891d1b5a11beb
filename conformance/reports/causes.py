"""Why tests were not run, grouped by cause, for a report's reader: one failure can block hundreds of tests
and dozens of requirements, and a flat list of them hides that fixing one thing first unblocks the rest."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from conformance.checks.violations import PRECONDITION_FAILED, needed_requirement
from conformance.verdict.judging import Status
from conformance.verdict.outcomes import Outcome, TestOutcome, is_generated

if TYPE_CHECKING:
    from conformance.reports.model import RunReport

_NORMALISED = (
    (re.compile(r"^" + re.escape(PRECONDITION_FAILED) + r"(?: \(needs [A-Z0-9-]+\))?: "), ""),
    (re.compile(r"/items/[^\s,;:)]+"), "/items/{id}"),
    (re.compile(r"'[^']*'|\"[^\"]*\""), "'…'"),
    # Status codes say what went wrong; any other number is an id, a count or a name's serial.
    (re.compile(r"\b(?![1-5]\d\d\b)\d+(?:\.\d+)?\b"), "N"),
)


def normalised(reason: str) -> str:
    """A not-run test's reason without what differs from test to test (ids, names, counts), so that the
    tests one cause blocked share it."""
    for pattern, replacement in _NORMALISED:
        reason = pattern.sub(replacement, reason)
    return reason.strip() or "no reason given"


@dataclass(frozen=True)
class UnjudgedTest:
    nodeid: str
    why: str
    """Its own reason."""


@dataclass
class Cause:
    """What kept some tests from judging their requirements."""

    needs: str | None
    """The requirement their set-up needed (CREATE-201 for a create), when they name one."""
    reason: str
    """What happened, the same for each of them: the most common normalised reason."""
    needs_status: Status | None = None
    """The status of `needs` in this run."""
    requirements: list[str] = field(default_factory=list)
    """Requirements not judged (not run) that tests of this cause would have judged."""
    tests: list[UnjudgedTest] = field(default_factory=list)

    @property
    def headline(self) -> str:
        count = len(self.requirements)
        what = f"{count} requirement{'s were' if count != 1 else ' was'} not judged"
        if not count:
            what = f"{len(self.tests)} test{'s were' if len(self.tests) != 1 else ' was'} not run"
        if self.needs is None:
            return f"{what}: {self.reason}"
        if self.needs_status is Status.FAILED:
            return f"{what} because {self.needs} failed: fix that first"
        return f"{what}: their set-up needs {self.needs}, {self.needs_status or 'not in this run'} here ({self.reason})"


def _blocker(test: TestOutcome) -> tuple[str | None, str, str] | None:
    """(needed requirement, normalised reason, own reason) of a test that was not run, or failed a requirement
    before it could judge the rest it cites; None for a test that passed."""
    message = test.headline
    if test.outcome is Outcome.NOT_RUN:
        return needed_requirement(message), normalised(message), message
    if test.outcome is Outcome.ERROR:
        return None, f"the suite could not run them: {normalised(message)}", message
    if test.outcome is Outcome.FAILED and test.failed_requirements:
        first = test.failed_requirements[0]
        return first, f"they failed {first} first", f"failed {', '.join(test.failed_requirements)} first"
    return None


def not_run_causes(report: RunReport) -> list[Cause]:
    """The causes of a report's not-run tests and not-judged requirements, those that block the most first.

    A skipped or errored test is listed under its cause; a test that failed one requirement before it could
    judge the others it cites (its set-up's create answering 200) is a cause of their not being judged."""
    statuses = {result.id: result.status for result in report.requirements}
    # A generated test judges only what no hand-written test cites: elsewhere its not running blocks nothing.
    own_tests = {result.id for result in report.requirements if not all(map(is_generated, result.tests))}
    causes: dict[tuple[str | None, str], Cause] = {}
    reasons: dict[tuple[str | None, str], Counter[str]] = {}
    for test in report.tests:
        blocker = _blocker(test)
        if blocker is None:
            continue
        needs, reason, own = blocker
        # Grouped by the requirement needed where named, else by what happened.
        key = (needs, "") if needs else (None, reason)
        cause = causes.setdefault(key, Cause(needs, reason, statuses.get(needs) if needs else None))
        reasons.setdefault(key, Counter())[reason] += 1
        unjudged = [
            rid
            for rid in test.requirements
            if statuses.get(rid) is Status.NOT_RUN
            and rid not in test.failed_requirements
            and not (test.generated and rid in own_tests)
        ]
        cause.requirements += [rid for rid in unjudged if rid not in cause.requirements]
        if test.outcome is not Outcome.FAILED or unjudged:
            cause.tests.append(UnjudgedTest(test.nodeid, own))
    order = {rid: position for position, rid in enumerate(statuses)}
    for key, cause in causes.items():
        cause.reason = reasons[key].most_common(1)[0][0]
        cause.requirements.sort(key=order.__getitem__)
    found = [cause for cause in causes.values() if cause.tests]
    return sorted(found, key=lambda cause: (-len(cause.requirements), -len(cause.tests), cause.headline))


def blocked_counts(causes: list[Cause]) -> dict[str, int]:
    """Requirement ID to how many requirements are not judged because their tests needed it: on a failed
    requirement, how many more a fix of it lets the next run judge."""
    return {cause.needs: len(cause.requirements) for cause in causes if cause.needs and cause.requirements}
