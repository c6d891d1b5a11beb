"""The reports of a sharded run's parts combined into the reports of the whole run.

The merged tests are judged again with the rule a single run uses (results.judge_run), so the merged
verdict, requirement statuses and evidence are the ones a single run of the same tests would give.
Parts that do not make exactly one run (other settings, another collection, a part twice or missing)
are refused.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# pytest's own naming of JUnit test cases, so that each case maps back to its test.
from _pytest.junitxml import mangle_test_address

from conformance.contract.catalog import Level
from conformance.reports.contract_gaps import unique_gaps
from conformance.reports.files import ReportError, find_reports, load_report
from conformance.reports.json_report import facts_from_report, run_report
from conformance.reports.model import RunReport
from conformance.reports.writing import write_reports
from conformance.target.facts import RunFacts
from conformance.verdict.expectations import Expectations
from conformance.verdict.gate import Gate, decide_gate
from conformance.verdict.judging import Judgement, judge_run

JUNIT = "junit.xml"
SHARED: dict[str, Callable[[RunReport], Any]] = {
    # What every part of one run has in common: how a refusal names it, and how to read it from a part.
    "target": lambda report: report.target,
    "contract": lambda report: _at(report.manifest, ("contract", "sha256")),
    "suite version": lambda report: report.manifest.get("suite_version"),
    "seed": lambda report: report.manifest.get("seed"),
    "max-examples": lambda report: report.manifest.get("max_examples"),
    "level": lambda report: report.manifest.get("level"),
    "read-only": lambda report: _at(report.manifest, ("shard", "read_only")),
    "shard count": lambda report: _at(report.manifest, ("shard", "count")),
    "expectations (--expect)": lambda report: report.gate and report.gate.expectations,
    "--strict-expect": lambda report: report.gate and report.gate.strict,
}


class MergeError(ValueError):
    """Reports that do not make one run; the message says why, in one line."""


@dataclass
class ShardReport:
    source: Path
    report: RunReport
    junit: ElementTree.Element
    """The root of the part's junit.xml."""

    @property
    def shard(self) -> dict[str, Any]:
        assert self.report.shard is not None  # read_shard checked
        return self.report.shard

    @property
    def label(self) -> str:
        return f"{self.shard['index']}/{self.shard['count']}"

    def suite(self) -> ElementTree.Element:
        found = self.junit if self.junit.tag == "testsuite" else self.junit.find("testsuite")
        assert found is not None  # read_shard checked
        return found


@dataclass
class MergedRun:
    judgement: Judgement
    gate: Gate
    report: RunReport
    """conformance.json of the whole run."""
    junit: ElementTree.ElementTree


def read_shards(arguments: Sequence[str]) -> list[ShardReport]:
    """Each argument a part's conformance.json or a folder: its own conformance.json, else every one below it."""
    try:
        return [read_shard(file, load_report(file)) for file in find_reports(arguments)]
    except ReportError as error:
        raise MergeError(str(error)) from None


def read_shard(file: Path, report: RunReport) -> ShardReport:
    if report.shard is None:
        raise MergeError(f"{file}: the report of a whole run, not of a shard (`conformance run --shard K/N`)")
    try:
        junit = ElementTree.parse(file.with_name(JUNIT)).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise MergeError(f"{file.with_name(JUNIT)}: no readable JUnit XML beside the report ({error})") from None
    if junit.tag != "testsuite" and junit.find("testsuite") is None:
        raise MergeError(f"{file.with_name(JUNIT)}: not JUnit XML (no <testsuite>)")
    return ShardReport(file.parent, report, junit)


def _at(data: dict[str, Any], keys: Sequence[str]) -> Any:
    """The value under `keys`, None when a manifest has none (one written before that field existed)."""
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def check_parts(shards: list[ShardReport]) -> list[ShardReport]:
    """The parts in order, once each, all of one run: or a MergeError saying what does not fit."""
    first = shards[0]
    for other in shards[1:]:
        for name, read in SHARED.items():
            if read(other.report) != read(first.report):
                raise MergeError(
                    f"the shards differ in {name}: {read(first.report)!r} in {first.source}, "
                    f"{read(other.report)!r} in {other.source}"
                )
        if other.shard["collection"] != first.shard["collection"]:
            raise MergeError(
                f"{first.source} and {other.source} collected different tests "
                "(another suite version, --quick or a -k selection in one of them?)"
            )
    count = first.shard["count"]
    by_index: dict[int, ShardReport] = {}
    for shard in shards:
        if shard.shard["index"] in by_index:
            raise MergeError(
                f"shard {shard.label} is given twice: {by_index[shard.shard['index']].source}, {shard.source}"
            )
        by_index[shard.shard["index"]] = shard
    if missing := [f"{index}/{count}" for index in range(1, count + 1) if index not in by_index]:
        raise MergeError(f"shard {', '.join(missing)} missing: a merge needs every part of the run")
    collection = first.shard["collection"]
    owner: dict[int, str] = {}
    for shard in by_index.values():
        for position in shard.shard["assigned"]:
            if position >= len(collection):
                raise MergeError(f"{shard.source}: its part names test #{position} of {len(collection)}")
            if position in owner:
                raise MergeError(
                    f"the shards split the tests differently ({collection[position]} is in shard {owner[position]} "
                    f"and {shard.label}): give every shard the same --durations-from report"
                )
            owner[position] = shard.label
    if len(owner) != len(collection):
        unowned = next(test for position, test in enumerate(collection) if position not in owner)
        raise MergeError(f"the shards split the tests differently ({unowned} is in none of them)")
    return [by_index[index] for index in sorted(by_index)]


