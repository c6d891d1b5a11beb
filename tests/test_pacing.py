"""Waiting on the target's terms: Retry-After read in both forms, the bounds shared by every process of a
run, and the client that sends again only while they hold. No server: httpx's mock transport answers."""

from __future__ import annotations

import time
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest

from conformance.target.client import ApiClient
from conformance.target.errors import TargetDown
from conformance.target.ledger import Ledger
from conformance.target.pacing import Pacer, RateLimit, Throttled, retry_after_seconds
from conformance.target.redaction import Redactor


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("1", 1.0), ("0", 0.0), ("2.5", 2.5), ("-3", 0.0), (None, None), ("", None), ("soon", None), ("nan", None)],
)
def test_retry_after_in_seconds(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_retry_after_as_an_http_date() -> None:
    later = retry_after_seconds(formatdate(time.time() + 30, usegmt=True))
    assert later is not None
    assert 28 <= later <= 30
    assert retry_after_seconds(formatdate(time.time() - 30, usegmt=True)) == 0.0


@pytest.mark.parametrize(("text", "limit", "interval_ms"), [("40/s", 40, 1000), ("1000/m", 1000, 60_000)])
def test_rate_limits_are_spelled_as_schemathesis_spells_them(text: str, limit: int, interval_ms: int) -> None:
    assert RateLimit.parse(text) == RateLimit(text, limit, interval_ms)


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "http://target.test/items"))


def test_only_answers_that_say_later_are_waited_for(tmp_path: Path) -> None:
    pacer = Pacer(tmp_path, None, max_retries=3, max_wait=60)
    assert pacer.delay_for(answer(200), 0) is None
    assert pacer.delay_for(answer(503), 0) is None  # a 5xx without Retry-After is judged
    assert pacer.delay_for(answer(503, **{"Retry-After": "2"}), 0) == 2.0
    assert pacer.delay_for(answer(429), 2) == 4.0  # no Retry-After: back off 1, 2, 4 … seconds
    assert (pacer.totals().retries, pacer.totals().waited_s) == (2, 6.0)


def test_the_bounds_are_shared_by_the_runs_processes_and_stay_crossed(tmp_path: Path) -> None:
    first, second = (Pacer(tmp_path, None, max_retries=5, max_wait=10) for _ in range(2))
    assert first.delay_for(answer(429, **{"Retry-After": "6"}), 0) == 6.0
    with pytest.raises(Throttled, match=r"asking to wait 6 s, past the --max-wait of 10 s .*6 s waited"):
        second.delay_for(answer(429, **{"Retry-After": "6"}), 0)
    with pytest.raises(Throttled, match="--max-wait"):
        first.delay_for(answer(429, **{"Retry-After": "0"}), 0)
    assert first.totals().stopped == second.totals().stopped


def client(tmp_path: Path, answers: list[httpx.Response]) -> tuple[ApiClient, list[httpx.Request]]:
    """A client whose target gives these answers in turn, then the last one for ever."""
    sent: list[httpx.Request] = []

    def respond(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers[min(len(sent), len(answers)) - 1]

    http = httpx.Client(base_url="http://target.test", transport=httpx.MockTransport(respond))
    pacer = Pacer(tmp_path, None, max_retries=2, max_wait=60)
    return ApiClient(http, token=None, ledger=Ledger(), redactor=Redactor(), pacer=pacer), sent


def test_the_client_sends_again_while_the_bounds_hold(tmp_path: Path) -> None:
    later = httpx.Response(429, headers={"Retry-After": "0"})
    api, sent = client(tmp_path, [later, later, httpx.Response(200, json={})])
    assert api.get("/items").status_code == 200
    assert len(sent) == api.request_count == 3
    assert api.observed == {("GET /items", 200): 1}


def test_the_client_gives_up_past_max_retries(tmp_path: Path) -> None:
    api, sent = client(tmp_path, [httpx.Response(503, headers={"Retry-After": "0"})])
    with pytest.raises(TargetDown, match=r"kept answering 503 to GET http://target.test/items after 2 retries"):
        api.get("/items")
    assert len(sent) == 3
