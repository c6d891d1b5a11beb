"""RunFacts: what a run did to the target, counted per process and summed over workers and shards."""

from __future__ import annotations

from collections import Counter

from conformance.target.facts import RunFacts


def test_every_status_an_operation_answered_is_counted() -> None:
    facts = RunFacts()
    facts.observe(Counter({("GET /items/{id}", 200): 3, ("GET /items/{id}", 404): 2, ("POST /items", 201): 1}))
    assert facts.observed == {"GET /items/{id}": {"200": 3, "404": 2}, "POST /items": {"201": 1}}


def test_merged_facts_sum_counts_and_keep_every_leftover() -> None:
    first = RunFacts(requests=10, created=2, leftovers=[7], observed={"GET /items": {"200": 4}})
    first.merge(RunFacts(requests=5, created=1, leftovers=[3, 7], observed={"GET /items": {"200": 1, "400": 2}}))
    assert (first.requests, first.created, first.leftovers) == (15, 3, [3, 7])
    assert first.observed == {"GET /items": {"200": 5, "400": 2}}


def test_string_and_integer_ids_merge_in_one_order_and_cross_the_wire() -> None:
    first = RunFacts(created=2, deleted=1, leftovers=[12, "abc"], known_ids=["12", "abc"])
    second = RunFacts(created=1, leftovers=[3, "abc"], leftovers_without_id=1, unknown=["too long"])
    first.merge(RunFacts.from_wire(second.to_wire()))
    assert (first.created, first.deleted, first.leftovers) == (3, 1, [3, 12, "abc"])
    assert first.leftovers_without_id == 1
    assert not first.leftovers_known
    assert first.unknown == ["too long"]
