"""The hooks that feed a run's progress line (conformance.reports.progress): tests done of the total, the
contract section of the test running, the requests sent and the retries waited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conformance.contract.catalog import load_catalog
from conformance.pytest.collection import requirement_ids, test_id
from conformance.pytest.stash import CLIENT, PACER
from conformance.reports.progress import Progress, ProgressLine


class _Terminal:
    """pytest's terminal, as the stream a ProgressLine writes to."""

    def __init__(self, reporter: Any) -> None:
        self.reporter = reporter

    def isatty(self) -> bool:
        return bool(self.reporter.isatty)

    def write(self, text: str) -> None:
        if not self.isatty() and self.reporter._tw.width_of_current_line:
            self.reporter.write("\n")  # after pytest's row of dots, on a line of its own
        self.reporter.write(text)

    def flush(self) -> None:
        self.reporter.flush()


class RunProgress:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.line: ProgressLine | None = None
        self.total = 0
        self.done = 0
        self.sections: dict[str, str] = {}
        self.section = ""

    def pytest_sessionstart(self) -> None:
        # pytest's terminal is made in its own pytest_configure: here it exists.
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        self.line = ProgressLine(_Terminal(reporter), width=reporter._tw.fullwidth)
        if self.line.tty:
            # The updating line replaces pytest's letters and percentages, which would break it up.
            reporter._show_progress_info = False

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        catalog = load_catalog()
        for item in items:
            cited = requirement_ids(item)
            if cited and cited[0] in catalog.ids:
                section = catalog[cited[0]].section
                self.sections[test_id(item)] = f"§{section.number} {section.title}"

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.total = len(ids)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.section = self.sections.get(nodeid) or nodeid.split("::", 1)[0].rsplit("/", 1)[-1]

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(self, report: pytest.TestReport) -> Iterator[None]:
        status = yield
        if self.line is not None and self.line.tty and status:
            category, _, word = status
            return category, "", word
        return status

    def pytest_runtest_logfinish(self) -> None:
        self.done += 1
        if self.line is None or not self.line.due():
            return
        client = self.config.stash.get(CLIENT, None)
        waiting = self.config.stash[PACER].totals()
        requests = client.request_count if client is not None else None
        self.line.show(Progress(self.done, self.total, self.section, requests, waiting.retries, waiting.waited_s))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self) -> None:
        if self.line is not None:
            self.line.finish()


def register_progress(config: pytest.Config) -> None:
    """Progress is the controller's: an xdist worker has no console."""
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(RunProgress(config), "conformance-progress")
