"""The matrix over implementations: requirements as rows (by contract section), one column per run's
conformance.json, each cell passed / failed / not-run, with per-section and overall counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.reports.files import report_page
from conformance.verdict.judging import Status

CELLS = (Status.PASSED, Status.FAILED, Status.NOT_RUN)
ABSENT = "absent"
"""A requirement the implementation's report does not have (a run of another contract version)."""


def cell_status(status: str) -> Status:
    """The matrix folds `not-exercised` (no test cites it) into `not-run`: either way nothing judged it."""
    judged = Status(status)
    return judged if judged in (Status.PASSED, Status.FAILED) else Status.NOT_RUN


@dataclass(frozen=True)
class Implementation:
    name: str
    path: Path
    page: str
    """Link to its HTML report from the matrix's folder."""
    verdict: str
    statuses: dict[str, Status]
    expected: frozenset[str]
    """Failures its run expected (--expect): still failures, marked as known."""

    def cell(self, requirement: str) -> Status | str:
        return self.statuses.get(requirement, ABSENT)


@dataclass(frozen=True)
class Row:
    id: str
    level: str
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


def implementation_names(reports: list[tuple[Path, dict[str, Any]]], names: list[str] | None) -> list[str]:
    """Given names, else each report's target; a target shared by several reports gets its folder added."""
    if names:
        return names
    targets = [data["target"] for _, data in reports]
    return [
        f"{target} ({path.parent.name or path.parent})" if targets.count(target) > 1 else target
        for target, (path, _) in zip(targets, reports, strict=True)
    ]


def build_matrix(reports: list[tuple[Path, dict[str, Any]]], names: list[str] | None, output_dir: Path) -> Matrix:
    implementations = [
        Implementation(
            name=name,
            path=path,
            page=report_page(path, output_dir),
            verdict=data["verdict"],
            statuses={requirement["id"]: cell_status(requirement["status"]) for requirement in data["requirements"]},
            expected=frozenset(row["id"] for row in (data.get("gate") or {}).get("expected", [])),
        )
        for name, (path, data) in zip(implementation_names(reports, names), reports, strict=True)
    ]
    sections: dict[str, SectionRows] = {}
    seen: set[str] = set()
    for _, data in reports:
        for section in data["sections"]:
            sections.setdefault(section["key"], SectionRows(section["key"], section["number"], section["title"]))
        for requirement in data["requirements"]:
            if requirement["id"] not in seen:
                seen.add(requirement["id"])
                row = Row(requirement["id"], requirement["level"], requirement["statement"])
                sections[requirement["section"]].rows.append(row)
    overall = [Counter[str]() for _ in implementations]
    for section in sections.values():
        section.counts = [Counter(impl.cell(row.id) for row in section.rows) for impl in implementations]
        for total, counts in zip(overall, section.counts, strict=True):
            total.update(counts)
    return Matrix(implementations, [section for section in sections.values() if section.rows], overall)
