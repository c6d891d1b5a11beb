"""A run's report as one typed object: what conformance.json holds, written by a run and by `conformance merge`,
read back by `merge`, `compare`, `matrix`, `expect`, sharding by durations and the self-test, and handed to
every writer (JSON, HTML, Markdown). `RunReport.from_json(report.to_json())` gives the same report.

The JSON is contracts/conformance-report.schema.json; reports written before a field existed still load (the
gate, a requirement's note and `ran`, an exchange's messages). A new field of the report goes on `RunReport`
(of a requirement: `RequirementResult`; of a test: `TestOutcome`), with its key in `to_json` and `from_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.contract.catalog import Section
from conformance.verdict.assertions import AssertionStatus
from conformance.verdict.gate import Gate
from conformance.verdict.judging import ExitCode, RequirementResult, Status, Verdict
from conformance.verdict.outcomes import Outcome, TestOutcome

FORMAT = "items-conformance-report/1"


@dataclass(frozen=True)
class OperationCount:
    """An operation's status codes with how often the run received each: those the contract documents for
    it (0 shown, not hidden) and the others."""

    operation: str
    """`METHOD /items` or `METHOD /items/{id}`."""
    documented: dict[str, int]
    undocumented: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"operation": self.operation, "documented": self.documented, "undocumented": self.undocumented}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OperationCount:
        return cls(data["operation"], dict(data["documented"]), dict(data["undocumented"]))

    @property
    def received(self) -> dict[str, int]:
        """The counts the row was made from: zeros left out."""
        return {status: n for status, n in {**self.documented, **self.undocumented}.items() if n}


@dataclass
class RunReport:
    verdict: Verdict
    exit_code: ExitCode
    """What the run exited with: the verdict's code, or the gate's when expectations were given."""
    reason: str
    target: str
    sections: list[Section]
    requirements: list[RequirementResult]
    tests: list[TestOutcome]
    operations: list[OperationCount]
    leftovers: list[int | str]
    manifest: dict[str, Any]
    """How the run was made (settings, versions, timing, accounting; a shard's place in its run): kept as the
    JSON object it is, read by key."""
    gate: Gate | None = None
    """None in a report written before the gate existed."""
    warnings: list[str] = field(default_factory=list)
    contract_gaps: list[dict[str, Any]] = field(default_factory=list)
    """Divergences from the reference that no requirement covers (reports/contract_gaps.py): never judged."""
    partial: dict[str, Any] | None = None
    """What a partial run (--last-failed, --requirement) selected and found fixed: pytest/rerun.partial_record;
    None for a whole run."""
    format: str = FORMAT

    @property
    def shard(self) -> dict[str, Any] | None:
        """A shard's place in its run (`conformance run --shard K/N`); None for a whole run."""
        return self.manifest.get("shard")

    @property
    def keeps_evidence(self) -> bool:
        """A shard's report keeps each test's whole evidence, so that a merge can judge its tests again."""
        return self.shard is not None

    def requirement_counts(self) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for result in self.requirements:
            counts[result.status] += 1
        return counts

    def test_counts(self) -> dict[Outcome, int]:
        counts = dict.fromkeys(Outcome, 0)
        for outcome in self.tests:
            counts[outcome.outcome] += 1
        return counts

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """By status and by outcome, as the JSON spells them (the templates read it so)."""
        return {
            "requirements": {status.value: n for status, n in self.requirement_counts().items()},
            "tests": {outcome.value: n for outcome, n in self.test_counts().items()},
        }

    def failed(self) -> list[RequirementResult]:
        return [result for result in self.requirements if result.status is Status.FAILED]

    def failed_assertions(self) -> set[str]:
        """The contract assertions the run failed (a report written before them: none)."""
        return {
            assertion.id
            for result in self.requirements
            for assertion in result.assertions
            if assertion.status is AssertionStatus.FAILED
        }

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": self.format,
            "verdict": self.verdict.value,
            "exit_code": int(self.exit_code),
            "reason": self.reason,
        }
        if self.gate is not None:
            data["gate"] = self.gate.to_json()
        return {
            **data,
            "target": self.target,
            "warnings": list(self.warnings),
            "sections": [
                {"key": section.key, "number": section.number, "title": section.title} for section in self.sections
            ],
            "counts": self.counts,
            "requirements": [result.to_json() for result in self.requirements],
            "tests": [outcome.to_json(self.keeps_evidence) for outcome in self.tests],
            "operations": [row.to_json() for row in self.operations],
            "leftovers": list(self.leftovers),
            "manifest": self.manifest,
            "partial": self.partial,
            "contract_gaps": list(self.contract_gaps),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunReport:
        """A report checked against the schema (`files.load_report`), or one this code wrote."""
        sections = [Section(entry["key"], entry["number"], entry["title"]) for entry in data["sections"]]
        by_key = {section.key: section for section in sections}
        gate = data.get("gate")
        return cls(
            verdict=Verdict(data["verdict"]),
            exit_code=ExitCode(data["exit_code"]),
            reason=data["reason"],
            target=data["target"],
            sections=sections,
            requirements=[RequirementResult.from_json(entry, by_key) for entry in data["requirements"]],
            tests=[TestOutcome.from_json(test) for test in data["tests"]],
            operations=[OperationCount.from_json(row) for row in data["operations"]],
            leftovers=list(data["leftovers"]),
            manifest=data["manifest"],
            gate=None if gate is None else Gate.from_json(gate),
            warnings=list(data.get("warnings", [])),
            partial=data.get("partial"),
            contract_gaps=list(data.get("contract_gaps", [])),
            format=data["format"],
        )
