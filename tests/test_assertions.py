"""Every assertion of the contract is cited by a suite test case that can fail on it, and kept found by a fault.

The catalog's assertions (contracts/requirements.toml) against the suites' citations (@pytest.mark.asserts) and
the fault catalogue's map of what each fault breaks (target_app/faults/assertions.py), which `conformance
selftest` proves: a fault is detected only when every assertion it is mapped to fails. Mutation testing keeps no
record of which test killed which mutant (bench/mutation.py counts them), so a fault is what guards an
assertion, and every assertion has one.
"""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest

from conformance.checks.item_shape import normalised_from
from conformance.checks.violations import Violation
from conformance.contract.catalog import load_catalog
from conformance.pytest.citations import Citation, collect_citations
from conformance.verdict.assertions import AssertionFailure, AssertionStatus, assertion_results
from conformance.verdict.outcomes import Outcome, TestOutcome
from target_app.faults import FAULTS
from target_app.faults.assertions import BREAKS

CATALOG = load_catalog()
ASSERTIONS = {assertion.id: assertion for assertion in CATALOG.assertions}


@pytest.fixture(scope="module")
def citations() -> list[Citation]:
    return collect_citations()


def test_every_requirement_makes_assertions_with_ids_under_it() -> None:
    assert [r.id for r in CATALOG.requirements if not r.assertions] == []
    assert all(a.id.startswith(f"{a.requirement}.") for a in CATALOG.assertions)
    assert len(ASSERTIONS) == len(CATALOG.assertions), "an assertion ID is given twice"


def test_every_assertion_is_cited_by_a_test_case(citations: list[Citation]) -> None:
    cited = {aid for citation in citations for aid in citation.assertions}
    assert [aid for aid in ASSERTIONS if aid not in cited] == []


def test_every_test_case_cites_an_assertion_of_a_requirement_it_cites(citations: list[Citation]) -> None:
    assert [f"{c.test}{c.case}" for c in citations if not c.assertions] == []
    assert [
        f"{c.test}{c.case}: {aid}"
        for c in citations
        for aid in c.assertions
        if aid not in ASSERTIONS or ASSERTIONS[aid].requirement not in c.requirements
    ] == []


