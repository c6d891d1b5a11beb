"""From test outcomes to requirement statuses to a verdict and an exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from conformance.checks.violations import Violation
from conformance.contract.catalog import Catalog, Level, Requirement, Section, load_catalog
from conformance.verdict.assertions import AssertionResult, assertion_results
from conformance.verdict.outcomes import Outcome, TestOutcome


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not-run"
    NOT_EXERCISED = "not-exercised"

    @property
    def judged(self) -> bool:
        """Passed or failed: a test judged it. Not run and not exercised judged nothing."""
        return self in (Status.PASSED, Status.FAILED)


class Verdict(StrEnum):
    FULLY_CONFORMANT = "fully-conformant"
    CONFORMANT = "conformant"
    NON_CONFORMANT = "non-conformant"
    ERROR = "error"


class ExitCode(IntEnum):
    CONFORMANT = 0
    NON_CONFORMANT = 1
    COULD_NOT_JUDGE = 2


@dataclass
class Failure:
    """One test's failure of a requirement: the violations that name it, or (none named) the test's message."""

    test: str
    violations: list[Violation] = field(default_factory=list)
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"test": self.test, "violations": [each.to_json() for each in self.violations]}
        if self.message is not None:
            data["message"] = self.message
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Failure:
        return cls(data["test"], [Violation.from_json(each) for each in data["violations"]], data.get("message"))


@dataclass
class RequirementResult:
    requirement: Requirement
    status: Status
    tests: list[str]
    failures: list[Failure]
    ran: int = 0
    """Of `tests`, those that judged it: passed, or failed it. A test that failed another requirement first
    (its set-up, say), was skipped or errored did not."""
    note: str = ""
    """The status in words: how many of its tests ran, and why that is not a pass where it is not."""
    assertions: list[AssertionResult] = field(default_factory=list)
    """Its contract assertions, each with what the run found of it (none in a report written before them)."""

    @property
    def id(self) -> str:
        return self.requirement.id

    @property
    def level(self) -> Level:
        return self.requirement.level

    @property
    def statement(self) -> str:
        return self.requirement.statement

    @property
    def failing_tests(self) -> list[str]:
        return list(dict.fromkeys(failure.test for failure in self.failures))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.requirement.id,
            "level": self.requirement.level.value,
            "section": self.requirement.section.key,
            "statement": self.requirement.statement,
            "status": self.status.value,
            "note": self.note,
            "tests": list(self.tests),
            "ran": self.ran,
            "failures": [failure.to_json() for failure in self.failures],
            "assertions": [result.to_json() for result in self.assertions],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], sections: dict[str, Section]) -> RequirementResult:
        """`sections`: the report's own, by key (a report of another contract version has its own)."""
        section = sections.get(data["section"]) or Section(data["section"], "", "")
        requirement = Requirement(data["id"], Level(data["level"]), section, data["statement"])
        failures = [Failure.from_json(each) for each in data["failures"]]
        assertions = [AssertionResult.from_json(each) for each in data.get("assertions", [])]
        return cls(
            requirement,
            Status(data["status"]),
            list(data["tests"]),
            failures,
            data.get("ran", 0),
            data.get("note", ""),
            assertions,
        )


@dataclass
class Judgement:
    verdict: Verdict
    exit_code: ExitCode
    reason: str
    requirements: list[RequirementResult]

    def failed(self) -> list[str]:
        return [result.requirement.id for result in self.requirements if result.status is Status.FAILED]


EVIDENCE_IN_FULL = 25
"""Per requirement, failures that keep their whole exchange; later ones keep its status, sizes and curl line."""


def _failure(requirement_id: str, outcome: TestOutcome, full: bool) -> Failure:
    violations = [violation for violation in outcome.violations if requirement_id in violation.requirements]
    if not full:
        violations = [violation.without_bodies() for violation in violations]
    return Failure(outcome.nodeid, violations, None if violations else outcome.message)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _none_ran(count: int, noun: str) -> str:
    return f"its {noun} did not run" if count == 1 else f"none of its {count} {noun}s ran"


