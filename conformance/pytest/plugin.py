"""The pytest plugin behind every suite run: its hooks and fixtures; the work is in the modules beside it."""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.junitxml import xml_key
from hypothesis.configuration import set_hypothesis_home_dir

from conformance.checks.budget import Budget, set_budget
from conformance.checks.current import citing
from conformance.pytest import stash as keys
from conformance.pytest.cleanup import Snapshot, settle_shared, snapshot_shared
from conformance.pytest.collection import (
    check_citations,
    declare_markers,
    keep_quick,
    record_citations,
    register_selections,
    requirement_ids,
)
from conformance.pytest.finish import RunEnd, RunResult, finish_run
from conformance.pytest.options import OPTIONS, add_options
from conformance.pytest.progress import register_progress
from conformance.pytest.reporting import judge_report, test_outcome
from conformance.pytest.run_bounds import RunBounds
from conformance.pytest.settings import RunSettings, SettingsError, build_settings
from conformance.pytest.sharding import ShardPlan
from conformance.reports.console import INSECURE, print_summary
from conformance.reports.contract_gaps import gaps_of, unique_gaps
from conformance.reports.writing import write_reports
from conformance.target.facts import RunFacts
from conformance.target.opening import Preflight, api_root, preflight
from conformance.verdict.judging import ExitCode
from conformance.verdict.outcomes import TestOutcome

pytest_plugins = ["conformance.pytest.fixtures"]
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "items-conformance"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser.getgroup("conformance", "Items API conformance").addoption)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # What a `verify_…` call judges when it names no requirement: the ones this test cites.
    with citing(requirement_ids(item)):
        return (yield)


def pytest_configure(config: pytest.Config) -> None:
    declare_markers(config)
    prepared = keys.prepared_run(config)
    try:
        settings = (
            prepared.settings if prepared else build_settings({o.dest: config.getoption(o.dest) for o in OPTIONS})
        )
    except SettingsError as error:
        pytest.exit(f"conformance: {error}", returncode=ExitCode.COULD_NOT_JUDGE)
    set_budget(Budget(settings.seed, settings.max_examples, api_root(settings.target)))
    # Hypothesis caches its Unicode tables under .hypothesis/ in the working directory: a run would leave
    # that behind wherever it starts, and rebuild it (4 s here) on every fresh CI checkout. Litestar's test
    # client logs every request at INFO; the evidence already carries the exchanges.
    set_hypothesis_home_dir(str(CACHE_DIR / "hypothesis"))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    keys.store_run_state(config, settings)
    probed = bool(prepared and prepared.probed)
    config.pluginmanager.register(ConformanceRun(config, settings, probed), "conformance-run")
    register_selections(config, settings)
    register_progress(config)


