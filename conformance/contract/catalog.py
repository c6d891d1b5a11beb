"""The requirement catalog (contracts/requirements.toml) as Python objects."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import contracts

ASSERTION_SEPARATOR = "."
"""Between a requirement's ID and the key of one of its assertions."""


class Level(StrEnum):
    MUST = "MUST"
    SHOULD = "SHOULD"


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    number: str
    title: str
    operation: str | None = None
    """The OpenAPI operationId the section is about, if it is about one."""
    notes: tuple[str, ...] = ()
    """Normative prose of the section that is not a requirement of its own."""


@dataclass(frozen=True, slots=True)
class Assertion:
    """One testable statement of a requirement: a clause, a listed example or one side of a bound."""

    id: str
    """`REQUIREMENT.key`, e.g. `ITEM-ROUNDTRIP.no-normalisation`."""
    requirement: str
    text: str


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    level: Level
    section: Section
    statement: str
    assertions: tuple[Assertion, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalog:
    contract: str
    version: str
    sections: tuple[Section, ...]
    requirements: tuple[Requirement, ...]
    outside: tuple[str, ...] = ()
    """What the contract leaves to the server and the suite must never judge."""

    def __getitem__(self, requirement_id: str) -> Requirement:
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(requirement_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(requirement.id for requirement in self.requirements)

    @property
    def assertions(self) -> tuple[Assertion, ...]:
        return tuple(assertion for requirement in self.requirements for assertion in requirement.assertions)

    def assertion(self, assertion_id: str) -> Assertion:
        requirement_id, _, _ = assertion_id.partition(ASSERTION_SEPARATOR)
        for assertion in self[requirement_id].assertions if requirement_id in self.ids else ():
            if assertion.id == assertion_id:
                return assertion
        raise KeyError(assertion_id)


def _assertions(requirement_id: str, entries: dict[str, str]) -> tuple[Assertion, ...]:
    return tuple(
        Assertion(f"{requirement_id}{ASSERTION_SEPARATOR}{key}", requirement_id, text) for key, text in entries.items()
    )


def parse_catalog(path: Path) -> Catalog:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sections = {
        entry["key"]: Section(
            entry["key"], entry["number"], entry["title"], entry.get("operation"), tuple(entry.get("notes", ()))
        )
        for entry in data["section"]
    }
    requirements = tuple(
        Requirement(
            entry["id"],
            Level(entry["level"]),
            sections[entry["section"]],
            entry["statement"],
            _assertions(entry["id"], entry.get("assertions", {})),
        )
        for entry in data["requirement"]
    )
    return Catalog(
        data["contract"], str(data["version"]), tuple(sections.values()), requirements, tuple(data.get("outside", ()))
    )


@cache
def load_catalog() -> Catalog:
    return parse_catalog(contracts.REQUIREMENTS)
