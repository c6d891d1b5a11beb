"""Headless Chromium, as the tests and the benchmarks open a rendered report: offline, no first-run work."""

from __future__ import annotations

HEADLESS_CHROMIUM = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
