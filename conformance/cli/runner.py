"""Starting a suite run: pytest over the installed suites, with only the plugins a run needs.

`conformance run` and `conformance selftest` both start runs through here, from option values keyed
like `settings.OPTIONS`, so neither has to build or parse the other's command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import suites
from conformance.pytest.options import option_arguments
from conformance.pytest.stash import PreparedRun

SUITES_DIR = Path(suites.__file__).resolve().parent
PYTEST_INI = Path(__file__).resolve().parent.parent / "pytest.ini"
PLUGINS = ("conformance.pytest.plugin", "schemathesis.pytest.plugin", "xdist.plugin")
SCHEMATHESIS_PLUGIN = "schemathesis.pytest.plugin"
GENERATED_MODULES = frozenset({"test_properties.py", "test_stateful.py"})
"""The suite modules whose tests Schemathesis generates: only they need its plugin (and its import)."""


def plugins(modules: Sequence[Path]) -> tuple[str, ...]:
    """The plugins of a run collecting `modules` (all of them when empty): a partial run of hand-written tests
    leaves out Schemathesis's, so it never imports Schemathesis."""
    if not modules or any(module.name in GENERATED_MODULES for module in modules):
        return PLUGINS
    return tuple(plugin for plugin in PLUGINS if plugin != SCHEMATHESIS_PLUGIN)


def pytest_arguments(
    options: Mapping[str, Any], workers: str | None = None, extra: Sequence[str] = (), modules: Sequence[Path] = ()
) -> list[str]:
    """The pytest command line of a run with these options (`settings.Option.dest` keys); `modules`: collect
    only these suite modules (a partial run's), not the whole suites folder."""
    report_dir = Path(str(options.get("report_dir") or "reports"))
    arguments = [
        *(str(module) for module in modules or [SUITES_DIR]),
        "-c",
        str(PYTEST_INI),
        "--rootdir",
        str(SUITES_DIR.parent),
        *(argument for plugin in plugins(modules) for argument in ("-p", plugin)),
        "-q",
        "--tb=short",
        "-r",
        "fE",
        f"--junitxml={report_dir / 'junit.xml'}",
        *option_arguments(options),
    ]
    if workers not in (None, "0", "1"):
        arguments += ["-n", str(workers)]
    return arguments + [argument for argument in extra if argument != "--"]


def run_pytest(arguments: list[str], prepared: PreparedRun | None = None) -> int:
    """pytest with only the plugins a run needs: scanning every installed plugin's entry point costs
    this machine about 5 s per start, more than the hand-written tests take to run. `prepared`: the
    settings the caller built (and whether it probed the target), for the plugin to use as they are."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return int(pytest.main(arguments, plugins=[prepared] if prepared else []))
