"""The reference as the oracle: random histories of every operation, sent to the target and to a fresh in-process
reference app at once, each answer judged by the reference's under the contract's freedoms
(contracts/freedoms.toml). What only a history or a burst of concurrent requests shows is found here: a list that
goes wrong after a delete in the middle, a write lost when it overlaps another.

Every write goes to an item the history created, or to an id proved absent (the safety rule). A divergence fails
the requirement of its operation and status, with the history shrunk by Hypothesis and a replay of curl lines;
one no requirement covers is a contract gap (conformance.json `contract_gaps`), which never changes the verdict.
"""

from __future__ import annotations

import json
import time
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from conformance.checks.items import Items
from conformance.checks.oracle_bodies import (
    Body,
    create_bodies,
    list_parameters,
    member_patches,
    patch_bodies,
    valid_create,
    valid_patch,
)
from conformance.checks.oracle_history import Gap, History, unshrunk
from conformance.checks.oracle_steps import ABSENT, Step
from conformance.checks.violations import ContractViolation, not_run
from conformance.contract.openapi import load_contract
from conformance.pytest.settings import RunSettings
from conformance.reports.contract_gaps import GAPS_PROPERTY
from conformance.target.client import NO_BODY
from suites.test_concurrency import in_parallel

IMPOSSIBLE_IDS = ("abc", "1.5", "0", "-1")
"""Segments PATH-ID allows 400 or 404 for; only read, since a write there needs a proof of absence first."""
WRONG_AUTH = (False, "Bearer not-the-token", "Basic dXNlcjpwYXNz")
BURST_KINDS = ("POST", "PUT", "PATCH", "DELETE", "GET", "LIST")


def shrink_seconds(settings: RunSettings) -> float:
    """How long Hypothesis may shrink a failing history: a race that rarely replays makes most of its attempts
    pass, and shrinking would otherwise take minutes of the run."""
    return 120.0 if settings.deep else 20.0


