"""Progress of a long run: one line updated in place on a terminal, plain lines in a CI log."""

from __future__ import annotations

import io
import re

from conformance.reports.progress import PLAIN_EVERY_S, SHOW_AFTER_S, Progress, ProgressLine

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
"""Every control character but the newline."""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _progress(done: int) -> Progress:
    return Progress(done, 40, "§3.2 Create — POST /items", 10 * done, retries=2, waited_s=1.5)


def _run(stream: io.StringIO, seconds: float, step: float = 0.1) -> ProgressLine:
    """A run of `seconds`, one test done every `step` seconds."""
    clock = Clock()
    line = ProgressLine(stream, clock, width=80)
    for done in range(1, int(seconds / step) + 1):
        clock.now += step
        line.show(_progress(done))
    line.finish()
    return line


def test_the_line_says_tests_done_of_total_the_section_requests_and_retries() -> None:
    assert _progress(7).text() == (
        "progress: 7 of 40 tests · §3.2 Create — POST /items · 70 requests · 2 retries waited (1.5 s)"
    )
    assert "requests" not in Progress(1, 2, "", None).text(), "an xdist controller sends no requests itself"


def test_on_a_terminal_one_line_updates_in_place_and_is_cleared_at_the_end() -> None:
    stream = FakeTty()
    _run(stream, seconds=SHOW_AFTER_S + 2)
    written = stream.getvalue()
    assert "\n" not in written, f"expected one line redrawn in place, got {written!r}"
    draws = written.split("\r\x1b[K")
    assert len(draws) > 5, f"expected the line redrawn several times, got {len(draws)}"
    assert draws[-1] == "", "expected the line cleared at the end, so the verdict starts clean"
    assert all(len(draw) < 80 for draw in draws), "a line wider than the terminal cannot be redrawn"


def test_a_short_run_on_a_terminal_shows_no_progress() -> None:
    stream = FakeTty()
    _run(stream, seconds=SHOW_AFTER_S - 0.5)
    assert stream.getvalue() == ""


def test_in_a_ci_log_it_writes_plain_lines_now_and_then() -> None:
    stream = io.StringIO()
    _run(stream, seconds=PLAIN_EVERY_S * 3 + 1)
    written = stream.getvalue()
    assert not CONTROL.search(written), f"expected no control characters in a log, got {written!r}"
    lines = written.splitlines()
    assert len(lines) == 3, f"expected a line every {PLAIN_EVERY_S} s, got {lines}"
    assert all(line.startswith("progress: ") for line in lines)
    assert written.endswith("\n")
