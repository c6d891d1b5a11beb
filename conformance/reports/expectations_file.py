"""A starting expectations file (for `conformance run --expect FILE`), written from a run's report."""

from __future__ import annotations

import datetime
from typing import Any

import tomli_w

from conformance.reports.files import evidence_line, first_evidence
from conformance.reports.model import RunReport
from conformance.text import first_line
from conformance.verdict.expectations import ENTRY


def starting_file(report: RunReport, source: str, by_test: bool, expires: datetime.date | None) -> str:
    """A first expectations file from a run: one entry per failed requirement, its reason a placeholder
    that quotes the evidence, for the team to replace with the real why."""
    lines = [
        f"# Known failures for `conformance run --expect FILE`, written by `conformance expect` from {source}",
        f"# (target: {report.target}; run of {report.manifest['started']}).",
        "# Replace each reason with the real why; add a link and an expiry date where you can. The run lists",
        "# the entries that pass again (remove them); --strict-expect fails the gate until you do.",
        "",
    ]
    failed = report.failed()
    for requirement in failed:
        evidence = first_line(evidence_line(first_evidence(requirement)), 160)
        entry: dict[str, Any] = {
            "requirement": requirement.id,
            "reason": f"fails since {report.manifest['started'][:10]}: {evidence}" if evidence else "fails",
        }
        if expires is not None:
            entry["expires"] = expires
        if by_test:
            entry["tests"] = requirement.failing_tests
        lines += [f"# {requirement.level}: {requirement.statement}", tomli_w.dumps({ENTRY: [entry]})]
    if not failed:
        lines.append("# Nothing failed in that run: no entries.")
    return "\n".join(lines).rstrip("\n") + "\n"