def budget(settings: RunSettings) -> tuple[int, int]:
    """(histories, steps per history): a small share of --max-examples by default, a nightly one with --deep."""
    if settings.deep:
        return max(20, settings.max_examples * 4), 40
    return max(2, settings.max_examples // 5), 12


def _pick(history: History, choice: int) -> int:
    """An item of the history by `choice`: -1 an absent id, 6 the newest (the highest id), else one by place."""
    count = len(history.model.target_ids)
    if choice < 0 or count == 0:
        return ABSENT
    return count - 1 if choice == 6 else choice % count


PICKS = st.integers(min_value=-1, max_value=6)
AUTHS = st.one_of(st.just(True), st.just(True), st.just(True), st.just(True), st.sampled_from(WRONG_AUTH))


def _write(method: str, item: int | None, body: Body | None, auth: Any) -> Step:
    if body is None:
        return Step(method, item, auth=auth)
    return Step(
        method,
        item,
        body=body.value,
        raw=body.raw,
        auth=auth,
        faults=body.faults,
        null_required=body.null_required,
        empty_patch=body.empty_patch,
    )


@pytest.mark.thorough
@pytest.mark.requirement(
    "LIST-WINDOW",
    "LIST-TOTAL",
    "LIST-ORDER",
    "CREATE-READBACK",
    "READ-200",
    "READ-404",
    "REPLACE-200",
    "UPDATE-200",
    "DELETE-GONE",
    "ITEM-ID-UNIQUE",
    "CONC-CREATE",
    "CONC-UPDATE",
)
# What a random history can show broken of these requirements; the hand-written tests cite each clause too.
@pytest.mark.asserts(
    "LIST-WINDOW.limit-and-offset",
    "LIST-TOTAL.whole-collection-not-page",
    "LIST-ORDER.ascending-id",
    "CREATE-READBACK.read-by-id",
    "CREATE-READBACK.listed",
    "READ-200.body-is-the-item",
    "READ-404.deleted",
    "REPLACE-200.every-member-replaced",
    "UPDATE-200.present-members-changed",
    "UPDATE-200.absent-members-kept",
    "DELETE-GONE.get-404",
    "DELETE-GONE.left-the-list",
    "ITEM-ID-UNIQUE.not-reused-after-delete-of-highest",
    "CONC-CREATE.distinct-ids",
    "CONC-UPDATE.stored-state-serial",
    "CONC-UPDATE.responses-serial",
)
def test_random_histories_answer_as_the_reference_does(
    items: Items, run_settings: RunSettings, record_property: Any
) -> None:
    histories, steps = budget(run_settings)
    prefix = items.name_prefix(items.run_tag)
    gaps: dict[str, Gap] = {}
    seen: list[ContractViolation] = []
    """Every violation a history raised, as first found: a target whose wrong state outlives the history that
    made it fails a replay earlier than the history did, and Hypothesis gives up shrinking with nothing."""
    in_process = run_settings.target.in_process
    failing_since: list[float] = []

    # In the order Hypothesis shrinks towards: a create first.
    actions: dict[str, dict[str, st.SearchStrategy[Any]]] = {
        "create": dict(body=create_bodies(prefix), auth=AUTHS),
        "read": dict(choice=PICKS, segment=st.none() | st.sampled_from(IMPOSSIBLE_IDS)),
        "list_items": dict(params=list_parameters()),
        "replace": dict(choice=PICKS, body=create_bodies(prefix), auth=AUTHS),
        "update": dict(choice=PICKS, body=patch_bodies(prefix), auth=AUTHS),
        "delete": dict(choice=PICKS, auth=AUTHS),
        "delete_middle": dict(
            choice=st.integers(min_value=0, max_value=5), creates=st.lists(valid_create(prefix), min_size=2, max_size=2)
        ),
        "burst": dict(
            kinds=st.lists(st.sampled_from(BURST_KINDS), min_size=2, max_size=3),
            one_item=st.booleans(),
            choices=st.lists(PICKS.filter(lambda choice: choice >= 0), min_size=3, max_size=3),
            creates=st.lists(valid_create(prefix), min_size=3, max_size=3),
            patches=st.lists(valid_patch(prefix), min_size=3, max_size=3),
        ),
        "overlap": dict(
            # Patches twice as likely: most lost updates and interleavings are theirs.
            kind=st.sampled_from(("PATCH", *BURST_KINDS[:4])),
            count=st.integers(min_value=2, max_value=3),
            choice=PICKS.filter(lambda choice: choice >= 0),
            creates=st.lists(valid_create(prefix), min_size=3, max_size=3),
            patches=member_patches(prefix, 3),
        ),
    }

    # Twice as likely as the others: the actions that make what only a gap or an overlap shows.
    drawn = [*actions, "delete_middle", "overlap"]

    class Oracle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Out of shrinking time: every further history passes at once, sending nothing and opening no
            # reference, and the shortest failure seen stands.
            self.judging = not (failing_since and time.monotonic() - failing_since[0] > shrink_seconds(run_settings))
            if self.judging:
                # Nobody else writes to the in-process app: what it held before the history is known, and stays.
                whole = items.whole_list() if in_process else None
                others = [entry["id"] for entry in whole if isinstance(entry, dict)] if whole is not None else None
                self.history = History(items, others, gaps, in_parallel)

        @rule(data=st.data())
        def step(self, data: st.DataObject) -> None:
            """One action drawn per step, not one rule per action: Hypothesis's swarm testing would switch rules
            off for whole histories, and a small budget then leaves operations unexercised."""
            # Drawn from every action whatever the state, since a burst may end differently when replayed; with no
            # item yet, an action on an item goes to an absent id.
            action = data.draw(st.sampled_from(drawn), label="action")
            arguments = data.draw(st.fixed_dictionaries(actions[action]), label=action)
            # Drawn even once the history is broken, so that a replay draws alike whatever the target answers.
            if self.judging and not self.history.broken:
                try:
                    getattr(self, action)(**arguments)
                except ContractViolation as violation:
                    seen.append(violation)
                    failing_since[:] = failing_since or [time.monotonic()]
                    raise

        def teardown(self) -> None:
            if self.judging:
                self.history.close()

        def _size(self) -> int:
            """The collection's size as the model knows it, for offsets counted back from the end."""
            model = self.history.model
            live = len(model.target_ids) - len(model.gone)
            return live + len(model.others) if model.others is not None else live

        def create(self, body: Body, auth: Any) -> None:
            self.history.play(_write("POST", None, body, auth))

        def read(self, choice: int, segment: str | None) -> None:
            if segment is not None:
                self.history.play(Step("GET", segment=segment, faults=frozenset({"impossible-id"})))
            else:
                self.history.play(Step("GET", _pick(self.history, choice)))

        def list_items(self, params: dict[str, tuple[str, Any, bool]]) -> None:
            sent = tuple(
                (name, str(max(0, self._size() - value) if how == "end" else value))
                for name, (how, value, _) in sorted(params.items())
            )
            faults = frozenset({"bad-parameter"}) if not all(valid for _, _, valid in params.values()) else frozenset()
            self.history.play(Step("GET", params=sent, faults=faults))

        def replace(self, choice: int, body: Body, auth: Any) -> None:
            self.history.play(_write("PUT", _pick(self.history, choice), body, auth))

        def update(self, choice: int, body: Body, auth: Any) -> None:
            self.history.play(_write("PATCH", _pick(self.history, choice), body, auth))

        def delete(self, choice: int, auth: Any) -> None:
            self.history.play(_write("DELETE", _pick(self.history, choice), None, auth))

        def delete_middle(self, choice: int, creates: list[Body]) -> None:
            """A live item other than the newest deleted (the run's items created first where there are too few),
            then the end of the list: what goes wrong only once the list has a gap in the middle shows at once."""
            live = self._live()
            for body in creates[: max(0, 2 - len(live))]:
                self.create(body, True)
            live = self._live()
            if len(live) < 2:  # a create refused: the history is already judged
                return
            self.history.play(Step("DELETE", live[:-1][choice % (len(live) - 1)]))
            # The largest page, ending past the end of the list: every live item of the run and the one deleted.
            limit = load_contract().limit_max
            offset = max(0, self._size() - limit + 1)
            self.history.play(Step("GET", params=(("limit", str(limit)), ("offset", str(offset)))))

        def _live(self) -> list[int]:
            model = self.history.model
            return [index for index in range(len(model.target_ids)) if index not in model.gone]

        def burst(
            self, kinds: list[str], one_item: bool, choices: list[int], creates: list[Body], patches: list[Body]
        ) -> None:
            """Requests sent at once: every write kind, on one item or on different ones, mixed with reads."""
            picked = [_pick(self.history, choices[0] if one_item else choice) for choice in choices]
            self._burst(kinds, picked, creates, patches)

        def overlap(self, kind: str, count: int, choice: int, creates: list[Body], patches: list[Body]) -> None:
            """Writes of one kind sent at once to one live item (created first if there is none; creates: to the
            collection); patches each of another member, as a lost update or an interleaving shows."""
            if not self._live():
                self.create(creates[0], True)
            live = self._live() or [ABSENT]
            self._burst([kind] * count, [live[choice % len(live)]] * count, creates, patches)

        def _burst(self, kinds: list[str], picked: list[int], creates: list[Body], patches: list[Body]) -> None:
            burst = []
            for number, (kind, item) in enumerate(zip(kinds, picked, strict=False)):
                if kind == "LIST":
                    burst.append(Step("GET"))
                elif kind == "POST":
                    burst.append(_write("POST", None, creates[number], True))
                elif kind == "PUT":
                    burst.append(_write("PUT", item, creates[number], True))
                elif kind == "PATCH":
                    burst.append(_write("PATCH", item, patches[number], True))
                else:
                    burst.append(Step(kind, item, body=NO_BODY))
            self.history.burst(burst)

    machine = hypothesis.seed(run_settings.seed)(Oracle)
    try:
        run_state_machine_as_test(
            machine,
            settings=hypothesis.settings(
                max_examples=histories,
                stateful_step_count=steps,
                database=None,
                deadline=None,
                phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink],
                suppress_health_check=list(hypothesis.HealthCheck),
                report_multiple_bugs=False,
            ),
        )
    except hypothesis.errors.Flaky as flaky:
        leaves = [leaf for leaf in getattr(flaky, "exceptions", ()) if isinstance(leaf, ContractViolation)]
        if found := [*leaves, *seen]:
            # A race that did not happen again when the history was replayed, or shrinking out of time: what it
            # broke is still broken, shown with the shortest history that broke it.
            shortest = min(
                found, key=lambda leaf: min((len(violation.notes) for violation in leaf.violations), default=0)
            )
            raise ContractViolation([unshrunk(violation) for violation in shortest.violations]) from flaky
        # A target that answers one history differently each time (random 5xx, resets) cannot be held to the
        # reference's answers; the other suites judge what it does.
        raise not_run(
            f"the target answered a replayed history differently ({type(flaky).__name__}): the oracle cannot judge it"
        ) from flaky
    finally:
        if gaps:
            # The property reaches junit.xml as it is: a gap quotes answers, which may echo the credentials.
            gaps_text = json.dumps([gap.to_dict() for gap in gaps.values()])
            record_property(GAPS_PROPERTY, items.api.redactor.text(gaps_text))
