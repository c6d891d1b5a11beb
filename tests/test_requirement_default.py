"""A `verify_…` call judges the requirement its test cites, unless it names another."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import httpx
import pytest

from conformance.checks.current import citing
from conformance.checks.verify import verify_status
from conformance.checks.violations import ContractViolation
from conformance.pytest.plugin import pytest_runtest_call


def answer(status: int) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("GET", "http://target/items/1"))


def judged_requirements(status: int, expected: int, **named: str) -> tuple[str, ...]:
    with pytest.raises(ContractViolation) as raised:
        verify_status(answer(status), expected, **named)
    return raised.value.requirements


def test_an_unnamed_check_judges_the_requirement_its_test_cites() -> None:
    with citing(("READ-404",)):
        assert judged_requirements(200, 404) == ("READ-404",)


def test_a_named_requirement_wins_over_the_cited_one() -> None:
    with citing(("UPDATE-200",)):
        assert judged_requirements(404, 200, requirement="READ-200") == ("READ-200",)


def test_a_5xx_also_fails_gen_no_5xx() -> None:
    with citing(("READ-200",)):
        assert judged_requirements(500, 200) == ("READ-200", "GEN-NO-5XX")


def test_an_unnamed_check_in_a_test_citing_several_is_a_usage_error() -> None:
    # Raised even when the check passes, so the reference run shows it.
    with citing(("VALID-400", "ITEM-ROUNDTRIP")), pytest.raises(TypeError, match="cites VALID-400, ITEM-ROUNDTRIP"):
        verify_status(answer(400), 400)


def test_an_unnamed_check_outside_a_test_is_a_usage_error() -> None:
    with pytest.raises(TypeError, match="no running test cites a requirement"):
        verify_status(answer(200), 200)


def test_a_worker_thread_judges_the_requirement_its_test_cites() -> None:
    def in_a_worker() -> tuple[str, ...]:
        assert threading.current_thread() is not threading.main_thread()
        return judged_requirements(200, 201)

    with citing(("CONC-CREATE",)), ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(in_a_worker).result() == ("CONC-CREATE",)


def test_the_cited_requirements_are_cleared_after_the_test() -> None:
    with pytest.raises(RuntimeError), citing(("READ-200",)):
        raise RuntimeError("the test failed")
    with pytest.raises(TypeError):
        verify_status(answer(200), 200)


class MarkedItem:
    """Stands for a suite test marked @pytest.mark.requirement("DELETE-404")."""

    def iter_markers(self, name: str) -> list[SimpleNamespace]:
        return [SimpleNamespace(args=("DELETE-404",))] if name == "requirement" else []


def test_the_plugin_cites_the_markers_requirements_while_the_test_runs() -> None:
    call = pytest_runtest_call(MarkedItem())  # type: ignore[arg-type]
    next(call)  # the test runs now
    assert judged_requirements(204, 404) == ("DELETE-404",)
    with pytest.raises(StopIteration):
        call.send(None)
    with pytest.raises(TypeError):
        verify_status(answer(200), 200)