def _unfinished(part: ShardReport, collection: list[str]) -> str | None:
    """Why a part did not finish: it stopped early, or some of its tests reported nothing (pytest crashed)."""
    if part.shard["aborted"]:
        return f"shard {part.label}: {part.shard['aborted']}"
    reported = {test.nodeid for test in part.report.tests}
    silent = [collection[position] for position in part.shard["assigned"] if collection[position] not in reported]
    if silent:
        return f"shard {part.label}: {len(silent)} of its tests reported nothing (the first: {silent[0]})"
    return None


def _manifest(parts: list[ShardReport], facts: RunFacts) -> dict[str, Any]:
    manifests = [part.report.manifest for part in parts]
    return {
        **{key: value for key, value in manifests[0].items() if key != "shard"},
        "started": min(manifest["started"] for manifest in manifests),
        "duration_s": round(sum(manifest["duration_s"] for manifest in manifests), 3),
        "requests": facts.requests,
        "workers": sum(manifest.get("workers") or 1 for manifest in manifests),
        "merged": {
            "shards": len(parts),
            "parts": [
                {
                    "index": part.shard["index"],
                    "source": str(part.source),
                    "started": part.report.manifest["started"],
                    "duration_s": part.report.manifest["duration_s"],
                    "requests": part.report.manifest["requests"],
                    "verdict": part.report.verdict.value,
                }
                for part in parts
            ],
        },
    }


def _junit(parts: list[ShardReport], collection: list[str]) -> ElementTree.ElementTree:
    """One test suite with every part's test cases, in collection order, and the parts' counts summed."""
    names = [mangle_test_address(test) for test in collection]
    position = {(".".join(name[:-1]), name[-1]): index for index, name in enumerate(names)}
    suites = [part.suite() for part in parts]
    suite = ElementTree.Element("testsuite", dict(suites[0].attrib))
    for counter in ("tests", "errors", "failures", "skipped"):
        suite.set(counter, str(sum(int(each.get(counter, "0")) for each in suites)))
    suite.set("time", f"{sum(float(each.get('time', '0')) for each in suites):.3f}")
    suite.set("timestamp", min(each.get("timestamp", "") for each in suites))
    suite.extend(child for child in suites[0] if child.tag != "testcase")
    cases = [case for each in suites for case in each.iter("testcase")]
    suite.extend(sorted(cases, key=lambda case: position.get((case.get("classname"), case.get("name")), len(names))))
    if parts[0].junit.tag == "testsuite":
        return ElementTree.ElementTree(suite)
    root = ElementTree.Element(parts[0].junit.tag, dict(parts[0].junit.attrib))
    root.append(suite)
    return ElementTree.ElementTree(root)


def merge(
    shards: list[ShardReport], expectations: Expectations | None = None, strict: bool = False, gated: bool = True
) -> MergedRun:
    """The whole run from its parts; with `expectations`, its gate decided as `conformance run --expect` would.
    `gated=False`: parts gated by an expectations file merge without it (a re-run of the failures needs only
    which tests failed, never the gate's exit code)."""
    parts = check_parts(shards)
    gated_by = SHARED["expectations (--expect)"](parts[0].report)
    if gated and gated_by and expectations is None:
        raise MergeError(f"the shards were gated by {gated_by}: give `conformance merge --expect {gated_by}` too")
    collection = parts[0].shard["collection"]
    position = {test: index for index, test in enumerate(collection)}
    outcomes = [test for part in parts for test in part.report.tests]
    # A test a crashed worker never reported under its own id sorts last, as in a single run's end.
    outcomes.sort(key=lambda outcome: position.get(outcome.nodeid, len(collection)))
    facts = RunFacts()
    for part in parts:
        facts.merge(facts_from_report(part.report))
    aborted = next((reason for part in parts if (reason := _unfinished(part, collection))), None)
    level = Level(parts[0].report.manifest["level"].upper())
    read_only = parts[0].shard["read_only"]

    def judge_excusing(excused: frozenset[str]) -> Judgement:
        return judge_run(outcomes, level, read_only, aborted, excused)

    judgement = judge_excusing(frozenset())
    gate = decide_gate(judgement, expectations, level, strict, judge_excusing, datetime.date.today())
    report = run_report(judgement, gate, outcomes, facts, parts[0].report.target, _manifest(parts, facts))
    report.contract_gaps = unique_gaps([gap for part in parts for gap in part.report.contract_gaps])
    return MergedRun(judgement, gate, report, _junit(parts, collection))


def write_merged(run: MergedRun, report_dir: Path) -> None:
    write_reports(run.report, report_dir)
    run.junit.write(report_dir / JUNIT, encoding="utf-8", xml_declaration=True)
