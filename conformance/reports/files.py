"""conformance.json files read back (by `expect`, `compare`, `matrix`, `merge` and sharding): found in folders,
checked against the published JSON Schema, read as a `RunReport`; and the first evidence of a failed requirement."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jsonschema
from jsonschema.exceptions import best_match

import contracts
from conformance.contract.catalog import Level
from conformance.reports.model import RunReport
from conformance.text import first_line
from conformance.verdict.gate import ExpectationRow
from conformance.verdict.judging import RequirementResult

REPORT_NAME = "conformance.json"
HTML_NAME = "conformance.html"


class ReportError(ValueError):
    """A path that holds no usable report; the message says which and why, on one line."""


def load_report(path: Path) -> RunReport:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReportError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"{path} is not JSON: {error}") from None
    schema = json.loads(contracts.REPORT_SCHEMA.read_text(encoding="utf-8"))
    problem = best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if problem is not None:
        where = problem.json_path.removeprefix("$") or "the top level"
        raise ReportError(f"{path} is not a conformance report ({where}: {first_line(problem.message, 120)})")
    return RunReport.from_json(data)


def find_reports(arguments: Iterable[str]) -> list[Path]:
    """Each argument is a conformance.json (any name) or a folder: its own conformance.json, else every
    one below it, in path order."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            inside = [path / REPORT_NAME] if (path / REPORT_NAME).is_file() else sorted(path.rglob(REPORT_NAME))
            if not inside:
                raise ReportError(f"no {REPORT_NAME} in {path}")
            found += inside
        elif path.exists():
            found.append(path)
        else:
            raise ReportError(f"no such file or folder: {path}")
    return found


def report_page(report: Path, linked_from: Path) -> str:
    """The link from a page in `linked_from` to the HTML beside a conformance.json (the JSON when it has none)."""
    html = report.with_name(HTML_NAME)
    target = html if html.is_file() else report
    return quote(Path(os.path.relpath(target.resolve(), linked_from.resolve())).as_posix())


@dataclass(frozen=True)
class Evidence:
    """What a failed requirement's first failure showed: the test, what was expected and received, the curl line."""

    test: str
    summary: str
    expected: str = ""
    received: str = ""
    curl: str | None = None

    def line(self) -> str:
        if self.expected or self.received:
            return f"{self.summary}: expected {self.expected}, received {first_line(self.received)}"
        return self.summary


def first_evidence(requirement: RequirementResult) -> Evidence | None:
    for failure in requirement.failures:
        for violation in failure.violations:
            curl = violation.exchange.curl if violation.exchange else None
            return Evidence(failure.test, violation.summary, violation.expected, violation.received, curl)
        if failure.message:
            return Evidence(failure.test, first_line(failure.message))
    return None


def evidence_line(evidence: Evidence | None) -> str:
    return "" if evidence is None else evidence.line()


def failures_by_gate(
    report: RunReport, blocks: dict[str, int] | None = None
) -> tuple[list[RequirementResult], set[str], dict[str, ExpectationRow]]:
    """A report's failed requirements in the order a reader needs them: regressions (they fail the gate),
    then those that keep most other requirements from being judged (`blocks`: how many, by ID), then MUST
    failures (they decide the verdict), expected ones last; with the regression IDs and the gate's expected
    entries by ID. Reports written before the gate existed have no regressions."""
    blocks = blocks or {}
    gate = report.gate
    regressions = set(gate.regressions) if gate and gate.expectations else set()
    expected = {row.id: row for row in gate.expected} if gate else {}
    failed = report.failed()
    failed.sort(
        key=lambda r: (r.id not in regressions, r.id in expected, -blocks.get(r.id, 0), r.level is not Level.MUST)
    )
    return failed, regressions, expected
