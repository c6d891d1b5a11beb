"""A first run, per shape: the suite against tests/servers/multi_fault.py pre-filled with 50 items.

    python bench/first_run.py [--shape SHAPE ...] [--max-examples N] [--output PATH] [--markdown PATH]
    python bench/first_run.py --rows PATH --markdown PATH   (the tables of an earlier --output)

For each shape (default: each one alone, then all together) it prints the requirements' statuses (judged =
passed or failed; the rest not run or not exercised), which requirements the shape breaks yet read "passed",
the leftovers the store holds against those the manifest lists, and whether every pre-existing item is intact.
With --output it also writes the statuses per requirement and shape as JSON, to compare before and after a
change; with --markdown, one line per shape and each requirement's status per shape as Markdown tables.
Needs the project installed (`pip install -e .`), as the suite does.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import run_conformance
from tests.servers import multi_fault
from tests.test_first_run import RUN_OPTIONS, RUNS, TOKEN, leftovers_unknown


def one_run(name: str, max_examples: int) -> dict[str, Any]:
    shapes, breaks, judged = RUNS[name]
    with tempfile.TemporaryDirectory() as workdir, multi_fault.running(shapes, TOKEN) as server:
        before = multi_fault.read_store(server.url)
        result = run_conformance(
            "--base-url",
            server.url,
            "--token",
            TOKEN,
            *RUN_OPTIONS,
            "--max-examples",  # given again, it wins
            str(max_examples),
            workdir=Path(workdir),
            timeout=900,
        )
        after = multi_fault.read_store(server.url)
        summary = result.summary
    accounting = multi_fault.account(before, after)
    statuses = {entry["id"]: entry["status"] for entry in summary["requirements"]}
    manifest = summary["manifest"]
    return {
        "shape": name,
        "exit_code": result.exit_code,
        "statuses": statuses,
        "counts": dict(Counter(statuses.values())),
        "broken_but_passed": sorted(rid for rid in breaks if statuses[rid] == "passed"),
        "unbroken_not_judged": sorted(rid for rid in judged if statuses[rid] not in ("passed", "failed")),
        "seeds_changed": len(accounting.seeds_changed),
        "store": {
            "created": accounting.created,
            "deleted": accounting.deleted,
            "leftovers": len(accounting.left),
            "without_id": accounting.left_without_id,
        },
        "manifest": {
            "created": manifest.get("items_created"),
            "deleted": manifest.get("items_deleted"),
            "leftovers": len(summary["leftovers"]),
            "without_id": manifest.get("leftovers_without_id"),
            "says_unknown": leftovers_unknown(summary),
        },
    }


def show(row: dict[str, Any]) -> str:
    counts = row["counts"]
    judged = counts.get("passed", 0) + counts.get("failed", 0)
    not_judged = {status: n for status, n in counts.items() if status not in ("passed", "failed")}
    return "\n".join(
        [
            f"== {row['shape']} (exit {row['exit_code']})",
            f"  judged {judged}: {counts.get('passed', 0)} passed, {counts.get('failed', 0)} failed; "
            f"not judged: {not_judged or 0}",
            f"  broken yet passed: {', '.join(row['broken_but_passed']) or 'none'}",
            f"  unbroken yet not judged: {', '.join(row['unbroken_not_judged']) or 'none'}",
            f"  pre-existing items changed or gone: {row['seeds_changed']} of {multi_fault.SEEDED}",
            f"  store:    {row['store']}",
            f"  manifest: {row['manifest']}",
            "  not judged, by requirement: "
            + ", ".join(
                f"{rid} ({status})" for rid, status in row["statuses"].items() if status not in ("passed", "failed")
            ),
        ]
    )


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table: one line per shape."""
    lines = [
        "| shape | passed | failed | not judged | broken yet passed | unbroken yet not judged | pre-existing "
        "changed | created (store / manifest) | leftovers (store / manifest) | without id (store / manifest) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        counts, store, manifest = row["counts"], row["store"], row["manifest"]
        unknown = " (says unknown)" if manifest["says_unknown"] else ""
        lines.append(
            f"| {row['shape']} | {counts.get('passed', 0)} | {counts.get('failed', 0)} "
            f"| {sum(n for status, n in counts.items() if status not in ('passed', 'failed'))} "
            f"| {', '.join(row['broken_but_passed']) or '-'} | {', '.join(row['unbroken_not_judged']) or '-'} "
            f"| {row['seeds_changed']} | {store['created']} / {manifest['created']} "
            f"| {store['leftovers']} / {manifest['leftovers']}{unknown} "
            f"| {store['without_id']} / {manifest['without_id']} |"
        )
    return "\n".join(lines) + "\n"


MARKS = {"passed": "P", "failed": "F"}


def matrix(rows: list[dict[str, Any]]) -> str:
    """Each requirement's status per shape: P passed, F failed, - not judged; * where the shape breaks it."""
    lines = [
        "| requirement | " + " | ".join(row["shape"] for row in rows) + " |",
        "| --- |" + " --- |" * len(rows),
    ]
    for rid in rows[0]["statuses"]:
        marks = [MARKS.get(row["statuses"][rid], "-") + ("*" if rid in RUNS[row["shape"]][1] else "") for row in rows]
        lines.append(f"| {rid} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", action="append", choices=list(RUNS), help="a run of tests/test_first_run.py")
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--output", type=Path, help="write the rows as JSON here")
    parser.add_argument("--markdown", type=Path, help="write the rows as Markdown tables here")
    parser.add_argument("--rows", type=Path, help="no runs: the rows an earlier --output wrote")
    args = parser.parse_args()
    rows = json.loads(args.rows.read_text(encoding="utf-8")) if args.rows else []
    for name in [] if args.rows else args.shape or list(RUNS):
        rows.append(one_run(name, args.max_examples))
        print(show(rows[-1]), flush=True)
    if args.output:
        args.output.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(table(rows) + "\n" + matrix(rows), encoding="utf-8")


if __name__ == "__main__":
    main()
