"""Markdown summaries, for pull-request comments and GitHub's job summary ($GITHUB_STEP_SUMMARY): a run
(conformance.md), a comparison of two runs, and the matrix over implementations."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from conformance.contract.catalog import Level
from conformance.reports.causes import blocked_counts, not_run_causes
from conformance.reports.compare import Comparison
from conformance.reports.console import VERDICT_TITLES
from conformance.reports.files import evidence_line, failures_by_gate, first_evidence
from conformance.reports.matrix import Matrix
from conformance.reports.model import RunReport
from conformance.reports.partial import partial_lines
from conformance.templating import markdown_templates
from conformance.verdict.gate import ExpectationRow
from conformance.verdict.judging import Status

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
ROWS_SHOWN = 50
"""Rows of one Markdown table: GitHub caps a job summary at 1 MiB, and a comment is read, not searched."""
CAUSES_SHOWN = 10
"""Causes of tests not run listed, those that block the most first."""
ICONS = {0: "✅", 1: "❌", 2: "⚠️"}


@dataclass(frozen=True)
class FailedRow:
    id: str
    level: Level
    regression: bool
    expected: ExpectationRow | None
    note: str
    blocks: int
    evidence: str


def run_markdown(report: RunReport) -> str:
    causes = not_run_causes(report)
    blocks = blocked_counts(causes)
    failed, regressions, expected = failures_by_gate(report, blocks)
    rows = [
        FailedRow(
            requirement.id,
            requirement.level,
            requirement.id in regressions,
            expected.get(requirement.id),
            requirement.note,
            blocks.get(requirement.id, 0),
            evidence_line(first_evidence(requirement)),
        )
        for requirement in failed
    ]
    counts: dict[str, Counter[Status]] = {section.key: Counter() for section in report.sections}
    for requirement in report.requirements:
        counts[requirement.requirement.section.key][requirement.status] += 1
    return markdown_templates.get_template("conformance.md.j2").render(
        data=report,
        gate=report.gate,
        title=VERDICT_TITLES[report.verdict],
        icon=ICONS[report.exit_code],
        rows=rows[:ROWS_SHOWN],
        more=max(0, len(rows) - ROWS_SHOWN),
        counts=counts,
        causes=causes[:CAUSES_SHOWN],
        more_causes=max(0, len(causes) - CAUSES_SHOWN),
        partial=partial_lines(report),
    )


def write_run_markdown(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(run_markdown(report), encoding="utf-8")


def append_step_summary(markdown: str) -> str | None:
    """Appends to GitHub's job summary when $GITHUB_STEP_SUMMARY names one; returns a problem, never raises:
    a summary that cannot be written must not change a run's exit code."""
    target = os.environ.get(STEP_SUMMARY_ENV)
    if not target:
        return None
    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(markdown.rstrip("\n") + "\n\n")
    except OSError as error:
        return f"cannot append to ${STEP_SUMMARY_ENV} ({target}): {error.strerror or error}"
    return None


def comparison_markdown(comparison: Comparison) -> str:
    return markdown_templates.get_template("compare.md.j2").render(
        c=comparison, rows_shown=ROWS_SHOWN, evidence=evidence_line, icon=ICONS[int(comparison.regressed)]
    )


def matrix_markdown(matrix: Matrix, contract: str) -> str:
    return markdown_templates.get_template("matrix.md.j2").render(m=matrix, contract=contract)
