"""The reports of a run, or of a sharded run's parts merged, written from its conformance.json data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conformance.reports.html import write_html_report
from conformance.reports.json_report import write_json_summary
from conformance.reports.markdown import write_run_markdown


def write_reports(data: dict[str, Any], folder: Path) -> None:
    """conformance.json, conformance.html and conformance.md: the same for a run and for `conformance merge`."""
    folder.mkdir(parents=True, exist_ok=True)
    write_json_summary(data, folder / "conformance.json")
    write_html_report(data, folder / "conformance.html")
    write_run_markdown(data, folder / "conformance.md")
