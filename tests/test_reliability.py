"""Whatever the target does, the run ends in bounded time with a clear verdict, leaks no token and
leaves no data behind that it could delete. Each case points the suite at a misbehaving server
(tests/servers/hostile.py) that the test starts on 127.0.0.1 and stops."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import RunResult, run_conformance
from tests.servers import hostile

pytestmark = pytest.mark.reliability

TOKEN = "Hostile-Token-77f0-never-printed"
QUICK = ("--max-examples", "5", "--request-timeout", "1")


def run_against(mode: str, tmp_path: Path, *extra: str) -> RunResult:
    with hostile.running(mode, TOKEN, *(["--delay", "2"] if mode == "slow" else [])) as server:
        return run_conformance("--base-url", server.url, "--token", TOKEN, *QUICK, *extra, workdir=tmp_path)


def start_run(url: str, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "conformance",
        "run",
        "--base-url",
        url,
        "--token",
        TOKEN,
        "--report-dir",
        str(tmp_path / "reports"),
        *extra,
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)


def wait_for_creates(record: Path, count: int) -> None:
    """Until the server has seen `count` creates, so that a run has something to clean up."""
    for _ in range(600):
        if record.exists() and record.read_text(encoding="utf-8").count("POST /items") >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"the run never created {count} items")


def summary_in(tmp_path: Path) -> dict[str, Any]:
    return json.loads((tmp_path / "reports" / "conformance.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("html", "with text/html: this is not the Items API"),
        ("redirect", "redirects (301 to"),
        ("slow", "cannot reach"),
    ],
)
def test_a_target_that_is_not_this_api_is_one_line_and_exit_2(mode: str, message: str, tmp_path: Path) -> None:
    result = run_against(mode, tmp_path)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output[-2000:]
    assert message in lines[0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://nonexistent.invalid", "cannot reach http://nonexistent.invalid"),
        ("https://127.0.0.1:{port}", "cannot reach https://127.0.0.1"),
    ],
    ids=["unknown-host", "tls-to-plain-http"],
)
def test_an_unknown_host_or_a_tls_error_is_one_line_and_exit_2(url: str, message: str, tmp_path: Path) -> None:
    with hostile.running("pass", TOKEN) as server:
        result = run_conformance(
            "--base-url", url.format(port=server.url.rsplit(":", 1)[1]), "--token", TOKEN, workdir=tmp_path, timeout=60
        )
    assert result.exit_code == 2
    assert message in result.output.strip()


def test_a_target_that_stops_answering_ends_the_run_as_could_not_judge(tmp_path: Path) -> None:
    result = run_against("hang", tmp_path)
    assert result.exit_code == 2, result.output[-3000:]
    assert result.summary["verdict"] == "error"
    assert "stopped answering: 5 requests in a row got no response" in result.summary["reason"]


@pytest.mark.parametrize(
    ("mode", "blamed"),
    [
        ("invalid-json", {"GEN-JSON"}),
        ("wrong-content-type", {"GEN-JSON"}),
        ("random-5xx", {"GEN-NO-5XX"}),
        ("reset", {"CREATE-201"}),
        ("huge-body", {"GEN-JSON"}),
    ],
)
def test_a_misbehaving_target_is_judged_with_evidence(mode: str, blamed: set[str], tmp_path: Path) -> None:
    result = run_against(mode, tmp_path)
    assert result.exit_code == 1, result.output[-3000:]
    assert blamed <= result.failed()
    assert "Traceback" not in result.output
    failures = [failure for entry in result.summary["requirements"] for failure in entry["failures"]]
    assert any(violation["exchange"] for failure in failures for violation in failure["violations"])
    assert (result.report_dir / "conformance.html").stat().st_size < 20_000_000
    assert TOKEN not in result.everything_written()


def test_closed_keep_alive_connections_are_not_blamed_on_the_target(tmp_path: Path) -> None:
    result = run_against("close-keep-alive", tmp_path)
    assert result.exit_code == 0, result.output[-3000:]


def test_an_echoed_authorization_header_is_redacted_everywhere(tmp_path: Path) -> None:
    result = run_against("echo-authorization", tmp_path)
    written = result.everything_written()
    assert TOKEN not in written
    assert "rejected credentials Bearer ***" in written


def test_the_whole_run_stops_at_its_timeout_and_still_reports(tmp_path: Path) -> None:
    with hostile.running("hang", TOKEN) as server:
        result = run_conformance(
            "--base-url",
            server.url,
            "--token",
            TOKEN,
            "--request-timeout",
            "30",
            "--run-timeout",
            "4",
            workdir=tmp_path,
            timeout=120,
        )
    assert result.exit_code == 2
    assert "exceeded --run-timeout (4 s)" in result.summary["reason"]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_cleans_up_and_reports(stop: signal.Signals, tmp_path: Path) -> None:
    record = tmp_path / "requests.log"
    with hostile.running("slow", TOKEN, "--delay", "0.05", "--record", str(record)) as server:
        run = start_run(server.url, tmp_path)
        wait_for_creates(record, 3)
        run.send_signal(stop)
        output, _ = run.communicate(timeout=120)
        left = httpx.get(f"{server.url}/items", params={"limit": 100}, timeout=10).json()
    summary = summary_in(tmp_path)
    assert run.returncode == 2, output[-3000:]
    assert summary["verdict"] == "error"
    assert f"signal {int(stop)}" in summary["reason"] or "interrupted" in summary["reason"]
    assert summary["manifest"]["items_created"] > 0
    assert left["total"] == len(summary["leftovers"]) == 0


def test_items_of_a_crashed_worker_are_cleaned_up_by_the_controller(tmp_path: Path) -> None:
    record = tmp_path / "requests.log"
    with hostile.running("slow", TOKEN, "--delay", "0.02", "--record", str(record)) as server:
        run = start_run(server.url, tmp_path, "-n", "2", "--max-examples", "5")
        wait_for_creates(record, 5)
        workers = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True, check=False)
        subprocess.run(["kill", "-KILL", workers.stdout.split()[0]], check=True)
        output, _ = run.communicate(timeout=300)
        left = httpx.get(f"{server.url}/items", params={"limit": 100}, timeout=10).json()
    summary = summary_in(tmp_path)
    assert left["total"] == 0, f"items left: {left['items']}"
    assert summary["leftovers"] == []
    # The test that was running on the dead worker counts as an error: the verdict cannot claim a pass.
    assert run.returncode == 2, output[-3000:]
    assert summary["counts"]["tests"]["error"] >= 1
