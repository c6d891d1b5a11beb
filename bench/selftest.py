"""Benchmark: how long `conformance selftest` takes over the whole fault catalogue.

    python bench/selftest.py [--jobs N] [--max-examples N]

Runs the self-test as a user would (a subprocess) and prints its wall time, the slowest runs and
whether every fault was detected; the target is under 5 minutes on a 2-core machine.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-examples", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        command = [
            sys.executable,
            "-m",
            "conformance",
            "selftest",
            "--jobs",
            str(args.jobs),
            "--max-examples",
            str(args.max_examples),
            "--report-dir",
            folder,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        data = json.loads((Path(folder) / "selftest.json").read_text(encoding="utf-8"))
    summary = data["summary"]
    runs = sorted(data["runs"], key=lambda run: run["seconds"], reverse=True)
    print(f"cores: {os.cpu_count()}, jobs: {args.jobs}, max-examples: {args.max_examples}")
    print(
        f"wall time: {wall:.1f} s (exit {completed.returncode}); faults: {summary['faults']}, "
        f"detected: {summary['detected']}, score: {summary['score']:.0%}"
    )
    print(
        f"mean per run: {sum(run['seconds'] for run in runs) / len(runs):.1f} s; slowest: "
        + ", ".join(f"{run['fault']} {run['seconds']:.1f} s" for run in runs[:3])
    )


if __name__ == "__main__":
    main()
