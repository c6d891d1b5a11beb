"""Adopting the gate before being conformant: a committed file of expected failures, from real runs.

Fault PARAMS_CLAMPED breaks only LIST-PARAMS-400, fault LIST_DEFAULTS only LIST-DEFAULTS, so each run's failures
are known exactly.
"""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.pytest.settings import SettingsError, build_settings
from tests.conftest import RunResult, conformance, run_conformance
from tests.servers.running import free_port

pytestmark = pytest.mark.multirun

PARAMS_CLAMPED = "list-params-clamped"
LIST_DEFAULTS = "list-default-limit-20"
FAST = ("--max-examples", "5")


def section_lines(output: str) -> list[str]:
    """The console's conformance section, line by line."""
    return output.split("Items API conformance", 1)[1].splitlines()[1:]


def junit_cases(run: RunResult) -> dict[str, ElementTree.Element]:
    """JUnit test cases by node id (classname `suites.test_list` and name `test_x[p]`)."""
    root = ElementTree.parse(run.report_dir / "junit.xml").getroot()
    return {
        f"{str(case.get('classname')).replace('.', '/')}.py::{case.get('name')}": case for case in root.iter("testcase")
    }


def junit_outcome(case: ElementTree.Element) -> tuple[str, str]:
    """(`failure`, `skipped:pytest.xfail`, `skipped:pytest.skip` or `passed`; its message)."""
    if (failure := case.find("failure")) is not None:
        return "failure", failure.get("message") or ""
    if (skipped := case.find("skipped")) is not None:
        return f"skipped:{skipped.get('type')}", skipped.get("message") or ""
    return "passed", ""


def folder(parent: Path, name: str) -> Path:
    (parent / name).mkdir()
    return parent / name


def failing_tests(run: RunResult, requirement: str) -> set[str]:
    return {test["nodeid"] for test in run.summary["tests"] if requirement in test["failed_requirements"]}


def write_expectations(fast_run: Callable[..., RunResult], faults: str, path: Path, *extra: str) -> str:
    """`conformance expect` from the run of these faults; returns its output."""
    run = fast_run("--fault", faults)
    code, output = conformance(
        "expect", "--from", str(run.report_dir / "conformance.json"), "-o", str(path), *extra, workdir=path.parent
    )
    assert code == 0, output
    return output


