"""Fixtures shared by the project's own tests: real servers on 127.0.0.1, each stopped by the test that
started it. (The conformance suites get theirs from conformance/plugin.py.)"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.servers.running import REFERENCE_TOKEN, Server, free_port, serve


@pytest.fixture
def reference_server() -> Iterator[Server]:
    """`python -m target_app` on a free port with a known token."""
    port = free_port()
    command = [sys.executable, "-m", "target_app", "--host", "127.0.0.1", "--port", str(port)]
    with serve([*command, "--token", REFERENCE_TOKEN], port) as server:
        yield server
