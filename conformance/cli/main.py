"""`conformance COMMAND`: run the suites against a target, work with saved runs, publish the contract, self-test.

Exit codes: 0 conformant (every MUST passes; every SHOULD too with --level should),
1 non-conformant, 2 could not judge (bad options, target unreachable, tests could not run).
"""

from __future__ import annotations

import argparse
import sys

from conformance.cli.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conformance", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        subparser = subparsers.add_parser(command.NAME, help=command.HELP, description=command.__doc__)
        command.configure(subparser)
        subparser.set_defaults(execute=command.execute)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.execute(args))


if __name__ == "__main__":
    sys.exit(main())
