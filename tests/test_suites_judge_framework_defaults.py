"""A server written by following another framework's defaults is judged on exactly where they differ.

(The catalogue of the reference app's faults is judged by `conformance selftest`: tests/test_selftest.py.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import run_conformance
from tests.servers.running import free_port, serve

QUICK = ("--max-examples", "5")


@pytest.mark.wholerun
def test_litestar_defaults_fail_exactly_where_they_differ_from_the_contract(tmp_path: Path) -> None:
    """400 instead of 422, lax coercion, unknown members ignored, no problem details, and the framework's HTML
    404 for unknown pages below its docs (/schema/…): nothing else."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "tests.servers.litestar_defaults:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with serve(command, port, env={"ITEMS_API_TOKENS": "defaults-token"}) as server:
        result = run_conformance("--base-url", server.url, "--token", "defaults-token", *QUICK, workdir=tmp_path)
    assert result.exit_code == 1, result.output[-3000:]
    # ERR-BODY: Litestar's own pages under /schema/ answer an unknown path with an HTML 404.
    assert result.failed() == {"VALID-422", "UPDATE-NULL-REQUIRED", "ERR-PROBLEM", "ERR-BODY"}
    error_body = next(entry for entry in result.summary["requirements"] if entry["id"] == "ERR-BODY")
    assert [failure["test"].rsplit("[", 1)[-1] for failure in error_body["failures"]] == ["404-below-a-docs-path]"]
    assert result.statuses()["VALID-FIELDS"] == "not-run"  # no 422 ever came back to judge
