"""Real server processes for the project's tests: started on a free 127.0.0.1 port, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

READY_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[str]


def _answers(url: str, items: bool) -> bool:
    """Whether the server is up: GET /items answers, or (for servers whose /items misbehaves) the port accepts."""
    if not items:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", int(url.rsplit(":", 1)[1]))) == 0
    try:
        httpx.get(f"{url}/items", timeout=1.0)
    except httpx.TransportError:
        return False
    return True


def stop(process: subprocess.Popen[Any], session: bool = False) -> None:
    """Stops `process`: SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT. With `session` (it was
    started in its own session) the signals go to its process group, so whatever it started stops too."""
    if process.poll() is not None:
        return  # reaped: its pid, and so its group id, may be someone else's by now
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            if session:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def serve(
    command: list[str],
    port: int,
    env: dict[str, str] | None = None,
    items: bool = True,
    *,
    cwd: Path | None = None,
    log: Path | None = None,
    session: bool = False,
) -> Iterator[Server]:
    """Runs `command` until it answers, yields it, and always stops it.

    Its output goes to a pipe the caller may read, or to `log` for a caller that never reads it (a server
    that outlives a pipe's buffer would block on it). `session` starts it in its own process session.
    """
    with log.open("w", encoding="utf-8") if log else nullcontext(subprocess.PIPE) as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=session,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        # Alive after answering, so the answer is not from another process that took the port.
        while not (_answers(url, items) and process.poll() is None):
            if process.poll() is not None:
                printed = log.read_text(encoding="utf-8") if log else process.stdout.read()  # type: ignore[union-attr]
                raise RuntimeError(f"{command} exited with {process.returncode}: {printed}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not answer on {url} within {READY_TIMEOUT}s")
            time.sleep(0.1)
        yield Server(url, process)
    finally:
        stop(process, session)


REFERENCE_TOKEN = "reference-test-token-5b1e0c7d"
