"""Real server processes for the project's tests: started on a free 127.0.0.1 port, always stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

READY_TIMEOUT = 20.0


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


@contextmanager
def serve(command: list[str], port: int, env: dict[str, str] | None = None, items: bool = True) -> Iterator[Server]:
    """Runs `command` until it answers, yields it, and always stops it."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not _answers(url, items):
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}: {process.stdout.read()}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not answer on {url} within {READY_TIMEOUT}s")
            time.sleep(0.1)
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


REFERENCE_TOKEN = "reference-test-token-5b1e0c7d"
