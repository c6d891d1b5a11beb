"""An HTTP exchange as evidence: what was sent, what came back, and a curl command to replay it."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import httpx

from conformance.target.redaction import Redactor

CUT_KEY = "conformance.cut"
"""Set on a response whose body the client stopped reading at its size limit."""
REDACTOR_KEY = "conformance.redactor"
CURL_KEY = "conformance.curl"
"""Set by the client on every response it received: what evidence of it redacts and adds to curl lines."""
BODY_LIMIT = 4096
"""Bodies longer than this are cut in evidence; their full size is still shown."""


@dataclass(frozen=True, slots=True)
class Message:
    headers: list[tuple[str, str]]
    body: str
    body_size: int
    truncated: bool

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "headers": [list(header) for header in self.headers]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        headers = [(str(name), str(value)) for name, value in data["headers"]]
        return cls(headers, data["body"], data["body_size"], data["truncated"])


@dataclass(frozen=True, slots=True)
class Exchange:
    method: str
    url: str
    request: Message
    status: int | None
    reason: str
    response: Message | None
    curl: str

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "request": self.request.to_json(),
            "status": self.status,
            "reason": self.reason,
            "response": None if self.response is None else self.response.to_json(),
            "curl": self.curl,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exchange:
        """Also an exchange of a report written before `reason` and the messages were kept: they read as empty."""
        request, response = data.get("request"), data.get("response")
        return cls(
            method=data["method"],
            url=data["url"],
            request=Message.from_json(request) if request else Message([], "", 0, False),
            status=data["status"],
            reason=data.get("reason", ""),
            response=Message.from_json(response) if response else None,
            curl=data["curl"],
        )

    def without_bodies(self) -> Exchange:
        """The exchange with its status, sizes and curl line only: what a report keeps of later failures."""

        def slim(message: Message) -> Message:
            return Message([], "", message.body_size, True)

        return replace(self, request=slim(self.request), response=self.response and slim(self.response))

    def render(self) -> str:
        lines = [f"> {self.method} {self.url}"]
        lines += [f"> {name}: {value}" for name, value in self.request.headers]
        if self.request.body_size:
            lines.append(f"> {_shown(self.request)}")
        if self.response is None:
            lines.append("< (no response)")
        else:
            lines.append(f"< {self.status} {self.reason}".rstrip())
            lines += [f"< {name}: {value}" for name, value in self.response.headers]
            lines.append(f"< {_shown(self.response) if self.response.body_size else '(empty body)'}")
        lines.append(f"reproduce: {self.curl}")
        return "\n".join(lines)


def _shown(message: Message) -> str:
    if message.truncated:
        return f"{message.body}… [{message.body_size} bytes in all, first {BODY_LIMIT} shown]"
    return message.body


def _message(headers: httpx.Headers, content: bytes, redactor: Redactor) -> Message:
    text = content[:BODY_LIMIT].decode("utf-8", errors="replace")
    return Message(
        headers=[(name, redactor.text(value)) for name, value in headers.multi_items()],
        body=redactor.text(text),
        body_size=len(content),
        truncated=len(content) > BODY_LIMIT,
    )


def curl_command(request: httpx.Request, redactor: Redactor, options: Sequence[str] = ()) -> str:
    """`options` are the run's own curl options (TLS), already quoted for the shell."""
    parts = ["curl", "-i", *options, "-X", request.method, shlex.quote(str(request.url))]
    for name, value in request.headers.multi_items():
        if name.lower() in {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}:
            continue
        header = f"{name}: {value}"
        masked = redactor.shell(header)
        # Double quotes only where the shell must expand a secret's variable.
        parts += ["-H", f'"{masked}"' if masked != header else shlex.quote(header)]
    if request.content:
        body = request.content.decode("utf-8", errors="replace")
        parts += ["--data-binary", shlex.quote(redactor.text(body))]
    return " ".join(parts)


def from_response(response: httpx.Response, redactor: Redactor, curl_options: Sequence[str] = ()) -> Exchange:
    request = response.request
    cut = f" (body cut by the suite after {len(response.content)} bytes)" if response.extensions.get(CUT_KEY) else ""
    return Exchange(
        method=request.method,
        url=redactor.text(str(request.url)),
        request=_message(request.headers, request.content, redactor),
        status=response.status_code,
        reason=response.reason_phrase + cut,
        response=_message(response.headers, response.content, redactor),
        curl=curl_command(request, redactor, curl_options),
    )


def from_request(request: httpx.Request, redactor: Redactor, curl_options: Sequence[str] = ()) -> Exchange:
    """For a request that got no response (timeout, reset connection)."""
    return Exchange(
        method=request.method,
        url=redactor.text(str(request.url)),
        request=_message(request.headers, request.content, redactor),
        status=None,
        reason="",
        response=None,
        curl=curl_command(request, redactor, curl_options),
    )


def exchange_of(response: httpx.Response) -> Exchange:
    """The evidence for a response the client received, redacted with the run's secrets."""
    extensions = response.extensions
    return from_response(response, extensions.get(REDACTOR_KEY) or Redactor(), extensions.get(CURL_KEY, ()))
