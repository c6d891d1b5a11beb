"""`conformance contract`: write the contract document for readers (contract.md and contract.html) from the
requirement catalog and openapi.json, and the suites' table of assertions and the test cases citing them
(suites/README.md), or check that the published ones are up to date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import contracts
from conformance.contract.document import stale_documents, write_documents
from conformance.pytest.variants import TABLE, table_is_stale, write_table
from conformance.verdict.judging import ExitCode

NAME = "contract"
HELP = (
    "write (or --check) the contract document generated from requirements.toml and openapi.json, and the"
    " suites' table of assertions (suites/README.md)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output-dir", type=Path, default=contracts.HERE, help="where the documents go (default: %(default)s)"
    )
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a document is out of date")


def execute(args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_documents(args.output_dir) + ([TABLE] if table_is_stale() else [])
        for path in stale:
            print(f"conformance: {path} is out of date: run `conformance contract`", file=sys.stderr)
        if not stale:
            print(f"the contract documents in {args.output_dir} are up to date")
        return 1 if stale else 0
    try:
        written = [*write_documents(args.output_dir), write_table()]
    except OSError as error:
        print(f"conformance: cannot write to {args.output_dir}: {error.strerror}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    for path in written:
        print(f"wrote {path}")
    return 0
