"""pytest's test reports made the run's: secrets masked, expected failures marked (--expect), the judged
failure carried from an xdist worker to the controller, and each report read as a test outcome."""

from __future__ import annotations

import datetime

import pytest

from conformance.contract.catalog import Level, load_catalog
from conformance.pytest.collection import assertion_ids, requirement_ids, test_id
from conformance.pytest.failures import failure_detail
from conformance.pytest.settings import RunSettings
from conformance.reports.console import LINE_LIMIT, cut, failure_text
from conformance.target.errors import NotRun, TargetDown
from conformance.target.redaction import Redactor
from conformance.verdict.outcomes import Outcome, TestOutcome


def _redact(report: pytest.TestReport, redactor: Redactor) -> None:
    """Tracebacks can quote request headers or echoed bodies: mask the token there too."""
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        path, line, reason = report.longrepr
        report.longrepr = (path, line, redactor.text(reason))
    elif report.longrepr is not None and (text := str(report.longrepr)) != redactor.text(text):
        report.longrepr = redactor.text(text)


def _mark_expected(settings: RunSettings, item: pytest.Item, report: pytest.TestReport, failed: list[str]) -> None:
    """With --expect, an expected failure is reported as xfail (JUnit: skipped with the reason), never as a
    pass; any other failure that gates is named a regression. The verdict still counts both as failures."""
    expectations = settings.expectations
    if expectations is None:
        return
    unexcused = expectations.unexcused(test_id(item), failed, datetime.date.today())
    if failed and not unexcused:
        report.outcome = "skipped"
        report.wasxfail = expectations.why_expected(failed)  # type: ignore[attr-defined]
        return
    catalog = load_catalog()
    gating = [rid for rid in unexcused if catalog[rid].level is Level.MUST or settings.level is Level.SHOULD]
    if gating:
        report.longrepr = f"REGRESSION: {', '.join(gating)} not excused by {expectations.path}: {report.longrepr}"


def judge_report(
    item: pytest.Item,
    call: pytest.CallInfo[None],
    report: pytest.TestReport,
    settings: RunSettings,
    redactor: Redactor,
) -> str | None:
    """Makes `report` the run's, where it is made (in an xdist worker too); returns why the run must stop."""
    # Travels with the report from an xdist worker; the id is set only where the report is logged, since
    # xdist's worker checks that a report's node id is its item's.
    report.conformance_test_id = test_id(item)  # type: ignore[attr-defined]
    _redact(report, redactor)
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, NotRun):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: not run: {error}")
        return None
    if report.failed and error is not None:
        outcome = failure_detail(test_id(item), requirement_ids(item), error, redactor, report.duration)
        outcome.assertions = assertion_ids(item)
        # Plain JSON data travels from xdist workers to the controller with the report (execnet carries no objects).
        report.conformance = outcome.to_json(evidence=True)  # type: ignore[attr-defined]
        if outcome.outcome is Outcome.FAILED:
            # The target's fault: the evidence says it all, a traceback of the suite would only hide it. Cut for
            # the terminal (and JUnit): the reports keep the whole of it.
            report.longrepr = failure_text(outcome.violations, outcome.message)
            _mark_expected(settings, item, report, list(outcome.failed_requirements))
        elif max(map(len, (lines := str(report.longrepr).splitlines())), default=0) > LINE_LIMIT:
            # The suite's own error, quoting a long body, say: its traceback stays, its long lines are cut.
            report.longrepr = "\n".join(map(cut, lines))
    return str(error) if isinstance(error, TargetDown) else None


def test_outcome(report: pytest.TestReport, redactor: Redactor) -> TestOutcome | None:
    """The outcome a logged report records, if any (a passed set-up or teardown records none)."""
    # Before JUnit and the console see it.
    report.nodeid = getattr(report, "conformance_test_id", report.nodeid)
    cited = [value.split() for name, value in report.user_properties if name == "requirements"]
    requirements = tuple(cited[0]) if cited else ()
    asserted = [value.split() for name, value in report.user_properties if name == "assertions"]
    assertions = tuple(asserted[0]) if asserted else ()
    detail = getattr(report, "conformance", None)
    if detail is not None:
        return TestOutcome.from_json(detail)
    if report.failed:
        # Failed outside the judged path (a crashed worker, an error in setup): never read as a pass.
        message = redactor.text(str(report.longrepr or "failed"))
        return TestOutcome(report.nodeid, requirements, Outcome.ERROR, message=message, assertions=assertions)
    if report.skipped:
        # In set-up or while running (a precondition the target did not meet): the reason is the evidence.
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
        # pytest's "Skipped: " prefix dropped, so that a blocked test's reason starts with what it needed.
        return TestOutcome(
            report.nodeid,
            requirements,
            Outcome.NOT_RUN,
            message=str(reason).removeprefix("Skipped: "),
            assertions=assertions,
        )
    if report.when == "call":
        return TestOutcome(
            report.nodeid, requirements, Outcome(report.outcome), duration=report.duration, assertions=assertions
        )
    return None
