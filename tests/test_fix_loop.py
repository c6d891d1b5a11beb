"""The fix loop: `conformance run --last-failed` re-runs what failed, `--requirement ID` judges chosen requirements;
both are partial runs, and every output says so."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.cli.runner import GENERATED_MODULES, SCHEMATHESIS_PLUGIN, SUITES_DIR, pytest_arguments
from conformance.reports.files import load_report
from tests.conftest import FAST, RunResult, run_conformance

FAULT = "read-missing-200-null"
"""One bug, few failing tests: a GET of a missing id answers 200 null, which breaks READ-404 (a MUST)."""


@pytest.fixture(scope="module")
def faulty_run(fast_run: Callable[..., RunResult]) -> RunResult:
    return fast_run("--fault", FAULT)


def _copy(run: RunResult, workdir: Path) -> Path:
    """A working directory holding a copy of `run`'s reports, so each test re-runs from the same report."""
    shutil.copytree(run.report_dir, workdir / "reports")
    return workdir


def _failing(data: dict) -> list[str]:
    return [test["nodeid"] for test in data["tests"] if test["outcome"] in ("failed", "error")]


def test_the_last_failed_round_trip_reruns_the_failures_then_says_fixed(faulty_run: RunResult, tmp_path: Path) -> None:
    before = faulty_run.summary
    assert faulty_run.exit_code == 1, faulty_run.output
    failing = _failing(before)
    assert failing, "expected the fault to fail some tests"
    assert len(failing) < len(before["tests"]) / 10, f"expected a few failing tests, got {len(failing)}"
    workdir = _copy(faulty_run, tmp_path)

    still = run_conformance("--last-failed", "--fault", FAULT, *FAST, workdir=workdir)
    data = still.summary
    assert still.exit_code == 1, still.output
    assert sorted(test["nodeid"] for test in data["tests"]) == sorted(failing), "expected only the failed tests to run"
    assert data["partial"]["kind"] == "last-failed"
    assert data["partial"]["still_failing_tests"] == failing
    assert data["partial"]["fixed_tests"] == []
    assert "READ-404" in data["partial"]["still_failing_requirements"]
    assert data["reason"].startswith("partial run: re-ran"), data["reason"]

    fixed = run_conformance("--last-failed", *FAST, workdir=workdir)
    data = fixed.summary
    assert fixed.exit_code == 0, fixed.output
    assert data["partial"]["fixed_tests"] == failing
    assert data["partial"]["still_failing_tests"] == []
    assert "READ-404" in data["partial"]["fixed_requirements"]
    assert data["verdict"] != "fully-conformant", "a partial run must never read fully conformant"
    assert "fixed: " in data["reason"], data["reason"]
    assert "READ-404" in data["reason"], data["reason"]
    assert "PARTIAL RUN" in fixed.output
    assert "fixed requirements: " in fixed.output
    load_report(fixed.report_dir / "conformance.json")  # the partial field is in the published schema


def test_a_partial_run_says_so_in_every_report(faulty_run: RunResult, tmp_path: Path) -> None:
    rerun = run_conformance("--last-failed", *FAST, workdir=_copy(faulty_run, tmp_path))
    html = (rerun.report_dir / "conformance.html").read_text(encoding="utf-8")
    markdown = (rerun.report_dir / "conformance.md").read_text(encoding="utf-8")
    for name, text in (("console", rerun.output), ("HTML", html), ("Markdown", markdown)):
        assert "PARTIAL RUN, not a whole one" in text, f"expected the {name} output to say the run is partial"


def test_an_earlier_report_can_be_named(faulty_run: RunResult, tmp_path: Path) -> None:
    rerun = run_conformance("--last-failed", str(faulty_run.report_dir), *FAST, workdir=tmp_path)
    assert rerun.exit_code == 0, rerun.output
    assert rerun.summary["partial"]["source"] == str(faulty_run.report_dir / "conformance.json")


def test_a_report_without_failures_leaves_nothing_to_rerun(faulty_run: RunResult, tmp_path: Path) -> None:
    workdir = _copy(faulty_run, tmp_path)
    assert run_conformance("--last-failed", *FAST, workdir=workdir).exit_code == 0
    again = run_conformance("--last-failed", *FAST, workdir=workdir)
    assert again.exit_code == 0, again.output
    assert "nothing to re-run: no test failed or errored in" in again.output


