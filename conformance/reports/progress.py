"""Progress of a long run: on a terminal one line that updates in place; in a CI log (no terminal) a plain
line now and then, with no control characters that a log viewer would show as garbage."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

SHOW_AFTER_S = 3.0
"""A run shorter than this shows no progress at all: its verdict comes first."""
TTY_EVERY_S = 0.2
PLAIN_EVERY_S = 15.0
"""A CI log gets a line at most this often (the first after as long): enough to see a run is alive."""
CLEAR = "\r\x1b[K"


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    section: str
    requests: int | None
    """None where this process sends no requests (an xdist controller: its workers do)."""
    retries: int = 0
    waited_s: float = 0.0

    def text(self) -> str:
        parts = [f"{self.done} of {self.total} tests"]
        if self.section:
            parts.append(self.section)
        if self.requests is not None:
            parts.append(f"{self.requests} requests")
        if self.retries:
            parts.append(f"{self.retries} retries waited ({self.waited_s:g} s)")
        return "progress: " + " · ".join(parts)


class ProgressLine:
    """Writes `Progress` to `stream`: in place on a terminal (after SHOW_AFTER_S), as plain lines otherwise;
    never more often than its interval."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic, width: int = 120) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.clock = clock
        self.width = width
        self.started = clock()
        self.last: float | None = None
        self.drawn = False

    def due(self) -> bool:
        now = self.clock()
        if not self.tty:
            # A log line only once a run has gone on for a while: short runs keep their logs as they were.
            return now - (self.last if self.last is not None else self.started) >= PLAIN_EVERY_S
        return now - self.started >= SHOW_AFTER_S and (self.last is None or now - self.last >= TTY_EVERY_S)

    def show(self, progress: Progress) -> None:
        """Draws `progress` when it is due."""
        if not self.due():
            return
        self.last = self.clock()
        text = progress.text()
        if self.tty:
            # Cut to the terminal's width: a wrapped line could not be redrawn in place.
            self.stream.write(CLEAR + text[: self.width - 1])
            self.drawn = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """Clears the line on a terminal, so the verdict starts on a clean one."""
        if self.tty and self.drawn:
            self.stream.write(CLEAR)
            self.stream.flush()
            self.drawn = False
