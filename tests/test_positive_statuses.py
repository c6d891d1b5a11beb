"""Generated valid requests are held to their own operation's success statuses, not to any operation's.

Schemathesis is given every operation's statuses at once (per-operation overrides cost 12-15% of a run), so
a valid create answered 200, or a delete answered 200, passes its check: the suite's own check must fail them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_conformance

WRONG_SUCCESS = {
    # fault: (operation, requirement, the status it answers that another operation's success would be)
    "create-200": ("POST /items", "CREATE-201", "200"),
    "delete-200-with-body": ("DELETE /items/{item_id}", "DELETE-204", "200"),
    "patch-missing-204": ("PATCH /items/{item_id}", "UPDATE-200", "204"),
}


@pytest.mark.parametrize(("fault", "expected"), WRONG_SUCCESS.items(), ids=WRONG_SUCCESS.keys())
def test_a_valid_request_answered_with_another_operations_success_fails(
    fault: str, expected: tuple[str, str, str], tmp_path: Path
) -> None:
    operation, requirement, status = expected
    run = run_conformance(
        "--fault", fault, "--max-examples", "5", "--", "-k", "test_valid_requests_are_accepted", workdir=tmp_path
    )
    assert run.exit_code == 1, run.output
    entry = next(entry for entry in run.summary["requirements"] if entry["id"] == requirement)
    assert entry["status"] == "failed"
    summaries = [
        (failure["test"], violation["summary"], violation["received"])
        for failure in entry["failures"]
        for violation in failure["violations"]
    ]
    test = f"suites/test_properties.py::test_valid_requests_are_accepted_as_documented[{operation}]"
    assert (test, f"Rejected positive data ({operation})", f"status {status}") in summaries


def test_the_reference_answers_every_valid_request_as_its_operation_documents(tmp_path: Path) -> None:
    run = run_conformance("--max-examples", "5", "--", "-k", "test_valid_requests_are_accepted", workdir=tmp_path)
    assert run.exit_code == 0, run.output
    assert run.summary["counts"]["tests"]["passed"] == 6
