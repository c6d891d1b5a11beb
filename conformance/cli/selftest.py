"""`conformance selftest`: the suites against the clean reference app and against every known fault.

A fault counts as detected only for the right reason: the run fails (at --level should, so SHOULD
faults count too), at least one failed requirement is one that the fault violates, and every contract
assertion the fault is mapped to (target_app/faults/assertions.py) failed: the map is proved, not claimed.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.cli.runner import pytest_arguments, run_pytest
from conformance.contract.catalog import Level, load_catalog
from conformance.reports.assertions import failed_assertions
from conformance.verdict.judging import ExitCode, Status, Verdict

RUN_TIMEOUT = 600
"""Seconds one fault's run may take (the plugin's --run-timeout): a hung run is an error, not a hang."""
CLEAN = "(clean)"


@dataclass
class FaultRun:
    fault: str
    description: str
    violates: list[str]
    level: str
    verdict: str
    exit_code: int
    failed: list[str]
    seconds: float
    requests: int
    outcome: str
    """`detected`, `wrong-reason` (failed, but not for what the fault breaks), `wrong-assertion` (failed a
    requirement it violates, but not every assertion it is mapped to), `missed`, or `error`."""
    breaks: list[str] = field(default_factory=list)
    """The assertions the fault is mapped to."""
    missed_assertions: list[str] = field(default_factory=list)
    """Of those, the ones the run did not fail."""


def fault_level(violates: list[str]) -> Level:
    catalog = load_catalog()
    return Level.MUST if any(catalog[rid].level is Level.MUST for rid in violates) else Level.SHOULD


def run_one(name: str, max_examples: int, root: Path) -> tuple[str, float]:
    """One self-test run in this (pool) process, its pytest output in ROOT/NAME/pytest.log. A pool process
    runs several faults one after another: imports and contract loading are paid once per process."""
    report_dir = root / name.strip("()")
    report_dir.mkdir(parents=True, exist_ok=True)
    options = {
        # Gate on SHOULD, so SHOULD faults count too.
        "level": "should",
        "max_examples": max_examples,
        "report_dir": str(report_dir),
        "run_timeout": RUN_TIMEOUT,
        "fault": None if name == CLEAN else name,
    }
    started = time.perf_counter()
    with (report_dir / "pytest.log").open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        run_pytest(pytest_arguments(options))
    return name, round(time.perf_counter() - started, 2)


def _summary_of(root: Path, name: str) -> dict[str, Any] | None:
    path = root / name.strip("()") / "conformance.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def judge_fault(
    fault: str,
    description: str,
    violates: list[str],
    summary: dict[str, Any] | None,
    seconds: float,
    breaks: list[str] | None = None,
) -> FaultRun:
    level = fault_level(violates).value if violates else "-"
    if summary is None:
        return FaultRun(
            fault, description, violates, level, "error", int(ExitCode.COULD_NOT_JUDGE), [], seconds, 0, "error"
        )
    failed = [entry["id"] for entry in summary["requirements"] if Status(entry["status"]) is Status.FAILED]
    missed_assertions = sorted(set(breaks or ()) - failed_assertions(summary))
    if fault == CLEAN:
        outcome = "clean" if Verdict(summary["verdict"]) is Verdict.FULLY_CONFORMANT else "false-alarm"
    elif summary["exit_code"] == ExitCode.COULD_NOT_JUDGE:
        outcome = "error"
    elif summary["exit_code"] == ExitCode.NON_CONFORMANT:
        right = set(failed) & set(violates)
        outcome = "wrong-reason" if not right else "wrong-assertion" if missed_assertions else "detected"
    else:
        outcome = "missed"
    return FaultRun(
        fault,
        description,
        violates,
        level,
        summary["verdict"],
        summary["exit_code"],
        failed,
        seconds,
        summary["manifest"]["requests"],
        outcome,
        list(breaks or ()),
        missed_assertions,
    )


def run_selftest(faults: list[str], max_examples: int, jobs: int) -> list[FaultRun]:
    from target_app.faults import FAULTS
    from target_app.faults.assertions import BREAKS

    names = [CLEAN, *faults]
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="conformance-selftest-") as folder:
        root = Path(folder)
        # Spawned, not forked: each run installs signal handlers and pytest state of its own.
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_one, name, max_examples, root) for name in names]
            for future in futures:
                try:
                    name, seconds = future.result()
                except BrokenProcessPool:
                    continue  # a run that killed its process has no summary: judged as an error below
                timings[name] = seconds
        results = []
        for name in names:
            known = FAULTS.get(name)
            description = known.description if known else "the reference app as published"
            violates = list(known.violates) if known else []
            summary, seconds = _summary_of(root, name), timings.get(name, 0.0)
            results.append(judge_fault(name, description, violates, summary, seconds, list(BREAKS.get(name, ()))))
    return results


def scores(results: list[FaultRun]) -> dict[str, Any]:
    faults = [run for run in results if run.fault != CLEAN]
    by_level = {}
    for level in Level:
        chosen = [run for run in faults if run.level == level.value]
        detected = sum(run.outcome == "detected" for run in chosen)
        by_level[level.value] = {
            "faults": len(chosen),
            "detected": detected,
            "score": round(detected / len(chosen), 4) if chosen else None,
        }
    detected = sum(run.outcome == "detected" for run in faults)
    return {
        "faults": len(faults),
        "detected": detected,
        "score": round(detected / len(faults), 4) if faults else None,
        "by_level": by_level,
        "clean_is_fully_conformant": any(run.fault == CLEAN and run.outcome == "clean" for run in results),
    }


def selftest_passed(summary: dict[str, Any]) -> bool:
    return summary["clean_is_fully_conformant"] and summary["detected"] == summary["faults"]


def to_dict(results: list[FaultRun], max_examples: int, jobs: int, seconds: float, started: float) -> dict[str, Any]:
    summary = scores(results)
    return {
        "format": "items-conformance-selftest/1",
        "passed": selftest_passed(summary),
        "summary": summary,
        "max_examples": max_examples,
        "jobs": jobs,
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "duration_s": round(seconds, 1),
        "runs": [asdict(run) for run in results],
    }


def print_matrix(data: dict[str, Any]) -> None:
    width = max(len(run["fault"]) for run in data["runs"])
    print(f"{'fault':<{width}}  level   outcome       time  failed requirements (violated: *)")
    for run in data["runs"]:
        failed = ", ".join(f"{rid}*" if rid in run["violates"] else rid for rid in run["failed"]) or "-"
        print(f"{run['fault']:<{width}}  {run['level']:<6}  {run['outcome']:<12} {run['seconds']:5.1f}s  {failed}")
        if run.get("missed_assertions"):
            print(f"{'':<{width}}  mapped to, but not failed: {', '.join(run['missed_assertions'])}")
    summary = data["summary"]
    must, should = summary["by_level"]["MUST"], summary["by_level"]["SHOULD"]
    print(
        f"\nfaults: {summary['faults']}, detected for the right reason: {summary['detected']} "
        f"(MUST {must['detected']}/{must['faults']}, SHOULD {should['detected']}/{should['faults']}), "
        f"score {summary['score']:.0%}; clean reference fully conformant: {summary['clean_is_fully_conformant']}; "
        f"{data['duration_s']} s with {data['jobs']} jobs"
    )


def main(faults: list[str] | None, max_examples: int, jobs: int | None, report_dir: str) -> int:
    from conformance.reports.html import write_selftest_report
    from target_app.faults import FAULTS

    unknown = sorted(set(faults or []) - set(FAULTS))
    if unknown:
        print(f"conformance: unknown fault(s) {', '.join(unknown)}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    jobs = jobs or os.cpu_count() or 1
    started = time.time()
    results = run_selftest(faults or sorted(FAULTS), max_examples, jobs)
    data = to_dict(results, max_examples, jobs, time.time() - started, started)
    print_matrix(data)
    reports = Path(report_dir)
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "selftest.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    write_selftest_report(data, reports / "selftest.html")
    print(f"reports: {reports.resolve() / 'selftest.html'}")
    if any(run["outcome"] == "error" for run in data["runs"]):
        return int(ExitCode.COULD_NOT_JUDGE)
    return int(ExitCode.CONFORMANT if data["passed"] else ExitCode.NON_CONFORMANT)
