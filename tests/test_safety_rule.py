"""The safety rule against faulty servers (an in-memory server per shape): nothing is written that a wrong server
could turn into a change of other data, every item the run creates is accounted for, whatever its id looks like,
and what the run left is measured against the list at its start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from conformance.checks.items import PAGE_MAX, WHOLE_LIST_PAGES, Items
from conformance.pytest.cleanup import clean_up, delete_open_input, measure, take_snapshot
from conformance.target.client import ApiClient
from conformance.target.errors import NotRun, UnsafeWrite
from conformance.target.ledger import Ledger, id_order
from conformance.target.redaction import Redactor

TAG = "run1-main"
OURS = Items.name_prefix(TAG)


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    # As a faulty server stores and echoes it: lone surrogates escaped, an infinite price as `Infinity`.
    content = json.dumps(body).encode()
    return httpx.Response(status, content=content, headers={"Content-Type": "application/json", **(headers or {})})


class FakeServer:
    """An Items server with the shapes of issue 18: no authentication, optionally string ids, ids only in
    `Location`, a GET that answers 404 for everything, a `DELETE /items` that deletes every item, pages cut at
    `page_cap` items, an `offset` ignored."""

    def __init__(
        self,
        *,
        others: int = 0,
        string_ids: bool = False,
        location_only: bool = False,
        always_404: bool = False,
        delete_all: bool = False,
        page_cap: int | None = None,
        ignores_offset: bool = False,
    ) -> None:
        self.items: dict[str, Any] = {}
        self.page_cap, self.ignores_offset = page_cap, ignores_offset
        self.string_ids, self.location_only = string_ids, location_only
        self.always_404, self.delete_all = always_404, delete_all
        self.sent: list[tuple[str, str]] = []
        self._next = 1
        for number in range(others):
            self.store({"name": f"someone else's {number}", "price": 1.0, "description": None})

    def store(self, body: Any) -> Any:
        item_id: Any = f"s{self._next:04}" if self.string_ids else self._next
        self._next += 1
        self.items[str(item_id)] = {"id": item_id, **body} if isinstance(body, dict) else body
        return item_id

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path
        self.sent.append((method, path))
        if path == "/items":
            return self._collection(request)
        key = unquote(path.removeprefix("/items/"))
        if not path.startswith("/items/") or "/" in key:
            return answer(404, {"detail": "no route"})
        if method == "GET":
            found = not self.always_404 and key in self.items
            return answer(200, self.items[key]) if found else answer(404, {"detail": "no"})
        if key not in self.items:
            return answer(404, {"detail": "no"})
        if method == "DELETE":
            del self.items[key]
            return httpx.Response(204)
        self.items[key].update(json.loads(request.content))
        return answer(200, self.items[key])

    def _collection(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            limit, offset = int(request.url.params.get("limit", 10)), int(request.url.params.get("offset", 0))
            limit = min(limit, self.page_cap or limit)
            offset = 0 if self.ignores_offset else offset
            listed = [self.items[key] for key in sorted(self.items, key=id_order)]
            return answer(200, {"items": listed[offset : offset + limit], "total": len(listed)})
        if request.method == "POST":
            item_id = self.store(json.loads(request.content))
            location = {"Location": f"/items/{item_id}"}
            if self.location_only:
                return httpx.Response(201, headers=location)
            return answer(201, self.items[str(item_id)], location)
        if request.method == "DELETE" and self.delete_all:
            self.items.clear()
            return httpx.Response(204)
        return answer(405, {"detail": "no"}, {"Allow": "GET, POST"})

    def names(self) -> list[str]:
        return sorted(str(item.get("name")) for item in self.items.values() if isinstance(item, dict))


def client_of(server: FakeServer) -> Items:
    http = httpx.Client(base_url="http://faulty.test", transport=httpx.MockTransport(server))
    return Items(ApiClient(http, token="tok-1234", ledger=Ledger(), redactor=Redactor()), TAG)


def create(items: Items, **members: Any) -> httpx.Response:
    return items.api.post("/items", body=items.body(**members))


def test_a_string_id_servers_items_are_recorded_and_cleaned_up() -> None:
    server = FakeServer(others=3, string_ids=True)
    items = client_of(server)
    created = [create(items).json()["id"] for _ in range(3)]
    assert items.api.ledger.alive() == created == ["s0004", "s0005", "s0006"]
    assert clean_up(items, OURS) == []
    assert server.names() == ["someone else's 0", "someone else's 1", "someone else's 2"]


def test_an_id_only_in_location_is_recorded() -> None:
    server = FakeServer(location_only=True)
    items = client_of(server)
    assert create(items).content == b""
    assert items.api.ledger.alive() == [1]
    assert clean_up(items, OURS) == []
    assert server.items == {}


@pytest.mark.parametrize("string_ids", [False, True])
def test_items_the_ledger_missed_are_found_by_the_runs_tag(string_ids: bool) -> None:
    server = FakeServer(others=2, string_ids=string_ids)
    items = client_of(server)
    stray = server.store(items.body())  # a create whose answer never arrived
    assert clean_up(items, OURS) == []
    assert str(stray) not in server.items
    assert len(server.items) == 2


def test_an_id_a_write_sent_is_no_evidence_of_a_new_item() -> None:
    """A server that stores any JSON echoes an `id` member the request sent: another item's, here. Neither the
    PATCH's answer nor the create's makes that id the run's; the create's `Location` names where it really is."""
    server = FakeServer(others=1)
    items = client_of(server)
    foreign = next(iter(server.items.values()))["id"]
    own = create(items).json()["id"]
    assert items.api.patch(f"/items/{own}", body={"id": foreign}).json()["id"] == foreign
    echoed = items.api.post("/items", body={**items.body(), "id": foreign})
    assert echoed.json()["id"] == foreign, f"received {echoed.json()}"
    assert not items.api.ledger.owns(foreign), f"expected {foreign} not the run's; received {items.api.ledger.known()}"
    assert items.api.ledger.alive() == [own, 3], f"received {items.api.ledger.alive()}"
    assert clean_up(items, OURS) == []
    assert ("DELETE", f"/items/{foreign}") not in server.sent, f"received {server.sent}"
    assert server.names() == ["someone else's 0"], f"received {server.names()}"


@pytest.mark.parametrize("named_id", ["foreign", "nobody's"])
def test_a_tagged_entry_is_adopted_only_where_its_id_holds_it(named_id: str) -> None:
    """A server that stores any JSON keeps the `id` member a body sent: the listed entry then names another
    item's id (deleting it would delete that item), or no item at all (counting it would invent a creation)."""
    server = FakeServer(others=1)
    items = client_of(server)
    foreign = next(iter(server.items.values()))["id"]
    said = foreign if named_id == "foreign" else 999
    stray = server.store(items.body())
    server.items[str(stray)]["id"] = said  # what the list shows; the server holds it at `stray`
    assert clean_up(items, OURS) == []
    assert ("DELETE", f"/items/{said}") not in server.sent, f"received {server.sent}"
    assert items.api.ledger.created_count == 0, f"expected no creation counted; received {items.api.ledger.known()}"
    assert server.items[str(foreign)]["name"] == "someone else's 0", f"received {server.items[str(foreign)]}"


