"""`conformance compare BEFORE AFTER`: two runs' conformance.json compared requirement by requirement —
new failures, fixed, still failing, not-run changes, each with its evidence. Exit 1 when anything newly
fails; written as comparison.html and comparison.md (and to $GITHUB_STEP_SUMMARY when it is set)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.reports.compare import Change, Comparison, compare_reports
from conformance.reports.files import REPORT_NAME, ReportError, evidence_line, find_reports, load_report
from conformance.reports.html_pages import write_comparison_html
from conformance.reports.markdown import append_step_summary, comparison_markdown
from conformance.verdict.judging import ExitCode

NAME = "compare"
HELP = "compare two runs' conformance.json: new failures, fixed, still failing, not-run changes"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("before", metavar="BEFORE", help=f"the earlier run's {REPORT_NAME} (or its folder)")
    parser.add_argument("after", metavar="AFTER", help=f"the later run's {REPORT_NAME} (or its folder)")
    parser.add_argument(
        "--report-dir", type=Path, default=Path("reports"), help="where comparison.html/.md go (default: %(default)s)"
    )


def _one(argument: str) -> Path:
    found = find_reports([argument])
    if len(found) != 1:
        raise ReportError(f"{argument} holds {len(found)} reports: name one {REPORT_NAME}")
    return found[0]


def _print_changes(title: str, changes: list[Change], transition: bool) -> None:
    if not changes:
        return
    print(f"{title} ({len(changes)}):")
    for change in changes:
        moved = f" {change.before or 'absent'} → {change.after or 'absent'}" if transition else ""
        evidence = evidence_line(change.evidence)
        print(f"  {change.id} ({change.level}){moved}" + (f" — {evidence}" if evidence else ""))
        if change.evidence:
            print(f"      {change.evidence.test}")
        if change.new_tests:
            print(f"      also fails now in {len(change.new_tests)} more test(s), e.g. {change.new_tests[0]}")


def print_comparison(comparison: Comparison) -> None:
    for label, run in (("before", comparison.before), ("after ", comparison.after)):
        print(f"{label}: {run.path} — {run.target}: {run.verdict} (started {run.started})")
    for note in comparison.notes:
        print(f"note: {note}")
    _print_changes("NEW FAILURES (regressions)", comparison.new_failures, transition=True)
    _print_changes("fixed", comparison.fixed, transition=True)
    _print_changes("still failing", comparison.still_failing, transition=False)
    _print_changes("not-run changes", comparison.not_run_changes, transition=True)
    print(f"unchanged: {comparison.unchanged}")
    if comparison.regressed:
        print(f"result: REGRESSED (exit 1): {len(comparison.new_failures)} requirement(s) newly fail")
    else:
        print("result: no regression (exit 0)")


def execute(args: argparse.Namespace) -> int:
    try:
        before_path, after_path = _one(args.before), _one(args.after)
        before, after = load_report(before_path), load_report(after_path)
    except ReportError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    comparison = compare_reports(before_path, before, after_path, after, args.report_dir)
    markdown = comparison_markdown(comparison)
    try:
        html = write_comparison_html(comparison, args.report_dir / "comparison.html")
        (args.report_dir / "comparison.md").write_text(markdown, encoding="utf-8")
    except OSError as error:
        print(f"conformance: cannot write to {args.report_dir}: {error.strerror or error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    print_comparison(comparison)
    print(f"written: {html.resolve()} and comparison.md beside it")
    if problem := append_step_summary(markdown):
        print(f"conformance: {problem}", file=sys.stderr)
    return int(ExitCode.NON_CONFORMANT if comparison.regressed else ExitCode.CONFORMANT)
