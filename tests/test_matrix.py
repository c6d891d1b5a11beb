"""`conformance matrix`: the reference and three faults side by side, from real runs, opened in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.contract.catalog import load_catalog
from tests.browser import HEADLESS_CHROMIUM
from tests.conftest import RunResult, conformance

pytestmark = pytest.mark.multirun

FAULTS = ("list-params-clamped", "list-default-limit-20", "validation-400")
NAMES = ("Reference", "Parameters clamped", "Default limit 20", "Validation 400")
CELL = re.compile(r'<td class="cell cell-([a-z-]+)" data-status="\1">(?:<a href="([^"]+)")?')


@pytest.fixture(scope="module")
def runs(reference_run: RunResult, fast_run: Callable[..., RunResult]) -> list[RunResult]:
    return [reference_run, *(fast_run("--fault", fault) for fault in FAULTS)]


@pytest.fixture(scope="module")
def matrix_dir(runs: list[RunResult], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("matrix")
    names = [argument for name in NAMES for argument in ("--name", name)]
    code, output = conformance(
        "matrix", *(str(run.report_dir) for run in runs), *names, "--report-dir", str(out / "site"), workdir=out
    )
    assert code == 0, output
    assert (
        output.splitlines()[0]
        == "Reference: fully-conformant; 44 passed, 0 failed, 0 not run of 44 ("
        + str(runs[0].report_dir / "conformance.json")
        + ")"
    )
    return out / "site"


def rows_of(html: str) -> dict[str, list[tuple[str, str]]]:
    """Requirement ID to its cells: (status, link) per implementation."""
    rows = {}
    for match in re.finditer(r'<tr id="req-([A-Z0-9-]+)">(.*?)</tr>', html, re.DOTALL):
        rows[match.group(1)] = [(status, link) for status, link in CELL.findall(match.group(2))]
    return rows


def test_each_cell_is_that_runs_status_and_links_to_its_report(matrix_dir: Path, runs: list[RunResult]) -> None:
    html = (matrix_dir / "matrix.html").read_text(encoding="utf-8")
    rows = rows_of(html)
    assert list(rows) == list(load_catalog().ids)
    for column, run in enumerate(runs):
        statuses = {rid: cells[column][0] for rid, cells in rows.items()}
        expected = {rid: status if status != "not-exercised" else "not-run" for rid, status in run.statuses().items()}
        assert statuses == expected, run.report_dir
        for rid, cells in rows.items():
            link = cells[column][1]
            page, anchor = link.split("#")
            assert (matrix_dir / page).resolve() == (run.report_dir / "conformance.html").resolve()
            assert anchor == f"req-{rid}"
            assert f'id="{anchor}"' in (run.report_dir / "conformance.html").read_text(encoding="utf-8")
    failed = {rid for rid, cells in rows.items() for status, _ in cells if status == "failed"}
    assert failed == {"LIST-PARAMS-400", "LIST-DEFAULTS", "VALID-422", "UPDATE-NULL-REQUIRED"}


def test_every_requirement_links_to_its_anchor_in_the_contract(matrix_dir: Path) -> None:
    html = (matrix_dir / "matrix.html").read_text(encoding="utf-8")
    contract = (matrix_dir / "contract.html").read_text(encoding="utf-8")
    for rid in load_catalog().ids:
        assert f'<a href="contract.html#{rid}"' in html, rid
        assert f'<tr id="{rid}">' in contract, rid


def test_sections_and_overall_are_counted_per_implementation(matrix_dir: Path, runs: list[RunResult]) -> None:
    html = (matrix_dir / "matrix.html").read_text(encoding="utf-8")
    for name in NAMES:
        assert f">{name}</a>" in html
    overall = re.search(r'<tr class="section" id="overall">(.*?)</tr>', html, re.DOTALL)
    assert overall is not None
    passed = [int(count) for count in re.findall(r"(\d+) passed · ", overall.group(1))]
    assert passed == [sum(status == "passed" for status in run.statuses().values()) for run in runs]
    validation = re.search(r'<tr class="section" id="section-validation">(.*?)</tr>', html, re.DOTALL)
    assert validation is not None
    assert re.findall(r'<th class="impl">([^<]*)</th>', validation.group(1))[3] == "1/3 · 1 ✗"


def test_the_markdown_table_has_a_column_per_implementation(matrix_dir: Path) -> None:
    markdown = (matrix_dir / "matrix.md").read_text(encoding="utf-8")
    header = next(line for line in markdown.splitlines() if line.startswith("| requirement |"))
    assert [re.sub(r"\]\(.*", "", cell.strip()).lstrip("[") for cell in header.strip("|").split("|")][2:] == list(NAMES)
    row = next(
        line
        for line in markdown.splitlines()
        if line.startswith("| [`LIST-PARAMS-400`](contract.html#LIST-PARAMS-400)")
    )
    assert [cell.strip()[:2] for cell in row.strip("|").split("|")][2:] == ["[✅", "[❌", "[✅", "[✅"]


def test_the_matrix_renders_in_a_real_browser(matrix_dir: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium)")
    dom = subprocess.run(
        [chromium, *HEADLESS_CHROMIUM, "--dump-dom", (matrix_dir / "matrix.html").as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    assert re.search(r'data-render-ms="\d+"', dom), "the page's load handler did not run"
    assert dom.count('data-status="') == len(NAMES) * len(load_catalog().ids)
    assert "Items API conformance matrix" in dom
    screenshot = matrix_dir / "matrix.png"
    subprocess.run(
        [
            chromium,
            *HEADLESS_CHROMIUM,
            f"--screenshot={screenshot}",
            "--window-size=1280,1600",
            screenshot.with_suffix(".html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert screenshot.stat().st_size > 10_000


def test_a_folder_of_runs_gives_one_column_each_named_by_target(runs: list[RunResult], tmp_path: Path) -> None:
    runs_root = tmp_path / "runs"
    for index, run in enumerate(runs[1:]):
        shutil.copytree(run.report_dir, runs_root / f"run-{index}")
    code, output = conformance("matrix", str(runs_root), "--report-dir", str(tmp_path / "out"), workdir=tmp_path)
    assert code == 0, output
    html = (tmp_path / "out" / "matrix.html").read_text(encoding="utf-8")
    for fault in FAULTS:
        assert f">reference app, in-process (fault: {fault})</a>" in html
    assert html.count('data-status="') == len(FAULTS) * len(load_catalog().ids)


def test_names_must_match_the_reports(runs: list[RunResult], tmp_path: Path) -> None:
    code, output = conformance(
        "matrix", str(runs[0].report_dir), str(runs[1].report_dir), "--name", "only one", workdir=tmp_path
    )
    assert code == 2
    assert output.startswith("conformance: 1 --name for 2 reports (")
    assert len(output.strip().splitlines()) == 1
    assert not (tmp_path / "reports").exists()
