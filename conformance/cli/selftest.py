"""`conformance selftest`: the suites against the clean reference app and against every known fault.

A fault counts as detected only for the right reason: the run fails (at --level should, so SHOULD
faults count too), at least one failed requirement is one that the fault violates, and every contract
assertion the fault is mapped to (target_app/faults/assertions.py) failed: the map is proved, not claimed.

With `--oracle-alone` each run holds only the oracle (suites/test_oracle.py): a fault counts as detected when it
fails a requirement the fault violates (the assertion map names the hand-written tests' assertions, so it is not
asked for), and the self-test passes when the clean reference shows no divergence: which faults the oracle alone
finds is a measurement, not a gate.
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
from enum import StrEnum
from pathlib import Path
from typing import Any

from conformance.cli.runner import SUITES_DIR, pytest_arguments, run_pytest
from conformance.contract.catalog import Level, load_catalog
from conformance.reports.files import REPORT_NAME, ReportError, load_report
from conformance.reports.model import RunReport
from conformance.verdict.judging import ExitCode, Verdict

RUN_TIMEOUT = 600
"""Seconds one fault's run may take (the plugin's --run-timeout): a hung run is an error, not a hang."""
CLEAN = "(clean)"
ORACLE = SUITES_DIR / "test_oracle.py"


class FaultOutcome(StrEnum):
    DETECTED = "detected"
    WRONG_REASON = "wrong-reason"
    """Failed, but not for what the fault breaks."""
    WRONG_ASSERTION = "wrong-assertion"
    """Failed a requirement it violates, but not every assertion it is mapped to."""
    MISSED = "missed"
    ERROR = "error"
    """The run could not judge, or wrote no report."""
    CLEAN = "clean"
    """The clean reference app, fully conformant."""
    FALSE_ALARM = "false-alarm"
    """The clean reference app, not fully conformant."""


NO_LEVEL = "-"
"""selftest.json's level of a run that violates nothing (the clean app)."""


@dataclass
class FaultRun:
    fault: str
    description: str
    violates: list[str]
    level: Level | None
    verdict: Verdict
    exit_code: ExitCode
    failed: list[str]
    seconds: float
    requests: int
    outcome: FaultOutcome
    breaks: list[str] = field(default_factory=list)
    """The assertions the fault is mapped to."""
    missed_assertions: list[str] = field(default_factory=list)
    """Of those, the ones the run did not fail."""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {**data, "level": self.level.value if self.level else NO_LEVEL, "exit_code": int(self.exit_code)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRun:
        level = None if data["level"] == NO_LEVEL else Level(data["level"])
        values = {**data, "level": level, "verdict": Verdict(data["verdict"]), "exit_code": ExitCode(data["exit_code"])}
        return cls(**{**values, "outcome": FaultOutcome(data["outcome"])})


def fault_level(violates: list[str]) -> Level:
    catalog = load_catalog()
    return Level.MUST if any(catalog[rid].level is Level.MUST for rid in violates) else Level.SHOULD


def run_one(name: str, max_examples: int, root: Path, oracle_alone: bool = False) -> tuple[str, float]:
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
        run_pytest(pytest_arguments(options, modules=[ORACLE] if oracle_alone else ()))
    return name, round(time.perf_counter() - started, 2)


def _report_of(root: Path, name: str) -> RunReport | None:
    path = root / name.strip("()") / REPORT_NAME
    try:
        return load_report(path) if path.exists() else None
    except ReportError:
        return None


def judge_fault(
    fault: str,
    description: str,
    violates: list[str],
    report: RunReport | None,
    seconds: float,
    breaks: list[str] | None = None,
    oracle_alone: bool = False,
) -> FaultRun:
    level = fault_level(violates) if violates else None
    if report is None:
        error = FaultOutcome.ERROR
        return FaultRun(
            fault, description, violates, level, Verdict.ERROR, ExitCode.COULD_NOT_JUDGE, [], seconds, 0, error
        )
    failed = [result.id for result in report.failed()]
    missed_assertions = [] if oracle_alone else sorted(set(breaks or ()) - report.failed_assertions())
    if fault == CLEAN:
        # The oracle alone leaves most requirements unexercised: conformant is all a clean run of it can be.
        clean = report.exit_code is ExitCode.CONFORMANT if oracle_alone else report.verdict is Verdict.FULLY_CONFORMANT
        outcome = FaultOutcome.CLEAN if clean else FaultOutcome.FALSE_ALARM
    elif report.exit_code is ExitCode.COULD_NOT_JUDGE:
        outcome = FaultOutcome.ERROR
    elif report.exit_code is ExitCode.NON_CONFORMANT:
        right = set(failed) & set(violates)
        outcome = (
            FaultOutcome.WRONG_REASON
            if not right
            else FaultOutcome.WRONG_ASSERTION
            if missed_assertions
            else FaultOutcome.DETECTED
        )
    else:
        outcome = FaultOutcome.MISSED
    requests = report.manifest["requests"]
    return FaultRun(
        fault,
        description,
        violates,
        level,
        report.verdict,
        report.exit_code,
        failed,
        seconds,
        requests,
        outcome,
        list(breaks or ()),
        missed_assertions,
    )


def run_selftest(faults: list[str], max_examples: int, jobs: int, oracle_alone: bool = False) -> list[FaultRun]:
    from target_app.faults import FAULTS
    from target_app.faults.assertions import BREAKS

    names = [CLEAN, *faults]
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="conformance-selftest-") as folder:
        root = Path(folder)
        # Spawned, not forked: each run installs signal handlers and pytest state of its own.
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_one, name, max_examples, root, oracle_alone) for name in names]
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
            report, seconds = _report_of(root, name), timings.get(name, 0.0)
            breaks = list(BREAKS.get(name, ()))
            results.append(judge_fault(name, description, violates, report, seconds, breaks, oracle_alone))
    return results


