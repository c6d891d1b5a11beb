"""The pytest plugin behind every suite run: options, fixtures, requirement tracking, verdict, exit code."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.catalog import load_catalog
from conformance.client import ITEMS, ApiClient, NoResponse, item_path
from conformance.console import print_summary
from conformance.html_report import write_html_report
from conformance.items import Items
from conformance.ledger import Ledger
from conformance.redaction import TOKEN_ENV, Redactor
from conformance.results import ExitCode, Judgement, Outcome, TestOutcome, judge
from conformance.settings import (
    BASE_URL_ENV,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_SEED,
    DEFAULT_TIMEOUT,
    RunSettings,
    SettingsError,
    activate,
    build_settings,
)
from conformance.summary import RunSummary, to_dict, write_json_summary
from conformance.target import OpenTarget, open_target
from conformance.violations import ContractViolation

MARK = "requirement"
SETTINGS = pytest.StashKey[RunSettings]()
REDACTOR = pytest.StashKey[Redactor]()
FACTS = pytest.StashKey[dict[str, Any]]()
"""Per process: requests sent, items created, items left behind; workers send theirs to the controller."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "Items API conformance")
    group.addoption("--base-url", default=None, help=f"server to test (default: ${BASE_URL_ENV}, else in-process)")
    group.addoption("--token", default=None, help=f"bearer token for the writes (default: ${TOKEN_ENV})")
    group.addoption("--level", default="must", help="gate on MUST (default) or also on SHOULD requirements")
    group.addoption("--seed", default=str(DEFAULT_SEED), help="seed for generated cases (default: %(default)s)")
    group.addoption("--max-examples", default=str(DEFAULT_MAX_EXAMPLES), help="generated cases per operation")
    group.addoption("--request-timeout", default=str(DEFAULT_TIMEOUT), help="seconds per request (default: 10)")
    group.addoption("--report-dir", default="reports", help="where reports are written (default: %(default)s)")
    group.addoption("--fault", default=None, help="in-process only: inject a named fault into the reference app")


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def requirement_ids(item: pytest.Item) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rid for mark in item.iter_markers(MARK) for rid in mark.args))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}(*ids): the contract requirement IDs a test checks")
    try:
        settings = build_settings(
            base_url=config.getoption("base_url"),
            token=config.getoption("token"),
            level=config.getoption("level"),
            seed=config.getoption("seed"),
            max_examples=config.getoption("max_examples"),
            request_timeout=config.getoption("request_timeout"),
            report_dir=config.getoption("report_dir"),
            fault=config.getoption("fault"),
        )
    except SettingsError as error:
        pytest.exit(f"conformance: {error}", returncode=ExitCode.COULD_NOT_JUDGE)
    activate(settings)
    # Litestar's test client logs every request at INFO; the evidence already carries the exchanges.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config.stash[SETTINGS] = settings
    config.stash[REDACTOR] = Redactor([settings.token] if settings.token else [])
    config.stash[FACTS] = {"requests": 0, "created": 0, "leftovers": [], "observed": {}}
    config.pluginmanager.register(ConformanceRun(config, settings), "conformance-run")


def _violations(error: BaseException) -> list[ContractViolation]:
    if isinstance(error, ContractViolation):
        return [error]
    if isinstance(error, BaseExceptionGroup):
        return [found for inner in error.exceptions for found in _violations(inner)]
    return []


def failure_detail(cited: tuple[str, ...], error: BaseException, redactor: Redactor) -> dict[str, Any]:
    """How a failed test is judged: its violations name requirements; a bare assertion fails all it cites."""
    found = _violations(error)
    if found:
        return {
            "outcome": Outcome.FAILED.value,
            "failed": list(dict.fromkeys(rid for violation in found for rid in violation.requirements)),
            "message": redactor.text("\n\n".join(str(violation) for violation in found)),
            "violations": [v.to_dict() for violation in found for v in violation.violations],
        }
    if isinstance(error, AssertionError):
        # NoResponse among them: the target misbehaved in a way no specific check names.
        message = redactor.text(str(error))
        exchange = error.exchange.to_dict() if isinstance(error, NoResponse) else None
        violation = {
            "requirements": list(cited),
            "summary": message,
            "expected": "",
            "received": message,
            "notes": [],
            "exchange": exchange,
        }
        return {"outcome": Outcome.FAILED.value, "failed": list(cited), "message": message, "violations": [violation]}
    message = redactor.text(f"the suite raised {type(error).__name__}: {error}")
    return {"outcome": Outcome.ERROR.value, "failed": [], "message": message, "violations": []}