def test_a_suite_citing_an_unknown_assertion_is_refused(tmp_path: Path) -> None:
    """The plugin refuses at collection what this file checks afterwards: a run never judges a typo."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["conformance.pytest.plugin"]\n', encoding="utf-8")
    (tmp_path / "test_typo.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.requirement("ITEM-SHAPE")
            @pytest.mark.asserts("ITEM-SHAPE.no-such-assertion", "LIST-200.status-200")
            def test_typo():
                pass
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(RuntimeError) as refused:
        collect_citations(tmp_path)
    assert "unknown assertion 'ITEM-SHAPE.no-such-assertion'" in str(refused.value)
    assert "asserts LIST-200.status-200 without citing LIST-200" in str(refused.value)


def test_every_fault_names_what_it_breaks_under_the_requirements_it_violates() -> None:
    assert sorted(set(FAULTS) ^ set(BREAKS)) == []
    wrong = {
        name: [
            aid for aid in breaks if aid not in ASSERTIONS or ASSERTIONS[aid].requirement not in FAULTS[name].violates
        ]
        for name, breaks in BREAKS.items()
    }
    assert {name: aids for name, aids in wrong.items() if aids or not BREAKS[name]} == {}


def test_every_assertion_is_kept_found_by_a_fault() -> None:
    guarded = {aid for breaks in BREAKS.values() for aid in breaks}
    unguarded = [aid for aid in ASSERTIONS if aid not in guarded]
    assert unguarded == [], f"expected a fault in target_app/faults/ for every assertion, none breaks {unguarded}"


def test_the_normalisation_cases_are_changed_by_their_form() -> None:
    """ITEM-ROUNDTRIP.no-normalisation is observable only on text its form would change."""
    from suites.test_resource import NORMALISED_BY

    assert set(NORMALISED_BY) == {"NFC", "NFD", "NFKC", "NFKD"}
    assert [form for form, text in NORMALISED_BY.items() if unicodedata.normalize(form, text) == text] == []


def test_the_length_bound_cases_sit_on_both_sides_by_code_points_only() -> None:
    """At the bound by code points, and on the other side of it by a count of UTF-16 units, bytes or
    composed characters: a server that counts any other way is caught on one side."""
    from suites.test_resource import ROUND_TRIPS
    from suites.test_validation import INVALID_CREATES

    at_100 = ROUND_TRIPS["name-100-astral-chars"]["name"], ROUND_TRIPS["name-100-chars-combining"]["name"]
    assert [len(name) for name in at_100] == [100, 100]
    assert len(at_100[0].encode("utf-16-le")) // 2 > 100
    assert len(unicodedata.normalize("NFC", at_100[1])) < 100
    over = INVALID_CREATES["name-101-chars-combining"]["name"], INVALID_CREATES["name-101-astral-chars"]["name"]
    assert [len(name) for name in over] == [101, 101]
    assert len(unicodedata.normalize("NFC", over[0])) <= 100


def test_the_report_gives_each_assertion_its_status_and_a_failure_names_the_assertion_it_broke() -> None:
    roundtrip = "suites/test_resource.py::test_values_come_back_exactly_as_sent"
    violation = Violation(
        ("ITEM-ROUNDTRIP",),
        "POST /items",
        "name='e\u0301'",
        "name='\u00e9' (NFC of what was sent: sent U+0065 U+0301, received U+00E9)",
    )
    outcomes = [
        TestOutcome(
            f"{roundtrip}[not-nfc-normalised]",
            ("ITEM-ROUNDTRIP",),
            Outcome.FAILED,
            ("ITEM-ROUNDTRIP",),
            "POST /items",
            [violation],
            assertions=("ITEM-ROUNDTRIP.no-normalisation",),
        ),
        TestOutcome(
            f"{roundtrip}[case-kept]",
            ("ITEM-ROUNDTRIP",),
            Outcome.PASSED,
            assertions=("ITEM-ROUNDTRIP.no-case-change",),
        ),
        # Failed on another requirement first: it did not judge its own.
        TestOutcome(
            f"{roundtrip}[whitespace-kept]",
            ("ITEM-ROUNDTRIP",),
            Outcome.FAILED,
            ("CREATE-201",),
            assertions=("ITEM-ROUNDTRIP.no-trimming",),
        ),
    ]
    rows = {row.id: row for row in assertion_results(CATALOG, outcomes)["ITEM-ROUNDTRIP"]}
    assert [rows[f"ITEM-ROUNDTRIP.{key}"].status for key in ("no-normalisation", "no-case-change", "no-trimming")] == [
        AssertionStatus.FAILED,
        AssertionStatus.PASSED,
        AssertionStatus.NOT_RUN,
    ]
    assert rows["ITEM-ROUNDTRIP.no-normalisation"].failures == [
        AssertionFailure(
            f"{roundtrip}[not-nfc-normalised]",
            [
                "ITEM-ROUNDTRIP.no-normalisation: POST /items: expected name='e\u0301', received name='\u00e9'"
                " (NFC of what was sent: sent U+0065 U+0301, received U+00E9)"
            ],
        )
    ]
    assert rows["ITEM-ROUNDTRIP.via-create"].status is AssertionStatus.NOT_RUN


def test_a_value_normalised_by_the_server_is_shown_as_code_points() -> None:
    assert normalised_from("Cafe\u0301", "Caf\u00e9") == " (NFC of what was sent: sent U+0065 U+0301, received U+00E9)"
    assert normalised_from("\ufb01", "fi") == " (NFKC of what was sent: sent U+FB01, received U+0066 U+0069)"
    assert normalised_from("abc", "abd") == ""
