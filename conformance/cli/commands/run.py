"""`conformance run`: the suites against a target, with a verdict and an exit code that gate CI."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from conformance.cli.runner import SUITES_DIR, pytest_arguments, run_pytest
from conformance.pytest.options import OPTIONS, add_options
from conformance.pytest.rerun import LAST_FAILED, default_report
from conformance.pytest.settings import SettingsError, build_settings
from conformance.pytest.stash import PreparedRun
from conformance.reports.markdown import append_step_summary
from conformance.target.opening import own_pacer, preflight
from conformance.verdict.judging import ExitCode

OPTION_FLAGS = frozenset(flag for option in OPTIONS for flag in (option.flag, option.short) if flag)
NAME = "run"
HELP = "run the conformance suites against a target"


def configure(parser: argparse.ArgumentParser) -> None:
    add_options(parser.add_argument)
    parser.add_argument(
        "--last-failed",
        nargs="?",
        const="",
        default=None,
        metavar="REPORT",
        help="partial run: only the tests that failed or errored in REPORT (default: conformance.json in --report-dir)",
    )
    parser.add_argument("-n", "--workers", default=None, help="parallel workers (pytest-xdist), e.g. 2 or auto")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: extra pytest arguments (e.g. -k auth)")


def execute(args: argparse.Namespace) -> int:
    options = vars(args)
    if args.pytest_args and args.pytest_args[0] != "--":
        # Else pytest would take the words for test paths and the run would judge nothing.
        stray = args.pytest_args[0]
        print(f"conformance: unexpected argument {stray!r}: pytest's arguments go after --", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    if args.last_failed is not None:
        options["failed_in"] = args.last_failed or default_report(str(args.report_dir or "reports"))
    try:
        # Built once, here, so a bad option is one line before anything starts; the plugin is handed them.
        settings = build_settings(options)
    except SettingsError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    selection = settings.selection
    if selection is not None and selection.kind == LAST_FAILED and not selection.tests:
        # pytest's --lf would run everything; here the earlier verdict stands, and its exit code with it.
        print(
            f"conformance: nothing to re-run: no test failed or errored in {selection.source}"
            f" (its verdict: {selection.source_verdict})",
            file=sys.stderr,
        )
        return int(selection.source_exit_code or 0)
    if not settings.target.in_process:
        with own_pacer(settings.target) as pacer:
            probe = preflight(settings.target, pacer)
        if probe.problem:
            print(f"conformance: {probe.problem}", file=sys.stderr)
            return int(ExitCode.COULD_NOT_JUDGE)
        if probe.note:
            print(f"conformance: note: {probe.note}", file=sys.stderr)
    started = time.time()
    # An option given again after `--` (`-- --level should`) wins on pytest's command line: the plugin then
    # builds the settings that line makes, and probes with them, instead of taking these.
    overridden = any(argument.split("=", 1)[0] in OPTION_FLAGS for argument in args.pytest_args)
    prepared = None if overridden else PreparedRun(settings, probed=not settings.target.in_process)
    modules = selection.modules(SUITES_DIR) if selection is not None else []
    code = run_pytest(pytest_arguments(options, args.workers, args.pytest_args, modules), prepared)
    _add_to_job_summary(Path(settings.report_dir) / "conformance.md", started)
    # pytest's own codes (usage error, internal error, no tests) all mean the target was not judged.
    return code if code in {int(member) for member in ExitCode} else int(ExitCode.COULD_NOT_JUDGE)


def _add_to_job_summary(markdown: Path, started: float) -> None:
    """GitHub shows $GITHUB_STEP_SUMMARY on the run's page: the verdict without downloading an artifact.
    Only this run's summary: one left from an earlier run (this one stopped before writing) is not."""
    if not markdown.is_file() or markdown.stat().st_mtime < started:
        return
    if problem := append_step_summary(markdown.read_text(encoding="utf-8")):
        print(f"conformance: {problem}", file=sys.stderr)
