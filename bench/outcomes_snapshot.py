"""Benchmark of behaviour: each test's outcome and each run's failed requirements, for the clean reference app
and for every fault in the catalogue, so that two versions of the code can be compared run by run.

    python bench/outcomes_snapshot.py snapshot DIR [--jobs N] [--max-examples N] [--fault NAME ...]
    python bench/outcomes_snapshot.py compare DIR_A DIR_B

`snapshot` runs `conformance run --level should --fault NAME` (as `conformance selftest` runs each fault, but
keeping every run's reports in DIR/NAME/) and writes DIR/outcomes.json. `compare` prints every run and nodeid
whose outcome or failed requirements differ between two snapshots and exits 1 if any does.

It reads conformance.json as its published schema (contracts/conformance-report.schema.json) spells it, not
through the code's own model: the point is to compare versions of that code.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

CLEAN = "clean"
SUMMARY = "outcomes.json"


def run_once(name: str, root: Path, max_examples: int) -> dict[str, Any]:
    """One run in a subprocess (as a user starts it), reduced to what behaviour means here."""
    folder = root / name
    command = [sys.executable, "-m", "conformance", "run", "--level", "should", "--report-dir", str(folder)]
    command += ["--max-examples", str(max_examples)]
    if name != CLEAN:
        command += ["--fault", name]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = round(time.perf_counter() - started, 1)
    report = folder / "conformance.json"
    if not report.is_file():
        return {"exit_code": completed.returncode, "seconds": seconds, "failed": None, "tests": {}}
    data = json.loads(report.read_text(encoding="utf-8"))
    return {
        "exit_code": completed.returncode,
        "seconds": seconds,
        "verdict": data["verdict"],
        "failed": sorted(entry["id"] for entry in data["requirements"] if entry["status"] == "failed"),
        "tests": {
            test["nodeid"]: {"outcome": test["outcome"], "failed_requirements": sorted(test["failed_requirements"])}
            for test in data["tests"]
        },
    }


def snapshot(root: Path, jobs: int, max_examples: int, faults: list[str]) -> int:
    from target_app.faults import FAULTS

    names = [CLEAN, *(faults or sorted(FAULTS))]
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        runs = dict(zip(names, pool.map(lambda name: run_once(name, root, max_examples), names), strict=True))
    data = {"max_examples": max_examples, "seconds": round(time.perf_counter() - started, 1), "runs": runs}
    (root / SUMMARY).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tests = sum(len(run["tests"]) for run in runs.values())
    print(f"{len(runs)} runs, {tests} test outcomes, {data['seconds']} s: {root / SUMMARY}")
    return 0


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = []
    for name in sorted(set(before) | set(after)):
        one, other = before.get(name), after.get(name)
        if one is None or other is None:
            lines.append(f"{name}: only in {'the second' if one is None else 'the first'} snapshot")
            continue
        for key in ("exit_code", "failed"):
            if one.get(key) != other.get(key):
                lines.append(f"{name}: {key} {one.get(key)} -> {other.get(key)}")
        for nodeid in sorted(set(one["tests"]) | set(other["tests"])):
            if one["tests"].get(nodeid) != other["tests"].get(nodeid):
                lines.append(f"{name}: {nodeid}: {one['tests'].get(nodeid)} -> {other['tests'].get(nodeid)}")
    return lines


def compare(first: Path, second: Path) -> int:
    before, after = (json.loads((root / SUMMARY).read_text(encoding="utf-8"))["runs"] for root in (first, second))
    lines = differences(before, after)
    print("\n".join(lines))
    tests = sum(len(run["tests"]) for run in before.values())
    print(f"{len(before)} runs and {tests} test outcomes compared; {len(lines)} differences")
    return 1 if lines else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot", help="run the clean app and every fault, keep the outcomes in DIR")
    take.add_argument("dir", type=Path)
    take.add_argument("--jobs", type=int, default=1, help="runs at once (default: %(default)s)")
    take.add_argument("--max-examples", type=int, default=5, help="generated cases per operation (as selftest)")
    take.add_argument("--fault", action="append", default=[], help="only this fault (repeatable)")
    against = commands.add_parser("compare", help="the runs and tests whose outcomes differ")
    against.add_argument("first", type=Path)
    against.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        return snapshot(args.dir, args.jobs, args.max_examples, args.fault)
    return compare(args.first, args.second)


if __name__ == "__main__":
    sys.exit(main())
