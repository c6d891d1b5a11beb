"""The reports of a run, or of a sharded run's parts merged, written from its report."""

from __future__ import annotations

from pathlib import Path

from conformance.reports.html import write_html_report
from conformance.reports.json_report import write_json_report
from conformance.reports.markdown import write_run_markdown
from conformance.reports.model import RunReport


def write_reports(report: RunReport, folder: Path) -> None:
    """conformance.json, conformance.html and conformance.md: the same for a run and for `conformance merge`."""
    folder.mkdir(parents=True, exist_ok=True)
    write_json_report(report, folder / "conformance.json")
    write_html_report(report, folder / "conformance.html")
    write_run_markdown(report, folder / "conformance.md")
