"""The probe before a run, on a server whose GET /items redirects: a router that only adds a trailing slash is
judged (with a note saying the contract's paths break), a redirect elsewhere is refused with a --base-url
that works."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conformance.target.opening import Preflight, own_pacer, preflight
from conformance.target.options import TargetOptions


@contextmanager
def redirecting(location: str) -> Iterator[str]:
    """A server on 127.0.0.1 answering every GET with 301 to `location` ({base} is its own address)."""

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(301)
            self.send_header("Location", location.format(base=base))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def probe(base_url: str) -> Preflight:
    options = TargetOptions(base_url=base_url)
    with own_pacer(options) as pacer:
        return preflight(options, pacer)


@pytest.mark.parametrize(("mount", "location"), [("", "/items/"), ("/api", "{base}/api/items/")])
def test_a_redirect_that_only_adds_a_trailing_slash_is_judged_with_a_note(mount: str, location: str) -> None:
    with redirecting(location) as base:
        found = probe(f"{base}{mount}")
    assert found.problem is None, f"expected the run to go ahead, received the refusal {found.problem!r}"
    expected = "the contract's paths have no trailing slash, so the requirements on /items will fail"
    assert expected in (found.note or ""), f"expected {expected!r} in the note, received {found.note!r}"


@pytest.mark.parametrize(
    ("location", "advice"),
    [
        ("https://elsewhere.invalid/items", "run with --base-url https://elsewhere.invalid,"),
        ("{base}/api/v2/items", "run with --base-url {base}/api/v2,"),
        ("{base}/api/v2/items/", "run with --base-url {base}/api/v2,"),
        ("{base}/login?next=/items", "which is not an /items path: is --base-url the root of the Items API?"),
    ],
    ids=["to-https", "to-a-prefix", "to-a-prefix-with-slash", "to-a-login-page"],
)
def test_a_redirect_elsewhere_is_refused_with_a_base_url_that_works(location: str, advice: str) -> None:
    with redirecting(location) as base:
        found = probe(base)
    expected = advice.format(base=base)
    assert "redirects (301 to" in (found.problem or ""), f"expected a refusal, received {found}"
    assert expected in (found.problem or ""), f"expected {expected!r} in {found.problem!r}"
