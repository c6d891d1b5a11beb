"""The pytest plugin behind every suite run: options, fixtures, requirement tracking, verdict, exit code."""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from _pytest.junitxml import xml_key
from hypothesis.configuration import set_hypothesis_home_dir

from conformance.checks.current import citing
from conformance.checks.generated import Budget, set_budget
from conformance.checks.items import Items
from conformance.contract.catalog import Level, load_catalog
from conformance.pytest.cleanup import clean_up
from conformance.pytest.options import OPTIONS, add_options
from conformance.pytest.outcomes import failure_detail
from conformance.pytest.settings import RunSettings, SettingsError, build_settings
from conformance.pytest.sharding import Shard, ShardPlan, plan
from conformance.reports.console import INSECURE, print_summary
from conformance.reports.html import write_html_report
from conformance.reports.json_report import RunSummary, to_dict, write_json_summary
from conformance.reports.markdown import write_run_markdown
from conformance.target.client import ApiClient
from conformance.target.errors import NotRun, TargetDown
from conformance.target.facts import RunFacts
from conformance.target.ledger import Ledger
from conformance.target.opening import OpenTarget, api_root, open_target, pacer_for, preflight, run_client
from conformance.target.pacing import Pacer
from conformance.target.redaction import Redactor
from conformance.verdict.gate import Gate, decide_gate
from conformance.verdict.judging import ExitCode, Judgement, Outcome, TestOutcome, judge_run

CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "items-conformance"
MARK = "requirement"
THOROUGH = "thorough"
SETTINGS = pytest.StashKey[RunSettings]()
REDACTOR = pytest.StashKey[Redactor]()
RUN_ID = pytest.StashKey[str]()
FACTS = pytest.StashKey[RunFacts]()
"""Per process; workers send theirs to the controller."""
SHARD_PLAN = pytest.StashKey[ShardPlan]()
"""Made where the tests are collected (in each xdist worker, the same in all); sent to the controller."""
PACER = pytest.StashKey[Pacer]()
PACING_DIR = pytest.StashKey[str]()
"""Where the run's processes share their request rate and waiting; made and removed by the controller."""


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser.getgroup("conformance", "Items API conformance").addoption)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def requirement_ids(item: pytest.Item) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rid for mark in item.iter_markers(MARK) for rid in mark.args))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # What a `verify_…` call judges when it names no requirement: the ones this test cites.
    with citing(requirement_ids(item)):
        return (yield)


def test_id(item: pytest.Item) -> str:
    """The item's node id with its parameters: pytest 9 leaves a Schemathesis item's operation out of its node
    id, so all six operations of a property test would share one id in the reports, JUnit and the shards."""
    return f"{item.parent.nodeid}::{item.name}" if item.parent is not None else item.nodeid


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}(*ids): the contract requirement IDs a test checks")
    config.addinivalue_line("markers", f"{THOROUGH}: a long test that the --quick profile leaves out")
    try:
        settings = build_settings({option.dest: config.getoption(option.dest) for option in OPTIONS})
    except SettingsError as error:
        pytest.exit(f"conformance: {error}", returncode=ExitCode.COULD_NOT_JUDGE)
    set_budget(Budget(settings.seed, settings.max_examples, api_root(settings.target)))
    # Hypothesis caches its Unicode tables under .hypothesis/ in the working directory: a run would leave
    # that behind wherever it starts, and rebuild it (4 s here) on every fresh CI checkout.
    set_hypothesis_home_dir(str(CACHE_DIR / "hypothesis"))
    # Litestar's test client logs every request at INFO; the evidence already carries the exchanges.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config.stash[SETTINGS] = settings
    config.stash[REDACTOR] = Redactor.for_run(settings.target.token, settings.target.headers)
    config.stash[FACTS] = RunFacts()
    # Shared by the controller and its xdist workers, so the controller can find what a crashed worker made.
    config.stash[RUN_ID] = getattr(config, "workerinput", {}).get("conformance_run_id") or secrets.token_hex(4)
    pacing_dir = getattr(config, "workerinput", {}).get("conformance_pacing_dir")
    config.stash[PACING_DIR] = pacing_dir or tempfile.mkdtemp(prefix="conformance-pacing-")
    config.stash[PACER] = pacer_for(settings.target, config.stash[PACING_DIR])
    config.pluginmanager.register(ConformanceRun(config, settings), "conformance-run")
    if settings.shard is not None:
        config.pluginmanager.register(ShardSelection(config, settings.shard), "conformance-shard")


def redactor_text(config: pytest.Config, text: str) -> str:
    return config.stash[REDACTOR].text(text)


