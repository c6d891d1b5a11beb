"""The self-contained HTML conformance report, rendered from the same data as conformance.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conformance.contract.document import DOCUMENT_HTML, place_contract_beside
from conformance.reports.console import VERDICT_TITLES
from conformance.reports.files import failures_by_gate
from conformance.templating import html_templates
from conformance.verdict.outcomes import Outcome

FAILURES_IN_FULL = 10
"""Per requirement, failures shown with their exchange; the rest are listed one line each."""


def render_html(data: dict[str, Any], contract: str = DOCUMENT_HTML) -> str:
    """`contract`: the link to the contract document, which requirement IDs link into by their anchor."""
    failed, regressions, expected = failures_by_gate(data)
    sections: dict[str, list[dict[str, Any]]] = {}
    for requirement in data["requirements"]:
        sections.setdefault(requirement["section"], []).append(requirement)
    skipped = [test for test in data["tests"] if Outcome(test["outcome"]) is Outcome.SKIPPED]
    return html_templates.get_template("report.html.j2").render(
        data=data,
        title=VERDICT_TITLES[data["verdict"]],
        sections=sections,
        section_titles=data["sections"],
        failed=failed,
        skipped=skipped,
        errors=[test for test in data["tests"] if Outcome(test["outcome"]) is Outcome.ERROR],
        in_full=FAILURES_IN_FULL,
        gate=data.get("gate") or {},
        regressions=regressions,
        expected=expected,
        contract=contract,
    )


def write_html_report(data: dict[str, Any], path: Path) -> None:
    contract = place_contract_beside(path.parent)
    path.write_text(render_html(data, contract), encoding="utf-8")


def write_selftest_report(data: dict[str, Any], path: Path) -> None:
    html = html_templates.get_template("selftest.html.j2").render(data=data, s=data["summary"])
    path.write_text(html, encoding="utf-8")
