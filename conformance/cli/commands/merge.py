"""`conformance merge`: the reports of a sharded run's parts (`conformance run --shard K/N`) combined into one
verdict and one set of reports, as a single run would have written them; the exit code is that run's."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.pytest.settings import SettingsError, expectations_option
from conformance.reports.console import PlainTerminal, print_causes, print_findings, print_verdict
from conformance.reports.merge import MergeError, merge, read_shards, write_merged
from conformance.verdict.judging import ExitCode

NAME = "merge"
HELP = "combine the reports of a sharded run's parts into one verdict and one set of reports"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shards", nargs="+", metavar="DIR", help="a part's conformance.json, or a folder of one or of several parts"
    )
    parser.add_argument("--report-dir", default="reports", help="where the merged reports go (default: %(default)s)")
    parser.add_argument(
        "--expect", metavar="FILE", help="the parts' expectations file (TOML of known failures): the gate as for run"
    )
    parser.add_argument("--strict-expect", action="store_true", help="with --expect: as for `conformance run`")


def execute(args: argparse.Namespace) -> int:
    report_dir = Path(args.report_dir)
    try:
        expectations = expectations_option(args.expect, args.strict_expect)
        shards = read_shards(args.shards)
        if report_dir.resolve() in {shard.source.resolve() for shard in shards}:
            raise MergeError(f"--report-dir {report_dir} holds a shard's reports: the merge would overwrite them")
        run = merge(shards, expectations, args.strict_expect)
    except (SettingsError, MergeError) as error:
        print(f"conformance: {error}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    write_merged(run, report_dir)
    manifest = run.report.manifest
    print(
        f"merged {manifest['merged']['shards']} shards: {len(run.report.tests)} tests, {manifest['requests']} requests"
    )
    terminal = PlainTerminal()
    print_verdict(terminal, run.judgement, run.gate)
    print_findings(terminal, run.judgement, run.gate, run.report.leftovers)
    print_causes(terminal, run.report)
    print(f"reports: {report_dir.resolve()}")
    return int(run.gate.exit_code)
