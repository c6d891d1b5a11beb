"""Whatever the target does, the run ends in bounded time with a clear verdict, leaks no token and
leaves no data behind that it could delete. Each case points the suite at a misbehaving server
(tests/servers/hostile.py) that the test starts on 127.0.0.1 and stops."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import RunResult, run_conformance
from tests.servers.running import Server, free_port, serve

TOKEN = "Hostile-Token-77f0-never-printed"
QUICK = ("--max-examples", "5", "--request-timeout", "1")


def hostile(mode: str, *extra: str) -> Iterator[Server]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tests.servers.hostile",
        "--port",
        str(port),
        "--token",
        TOKEN,
        "--mode",
        mode,
        *extra,
    ]
    with serve(command, port) if mode not in ("html", "redirect", "slow") else serve_unprobed(command, port) as server:
        yield server


def serve_unprobed(command: list[str], port: int) -> Iterator[Server]:
    """For modes whose GET /items is itself the misbehaviour: wait for the port instead."""
    import contextlib
    import socket

    @contextlib.contextmanager
    def running() -> Iterator[Server]:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.1)
            yield Server(f"http://127.0.0.1:{port}", process)  # type: ignore[arg-type]
        finally:
            process.terminate()
            process.wait(timeout=10)

    return running()


def run_against(mode: str, tmp_path: Path, *extra: str) -> RunResult:
    for server in hostile(mode, *(["--delay", "2"] if mode == "slow" else [])):
        return run_conformance(
            "--base-url", server.url, "--token", TOKEN, *QUICK, *extra, workdir=tmp_path, timeout=300
        )
    raise AssertionError("unreachable")


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
    html_size = (result.report_dir / "conformance.html").stat().st_size
    assert html_size < 20_000_000
    assert TOKEN not in result.everything_written()


def test_closed_keep_alive_connections_are_not_blamed_on_the_target(tmp_path: Path) -> None:
    result = run_against("close-keep-alive", tmp_path)
    assert result.exit_code == 0, result.output[-3000:]


def test_an_echoed_authorization_header_is_redacted_everywhere(tmp_path: Path) -> None:
    result = run_against("echo-authorization", tmp_path)
    written = result.everything_written()
    assert TOKEN not in written
    assert "rejected credentials Bearer ***" in written or "rejected credentials" in written


def test_the_whole_run_stops_at_its_timeout_and_still_reports(tmp_path: Path) -> None:
    for server in hostile("hang"):
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
    for server in hostile("slow", "--delay", "0.05", "--record", str(record)):
        command = [
            sys.executable,
            "-m",
            "conformance",
            "run",
            "--base-url",
            server.url,
            "--token",
            TOKEN,
            "--report-dir",
            str(tmp_path / "reports"),
        ]
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
        # Interrupt once the run has created items, so that there is something to clean up.
        for _ in range(600):
            if record.exists() and record.read_text(encoding="utf-8").count("POST /items") >= 3:
                break
            time.sleep(0.1)
        run.send_signal(stop)
        output, _ = run.communicate(timeout=120)
        left = httpx.get(f"{server.url}/items", params={"limit": 100}, timeout=10).json()
    summary = json.loads((tmp_path / "reports" / "conformance.json").read_text(encoding="utf-8"))
    assert run.returncode == 2, output[-3000:]
    assert summary["verdict"] == "error"
    assert f"signal {int(stop)}" in summary["reason"] or "interrupted" in summary["reason"]
    assert summary["manifest"]["items_created"] > 0
    assert left["total"] == len(summary["leftovers"]) == 0


def test_items_of_a_crashed_worker_are_cleaned_up_by_the_controller(tmp_path: Path) -> None:
    record = tmp_path / "requests.log"
    for server in hostile("slow", "--delay", "0.02", "--record", str(record)):
        command = [
            sys.executable,
            "-m",
            "conformance",
            "run",
            "--base-url",
            server.url,
            "--token",
            TOKEN,
            "-n",
            "2",
            "--max-examples",
            "5",
            "--report-dir",
            str(tmp_path / "reports"),
        ]
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
        for _ in range(600):
            if record.exists() and record.read_text(encoding="utf-8").count("POST /items") >= 5:
                break
            time.sleep(0.1)
        workers = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True, check=False)
        victim = int(workers.stdout.split()[0])
        subprocess.run(["kill", "-KILL", str(victim)], check=True)
        output, _ = run.communicate(timeout=300)
        left = httpx.get(f"{server.url}/items", params={"limit": 100}, timeout=10).json()
    summary = json.loads((tmp_path / "reports" / "conformance.json").read_text(encoding="utf-8"))
    assert left["total"] == 0, f"items left: {left['items']}"
    assert summary["leftovers"] == []
    # The test that was running on the dead worker counts as an error: the verdict cannot claim a pass.
    assert run.returncode == 2, output[-3000:]
    assert summary["counts"]["tests"]["error"] >= 1
