"""Sending at the target's pace: one request rate for the whole run, and 429/503 answers waited out.

A gateway that rate-limits says so with 429 (or 503) and `Retry-After`; that is not the API's answer
and must never be judged as one. The run waits as asked and sends again, within two bounds: retries of
one request (--max-retries) and seconds waited in all (--max-wait). Past either, the run stops as could
not judge. --rate-limit paces every request so that the gateway need not refuse any.

The run's processes (pytest-xdist workers) share one rate and one waiting budget through files in one
directory: a SQLite bucket (pyrate-limiter) and a small JSON ledger, each behind a file lock.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from filelock import FileLock
from pyrate_limiter import Limiter, Rate, SQLiteBucket

THROTTLED = frozenset({429, 503})
"""Statuses that mean "later" when they carry Retry-After. A 429 without it is still a rate limit;
a 503 without it is the server failing, judged like any 5xx."""


@dataclass(frozen=True)
class RateLimit:
    text: str
    limit: int
    interval_ms: int

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """`40/s`, `1000/m`, `5000/h` or `100000/d`, as Schemathesis spells it; ValueError otherwise."""
        # Imported here: importing Schemathesis costs a fix-loop run of hand-written tests a few tenths of a second.
        from schemathesis.core.errors import InvalidRateLimit
        from schemathesis.core.rate_limit import parse_units

        try:
            limit, interval = parse_units(text.strip())
        except InvalidRateLimit:
            raise ValueError(f"--rate-limit must look like 40/s, 1000/m or 5000/h, got {text!r}") from None
        if limit < 1:
            raise ValueError(f"--rate-limit must allow at least 1 request, got {text!r}")
        return cls(text.strip(), limit, int(interval))


def retry_after_seconds(value: str | None) -> float | None:
    """The wait a Retry-After header asks for (delay-seconds or an HTTP date), or None when unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
    return max(0.0, seconds) if not math.isnan(seconds) else None


class Throttled(RuntimeError):
    """The target kept answering "later" past the run's bounds."""


@dataclass
class Waiting:
    """What the run's processes waited, together; `stopped` is why waiting ended the run, once it has."""

    retries: int = 0
    waited_s: float = 0.0
    stopped: str | None = None


class Pacer:
    """One process's handle on the run's shared rate and waiting budget."""

    def __init__(self, state_dir: Path, rate: RateLimit | None, max_retries: int, max_wait: float) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._ledger = state_dir / "waiting.json"
        self._ledger_lock = FileLock(str(state_dir / "waiting.lock"))
        self._limiter: Limiter | None = None
        if rate is not None:
            bucket = SQLiteBucket.init_from_file(
                [Rate(rate.limit, rate.interval_ms)],
                table="requests",
                db_path=str(state_dir / "rate.sqlite"),
                use_file_lock=True,
            )
            self._limiter = Limiter(bucket)

    def before_send(self) -> None:
        """Blocks until the run's rate allows one more request."""
        if self._limiter is not None:
            self._limiter.try_acquire("requests")

    def delay_for(self, response: httpx.Response, retries: int) -> float | None:
        """Seconds to wait before sending the request again, or None when the response is the answer.

        The wait is booked against the run's budget before it is returned. Raises Throttled past
        --max-retries or --max-wait, and for every throttled answer after that.
        """
        if response.status_code not in THROTTLED:
            return None
        asked = retry_after_seconds(response.headers.get("retry-after"))
        if asked is None:
            if response.status_code != 429:
                return None
            asked = float(2**retries)  # no Retry-After: back off 1, 2, 4 … seconds
        what = f"{response.status_code} to {response.request.method} {response.request.url}"
        with self._ledger_lock:
            waiting = self._read()
            if waiting.stopped is None:
                if retries >= self.max_retries:
                    waiting.stopped = f"the target kept answering {what} after {retries} retries (--max-retries)"
                elif waiting.waited_s + asked > self.max_wait:
                    waiting.stopped = (
                        f"the target answered {what} asking to wait {asked:g} s, past the --max-wait of "
                        f"{self.max_wait:g} s for the run ({waiting.waited_s:g} s waited already)"
                    )
                else:
                    waiting.retries += 1
                    waiting.waited_s = round(waiting.waited_s + asked, 3)
            self._write(waiting)
        if waiting.stopped is not None:
            raise Throttled(waiting.stopped)
        return asked

    def totals(self) -> Waiting:
        with self._ledger_lock:
            return self._read()

    def close(self) -> None:
        if self._limiter is not None:
            self._limiter.close()

    def _read(self) -> Waiting:
        try:
            return Waiting(**json.loads(self._ledger.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return Waiting()

    def _write(self, waiting: Waiting) -> None:
        self._ledger.write_text(json.dumps(asdict(waiting)), encoding="utf-8")
