"""`conformance ci-step`: the run of the GitHub Action (action.yml), with its inputs read from the environment.

The action's inputs arrive as INPUT_* variables (the token as $CONFORMANCE_TOKEN), never spliced into a shell
line, so no input can inject a command. The step runs `conformance run` with them (which appends its Markdown
report to $GITHUB_STEP_SUMMARY), then writes `verdict`, `exit-code` and `report-dir` to $GITHUB_OUTPUT, and
exits with the run's code.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

from conformance.cli.commands import run
from conformance.reports.files import REPORT_NAME
from conformance.verdict.judging import ExitCode, Verdict

NAME = "ci-step"
HELP = "the GitHub Action's step: `conformance run` from INPUT_* variables, outputs to $GITHUB_OUTPUT"
OUTPUT_ENV = "GITHUB_OUTPUT"
INPUT_FLAGS = (("INPUT_LEVEL", "--level"), ("INPUT_EXPECT", "--expect"), ("INPUT_SHARD", "--shard"))
"""Inputs that are one option each of `conformance run`; base URL and token go by their own variables."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report-dir", default=None, help="where the reports go (default: $INPUT_REPORT_DIR, reports)")


def run_arguments(environ: dict[str, str], report_dir: str) -> list[str]:
    """The `conformance run` command line the inputs make. Raises ValueError for extra arguments that are
    not shell words (an unclosed quote)."""
    arguments = ["run", "--report-dir", report_dir]
    for variable, flag in INPUT_FLAGS:
        if value := environ.get(variable, "").strip():
            arguments += [flag, value]
    if base_url := environ.get("INPUT_BASE_URL", "").strip():
        arguments += ["--base-url", base_url]
    return arguments + shlex.split(environ.get("INPUT_ARGS", ""))


def _verdict(report_dir: Path) -> str:
    """The verdict the run wrote, or `error` when it wrote none (it stopped before judging)."""
    try:
        return str(json.loads((report_dir / REPORT_NAME).read_text(encoding="utf-8"))["verdict"])
    except (OSError, ValueError, KeyError):
        return Verdict.ERROR.value


def write_outputs(values: dict[str, str]) -> str | None:
    """Appends `name=value` lines to $GITHUB_OUTPUT when it is set; returns a problem instead of raising."""
    target = os.environ.get(OUTPUT_ENV)
    if not target:
        return None
    try:
        with open(target, "a", encoding="utf-8") as output:
            output.writelines(f"{name}={value}\n" for name, value in values.items())
    except OSError as error:
        return f"cannot append to ${OUTPUT_ENV} ({target}): {error.strerror or error}"
    return None


def _run(arguments: list[str]) -> int:
    """`conformance run ARGUMENTS`; a bad option is exit 2 with argparse's one line, as on the command line."""
    parser = argparse.ArgumentParser(prog="conformance run")
    run.configure(parser)
    try:
        return run.execute(parser.parse_args(arguments))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else int(ExitCode.COULD_NOT_JUDGE)


def execute(args: argparse.Namespace) -> int:
    environ = dict(os.environ)
    report_dir = args.report_dir or environ.get("INPUT_REPORT_DIR", "").strip() or "reports"
    # The report is read only when this run wrote it: one left from an earlier run is not its verdict.
    (Path(report_dir) / REPORT_NAME).unlink(missing_ok=True)
    try:
        arguments = run_arguments(environ, report_dir)
    except ValueError as error:
        print(f"conformance: the extra arguments input is not shell words: {error}", file=sys.stderr)
        code = int(ExitCode.COULD_NOT_JUDGE)
    else:
        # Not echoed: the extra arguments may hold a secret (a -H gateway key) the run itself masks.
        code = _run(arguments[1:])
    outputs = {"verdict": _verdict(Path(report_dir)), "exit-code": str(code), "report-dir": report_dir}
    if problem := write_outputs(outputs):
        print(f"conformance: {problem}", file=sys.stderr)
    return code