class ConformanceRun:
    """Hooks with the run's state: outcomes per test, facts from the workers, the result."""

    def __init__(self, config: pytest.Config, settings: RunSettings, probed: bool) -> None:
        self.config = config
        self.settings = settings
        self.probed = probed
        self.outcomes: list[TestOutcome] = []
        self.gaps: list[dict[str, Any]] = []
        """Contract gaps the tests reported (reports/contract_gaps.py): listed, never judged."""
        self.started = time.time()
        self.bounds = RunBounds()
        self.crashed_workers = 0
        self.result: RunResult | None = None
        self.start: Snapshot | None = None  # the list before the workers start, on a shared server

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.bounds.start(self.settings.run_timeout)
        if self.settings.target.in_process or keys.is_worker(self.config):
            return
        # One probe before hundreds of tests (unless `conformance run` made it): a target that is unreachable
        # or is not this API at all is one clear line, not a wall of failures.
        probe = Preflight() if self.probed else preflight(self.settings.target, self.config.stash[keys.PACER])
        if probe.problem:
            pytest.exit(f"conformance: {probe.problem}", returncode=ExitCode.COULD_NOT_JUDGE)
        if probe.note:
            self.config.get_terminal_writer().line(f"NOTE: {probe.note}", yellow=True, bold=True)
        if int(getattr(self.config.option, "numprocesses", 0) or 0):
            # The workers share the server: what the run left is measured here, before they start.
            self.start = snapshot_shared(self.settings.target, self.config.stash[keys.PACER])
        if self.settings.target.insecure:
            self.config.get_terminal_writer().line(f"WARNING: {INSECURE}", yellow=True, bold=True)
            # pytest's JUnit writer has no public handle; record_testsuite_property does not work under xdist.
            if (xml := self.config.stash.get(xml_key, None)) is not None:
                xml.add_global_property("warning", INSECURE)

    def pytest_unconfigure(self) -> None:
        self.bounds.stop()
        self.config.stash[keys.PACER].close()
        if not keys.is_worker(self.config):
            shutil.rmtree(self.config.stash[keys.PACING_DIR], ignore_errors=True)

    def pytest_keyboard_interrupt(self) -> None:
        self.bounds.abort("the run was interrupted (Ctrl-C)")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        check_citations(items)
        if self.settings.quick:
            keep_quick(self.config, items)

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        record_citations(item)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
        report: pytest.TestReport = yield
        if stop := judge_report(item, call, report, self.settings, self.config.stash[keys.REDACTOR]):
            self.bounds.abort(stop)
            item.session.shouldstop = stop
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not keys.is_worker(self.config) and (outcome := test_outcome(report, self.config.stash[keys.REDACTOR])):
            self.outcomes.append(outcome)
        if not keys.is_worker(self.config):
            self.gaps += gaps_of(report.user_properties)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["conformance_run_id"] = self.config.stash[keys.RUN_ID]
        node.workerinput["conformance_pacing_dir"] = self.config.stash[keys.PACING_DIR]

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        self.crashed_workers += bool(error)
        output = getattr(node, "workeroutput", {})
        if output.get("conformance"):
            self.config.stash[keys.FACTS].merge(RunFacts.from_wire(output["conformance"]))
        if output.get("conformance_shard"):
            self.config.stash[keys.SHARD_PLAN] = ShardPlan.from_wire(output["conformance_shard"])

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        stash = self.config.stash
        if keys.is_worker(self.config):
            output: dict[str, Any] = self.config.workeroutput  # type: ignore[attr-defined]
            output["conformance"] = stash[keys.FACTS].to_wire()
            if keys.SHARD_PLAN in stash:
                output["conformance_shard"] = stash[keys.SHARD_PLAN].to_wire()
            return
        settle_shared(self.settings.target, stash, self.start, crashed=self.crashed_workers > 0)
        waiting = stash[keys.PACER].totals()
        stash[keys.FACTS].retries, stash[keys.FACTS].waited_s = waiting.retries, waiting.waited_s
        # A worker that ran past the bounds stopped its own tests; the run as a whole cannot judge either.
        if waiting.stopped:
            self.bounds.abort(waiting.stopped)
        workers = int(getattr(self.config.option, "numprocesses", 0) or 0)
        shard_plan = stash.get(keys.SHARD_PLAN, None)
        facts, aborted = stash[keys.FACTS], self.bounds.aborted
        end = RunEnd(self.outcomes, facts, self.settings, self.started, time.time(), workers, shard_plan, aborted)
        self.result = finish_run(end, datetime.date.today())
        self.result.report.contract_gaps = unique_gaps(self.gaps)
        write_reports(self.result.report, Path(self.settings.report_dir))
        # A shard may be dealt no test at all (more parts than tests): it judged nothing, and that is no error.
        nothing_dealt = shard_plan is not None and not shard_plan.assigned
        if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or (
            nothing_dealt and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
        ):
            session.exitstatus = int(self.result.gate.exit_code)
        else:
            session.exitstatus = int(ExitCode.COULD_NOT_JUDGE)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Iterator[None]:
        # After pytest's own list of failed tests, so the verdict and the gate are the last thing on screen.
        yield
        if (result := self.result) is not None:
            print_summary(terminalreporter, result.judgement, result.gate, result.report, self.settings.report_dir)
