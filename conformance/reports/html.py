"""The self-contained HTML conformance report, rendered from the same data as conformance.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conformance.contract.document import DOCUMENT_HTML, place_contract_beside
from conformance.reports.causes import blocked_counts, normalised, not_run_causes
from conformance.reports.console import VERDICT_TITLES
from conformance.reports.files import evidence_line, failures_by_gate, first_evidence
from conformance.reports.partial import partial_lines
from conformance.templating import html_templates
from conformance.text import first_line
from conformance.verdict.outcomes import Outcome

FAILURES_IN_FULL = 3
"""Per requirement, kinds of failure shown with an exchange; the rest of each kind are listed one line each
("and N more like this"): a first run can fail one requirement in hundreds of tests, for one reason."""
CAUSES_FIRST = 5
"""Causes of requirements not judged on the first screen, those that block the most first; all are below."""
EVIDENCE_CHARACTERS = 240
"""Characters of a failed requirement's first evidence on the report's first screen."""


def first_screen(failed: list[dict[str, Any]], blocks: dict[str, int]) -> list[dict[str, Any]]:
    """One line per failed requirement: its level, how many tests failed it, how many requirements it keeps
    from being judged, and its first evidence."""
    return [
        {
            "id": requirement["id"],
            "level": requirement["level"],
            "tests": len({failure["test"] for failure in requirement["failures"]}),
            "blocks": blocks.get(requirement["id"], 0),
            "evidence": first_line(evidence_line(first_evidence(requirement)), EVIDENCE_CHARACTERS),
        }
        for requirement in failed
    ]


def failure_kinds(requirement: dict[str, Any]) -> list[dict[str, Any]]:
    """A failed requirement's violations grouped by what they say, ids and names aside: per kind, the first
    (shown in full) and the rest, in the order they failed."""
    kinds: dict[str, dict[str, Any]] = {}
    for failure in requirement["failures"]:
        message = failure.get("message", "")
        plain = {"summary": first_line(message), "expected": "", "received": "", "notes": [], "exchange": None}
        for violation in failure["violations"] or [plain]:
            said = (violation["summary"], violation["expected"], first_line(violation["received"]))
            entry = {"test": failure["test"], "violation": violation, "message": message}
            kind = kinds.setdefault(normalised(" | ".join(said)), {"first": entry, "more": [], "count": 0})
            kind["count"] += 1
            if kind["first"] is not entry:
                kind["more"].append(entry)
    return list(kinds.values())


def render_html(data: dict[str, Any], contract: str = DOCUMENT_HTML) -> str:
    """`contract`: the link to the contract document, which requirement IDs link into by their anchor."""
    causes = not_run_causes(data)
    blocks = blocked_counts(causes)
    failed, regressions, expected = failures_by_gate(data, blocks)
    sections: dict[str, list[dict[str, Any]]] = {}
    for requirement in data["requirements"]:
        sections.setdefault(requirement["section"], []).append(requirement)
    return html_templates.get_template("report.html.j2").render(
        data=data,
        title=VERDICT_TITLES[data["verdict"]],
        sections=sections,
        section_titles=data["sections"],
        failed=failed,
        first_screen=first_screen(failed, blocks),
        causes=causes,
        causes_first=CAUSES_FIRST,
        kinds={requirement["id"]: failure_kinds(requirement) for requirement in failed},
        errors=[test for test in data["tests"] if Outcome(test["outcome"]) is Outcome.ERROR],
        in_full=FAILURES_IN_FULL,
        gate=data.get("gate") or {},
        regressions=regressions,
        expected=expected,
        contract=contract,
        partial=partial_lines(data),
    )


def write_html_report(data: dict[str, Any], path: Path) -> None:
    contract = place_contract_beside(path.parent)
    path.write_text(render_html(data, contract), encoding="utf-8")


def write_selftest_report(data: dict[str, Any], path: Path) -> None:
    html = html_templates.get_template("selftest.html.j2").render(data=data, s=data["summary"])
    path.write_text(html, encoding="utf-8")
