"""§5 Responses in general: media types, error bodies, unknown paths and methods, no 5xx."""

from __future__ import annotations

import json
import re

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import Scope

from target_app.errors import problem_response
from target_app.faults.registry import fault
from target_app.faults.seams import Headers, edit_requests, handle_errors, json_response, response_fault, without
from target_app.parts import AppParts


@response_fault("success-text-plain", ("GEN-JSON",), "200 and 201 answers say Content-Type: text/plain")
def _success_text_plain(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status in (200, 201) and scope["path"].startswith("/items"):
        headers = [*without(headers, b"content-type"), (b"content-type", b"text/plain; charset=utf-8")]
    return status, headers, body


def _json_error(status: int, headers: Headers, body: bytes) -> bool:
    # JSON only: another fault may answer an error with a page of HTML (docs-pages-html-404).
    return 400 <= status < 500 and bool(body) and b"json" in dict(headers).get(b"content-type", b"")


@response_fault(
    "errors-without-detail",
    ("ERR-BODY",),
    "error bodies say 'message' instead of 'detail'",
    # Both rewrite the error body: one renames `detail`, the other keeps nothing but it.
    contradicts=("errors-plain-json",),
)
def _errors_without_detail(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if _json_error(status, headers, body):
        problem = json.loads(body)
        problem["message"] = problem.pop("detail", "")
        return json_response(status, headers, problem, b"application/problem+json")
    return status, headers, body


@response_fault("errors-plain-json", ("ERR-PROBLEM",), "error bodies are application/json without status or title")
def _errors_plain_json(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if _json_error(status, headers, body):
        return json_response(status, headers, {"detail": json.loads(body)["detail"]}, b"application/json")
    return status, headers, body


@response_fault(
    "docs-pages-html-404",
    ("ERR-BODY", "ERR-PROBLEM"),
    "unknown pages below the framework's docs (/schema/…) get its HTML 404, not an error body",
)
def _docs_pages_html_404(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status != 404 or not scope["path"].startswith("/schema/"):
        return status, headers, body
    page = b"<html><body><h1>404 Not Found</h1></body></html>"
    return status, [*without(headers, b"content-type"), (b"content-type", b"text/html; charset=utf-8")], page


@fault(
    "options-500", ("GEN-NO-5XX",), "OPTIONS requests crash the server: 500 (a preflight handler that wants an Origin)"
)
def _options_500(parts: AppParts) -> None:
    # §8 leaves OPTIONS to the server, but not a 5xx: "outside the contract" is no licence to crash.
    edit_requests(parts, lambda scope, body: problem_response(500, "crash") if scope["method"] == "OPTIONS" else None)


@fault("huge-integer-500", ("GEN-NO-5XX",), "an integer of more than 4300 digits in a body crashes the server: 500")
def _huge_integer_500(parts: AppParts) -> None:
    # Python's int() refuses longer strings (CVE-2020-10735); a parser that lets the ValueError escape fails so.
    huge = re.compile(rb"\d{4301}")
    edit_requests(parts, lambda scope, body: problem_response(500, "crash") if huge.search(body) else None)


@fault("method-not-allowed-without-allow", ("GEN-405",), "405 answers have no Allow header")
def _method_not_allowed_without_allow(parts: AppParts) -> None:
    def no_allow(request: Request, exc: HTTPException) -> Response | None:
        return problem_response(405, "Method Not Allowed") if exc.status_code == 405 else None

    handle_errors(parts, no_allow)


@fault(
    "trailing-slash-empty-id-400",
    ("GEN-404",),
    "a trailing slash is read as an empty id: /items/ and /items/{id}/ answer 400 instead of 404, the path "
    "without the slash, or a redirect to it",
)
def _trailing_slash_empty_id_400(parts: AppParts) -> None:
    def empty_id(scope: Scope, body: bytes) -> Response | None:
        # The router has taken the slash off `path` by now; `raw_path` is the path as sent.
        raw = scope.get("raw_path", b"").decode("latin-1")
        slashed = raw.startswith("/items/") and raw.endswith("/")
        return problem_response(400, "invalid id: ''") if slashed else None

    edit_requests(parts, empty_id)


@fault("unknown-paths-200", ("GEN-404",), "any path outside the contract answers 200 with an empty object")
def _unknown_paths_200(parts: AppParts) -> None:
    def catch_all(request: Request, exc: HTTPException) -> Response | None:
        outside = exc.status_code == 404 and not request.url.path.startswith("/items")
        return Response({}, status_code=200) if outside else None

    handle_errors(parts, catch_all)
