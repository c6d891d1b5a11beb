"""The catalogue: each fault's name, the requirements it violates, and how it bends the app's seams."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from target_app.parts import AppParts

Inject = Callable[[AppParts], None]
Part = TypeVar("Part")


@dataclass(frozen=True)
class Fault:
    name: str
    violates: tuple[str, ...]
    description: str
    inject: Inject
    contradicts: tuple[str, ...] = ()
    """Faults that change the same thing the other way: given together, one of the two could not apply."""


FAULTS: dict[str, Fault] = {}


def fault(
    name: str, violates: tuple[str, ...], description: str, contradicts: tuple[str, ...] = ()
) -> Callable[[Inject], Inject]:
    """Registers the decorated `inject(parts)` under `name` and returns it unchanged."""

    def register(inject: Inject) -> Inject:
        FAULTS[name] = Fault(name, violates, description, inject, contradicts)
        return inject

    return register


def installed_by(
    install: Callable[[AppParts, Part], None],
    name: str,
    violates: tuple[str, ...],
    description: str,
    contradicts: tuple[str, ...] = (),
) -> Callable[[Part], Part]:
    """A decorator registering the fault `install(parts, decorated)`; it returns what it decorates unchanged."""

    def register(part: Part) -> Part:
        fault(name, violates, description, contradicts)(lambda parts: install(parts, part))
        return part

    return register


def inject(parts: AppParts, names: Iterable[str]) -> None:
    """Switches the faults on in the order given; each bends the seams as the ones before it left them."""
    chosen = list(dict.fromkeys(names))
    for name in chosen:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(FAULTS))}")
    for name in chosen:
        for other in chosen:
            if other in FAULTS[name].contradicts:
                raise ValueError(f"faults {name!r} and {other!r} contradict each other: one of them could not apply")
    for name in chosen:
        FAULTS[name].inject(parts)
