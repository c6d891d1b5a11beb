"""The suites catch realistic bugs, and blame the requirement each bug breaks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from target_app.faults import FAULTS
from tests.conftest import run_conformance
from tests.servers.running import free_port, serve

QUICK = ("--max-examples", "5")


@pytest.mark.parametrize(
    "fault",
    ["auth-any-token", "validation-400", "delete-keeps-item", "patch-resets-description", "list-total-counts-page"],
)
def test_a_faulty_reference_is_non_conformant_for_the_right_requirement(fault: str, tmp_path: Path) -> None:
    result = run_conformance("--fault", fault, *QUICK, workdir=tmp_path)
    violated = set(FAULTS[fault].violates)
    assert result.exit_code == 1, result.output[-3000:]
    assert result.summary["verdict"] == "non-conformant"
    assert violated <= result.failed(), f"{fault} breaks {violated}; the run failed {result.failed()}"
    failing_tests = [test for test in result.summary["tests"] if violated & set(test["failed_requirements"])]
    assert failing_tests
    assert all(test["message"] for test in failing_tests)


def test_litestar_defaults_fail_exactly_where_they_differ_from_the_contract(tmp_path: Path) -> None:
    """400 instead of 422, lax coercion, unknown members ignored, no problem details: nothing else."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "tests.servers.litestar_defaults:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with serve(command, port, env={"ITEMS_API_TOKENS": "defaults-token"}) as server:
        result = run_conformance("--base-url", server.url, "--token", "defaults-token", *QUICK, workdir=tmp_path)
    assert result.exit_code == 1, result.output[-3000:]
    assert result.failed() == {"VALID-422", "UPDATE-NULL-REQUIRED", "ERR-PROBLEM"}
    assert result.statuses()["VALID-FIELDS"] == "not-run"  # no 422 ever came back to judge