class ConformanceRun:
    """Hooks with the run's state: outcomes per test, facts from the workers, the verdict."""

    def __init__(self, config: pytest.Config, settings: RunSettings) -> None:
        self.config = config
        self.settings = settings
        self.outcomes: list[TestOutcome] = []
        self.started = time.time()
        self.judgement: Judgement | None = None
        self.gate: Gate | None = None
        self.crashed_workers = 0
        self.aborted: str | None = None
        """Why the run stopped before its end (target down, timeout, signal): it then cannot judge."""

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._bound_the_run()
        if self.settings.target.in_process or _is_worker(self.config):
            return
        # One probe before hundreds of tests: a target that is unreachable or is not this API at all is
        # one clear line, not a wall of failures.
        problem = preflight(self.settings.target, self.config.stash[PACER])
        if problem:
            pytest.exit(f"conformance: {problem}", returncode=ExitCode.COULD_NOT_JUDGE)
        if self.settings.target.insecure:
            self.config.get_terminal_writer().line(f"WARNING: {INSECURE}", yellow=True, bold=True)
            # pytest's JUnit writer has no public handle; record_testsuite_property does not work under xdist.
            if (xml := self.config.stash.get(xml_key, None)) is not None:
                xml.add_global_property("warning", INSECURE)

    def _bound_the_run(self) -> None:
        """--run-timeout and SIGTERM interrupt the run like Ctrl-C: the session still cleans up and reports."""

        def interrupt(signum: int, _: object) -> None:
            self.aborted = (
                f"the run exceeded --run-timeout ({self.settings.run_timeout:g} s)"
                if signum == signal.SIGALRM
                else f"the run was stopped by signal {signum}"
            )
            raise KeyboardInterrupt(self.aborted)

        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM"):
            signal.signal(signal.SIGALRM, interrupt)
            signal.signal(signal.SIGTERM, interrupt)
            signal.setitimer(signal.ITIMER_REAL, self.settings.run_timeout)

    def pytest_unconfigure(self) -> None:
        if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, 0)
        self.config.stash[PACER].close()
        if not _is_worker(self.config):
            shutil.rmtree(self.config.stash[PACING_DIR], ignore_errors=True)

    def pytest_keyboard_interrupt(self) -> None:
        self.aborted = self.aborted or "the run was interrupted (Ctrl-C)"

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        known = set(load_catalog().ids)
        problems = []
        for item in items:
            cited = requirement_ids(item)
            if not cited:
                problems.append(f"{item.nodeid}: cites no requirement (@pytest.mark.{MARK}(...))")
            problems += [f"{item.nodeid}: unknown requirement {rid!r}" for rid in cited if rid not in known]
        if problems:
            raise pytest.UsageError("suite tests must cite catalog requirements:\n" + "\n".join(problems))
        if self.settings.quick:
            catalog = load_catalog()
            kept, dropped = [], []
            for item in items:
                must = any(catalog[rid].level is Level.MUST for rid in requirement_ids(item))
                (kept if must and item.get_closest_marker(THOROUGH) is None else dropped).append(item)
            if dropped:
                self.config.hook.pytest_deselected(items=dropped)
                items[:] = kept

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        # Shown per test case in JUnit XML, so CI systems list the requirements a test checks.
        if not any(name == "requirements" for name, _ in item.user_properties):
            item.user_properties.append(("requirements", " ".join(requirement_ids(item))))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
        report: pytest.TestReport = yield
        # Travels with the report from an xdist worker; the id is set only where the report is logged, since
        # xdist's worker checks that a report's node id is its item's.
        report.conformance_test_id = test_id(item)  # type: ignore[attr-defined]
        redactor = self.config.stash[REDACTOR]
        # Tracebacks can quote request headers or echoed bodies: mask the token there too.
        if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
            path, line, reason = report.longrepr
            report.longrepr = (path, line, redactor.text(reason))
        elif report.longrepr is not None and (text := str(report.longrepr)) != redactor.text(text):
            report.longrepr = redactor.text(text)
        error = call.excinfo.value if call.excinfo is not None else None
        if isinstance(error, NotRun):
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: not run: {error}")
            return report
        if isinstance(error, TargetDown):
            self.aborted = str(error)
            item.session.shouldstop = str(error)
        if report.failed and call.excinfo is not None:
            # A plain attribute travels from xdist workers to the controller with the report.
            detail = failure_detail(requirement_ids(item), call.excinfo.value, redactor)
            report.conformance = detail  # type: ignore[attr-defined]
            if detail["outcome"] == Outcome.FAILED.value:
                # The target's fault: the evidence says it all, a traceback of the suite would only hide it.
                report.longrepr = detail["message"]
                self._mark_expected(item, report, detail["failed"])
        return report

    def _mark_expected(self, item: pytest.Item, report: pytest.TestReport, failed: list[str]) -> None:
        """With --expect, an expected failure is reported as xfail (JUnit: skipped with the reason), never as a
        pass; any other failure that gates is named a regression. The verdict still counts both as failures."""
        expectations = self.settings.expectations
        if expectations is None:
            return
        unexcused = expectations.unexcused(test_id(item), failed, datetime.date.today())
        if failed and not unexcused:
            report.outcome = "skipped"
            report.wasxfail = expectations.why_expected(failed)  # type: ignore[attr-defined]
            return
        catalog = load_catalog()
        gating = [rid for rid in unexcused if catalog[rid].level is Level.MUST or self.settings.level is Level.SHOULD]
        if gating:
            report.longrepr = f"REGRESSION: {', '.join(gating)} not excused by {expectations.path}: {report.longrepr}"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if _is_worker(self.config):
            return
        # Before JUnit and the console see it.
        report.nodeid = getattr(report, "conformance_test_id", report.nodeid)
        cited = [value.split() for name, value in report.user_properties if name == "requirements"]
        requirements = tuple(cited[0]) if cited else ()
        detail = getattr(report, "conformance", None)
        if detail is not None:
            self.outcomes.append(
                TestOutcome(
                    nodeid=report.nodeid,
                    requirements=requirements,
                    outcome=Outcome(detail["outcome"]),
                    failed_requirements=tuple(detail["failed"]),
                    message=detail["message"],
                    violations=detail["violations"],
                    duration=report.duration,
                )
            )
        elif report.failed:
            # Failed outside the judged path (a crashed worker, an error in setup): never read as a pass.
            message = redactor_text(self.config, str(report.longrepr or "failed"))
            self.outcomes.append(TestOutcome(report.nodeid, requirements, Outcome.ERROR, message=message))
        elif report.skipped:
            # In set-up or while running (a precondition the target did not meet): the reason is the evidence.
            reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
            self.outcomes.append(TestOutcome(report.nodeid, requirements, Outcome.SKIPPED, message=str(reason)))
        elif report.when == "call":
            self.outcomes.append(
                TestOutcome(report.nodeid, requirements, Outcome(report.outcome), duration=report.duration)
            )

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["conformance_run_id"] = self.config.stash[RUN_ID]
        node.workerinput["conformance_pacing_dir"] = self.config.stash[PACING_DIR]

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        if error:
            self.crashed_workers += 1
        output = getattr(node, "workeroutput", {})
        if output.get("conformance"):
            self.config.stash[FACTS].merge(RunFacts.from_wire(output["conformance"]))
        if output.get("conformance_shard"):
            self.config.stash[SHARD_PLAN] = ShardPlan.from_wire(output["conformance_shard"])

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if _is_worker(self.config):
            self.config.workeroutput["conformance"] = self.config.stash[FACTS].to_wire()  # type: ignore[attr-defined]
            if SHARD_PLAN in self.config.stash:
                self.config.workeroutput["conformance_shard"] = self.config.stash[SHARD_PLAN].to_wire()  # type: ignore[attr-defined]
            return
        if self.crashed_workers and not self.settings.target.in_process:
            self._clean_up_after_crashed_workers()
        waiting = self.config.stash[PACER].totals()
        facts = self.config.stash[FACTS]
        facts.retries, facts.waited_s = waiting.retries, waiting.waited_s
        # A worker that ran past the bounds stopped its own tests; the run as a whole cannot judge either.
        self.aborted = self.aborted or waiting.stopped
        self.judgement = self._judge()
        self.gate = decide_gate(
            self.judgement,
            self.settings.expectations,
            self.settings.level,
            self.settings.strict_expect,
            self._judge,
            datetime.date.today(),
        )
        summary = RunSummary(
            settings=self.settings,
            judgement=self.judgement,
            outcomes=self.outcomes,
            facts=self.config.stash[FACTS],
            started=self.started,
            finished=time.time(),
            workers=int(getattr(self.config.option, "numprocesses", 0) or 0),
            shard=self._shard_manifest(),
            gate=self.gate,
        )
        data = to_dict(summary)
        report_dir = Path(self.settings.report_dir)
        write_json_summary(data, report_dir / "conformance.json")
        write_html_report(data, report_dir / "conformance.html")
        write_run_markdown(data, report_dir / "conformance.md")
        # A shard may be dealt no test at all (more parts than tests): it judged nothing, and that is no error.
        nothing_dealt = SHARD_PLAN in self.config.stash and not self.config.stash[SHARD_PLAN].assigned
        if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or (
            nothing_dealt and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
        ):
            session.exitstatus = int(self.gate.exit_code)
        else:
            session.exitstatus = int(ExitCode.COULD_NOT_JUDGE)

    def _clean_up_after_crashed_workers(self) -> None:
        """A worker that died took its ledger along; its items still carry the run's tag."""
        with open_target(self.settings.target) as target:
            api = run_client(target, self.settings.target, self.config.stash[PACER])
            # Every worker's tag starts with the run id.
            left = clean_up(Items(api, run_tag=""), Items.name_prefix(self.config.stash[RUN_ID]).removesuffix(" #"))
        self.config.stash[FACTS].merge(RunFacts(leftovers=left))

    def _judge(self, excused: frozenset[str] = frozenset()) -> Judgement:
        settings = self.settings
        if settings.shard is None:
            return judge_run(self.outcomes, settings.level, settings.target.read_only, self.aborted, excused=excused)
        if SHARD_PLAN not in self.config.stash:
            # Every worker died before reporting its part: nothing here may be read as passed.
            self.aborted = self.aborted or "no worker reported which tests this shard runs"
            elsewhere = frozenset(load_catalog().ids)
        else:
            elsewhere = frozenset(self.config.stash[SHARD_PLAN].elsewhere)
        judgement = judge_run(
            self.outcomes, settings.level, settings.target.read_only, self.aborted, excused, elsewhere
        )
        return replace(judgement, reason=f"shard {settings.shard.label}: {judgement.reason}")

    def _shard_manifest(self) -> dict[str, Any] | None:
        """What `conformance merge` needs of a shard beyond its tests: its place in the whole run."""
        if self.settings.shard is None:
            return None
        shard_plan = self.config.stash.get(SHARD_PLAN, None)
        return {
            "index": self.settings.shard.index,
            "count": self.settings.shard.count,
            "balanced_by": shard_plan.balanced_by if shard_plan else None,
            "collection": list(shard_plan.collection) if shard_plan else [],
            "assigned": list(shard_plan.assigned) if shard_plan else [],
            "read_only": self.settings.target.read_only,
            "aborted": self.aborted,
        }

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Iterator[None]:
        # After pytest's own list of failed tests, so the verdict and the gate are the last thing on screen.
        yield
        if self.judgement is not None and self.gate is not None:
            print_summary(terminalreporter, self.judgement, self.gate, self.settings, self.config.stash[FACTS])


