"""`conformance compare`: two real runs compared requirement by requirement."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import escape as html_escape

from tests.conftest import RunResult, conformance

pytestmark = pytest.mark.multirun

LIST_TOTAL = "list-total-counts-page"
LIST_DEFAULTS = "list-default-limit-20"


def compare(before: RunResult, after: RunResult, workdir: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    return conformance(
        "compare",
        str(before.report_dir / "conformance.json"),
        str(after.report_dir),
        "--report-dir",
        str(workdir / "out"),
        workdir=workdir,
        env=env,
    )


def block(output: str, title: str) -> str:
    """The lines of one part of the console output (a title line and its indented entries)."""
    match = re.search(rf"^{re.escape(title)} \(\d+\):\n((?:  .*\n)*)", output, re.MULTILINE)
    return match.group(0) if match else ""


def test_a_new_failure_is_a_regression_with_its_evidence(fast_run: Callable[..., RunResult], tmp_path: Path) -> None:
    before, after = fast_run("--fault", LIST_TOTAL), fast_run("--fault", f"{LIST_TOTAL},{LIST_DEFAULTS}")
    job_summary = tmp_path / "summary.md"
    code, output = compare(before, after, tmp_path, env={"GITHUB_STEP_SUMMARY": str(job_summary)})
    assert code == 1, output
    new = block(output, "NEW FAILURES (regressions)")
    assert new.startswith("NEW FAILURES (regressions) (1):\n  LIST-DEFAULTS (MUST) passed → failed — "), output
    assert "expected " in new
    assert "received " in new
    assert "suites/test_list.py::" in new
    # The LIST-TOTAL fault also breaks what CREATE-READBACK reads (the total): every one of them still fails.
    still = block(output, "still failing")
    assert still.startswith(f"still failing ({len(before.failed())}):\n"), output
    assert "\n  LIST-TOTAL (MUST) — " in still
    assert block(output, "fixed") == ""
    assert "result: REGRESSED (exit 1): 1 requirement(s) newly fail" in output
    html = (tmp_path / "out" / "comparison.html").read_text(encoding="utf-8")
    new_part = html[html.index('id="new-failures"') : html.index('id="fixed"')]
    assert 'href="contract.html#LIST-DEFAULTS"' in new_part
    failure = next(entry for entry in after.summary["requirements"] if entry["id"] == "LIST-DEFAULTS")["failures"][0]
    violation = failure["violations"][0]
    assert f"<code>{failure['test']}</code>" in new_part
    assert f"<dt>expected</dt><dd>{html_escape(violation['expected'])}</dd>" in new_part
    assert f"<dt>received</dt><dd>{html_escape(violation['received'])}</dd>" in new_part
    assert (tmp_path / "out" / "contract.html").is_file()
    # The two runs link to their own reports, relative to the comparison.
    for link in re.findall(r'<a href="([^"#]+conformance\.html)">', html):
        assert (tmp_path / "out" / link).resolve().is_file(), link
    markdown = (tmp_path / "out" / "comparison.md").read_text(encoding="utf-8")
    assert markdown.startswith("### ❌ Items API conformance: REGRESSED")
    assert re.search(
        r"^\| `LIST-DEFAULTS` \| MUST \| passed → failed \| .*expected .*received ", markdown, re.MULTILINE
    )
    assert job_summary.read_text(encoding="utf-8") == markdown.rstrip("\n") + "\n\n"


def test_a_fixed_requirement_is_no_regression(
    fast_run: Callable[..., RunResult], reference_run: RunResult, tmp_path: Path
) -> None:
    before = fast_run("--fault", LIST_TOTAL)
    code, output = compare(before, reference_run, tmp_path)
    assert code == 0, output
    fixed = block(output, "fixed")
    assert fixed.startswith(f"fixed ({len(before.failed())}):\n"), output
    assert "\n  LIST-TOTAL (MUST) failed → passed — " in fixed
    assert "result: no regression (exit 0)" in output
    assert "note: the runs judged different targets" in output
    markdown = (tmp_path / "out" / "comparison.md").read_text(encoding="utf-8")
    assert markdown.startswith("### ✅ Items API conformance: no regression")


def test_requirements_judged_in_one_run_only_are_not_run_changes(
    fast_run: Callable[..., RunResult], reference_run: RunResult, tmp_path: Path
) -> None:
    quick = fast_run("--quick")
    should = {entry["id"] for entry in reference_run.summary["requirements"] if entry["level"] == "SHOULD"}
    code, output = compare(reference_run, quick, tmp_path)
    assert code == 0, output
    changes = block(output, "not-run changes")
    # --quick leaves SHOULD tests out: no test of theirs ran, so nothing exercised them.
    changed = set(re.findall(r"^  ([A-Z0-9-]+) \(SHOULD\) passed → not-exercised$", changes, re.MULTILINE))
    assert changed == should
    code, output = compare(quick, reference_run, tmp_path)
    assert code == 0, output
    assert len(re.findall(r"\(SHOULD\) not-exercised → passed", output)) == len(should)


@pytest.mark.parametrize("bad", ["missing", "not-json", "not-a-report", "empty-folder"])
def test_what_is_not_a_report_is_one_line_and_exit_2(bad: str, reference_run: RunResult, tmp_path: Path) -> None:
    paths = {
        "missing": tmp_path / "missing.json",
        "not-json": tmp_path / "broken.json",
        "not-a-report": tmp_path / "other.json",
        "empty-folder": tmp_path / "empty",
    }
    paths["not-json"].write_text("{ nope", encoding="utf-8")
    paths["not-a-report"].write_text('{"format": "items-conformance-selftest/1", "runs": []}', encoding="utf-8")
    paths["empty-folder"].mkdir()
    expected = {
        "missing": f"conformance: no such file or folder: {paths['missing']}",
        "not-json": f"conformance: {paths['not-json']} is not JSON: ",
        "not-a-report": f"conformance: {paths['not-a-report']} is not a conformance report (",
        "empty-folder": f"conformance: no conformance.json in {paths['empty-folder']}",
    }
    code, output = conformance(
        "compare",
        str(reference_run.report_dir),
        str(paths[bad]),
        "--report-dir",
        str(tmp_path / "out"),
        workdir=tmp_path,
    )
    assert code == 2
    assert output.startswith(expected[bad]), output
    assert len(output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
