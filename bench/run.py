"""Benchmark: `conformance run` against the Schemathesis CLI (the peer) and against the raw HTTP ceiling.

    python bench/run.py [--quick] [--repeat K] [--max-examples N] [--timeout S] [--raw-requests N] [--output PATH]

One run times the suite in-process (Hypothesis's cache warm, and cold as on a fresh CI checkout) and
over loopback against `python -m target_app`, the peer (`st run ... -c all`) against the same served
app at the same max-examples, the suite's growth with --max-examples and -n, and what a bare
keep-alive httpx client gets from the same app, so the suite's own cost per request shows. It writes
a Markdown table to bench/results.md (from bench/results.md.j2) and prints it. Each point is run
--repeat times (default 3) and the run with the median wall time is reported, as one run on a shared
machine varies a lot.
`--quick` skips the max-examples 100 and 200 points and runs each point once. Needs the project
installed (`pip install -e .`), as the suite does.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import logging
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jinja2

# Run as a script: the checkout's root is not on the path, and the server helpers live with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance.pytest.options import DEFAULT_MAX_EXAMPLES
from tests.servers.running import free_port, serve, stop

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "contracts" / "openapi.json"
GNU_TIME = Path("/usr/bin/time")
PEER_SEED = 1
SCALING_POINTS = (10, 50, 100, 200)
QUICK_SKIPS = frozenset({100, 200})
RAW_BUDGET = 30.0
PEER_LARGE = 100
PEER_WORKERS = "2"
PEER_GOAL = 0.8
"""Issue 21: time to verdict at most 0.8x `st run -c all`, at both sizes and both worker settings."""
IN_PROCESS_GOAL = 5.0
FIX_LOOP_FAULT = "read-missing-200-null"
FIX_LOOP_GOAL = 0.1
"""A --last-failed re-run after one fault: under a tenth of the full run's wall time."""
VERSIONED = ("schemathesis", "hypothesis", "pytest", "pytest-xdist", "httpx", "litestar", "uvicorn")


@dataclass
class Run:
    """One timed child process: the suite or the peer."""

    label: str
    tool: str
    target: str
    max_examples: int
    workers: str
    wall_s: float
    exit_code: int | None  # None: killed at the timeout
    rss_kib: int | None
    requests: int | None = None
    in_run_s: float | None = None
    outcome: str = ""
    walls: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float | None:
        return self.requests / self.wall_s if self.requests else None

    @property
    def ms_wall(self) -> float | None:
        return 1000 * self.wall_s / self.requests if self.requests else None

    @property
    def ms_in_run(self) -> float | None:
        return 1000 * self.in_run_s / self.requests if self.requests and self.in_run_s else None


@dataclass
class Raw:
    """A bare client loop: the most requests per second the app gives, with no test logic at all."""

    label: str
    requests: int
    seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def ms(self) -> float:
        return 1000 * self.seconds / self.requests


