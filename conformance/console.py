"""The short end-of-run table on the console: verdict, per-section counts, failed IDs, report paths."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from conformance.facts import RunFacts
from conformance.results import Judgement, Status
from conformance.settings import RunSettings

INSECURE = "TLS certificates were NOT verified (--insecure): anyone on the path could have answered"

VERDICT_TITLES = {
    "fully-conformant": "FULLY CONFORMANT",
    "conformant": "CONFORMANT",
    "non-conformant": "NON-CONFORMANT",
    "error": "COULD NOT JUDGE",
}


def print_summary(terminal: Any, judgement: Judgement, settings: RunSettings, facts: RunFacts) -> None:
    terminal.section("Items API conformance", sep="=")
    title = VERDICT_TITLES[judgement.verdict.value]
    terminal.write_line(
        f"verdict: {title} (exit {int(judgement.exit_code)}) — {judgement.reason}",
        bold=True,
        red=judgement.exit_code != 0,
        green=judgement.exit_code == 0,
    )
    terminal.write_line(f"target:  {settings.target_label}; gate: {settings.level.value}; requests: {facts.requests}")
    if settings.insecure:
        terminal.write_line(f"WARNING: {INSECURE}", yellow=True, bold=True)
    if facts.retries:
        terminal.write_line(f"waited out 429/503 (Retry-After): {facts.retries} retries, {facts.waited_s:g} s in all")
    by_section: dict[str, Counter[Status]] = {}
    for result in judgement.requirements:
        by_section.setdefault(f"§{result.requirement.section.number} {result.requirement.section.title}", Counter())[
            result.status
        ] += 1
    width = max(len(name) for name in by_section)
    for name, counts in by_section.items():
        parts = ", ".join(f"{counts[status]} {status.value}" for status in Status if counts[status])
        terminal.write_line(f"  {name:<{width}}  {parts}")
    if failed := judgement.failed():
        terminal.write_line(f"failed requirements: {', '.join(failed)}", red=True)
    if facts.leftovers:
        terminal.write_line(f"items left on the server (could not delete): {sorted(facts.leftovers)}", yellow=True)
    terminal.write_line(f"reports: {Path(settings.report_dir).resolve()}")
