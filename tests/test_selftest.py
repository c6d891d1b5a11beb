"""The suites prove themselves: every fault of the catalogue is detected for the right reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from litestar.testing import TestClient

from conformance.cli.selftest import CLEAN, FaultOutcome, FaultRun, judge_fault, scores
from conformance.contract.catalog import Level, load_catalog
from conformance.reports.model import RunReport
from conformance.verdict.judging import ExitCode, RequirementResult, Status, Verdict
from target_app import create_app
from target_app.faults import FAULTS
from tests.servers.running import free_port, serve

pytestmark = pytest.mark.selftest

CATALOG = load_catalog()


def test_the_catalogue_has_at_least_30_faults_naming_real_requirements() -> None:
    assert len(FAULTS) >= 30
    for fault in FAULTS.values():
        assert fault.violates, fault.name
        assert set(fault.violates) <= set(CATALOG.ids), fault.name
        assert fault.description, fault.name


def test_every_must_and_should_requirement_is_violated_by_some_fault() -> None:
    violated = {rid for fault in FAULTS.values() for rid in fault.violates}
    assert set(CATALOG.ids) - violated == set()


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_every_fault_builds_an_app_that_answers(name: str) -> None:
    with TestClient(create_app(tokens=["t"], faults=[name]), raise_server_exceptions=False) as client:
        assert client.get("/items").status_code < 600


def test_an_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault 'no-such-fault'"):
        create_app(tokens=["t"], faults=["no-such-fault"])


def test_the_served_app_takes_a_fault_and_says_so() -> None:
    port = free_port()
    command = [sys.executable, "-m", "target_app", "--port", str(port), "--token", "t", "--fault", "create-200"]
    with serve(command, port) as server:
        import httpx

        created = httpx.post(
            f"{server.url}/items", json={"name": "n", "price": 1}, headers={"Authorization": "Bearer t"}, timeout=5
        )
        server.process.terminate()
        output, _ = server.process.communicate(timeout=10)
    assert created.status_code == 200
    assert "FAULTS SWITCHED ON: create-200" in output


def summary_with(failed: list[str], exit_code: int, verdict: str = "non-conformant") -> RunReport:
    results = [
        RequirementResult(requirement, Status.FAILED if requirement.id in failed else Status.PASSED, [], [])
        for requirement in CATALOG.requirements
    ]
    return RunReport(
        Verdict(verdict), ExitCode(exit_code), "", "t", list(CATALOG.sections), results, [], [], [], {"requests": 1}
    )


def test_a_fault_is_detected_only_for_the_right_reason() -> None:
    right = judge_fault("f", "", ["LIST-WINDOW"], summary_with(["LIST-WINDOW", "LIST-TOTAL"], 1), 1.0)
    wrong = judge_fault("f", "", ["LIST-WINDOW"], summary_with(["LIST-TOTAL"], 1), 1.0)
    missed = judge_fault("f", "", ["LIST-WINDOW"], summary_with([], 0, "fully-conformant"), 1.0)
    broken = judge_fault("f", "", ["LIST-WINDOW"], None, 1.0)
    assert [run.outcome for run in (right, wrong, missed, broken)] == ["detected", "wrong-reason", "missed", "error"]


def test_the_oracle_alone_is_judged_by_requirement_and_its_clean_run_by_the_exit_code() -> None:
    mapped = ["LIST-WINDOW.limit-and-offset"]
    oracle_failed = summary_with(["LIST-WINDOW"], 1)  # the requirement, but none of the hand-written assertions
    whole = judge_fault("f", "", ["LIST-WINDOW"], oracle_failed, 1.0, mapped)
    alone = judge_fault("f", "", ["LIST-WINDOW"], oracle_failed, 1.0, mapped, oracle_alone=True)
    assert (whole.outcome, alone.outcome) == ("wrong-assertion", "detected")
    conformant = summary_with([], 0, "conformant")
    assert judge_fault(CLEAN, "", [], conformant, 1.0).outcome == "false-alarm"
    assert judge_fault(CLEAN, "", [], conformant, 1.0, oracle_alone=True).outcome == "clean"


def test_oracle_alone_reports_what_the_oracle_finds_by_itself(tmp_path: Path) -> None:
    faults = ["list-total-zero-during-writes", "create-200", "read-missing-400"]
    command = [sys.executable, "-m", "conformance", "selftest", "--oracle-alone", "-j", "2", "--report-dir"]
    arguments = [*command, str(tmp_path), *(argument for fault in faults for argument in ("--fault", fault))]
    completed = subprocess.run(arguments, capture_output=True, text=True, timeout=900, check=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-2000:]
    data = json.loads((tmp_path / "selftest.json").read_text(encoding="utf-8"))
    assert data["suites"] == "the oracle alone"
    outcomes = {run["fault"]: run["outcome"] for run in data["runs"]}
    # A burst-only fault only the oracle finds; a 200 for a create any history shows; an absent id that cannot be
    # proved absent leaves the oracle unable to run, which is said, and does not fail the measurement.
    assert outcomes == {
        CLEAN: "clean",
        "list-total-zero-during-writes": "detected",
        "create-200": "detected",
        "read-missing-400": "error",
    }


def test_scores_count_must_and_should_faults_apart() -> None:
    def run(name: str, level: Level | None, outcome: FaultOutcome) -> FaultRun:
        return FaultRun(name, "", ["X"], level, Verdict.ERROR, ExitCode.NON_CONFORMANT, [], 1.0, 1, outcome)

    summary = scores(
        [
            run(CLEAN, None, FaultOutcome.CLEAN),
            run("a", Level.MUST, FaultOutcome.DETECTED),
            run("b", Level.MUST, FaultOutcome.MISSED),
            run("c", Level.SHOULD, FaultOutcome.DETECTED),
        ]
    )
    assert summary["by_level"][Level.MUST.value] == {"faults": 2, "detected": 1, "score": 0.5}
    assert summary["by_level"][Level.SHOULD.value] == {"faults": 1, "detected": 1, "score": 1.0}
    assert summary["clean_is_fully_conformant"] is True


def test_selftest_detects_every_fault_for_the_right_reason(tmp_path: Path) -> None:
    """The gate: the clean app is fully conformant and every fault, MUST and SHOULD, is detected."""
    completed = subprocess.run(
        [sys.executable, "-m", "conformance", "selftest", "--report-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=3600,  # ~80 runs of the suites, two at a time, beside the other tests of a parallel session
        check=False,
        cwd=tmp_path,
    )
    data = json.loads((tmp_path / "selftest.json").read_text(encoding="utf-8"))
    not_detected = {
        run["fault"]: (run["outcome"], run["failed"])
        for run in data["runs"]
        if run["outcome"] not in ("detected", "clean")
    }
    assert not_detected == {}, completed.stdout[-4000:]
    assert completed.returncode == 0
    assert data["summary"]["clean_is_fully_conformant"]
    assert data["summary"]["detected"] == data["summary"]["faults"] == len(FAULTS)
    html = (tmp_path / "selftest.html").read_text(encoding="utf-8")
    assert f"{len(FAULTS)} of {len(FAULTS)} faults detected" in html
    assert all(f"<code>{name}</code>" in html for name in FAULTS)
