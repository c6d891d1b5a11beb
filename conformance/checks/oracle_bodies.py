"""Request bodies and list parameters for the oracle's histories, drawn from the contract's schemas: the members
and bounds contracts/openapi.json gives ItemCreate, ItemPatch and the list's parameters, never values of our own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from conformance.contract.openapi import Member, load_contract
from conformance.target.client import NO_BODY

_CONTRACT = load_contract()
SHORT_TEXT = 12
"""Most generated strings stay this short; the bounds themselves are drawn on purpose."""
NOT_JSON = (b"", b'{"name": ', b"{name: 1}", b"{'name': 'x'}", b'{"price": 1,}', b"[1, 2", b'{"price": NaN}')
"""Texts that are not JSON (RFC 8259): a truncated object, unquoted keys and single quotes, a trailing comma."""


@dataclass(frozen=True)
class Body:
    """What a write sends, and what the generator made it wrong by (the statuses §4 allows for it)."""

    value: Any = NO_BODY
    raw: bytes | None = None
    faults: frozenset[str] = field(default_factory=frozenset)
    null_required: bool = False
    """A patch that sets a required member to null (UPDATE-NULL-REQUIRED)."""

    @property
    def empty_patch(self) -> bool:
        return self.value == {}


def _text(minimum: int, maximum: int) -> st.SearchStrategy[str]:
    """Short strings, and the bounds themselves: the shortest and the longest allowed."""
    short = st.text(min_size=minimum, max_size=min(maximum, max(minimum, SHORT_TEXT)))
    return st.one_of(short, st.just("é" * minimum), st.just("界" * maximum))


def _name(prefix: str) -> st.SearchStrategy[str]:
    """A valid name carrying the run's tag, so that the run's cleanup finds every item it made."""
    room = _CONTRACT.name_max - len(prefix)
    return st.one_of(st.text(max_size=min(room, SHORT_TEXT)), st.just("😀" * room)).map(lambda tail: prefix + tail)


def _price(member: Member) -> st.SearchStrategy[float | int]:
    low, high = member.exclusive_minimum or 0, member.maximum or 1e6
    doubles = st.floats(min_value=low, max_value=high, exclude_min=True, allow_nan=False, allow_infinity=False)
    return st.one_of(doubles, st.integers(min_value=int(low) + 1, max_value=int(high)), st.just(high))


def _description(member: Member) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), _text(0, member.max_length or SHORT_TEXT))


def valid_create(prefix: str) -> st.SearchStrategy[Body]:
    members = _CONTRACT.create
    optional = {"description": _description(members["description"])}
    bodies = st.fixed_dictionaries({"name": _name(prefix), "price": _price(members["price"])}, optional=optional)
    return bodies.map(lambda value: Body(value))


def valid_patch(prefix: str) -> st.SearchStrategy[Body]:
    members = _CONTRACT.patch
    optional = {
        "name": _name(prefix),
        "price": _price(members["price"]),
        "description": _description(members["description"]),
    }
    return st.fixed_dictionaries({}, optional=optional).map(lambda value: Body(value))


def _out_of_range(member: Member) -> list[Any]:
    """Values just past each bound the document gives `member`."""
    values: list[Any] = []
    if member.min_length:
        values.append("")
    if member.max_length is not None:
        values.append("x" * (member.max_length + 1))
    if member.exclusive_minimum is not None:
        values += [member.exclusive_minimum, -1]
    if member.maximum is not None:
        values.append(member.maximum * 2)
    return values


def _wrong_type(member: Member) -> list[Any]:
    """JSON values of the types `member` does not take, with no coercion (VALID-422): a number's string, a bool."""
    if "number" in member.types:
        return ["9.99", True, [1]]
    return [1, True, {"a": 1}]


def _invalid(valid: st.SearchStrategy[Body], members: dict[str, Member]) -> st.SearchStrategy[Body]:
    """A valid body with one thing made wrong: a required member missing, a member of a wrong type or out of
    range, null where it is not allowed, a member the schema does not have; or a body that is no object."""

    def broken(body: Body, data: st.DataObject) -> Body:
        value = dict(body.value)
        name = data.draw(st.sampled_from(sorted(members)))
        member = members[name]
        choices: list[tuple[str, Any]] = [("set", wrong) for wrong in _wrong_type(member) + _out_of_range(member)]
        choices += [("unknown", None), ("not an object", None)]
        if member.required:
            choices.append(("drop", None))
        if not member.nullable:
            choices.append(("set", None))
        how, wrong = data.draw(st.sampled_from(choices))
        if how == "drop":
            value.pop(name, None)
        elif how == "unknown":
            value["id"] = 1
        elif how == "not an object":
            return Body(data.draw(st.sampled_from([[value], "text", 3, None])), faults=frozenset({"invalid-body"}))
        else:
            value[name] = wrong
        null_required = how == "set" and wrong is None and members is _CONTRACT.patch
        return Body(value, faults=frozenset({"invalid-body"}), null_required=null_required)

    return st.tuples(valid, st.data()).map(lambda pair: broken(*pair))


def _malformed() -> st.SearchStrategy[Body]:
    return st.sampled_from(NOT_JSON).map(lambda raw: Body(raw=raw, faults=frozenset({"malformed-body"})))


def create_bodies(prefix: str) -> st.SearchStrategy[Body]:
    """Mostly valid ItemCreate bodies; invalid ones (VALID-422) and text that is not JSON (VALID-400) too."""
    valid = valid_create(prefix)
    return st.one_of(valid, valid, valid, _invalid(valid, _CONTRACT.create), _malformed())


def patch_bodies(prefix: str) -> st.SearchStrategy[Body]:
    valid = valid_patch(prefix)
    return st.one_of(valid, valid, valid, _invalid(valid_create(prefix), _CONTRACT.patch), _malformed())


def _parameter(name: str) -> st.SearchStrategy[tuple[str, int | str, bool]]:
    """(how the value is chosen, the value, whether it is valid): the bounds, values past them, and text."""
    rule = _CONTRACT.list_parameters[name]
    low, high = rule.minimum or 0, rule.maximum
    inside = [low, low + 1, high] if high is not None else [low, low + 1, low + 2]
    outside = [low - 1, "x", "1.5", ""] + ([high + 1] if high is not None else [])
    valid = st.sampled_from(inside).map(lambda value: ("start", value, True))
    from_end = st.integers(min_value=0, max_value=4).map(lambda back: ("end", back, True))
    wrong = st.sampled_from(outside).map(lambda value: ("start", value, False))
    return st.one_of(valid, from_end, wrong) if name == "offset" else st.one_of(valid, wrong)


def list_parameters() -> st.SearchStrategy[dict[str, tuple[str, int | str, bool]]]:
    """Each parameter alone, both, or none; an offset may count back from the collection's end."""
    return st.fixed_dictionaries({}, optional={name: _parameter(name) for name in _CONTRACT.list_parameters})


def member_patches(prefix: str, count: int) -> st.SearchStrategy[list[Body]]:
    """`count` patches of one member each, every one a different member where there are enough: sent at once to
    one item, they show a lost update or an interleaving that patches of the same members would hide."""
    members = sorted(_CONTRACT.patch)
    values = {
        "name": _name(prefix),
        "price": _price(_CONTRACT.patch["price"]),
        "description": _description(_CONTRACT.patch["description"]),
    }
    full = st.fixed_dictionaries({member: values[member] for member in members})
    return full.map(
        lambda patch: [Body({members[i % len(members)]: patch[members[i % len(members)]]}) for i in range(count)]
    )
