"""`conformance matrix REPORT…`: one page over several implementations' runs — requirements as rows by
contract section, one column per conformance.json, each cell passed / failed / not-run and linked to that
implementation's report; written as matrix.html and matrix.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.contract.document import DOCUMENT_HTML
from conformance.reports.files import REPORT_NAME, ReportError, find_reports, load_report
from conformance.reports.html_pages import write_matrix_html
from conformance.reports.markdown import matrix_markdown
from conformance.reports.matrix import build_matrix
from conformance.verdict.judging import ExitCode, Status

NAME = "matrix"
HELP = "one HTML page and a Markdown table over several runs' conformance.json (one column each)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "reports", nargs="+", metavar="REPORT", help=f"a run's {REPORT_NAME}, or a folder holding one or more"
    )
    parser.add_argument(
        "--name",
        action="append",
        dest="names",
        help="the implementation's name, once per report in order (default: each report's target)",
    )
    parser.add_argument(
        "--report-dir", type=Path, default=Path("reports"), help="where matrix.html/.md go (default: %(default)s)"
    )


def execute(args: argparse.Namespace) -> int:
    try:
        paths = find_reports(args.reports)
        if args.names and len(args.names) != len(paths):
            found = ", ".join(str(path) for path in paths)
            raise ReportError(f"{len(args.names)} --name for {len(paths)} reports ({found}): give one per report")
        reports = [(path, load_report(path)) for path in paths]
    except ReportError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    matrix = build_matrix(reports, args.names, args.report_dir)
    try:
        html = write_matrix_html(matrix, args.report_dir / "matrix.html")
        (args.report_dir / "matrix.md").write_text(matrix_markdown(matrix, DOCUMENT_HTML), encoding="utf-8")
    except OSError as error:
        print(f"conformance: cannot write to {args.report_dir}: {error.strerror or error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    for implementation, counts in zip(matrix.implementations, matrix.overall, strict=True):
        print(
            f"{implementation.name}: {implementation.verdict}; {counts[Status.PASSED]} passed, "
            f"{counts[Status.FAILED]} failed, {counts[Status.NOT_RUN]} not run of {matrix.requirement_count} "
            f"({implementation.path})"
        )
    print(f"written: {html.resolve()} and matrix.md beside it")
    return 0