def test_delete_of_the_collection_is_refused_while_a_foreign_item_is_listed() -> None:
    server = FakeServer(others=50, delete_all=True)
    items = client_of(server)
    create(items)
    with pytest.raises(pytest.skip.Exception, match="holds 50 items this run did not create"):
        items.own_collection("DELETE")
    with pytest.raises(UnsafeWrite):
        items.api.delete("/items", auth=False)
    assert len(server.items) == 51
    assert ("DELETE", "/items") not in server.sent


def test_delete_of_the_collection_goes_without_credentials_once_it_holds_only_the_runs_items() -> None:
    server = FakeServer(delete_all=True)
    items = client_of(server)
    create(items)
    items.api.post("/items", body={"name": "not tagged, but this run's", "price": 1})
    with pytest.raises(UnsafeWrite, match="with credentials"):
        items.api.delete("/items", permit=items.own_collection("DELETE"))
    response = items.api.delete("/items", auth=False, permit=items.own_collection("DELETE"))
    assert response.status_code == 204
    assert "authorization" not in response.request.headers
    with pytest.raises(UnsafeWrite):
        items.api.put("/items", raw=b"{", permit=items.own_collection("DELETE"))  # a permit is for one method


@pytest.mark.parametrize("path", ["/v2/items", "/ITEMS/1", "/items/1/children", "/conformance-no-such-path"])
def test_writes_outside_the_contracts_paths_are_refused(path: str) -> None:
    server = FakeServer(others=1)
    items = client_of(server)
    with pytest.raises(UnsafeWrite):
        items.api.delete(path)
    assert server.sent == []


