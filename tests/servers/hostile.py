"""A misbehaving server for the suite's reliability tests: the reference app behind a raw HTTP/1.1 front
that breaks the transport or the answers in one chosen way.

    python -m tests.servers.hostile --port P --token T --mode MODE

GET /items, the suite's first probe, is always answered properly unless the mode is about the whole
site (html, redirect), so that each mode reaches the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
from contextlib import AbstractContextManager

import httpx

from target_app import create_app
from tests.servers.running import Server, free_port, serve

MODES = (
    "pass",
    "html",
    "redirect",
    "hang",
    "slow",
    "reset",
    "invalid-json",
    "wrong-content-type",
    "huge-body",
    "close-keep-alive",
    "random-5xx",
    "echo-authorization",
)
HUGE = 20 * 1024 * 1024  # well past the 8 MB the suite reads


class Front:
    def __init__(self, mode: str, token: str, delay: float, record: str | None) -> None:
        self.mode = mode
        self.record = record
        self.delay = delay
        self.app = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(tokens=[token])), base_url="http://reference"
        )
        self.counter = itertools.count()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, target, _ = request_line.split(" ", 2)
                headers = dict(line.split(": ", 1) for line in header_lines if ": " in line)
                length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
                body = await reader.readexactly(length) if length else b""
                if not await self.answer(writer, method, target, headers, body):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def answer(
        self, writer: asyncio.StreamWriter, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> bool:
        """Writes one response; False closes the connection."""
        probe = method == "GET" and target.split("?")[0].rstrip("/") == "/items"
        number = next(self.counter)
        mode = self.mode
        if self.record:
            with open(self.record, "a", encoding="utf-8") as log:
                log.write(f"{method} {target}\n")
        if mode == "html":
            return await self.send(writer, 200, {"content-type": "text/html"}, b"<html><body>Welcome</body></html>")
        if mode == "redirect":
            return await self.send(writer, 301, {"location": "https://elsewhere.invalid/items"}, b"")
        if mode == "hang" and not probe:
            await asyncio.sleep(3600)
        if mode == "slow":
            await asyncio.sleep(self.delay)
        forwarded = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
        response = await self.app.request(method, target, headers=forwarded, content=body)
        status, content = response.status_code, response.content
        out = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "connection")}
        if probe:
            return await self.send(writer, status, out, content)
        if mode == "reset" and number % 4 == 0:
            writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"items": [')
            await writer.drain()
            return False
        if mode == "invalid-json" and status in (200, 201):
            content = content[: len(content) // 2]
        if mode == "wrong-content-type" and status in (200, 201):
            out["content-type"] = "text/html; charset=utf-8"
        if mode == "huge-body" and method == "GET" and status == 200:
            content = b'{"id": 1, "name": "' + b"x" * HUGE + b'"}'
        if mode == "random-5xx" and number % 5 == 0:
            status, content, out = 503, b'{"detail": "try later"}', {"content-type": "application/json"}
        if mode == "echo-authorization" and status >= 400:
            echoed = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
            content = json.dumps({"detail": f"rejected credentials {echoed}"}).encode()
            out["content-type"] = "application/json"
        keep = not (mode == "close-keep-alive" and number % 3 == 0)
        return await self.send(writer, status, out, content, keep)

    async def send(
        self, writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes, keep: bool = True
    ) -> bool:
        lines = [f"HTTP/1.1 {status} {httpx.codes.get_reason_phrase(status)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"content-length: {len(body)}")
        if not keep:
            lines.append("connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        return keep


async def listen(port: int, mode: str, token: str, delay: float, record: str | None) -> None:
    front = Front(mode, token, delay, record)
    server = await asyncio.start_server(front.handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def running(mode: str, token: str, *extra: str) -> AbstractContextManager[Server]:
    """This server in `mode` on a free port, for a test; stopped when the `with` block ends."""
    port = free_port()
    command = [sys.executable, "-m", "tests.servers.hostile", "--port", str(port), "--token", token, "--mode", mode]
    # In these modes GET /items is itself the misbehaviour, so readiness is the open port.
    return serve([*command, *extra], port, items=mode not in ("html", "redirect", "slow"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--mode", choices=MODES, required=True)
    parser.add_argument("--delay", type=float, default=2.0, help="seconds each answer waits in mode slow")
    parser.add_argument("--record", help="append `METHOD target` of every request to this file")
    args = parser.parse_args()
    asyncio.run(listen(args.port, args.mode, args.token, args.delay, args.record))


if __name__ == "__main__":
    main()
