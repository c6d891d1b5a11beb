"""The typed result model: every part of a real run's conformance.json read into its type and written back
is the same JSON, and a report written before some fields existed still loads."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.checks.violations import Violation
from conformance.cli.selftest import FaultRun, judge_fault
from conformance.reports.files import load_report
from conformance.reports.model import OperationCount, RunReport
from conformance.target.exchange import Exchange, Message
from conformance.verdict.gate import ExpectationRow, Gate, Regression
from conformance.verdict.judging import Failure, RequirementResult, Status
from conformance.verdict.outcomes import Outcome, TestOutcome
from tests.conftest import FAST, RunResult, run_conformance

FAULT = "validation-400"
"""Fails VALID-422 with evidence of every kind: violations with exchanges, later ones without bodies."""


@pytest.fixture(scope="module")
def gated_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """A faulty run gated by expectations: its gate has an expected failure, a regression (its entry expired)
    and an entry whose requirement passes."""
    folder = tmp_path_factory.mktemp("gated-run")
    expectations = folder / "expected.toml"
    expectations.write_text(
        '[[expected]]\nrequirement = "VALID-422"\nreason = "known"\nlink = "https://tracker.test/1"\n\n'
        '[[expected]]\nrequirement = "LIST-DEFAULTS"\nreason = "passes: listed for removal"\n\n'
        '[[expected]]\nrequirement = "CREATE-201"\nreason = "old"\nexpires = 2000-01-31\n',
        encoding="utf-8",
    )
    return run_conformance("--fault", f"{FAULT},create-200", *FAST, "--expect", str(expectations), workdir=folder)


@pytest.fixture(scope="module")
def shard_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """A shard of a faulty run: its tests keep their whole evidence for the merge."""
    return run_conformance("--fault", FAULT, *FAST, "--shard", "1/2", workdir=tmp_path_factory.mktemp("shard-run"))


@pytest.fixture(scope="module")
def whole_run(fast_run: Callable[..., RunResult]) -> RunResult:
    return fast_run("--fault", FAULT)


@pytest.mark.wholerun
@pytest.mark.parametrize("run", ["gated_run", "shard_run", "whole_run"])
def test_a_real_report_reads_and_writes_back_unchanged(run: str, request: pytest.FixtureRequest) -> None:
    result: RunResult = request.getfixturevalue(run)
    data = result.summary
    report = load_report(result.report_dir / "conformance.json")
    assert report.to_json() == data
    assert {requirement.id for requirement in report.failed()} == result.failed()
    assert report.keeps_evidence is (run == "shard_run")
    if run == "shard_run":
        assert any("evidence" in test for test in data["tests"]), "expected a shard's tests to keep their evidence"


def parts(data: dict[str, Any]) -> dict[type, list[dict[str, Any]]]:
    """Every JSON object of a report, by the type that reads it."""
    failures = [failure for entry in data["requirements"] for failure in entry["failures"]]
    violations = [violation for failure in failures for violation in failure["violations"]]
    exchanges = [violation["exchange"] for violation in violations if violation["exchange"]]
    gate = data["gate"]
    return {
        Message: [exchange[side] for exchange in exchanges for side in ("request", "response") if exchange[side]],
        Exchange: exchanges,
        Violation: violations,
        Failure: failures,
        TestOutcome: data["tests"],
        Gate: [gate],
        Regression: gate["unexpected_failures"],
        ExpectationRow: gate["expected"] + gate["unexpected_passes"] + gate["expired"],
        OperationCount: data["operations"],
    }


def test_each_type_reads_and_writes_back_its_part_of_a_real_report(gated_run: RunResult, shard_run: RunResult) -> None:
    data = gated_run.summary
    found = parts(data)
    found[TestOutcome] = shard_run.summary["tests"]
    found[Violation] += [
        v for test in shard_run.summary["tests"] for v in test.get("evidence", {}).get("violations", [])
    ]
    for kind, objects in found.items():
        assert objects, f"expected the report to have a {kind.__name__}"
        for part in objects:
            if kind is TestOutcome:
                written = TestOutcome.from_json(part).to_json(evidence=True)
            else:
                written = kind.from_json(part).to_json()  # type: ignore[attr-defined]
            assert written == part, f"{kind.__name__}: expected {part}, received {written}"
    sections = {section.key: section for section in load_report(gated_run.report_dir / "conformance.json").sections}
    for entry in data["requirements"]:
        assert RequirementResult.from_json(entry, sections).to_json() == entry


def test_a_report_written_before_the_gate_notes_and_messages_still_loads(whole_run: RunResult, tmp_path: Path) -> None:
    data = copy.deepcopy(whole_run.summary)
    for key in ("gate", "warnings"):
        del data[key]
    for entry in data["requirements"]:
        del entry["note"], entry["ran"]
        for failure in entry["failures"]:
            for violation in failure["violations"]:
                if violation["exchange"]:
                    violation["exchange"] = {
                        key: violation["exchange"][key] for key in ("method", "url", "status", "curl")
                    }
    old = tmp_path / "conformance.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    report = load_report(old)
    assert report.gate is None
    assert {result.id for result in report.failed()} == whole_run.failed()
    evidence = [v.exchange for result in report.failed() for f in result.failures for v in f.violations if v.exchange]
    assert evidence
    assert all(exchange.response is None and exchange.reason == "" for exchange in evidence)


def test_not_run_is_one_outcome_and_one_status(whole_run: RunResult) -> None:
    """conformance.json spells a test not run `skipped` and a requirement none of whose tests ran `not-run`."""
    report = RunReport.from_json(whole_run.summary)
    not_run = [test for test in report.tests if test.outcome is Outcome.NOT_RUN]
    assert not_run, "expected the fault to keep tests from running"
    assert {test["outcome"] for test in whole_run.summary["tests"] if test["nodeid"] == not_run[0].nodeid} == {
        "skipped"
    }
    assert Status.NOT_RUN.value == "not-run"
    assert not Status.NOT_RUN.judged
    assert Status.FAILED.judged


def test_a_fault_run_reads_and_writes_back_unchanged(whole_run: RunResult) -> None:
    report = load_report(whole_run.report_dir / "conformance.json")
    run = judge_fault(FAULT, "a fault", ["VALID-422"], report, 1.5)
    assert FaultRun.from_json(run.to_json()) == run
    assert run.to_json()["outcome"] == "detected"
    assert run.to_json()["level"] == "MUST"
