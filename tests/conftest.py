"""Helpers for running `conformance run` the way a user does: a subprocess, its exit code, its reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

RUN_TIMEOUT = 300


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    output: str
    report_dir: Path

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.report_dir / "conformance.json").read_text(encoding="utf-8"))

    def statuses(self) -> dict[str, str]:
        return {entry["id"]: entry["status"] for entry in self.summary["requirements"]}

    def failed(self) -> set[str]:
        return {rid for rid, status in self.statuses().items() if status == "failed"}

    def everything_written(self) -> str:
        """Console output and every report file, for searching for what must never appear."""
        files = [
            path.read_text(encoding="utf-8", errors="replace") for path in self.report_dir.rglob("*") if path.is_file()
        ]
        return "\n".join([self.output, *files])


def run_conformance(
    *args: str, workdir: Path, env: dict[str, str] | None = None, timeout: float = RUN_TIMEOUT
) -> RunResult:
    """`python -m conformance run ARGS` from `workdir`, as a user runs it; reports go to workdir/reports."""
    reports = workdir / "reports"
    completed = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--report-dir", str(reports), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return RunResult(completed.returncode, completed.stdout + completed.stderr, reports)


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """One default run against the in-process reference, shared by the tests that judge it."""
    return run_conformance(workdir=tmp_path_factory.mktemp("reference-run"))
