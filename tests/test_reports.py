"""What a run writes: the HTML report, the JSON summary and JUnit XML, from real runs."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from html import unescape
from pathlib import Path

import httpx
import jsonschema
import pytest
from schemathesis.core.failures import AcceptedNegativeData

import contracts
from conformance.checks.generated import failure_title
from conformance.checks.violations import Violation
from conformance.contract.catalog import load_catalog
from conformance.pytest.finish import RunEnd, finish_run
from conformance.pytest.settings import build_settings
from conformance.reports.console import LINE_LIMIT, failure_text, print_causes
from conformance.reports.html import render_html
from conformance.reports.markdown import run_markdown
from conformance.reports.model import RunReport
from conformance.target.exchange import Exchange, Message
from conformance.target.facts import RunFacts
from conformance.verdict.outcomes import Outcome, TestOutcome
from tests.browser import HEADLESS_CHROMIUM
from tests.conftest import RunResult, shared_run

TOKEN = "Recognisable-Token-4242-do-not-leak"
REPO_REPORTS = Path(__file__).resolve().parents[1] / "reports"


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """A non-conformant run made with a recognisable token, so every output can be searched for it."""
    return shared_run(tmp_path_factory, "--fault", "validation-400", "--token", TOKEN, "--max-examples", "5")


def html_of(run: RunResult) -> str:
    return (run.report_dir / "conformance.html").read_text(encoding="utf-8")


def test_every_run_writes_its_reports(reference_run: RunResult, faulty_run: RunResult) -> None:
    for run in (reference_run, faulty_run):
        written = {path.name for path in run.report_dir.iterdir()}
        assert written >= {"conformance.html", "conformance.json", "junit.xml", "conformance.md", "contract.html"}


def test_the_json_summary_follows_its_published_schema(reference_run: RunResult, faulty_run: RunResult) -> None:
    schema = json.loads(contracts.REPORT_SCHEMA.read_text(encoding="utf-8"))
    for run in (reference_run, faulty_run):
        jsonschema.validate(run.summary, schema)
    assert [entry["id"] for entry in reference_run.summary["requirements"]] == list(load_catalog().ids)


def test_the_html_of_a_conformant_run(reference_run: RunResult) -> None:
    html = html_of(reference_run)
    assert '<header class="banner v-fully-conformant"' in html
    assert "FULLY CONFORMANT" in html
    assert 'id="failures"' not in html
    for requirement_id in load_catalog().ids:
        assert f'id="req-{requirement_id}"' in html, requirement_id
    assert "reference app, in-process" in html


def test_the_html_of_a_faulty_run_leads_with_failures_and_their_evidence(faulty_run: RunResult) -> None:
    html = html_of(faulty_run)
    assert faulty_run.summary["verdict"] == "non-conformant"
    assert "NON-CONFORMANT" in html
    failures_at, matrix_at = html.index('id="failures"'), html.index('id="requirements"')
    assert failures_at < matrix_at, "failures come before the requirement matrix"
    failures = html[failures_at:matrix_at]
    assert "VALID-422" in failures
    assert "<dt>expected</dt><dd>status 422</dd>" in failures
    assert "received</dt><dd>status 400 Bad Request</dd>" in failures
    assert "HTTP exchange: POST http://testserver.local/items → 400" in failures
    assert "curl -i -X POST http://testserver.local/items" in failures
    assert "Bearer ***" in failures


def test_a_test_not_run_says_why_in_the_reports(faulty_run: RunResult) -> None:
    # These tests find out only while running that the target never answers 422 to judge.
    not_run = [test for test in faulty_run.summary["tests"] if test["outcome"] == "skipped"]
    assert not_run, "validation-400 leaves the 422 error-body tests without a 422 to judge"
    for test in not_run:
        assert test["message"].startswith("precondition failed"), f"expected the reason first, received {test}"
        assert "POST /items answered 400, not 422" in test["message"], test


def test_documented_codes_never_received_are_shown_not_hidden(reference_run: RunResult) -> None:
    rows = {row["operation"]: row for row in reference_run.summary["operations"]}
    assert set(rows["POST /items"]["documented"]) == {"201", "400", "401", "422"}
    assert rows["GET /items/{id}"]["documented"]["404"] > 0
    # No request to GET /items/{id} can get a 400 from the reference: shown with a count of 0.
    assert rows["GET /items/{id}"]["documented"]["400"] == 0
    assert 'class="zero">400 (0)</span>' in html_of(reference_run)


def test_the_token_appears_in_no_output(faulty_run: RunResult) -> None:
    written = faulty_run.everything_written()
    assert TOKEN not in written
    assert "${CONFORMANCE_TOKEN}" in written, "curl lines name the variable instead"


def test_the_html_loads_nothing_from_outside(reference_run: RunResult, faulty_run: RunResult) -> None:
    for run in (reference_run, faulty_run):
        html = html_of(run)
        assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.IGNORECASE) == []
        assert "<link" not in html
        assert "@import" not in html
        assert "url(" not in html


def test_junit_names_the_requirements_of_every_test_case(faulty_run: RunResult) -> None:
    root = ElementTree.parse(faulty_run.report_dir / "junit.xml").getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == len(faulty_run.summary["tests"])
    for case in cases:
        properties = {p.get("name"): p.get("value") for p in case.findall("./properties/property")}
        assert properties.get("requirements"), case.get("name")
    failed = [case for case in cases if case.find("failure") is not None]
    assert any("VALID-422" in (case.find("failure").get("message") or "") for case in failed)  # type: ignore[union-attr]


def test_the_console_ends_with_the_summary_table(faulty_run: RunResult) -> None:
    assert "verdict: NON-CONFORMANT (exit 1)" in faulty_run.output
    assert "failed requirements: " in faulty_run.output
    assert "§4 Validation" in faulty_run.output


def test_each_failure_is_printed_whole_when_captured_as_ci_does(faulty_run: RunResult) -> None:
    """run_conformance reads stdout through a pipe, as every CI log does: no header may stand alone or
    cut off after `expected:` (pytest's one-line crash summary once repeated each header that way)."""
    lines = faulty_run.output.splitlines()
    headers = [index for index, line in enumerate(lines) if re.match(r"^\[[A-Z0-9, -]+\] \S", line)]
    assert headers, faulty_run.output
    for index in headers:
        following = lines[index + 1] if index + 1 < len(lines) else "(end of output)"
        assert re.match(r"^  expected: \S", following), (
            f"expected the evidence after {lines[index]!r}, received {following!r}"
        )


def test_the_report_renders_in_a_real_browser(faulty_run: RunResult) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium)")
    page = (faulty_run.report_dir / "conformance.html").as_uri()
    dom = subprocess.run(
        [chromium, *HEADLESS_CHROMIUM, "--dump-dom", page], capture_output=True, text=True, timeout=120, check=False
    ).stdout
    assert re.search(r'data-render-ms="\d+"', dom), "the page's load handler did not run"
    assert "NON-CONFORMANT" in dom
    assert dom.count('<tr id="req-') == len(load_catalog().ids)
    REPO_REPORTS.mkdir(exist_ok=True)
    screenshot = REPO_REPORTS / "conformance-screenshot.png"
    screenshot.unlink(missing_ok=True)
    subprocess.run(
        [chromium, *HEADLESS_CHROMIUM, f"--screenshot={screenshot}", "--window-size=1280,1600", page],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert screenshot.stat().st_size > 10_000


def test_each_requirement_links_to_its_anchor_in_the_contract_beside_the_report(reference_run: RunResult) -> None:
    html = html_of(reference_run)
    contract = (reference_run.report_dir / "contract.html").read_text(encoding="utf-8")
    assert contract == contracts.CONTRACT_HTML.read_text(encoding="utf-8")
    catalog = load_catalog()
    for rid in catalog.ids:
        assert f'<td><a href="contract.html#{rid}"><code>{rid}</code></a></td>' in html, rid
        assert f'<tr id="{rid}">' in contract, rid
    named = reference_run.summary["manifest"]["contract"]
    assert (named["name"], named["version"], named["document"]) == (catalog.contract, catalog.version, "contract.html")
    assert f'<a href="contract.html">{catalog.contract} contract, version {catalog.version}</a>' in html


def test_without_expectations_the_gate_is_the_verdict(reference_run: RunResult, faulty_run: RunResult) -> None:
    for run in (reference_run, faulty_run):
        gate = run.summary["gate"]
        assert gate["expectations"] is None
        assert gate["exit_code"] == run.summary["exit_code"] == run.exit_code
        assert gate["reason"] == run.summary["reason"]
        assert gate["expected"] == gate["unexpected_passes"] == gate["expired"] == []
        assert 'id="gate"' not in html_of(run)
    assert {row["id"] for row in faulty_run.summary["gate"]["unexpected_failures"]} == faulty_run.failed()
    assert reference_run.summary["gate"]["passed"] is True


def test_the_markdown_summary_leads_with_the_verdict_and_quotes_evidence(faulty_run: RunResult) -> None:
    markdown = (faulty_run.report_dir / "conformance.md").read_text(encoding="utf-8")
    assert markdown.startswith("### ❌ Items API conformance: NON-CONFORMANT\n\n**NON-CONFORMANT** (exit 1) — MUST")
    assert "| §4 Validation | 1 | 1 | 1 |" in markdown
    assert re.search(
        r"^\| `VALID-422` \| MUST \| ran \d+ of \d+ tests, \d+ failed it[^|]* \| "
        r"POST /items[^|]*: expected status 422, received status 400",
        markdown,
        re.M,
    )
    assert TOKEN not in markdown


def exchange(method: str, path: str, status: int, curl_body: str = "{}") -> Exchange:
    message = Message([("content-type", "application/json")], "{}", 2, False)
    curl = f"curl -i -X {method} http://target.test{path} --data-binary '{curl_body}'"
    return Exchange(method, f"http://target.test{path}", message, status, "OK", message, curl)


def create_answering(index: int, status: int = 200) -> TestOutcome:
    violation = Violation(
        ("CREATE-201",), "POST /items", "status 201", f"status {status} OK", exchange("POST", "/items", status)
    )
    nodeid = f"suites/test_create.py::test_a_valid_create_gets_201[{index}]"
    return TestOutcome(
        nodeid, ("CREATE-201",), Outcome.FAILED, ("CREATE-201",), "[CREATE-201] POST /items", [violation]
    )


BLOCKED_BY_CREATE = ("READ-200", "REPLACE-200", "UPDATE-200", "DELETE-204", "LIST-ORDER")


@pytest.fixture(scope="module")
def first_run() -> RunReport:
    """A first run's report: creates answer 200 (once 202), which blocks five requirements' tests (40 of them),
    and a list that never holds still blocks CONC-UPDATE's; everything else passes."""
    catalog = load_catalog()
    blocked = [*BLOCKED_BY_CREATE, "CONC-UPDATE", "CREATE-201"]
    outcomes = [
        TestOutcome(f"suites/test_all.py::test_{rid}", (rid,), Outcome.PASSED)
        for rid in catalog.ids
        if rid not in blocked
    ]
    outcomes += [create_answering(index) for index in range(4)] + [create_answering(4, status=202)]
    outcomes += [
        TestOutcome(
            f"suites/test_blocked.py::test_{rid}[{index}]",
            (rid,),
            Outcome.NOT_RUN,
            message=f"precondition failed (needs CREATE-201): POST /items answered 200, not 201 (item {index})",
        )
        for index in range(8)
        for rid in BLOCKED_BY_CREATE
    ]
    outcomes += [
        TestOutcome(
            f"suites/test_concurrency.py::test_patches[{tries}]",
            ("CONC-UPDATE",),
            Outcome.NOT_RUN,
            message=f"precondition failed: the list did not hold still for {tries} reads of 'run {tries}'",
        )
        for tries in (3, 5)
    ]
    settings = build_settings({"base_url": "http://target.test", "token": "t", "max_examples": 5})
    now = time.time()
    return finish_run(RunEnd(outcomes, RunFacts(), settings, now, now + 1, 0), datetime.date.today()).report


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_first_screen_has_one_line_per_failed_requirement_and_what_it_blocks(first_run: RunReport) -> None:
    html = render_html(first_run)
    summary = text_of(html[html.index('id="summary"') : html.index('id="failures"')])
    expected = (
        "CREATE-201 MUST 5 tests failed · blocks 5 requirements "
        "POST /items: expected status 201, received status 200 OK"
    )
    assert expected in summary, f"expected {expected!r} in the first screen, received {summary!r}"
    headlines = [
        "5 requirements were not judged because CREATE-201 failed: fix that first (40 tests)",
        "1 requirement was not judged: the list did not hold still for N reads of '…' (2 tests)",
    ]
    at = [summary.find(headline) for headline in headlines]
    assert -1 not in at, f"expected {headlines}, received {summary!r}"
    assert at == sorted(at), f"expected {headlines} in this order, received {summary!r}"


def test_the_cards_show_each_kind_of_failure_once_and_n_more_like_this(first_run: RunReport) -> None:
    html = render_html(first_run)
    card = html[html.index('id="fail-CREATE-201"') : html.index('id="not-run"')]
    exchanges = re.findall(r"HTTP exchange: POST http://target.test/items → (\d+)", card)
    assert exchanges == ["200", "202"], f"expected the first failure of each kind in full, received {exchanges}"
    assert card.count("and 3 more like this") == 1, "the other three 200s, one line each"
    assert "ran 5 of 5 tests, 5 failed it" in card


def test_tests_not_run_are_grouped_by_cause_each_group_collapsible(first_run: RunReport) -> None:
    html = render_html(first_run)
    groups = html[html.index('id="not-run"') :]
    first = groups[groups.index('<details id="cause-1">') : groups.index('<details id="cause-2">')]
    assert "because CREATE-201 failed" in first
    assert first.count("<tr><td><code>suites/test_blocked.py::") == 40, "every blocked test, inside its group"
    for rid in BLOCKED_BY_CREATE:
        assert f'<a href="#req-{rid}"><code>{rid}</code></a>' in first, rid
    assert "suites/test_concurrency.py::test_patches[3]" in groups[groups.index('<details id="cause-2">') :]
    row = html[html.index('<tr id="req-UPDATE-200">') :]
    assert "none of its 8 tests ran" in row[: row.index("</tr>")]


def test_the_markdown_lists_the_contract_gaps_as_the_html_does(first_run: RunReport) -> None:
    gap = {
        "summary": "PUT item 0 {'name': 'x'}: a silence",
        "expected": "200",
        "received": "409",
        "history": ["1. POST /items {'name': 'x', 'price': 1}", "2. PUT item 0 {'name': 'x'}"],
        "replay": ["curl -i -X POST http://testserver.local/items", "curl -i -X PUT http://testserver.local/items/1"],
    }
    report = replace(first_run, contract_gaps=[gap])
    markdown = run_markdown(report)
    assert "**Contract gaps**" in markdown, markdown[-2000:]
    for fact in (gap["expected"], gap["received"], *gap["history"], *gap["replay"]):
        assert fact in markdown, f"expected {fact!r} in the Markdown gaps section, got {markdown[-2000:]}"
    assert "**Contract gaps**" not in run_markdown(first_run), "a run without gaps has no gaps section"


def test_the_markdown_and_the_console_lead_with_what_blocks_the_most(first_run: RunReport) -> None:
    markdown = run_markdown(first_run)
    assert (
        "| `CREATE-201` | MUST | ran 5 of 5 tests, 5 failed it; **blocks 5 requirements** | POST /items: expected"
        in markdown
    )
    line = (
        "- 5 requirements were not judged because CREATE-201 failed: fix that first (40 tests): "
        "LIST-ORDER, READ-200, REPLACE-200, UPDATE-200, DELETE-204"
    )
    assert line in markdown.splitlines(), markdown

    class Terminal:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def write_line(self, line: str, **markup: bool) -> None:
            self.lines.append(line)

    terminal = Terminal()
    print_causes(terminal, first_run)
    assert terminal.lines[0] == (
        "not judged: 5 requirements were not judged because CREATE-201 failed: fix that first (40 tests)"
    ), terminal.lines


def test_the_console_prints_a_few_short_lines_per_failure_and_says_what_it_cut() -> None:
    """A 1 MiB body's curl line and a long multi-line received text, in a test with five violations."""
    body = "x" * (1 << 20)
    violation = Violation(
        ("VALID-422",),
        "POST /items with a 1 MiB name",
        "status 422",
        "status 500\n" + "trace line\n" * 50,
        exchange("POST", "/items", 500, curl_body=body),
        ["one", "two", "three"],
    )
    text = failure_text([violation] * 5, "the whole message")
    lines = text.splitlines()
    assert max(map(len, lines)) <= 4000, f"received a line of {max(map(len, lines))} characters"
    assert all(len(line) <= LINE_LIMIT + 80 for line in lines)
    assert len(lines) <= 18, f"expected at most 2 violations of 8 lines, received {len(lines)}:\n{text}"
    assert lines[:3] == [
        "[VALID-422] POST /items with a 1 MiB name",
        "  expected: status 422",
        "  received: status 500 [and 50 more lines]",
    ], lines[:3]
    curl = next(line for line in lines if line.startswith("  reproduce: curl"))
    cut = len("curl -i -X POST http://target.test/items --data-binary ''") + len(body) - LINE_LIMIT
    assert curl.endswith(f"… [{cut:,} more characters cut: the reports have them]"), curl[-120:]
    assert lines[-1] == "… and 3 more violations: the whole is in conformance.json and conformance.html", lines[-1]


def test_a_generated_invalid_case_answered_405_is_not_called_accepted() -> None:
    """Schemathesis titles every unexpected status of an invalid request "accepted"; the card says what came."""
    refused = AcceptedNegativeData(operation="PATCH /items/{id}", message="m", status_code=405, expected_statuses=[])
    assert failure_title(refused, httpx.Response(405)) == "Schema-violating request answered 405"
    accepted = AcceptedNegativeData(operation="POST /items", message="m", status_code=201, expected_statuses=[])
    assert failure_title(accepted, httpx.Response(201)) == "Schema-violating request accepted"


def server_data_report(facts: RunFacts) -> RunReport:
    settings = build_settings({"base_url": "http://target.test", "token": "t", "max_examples": 5})
    outcomes = [TestOutcome("suites/test_read.py::test_read", ("READ-200",), Outcome.PASSED)]
    now = time.time()
    return finish_run(RunEnd(outcomes, facts, settings, now, now + 1, 0), datetime.date.today()).report


def test_the_reports_account_for_every_item_the_run_touched() -> None:
    """A run on a pre-filled server that left two items and one entry without an id, and saw a seed change."""
    facts = RunFacts(
        created=9, deleted=7, leftovers=[12, "abc"], leftovers_without_id=1, others_changed=[3], unknown=["a 500"]
    )
    data = server_data_report(facts)
    html = render_html(data)
    first_screen = text_of(html[html.index('id="verdict"') : html.index("</header>", html.index('id="verdict"'))])
    for warning in (
        "1 items the run did not create were changed or gone at the end",
        "The run left 3 items on the server",
    ):
        assert warning in first_screen, f"expected {warning!r} on the first screen, received {first_screen!r}"
    section = text_of(html[html.index('id="server-data"') : html.index('id="manifest"')])
    for fact in (
        "items created · deleted 9 · 7",
        "2 created by the run and not deleted: 12, abc; 1 stored entries without an id",
        "measured in full no : a 500",
        "other items changed or gone 1 items found at the start",
    ):
        assert fact in section, f"expected {fact!r} in the server-data section, received {section!r}"
    markdown = run_markdown(data)
    expected = "**The server's data:** 9 items created, 7 deleted; **2 left on the server** (could not delete): 12, abc"
    assert expected in markdown, markdown
    assert "not measured in full (a 500)" in markdown, markdown
    assert "**WARNING: 1 items found at the start" in markdown, markdown


def test_a_clean_run_says_it_left_nothing() -> None:
    html = render_html(server_data_report(RunFacts(created=4, deleted=4)))
    section = text_of(html[html.index('id="server-data"') : html.index('id="manifest"')])
    assert "left on the server none" in section, section
    assert "changed or gone none" in section, section
    assert "yes: the whole list was compared with the start" in section, section
    banner = text_of(html[html.index('id="verdict"') : html.index("</header>", html.index('id="verdict"'))])
    assert "left" not in banner, banner
    assert "changed" not in banner, banner
