"""Where §8 of the contract lets a server answer a generated case either way, so that it is not judged.

§8: integers written in non-canonical forms in the path or query (`05`, `+5`, `5.0`, `1e1`) and integers
beyond 2^53 - 1 may be accepted as that integer or refused with 400 (404 in the path). Schemathesis
already reads `05` and `+5` as integers; `5.0` and `1e1` it counts as wrong types, and a huge `offset`
as valid. Neither reading may decide a verdict.
"""

from __future__ import annotations

import math

import jsonschema
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case

MAX_SAFE_INTEGER = 2**53 - 1
_SPELT = (ParameterLocation.QUERY, ParameterLocation.PATH)


def _as_integer(value: object) -> object:
    """`5.0`, `1e1`, `+5` or `05` as the integer a server may read them as; anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return value
    text = str(value)
    if not text.isascii() or "_" in text or text != text.strip():
        return value
    try:
        number = float(text)
    except ValueError:
        return value
    return int(number) if math.isfinite(number) and number == int(number) else value


def _reads_as_valid(case: Case, location: ParameterLocation) -> bool:
    container = case.get_container(location)
    parameters = case.operation.get_parameter_set(location)
    if not isinstance(container, dict) or parameters is None:
        return False
    read = {name: _as_integer(value) for name, value in container.items()}
    return jsonschema.Draft202012Validator(parameters.schema).is_valid(read)


def check_to_skip(case: Case) -> str | None:
    """The acceptance check that must not judge this case, if §8 leaves its answer open."""
    meta = case.meta
    if meta is None:
        return None
    if meta.generation.mode is GenerationMode.POSITIVE:
        query = case.query if isinstance(case.query, dict) else {}
        huge = any(isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER for value in query.values())
        return "positive_data_acceptance" if huge else None
    negated = [location for location, info in meta.components.items() if info.mode is GenerationMode.NEGATIVE]
    if negated and all(location in _SPELT and _reads_as_valid(case, location) for location in negated):
        return "negative_data_rejection"
    return None