def test_a_write_to_a_word_is_refused_until_it_is_proved_absent() -> None:
    server = FakeServer(others=2, string_ids=True)
    items = client_of(server)
    server.items["abc"] = {"id": "abc", "name": "someone else's", "price": 1.0, "description": None}
    with pytest.raises(UnsafeWrite):
        items.api.delete("/items/abc")
    assert not items.prove_absent("abc")
    assert items.prove_absent("xyz")
    assert items.api.delete("/items/xyz").status_code == 404
    with pytest.raises(pytest.skip.Exception, match="could not be proved absent"):
        items.absent_path("abc")
    assert "abc" in server.items


def test_a_server_that_answers_404_to_every_get_makes_no_listed_id_writable() -> None:
    server = FakeServer(others=3, always_404=True)
    items = client_of(server)
    assert not items.prove_absent("2")
    with pytest.raises(UnsafeWrite):
        items.api.delete("/items/2")
    assert items.absent_id() == 1_900_000_000
    assert len(server.items) == 3


def test_a_non_canonical_id_needs_its_text_and_its_integer_proved_absent() -> None:
    server = FakeServer(others=5)
    items = client_of(server)
    assert not items.prove_absent("05")  # 404 for "05" read as text, but item 5 is listed
    assert items.prove_absent("07")
    assert ("GET", "/items/07") in server.sent
    assert ("GET", "/items/7") in server.sent


def test_on_a_list_too_long_to_read_whole_ids_are_placed_by_their_order() -> None:
    server = FakeServer(others=WHOLE_LIST_PAGES * PAGE_MAX + 5, always_404=True)
    items = client_of(server)
    assert items.absent_id() == 1_900_000_000  # above the newest items
    assert not items.prove_absent("7")  # found by bisection
    assert items.prove_absent("abc")  # the server's ids are integers: no text is one of them


def test_on_a_long_list_of_string_ids_no_text_can_be_proved_absent() -> None:
    server = FakeServer(others=WHOLE_LIST_PAGES * PAGE_MAX + 5, string_ids=True)
    items = client_of(server)
    assert not items.prove_absent("abc")
    with pytest.raises(pytest.skip.Exception, match="could be proved absent"):
        items.absent_id()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "x", "price": 1e400}',
        b'{"name": "\\ud800 lone", "price": 1}',
        b'{"name": "x", "price": 1000000.000000000000001}',
        b'{"name": "x", "price": 1, "description": "' + b"d" * 2**20 + b'"}',
    ],
    ids=["infinite-price", "lone-surrogate", "beyond-the-bound", "over-1-MiB"],
)
def test_an_item_made_from_input_the_contract_leaves_open_is_deleted_after_its_test(raw: bytes) -> None:
    server = FakeServer(others=1)
    items = client_of(server)
    create(items)
    assert items.api.post("/items", raw=raw).status_code == 201
    delete_open_input(items.api)
    assert sorted(server.items) == ["1", "2"]
    assert items.api.ledger.alive() == [2]


def test_an_item_changed_to_hold_open_input_is_deleted_after_its_test() -> None:
    server = FakeServer()
    items = client_of(server)
    item_id = create(items).json()["id"]
    items.api.patch(f"/items/{item_id}", raw=b'{"price": 1e-400}')
    delete_open_input(items.api)
    assert server.items == {}


def test_leftovers_are_measured_against_the_list_at_the_start() -> None:
    server = FakeServer(others=4, string_ids=True)
    items = client_of(server)
    start = take_snapshot(items)
    undeletable = create(items).json()["id"]
    items.api.post("/items", body={"name": "not tagged, known to the ledger", "price": 1})
    server.store(["an", "array", "body"])
    del server.items["s0002"]  # another client (or a faulty server) removed someone else's item
    server.items["s0003"]["price"] = 2.0
    server.store({"name": "another client's new item", "price": 1.0, "description": None})
    facts = measure(items, start, items.api.ledger.known(), Items.run_prefix(TAG), [undeletable])
    assert facts.leftovers == ["s0005", "s0006"]
    assert facts.leftovers_without_id == 1
    assert facts.others_changed == ["s0002", "s0003"]
    assert facts.leftovers_known


def test_on_a_server_too_long_to_compare_only_the_newest_items_are_searched_and_it_says_so() -> None:
    server = FakeServer(others=WHOLE_LIST_PAGES * PAGE_MAX + 1)
    items = client_of(server)
    start = take_snapshot(items)
    server.store(items.body())
    facts = measure(items, start, items.api.ledger.known(), Items.run_prefix(TAG), [])
    assert facts.leftovers == [WHOLE_LIST_PAGES * PAGE_MAX + 2]
    assert not facts.leftovers_known
    assert "the whole list could not be read at the start" in facts.unknown[0]


