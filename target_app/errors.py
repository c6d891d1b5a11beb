"""RFC 9457 problem-details responses for every error the app produces (ERR-BODY, ERR-PROBLEM)."""

from __future__ import annotations

import logging
from http import HTTPStatus

from litestar import Request, Response
from litestar.exceptions import ClientException, HTTPException
from pydantic import ValidationError

from target_app.models import FieldError, Problem

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger(__name__)


class MalformedBody(ClientException):
    """A body that is not well-formed JSON (VALID-400)."""


class UnprocessableBody(HTTPException):
    """A well-formed JSON body that does not match its schema (VALID-422)."""

    status_code = 422

    def __init__(self, errors: list[FieldError]) -> None:
        fields = ", ".join(error.field for error in errors)
        super().__init__(detail=f"The request body does not match the schema; offending members: {fields}")
        self.errors = errors

    @classmethod
    def from_validation_error(cls, exc: ValidationError) -> UnprocessableBody:
        errors = [
            FieldError(field=".".join(str(part) for part in error["loc"]) or "(body)", message=error["msg"])
            for error in exc.errors(include_url=False)
        ]
        return cls(errors)


def problem_response(status: int, detail: str, headers: dict[str, str] | None = None, **extra: object) -> Response:
    problem = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, **extra)
    return Response(
        content=problem.model_dump(),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def http_exception_to_problem(_: Request, exc: HTTPException) -> Response:
    extra = {"errors": exc.errors} if isinstance(exc, UnprocessableBody) else {}
    return problem_response(exc.status_code, exc.detail, dict(exc.headers or {}), **extra)


def unexpected_exception_to_problem(request: Request, exc: Exception) -> Response:
    # Never leak internals; the log keeps the traceback for whoever runs the server.
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "The server failed to handle the request.")


async def problem_for_every_error(response: Response) -> Response:
    """Litestar's /schema router answers unknown pages itself with an HTML 404, bypassing the
    exception handlers; every error the app sends is problem details all the same."""
    if response.status_code >= 400 and response.media_type != PROBLEM_JSON:
        return problem_response(response.status_code, HTTPStatus(response.status_code).phrase)
    return response


EXCEPTION_HANDLERS = {
    HTTPException: http_exception_to_problem,
    Exception: unexpected_exception_to_problem,
}
