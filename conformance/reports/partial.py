"""How the reports say a run was partial (--last-failed, --requirement): the same lines on the console, in
conformance.md and in the HTML banner, from the `partial` field of conformance.json."""

from __future__ import annotations

from conformance.reports.model import RunReport

SHOWN = 10
"""Test ids a line shows; conformance.json lists them all."""


def _ids(ids: list[str]) -> str:
    more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
    return ", ".join(ids[:SHOWN]) + more


def partial_lines(report: RunReport) -> list[str]:
    """Nothing for a whole run; else first that the run is partial, then what it found fixed and still failing."""
    record = report.partial
    if not record:
        return []
    if record["kind"] == "requirements":
        lines = [
            f"PARTIAL RUN, not a whole one: {', '.join(record['requirements'])} with all of their tests"
            f" ({record['tests_run']} tests); nothing else is judged"
        ]
    else:
        lines = [f"PARTIAL RUN, not a whole one: re-ran the tests that failed in {record['source']}"]
        if record["fixed_tests"]:
            lines.append(f"fixed (failed before, pass now): {_ids(record['fixed_tests'])}")
        if record["fixed_requirements"]:
            lines.append(f"fixed requirements: {', '.join(record['fixed_requirements'])}")
        if record["still_failing_tests"]:
            lines.append(f"still failing: {_ids(record['still_failing_tests'])}")
        if record["not_run_tests"]:
            lines.append(f"not run this time: {_ids(record['not_run_tests'])}")
    lines.append("a whole `conformance run` gives the verdict of the server")
    return lines