def scores(results: list[FaultRun]) -> dict[str, Any]:
    faults = [run for run in results if run.fault != CLEAN]
    by_level = {}
    for level in Level:
        chosen = [run for run in faults if run.level is level]
        detected = sum(run.outcome is FaultOutcome.DETECTED for run in chosen)
        by_level[level.value] = {
            "faults": len(chosen),
            "detected": detected,
            "score": round(detected / len(chosen), 4) if chosen else None,
        }
    detected = sum(run.outcome is FaultOutcome.DETECTED for run in faults)
    return {
        "faults": len(faults),
        "detected": detected,
        "score": round(detected / len(faults), 4) if faults else None,
        "by_level": by_level,
        "clean_is_fully_conformant": any(run.fault == CLEAN and run.outcome is FaultOutcome.CLEAN for run in results),
    }


def selftest_passed(summary: dict[str, Any], oracle_alone: bool = False) -> bool:
    return summary["clean_is_fully_conformant"] and (oracle_alone or summary["detected"] == summary["faults"])


def to_dict(
    results: list[FaultRun], max_examples: int, jobs: int, seconds: float, started: float, oracle_alone: bool = False
) -> dict[str, Any]:
    summary = scores(results)
    return {
        "format": "items-conformance-selftest/1",
        "suites": "the oracle alone" if oracle_alone else "all",
        "passed": selftest_passed(summary, oracle_alone),
        "summary": summary,
        "max_examples": max_examples,
        "jobs": jobs,
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "duration_s": round(seconds, 1),
        "runs": [run.to_json() for run in results],
    }


def print_matrix(results: list[FaultRun], data: dict[str, Any]) -> None:
    print(f"suites: {data['suites']}")
    width = max(len(run.fault) for run in results)
    print(f"{'fault':<{width}}  level   outcome       time  failed requirements (violated: *)")
    for run in results:
        failed = ", ".join(f"{rid}*" if rid in run.violates else rid for rid in run.failed) or "-"
        level = run.level.value if run.level else NO_LEVEL
        print(f"{run.fault:<{width}}  {level:<6}  {run.outcome:<12} {run.seconds:5.1f}s  {failed}")
        if run.missed_assertions:
            print(f"{'':<{width}}  mapped to, but not failed: {', '.join(run.missed_assertions)}")
    summary = data["summary"]
    must, should = summary["by_level"]["MUST"], summary["by_level"]["SHOULD"]
    print(
        f"\nfaults: {summary['faults']}, detected for the right reason: {summary['detected']} "
        f"(MUST {must['detected']}/{must['faults']}, SHOULD {should['detected']}/{should['faults']}), "
        f"score {summary['score']:.0%}; clean reference fully conformant: {summary['clean_is_fully_conformant']}; "
        f"{data['duration_s']} s with {data['jobs']} jobs"
    )


def main(
    faults: list[str] | None, max_examples: int, jobs: int | None, report_dir: str, oracle_alone: bool = False
) -> int:
    from conformance.reports.html import write_selftest_report
    from target_app.faults import FAULTS

    unknown = sorted(set(faults or []) - set(FAULTS))
    if unknown:
        print(f"conformance: unknown fault(s) {', '.join(unknown)}", file=sys.stderr)
        return int(ExitCode.COULD_NOT_JUDGE)
    jobs = jobs or os.cpu_count() or 1
    started = time.time()
    results = run_selftest(faults or sorted(FAULTS), max_examples, jobs, oracle_alone)
    data = to_dict(results, max_examples, jobs, time.time() - started, started, oracle_alone)
    print_matrix(results, data)
    reports = Path(report_dir)
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "selftest.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    write_selftest_report(data, reports / "selftest.html")
    print(f"reports: {reports.resolve() / 'selftest.html'}")
    # The oracle alone cannot run on some faults (no id proved absent): a measurement, but its clean run must judge.
    if any(run.outcome is FaultOutcome.ERROR and (run.fault == CLEAN or not oracle_alone) for run in results):
        return int(ExitCode.COULD_NOT_JUDGE)
    return int(ExitCode.CONFORMANT if data["passed"] else ExitCode.NON_CONFORMANT)
