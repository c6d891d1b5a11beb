"""The reports of a sharded run's parts combined into the reports of the whole run.

The merged tests are judged again with the rule a single run uses (results.judge_run), so the merged
verdict, requirement statuses and evidence are the ones a single run of the same tests would give.
Parts that do not make exactly one run (other settings, another collection, a part twice or missing)
are refused.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# pytest's own naming of JUnit test cases, so that each case maps back to its test.
from _pytest.junitxml import mangle_test_address

from conformance.contract.catalog import Level
from conformance.reports.files import ReportError, find_reports, load_report
from conformance.reports.json_report import facts_from_report, report_dict
from conformance.reports.writing import write_reports
from conformance.target.facts import RunFacts
from conformance.verdict.expectations import Expectations
from conformance.verdict.gate import Gate, decide_gate
from conformance.verdict.judging import Judgement, judge_run
from conformance.verdict.outcomes import TestOutcome

JUNIT = "junit.xml"
SHARED = {
    # What every part of one run has in common: how a refusal names it, and where the report keeps it.
    "target": ("target",),
    "contract": ("manifest", "contract", "sha256"),
    "suite version": ("manifest", "suite_version"),
    "seed": ("manifest", "seed"),
    "max-examples": ("manifest", "max_examples"),
    "level": ("manifest", "level"),
    "read-only": ("manifest", "shard", "read_only"),
    "shard count": ("manifest", "shard", "count"),
    "expectations (--expect)": ("gate", "expectations"),
    "--strict-expect": ("gate", "strict"),
}


class MergeError(ValueError):
    """Reports that do not make one run; the message says why, in one line."""


@dataclass
class ShardReport:
    source: Path
    data: dict[str, Any]
    junit: ElementTree.Element
    """The root of the part's junit.xml."""

    @property
    def shard(self) -> dict[str, Any]:
        return self.data["manifest"]["shard"]

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
    data: dict[str, Any]
    """conformance.json of the whole run."""
    junit: ElementTree.ElementTree


def read_shards(arguments: Sequence[str]) -> list[ShardReport]:
    """Each argument a part's conformance.json or a folder: its own conformance.json, else every one below it."""
    try:
        return [read_shard(file, load_report(file)) for file in find_reports(arguments)]
    except ReportError as error:
        raise MergeError(str(error)) from None


def read_shard(file: Path, data: dict[str, Any]) -> ShardReport:
    if "shard" not in data["manifest"]:
        raise MergeError(f"{file}: the report of a whole run, not of a shard (`conformance run --shard K/N`)")
    try:
        junit = ElementTree.parse(file.with_name(JUNIT)).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise MergeError(f"{file.with_name(JUNIT)}: no readable JUnit XML beside the report ({error})") from None
    if junit.tag != "testsuite" and junit.find("testsuite") is None:
        raise MergeError(f"{file.with_name(JUNIT)}: not JUnit XML (no <testsuite>)")
    return ShardReport(file.parent, data, junit)


def _at(data: dict[str, Any], keys: Sequence[str]) -> Any:
    """The value under `keys`, None when a report has none (one written before that field existed)."""
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def check_parts(shards: list[ShardReport]) -> list[ShardReport]:
    """The parts in order, once each, all of one run: or a MergeError saying what does not fit."""
    first = shards[0]
    for other in shards[1:]:
        for name, keys in SHARED.items():
            if _at(other.data, keys) != _at(first.data, keys):
                raise MergeError(
                    f"the shards differ in {name}: {_at(first.data, keys)!r} in {first.source}, "
                    f"{_at(other.data, keys)!r} in {other.source}"
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
    reported = {test["nodeid"] for test in part.data["tests"]}
    silent = [collection[position] for position in part.shard["assigned"] if collection[position] not in reported]
    if silent:
        return f"shard {part.label}: {len(silent)} of its tests reported nothing (the first: {silent[0]})"
    return None


def _manifest(parts: list[ShardReport], facts: RunFacts) -> dict[str, Any]:
    manifests = [part.data["manifest"] for part in parts]
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
                    "started": part.data["manifest"]["started"],
                    "duration_s": part.data["manifest"]["duration_s"],
                    "requests": part.data["manifest"]["requests"],
                    "verdict": part.data["verdict"],
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


def merge(shards: list[ShardReport], expectations: Expectations | None = None, strict: bool = False) -> MergedRun:
    """The whole run from its parts; with `expectations`, its gate decided as `conformance run --expect` would."""
    parts = check_parts(shards)
    gated_by = _at(parts[0].data, ("gate", "expectations"))
    if gated_by and expectations is None:
        raise MergeError(f"the shards were gated by {gated_by}: give `conformance merge --expect {gated_by}` too")
    collection = parts[0].shard["collection"]
    position = {test: index for index, test in enumerate(collection)}
    outcomes = [TestOutcome.from_json(test) for part in parts for test in part.data["tests"]]
    # A test a crashed worker never reported under its own id sorts last, as in a single run's end.
    outcomes.sort(key=lambda outcome: position.get(outcome.nodeid, len(collection)))
    facts = RunFacts()
    for part in parts:
        facts.merge(facts_from_report(part.data))
    aborted = next((reason for part in parts if (reason := _unfinished(part, collection))), None)
    level = Level(parts[0].data["manifest"]["level"].upper())
    read_only = parts[0].shard["read_only"]

    def judge_excusing(excused: frozenset[str]) -> Judgement:
        return judge_run(outcomes, level, read_only, aborted, excused)

    judgement = judge_excusing(frozenset())
    gate = decide_gate(judgement, expectations, level, strict, judge_excusing, datetime.date.today())
    data = report_dict(judgement, gate, outcomes, facts, parts[0].data["target"], _manifest(parts, facts))
    return MergedRun(judgement, gate, data, _junit(parts, collection))


def write_merged(run: MergedRun, report_dir: Path) -> None:
    write_reports(run.data, report_dir)
    run.junit.write(report_dir / JUNIT, encoding="utf-8", xml_declaration=True)
