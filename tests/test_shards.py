"""A run split across machines (`conformance run --shard K/N`) and merged back (`conformance merge`): the merge
judges exactly as one run would, each part says it is a part, and parts that do not make one run are refused."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

import contracts
from conformance.pytest.sharding import Shard, assign, plan, read_durations
from tests.conftest import FAST, RunResult, conformance, run_conformance
from tests.servers.running import REFERENCE_TOKEN, Server

pytestmark = pytest.mark.shards

SHARDS = 3
TARGETS = {
    "reference": (),
    # Their failures sit in different suite modules (validation, update, responses; delete, read, stateful).
    "validation-400": ("--fault", "validation-400"),
    "delete-keeps-item": ("--fault", "delete-keeps-item"),
}


def merge(*sources: Path | str, workdir: Path) -> RunResult:
    """`python -m conformance merge SOURCES` from `workdir`, as a user runs it; reports go to workdir/merged."""
    report_dir = workdir / "merged"
    code, output = conformance("merge", *map(str, sources), "--report-dir", str(report_dir), workdir=workdir)
    return RunResult(code, output, report_dir)


class Sharded:
    """One target judged by a whole run and by three shards of the same run."""

    def __init__(self, single: RunResult, shards: list[RunResult], root: Path) -> None:
        self.single = single
        self.shards = shards
        self.root = root
        self.merged = merge(*(shard.report_dir for shard in shards), workdir=root)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Sharded]:
    """Every whole and shard run of every target, two at a time (the machine has two cores)."""
    root = tmp_path_factory.mktemp("sharded")
    jobs: dict[tuple[str, str], Callable[[], RunResult]] = {}
    for name, args in TARGETS.items():
        for part in ["whole", *(f"{k}/{SHARDS}" for k in range(1, SHARDS + 1))]:
            workdir = root / name / part.replace("/", "-of-")
            workdir.mkdir(parents=True)
            shard = [] if part == "whole" else ["--shard", part]

            def job(args: tuple[str, ...] = (*args, *FAST, *shard), workdir: Path = workdir) -> RunResult:
                return run_conformance(*args, workdir=workdir)

            jobs[name, part] = job
    with ThreadPoolExecutor(2) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    return {
        name: Sharded(
            results[name, "whole"],
            [results[name, f"{k}/{SHARDS}"] for k in range(1, SHARDS + 1)],
            root / name,
        )
        for name in TARGETS
    }


def junit_cases(report_dir: Path) -> list[tuple[str | None, str | None]]:
    root = ElementTree.parse(report_dir / "junit.xml").getroot()
    return [(case.get("classname"), case.get("name")) for case in root.iter("testcase")]


@pytest.mark.parametrize("name", TARGETS)
def test_three_shards_merged_judge_as_the_whole_run(runs: dict[str, Sharded], name: str) -> None:
    run = runs[name]
    single, merged = run.single.summary, run.merged.summary
    assert run.merged.statuses() == run.single.statuses()
    assert (merged["verdict"], merged["exit_code"]) == (single["verdict"], single["exit_code"])
    assert run.merged.exit_code == run.single.exit_code == (0 if name == "reference" else 1)
    assert [test["nodeid"] for test in merged["tests"]] == [test["nodeid"] for test in single["tests"]]
    assert [test["outcome"] for test in merged["tests"]] == [test["outcome"] for test in single["tests"]]
    for merged_requirement, single_requirement in zip(merged["requirements"], single["requirements"], strict=True):
        assert merged_requirement["tests"] == single_requirement["tests"]
        assert [f["test"] for f in merged_requirement["failures"]] == [
            f["test"] for f in single_requirement["failures"]
        ]
    shard_summaries = [shard.summary for shard in run.shards]
    assert merged["manifest"]["requests"] == sum(s["manifest"]["requests"] for s in shard_summaries)
    assert merged["manifest"]["items_created"] == sum(s["manifest"]["items_created"] for s in shard_summaries)
    assert merged["leftovers"] == sorted({item for s in shard_summaries for item in s["leftovers"]})
    for operation in merged["operations"]:
        for kind in ("documented", "undocumented"):
            for status, count in operation[kind].items():
                seen = [
                    row[kind].get(status, 0)
                    for s in shard_summaries
                    for row in s["operations"]
                    if row["operation"] == operation["operation"]
                ]
                assert count == sum(seen), (operation["operation"], status)
    assert merged["manifest"]["merged"]["shards"] == SHARDS
    assert "shard" not in merged["manifest"]
    jsonschema.validate(merged, json.loads(contracts.REPORT_SCHEMA.read_text(encoding="utf-8")))
    html = (run.merged.report_dir / "conformance.html").read_text(encoding="utf-8")
    assert f"Merged from {SHARDS} shards." in html


@pytest.mark.parametrize("name", ["validation-400", "delete-keeps-item"])
def test_the_faults_fail_tests_in_several_modules_and_shards(runs: dict[str, Sharded], name: str) -> None:
    single = runs[name].single.summary
    modules = {test["nodeid"].split("::")[0] for test in single["tests"] if test["outcome"] == "failed"}
    assert len(modules) >= 2, modules
    failing_shards = [shard for shard in runs[name].shards if shard.exit_code == 1]
    assert len(failing_shards) >= 2, "a failure in a shard fails that shard, whoever else checks the requirement"


def test_the_shards_split_the_whole_run_once(runs: dict[str, Sharded]) -> None:
    run = runs["reference"]
    parts = [[test["nodeid"] for test in shard.summary["tests"]] for shard in run.shards]
    whole = [test["nodeid"] for test in run.single.summary["tests"]]
    assert sorted(nodeid for part in parts for nodeid in part) == sorted(whole)
    assert len(set(whole)) == len(whole), "every test has its own id, Schemathesis operations included"
    assert max(map(len, parts)) - min(map(len, parts)) <= 1, "without durations the parts hold as many tests"
    for index, shard in enumerate(run.shards, start=1):
        manifest = shard.summary["manifest"]["shard"]
        assert (manifest["index"], manifest["count"], manifest["balanced_by"]) == (index, SHARDS, "count")
        assert manifest["collection"] == whole
        assert [whole[position] for position in manifest["assigned"]] == parts[index - 1]


def test_a_shard_says_so_and_passes_only_requirements_it_ran_in_full(runs: dict[str, Sharded]) -> None:
    run = runs["reference"]
    every_test = {entry["id"]: set(entry["tests"]) for entry in run.single.summary["requirements"]}
    for index, shard in enumerate(run.shards, start=1):
        summary = shard.summary
        ran = {test["nodeid"] for test in summary["tests"]}
        assert summary["verdict"] == "conformant"
        assert summary["exit_code"] == shard.exit_code == 0
        assert summary["reason"].startswith(f"shard {index}/{SHARDS}: partial run")
        for entry in summary["requirements"]:
            assert entry["status"] in ("passed", "not-run"), entry["id"]
            assert (entry["status"] == "passed") == (every_test[entry["id"]] <= ran), entry["id"]
        assert f"shard:   {index}/{SHARDS}, not a whole run" in shard.output
        html = (shard.report_dir / "conformance.html").read_text(encoding="utf-8")
        assert f"Shard {index} of {SHARDS}, not a whole run" in html
        jsonschema.validate(summary, json.loads(contracts.REPORT_SCHEMA.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", TARGETS)
def test_the_merged_junit_holds_every_test_case_once(runs: dict[str, Sharded], name: str) -> None:
    run = runs[name]
    merged, single = junit_cases(run.merged.report_dir), junit_cases(run.single.report_dir)
    assert len(merged) == len(set(merged)) == len(run.single.summary["tests"])
    assert merged == single
    suite = ElementTree.parse(run.merged.report_dir / "junit.xml").getroot().find("testsuite")
    single_suite = ElementTree.parse(run.single.report_dir / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert single_suite is not None
    for counter in ("tests", "failures", "errors", "skipped"):
        assert suite.get(counter) == single_suite.get(counter), counter


def test_durations_from_an_earlier_run_balance_the_parts(runs: dict[str, Sharded], tmp_path: Path) -> None:
    earlier = runs["reference"].single.report_dir / "conformance.json"
    run = run_conformance("--shard", "1/2", "--durations-from", str(earlier), *FAST, workdir=tmp_path)
    assert run.exit_code == 0, run.output
    shard = run.summary["manifest"]["shard"]
    assert shard["balanced_by"] == "durations"
    expected = assign(shard["collection"], 2, dict(read_durations(earlier)))
    assert shard["assigned"] == [position for position, part in enumerate(expected) if part == 0]


def test_a_shard_with_workers_runs_the_same_part(runs: dict[str, Sharded], tmp_path: Path) -> None:
    """The workers collect and split the tests; the controller, which collects nothing, learns the part from them."""
    run = run_conformance("--shard", f"1/{SHARDS}", "-n", "2", *FAST, workdir=tmp_path)
    serial = runs["reference"].shards[0]
    assert run.exit_code == 0, run.output
    assert run.summary["manifest"]["shard"] == serial.summary["manifest"]["shard"]
    assert run.statuses() == serial.statuses()
    assert sorted(test["nodeid"] for test in run.summary["tests"]) == sorted(
        test["nodeid"] for test in serial.summary["tests"]
    )


def test_shards_at_once_against_one_server_each_clean_up_their_own(reference_server: Server, tmp_path: Path) -> None:
    def part(k: int) -> RunResult:
        workdir = tmp_path / f"part-{k}"
        workdir.mkdir()
        target = ("--base-url", reference_server.url, "--token", REFERENCE_TOKEN)
        return run_conformance(*target, "--shard", f"{k}/2", *FAST, workdir=workdir)

    with ThreadPoolExecutor(2) as pool:
        parts = list(pool.map(part, (1, 2)))
    for result in parts:
        assert result.exit_code == 0, result.output[-3000:]
        assert result.summary["leftovers"] == []
        assert result.summary["manifest"]["items_created"] > 0
    assert httpx.get(f"{reference_server.url}/items", timeout=5).json()["total"] == 0
    merged = merge(*(result.report_dir for result in parts), workdir=tmp_path)
    assert merged.exit_code == 0, merged.output
    assert merged.summary["verdict"] == "fully-conformant"


def test_a_shard_dealt_no_test_judges_nothing_and_passes(tmp_path: Path) -> None:
    run = run_conformance(
        "--shard",
        "2/2",
        *FAST,
        "--",
        "-k",
        "test_a_write_without_authorization_gets_401 and POST",
        workdir=tmp_path,
    )
    assert run.exit_code == 0, run.output
    assert run.summary["tests"] == []
    assert {entry["status"] for entry in run.summary["requirements"]} <= {"not-run", "not-exercised"}


# --- Assigning tests to parts -------------------------------------------------------------------


def test_without_durations_tests_are_dealt_round_robin() -> None:
    assert assign([f"t{n}" for n in range(7)], 3, {}) == [0, 1, 2, 0, 1, 2, 0]


def test_durations_put_the_longest_tests_first_each_on_the_least_loaded_part() -> None:
    durations = {"a": 5.0, "b": 1.0, "c": 1.0, "d": 4.0, "e": 1.0}
    parts = assign(list(durations), 2, durations)
    loads = [sum(d for test, d in durations.items() if parts[list(durations).index(test)] == part) for part in (0, 1)]
    assert sorted(loads) == [6.0, 6.0]
    assert assign(list(durations), 2, durations) == parts, "the same on every machine"


def test_a_test_without_a_duration_weighs_the_mean_of_the_others() -> None:
    parts = assign(["new", "a", "b"], 2, {"a": 3.0, "b": 1.0})
    assert parts == [1, 0, 1], "'new' weighs 2.0: after 'a' (3.0) on part 0, it goes to part 1, and so does 'b'"


def test_a_plan_names_the_requirements_left_to_other_parts() -> None:
    tests = [("t1", ("A", "B")), ("t2", ("B",)), ("t3", ("C",))]
    first = plan(Shard(1, 2), tests)
    assert (first.assigned, first.elsewhere) == ((0, 2), ("B",))
    second = plan(Shard(2, 2), tests)
    assert (second.assigned, second.elsewhere) == ((1,), ("A", "B", "C"))


# --- Refusals ------------------------------------------------------------------------------------


def _copy_shards(run: Sharded, into: Path) -> list[Path]:
    copies = []
    for index, shard in enumerate(run.shards, start=1):
        copy = into / f"part-{index}"
        shutil.copytree(shard.report_dir, copy)
        copies.append(copy)
    return copies


def _edit(directory: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = directory / "conformance.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _set_manifest(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["manifest"].update({key: value})


def _set_shard(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["manifest"]["shard"].update({key: value})


EDITED = {
    "seed": (_set_manifest("seed", 1), "the shards differ in seed: 20261128"),
    "max-examples": (_set_manifest("max_examples", 25), "the shards differ in max-examples"),
    "level": (_set_manifest("level", "should"), "the shards differ in level"),
    "contract": (
        lambda data: data["manifest"]["contract"].update(sha256="0" * 64),
        "the shards differ in contract",
    ),
    "target": (lambda data: data.update(target="http://elsewhere.test"), "the shards differ in target"),
    "count": (_set_shard("count", 4), "the shards differ in shard count"),
    "collection": (
        lambda data: data["manifest"]["shard"]["collection"].pop(),
        "collected different tests",
    ),
    "split": (_set_shard("assigned", [0, 1, 2]), "the shards split the tests differently"),
    "not-a-shard": (lambda data: data["manifest"].pop("shard"), "the report of a whole run, not of a shard"),
    "not-a-report": (lambda data: data.update(format="something-else/1"), "is not a conformance report (.format"),
    "invalid-report": (lambda data: data.pop("requirements"), "'requirements' is a required property"),
}


@pytest.mark.parametrize(("change", "message"), EDITED.values(), ids=EDITED.keys())
def test_parts_of_different_runs_are_refused(
    runs: dict[str, Sharded], tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    parts = _copy_shards(runs["reference"], tmp_path)
    _edit(parts[1], change)
    assert_refused(merge(*parts, workdir=tmp_path), message)


def test_a_missing_or_repeated_part_is_refused(runs: dict[str, Sharded], tmp_path: Path) -> None:
    parts = _copy_shards(runs["reference"], tmp_path)
    assert_refused(merge(parts[0], parts[1], workdir=tmp_path), f"shard 3/{SHARDS} missing")
    assert_refused(merge(parts[0], *parts, workdir=tmp_path), f"shard 1/{SHARDS} is given twice")


def test_what_is_not_a_shards_report_is_refused(runs: dict[str, Sharded], tmp_path: Path) -> None:
    parts = _copy_shards(runs["reference"], tmp_path)
    assert_refused(merge(*parts, tmp_path / "nowhere", workdir=tmp_path), "no such file or folder")
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    assert_refused(merge(*parts, garbage, workdir=tmp_path), f"no conformance.json in {garbage}")
    (garbage / "conformance.json").write_text("<html>not json</html>", encoding="utf-8")
    assert_refused(merge(*parts[:2], garbage, workdir=tmp_path), "is not JSON")
    (parts[2] / "junit.xml").write_text("<testsuites><testsuite>", encoding="utf-8")
    assert_refused(merge(*parts, workdir=tmp_path), "no readable JUnit XML")
    (parts[2] / "junit.xml").unlink()
    assert_refused(merge(*parts, workdir=tmp_path), "no readable JUnit XML")


def test_the_merge_never_writes_over_a_part(runs: dict[str, Sharded], tmp_path: Path) -> None:
    parts = _copy_shards(runs["reference"], tmp_path)
    before = (parts[0] / "conformance.json").read_bytes()
    code, output = conformance("merge", *map(str, parts), "--report-dir", str(parts[0]), workdir=tmp_path)
    assert code == 2
    assert (
        output.strip()
        == f"conformance: --report-dir {parts[0]} holds a shard's reports: the merge would overwrite them"
    )
    assert (parts[0] / "conformance.json").read_bytes() == before


def test_the_merge_carries_each_parts_contract_gaps_once(runs: dict[str, Sharded], tmp_path: Path) -> None:
    parts = _copy_shards(runs["reference"], tmp_path)
    gap = {"summary": "a silence", "expected": "-", "received": "-", "history": [], "replay": []}
    other = {**gap, "summary": "another silence"}
    _edit(parts[0], lambda data: data.update(contract_gaps=[gap]))
    _edit(parts[2], lambda data: data.update(contract_gaps=[gap, other]))
    result = merge(*parts, workdir=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.summary["contract_gaps"] == [gap, other], f"expected both gaps once, got {result.summary}"


def assert_refused(result: RunResult, message: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("conformance: ")
    assert message in lines[0], lines[0]
    assert not result.report_dir.exists()


# --- A part that did not finish ------------------------------------------------------------------


def test_a_part_that_stopped_early_makes_the_merge_could_not_judge(runs: dict[str, Sharded], tmp_path: Path) -> None:
    parts = _copy_shards(runs["reference"], tmp_path)
    _edit(parts[2], _set_shard("aborted", "the run exceeded --run-timeout (60 s)"))
    result = merge(*parts, workdir=tmp_path)
    assert result.exit_code == 2
    assert result.summary["verdict"] == "error"
    assert result.summary["reason"] == f"shard 3/{SHARDS}: the run exceeded --run-timeout (60 s)"


def test_a_part_whose_tests_reported_nothing_makes_the_merge_could_not_judge(
    runs: dict[str, Sharded], tmp_path: Path
) -> None:
    parts = _copy_shards(runs["reference"], tmp_path)
    _edit(parts[1], lambda data: data.update(tests=data["tests"][:-1]))
    result = merge(*parts, workdir=tmp_path)
    assert result.exit_code == 2
    assert result.summary["verdict"] == "error"
    assert result.summary["reason"].startswith(f"shard 2/{SHARDS}: 1 of its tests reported nothing")


def test_a_folder_of_parts_merges_like_the_parts_named_one_by_one(runs: dict[str, Sharded], tmp_path: Path) -> None:
    _copy_shards(runs["validation-400"], tmp_path / "downloaded")
    result = merge("downloaded", workdir=tmp_path)
    assert result.exit_code == 1, result.output
    assert result.statuses() == runs["validation-400"].merged.statuses()


# --- Expected failures ---------------------------------------------------------------------------


def test_the_gate_of_merged_parts_is_the_gate_of_the_whole_run(runs: dict[str, Sharded], tmp_path: Path) -> None:
    fault = runs["validation-400"]
    expectations = tmp_path / "expected.toml"
    code, output = conformance(
        "expect", "--from", str(fault.single.report_dir / "conformance.json"), "-o", str(expectations), workdir=tmp_path
    )
    assert code == 0, output
    gated = ("--fault", "validation-400", *FAST, "--expect", str(expectations))
    for name in ("whole", "part-1", "part-2"):
        (tmp_path / name).mkdir()
    whole = run_conformance(*gated, workdir=tmp_path / "whole")
    parts = [run_conformance(*gated, "--shard", f"{k}/2", workdir=tmp_path / f"part-{k}") for k in (1, 2)]
    refused = merge(*(part.report_dir for part in parts), workdir=tmp_path)
    assert refused.exit_code == 2
    assert f"the shards were gated by {expectations}: give `conformance merge --expect" in refused.output
    code, output = conformance(
        "merge", *(str(part.report_dir) for part in parts), "--expect", str(expectations), workdir=tmp_path
    )
    merged = RunResult(code, output, tmp_path / "reports")
    assert whole.exit_code == merged.exit_code == 0, merged.output
    assert merged.summary["verdict"] == whole.summary["verdict"] == "non-conformant"
    assert merged.summary["gate"]["expected"] == whole.summary["gate"]["expected"]
    assert merged.summary["gate"]["reason"] == whole.summary["gate"]["reason"]
    assert "gate:    PASSED (exit 0)" in merged.output