class ShardSelection:
    """Keeps this shard's part of the tests, after every other selection (-k, --quick) has been made."""

    def __init__(self, config: pytest.Config, shard: Shard) -> None:
        self.config = config
        self.shard = shard

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        shard_plan = plan(self.shard, [(test_id(item), requirement_ids(item)) for item in items])
        self.config.stash[SHARD_PLAN] = shard_plan
        kept = set(shard_plan.assigned)
        others = [item for position, item in enumerate(items) if position not in kept]
        if others:
            self.config.hook.pytest_deselected(items=others)
            items[:] = [item for position, item in enumerate(items) if position in kept]


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def run_settings(pytestconfig: pytest.Config) -> RunSettings:
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def target(run_settings: RunSettings) -> Iterator[OpenTarget]:
    with open_target(run_settings.target) as opened:
        yield opened


@pytest.fixture(scope="session")
def run_tag(pytestconfig: pytest.Config) -> str:
    """Unique to this run and worker: every item the suite creates carries it in its name."""
    worker = getattr(pytestconfig, "workerinput", {}).get("workerid", "main")
    return f"{pytestconfig.stash[RUN_ID]}-{worker}"


@pytest.fixture(scope="session")
def api(target: OpenTarget, run_tag: str, pytestconfig: pytest.Config) -> Iterator[ApiClient]:
    ledger = Ledger()
    client = run_client(target, pytestconfig.stash[SETTINGS].target, pytestconfig.stash[PACER], ledger)
    # The in-process token is made by open_target: from here on it is masked too.
    pytestconfig.stash[REDACTOR] = client.redactor
    yield client
    facts = pytestconfig.stash[FACTS]
    facts.leftovers = clean_up(Items(client, run_tag), Items.name_prefix(run_tag))
    facts.requests = client.request_count
    facts.created = ledger.created_count
    facts.observe(client.observed)


@pytest.fixture(scope="session")
def items(api: ApiClient, run_tag: str) -> Items:
    """Item helpers. Without a token, or in a --read-only run, their writes make a test not run."""
    return Items(api, run_tag)
