"""Seams inside the app: the store, bent by subclasses of its class, and the authenticator, wrapped."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import ClassVar

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Scope

from target_app.auth import BearerAuth
from target_app.faults.registry import installed_by
from target_app.parts import AppParts
from target_app.store import ItemStore

STORE_METHODS = ("page", "get", "create", "replace", "update", "delete")


class FaultyStore(ItemStore):
    """The base of a buggy store: each fault overrides a method of the store it is mixed over (see _mix_in).

    An override that calls super() bends the method below it; one that does not reimplements it. To reach
    another method, an override calls `self.clean`'s, so that another fault's bug there does not leak in.
    """

    fault_name: ClassVar[str]
    clean: ClassVar[type[ItemStore]]


def _reimplements(store_class: type[FaultyStore], method: str) -> bool:
    function = vars(store_class).get(method)
    # Zero-argument super() makes the compiler give the function a __class__ cell.
    return function is not None and "__class__" not in function.__code__.co_freevars


def _bugs(store: ItemStore) -> list[type[FaultyStore]]:
    """The store faults mixed into `store`, in the order of its class's MRO (the class that mixed them is none)."""
    return [base for base in type(store).__mro__ if "fault_name" in vars(base)]


def _mix_in(parts: AppParts, store_class: type[FaultyStore]) -> None:
    """Mixes `store_class` over the store's clean class with the store faults already mixed in, so that all
    apply: those that bend a method above the one (at most) that reimplements it. The new store shares the
    old one's attributes, so a store given to create_app(store=...) keeps its items and sees every write."""
    bugs = _bugs(parts.store)
    clean = next(base for base in type(parts.store).__mro__ if not issubclass(base, FaultyStore))
    for method in STORE_METHODS:
        for other in bugs:
            if _reimplements(store_class, method) and _reimplements(other, method):
                raise ValueError(
                    f"faults {other.fault_name!r} and {store_class.fault_name!r} both reimplement the store's "
                    f"{method}(): one of them could not apply"
                )
    # A stable sort: in the order given, but the reimplementation last, below the bends of its method.
    order = sorted([*bugs, store_class], key=lambda bug: any(_reimplements(bug, name) for name in STORE_METHODS))
    composed = type("Faulty", (*order, clean), {"clean": clean})
    store = composed.__new__(composed)
    store.__dict__ = parts.store.__dict__
    parts.store = store


def store_fault(
    name: str, violates: tuple[str, ...], description: str
) -> Callable[[type[FaultyStore]], type[FaultyStore]]:
    """For a buggy store: the decorated FaultyStore subclass is mixed over the store (see _mix_in)."""

    def register(store_class: type[FaultyStore]) -> type[FaultyStore]:
        store_class.fault_name = name
        return installed_by(_mix_in, name, violates, description)(store_class)

    return register


class _Wrapped(BearerAuth):
    """An authenticator that decides differently from the configured one in some cases."""

    def __init__(self, inner: BearerAuth) -> None:
        self.inner = inner

    def accepts(self, authorization: str | None) -> bool:
        return self.inner.accepts(authorization)


class Guard(_Wrapped):
    """A wrapper that changes when the guard refuses, not what is accepted: it asks the guard it wraps."""

    async def guard(self, connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        await self.inner.guard(connection, handler)

    def around(self, inner: BearerAuth) -> Guard:
        guard = copy.copy(self)
        guard.inner = inner
        return guard


Decision = Callable[[BearerAuth, str | None], bool]


def _decided(auth: BearerAuth, decide: Decision) -> BearerAuth:
    # Decisions go below the guards, so that every guard acts on what all the decisions accept.
    if isinstance(auth, Guard):
        return auth.around(_decided(auth.inner, decide))

    class Decided(_Wrapped):
        def accepts(self, authorization: str | None) -> bool:
            return decide(self.inner, authorization)

    return Decided(auth)


def decide_auth(parts: AppParts, decide: Decision) -> None:
    """`decide(inner, header)` says what is accepted; `inner` is the authenticator as the faults before left it."""
    parts.auth = _decided(parts.auth, decide)


def widen_auth(parts: AppParts, decide: Decision) -> None:
    """For a fault that lets in more than the configured check: `decide` is its own check, in its place, and
    what the faults before it let in stays let in, so that it does not undo them."""

    def widened(inner: BearerAuth, header: str | None) -> bool:
        return (isinstance(inner, _Wrapped) and inner.accepts(header)) or decide(inner, header)

    decide_auth(parts, widened)


def authorized(parts: AppParts, scope: Scope) -> bool:
    """Whether the request's Authorization is accepted by the authenticator as all the faults leave it."""
    header = dict(scope["headers"]).get(b"authorization")
    return parts.auth.accepts(header.decode("latin-1") if header else None)
