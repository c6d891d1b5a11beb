"""`conformance run`: the suites against a target, with a verdict and an exit code that gate CI;
`conformance selftest`: the suites against the reference app and each of its known faults.

Exit codes: 0 conformant (every MUST passes; every SHOULD too with --level should),
1 non-conformant, 2 could not judge (bad options, target unreachable, tests could not run).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

import suites
from conformance import selftest
from conformance.results import ExitCode
from conformance.selftest import SELFTEST_MAX_EXAMPLES
from conformance.settings import SettingsError, add_options, build_settings, option_arguments
from conformance.target import preflight

SUITES_DIR = Path(suites.__file__).resolve().parent
PYTEST_INI = Path(__file__).resolve().with_name("pytest.ini")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conformance", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the conformance suites against a target")
    add_options(run.add_argument)
    run.add_argument("-n", "--workers", default=None, help="parallel workers (pytest-xdist), e.g. 2 or auto")
    run.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: extra pytest arguments (e.g. -k auth)")
    selftest = commands.add_parser("selftest", help="prove the suites: run them against the reference and every fault")
    selftest.add_argument("--fault", action="append", dest="faults", help="only this fault (repeatable)")
    selftest.add_argument(
        "--max-examples",
        type=int,
        default=SELFTEST_MAX_EXAMPLES,
        help="generated cases per operation in each run (default: %(default)s)",
    )
    selftest.add_argument("-j", "--jobs", type=int, default=None, help="runs at once (default: the number of cores)")
    selftest.add_argument("--report-dir", default="reports", help="where selftest.html/.json go (default: %(default)s)")
    return parser


def pytest_arguments(args: argparse.Namespace) -> list[str]:
    report_dir = Path(args.report_dir)
    arguments = [
        str(SUITES_DIR),
        "-c",
        str(PYTEST_INI),
        "--rootdir",
        str(SUITES_DIR.parent),
        *("-p", "conformance.plugin", "-p", "schemathesis.pytest.plugin", "-p", "xdist.plugin"),
        "-q",
        "--tb=line",
        "-r",
        "fE",
        f"--junitxml={report_dir / 'junit.xml'}",
        *option_arguments(vars(args)),
    ]
    if args.workers not in (None, "0", "1"):
        arguments += ["-n", str(args.workers)]
    extra = [argument for argument in args.pytest_args if argument != "--"]
    return arguments + extra


def run_pytest(arguments: list[str]) -> int:
    """pytest with only the plugins a run needs: scanning every installed plugin's entry point costs
    this machine about 5 s per start, more than the hand-written tests take to run."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return int(pytest.main(arguments))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "selftest":
        if args.max_examples < 1 or (args.jobs is not None and args.jobs < 1):
            print("conformance: --max-examples and --jobs must be at least 1", file=sys.stderr)
            return int(ExitCode.COULD_NOT_JUDGE)
        return selftest.main(args.faults, args.max_examples, args.jobs, args.report_dir)
    try:
        # Checked here as well as in the plugin, so a bad option is one line before anything starts.
        settings = build_settings(vars(args))
    except SettingsError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    if not settings.in_process and (problem := preflight(settings)):
        print(f"conformance: {problem}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    code = run_pytest(pytest_arguments(args))
    return code if code in {int(member) for member in ExitCode} else int(ExitCode.COULD_NOT_JUDGE)


if __name__ == "__main__":
    sys.exit(main())
