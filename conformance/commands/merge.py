"""`conformance merge`: the reports of a sharded run's parts (`conformance run --shard K/N`) combined into one
verdict and one set of reports, as a single run would have written them; the exit code is that verdict's."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.console import VERDICT_TITLES
from conformance.merge import MergeError, merge, write_merged
from conformance.report_file import report_path
from conformance.results import ExitCode

NAME = "merge"
HELP = "combine the reports of a sharded run's parts into one verdict and one set of reports"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shards", nargs="+", type=Path, metavar="DIR", help="a part's report directory (or its conformance.json)"
    )
    parser.add_argument("--report-dir", default="reports", help="where the merged reports go (default: %(default)s)")


def execute(args: argparse.Namespace) -> int:
    report_dir = Path(args.report_dir)
    try:
        if report_dir.resolve() in {report_path(path).parent.resolve() for path in args.shards}:
            raise MergeError(f"--report-dir {report_dir} holds a shard's reports: the merge would overwrite them")
        run = merge(args.shards)
    except MergeError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    write_merged(run, report_dir)
    data = run.data
    print(
        f"merged {data['manifest']['merged']['shards']} shards: {len(data['tests'])} tests, "
        f"{data['manifest']['requests']} requests"
    )
    print(f"verdict: {VERDICT_TITLES[data['verdict']]} (exit {data['exit_code']}) — {data['reason']}")
    if failed := run.judgement.failed():
        print(f"failed requirements: {', '.join(failed)}")
    if data["leftovers"]:
        print(f"items left on the server (could not delete): {data['leftovers']}")
    print(f"reports: {report_dir.resolve()}")
    return int(run.judgement.exit_code)
