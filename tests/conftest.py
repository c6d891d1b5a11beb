"""Helpers for running `conformance run` the way a user does: a subprocess, its exit code, its reports."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from conformance.pytest.collection import declare_markers
from conformance.reports.markdown import STEP_SUMMARY_ENV
from conformance.verdict.judging import Status

RUN_TIMEOUT = 300


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    output: str
    report_dir: Path

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.report_dir / "conformance.json").read_text(encoding="utf-8"))

    def statuses(self) -> dict[str, Status]:
        return {entry["id"]: Status(entry["status"]) for entry in self.summary["requirements"]}

    def failed(self) -> set[str]:
        return {rid for rid, status in self.statuses().items() if status is Status.FAILED}

    def everything_written(self) -> str:
        """Console output and every report file, for searching for what must never appear."""
        files = [
            path.read_text(encoding="utf-8", errors="replace") for path in self.report_dir.rglob("*") if path.is_file()
        ]
        return "\n".join([self.output, *files])


def conformance(
    *args: str, workdir: Path, env: dict[str, str] | None = None, timeout: float = RUN_TIMEOUT
) -> tuple[int, str]:
    """`python -m conformance ARGS` from `workdir`: its exit code and its output (stdout, then stderr).
    A job summary of the machine running the tests is never written to, only one a test names."""
    inherited = {name: value for name, value in os.environ.items() if name != STEP_SUMMARY_ENV}
    completed = subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**inherited, **(env or {})},
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


def run_conformance(
    *args: str, workdir: Path, env: dict[str, str] | None = None, timeout: float = RUN_TIMEOUT
) -> RunResult:
    """`python -m conformance run ARGS` from `workdir`, as a user runs it; reports go to workdir/reports."""
    reports = workdir / "reports"
    code, output = conformance("run", "--report-dir", str(reports), *args, workdir=workdir, env=env, timeout=timeout)
    return RunResult(code, output, reports)


def shared_run(tmp_path_factory: pytest.TempPathFactory, *args: str) -> RunResult:
    """`conformance run ARGS`, made once per test session however many xdist workers ask for it: the first one
    runs it, under a lock, and leaves its exit code and output beside the reports for the others to read. The
    tests that share a run only read its reports."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return run_conformance(*args, workdir=tmp_path_factory.mktemp("run"))
    # The workers' temporary folders share this session's parent, and only this session's.
    key = hashlib.sha256("\0".join(args).encode()).hexdigest()[:16]
    workdir = tmp_path_factory.getbasetemp().parent / "shared-runs" / key
    workdir.mkdir(parents=True, exist_ok=True)
    record = workdir / "run.json"
    with FileLock(workdir.with_suffix(".lock")):
        if record.exists():
            saved = json.loads(record.read_text(encoding="utf-8"))
            return RunResult(saved["exit_code"], saved["output"], workdir / "reports")
        result = run_conformance(*args, workdir=workdir)
        record.write_text(json.dumps({"exit_code": result.exit_code, "output": result.output}), encoding="utf-8")
        return result


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """One default run against the in-process reference, shared by the tests that judge it."""
    return shared_run(tmp_path_factory)


FAST = ("--max-examples", "5")
"""Few generated cases: enough for runs whose point is a fault the hand-written tests catch."""


@pytest.fixture(scope="session")
def fast_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., RunResult]:
    """`fast_run(*args)`: a run with these options and few generated cases, made once per session and shared
    (runs with faults give real non-conformant reports)."""
    made: dict[tuple[str, ...], RunResult] = {}

    def run(*args: str) -> RunResult:
        if args not in made:
            made[args] = shared_run(tmp_path_factory, *args, *FAST)
        return made[args]

    return run


def pytest_configure(config: pytest.Config) -> None:
    # The project's tests read the suites' case tables, whose markers the conformance plugin declares.
    declare_markers(config)
