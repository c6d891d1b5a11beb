"""The gate: whether a run lets CI pass, read from the verdict and the failures a team expects (--expect).

The verdict stays what the suites found. The gate passes when every failure that counts at the run's
level is expected; a failure that is not is a regression and fails it; an expected failure that now
passes is listed for removal, and fails the gate with --strict-expect, so the file stays honest.
Without expectations the gate is the verdict.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from conformance.contract.catalog import Level
from conformance.verdict.expectations import Expectation, Expectations
from conformance.verdict.judging import ExitCode, Judgement, RequirementResult, Status


@dataclass(frozen=True)
class Regression:
    """A requirement that fails at the gate's level and no entry in force excuses."""

    id: str
    level: Level
    statement: str
    tests: list[str]
    """Its failing tests that no entry excuses."""
    why: str

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "level": self.level.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Regression:
        return cls(data["id"], Level(data["level"]), data["statement"], list(data["tests"]), data["why"])


@dataclass(frozen=True)
class ExpectationRow:
    """An entry of the expectations file beside its requirement's status in this run."""

    id: str
    level: Level
    status: Status
    reason: str
    link: str | None
    expires: str | None
    """The entry's expiry date (ISO), if it has one."""
    tests: list[str]
    """The test ids the entry is limited to; empty: every test."""
    failing_tests: list[str] | None = None
    """For an expected failure: the tests that failed it (none when it was not judged this run)."""

    def to_json(self) -> dict[str, Any]:
        data = {**asdict(self), "level": self.level.value, "status": self.status.value}
        if self.failing_tests is None:
            del data["failing_tests"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExpectationRow:
        failing = data.get("failing_tests")
        return cls(
            data["id"],
            Level(data["level"]),
            Status(data["status"]),
            data["reason"],
            data["link"],
            data["expires"],
            list(data["tests"]),
            None if failing is None else list(failing),
        )


@dataclass(frozen=True)
class Gate:
    exit_code: ExitCode
    reason: str
    expectations: str | None = None
    strict: bool = False
    expected: list[ExpectationRow] = field(default_factory=list)
    """Requirements that failed (or were not judged) exactly as an entry in force says."""
    unexpected_failures: list[Regression] = field(default_factory=list)
    """Regressions: requirements that fail at the gate's level and no entry in force excuses."""
    unexpected_passes: list[ExpectationRow] = field(default_factory=list)
    """Entries whose requirement now passes: remove them from the file."""
    expired: list[ExpectationRow] = field(default_factory=list)
    """Entries past their expiry date: they excuse nothing any more."""

    @property
    def passed(self) -> bool:
        return self.exit_code is ExitCode.CONFORMANT

    @property
    def regressions(self) -> list[str]:
        return [row.id for row in self.unexpected_failures]

    def to_json(self) -> dict[str, Any]:
        return {
            "expectations": self.expectations,
            "strict": self.strict,
            "passed": self.passed,
            "exit_code": int(self.exit_code),
            "reason": self.reason,
            "unexpected_failures": [row.to_json() for row in self.unexpected_failures],
            "expected": [row.to_json() for row in self.expected],
            "unexpected_passes": [row.to_json() for row in self.unexpected_passes],
            "expired": [row.to_json() for row in self.expired],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Gate:
        def rows(key: str) -> list[ExpectationRow]:
            return [ExpectationRow.from_json(row) for row in data[key]]

        return cls(
            ExitCode(data["exit_code"]),
            data["reason"],
            data["expectations"],
            data["strict"],
            rows("expected"),
            [Regression.from_json(row) for row in data["unexpected_failures"]],
            rows("unexpected_passes"),
            rows("expired"),
        )


def _entry_row(result: RequirementResult, entry: Expectation, failing_tests: list[str] | None = None) -> ExpectationRow:
    expires = entry.expires.isoformat() if entry.expires else None
    requirement = result.requirement
    return ExpectationRow(
        requirement.id,
        requirement.level,
        result.status,
        entry.reason,
        entry.link,
        expires,
        list(entry.tests),
        failing_tests,
    )


def _why_unexpected(entry: Expectation | None, today: datetime.date, path: str | None) -> str:
    if path is None:
        return "no expectations were given"
    if entry is None:
        return f"not in {path}"
    if entry.expired(today):
        return f"its expectation expired on {entry.expires}"
    return "it fails in tests its expectation does not name"


def decide_gate(
    judgement: Judgement,
    expectations: Expectations | None,
    level: Level,
    strict: bool,
    judge_excusing: Callable[[frozenset[str]], Judgement],
    today: datetime.date,
) -> Gate:
    """`judge_excusing(ids)` judges the same outcomes leaving `ids` out: the gate's exit code is its code."""
    path = expectations.path if expectations else None
    expected: list[ExpectationRow] = []
    unexpected: list[Regression] = []
    passes: list[ExpectationRow] = []
    expired: list[ExpectationRow] = []
    for result in judgement.requirements:
        entry = expectations.get(result.requirement.id) if expectations else None
        if entry is not None and entry.expired(today):
            expired.append(_entry_row(result, entry))
        in_force = entry if entry is not None and not entry.expired(today) else None
        if result.status is Status.FAILED:
            failing = result.failing_tests
            unexcused = [test for test in failing if in_force is None or not in_force.covers(test)]
            if in_force is not None and not unexcused:
                expected.append(_entry_row(result, in_force, failing_tests=failing))
            elif result.requirement.level is Level.MUST or level is Level.SHOULD:
                why = _why_unexpected(entry, today, path)
                requirement = result.requirement
                unexpected.append(Regression(requirement.id, requirement.level, requirement.statement, unexcused, why))
        elif in_force is not None and result.status is Status.PASSED:
            passes.append(_entry_row(result, in_force))
        elif in_force is not None:
            # Not judged this run: the entry says it does not pass, so its absence cannot fail the gate.
            expected.append(_entry_row(result, in_force, failing_tests=[]))
    decision = judge_excusing(frozenset(row.id for row in expected))
    code = decision.exit_code
    if code is ExitCode.COULD_NOT_JUDGE or path is None:
        reason = decision.reason
    elif unexpected:
        reason = f"regression: {', '.join(row.id for row in unexpected)} failed, and {path} does not excuse it"
    elif passes and strict:
        code = ExitCode.NON_CONFORMANT
        now_pass = ", ".join(row.id for row in passes)
        reason = f"--strict-expect: expected failures now pass ({now_pass}): remove them from {path}"
    else:
        reason = f"every failure is expected ({len(expected)} in {path})" if expected else "nothing failed"
        if passes:
            reason += f"; {len(passes)} expected failure(s) now pass: remove them from {path}"
    return Gate(code, reason, path, strict, expected, unexpected, passes, expired)
