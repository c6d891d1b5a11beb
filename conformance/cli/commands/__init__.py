"""The subcommands of `conformance`, one module each: a NAME, a HELP line, `configure(parser)` and
`execute(args) -> exit code`. A new command is a new module listed here."""

from __future__ import annotations

from types import ModuleType

from conformance.cli.commands import ci_step, compare, contract, expect, matrix, merge, run, selftest

COMMANDS: tuple[ModuleType, ...] = (run, merge, expect, compare, matrix, contract, selftest, ci_step)
