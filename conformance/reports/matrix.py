"""The matrix over implementations: requirements as rows (by contract section), one column per run's
conformance.json, each cell passed / failed / not-run, with per-section and overall counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from conformance.contract.catalog import Level
from conformance.reports.files import report_page
from conformance.reports.model import RunReport
from conformance.verdict.judging import Status, Verdict

CELLS = (Status.PASSED, Status.FAILED, Status.NOT_RUN)
ABSENT = "absent"
"""A requirement the implementation's report does not have (a run of another contract version)."""


def cell_status(status: Status) -> Status:
    """The matrix folds `not-exercised` (no test cites it) into `not-run`: either way nothing judged it."""
    return status if status.judged else Status.NOT_RUN


@dataclass(frozen=True)
class Implementation:
    name: str
    path: Path
    page: str
    """Link to its HTML report from the matrix's folder."""
    verdict: Verdict
    statuses: dict[str, Status]
    expected: frozenset[str]
    """Failures its run expected (--expect): still failures, marked as known."""

    def cell(self, requirement: str) -> Status | str:
        return self.statuses.get(requirement, ABSENT)

    def has(self, requirement: str) -> bool:
        return requirement in self.statuses

    def known_failure(self, requirement: str) -> bool:
        return self.statuses.get(requirement) is Status.FAILED and requirement in self.expected


@dataclass(frozen=True)
class Row:
    id: str
    level: Level
    statement: str


@dataclass
class SectionRows:
    key: str
    number: str
    title: str
    rows: list[Row] = field(default_factory=list)
    counts: list[Counter[str]] = field(default_factory=list)
    """Per implementation, in column order: cells by status."""


@dataclass
class Matrix:
    implementations: list[Implementation]
    sections: list[SectionRows]
    overall: list[Counter[str]]

    @property
    def requirement_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def implementation_names(reports: list[tuple[Path, RunReport]], names: list[str] | None) -> list[str]:
    """Given names, else each report's target; a target shared by several reports gets its folder added."""
    if names:
        return names
    targets = [report.target for _, report in reports]
    return [
        f"{target} ({path.parent.name or path.parent})" if targets.count(target) > 1 else target
        for target, (path, _) in zip(targets, reports, strict=True)
    ]


def build_matrix(reports: list[tuple[Path, RunReport]], names: list[str] | None, output_dir: Path) -> Matrix:
    implementations = [
        Implementation(
            name=name,
            path=path,
            page=report_page(path, output_dir),
            verdict=report.verdict,
            statuses={result.id: cell_status(result.status) for result in report.requirements},
            expected=frozenset(row.id for row in report.gate.expected) if report.gate else frozenset(),
        )
        for name, (path, report) in zip(implementation_names(reports, names), reports, strict=True)
    ]
    sections: dict[str, SectionRows] = {}
    seen: set[str] = set()
    for _, report in reports:
        for section in report.sections:
            sections.setdefault(section.key, SectionRows(section.key, section.number, section.title))
        for result in report.requirements:
            if result.id not in seen:
                seen.add(result.id)
                sections[result.requirement.section.key].rows.append(Row(result.id, result.level, result.statement))
    overall = [Counter[str]() for _ in implementations]
    for section in sections.values():
        section.counts = [Counter(impl.cell(row.id) for row in section.rows) for impl in implementations]
        for total, counts in zip(overall, section.counts, strict=True):
            total.update(counts)
    return Matrix(implementations, [section for section in sections.values() if section.rows], overall)