@pytest.mark.shards
def test_a_folder_of_shard_reports_reruns_the_failures_of_every_shard(tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    failing: list[str] = []
    for part in ("1/2", "2/2"):
        report_dir = shards / part.replace("/", "-of-")
        shard = ("--shard", part, "--report-dir", str(report_dir))
        run = run_conformance("--fault", FAULT, *shard, *FAST, workdir=tmp_path)
        assert run.exit_code == 1, run.output
        part_failing = _failing(json.loads((report_dir / "conformance.json").read_text(encoding="utf-8")))
        assert part_failing, f"expected shard {part} to fail some tests of the fault, so that each part counts"
        failing += part_failing

    rerun = run_conformance("--last-failed", str(shards), "--fault", FAULT, *FAST, workdir=tmp_path)
    data = rerun.summary
    assert rerun.exit_code == 1, rerun.output
    ran = sorted(test["nodeid"] for test in data["tests"])
    assert ran == sorted(failing), f"expected the failures of both shards, {sorted(failing)}, to run; ran {ran}"
    # A generated test re-run after others still fails for what it found, not as an error of its own replay.
    errors = {test["nodeid"]: test.get("message") for test in data["tests"] if test["outcome"] == "error"}
    assert not errors, f"expected the re-run failures to fail again, got errors: {errors}"
    assert sorted(data["partial"]["still_failing_tests"]) == sorted(failing)
    assert "2 shard reports merged" in data["partial"]["source"], data["partial"]["source"]


def test_a_folder_of_reports_of_different_runs_is_refused(faulty_run: RunResult, tmp_path: Path) -> None:
    for name in ("one", "two"):
        shutil.copytree(faulty_run.report_dir, tmp_path / "mixed" / name)
    result = run_conformance("--last-failed", str(tmp_path / "mixed"), *FAST, workdir=tmp_path)
    assert result.exit_code == 2, result.output
    expected = "holds 2 reports that do not merge into one run"
    assert expected in result.output, f"expected {expected!r}, got {result.output!r}"


def test_only_a_run_with_generated_tests_loads_schemathesis() -> None:
    uses_schemathesis = {
        module.name
        for module in SUITES_DIR.glob("test_*.py")
        if "conformance.checks.generated" in module.read_text(encoding="utf-8")
    }
    assert uses_schemathesis == GENERATED_MODULES, (
        f"expected {sorted(uses_schemathesis)}, got {sorted(GENERATED_MODULES)}"
    )
    hand_written = pytest_arguments({}, modules=[SUITES_DIR / "test_create.py", SUITES_DIR / "test_read.py"])
    assert SCHEMATHESIS_PLUGIN not in hand_written, (
        f"expected no Schemathesis plugin for hand-written tests: {hand_written}"
    )
    for modules in ([], [SUITES_DIR / "test_read.py", SUITES_DIR / "test_stateful.py"]):
        arguments = pytest_arguments({}, modules=modules)
        assert SCHEMATHESIS_PLUGIN in arguments, f"expected the Schemathesis plugin with {modules}: {arguments}"


def test_a_requirement_is_judged_with_all_of_its_tests(tmp_path: Path) -> None:
    run = run_conformance("--requirement", "read-404", "--requirement", "CREATE-LOCATION", *FAST, workdir=tmp_path)
    data = run.summary
    assert run.exit_code == 0, run.output
    statuses = {row["id"]: row["status"] for row in data["requirements"]}
    assert statuses["READ-404"] == statuses["CREATE-LOCATION"] == "passed"
    others = {rid for rid, status in statuses.items() if status == "passed"} - {"READ-404", "CREATE-LOCATION"}
    assert not others, f"expected only the chosen requirements to pass, also passed: {sorted(others)}"
    cited = {rid for test in data["tests"] for rid in test["requirements"]}
    assert {"READ-404", "CREATE-LOCATION"} <= cited
    assert all({"READ-404", "CREATE-LOCATION"} & set(test["requirements"]) for test in data["tests"])
    assert data["partial"] == {
        "kind": "requirements",
        "source": None,
        "requirements": ["READ-404", "CREATE-LOCATION"],
        "judged_in_full": ["CREATE-LOCATION", "READ-404"],
        "tests_run": len(data["tests"]),
    }
    assert data["verdict"] == "conformant"
    assert data["reason"].startswith("partial run of READ-404, CREATE-LOCATION")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--requirement", "READ-44"], "--requirement READ-44: unknown requirement ID; did you mean READ-404"),
        (["--last-failed"], "--last-failed: no such file or folder: "),
        (["--last-failed", "--requirement", "READ-404"], "give one of them"),
        (["--requirement", "READ-404", "--shard", "1/2"], "is not sharded"),
    ],
    ids=["unknown-requirement", "no-earlier-report", "both", "sharded"],
)
def test_a_partial_run_that_cannot_start_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_conformance(*args, workdir=tmp_path)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [result.output.strip()], result.output
    assert message in result.output, f"expected {message!r}, got {result.output!r}"
