"""What the suites cite: every collected test case with the requirements and contract assertions it checks,
read by collecting the suites in a pytest of its own (nothing is sent to any server)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

import suites
from conformance.pytest.collection import assertion_ids, requirement_ids

SUITES = Path(suites.__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Citation:
    """One test case of the suites and what it cites."""

    module: str
    """The file name, e.g. `test_list.py`."""
    function: str
    case: str
    """The parameters in brackets, empty for a test without any."""
    requirements: tuple[str, ...]
    assertions: tuple[str, ...]

    @property
    def test(self) -> str:
        return f"{self.module}::{self.function}"


class _Collector:
    def __init__(self) -> None:
        self.citations: list[Citation] = []

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            function = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
            case = item.name[len(function) :]
            self.citations.append(Citation(item.path.name, function, case, requirement_ids(item), assertion_ids(item)))


def _collect(directory: Path) -> None:
    """In the child process: collect `directory` and print its citations as JSON."""
    collector = _Collector()
    with tempfile.TemporaryDirectory(prefix="conformance-citations-") as reports:
        code = pytest.main(
            [str(directory), "--collect-only", "-q", "-p", "no:cacheprovider", "--report-dir", reports],
            plugins=[collector],
        )
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        sys.exit(f"conformance: collecting {directory} failed ({code})")
    print(json.dumps([[c.module, c.function, c.case, c.requirements, c.assertions] for c in collector.citations]))


@cache
def collect_citations(directory: Path = SUITES) -> list[Citation]:
    """Every test case of the suites in `directory`, in collection order. A pytest of its own, in a child
    process: the suites' modules and the plugin's state stay out of the caller's process."""
    done = subprocess.run(
        [sys.executable, "-m", __name__, str(directory)], capture_output=True, text=True, check=False, cwd=directory
    )
    if done.returncode != 0:
        raise RuntimeError(f"collecting {directory} failed: {done.stderr.strip() or done.stdout[-2000:]}")
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return [Citation(module, function, case, tuple(rids), tuple(aids)) for module, function, case, rids, aids in rows]


if __name__ == "__main__":
    _collect(Path(sys.argv[1]))