def child_env() -> dict[str, str]:
    # Children run in a temp dir, so Hypothesis/Schemathesis caches never land in the checkout, and
    # Hypothesis keeps its cache (.hypothesis/, the Unicode tables included) in that working directory:
    # the benchmark decides when it is cold. PYTHONPATH keeps them on this checkout's code.
    env = {key: value for key, value in os.environ.items() if key != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def children_maxrss_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def timed(command: list[str], cwd: Path, log: Path, timeout: float) -> tuple[float, int | None, int | None]:
    """Wall seconds, exit code (None on timeout) and peak RSS in KiB (None when unknown) of one child."""
    rss_file = log.with_suffix(".time")
    use_gnu_time = GNU_TIME.exists()
    if use_gnu_time:
        command = [str(GNU_TIME), "-v", "-o", str(rss_file), *command]
    before = children_maxrss_kib()
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=child_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            stop(process, session=True)
        wall = time.perf_counter() - started
    rss: int | None = None
    if use_gnu_time and rss_file.exists():
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", rss_file.read_text(encoding="utf-8"))
        rss = int(found.group(1)) if found else None
    elif not use_gnu_time:
        # RUSAGE_CHILDREN keeps the largest child ever waited for: only a new high is this child's.
        after = children_maxrss_kib()
        rss = after if after > before else None
    return wall, code, rss


def last_line(log: Path, pattern: str) -> str:
    lines = [line.strip("= ") for line in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    matching = [line for line in lines if re.search(pattern, line)]
    return matching[-1] if matching else ""


@contextlib.contextmanager
def served_reference(token: str, workdir: Path) -> Iterator[str]:
    """`python -m target_app` on a free loopback port, stopped on the way out whatever happens."""
    port = free_port()
    command = [sys.executable, "-m", "target_app", "--host", "127.0.0.1", "--port", str(port), "--token", token]
    log = workdir / f"server-{port}.log"
    with serve(command, port, child_env(), cwd=workdir, log=log, session=True) as server:
        yield server.url


def suite_run(
    label: str,
    workdir: Path,
    timeout: float,
    max_examples: int,
    workers: str | None = None,
    base_url: str | None = None,
    token: str | None = None,
    cwd: Path | None = None,
    fault: str | None = None,
    rerun_of: Path | None = None,
) -> Run:
    """`rerun_of`: the report folder of an earlier run, whose failures a `--last-failed` run re-runs."""
    report_dir = workdir / f"suite-{label}"
    command = [sys.executable, "-m", "conformance", "run", "--max-examples", str(max_examples)]
    command += ["--report-dir", str(report_dir)]
    if fault is not None:
        command += ["--fault", fault]
    if rerun_of is not None:
        shutil.copytree(rerun_of, report_dir)
        command += ["--last-failed"]
    if workers is not None:
        command += ["-n", workers]
    if base_url is not None and token is not None:
        command += ["--base-url", base_url, "--token", token]
    log = workdir / f"suite-{label}.log"
    wall, code, rss = timed(command, cwd or workdir, log, timeout)
    run = Run(
        label=label,
        tool="suite",
        target=("loopback" if base_url else "in-process" if cwd is None else "in-process, cold cache")
        + (f", fault {fault}" if fault else "")
        + (", --last-failed" if rerun_of else ""),
        max_examples=max_examples,
        workers=workers or "serial",
        wall_s=wall,
        exit_code=code,
        rss_kib=rss,
    )
    summary = report_dir / "conformance.json"
    if summary.exists():
        data = json.loads(summary.read_text(encoding="utf-8"))
        run.requests = int(data["manifest"]["requests"])
        run.in_run_s = float(data["manifest"]["duration_s"])
        tally = last_line(log, r"\d+ (passed|failed|errors?)\b.* in [\d.]+s")
        run.outcome = f"{data['verdict']}" + (f"; {tally}" if tally else "")
    else:
        run.outcome = "timed out" if code is None else f"no conformance.json: {last_line(log, r'.')[:100]}"
    return run


def peer_requests(report_dir: Path) -> tuple[int | None, float | None]:
    """Requests the peer sent and its in-run seconds, from its own HAR and NDJSON reports.

    HAR holds every request Schemathesis recorded for test cases and checks (including the extra
    requests of checks such as unsupported_method); the probes it sends before testing are only in
    the NDJSON probing phase, so they are added from there.
    """
    hars = sorted(report_dir.glob("*.json"))
    events = sorted(report_dir.glob("*.ndjson"))
    if not hars or not events:
        return None, None
    count = len(json.loads(hars[0].read_text(encoding="utf-8"))["log"]["entries"])
    in_run = 0.0
    with events[0].open(encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            if "LoadingFinished" in event:
                in_run += float(event["LoadingFinished"]["duration"])
            elif "EngineFinished" in event:
                in_run += float(event["EngineFinished"]["running_time"])
            elif "PhaseFinished" in event and event["PhaseFinished"]["phase"]["name"] == "probing":
                payload = event["PhaseFinished"].get("payload") or {}
                count += sum(1 for probe in payload.get("probes", []) if probe.get("request"))
    return count, in_run or None


def peer_run(
    label: str, workdir: Path, timeout: float, max_examples: int, base_url: str, token: str, workers: str | None = None
) -> Run:
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    if st is None:
        raise RuntimeError("the Schemathesis CLI `st` is not installed next to this Python or on PATH")
    report_dir = workdir / f"peer-{label}"
    command = [st, "run", str(CONTRACT), "--url", base_url, "-c", "all", "-H", f"Authorization: Bearer {token}"]
    command += ["-n", str(max_examples), "--seed", str(PEER_SEED), "--report", "har,ndjson"]
    command += ["--report-dir", str(report_dir)] + (["-w", workers] if workers else [])
    log = workdir / f"peer-{label}.log"
    wall, code, rss = timed(command, workdir, log, timeout)
    requests, in_run = peer_requests(report_dir)
    outcome = "timed out" if code is None else last_line(log, r"(issues? found|passed|failed|[Ee]rror)")[:100]
    return Run(label, "peer", "loopback", max_examples, workers or "1", wall, code, rss, requests, in_run, outcome)


def raw_loop(label: str, client: httpx.Client, count: int) -> Raw:
    """GET /items and GET /items/{id} of one created item, alternately, on one keep-alive client."""
    created = client.post("/items", json={"name": "bench", "price": 1.5})
    created.raise_for_status()
    paths = ("/items", f"/items/{created.json()['id']}")
    for index in range(50):  # warm-up: connection, app and client code paths
        client.get(paths[index % 2]).raise_for_status()
    sent = 0
    started = time.perf_counter()
    deadline = started + RAW_BUDGET
    while sent < count and time.perf_counter() < deadline:
        client.get(paths[sent % 2]).raise_for_status()
        sent += 1
    elapsed = time.perf_counter() - started
    client.delete(paths[1]).raise_for_status()
    return Raw(label, sent, elapsed)


def raw_in_process(token: str, count: int) -> Raw:
    # The same client the suite uses in-process (litestar's TestClient), to floor the in-process runs.
    from litestar.testing import TestClient

    from target_app import create_app

    # Litestar's logging config puts httpx at INFO; the suite's plugin silences it, and so does this.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = create_app(tokens=[token])
    with TestClient(app, base_url="http://testserver.local") as client:
        client.headers["Authorization"] = f"Bearer {token}"
        return raw_loop("TestClient, in-process", client, count)


def versions() -> str:
    found = []
    for name in (*VERSIONED, "items-conformance"):
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def code_version() -> str:
    """Which code was measured: the checkout's commit, and whether tracked files differ from it."""
    git = ["git", "-C", str(ROOT)]
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # a read-only look: git status must not rewrite the index
    try:
        rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10)
        status = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=10, env=env
        )
    except (OSError, subprocess.SubprocessError):
        return f"{ROOT} (git unavailable)"
    if rev.returncode != 0:
        return f"{ROOT} (not a git checkout)"
    return f"{ROOT} at commit {rev.stdout.strip()}" + (" with uncommitted changes" if status.stdout.strip() else "")


def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def mib(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:,.0f}"


def wall(run: Run) -> str:
    spread = f" ({min(run.walls):.1f}..{max(run.walls):.1f})" if len(run.walls) > 1 else ""
    return f"{run.wall_s:.1f}{spread}"


def status(run: Run) -> str:
    code = "timeout" if run.exit_code is None else f"exit {run.exit_code}"
    return f"{code}: {run.outcome}" if run.outcome else code


def render(
    main_runs: list[Run],
    scaling: list[Run],
    workers: list[Run],
    raws: dict[str, Raw],
    started: dt.datetime,
    total_s: float,
    quick: bool,
    repeat: int,
    pairs: list[tuple[Run, Run]],
    fix_loop: tuple[Run, Run],
    focus: bool,
) -> str:
    def overhead(run: Run) -> float | None:
        raw = raws.get(run.target.split(",")[0])
        return run.ms_in_run - raw.ms if run.ms_in_run is not None and raw else None

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(number=number, mib=mib, wall=wall, status=status)
    base = main_runs[0]
    return environment.get_template("results.md.j2").render(
        quick=quick,
        focus=focus,
        repeat=repeat,
        started=started,
        total_s=total_s,
        load_average=os.getloadavg()[0],
        machine=platform.platform(),
        cores=os.cpu_count(),
        code=code_version(),
        python=platform.python_version(),
        versions=versions(),
        dont_write_bytecode=os.environ.get("PYTHONDONTWRITEBYTECODE"),
        gnu_time=GNU_TIME.exists(),
        peer_seed=PEER_SEED,
        main_runs=main_runs,
        peer=next(run for run in main_runs if run.tool == "peer"),
        overhead=overhead,
        base=base,
        growth=sorted([base, *scaling], key=lambda run: run.max_examples),
        quick_skips=sorted(QUICK_SKIPS),
        workers=[base, *workers],
        raws=raws,
        pairs=pairs,
        peer_goal=PEER_GOAL,
        in_process_goal=IN_PROCESS_GOAL,
        fix_loop=fix_loop,
        fix_loop_goal=FIX_LOOP_GOAL,
        fix_loop_fault=FIX_LOOP_FAULT,
    )


def median_run(runs: list[Run]) -> Run:
    """The run with the median wall time (the upper one for an even count), carrying every wall time."""
    chosen = sorted(runs, key=lambda run: run.wall_s)[len(runs) // 2]
    chosen.walls = [run.wall_s for run in runs]
    # On the way, so that a benchmark stopped part-way still shows what it measured.
    print(
        f"  -> {chosen.tool} {chosen.target} {chosen.max_examples} -w {chosen.workers}: {wall(chosen)} s",
        file=sys.stderr,
    )
    return chosen


def warm_up(workdir: Path, timeout: float) -> None:
    # Otherwise the first child alone pays for a cold file cache (and .pyc writing, where that is allowed).
    modules = "import conformance.pytest.plugin, schemathesis, suites, target_app.app, uvicorn"
    subprocess.run([sys.executable, "-c", modules], cwd=workdir, env=child_env(), check=True, timeout=timeout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the max-examples 100 and 200 points; --repeat 1")
    parser.add_argument(
        "--focus",
        action="store_true",
        help="only the in-process default, the side-by-side pairs with the peer and the fix loop (issue 21's goals)",
    )
    parser.add_argument("--repeat", type=int, help="runs per point, the median is reported (default: 3, --quick: 1)")
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, help="default: %(default)s")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per child run (default: %(default)s)")
    parser.add_argument("--raw-requests", type=int, default=2000, help="requests of the raw loop (default: 2000)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md", help="default: %(default)s")
    args = parser.parse_args()
    repeat = args.repeat or (1 if args.quick else 3)
    if repeat < 1 or args.max_examples < 1 or args.raw_requests < 1:
        parser.error("--repeat, --max-examples and --raw-requests must be at least 1")
    # A SIGTERM to the benchmark unwinds like Ctrl-C, so servers are stopped and temp dirs removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    token = secrets.token_urlsafe(24)
    n, timeout = args.max_examples, args.timeout

    def step(message: str) -> None:
        print(f"[{time.perf_counter() - clock:6.1f} s] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as folder:
        workdir = Path(folder)
        warm_up(workdir, timeout)

        def suite(label: str, max_examples: int, workers: str | None = None, served: bool = False, **extra: Any) -> Run:
            runs = []
            for index in range(repeat):
                step(f"suite {label} ({index + 1}/{repeat})")
                if not served:
                    runs.append(suite_run(f"{label}-{index}", workdir, timeout, max_examples, workers, **extra))
                    continue
                # A fresh server per run, so no run inherits another's items.
                with served_reference(token, workdir) as base_url:
                    runs.append(suite_run(f"{label}-{index}", workdir, timeout, max_examples, workers, base_url, token))
            return median_run(runs)

        def peer() -> Run:
            runs = []
            for index in range(repeat):
                step(f"peer st run, loopback ({index + 1}/{repeat})")
                with served_reference(token, workdir) as base_url:
                    runs.append(peer_run(f"loopback-{index}", workdir, timeout, n, base_url, token))
            return median_run(runs)

        def pair(max_examples: int, workers: str | None) -> tuple[Run, Run]:
            """The suite and the peer over loopback, one after the other in each repeat, so that both meet the
            same moment of a shared machine; `workers` for both (-n, -w), else each tool's default."""
            suites, peers = [], []
            label = f"pair-{max_examples}-{workers or 'default'}"
            for index in range(repeat):
                step(
                    f"side by side, max-examples {max_examples}, workers {workers or 'default'} ({index + 1}/{repeat})"
                )
                with served_reference(token, workdir) as base_url:
                    run = suite_run(f"{label}-{index}", workdir, timeout, max_examples, workers, base_url, token)
                    suites.append(run)
                with served_reference(token, workdir) as base_url:
                    peers.append(peer_run(f"{label}-{index}", workdir, timeout, max_examples, base_url, token, workers))
            return median_run(suites), median_run(peers)

        fault = suite("fault", n, fault=FIX_LOOP_FAULT)
        rerun = suite("last-failed", n, fault=FIX_LOOP_FAULT, rerun_of=workdir / f"suite-{fault.label}")
        if args.focus:
            pairs = [pair(size, count) for size in (n, PEER_LARGE) for count in (None, PEER_WORKERS)]
            main_runs, scaling, workers = [suite("in-process", n), *pairs[0]], [], []
        else:
            # As on a fresh CI checkout: no .hypothesis/ in the working directory, so Hypothesis rebuilds its
            # Unicode tables. Every other run shares one working directory, warmed with the cache made here.
            cold_runs = []
            for index in range(repeat):
                step(f"suite in-process, cold Hypothesis cache ({index + 1}/{repeat})")
                fresh = workdir / f"cold-{index}"
                fresh.mkdir()
                cold_runs.append(suite_run(f"cold-{index}", workdir, timeout, n, cwd=fresh))
            if (fresh / ".hypothesis").is_dir():
                shutil.copytree(fresh / ".hypothesis", workdir / ".hypothesis", dirs_exist_ok=True)
            cold = median_run(cold_runs)
            main_runs = [suite("in-process", n), cold, suite("loopback", n, served=True), peer()]
            scaling = [
                suite(f"max-examples-{points}", points)
                for points in SCALING_POINTS
                if points != n and not (args.quick and points in QUICK_SKIPS)
            ]
            workers = [suite(f"workers-{count}", n, workers=count) for count in ("1", "2")]
            pairs = [pair(size, count) for size in (n, PEER_LARGE) for count in (None, PEER_WORKERS)]
        # The ceiling is the best of the repeats: anything slower is noise from the machine, not the app.
        step("raw ceiling")
        loopback, in_process = [], []
        for _ in range(repeat):
            with served_reference(token, workdir) as base_url:
                headers = {"Authorization": f"Bearer {token}"}
                with httpx.Client(base_url=base_url, headers=headers, timeout=10.0) as client:
                    loopback.append(raw_loop("httpx.Client over loopback (uvicorn)", client, args.raw_requests))
            in_process.append(raw_in_process(token, args.raw_requests))
        raws = {
            "loopback": max(loopback, key=lambda raw: raw.rps),
            "in-process": max(in_process, key=lambda raw: raw.rps),
        }
    elapsed = time.perf_counter() - clock
    table = render(
        main_runs, scaling, workers, raws, started, elapsed, args.quick, repeat, pairs, (fault, rerun), args.focus
    )
    args.output.write_text(table, encoding="utf-8")
    print(table)
    print(f"written to {args.output}", file=sys.stderr)
    measured = [*main_runs, *scaling, *workers, *(run for both in pairs for run in both), fault, rerun]
    return 0 if all(run.exit_code is not None and run.requests for run in measured) else 1


if __name__ == "__main__":
    sys.exit(main())
