"""The short end-of-run table on the console: verdict, per-section counts, failed IDs, report paths."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from conformance.checks.violations import Violation
from conformance.reports.causes import not_run_causes
from conformance.reports.model import RunReport
from conformance.reports.partial import partial_lines
from conformance.target.exchange import Exchange
from conformance.verdict.gate import Gate
from conformance.verdict.judging import Judgement, Status, Verdict

INSECURE = "TLS certificates were NOT verified (--insecure): anyone on the path could have answered"

VERDICT_TITLES = {
    Verdict.FULLY_CONFORMANT: "FULLY CONFORMANT",
    Verdict.CONFORMANT: "CONFORMANT",
    Verdict.NON_CONFORMANT: "NON-CONFORMANT",
    Verdict.ERROR: "COULD NOT JUDGE",
}


TESTS_NAMED = 3
"""Failing tests named per regression on the console; the reports have them all."""
LINE_LIMIT = 1000
"""Characters of one console line: a longer one (the curl line of a 1 MiB body) is cut, saying how much was
cut; conformance.json and conformance.html keep it whole."""
VIOLATIONS_PRINTED = 2
"""Violations of one failed test printed on the console (a generated case can have several)."""
TEXT_LINES = 6
"""Lines printed of a failure that is not a violation (a request that got no response)."""
CAUSES_PRINTED = 3
"""Causes of tests not run printed on the console, those that block the most first; the reports have all."""
SEE_REPORTS = "the whole is in conformance.json and conformance.html"


def cut(text: str, limit: int = LINE_LIMIT) -> str:
    """One console line: `text` up to `limit` characters, with a marker saying how much was cut."""
    line, *more = text.splitlines() or [""]
    if len(line) > limit:
        line = f"{line[:limit]}… [{len(line) - limit:,} more characters cut: the reports have them]"
    return f"{line} [and {len(more)} more lines]" if more else line


def _exchange_lines(exchange: Exchange) -> list[str]:
    response = exchange.response
    if response is None:
        answer = f"{exchange.method} {exchange.url}: no response"
    else:
        shown = response.body.replace("\r", "\\r").replace("\n", "\\n")
        body = f": {shown}" if response.body_size else ", empty body"
        answer = f"{exchange.status} {exchange.reason}".rstrip() + f" ({response.body_size} bytes){body}"
    return [f"  < {cut(answer)}", f"  reproduce: {cut(exchange.curl)}"]


def _violation_text(violation: Violation) -> list[str]:
    if not violation.expected:
        # An assertion that is not a violation (no response, say): its own words, first lines only.
        text = violation.received.splitlines() or [violation.summary]
        lines = [cut(line) for line in text[:TEXT_LINES]]
        if len(text) > TEXT_LINES:
            lines.append(f"… [{len(text) - TEXT_LINES} more lines cut: {SEE_REPORTS}]")
    else:
        lines = [
            cut(f"[{', '.join(violation.requirements)}] {violation.summary}"),
            f"  expected: {cut(violation.expected)}",
            f"  received: {cut(violation.received)}",
            *(f"  note: {cut(note)}" for note in violation.notes[:2]),
        ]
    return lines + (_exchange_lines(violation.exchange) if violation.exchange else [])


def failure_text(violations: list[Violation], message: str) -> str:
    """A failed test as the console prints it: a few lines per violation, none over LINE_LIMIT characters."""
    if not violations:
        return "\n".join(_violation_text(Violation((), message, "", message)))
    lines = [line for violation in violations[:VIOLATIONS_PRINTED] for line in [*_violation_text(violation), ""]]
    if len(violations) > VIOLATIONS_PRINTED:
        lines.append(f"… and {len(violations) - VIOLATIONS_PRINTED} more violations: {SEE_REPORTS}")
    return "\n".join(lines).rstrip("\n")


def _print_gate(terminal: Any, gate: Gate) -> None:
    """Regressions first: they are why the gate fails. Then the gate, then what keeps the file honest."""
    for row in gate.unexpected_failures:
        tests = ", ".join(row.tests[:TESTS_NAMED]) + (" …" if len(row.tests) > TESTS_NAMED else "")
        terminal.write_line(f"REGRESSION: {row.id} ({row.level}) failed: {row.why} — {tests}", red=True)
    passed = gate.passed
    terminal.write_line(
        f"gate:    {'PASSED' if passed else 'FAILED'} (exit {int(gate.exit_code)}) — {gate.reason}",
        bold=True,
        red=not passed,
        green=passed,
    )


def _print_expectations(terminal: Any, gate: Gate) -> None:
    for row in gate.expected:
        until = f" (until {row.expires})" if row.expires else ""
        terminal.write_line(f"expected: {row.id} {row.status} — {row.reason}{until}", yellow=True)
    for row in gate.unexpected_passes:
        terminal.write_line(f"remove from expectations (now passes): {row.id} — {row.reason}", yellow=True)
    for row in gate.expired:
        terminal.write_line(f"expired expectation (excuses nothing): {row.id} since {row.expires}", yellow=True)


class PlainTerminal:
    """Where a command without pytest's terminal (`conformance merge`) writes the same lines: stdout, no colour."""

    def write_line(self, line: str, **markup: bool) -> None:
        print(line)