@pytest.fixture(scope="module")
def expectations(fast_run: Callable[..., RunResult], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starting file written from a run of the first fault."""
    path = tmp_path_factory.mktemp("expectations") / "expectations.toml"
    write_expectations(fast_run, PARAMS_CLAMPED, path)
    return path


def test_a_starting_file_has_one_entry_per_failure_with_a_reason(
    expectations: Path, fast_run: Callable[..., RunResult]
) -> None:
    entries = tomllib.loads(expectations.read_text(encoding="utf-8"))["expected"]
    assert [entry["requirement"] for entry in entries] == ["LIST-PARAMS-400"]
    assert fast_run("--fault", PARAMS_CLAMPED).failed() == {"LIST-PARAMS-400"}
    assert "limit" in entries[0]["reason"], "the placeholder reason quotes the evidence"
    assert "# MUST: A limit or offset that is not an integer" in expectations.read_text(encoding="utf-8")


def test_expected_failures_pass_the_gate_and_keep_the_verdict(expectations: Path, tmp_path: Path) -> None:
    run = run_conformance("--fault", PARAMS_CLAMPED, *FAST, "--expect", str(expectations), workdir=tmp_path)
    assert run.exit_code == 0, run.output
    summary = run.summary
    assert summary["verdict"] == "non-conformant", "the verdict stays truthful"
    assert summary["exit_code"] == 0
    gate = summary["gate"]
    assert gate["passed"] is True
    assert gate["unexpected_failures"] == []
    assert [row["id"] for row in gate["expected"]] == ["LIST-PARAMS-400"]
    assert gate["expected"][0]["failing_tests"]
    lines = section_lines(run.output)
    assert lines[0].startswith("gate:    PASSED (exit 0) — every failure is expected (1 in ")
    assert lines[1].startswith("verdict: NON-CONFORMANT — MUST requirements failed: LIST-PARAMS-400")
    # JUnit: an expected failure is xfail (skipped, with the reason), never a pass; the JSON still says failed.
    cases = junit_cases(run)
    failed = failing_tests(run, "LIST-PARAMS-400")
    assert failed
    for nodeid in failed:
        outcome, message = junit_outcome(cases[nodeid])
        assert outcome == "skipped:pytest.xfail", nodeid
        assert message == f"expected failure ({expectations}) — LIST-PARAMS-400: {gate['expected'][0]['reason']}"
    assert all(junit_outcome(case)[0] != "failure" for case in cases.values())


def test_a_new_failure_is_a_regression_named_first_everywhere(
    expectations: Path, fast_run: Callable[..., RunResult], tmp_path: Path
) -> None:
    job_summary = tmp_path / "step-summary.md"
    job_summary.write_text("earlier step\n", encoding="utf-8")
    run = run_conformance(
        "--fault",
        f"{PARAMS_CLAMPED},{LIST_DEFAULTS}",
        *FAST,
        "--expect",
        str(expectations),
        workdir=tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(job_summary)},
    )
    assert run.exit_code == 1, run.output
    gate = run.summary["gate"]
    assert [row["id"] for row in gate["unexpected_failures"]] == ["LIST-DEFAULTS"]
    assert gate["unexpected_failures"][0]["why"] == f"not in {expectations}"
    assert [row["id"] for row in gate["expected"]] == ["LIST-PARAMS-400"]
    # Console: the section opens with the regression, then the gate, then the verdict.
    lines = section_lines(run.output)
    assert lines[0].startswith(f"REGRESSION: LIST-DEFAULTS (MUST) failed: not in {expectations} — suites/")
    assert lines[1].startswith("gate:    FAILED (exit 1) — regression: LIST-DEFAULTS failed")
    assert lines[2].startswith("verdict: NON-CONFORMANT")
    # HTML: the gate's banner names it before the verdict, and its failure leads the list.
    html = (run.report_dir / "conformance.html").read_text(encoding="utf-8")
    assert html.index("Regression: <a") < html.index('id="verdict"')
    failures = html[html.index('id="failures"') :]
    assert failures.index('href="contract.html#LIST-DEFAULTS">LIST-DEFAULTS</a>') < failures.index(
        'href="contract.html#LIST-PARAMS-400">LIST-PARAMS-400</a>'
    )
    assert '<span class="tag tag-regression">regression</span>' in failures
    # Markdown, written beside the reports and appended to the job summary.
    markdown = (run.report_dir / "conformance.md").read_text(encoding="utf-8")
    assert markdown.index("**Regressions**") < markdown.index("**Verdict: NON-CONFORMANT**")
    assert "- `LIST-DEFAULTS` (MUST): not in" in markdown
    assert job_summary.read_text(encoding="utf-8") == "earlier step\n" + markdown.rstrip("\n") + "\n\n"
    # JUnit: the regression's failures say so first; the expected failures stay xfail.
    outcomes = {nodeid: junit_outcome(case) for nodeid, case in junit_cases(run).items()}
    for nodeid in failing_tests(run, "LIST-DEFAULTS"):
        outcome, message = outcomes[nodeid]
        assert outcome == "failure", nodeid
        assert message.startswith(f"REGRESSION: LIST-DEFAULTS not excused by {expectations}: "), message
    assert {outcomes[nodeid][0] for nodeid in failing_tests(run, "LIST-PARAMS-400")} == {"skipped:pytest.xfail"}


def test_a_fixed_failure_is_listed_for_removal_and_fails_a_strict_gate(
    fast_run: Callable[..., RunResult], tmp_path: Path
) -> None:
    both = tmp_path / "both.toml"
    write_expectations(fast_run, f"{PARAMS_CLAMPED},{LIST_DEFAULTS}", both)
    assert [e["requirement"] for e in tomllib.loads(both.read_text(encoding="utf-8"))["expected"]] == [
        "LIST-DEFAULTS",
        "LIST-PARAMS-400",
    ]
    lenient = run_conformance(
        "--fault", LIST_DEFAULTS, *FAST, "--expect", str(both), workdir=folder(tmp_path, "lenient")
    )
    assert lenient.exit_code == 0, lenient.output
    gate = lenient.summary["gate"]
    assert [row["id"] for row in gate["unexpected_passes"]] == ["LIST-PARAMS-400"]
    assert "1 expected failure(s) now pass: remove them from" in gate["reason"]
    assert "remove from expectations (now passes): LIST-PARAMS-400" in lenient.output
    strict = run_conformance(
        "--fault", LIST_DEFAULTS, *FAST, "--expect", str(both), "--strict-expect", workdir=folder(tmp_path, "strict")
    )
    assert strict.exit_code == 1, strict.output
    assert strict.summary["gate"]["reason"].startswith("--strict-expect: expected failures now pass (LIST-PARAMS-400)")
    assert strict.summary["verdict"] == "non-conformant"
    assert "**Expected failures that now pass**" in (strict.report_dir / "conformance.md").read_text(encoding="utf-8")


def test_an_expired_entry_excuses_nothing_and_the_run_says_so(tmp_path: Path) -> None:
    expired = tmp_path / "expired.toml"
    expired.write_text(
        '[[expected]]\nrequirement = "LIST-PARAMS-400"\nreason = "fixing it"\nexpires = 2000-01-31\n', encoding="utf-8"
    )
    run = run_conformance("--fault", PARAMS_CLAMPED, *FAST, "--expect", str(expired), workdir=tmp_path)
    assert run.exit_code == 1, run.output
    gate = run.summary["gate"]
    assert [row["id"] for row in gate["expired"]] == ["LIST-PARAMS-400"]
    assert gate["unexpected_failures"][0]["why"] == "its expectation expired on 2000-01-31"
    assert "expired expectation (excuses nothing): LIST-PARAMS-400 since 2000-01-31" in run.output


def test_an_entry_narrowed_to_tests_excuses_only_those(fast_run: Callable[..., RunResult], tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(
        '[[expected]]\nrequirement = "LIST-PARAMS-400"\nreason = "r"\ntests = ["suites/test_list.py::test_no_such"]\n',
        encoding="utf-8",
    )
    run = run_conformance(
        "--fault", PARAMS_CLAMPED, *FAST, "--expect", str(elsewhere), workdir=folder(tmp_path, "elsewhere")
    )
    assert run.exit_code == 1, run.output
    assert run.summary["gate"]["unexpected_failures"][0]["why"] == "it fails in tests its expectation does not name"
    by_test = tmp_path / "by-test.toml"
    write_expectations(fast_run, PARAMS_CLAMPED, by_test, "--by-test")
    named = tomllib.loads(by_test.read_text(encoding="utf-8"))["expected"][0]["tests"]
    assert set(named) == failing_tests(fast_run("--fault", PARAMS_CLAMPED), "LIST-PARAMS-400")
    run = run_conformance(
        "--fault", PARAMS_CLAMPED, *FAST, "--expect", str(by_test), workdir=folder(tmp_path, "by-test")
    )
    assert run.exit_code == 0, run.output


BAD_FILES = {
    "not-toml": ("[[expected]\nrequirement = 1", "not valid TOML: "),
    "unknown-id": (
        '[[expected]]\nrequirement = "LIST-TOTL"\nreason = "r"',
        "unknown requirement ID 'LIST-TOTL'; did you mean LIST-TOTAL?",
    ),
    "no-reason": ('[[expected]]\nrequirement = "LIST-PARAMS-400"', "entry 1 (LIST-PARAMS-400): 'reason' is missing"),
    "blank-reason": (
        '[[expected]]\nrequirement = "LIST-PARAMS-400"\nreason = "  "',
        "'reason' must be a non-empty string",
    ),
    "quoted-date": (
        '[[expected]]\nrequirement = "LIST-PARAMS-400"\nreason = "r"\nexpires = "2026-01-01"',
        "'expires' must be a TOML date, written without quotes",
    ),
    "datetime": (
        '[[expected]]\nrequirement = "LIST-PARAMS-400"\nreason = "r"\nexpires = 2026-01-01T10:00:00',
        "'expires' must be a date like 2026-09-30",
    ),
    "typo-key": ('[[expected]]\nrequirement = "LIST-PARAMS-400"\nreasn = "r"', "unknown key 'reasn'"),
    "tests-string": (
        '[[expected]]\nrequirement = "LIST-PARAMS-400"\nreason = "r"\ntests = "suites/test_list.py"',
        "'tests' must be a non-empty list of test ids",
    ),
    "twice": (
        '[[expected]]\nrequirement = "LIST-PARAMS-400"\nreason = "a"\n' * 2,
        "entry 2: LIST-PARAMS-400 is listed twice (also entry 1)",
    ),
    "top-level": ('[expect]\nrequirement = "LIST-PARAMS-400"', "unknown top-level key 'expect'"),
    "not-tables": ('expected = "LIST-PARAMS-400"', "'expected' must be an array of tables"),
}


@pytest.mark.parametrize(("text", "message"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_expectations_file_is_refused_with_where_and_why(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "expectations.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        build_settings({"expect": str(path)})
    assert str(refused.value).startswith(f"--expect {path}: ")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_bad_expectations_file_stops_the_run_before_any_request(tmp_path: Path) -> None:
    path = tmp_path / "expectations.toml"
    path.write_text('[[expected]]\nrequirement = "NO-SUCH-ID"\nreason = "r"\n', encoding="utf-8")
    # Nothing listens on that port: had the run reached its first request, it would say it cannot reach it.
    url = f"http://127.0.0.1:{free_port()}"
    for args in (["--expect", str(path)], ["--base-url", url, "--token", "t", "--expect", str(path)]):
        run = run_conformance(*args, workdir=tmp_path)
        assert run.exit_code == 2
        assert (
            run.output.strip()
            == f"conformance: --expect {path}: entry 1 (NO-SUCH-ID): unknown requirement ID 'NO-SUCH-ID'"
        )
        assert not run.report_dir.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expect", "missing.toml"], "conformance: --expect missing.toml: cannot read it: No such file or directory"),
        (["--strict-expect"], "conformance: --strict-expect needs --expect FILE"),
    ],
    ids=["unreadable", "strict-alone"],
)
def test_expectation_options_that_cannot_work_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    run = run_conformance(*args, workdir=tmp_path)
    assert (run.exit_code, run.output.strip()) == (2, message)


def test_expect_refuses_what_it_cannot_use(fast_run: Callable[..., RunResult], tmp_path: Path) -> None:
    report = fast_run("--fault", PARAMS_CLAMPED).report_dir / "conformance.json"
    taken = tmp_path / "taken.toml"
    taken.write_text("# mine\n", encoding="utf-8")
    not_a_report = tmp_path / "other.json"
    not_a_report.write_text('{"format": "something else"}', encoding="utf-8")
    cases = {
        ("--from", str(report), "-o", str(taken)): f"conformance: {taken} exists: choose another --output",
        ("--from", str(tmp_path / "none.json")): "conformance: no such file or folder: ",
        ("--from", str(not_a_report)): f"conformance: {not_a_report} is not a conformance report (",
        ("--from", str(report), "--expires", "2026-13-01"): "conformance: --expires must be a date like 2026-09-30",
    }
    for args, message in cases.items():
        code, output = conformance("expect", *args, workdir=tmp_path)
        assert code == 2, output
        assert output.startswith(message), output
        assert len(output.strip().splitlines()) == 1
    assert taken.read_text(encoding="utf-8") == "# mine\n"
    code, output = conformance("expect", "--from", str(report), "-o", "-", "--expires", "2031-12-31", workdir=tmp_path)
    assert code == 0
    assert re.search(r"^expires = 2031-12-31$", output, re.MULTILINE)
