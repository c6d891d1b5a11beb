"""A history applied to the target and to the reference at once, step by step and burst by burst, each answer
judged by the reference's (oracle_judge.py). What diverges is raised as a ContractViolation naming the
requirement, with the history and its replay; what no requirement covers is kept as a contract gap."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from functools import cache

import httpx

from conformance.checks.items import Items
from conformance.checks.oracle_judge import (
    FREEDOMS,
    NAMED,
    Divergence,
    Model,
    answer_json,
    item_divergences,
    judge_answer,
    judge_list,
    state_requirement,
)
from conformance.checks.oracle_steps import Side, Step
from conformance.checks.violations import ContractViolation, Violation
from conformance.target.exchange import exchange_of
from conformance.target.paths import IdValue, id_value, item_path
from conformance.target.twin import open_twin

Parallel = Callable[[int, Callable[[int], httpx.Response]], list[httpx.Response]]


@dataclass(frozen=True)
class Gap:
    """A divergence no requirement covers: where the contract is silent."""

    summary: str
    expected: str
    received: str
    history: tuple[str, ...]
    replay: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _twin_side(stack: ExitStack, run_tag: str) -> Side:
    twin = stack.enter_context(open_twin())
    return Side(twin, Items(twin, run_tag).absent_id())


class History:
    """One history: the target's side and the reference's, the model the judge reads, and the steps so far."""

    def __init__(self, items: Items, others: list[int] | None, gaps: dict[str, Gap], parallel: Parallel) -> None:
        self.items = items
        self.before = set(items.api.ledger.alive())
        """The run's items alive before the history: what it leaves behind is only what it found."""
        self.stack = ExitStack()
        self.target = Side(items.api, items.absent_id())
        self.twin = _twin_side(self.stack, items.run_tag)
        # An item the run deleted is no other client's: listed again, it fails DELETE-GONE.
        self.model = Model(others=None if others is None else [key for key in others if key not in self._run_deleted()])
        self.steps: list[Step] = []
        self.sent: list[httpx.Response] = []
        self.together: set[int] = set()
        """The places in `steps` of requests a burst sent at once."""
        self.gaps = gaps
        self.parallel = parallel
        self.broken = False
        """After a burst no serial order explains, the model is unknown: the history goes no further."""

    def close(self) -> None:
        """Deletes what the history made on the target (its items, and any a faulty server made of a write to an
        absent id), so that the next history starts from the same collection; and closes the reference."""
        # Newest first (the ledger lists ids ascending): each delete then takes the end of the list, so a history
        # leaves none of its deletes in the middle of the list for the next one to trip over.
        for item_id in reversed(self.items.api.ledger.alive()):
            if item_id not in self.before:
                self.target.api.delete(item_path(item_id))
        self.stack.close()

    # One step at a time.
    def play(self, step: Step) -> None:
        target, reference = self.target.send(step), self.twin.send(step)
        self.steps.append(step)
        self.sent.append(target)
        self._settle([self._judge(step, target, reference, self.model)])

    def _faults(self, step: Step, model: Model) -> frozenset[str]:
        return step.faults | ({"missing-item"} if model.missing(step) else set())

    def _judge(
        self, step: Step, target: httpx.Response, reference: httpx.Response, model: Model, read: bool = True
    ) -> list[Divergence]:
        """The answer judged, the model moved on (ids adopted, deletes noted), and (with `read`) the state after a
        write read back. Returns the divergences; a create's index is the model's last."""
        found = judge_answer(step, self._faults(step, model), target, reference, model, model.target_id(step))
        if found:
            return found
        index = step.item
        if step.operation == "createItem" and target.is_success and reference.is_success:
            made, twin_made = self.target.adopt(target), self.twin.adopt(reference)
            if made is None or twin_made is None:
                return [Divergence("CREATE-201", "a 201 without an id", "an Item with its id", target.text, target)]
            if made in model.target_ids:
                return [
                    Divergence(NAMED["unique_ids"], f"a new item got id {made} again", "a new id", str(made), target)
                ]
            model.target_ids.append(made)
            index = len(model.target_ids) - 1
        elif step.operation == "deleteItem" and reference.status_code == 204 and index is not None:
            model.gone.add(index)
        if step.operation == "listItems" and target.status_code == reference.status_code == 200:
            return judge_list(step, target, *self._reference_items(model), model)
        if read and step.writes and index is not None:
            return self._state(step, index, reference.status_code, model)
        return []

    def _reference_items(self, model: Model) -> tuple[dict[IdValue, object], set[IdValue]]:
        """The reference's whole collection (it holds only this history's items) keyed by the target's ids."""
        twin_items = Items(self.twin.api, self.items.run_tag)
        by_twin_id = {entry["id"]: entry for entry in twin_items.whole_list() or []}
        live: dict[IdValue, object] = {}
        deleted: set[IdValue] = set(self._run_deleted())
        for index, target_id in enumerate(model.target_ids):
            twin_id = self.twin.ids[index]
            if twin_id in by_twin_id:
                live[target_id] = by_twin_id[twin_id]
            else:
                deleted.add(target_id)
        return live, deleted

    def _run_deleted(self) -> set[IdValue]:
        """The target's ids of every item the run deleted, in this history or before it."""
        ledger = self.items.api.ledger
        return {id_value(key) for key in ledger.known() - {str(alive) for alive in ledger.alive()}}

    def _state(self, step: Step, index: int, status: int, model: Model) -> list[Divergence]:
        """The item `step` wrote (or was refused to write) as each server reads it now."""
        target, reference = self.target.read(index), self.twin.read(index)
        requirement = state_requirement(step, status)
        what = f"item {index} read after {step.describe()}"
        if target.status_code != reference.status_code:
            return [Divergence(requirement, what, str(reference.status_code), str(target.status_code), target)]
        if target.status_code != 200:
            return []
        expected_id = model.target_ids[index] if index >= 0 else None
        found = item_divergences(requirement, what, answer_json(target), answer_json(reference), expected_id)
        return [Divergence(*entry, response=target) for entry in found]

    # Bursts: requests sent at once, judged by some serial order of them.
    def burst(self, steps: Sequence[Step]) -> None:
        answers = self.parallel(len(steps), lambda index: self.target.send(steps[index]))
        attempts = []
        for order in itertools.permutations(range(len(steps))):
            stack, twin, model = ExitStack(), None, None
            try:
                twin, model, found = self._in_order(stack, steps, answers, order)
            except BaseException:
                stack.close()
                raise
            if not found:
                # The replaced reference stays open until the history ends: test clients close in the order
                # opposite to their opening, or their event loops wait for each other.
                self.stack.enter_context(stack.pop_all())
                self.twin, self.model = twin, model
                self.together |= set(range(len(self.steps), len(self.steps) + len(steps)))
                self.steps += [steps[index] for index in order]
                self.sent += [answers[index] for index in order]
                return
            stack.close()
            attempts.append(found)
        self.together |= set(range(len(self.steps), len(self.steps) + len(steps)))
        self.steps += list(steps)
        self.sent += list(answers)
        self.broken = True
        # The order that explains most: the fewest requirements broken, then the fewest divergences.
        best = min(attempts, key=lambda found: (len({divergence.requirement for divergence in found}), len(found)))
        self._settle([self._burst_named(steps, best)])

    def _in_order(
        self, stack: ExitStack, steps: Sequence[Step], answers: Sequence[httpx.Response], order: tuple[int, ...]
    ) -> tuple[Side, Model, list[Divergence]]:
        """A new reference given the history's writes, then the burst in `order`: where it differs from the
        target's answers and from the state they left."""
        twin = _twin_side(stack, self.items.run_tag)
        for step in self.steps:
            if step.writes and (made := twin.send(step)).is_success and step.operation == "createItem":
                twin.adopt(made)
        saved_twin, self.twin = self.twin, twin
        model = Model(list(self.model.target_ids), set(self.model.gone), self.model.others)
        targets = Side(self.target.api, self.target.absent)
        targets.ids = list(self.target.ids)
        saved_target, self.target = self.target, targets
        try:
            found: list[Divergence] = []
            last_write: dict[int, tuple[Step, int]] = {}
            """Each item the burst wrote, with the last write of it in this order and the reference's status."""
            for index in order:
                step, before = steps[index], len(model.target_ids)
                reference = twin.send(step)
                found += self._judge(step, answers[index], reference, model, read=False)
                item = before if len(model.target_ids) > before else step.item
                if step.writes and item is not None:
                    last_write[item] = (step, reference.status_code)
            for item, (step, status) in sorted(last_write.items()):
                found += self._state(step, item, status, model)
            if not found:
                saved_target.ids = targets.ids
            return twin, model, found
        finally:
            self.twin, self.target = saved_twin, saved_target

    def _burst_named(self, steps: Sequence[Step], found: list[Divergence]) -> list[Divergence]:
        """A burst no serial order explains. One write with reads, or requests on different items: each divergence
        its own requirement; creates only: CONC-CREATE; patches of one item: CONC-UPDATE; other overlapping writes:
        the contract's silence."""
        operations = {step.operation for step in steps if step.writes}
        items = [step.item for step in steps if step.item is not None]
        requirement: str | None
        if sum(step.writes for step in steps) <= 1:
            return found  # one write and reads: each read is judged by its own clause (freedoms.toml, bursts)
        if operations <= FREEDOMS.serial_only:
            requirement = NAMED["concurrent_creates"]
        elif operations <= FREEDOMS.patches_only and len(set(items)) == 1:
            requirement = NAMED["concurrent_patches"]
        elif len(set(items)) == len(items):
            return found
        else:
            requirement = None
        summary = "a burst no serial order explains: " + "; ".join(step.describe() for step in steps)
        return [
            replace(divergence, requirement=requirement, summary=f"{summary}: {divergence.summary}")
            for divergence in found
        ]

    # Findings.
    def listing(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The history (`1. POST /items …`) and its replay as curl lines, as the target was sent it."""
        history = tuple(
            f"{number}. {step.describe()}{' (sent at once with its neighbours)' if number - 1 in self.together else ''}"
            for number, step in enumerate(self.steps, 1)
        )
        replay = tuple(exchange_of(response).curl for response in self.sent)
        return history, replay

    def _settle(self, groups: list[list[Divergence]]) -> None:
        found = [divergence for group in groups for divergence in group]
        if not found:
            return
        history, replay = self.listing()
        for gap in (divergence for divergence in found if divergence.requirement is None):
            self.gaps.setdefault(gap.summary, Gap(gap.summary, gap.expected, gap.received, history, replay))
        judged = [divergence for divergence in found if divergence.requirement is not None]
        if judged:
            self.broken = True
            raise _raised(judged[0].requirement)([_violation(divergence, history, replay) for divergence in judged])


@cache
def _raised(requirement: str | None) -> type[ContractViolation]:
    """A class of violation per requirement: Hypothesis tells failures apart by their type, so that shrinking a
    history keeps the requirement it failed rather than drifting to another failure."""
    return type(f"Violates_{requirement}".replace("-", "_"), (ContractViolation,), {})


SHRUNK = "the history (shrunk by Hypothesis), as sent to the target:"
UNSHRUNK = (
    "the shortest history that failed, as sent to the target (shrinking stopped early: a replay did not fail again, "
    "or its time ran out):"
)


def unshrunk(violation: Violation) -> Violation:
    """The violation of a history Hypothesis could not shrink to the end, saying so."""
    return replace(violation, notes=[UNSHRUNK if note == SHRUNK else note for note in violation.notes])


def _violation(divergence: Divergence, history: tuple[str, ...], replay: tuple[str, ...]) -> Violation:
    notes = [SHRUNK, *history, "replay:", *replay]
    exchange = exchange_of(divergence.response) if divergence.response is not None else None
    return Violation(
        (divergence.requirement or "",), divergence.summary, divergence.expected, divergence.received, exchange, notes
    )
