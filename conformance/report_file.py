"""Reading a conformance.json that a run wrote: from a directory of reports or the file itself, checked
against the published report schema before anything trusts its fields."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

import contracts

FORMAT = "items-conformance-report/1"
FILENAME = "conformance.json"


class ReportFileError(ValueError):
    """A path that holds no readable conformance report; the message says why, in one line."""


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(contracts.REPORT_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def report_path(path: Path) -> Path:
    """`path` itself, or the conformance.json inside it when it is a directory of reports."""
    return path / FILENAME if path.is_dir() else path


def read_report(path: Path) -> dict[str, Any]:
    file = report_path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportFileError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportFileError(f"{file}: not a conformance report ({type(error).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReportFileError(f"{file}: not a conformance report (format {FORMAT} expected)")
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "top level"
        raise ReportFileError(f"{file}: not a valid conformance report ({where}: {error.message[:120]})")
    return data
