"""`conformance run`: the suites against a target, with a verdict and an exit code that gate CI."""

from __future__ import annotations

import argparse
import sys

from conformance.results import ExitCode
from conformance.runner import pytest_arguments, run_pytest
from conformance.settings import SettingsError, add_options, build_settings
from conformance.target import own_pacer, preflight

NAME = "run"
HELP = "run the conformance suites against a target"


def configure(parser: argparse.ArgumentParser) -> None:
    add_options(parser.add_argument)
    parser.add_argument("-n", "--workers", default=None, help="parallel workers (pytest-xdist), e.g. 2 or auto")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: extra pytest arguments (e.g. -k auth)")


def execute(args: argparse.Namespace) -> int:
    options = vars(args)
    try:
        # Checked here as well as in the plugin, so a bad option is one line before anything starts.
        settings = build_settings(options)
    except SettingsError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    if not settings.in_process:
        with own_pacer(settings) as pacer:
            problem = preflight(settings, pacer)
        if problem:
            print(f"conformance: {problem}", file=sys.stderr)
            return int(ExitCode.COULD_NOT_JUDGE)
    code = run_pytest(pytest_arguments(options, args.workers, args.pytest_args))
    # pytest's own codes (usage error, internal error, no tests) all mean the target was not judged.
    return code if code in {int(member) for member in ExitCode} else int(ExitCode.COULD_NOT_JUDGE)
