"""`conformance selftest`: prove the suites against the reference app and every known fault."""

from __future__ import annotations

import argparse
import sys

from conformance.cli import selftest
from conformance.pytest.options import SELFTEST_MAX_EXAMPLES
from conformance.verdict.judging import ExitCode

NAME = "selftest"
HELP = "prove the suites: run them against the reference and every fault"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fault", action="append", dest="faults", help="only this fault (repeatable)")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=SELFTEST_MAX_EXAMPLES,
        help="generated cases per operation in each run (default: %(default)s)",
    )
    parser.add_argument("-j", "--jobs", type=int, default=None, help="runs at once (default: the number of cores)")
    parser.add_argument(
        "--oracle-alone",
        action="store_true",
        help="run only the oracle (suites/test_oracle.py) and report which faults it finds by itself",
    )
    parser.add_argument("--report-dir", default="reports", help="where selftest.html/.json go (default: %(default)s)")


def execute(args: argparse.Namespace) -> int:
    if args.max_examples < 1 or (args.jobs is not None and args.jobs < 1):
        print("conformance: --max-examples and --jobs must be at least 1", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    return selftest.main(args.faults, args.max_examples, args.jobs, args.report_dir, args.oracle_alone)
