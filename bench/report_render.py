"""Benchmark: how big and how fast the HTML report is for a run with 10,000 failures.

    python bench/report_render.py [--failures 10000] [--chromium /usr/bin/chromium]

Builds a synthetic run summary (every failure with a full HTTP exchange), renders conformance.html
and conformance.json, and, when Chromium is installed, loads the HTML headless and reads the time
from navigation start to the load event that the report records on its <html> element.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script: the checkout's root is not on the path, and the browser flags live with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance.checks.violations import Violation
from conformance.contract.catalog import load_catalog
from conformance.pytest.finish import RunEnd, finish_run
from conformance.pytest.settings import build_settings
from conformance.reports.html import render_html
from conformance.reports.json_report import write_json_report
from conformance.reports.model import RunReport
from conformance.target.exchange import Exchange, Message
from conformance.target.facts import RunFacts
from conformance.verdict.outcomes import Outcome, TestOutcome
from tests.browser import HEADLESS_CHROMIUM


def synthetic_run(failures: int) -> RunReport:
    """A run of `failures` failed tests, spread over every requirement, through the real summary code."""
    catalog = load_catalog()
    body = json.dumps({"id": 1, "name": "x" * 200, "price": 9.99, "description": "d" * 1000})
    outcomes = []
    for index in range(failures):
        rid = catalog.ids[index % len(catalog.ids)]
        headers = [("authorization", "Bearer ***"), ("content-type", "application/json")]
        request = Message(headers, body, len(body), False)
        response = Message([("content-type", "text/html")], ("<h1>boom</h1>" * 400)[:4096], 10_000_000, True)
        curl = f'curl -i -X PUT http://127.0.0.1:8000/items/{index} -H "Authorization: Bearer ${{TOKEN}}"'
        url = f"http://127.0.0.1:8000/items/{index}"
        exchange = Exchange("PUT", url, request, 500, "Internal Server Error", response, curl)
        summary = f"PUT /items/{index} answered 500"
        violation = Violation((rid,), summary, "status 200", "status 500 Internal Server Error", exchange)
        outcomes.append(
            TestOutcome(
                f"suites/test_generated.py::test_case[{index}]",
                (rid,),
                Outcome.FAILED,
                failed_requirements=(rid,),
                message=f"[{rid}] PUT answered 500\n" + body,
                violations=[violation],
                duration=0.01,
            )
        )
    settings = build_settings({"base_url": "http://127.0.0.1:8000", "token": "t", "max_examples": 25})
    facts = RunFacts(requests=failures, observed={"PUT /items/{id}": {"500": failures}})
    now = time.time()
    return finish_run(RunEnd(outcomes, facts, settings, now, now + 1, 0), datetime.date.today()).report


def browser_load_ms(chromium: str, page: Path) -> tuple[int | None, float]:
    """(load event time the page records, wall time of the whole headless browser run)."""
    started = time.perf_counter()
    dom = subprocess.run(
        [chromium, *HEADLESS_CHROMIUM, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    wall = time.perf_counter() - started
    match = re.search(r'data-render-ms="(\d+)"', dom)
    return (int(match.group(1)) if match else None), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", type=int, default=10_000)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    data = synthetic_run(args.failures)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        html = render_html(data)
        render_s = time.perf_counter() - started
        page = Path(folder) / "conformance.html"
        page.write_text(html, encoding="utf-8")
        write_json_report(data, Path(folder) / "conformance.json")
        json_size = (Path(folder) / "conformance.json").stat().st_size
        print(f"failures: {args.failures}")
        print(f"HTML render (Python): {render_s:.2f} s")
        print(f"HTML size: {page.stat().st_size / 1e6:.1f} MB; JSON size: {json_size / 1e6:.1f} MB")
        if args.chromium:
            load_ms, wall = browser_load_ms(args.chromium, page)
            print(f"Chromium load event: {load_ms} ms after navigation start (headless run: {wall:.1f} s in all)")
        else:
            print("Chromium not found: browser load time not measured")


if __name__ == "__main__":
    main()