def _judge_one(
    requirement_id: str, citing: list[TestOutcome], failing: list[TestOutcome], elsewhere: frozenset[str]
) -> tuple[Status, int, str]:
    """A requirement's status from the tests that cite or failed it (`failing`: those that failed it), how many
    of them judged it, and why.

    Passed needs a test of its own that passed: a hand-written test citing it, or, for a requirement only
    generated tests cite, a generated one. A generated case judges what the contract's document says of a
    response; where a requirement has its own scenario and none of it ran, that says nothing of it."""
    passing = [outcome for outcome in citing if outcome.outcome is Outcome.PASSED]
    hand_written = [outcome for outcome in citing if not outcome.generated]
    ran, total = len(failing) + len(passing), len(citing)
    tally = f"ran {ran} of {_plural(total, 'test')}"
    if failing:
        return Status.FAILED, ran, f"{tally}, {len(failing)} failed it"
    if requirement_id in elsewhere:
        return Status.NOT_RUN, ran, f"{tally} here; tests this run left out (other shards, a partial run) check it too"
    if any(not outcome.generated for outcome in passing) or (passing and not hand_written):
        # A pass on part of its tests says so: the rest were held back (safety rule) or could not run.
        return Status.PASSED, ran, tally if ran == total else f"{tally}, {total - ran} not run"
    if passing:
        generated = _plural(len(passing), "generated test")
        return (
            Status.NOT_RUN,
            ran,
            f"{_none_ran(len(hand_written), 'hand-written test')}; {generated} passed, which cannot pass it alone",
        )
    if citing:
        return Status.NOT_RUN, 0, _none_ran(total, "test")
    return Status.NOT_EXERCISED, 0, "no test of this run checks it"


def requirement_results(
    catalog: Catalog, outcomes: list[TestOutcome], elsewhere: frozenset[str] = frozenset()
) -> list[RequirementResult]:
    """`elsewhere`: requirements that tests this run left out (other shards, a partial run) also check; here they can
    fail, never pass."""
    results = []
    asserted = assertion_results(catalog, outcomes)
    for requirement in catalog.requirements:
        # A test can also fail a requirement it does not cite (a create inside a delete test answering 500).
        citing = [
            outcome
            for outcome in outcomes
            if requirement.id in outcome.requirements or requirement.id in outcome.failed_requirements
        ]
        failing = [outcome for outcome in citing if requirement.id in outcome.failed_requirements]
        failures = [
            _failure(requirement.id, outcome, full=index < EVIDENCE_IN_FULL) for index, outcome in enumerate(failing)
        ]
        status, ran, note = _judge_one(requirement.id, citing, failing, elsewhere)
        tests = [outcome.nodeid for outcome in citing]
        results.append(RequirementResult(requirement, status, tests, failures, ran, note, asserted[requirement.id]))
    return results


