"""The oracle alone (suites/test_oracle.py) against faults of the catalogue: which it detects for the right reason
(a failed requirement the fault violates), and faults found per minute at several budgets. A run that finds its
fault stops early, so each budget's whole cost is shown by the clean reference, where every history is played.

    python bench/oracle.py [--budget N ...] [--fault NAME ...] [--timeout S]

Each run is `conformance run --fault NAME --max-examples N -- -k oracle`; it writes bench/oracle.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conformance.target.reference import known_faults

HERE = Path(__file__).resolve().parent


def run(fault: str | None, budget: int, timeout: float) -> tuple[str, float, list[str]]:
    """(detected | missed | wrong reason | timeout, seconds, failed requirements); for the clean reference
    (`fault` None): clean | false alarm."""
    with tempfile.TemporaryDirectory(prefix="oracle-bench-") as reports:
        command = [sys.executable, "-m", "conformance", "run", "--max-examples", str(budget)]
        command += ["--fault", fault] if fault else []
        command += ["--report-dir", reports, "--", "-k", "oracle"]
        started = time.monotonic()
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return "timeout", time.monotonic() - started, []
        seconds = time.monotonic() - started
        report = json.loads((Path(reports) / "conformance.json").read_text(encoding="utf-8"))
    failed = [entry["id"] for entry in report["requirements"] if entry["status"] == "failed"]
    if fault is None:
        return ("false alarm" if failed else "clean"), seconds, failed
    if not failed:
        return "missed", seconds, failed
    right = set(failed) & set(known_faults()[fault].violates)
    return ("detected" if right else "wrong reason"), seconds, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, action="append", help="--max-examples of a run (repeatable)")
    parser.add_argument("--fault", action="append", help="a fault of the catalogue (repeatable; default: all)")
    parser.add_argument("--timeout", type=float, default=180.0)
    options = parser.parse_args()
    faults = options.fault or sorted(known_faults())
    budgets = options.budget or [25]
    lines = [
        "# The oracle alone against the fault catalogue",
        "",
        f"`python bench/oracle.py {' '.join(sys.argv[1:])}`",
        "",
    ]
    for budget in budgets:
        lines += [
            f"## --max-examples {budget}",
            "",
            "| fault | result | seconds | failed |",
            "| --- | --- | ---: | --- |",
        ]
        clean, seconds, failed = run(None, budget, options.timeout)
        lines.append(f"| (the clean reference) | {clean} | {seconds:.1f} | {', '.join(failed)} |")
        print(lines[-1], flush=True)
        found, spent = 0, 0.0
        for fault in faults:
            result, seconds, failed = run(fault, budget, options.timeout)
            found += result == "detected"
            spent += seconds
            lines.append(f"| {fault} | {result} | {seconds:.1f} | {', '.join(failed)} |")
            print(lines[-1], flush=True)
        lines += [
            "",
            f"detected {found} of {len(faults)} in {spent:.0f} s: {found / (spent / 60):.2f} faults a minute",
            "",
        ]
    lines.append(f"load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    (HERE / "oracle.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[-2:]))


if __name__ == "__main__":
    main()
