"""The self-contained HTML conformance report, rendered from the same data as conformance.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from conformance.console import VERDICT_TITLES

FAILURES_IN_FULL = 10
"""Per requirement, failures shown with their exchange; the rest are listed one line each."""
BODY_SHOWN = 1024
"""Characters of a body shown in the HTML (the JSON keeps up to the client's limit)."""

_environment = Environment(
    loader=PackageLoader("conformance", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _clip(text: str) -> str:
    return text if len(text) <= BODY_SHOWN else f"{text[:BODY_SHOWN]}…"


_environment.filters["clip"] = _clip


def render_html(data: dict[str, Any]) -> str:
    sections: dict[str, list[dict[str, Any]]] = {}
    for requirement in data["requirements"]:
        sections.setdefault(requirement["section"], []).append(requirement)
    failed = [r for r in data["requirements"] if r["status"] == "failed"]
    # MUST failures lead: they decide the verdict.
    failed.sort(key=lambda requirement: requirement["level"] != "MUST")
    skipped = [test for test in data["tests"] if test["outcome"] == "skipped"]
    return _environment.get_template("report.html.j2").render(
        data=data,
        title=VERDICT_TITLES[data["verdict"]],
        sections=sections,
        section_titles=data["sections"],
        failed=failed,
        skipped=skipped,
        errors=[test for test in data["tests"] if test["outcome"] == "error"],
        in_full=FAILURES_IN_FULL,
    )


def write_html_report(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")


def write_selftest_report(data: dict[str, Any], path: Path) -> None:
    html = _environment.get_template("selftest.html.j2").render(data=data, s=data["summary"])
    path.write_text(html, encoding="utf-8")