def test_a_server_that_cuts_its_pages_short_is_still_read_whole() -> None:
    """Pages of at most 50 when 100 are asked for: a short page is not the end of the list, or a foreign
    item past the first 50 would go unseen and `DELETE /items` be sent beside it."""
    server = FakeServer(page_cap=50, delete_all=True)
    items = client_of(server)
    for _ in range(60):
        create(items)
    server.store({"name": "someone else's", "price": 1.0, "description": None})
    assert len(items.whole_list() or []) == 61
    with pytest.raises(pytest.skip.Exception, match="holds 1 item"):
        items.own_collection("DELETE")
    assert ("DELETE", "/items") not in server.sent


def test_a_server_that_ignores_offset_is_not_taken_for_a_whole_list() -> None:
    server = FakeServer(others=150, ignores_offset=True)
    items = client_of(server)
    assert items.whole_list() is None
    reads = [sent for sent in server.sent if sent == ("GET", "/items")]
    assert len(reads) == 2, f"expected it seen at the second page; received {len(reads)} reads"
    with pytest.raises(pytest.skip.Exception, match="could not be read"):
        items.own_collection("DELETE")


def test_a_refused_write_makes_its_test_not_run() -> None:
    assert issubclass(UnsafeWrite, NotRun)


def test_a_segment_the_server_reads_as_one_of_the_runs_items_may_be_written() -> None:
    """A server that reads `5abc` as 5 shows where a write there goes: to the run's item, which the test checks."""

    def leading_digits(request: httpx.Request) -> httpx.Response:
        digits = request.url.path.removeprefix("/items/")[:1]
        if request.method == "POST":
            return answer(201, {"id": 5, "name": "n", "price": 1, "description": None})
        return answer(200, {"id": int(digits), "name": "n", "price": 1, "description": None})

    http = httpx.Client(base_url="http://faulty.test", transport=httpx.MockTransport(leading_digits))
    items = Items(ApiClient(http, token="tok-1234", ledger=Ledger(), redactor=Redactor()), TAG)
    assert not items.prove_absent("6abc")  # item 6 is someone else's
    items.api.post("/items", body=items.body())
    assert items.prove_absent("5abc")
    assert items.api.put("/items/5abc", body=items.body()).status_code == 200


def test_an_item_a_put_brings_back_after_its_delete_is_cleaned_up() -> None:
    server = FakeServer()
    items = client_of(server)
    body = create(items).json()
    items.api.delete("/items/1")
    server.items["1"] = body  # a server that upserts: PUT after DELETE stores the item again
    items.api.put("/items/1", body=items.body())
    assert clean_up(items, OURS) == []
    assert server.items == {}


def test_whatever_a_write_was_meant_for_an_item_the_server_says_it_made_is_recorded() -> None:
    """A server that maps `POST /items/{id}` to a create (GEN-405 sends it) made an item of the run's."""
    made = {"id": "x-9", "name": "n", "price": 1, "description": None}
    transport = httpx.MockTransport(
        lambda request: (
            answer(201, made, {"Location": "http://faulty.test/api/items/x-9"})
            if request.method == "POST"
            else httpx.Response(204)
        )
    )
    http = httpx.Client(base_url="http://faulty.test/api", transport=transport)
    api = ApiClient(http, token="tok-1234", ledger=Ledger(), redactor=Redactor())
    api.post("/items", raw=b"[]")
    api.post("/items/x-9", body={"name": "n", "price": 1})
    assert api.ledger.alive() == ["x-9"]
    assert api.ledger.created_count == 1


OPEN_INPUT_TESTS = """
import pytest
from conformance.target.paths import item_path

made = {}

@pytest.mark.requirement("CREATE-201")
def test_fills_an_item_with_open_input(api, items):
    made["id"] = items.create()["id"]
    api.ledger.mark_open_input([str(made["id"])])  # as the client does after a 2xx write holding 1e400

@pytest.mark.requirement("CREATE-201")
def test_the_next_test_finds_it_gone(api):
    assert api.get(item_path(made["id"])).status_code == 404
"""


def test_the_suite_deletes_an_item_holding_open_input_right_after_its_test(tmp_path: Path) -> None:
    (tmp_path / "test_open_input.py").write_text(OPEN_INPUT_TESTS, encoding="utf-8")
    plugin = ["-p", "no:cacheprovider", "-p", "conformance.pytest.plugin"]
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *plugin, "test_open_input.py", "--report-dir", str(tmp_path / "r")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "2 passed" in completed.stdout, completed.stdout[-2000:]
