"""The suites against the reference implementation: it passes every requirement, in-process and over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import RunResult, run_conformance
from tests.servers import hostile
from tests.servers.running import REFERENCE_TOKEN, Server


def test_the_reference_in_process_is_fully_conformant(reference_run: RunResult) -> None:
    assert reference_run.exit_code == 0, reference_run.output[-3000:]
    summary = reference_run.summary
    assert summary["verdict"] == "fully-conformant"
    assert {status for status in reference_run.statuses().values()} == {"passed"}
    assert summary["counts"]["tests"]["failed"] == summary["counts"]["tests"]["error"] == 0
    assert summary["leftovers"] == []
    assert summary["manifest"]["target"] == "reference app, in-process"


def test_every_requirement_is_judged_by_at_least_one_test(reference_run: RunResult) -> None:
    unjudged = {entry["id"] for entry in reference_run.summary["requirements"] if not entry["tests"]}
    assert unjudged == set(), f"requirements no suite test cites: {sorted(unjudged)}"


def test_the_console_ends_with_the_verdict_and_where_the_reports_are(reference_run: RunResult) -> None:
    assert "verdict: FULLY CONFORMANT (exit 0)" in reference_run.output
    assert f"reports: {reference_run.report_dir}" in reference_run.output


@pytest.mark.wholerun
def test_the_served_reference_is_fully_conformant_over_loopback(reference_server: Server, tmp_path: Path) -> None:
    result = run_conformance("--base-url", reference_server.url, "--token", REFERENCE_TOKEN, workdir=tmp_path)
    assert result.exit_code == 0, result.output[-3000:]
    assert result.summary["verdict"] == "fully-conformant"
    assert result.summary["manifest"]["requests"] > 500
    assert REFERENCE_TOKEN not in result.everything_written()
    # Everything the run created was deleted again.
    assert httpx.get(f"{reference_server.url}/items", timeout=5).json()["total"] == 0


@pytest.mark.multirun
def test_parallel_workers_in_process_give_the_same_verdict(reference_run: RunResult, tmp_path: Path) -> None:
    parallel = run_conformance("-n", "2", workdir=tmp_path)
    assert parallel.exit_code == reference_run.exit_code == 0, parallel.output[-3000:]
    assert parallel.statuses() == reference_run.statuses()
    assert parallel.summary["manifest"]["workers"] == 2
    assert parallel.summary["leftovers"] == []


@pytest.mark.wholerun
def test_read_only_sends_no_write_and_claims_only_what_reads_show(tmp_path: Path) -> None:
    record = tmp_path / "requests.log"
    with hostile.running("pass", "t", "--record", str(record)) as server:
        result = run_conformance(
            "--base-url", server.url, "--read-only", workdir=tmp_path, env={"CONFORMANCE_TOKEN": ""}
        )
    methods = {line.split(" ", 1)[0] for line in record.read_text(encoding="utf-8").splitlines()}
    assert methods == {"GET"}, f"a read-only run sent {methods - {'GET'}}"
    assert result.exit_code == 0, result.output[-3000:]
    statuses = result.statuses()
    assert result.summary["verdict"] == "conformant"
    assert statuses["LIST-PARAMS-400"] == statuses["GEN-404"] == statuses["AUTH-READ-OPEN"] == "passed"
    assert statuses["CREATE-201"] == statuses["DELETE-GONE"] == "not-run"


@pytest.mark.multirun
def test_four_workers_over_http_give_the_serial_verdict_and_leave_nothing(
    reference_server: Server, reference_run: RunResult, tmp_path: Path
) -> None:
    for attempt in range(2):
        workdir = tmp_path / str(attempt)
        workdir.mkdir()
        result = run_conformance(
            "--base-url", reference_server.url, "--token", REFERENCE_TOKEN, "-n", "4", workdir=workdir
        )
        assert result.exit_code == 0, result.output[-3000:]
        assert result.statuses() == reference_run.statuses()
        assert result.summary["leftovers"] == []
    assert httpx.get(f"{reference_server.url}/items", timeout=5).json()["total"] == 0