def print_verdict(terminal: Any, judgement: Judgement, gate: Gate) -> None:
    """The verdict, or the gate and then the verdict when expectations decide the exit code."""
    title = VERDICT_TITLES[judgement.verdict]
    if gate.expectations is None:
        terminal.write_line(
            f"verdict: {title} (exit {int(judgement.exit_code)}) — {judgement.reason}",
            bold=True,
            red=judgement.exit_code != 0,
            green=judgement.exit_code == 0,
        )
    else:
        _print_gate(terminal, gate)
        terminal.write_line(f"verdict: {title} — {judgement.reason}", bold=True)


SHOWN_IDS = 20
"""Ids the console shows of a list of them (leftovers, changed items); the reports have every one."""


def print_findings(terminal: Any, judgement: Judgement, gate: Gate, leftovers: list[int | str]) -> None:
    """What failed, what the expectations file says of it, and what the run could not delete."""
    if failed := judgement.failed():
        terminal.write_line(f"failed requirements: {', '.join(failed)}", red=gate.expectations is None)
    _print_expectations(terminal, gate)
    if leftovers:
        # In the report's order (integers, then string ids): ids of both kinds do not sort together.
        hidden = len(leftovers) - SHOWN_IDS
        more = f" and {hidden} more (conformance.json lists them all)" if hidden > 0 else ""
        terminal.write_line(f"items left on the server (could not delete): {leftovers[:SHOWN_IDS]}{more}", yellow=True)


def print_causes(terminal: Any, report: RunReport) -> None:
    """Why requirements were not judged, the causes that block the most first: what to fix first."""
    causes = not_run_causes(report)
    for cause in causes[:CAUSES_PRINTED]:
        tests = f"{len(cause.tests)} test{'s' if len(cause.tests) != 1 else ''}"
        terminal.write_line(cut(f"not judged: {cause.headline} ({tests})"), yellow=True)
    if len(causes) > CAUSES_PRINTED:
        terminal.write_line(f"… and {len(causes) - CAUSES_PRINTED} more causes of tests not run: see conformance.html")


def print_summary(terminal: Any, judgement: Judgement, gate: Gate, report: RunReport, report_dir: str) -> None:
    """From the run's report: its manifest has the target, the level, the shard and TLS."""
    manifest = report.manifest
    terminal.section("Items API conformance", sep="=")
    print_verdict(terminal, judgement, gate)
    terminal.write_line(
        f"target:  {report.target}; gate: {manifest['level'].upper()}; requests: {manifest['requests']}"
    )
    for line in partial_lines(report):
        terminal.write_line(line, yellow=True, bold=line.startswith("PARTIAL"))
    if shard := report.shard:
        terminal.write_line(
            f"shard:   {shard['index']}/{shard['count']}, not a whole run: `conformance merge` gives its verdict"
        )
    if INSECURE in report.warnings:
        terminal.write_line(f"WARNING: {INSECURE}", yellow=True, bold=True)
    if retries := manifest["throttling"]["retries"]:
        waited = manifest["throttling"]["waited_s"]
        terminal.write_line(f"waited out 429/503 (Retry-After): {retries} retries, {waited:g} s in all")
    by_section: dict[str, Counter[Status]] = {}
    for result in judgement.requirements:
        by_section.setdefault(f"§{result.requirement.section.number} {result.requirement.section.title}", Counter())[
            result.status
        ] += 1
    width = max(len(name) for name in by_section)
    for name, counts in by_section.items():
        parts = ", ".join(f"{counts[status]} {status.value}" for status in Status if counts[status])
        terminal.write_line(f"  {name:<{width}}  {parts}")
    print_findings(terminal, judgement, gate, report.leftovers)
    if because := manifest.get("leftovers_unknown_because"):
        terminal.write_line(f"items left on the server: not known in full ({'; '.join(because)})", yellow=True)
    if changed := manifest.get("others_changed"):
        terminal.write_line(
            f"WARNING: {len(changed)} items found at the start were changed or gone at the end (the suite never"
            f" writes to them: the server, or another client meanwhile): {changed[:SHOWN_IDS]}",
            red=True,
        )
    print_causes(terminal, report)
    terminal.write_line(f"reports: {Path(report_dir).resolve()}")
