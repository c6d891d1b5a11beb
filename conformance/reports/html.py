"""The self-contained HTML conformance report, rendered from the same data as conformance.json."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.checks.violations import Violation
from conformance.contract.catalog import Level
from conformance.contract.document import DOCUMENT_HTML, place_contract_beside
from conformance.reports.causes import blocked_counts, normalised, not_run_causes
from conformance.reports.console import VERDICT_TITLES
from conformance.reports.files import evidence_line, failures_by_gate, first_evidence
from conformance.reports.model import RunReport
from conformance.reports.partial import partial_lines
from conformance.templating import html_templates
from conformance.text import first_line
from conformance.verdict.judging import RequirementResult
from conformance.verdict.outcomes import Outcome

FAILURES_IN_FULL = 3
"""Per requirement, kinds of failure shown with an exchange; the rest of each kind are listed one line each
("and N more like this"): a first run can fail one requirement in hundreds of tests, for one reason."""
CAUSES_FIRST = 5
"""Causes of requirements not judged on the first screen, those that block the most first; all are below."""
EVIDENCE_CHARACTERS = 240
"""Characters of a failed requirement's first evidence on the report's first screen."""


@dataclass(frozen=True)
class FirstScreenRow:
    """A failed requirement on the report's first screen: its level, how many tests failed it, how many
    requirements it keeps from being judged, and its first evidence."""

    id: str
    level: Level
    tests: int
    blocks: int
    evidence: str


def first_screen(failed: list[RequirementResult], blocks: dict[str, int]) -> list[FirstScreenRow]:
    return [
        FirstScreenRow(
            requirement.id,
            requirement.level,
            len(requirement.failing_tests),
            blocks.get(requirement.id, 0),
            first_line(evidence_line(first_evidence(requirement)), EVIDENCE_CHARACTERS),
        )
        for requirement in failed
    ]


@dataclass(frozen=True)
class ShownFailure:
    test: str
    violation: Violation
    message: str


@dataclass
class FailureKind:
    """Violations of one requirement that say the same, ids and names aside: the first is shown in full."""

    first: ShownFailure
    more: list[ShownFailure] = field(default_factory=list)
    count: int = 0


def failure_kinds(requirement: RequirementResult) -> list[FailureKind]:
    """A failed requirement's violations grouped by what they say, in the order they failed."""
    kinds: dict[str, FailureKind] = {}
    for failure in requirement.failures:
        message = failure.message or ""
        plain = Violation((), first_line(message), "", "")
        for violation in failure.violations or [plain]:
            said = (violation.summary, violation.expected, first_line(violation.received))
            entry = ShownFailure(failure.test, violation, message)
            kind = kinds.setdefault(normalised(" | ".join(said)), FailureKind(entry))
            kind.count += 1
            if kind.first is not entry:
                kind.more.append(entry)
    return list(kinds.values())


def render_html(report: RunReport, contract: str = DOCUMENT_HTML) -> str:
    """`contract`: the link to the contract document, which requirement IDs link into by their anchor."""
    causes = not_run_causes(report)
    blocks = blocked_counts(causes)
    failed, regressions, expected = failures_by_gate(report, blocks)
    sections: dict[str, list[RequirementResult]] = {}
    for requirement in report.requirements:
        sections.setdefault(requirement.requirement.section.key, []).append(requirement)
    return html_templates.get_template("report.html.j2").render(
        data=report,
        title=VERDICT_TITLES[report.verdict],
        sections=sections,
        section_titles=report.sections,
        failed=failed,
        first_screen=first_screen(failed, blocks),
        causes=causes,
        causes_first=CAUSES_FIRST,
        kinds={requirement.id: failure_kinds(requirement) for requirement in failed},
        errors=[test for test in report.tests if test.outcome is Outcome.ERROR],
        in_full=FAILURES_IN_FULL,
        gate=report.gate,
        regressions=regressions,
        expected=expected,
        contract=contract,
        partial=partial_lines(report),
    )


def write_html_report(report: RunReport, path: Path) -> None:
    contract = place_contract_beside(path.parent)
    path.write_text(render_html(report, contract), encoding="utf-8")


def write_selftest_report(data: dict[str, Any], path: Path) -> None:
    html = html_templates.get_template("selftest.html.j2").render(data=data, s=data["summary"])
    path.write_text(html, encoding="utf-8")