def judge(
    catalog: Catalog,
    outcomes: list[TestOutcome],
    gate: Level,
    in_scope: set[str] | None = None,
    partial: bool = False,
    excused: frozenset[str] = frozenset(),
    elsewhere: frozenset[str] = frozenset(),
) -> Judgement:
    """The verdict. `gate` SHOULD makes SHOULD failures fail the run; `in_scope` limits what must have run;
    a `partial` run (--read-only) is never called fully conformant. `excused` requirements (expected
    failures) are left out of the decision: only the gate asks for that, never the verdict."""
    results = requirement_results(catalog, outcomes, elsewhere)
    scoped = [
        result
        for result in results
        if (in_scope is None or result.requirement.id in in_scope) and result.requirement.id not in excused
    ]
    failed_must = [r.requirement.id for r in scoped if r.status is Status.FAILED and r.requirement.level is Level.MUST]
    failed_should = [
        r.requirement.id for r in scoped if r.status is Status.FAILED and r.requirement.level is Level.SHOULD
    ]
    unjudged_must = [
        r.requirement.id
        for r in scoped
        if r.requirement.level is Level.MUST and r.status in (Status.NOT_RUN, Status.NOT_EXERCISED)
    ]
    errors = [outcome.nodeid for outcome in outcomes if outcome.outcome is Outcome.ERROR]
    if failed_must:
        return Judgement(
            Verdict.NON_CONFORMANT,
            ExitCode.NON_CONFORMANT,
            f"MUST requirements failed: {', '.join(failed_must)}",
            results,
        )
    if errors or unjudged_must:
        what = [f"{len(errors)} test(s) errored"] if errors else []
        if unjudged_must:
            what.append(f"MUST requirements not judged: {', '.join(unjudged_must)}")
        return Judgement(Verdict.ERROR, ExitCode.COULD_NOT_JUDGE, "; ".join(what), results)
    if failed_should:
        code = ExitCode.NON_CONFORMANT if gate is Level.SHOULD else ExitCode.CONFORMANT
        return Judgement(
            Verdict.CONFORMANT,
            code,
            f"every MUST passed; SHOULD requirements failed: {', '.join(failed_should)}",
            results,
        )
    unjudged_should = [r.requirement.id for r in scoped if r.status is not Status.PASSED]
    if unjudged_should:
        code = ExitCode.COULD_NOT_JUDGE if gate is Level.SHOULD else ExitCode.CONFORMANT
        return Judgement(
            Verdict.CONFORMANT,
            code,
            f"every MUST passed; SHOULD requirements not judged: {', '.join(unjudged_should)}",
            results,
        )
    if partial:
        return Judgement(
            Verdict.CONFORMANT,
            ExitCode.CONFORMANT,
            f"partial run: the {len(scoped)} requirements it could judge passed; the rest were not run",
            results,
        )
    return Judgement(Verdict.FULLY_CONFORMANT, ExitCode.CONFORMANT, "every MUST and SHOULD requirement passed", results)


def judge_run(
    outcomes: list[TestOutcome],
    gate: Level,
    read_only: bool = False,
    aborted: str | None = None,
    excused: frozenset[str] = frozenset(),
    elsewhere: frozenset[str] = frozenset(),
) -> Judgement:
    """The verdict of a run, of one shard of it (`elsewhere` not empty) or of its shards merged: one rule for all.
    `excused`: see `judge`."""
    catalog = load_catalog()
    scope: set[str] | None = None
    if read_only:
        # Only what reads can show is in scope; the rest is reported as not run, and nothing claims more.
        # A generated read shows nothing of a requirement that has hand-written tests (see _judge_one).
        own = {rid for outcome in outcomes if not outcome.generated for rid in outcome.requirements}
        scope = {
            rid
            for outcome in outcomes
            if outcome.outcome is not Outcome.NOT_RUN
            for rid in (*outcome.requirements, *outcome.failed_requirements)
            if not (outcome.generated and rid in own and rid not in outcome.failed_requirements)
        }
    elif (cited := {rid for outcome in outcomes for rid in outcome.requirements}) != set(catalog.ids):
        # A selection of the suites (-k, node ids, --quick, a mutation tester's pick) judges what its tests
        # cite and is never called fully conformant.
        scope = cited
    if elsewhere:
        # A shard judges only the requirements whose every test it ran.
        scope = (set(catalog.ids) if scope is None else scope) - elsewhere
    if scope is not None:
        # Whatever a partial run saw fail, failed: also a requirement its tests do not cite, or share with a shard.
        scope |= {rid for outcome in outcomes for rid in outcome.failed_requirements}
    judgement = judge(
        catalog, outcomes, gate, in_scope=scope, partial=scope is not None, excused=excused, elsewhere=elsewhere
    )
    if aborted:
        return Judgement(Verdict.ERROR, ExitCode.COULD_NOT_JUDGE, aborted, judgement.requirements)
    return judgement
