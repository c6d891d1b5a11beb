"""`conformance expect`: write a starting expectations file (for `conformance run --expect FILE`) from the
failures of a run's conformance.json."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from conformance.reports.expectations_file import starting_file
from conformance.reports.files import REPORT_NAME, ReportError, find_reports, load_report
from conformance.verdict.judging import ExitCode

NAME = "expect"
HELP = "write a starting expectations file from a run's conformance.json"
DEFAULT_OUTPUT = "conformance-expectations.toml"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="source", required=True, metavar="REPORT", help=f"a run's {REPORT_NAME} (or its folder)"
    )
    parser.add_argument(
        "-o", "--output", default=DEFAULT_OUTPUT, help="the file to write, - for standard output (default: %(default)s)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    parser.add_argument("--by-test", action="store_true", help="limit each entry to the tests that failed")
    parser.add_argument("--expires", metavar="DATE", help="an expiry date for every entry (YYYY-MM-DD)")


def execute(args: argparse.Namespace) -> int:
    try:
        expires = datetime.date.fromisoformat(args.expires) if args.expires else None
    except ValueError:
        print(f"conformance: --expires must be a date like 2026-09-30, got {args.expires!r}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    try:
        sources = find_reports([args.source])
        if len(sources) != 1:
            raise ReportError(f"{args.source} holds {len(sources)} reports: name one {REPORT_NAME}")
        report = load_report(sources[0])
    except ReportError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    text = starting_file(report, str(sources[0]), args.by_test, expires)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    if output.exists() and not args.force:
        print(f"conformance: {output} exists: choose another --output, or --force to overwrite it", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"conformance: cannot write {output}: {error.strerror or error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    print(
        f"wrote {output}: {len(report.failed())} expected failure(s); use it with `conformance run --expect {output}`"
    )
    return 0