class ConformanceRun:
    """Hooks with the run's state: outcomes per test, facts from the workers, the verdict."""

    def __init__(self, config: pytest.Config, settings: RunSettings) -> None:
        self.config = config
        self.settings = settings
        self.outcomes: list[TestOutcome] = []
        self.started = time.time()
        self.judgement: Judgement | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.settings.in_process or _is_worker(self.config):
            return
        # One probe before hundreds of tests: an unreachable target is one clear line, not a wall of failures.
        try:
            with httpx.Client(base_url=self.settings.base_url or "", timeout=self.settings.request_timeout) as client:
                client.get(ITEMS)
        except httpx.HTTPError as error:
            pytest.exit(
                f"conformance: cannot reach {self.settings.base_url}: {type(error).__name__}: {error}",
                returncode=ExitCode.COULD_NOT_JUDGE,
            )

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

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        # Shown per test case in JUnit XML, so CI systems list the requirements a test checks.
        if not any(name == "requirements" for name, _ in item.user_properties):
            item.user_properties.append(("requirements", " ".join(requirement_ids(item))))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
        report: pytest.TestReport = yield
        redactor = self.config.stash[REDACTOR]
        # Tracebacks can quote request headers or echoed bodies: mask the token there too.
        if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
            path, line, reason = report.longrepr
            report.longrepr = (path, line, redactor.text(reason))
        elif report.longrepr is not None and (text := str(report.longrepr)) != redactor.text(text):
            report.longrepr = redactor.text(text)
        if report.failed and call.excinfo is not None:
            # A plain attribute travels from xdist workers to the controller with the report.
            report.conformance = failure_detail(requirement_ids(item), call.excinfo.value, redactor)  # type: ignore[attr-defined]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if _is_worker(self.config):
            return
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
        elif report.when == "call":
            self.outcomes.append(
                TestOutcome(report.nodeid, requirements, Outcome(report.outcome), duration=report.duration)
            )
        elif report.skipped:
            reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
            self.outcomes.append(TestOutcome(report.nodeid, requirements, Outcome.SKIPPED, message=str(reason)))

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        facts = getattr(node, "workeroutput", {}).get("conformance")
        if facts:
            into = self.config.stash[FACTS]
            into["requests"] += facts["requests"]
            into["created"] += facts["created"]
            into["leftovers"] += facts["leftovers"]
            for operation, statuses in facts["observed"].items():
                merged = into["observed"].setdefault(operation, {})
                for status, count in statuses.items():
                    merged[status] = merged.get(status, 0) + count

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if _is_worker(self.config):
            self.config.workeroutput["conformance"] = self.config.stash[FACTS]  # type: ignore[attr-defined]
            return
        self.judgement = judge(load_catalog(), self.outcomes, self.settings.level)
        summary = RunSummary(
            settings=self.settings,
            judgement=self.judgement,
            outcomes=self.outcomes,
            facts=self.config.stash[FACTS],
            started=self.started,
            finished=time.time(),
            workers=int(getattr(self.config.option, "numprocesses", 0) or 0),
        )
        data = to_dict(summary)
        report_dir = Path(self.settings.report_dir)
        write_json_summary(data, report_dir / "conformance.json")
        write_html_report(data, report_dir / "conformance.html")
        if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            session.exitstatus = int(self.judgement.exit_code)
        else:
            session.exitstatus = int(ExitCode.COULD_NOT_JUDGE)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.judgement is not None:
            print_summary(terminalreporter, self.judgement, self.settings, self.config.stash[FACTS])


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def run_settings(pytestconfig: pytest.Config) -> RunSettings:
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def target(run_settings: RunSettings) -> Iterator[OpenTarget]:
    with open_target(run_settings) as opened:
        yield opened


@pytest.fixture(scope="session")
def run_tag(pytestconfig: pytest.Config) -> str:
    worker = getattr(pytestconfig, "workerinput", {}).get("workerid", "main")
    return f"{time.strftime('%H%M%S')}-{worker}"


@pytest.fixture(scope="session")
def api(target: OpenTarget, pytestconfig: pytest.Config) -> Iterator[ApiClient]:
    ledger = Ledger()
    redactor = Redactor([target.token] if target.token else [])
    pytestconfig.stash[REDACTOR] = redactor
    client = ApiClient(target.http, token=target.token, ledger=ledger, redactor=redactor)
    yield client
    facts = pytestconfig.stash[FACTS]
    facts["leftovers"] = _clean_up(client)
    facts["requests"] = client.request_count
    facts["created"] = ledger.created_count
    for (operation, status), count in client.observed.items():
        facts["observed"].setdefault(operation, {})[str(status)] = count


def _clean_up(api: ApiClient) -> list[int]:
    """Deletes every item this run created and still holds; returns the ids it could not delete."""
    leftovers = []
    for item_id in api.ledger.alive():
        try:
            status = api.delete(item_path(item_id)).status_code
        except (NoResponse, httpx.HTTPError):
            status = None
        if status not in (204, 404):
            leftovers.append(item_id)
        else:
            api.ledger.deleted(item_id)
    return leftovers


@pytest.fixture(scope="session")
def items(api: ApiClient, run_tag: str) -> Items:
    """Item helpers; tests that write need the bearer token and are not run without one."""
    if not api.token:
        pytest.skip(f"needs a bearer token for writes (--token or ${TOKEN_ENV}): not run")
    return Items(api, run_tag)
