"""Mutation testing of the reference app by the suites, with mutmut.

    python bench/mutation.py [--jobs N] [--workdir DIR] [--output PATH]
    python bench/mutation.py --sample N [--seed S] | --mutant NAME ...   [--jobs N] [--workdir DIR] [--triage PATH]

The whole run (the first form) writes bench/mutation.md. mutmut (`[tool.mutmut]` in pyproject.toml) generates
every mutant of the reference's own code (target_app/, but for the fault catalogue and the command line) and runs
each against the suites in-process, with the tests that executed the mutated function in a first, clean run.
That pick cannot see code run while the session's app is built (create_app, the store's and the authenticator's
__init__): it is charged to whichever test ran first. So every mutant mutmut does not kill is run again against
the whole suite. A survivor in code whose effect no client of the API sees (the OpenAPI document, tokens read
from the environment: `[[outside_the_api]]` in the triage file) then meets the project's own tests of that code.
What survives all of it must be triaged as equivalent, with a one-line reason, in bench/mutation-triage.toml;
anything else is a blind spot of the suites.

--sample N (what CI runs) and --mutant NAME leave mutmut's runner out: they generate the mutants, take N of them
chosen by --seed (or those named) and judge each as above, against the whole suite, in seconds.
Exit status: 0 when every mutant judged is killed or triaged as equivalent, 1 otherwise, 2 when the run failed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fnmatch
import importlib.metadata
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
TRIAGE = ROOT / "bench" / "mutation-triage.toml"
OUTPUT = ROOT / "bench" / "mutation.md"
TEMPLATE = "mutation.md.j2"
WORKDIR_FILES = ("pyproject.toml", "conftest.py", "target_app", "conformance", "contracts", "suites", "tests")
"""What mutmut needs of the checkout when --workdir is elsewhere: its configuration, the sources, the tests."""
RUN_TIMEOUT = 300
"""Seconds for one test run against one mutant (the suite takes a few): a mutant that hangs it is killed."""
KILLED_BY_MUTMUT = {1, 3}
"""mutmut's record of a killed mutant: a test failed (1), or pytest itself broke (3)."""
NO_MUTANT = ""
"""For MUTANT_UNDER_TEST: every mutated function calls its original."""
PYTEST_DID_NOT_RUN = {4, 5}
"""pytest's usage error and "no tests collected": the harness is wrong, not the mutant caught."""
KILLED = "killed"
EQUIVALENT = "equivalent"
SURVIVING = "surviving"
BY_MUTMUT = "the suites (mutmut's pick of tests)"
BY_SUITES = "the whole suite"
BY_PROJECT_TESTS = "the project's tests of it"


class RunFailed(Exception):
    """The mutation run itself broke: its result would say nothing."""


@dataclass
class Mutant:
    name: str
    source: str
    change: str
    """The mutated line(s), as mutmut shows them: how a triage entry is checked against the mutant it names."""
    mutmut: int | None = None
    status: str = ""
    how: str = ""
    """What killed it, or why it is equivalent."""

    @property
    def function(self) -> str:
        return self.name.rsplit("__mutmut_", 1)[0]


@dataclass(frozen=True)
class OutsideTheApi:
    """Code whose effect no client of the API sees, and the project's own tests that judge it: the mutants of
    `functions` (patterns), or only those whose change matches one of `changing` (patterns) when given."""

    functions: tuple[str, ...]
    changing: tuple[str, ...]
    reason: str
    tests: tuple[str, ...]

    def covers(self, mutant: Mutant) -> bool:
        return any(fnmatch.fnmatchcase(mutant.function, pattern) for pattern in self.functions) and (
            not self.changing or any(fnmatch.fnmatchcase(mutant.change, pattern) for pattern in self.changing)
        )


@dataclass(frozen=True)
class Triage:
    equivalent: dict[str, tuple[str, str]]
    """Mutant name -> (its change, why no request can tell it from the reference)."""
    equivalent_functions: dict[str, str]
    """Function -> why none of its mutants can be told apart (code no request reaches, say)."""
    outside_the_api: tuple[OutsideTheApi, ...]

    @classmethod
    def load(cls, path: Path) -> Triage:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        entries = data.get("equivalent", [])
        return cls(
            {entry["mutant"]: (entry["change"], entry["reason"]) for entry in entries if "mutant" in entry},
            {entry["function"]: entry["reason"] for entry in entries if "function" in entry},
            tuple(
                OutsideTheApi(
                    tuple(entry["functions"]), tuple(entry.get("changing", ())), entry["reason"], tuple(entry["tests"])
                )
                for entry in data.get("outside_the_api", [])
            ),
        )

    def outside(self, mutant: Mutant) -> OutsideTheApi | None:
        return next((group for group in self.outside_the_api if group.covers(mutant)), None)


@dataclass
class Judged:
    mutants: list[Mutant]
    stale: list[str] = field(default_factory=list)
    """Triage entries that no longer describe a surviving mutant."""
    seconds: dict[str, float] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(m.status == status for m in self.mutants)

    @property
    def passed(self) -> bool:
        return not self.stale and self.count(SURVIVING) == 0


# --- mutmut ---------------------------------------------------------------------------------------


def mutmut_settings() -> dict[str, list[str]]:
    return tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]


def child_env(mutant: str | None = None) -> dict[str, str]:
    # The runs load their plugins by name: scanning every installed plugin costs seconds per start.
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    if mutant is not None:
        env["MUTANT_UNDER_TEST"] = mutant  # mutmut's switch: the mutated functions read it on every call
    return env


def run_mutmut(jobs: int) -> None:
    Path("mutants").mkdir()
    log = Path("mutants/mutmut.log")
    mutmut = Path(sys.executable).with_name("mutmut")
    if not mutmut.exists():
        raise RunFailed(f"no {mutmut}: install the development extra (pip install -e '.[dev]')")
    command = [str(mutmut), "run", "--max-children", str(jobs)]
    with log.open("wb") as out:
        code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=child_env(), check=False).returncode
    if code != 0:
        raise RunFailed(f"mutmut run exited {code}: see {log.resolve()}")


def generate(jobs: int) -> None:
    """The first step of `mutmut run` alone: the sources copied to mutants/, every mutant written into them."""
    from mutmut.__main__ import copy_also_copy_files, copy_src_dir, create_mutants

    with contextlib.redirect_stdout(io.StringIO()):
        copy_src_dir()
        copy_also_copy_files()
        create_mutants(jobs)


def change_of(diff: str) -> str:
    """`old => new`, each side the changed lines of mutmut's diff, joined."""
    lines = diff.splitlines()[2:]  # past the ---/+++ header
    removed = " ".join(line[1:].strip() for line in lines if line.startswith("-"))
    added = " ".join(line[1:].strip() for line in lines if line.startswith("+"))
    return f"{removed} => {added}".rstrip()


def read_mutants() -> dict[str, Mutant]:
    """Every mutant mutmut generated, with its verdict if it ran them."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    found = {}
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        source = meta.relative_to("mutants").with_suffix("")
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            found[name] = Mutant(name, str(source), change_of(get_diff_for_mutant(name, path=source)), code)
    if not found:
        raise RunFailed("mutmut generated no mutants: check [tool.mutmut] in pyproject.toml")
    return found


# --- Judging --------------------------------------------------------------------------------------


Command = Callable[[str], list[str]]
"""The arguments of one test run, given a scratch directory of its own."""


def suite_command(scratch: str) -> list[str]:
    settings = mutmut_settings()
    # Runs in parallel must not write one report: the last --report-dir given wins.
    return [
        *("-m", "pytest", "--rootdir=.", "-x", "-q"),
        *settings["pytest_add_cli_args_test_selection"],
        *settings["pytest_add_cli_args"],
        f"--report-dir={scratch}",
    ]


def project_tests_command(tests: Sequence[str]) -> Command:
    return lambda scratch: [
        "-m",
        "pytest",
        "--rootdir=.",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "--basetemp",
        scratch,
        *tests,
    ]


def kills(command: Command, mutant: str) -> bool:
    """Whether the tests fail (or cannot judge, or hang) with `mutant` switched on."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as scratch:
        arguments = command(scratch)
        try:
            completed = subprocess.run(
                [sys.executable, *arguments],
                cwd="mutants",
                env=child_env(mutant),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=RUN_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return True
    if completed.returncode in PYTEST_DID_NOT_RUN:
        raise RunFailed(f"pytest could not run {' '.join(arguments)} (exit {completed.returncode})")
    return completed.returncode != 0


def judge(mutants: Iterable[Mutant], triage: Triage, jobs: int) -> list[str]:
    """Decides every mutant not yet killed: the whole suite, then the project's tests for code outside the API,
    then the triage. Returns the triage entries that turned out stale."""
    undecided = [mutant for mutant in mutants if mutant.status != KILLED]
    with ThreadPoolExecutor(jobs) as pool:
        # As mutmut does first: a test run that fails with no mutant at all would "kill" every one.
        commands = [suite_command] + [
            project_tests_command(tests) for tests in {g.tests for g in triage.outside_the_api}
        ]
        for command, failed in zip(
            commands, pool.map(lambda command: kills(command, NO_MUTANT), commands), strict=True
        ):
            if failed:
                raise RunFailed(f"{' '.join(command('DIR'))} fails with no mutant switched on: fix that first")
        for mutant, killed in zip(undecided, pool.map(lambda m: kills(suite_command, m.name), undecided), strict=True):
            if killed:
                mutant.status, mutant.how = KILLED, BY_SUITES
        outside = [(m, group) for m in undecided if m.status != KILLED and (group := triage.outside(m)) is not None]
        verdicts = pool.map(lambda pair: kills(project_tests_command(pair[1].tests), pair[0].name), outside)
        for (mutant, _), killed in zip(outside, verdicts, strict=True):
            if killed:
                mutant.status, mutant.how = KILLED, BY_PROJECT_TESTS
    stale = []
    for mutant in undecided:
        entry = triage.equivalent.get(mutant.name)
        function_reason = triage.equivalent_functions.get(mutant.function)
        if mutant.status == KILLED:
            if entry or function_reason:
                stale.append(f"{mutant.name} is triaged as equivalent, but {mutant.how} killed it")
        elif function_reason:
            mutant.status, mutant.how = EQUIVALENT, function_reason
        elif entry and entry[0] == mutant.change:
            mutant.status, mutant.how = EQUIVALENT, entry[1]
        else:
            mutant.status = SURVIVING
            mutant.how = f"triaged for another change: {entry[0]}" if entry else ""
    return stale


# --- Reports --------------------------------------------------------------------------------------


COLUMNS = {
    BY_MUTMUT: "killed by the suites, with mutmut's pick of tests",
    BY_SUITES: "killed by the whole suite (mutmut's pick missed them)",
    BY_PROJECT_TESTS: "killed by the project's tests of code outside the API",
    EQUIVALENT: "equivalent (bench/mutation-triage.toml)",
    SURVIVING: "surviving: blind spots",
}


def column(mutant: Mutant) -> str:
    return mutant.how if mutant.status == KILLED else mutant.status


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def render(judged: Judged, triage: Triage, jobs: int, started: dt.datetime) -> str:
    by_source: dict[str, Counter[str]] = {"all": Counter()}
    for mutant in judged.mutants:
        for key in (mutant.source, "all"):
            by_source.setdefault(key, Counter()).update([column(mutant), "generated"])
    scored = [m for m in judged.mutants if m.status != EQUIVALENT]
    api = [m for m in scored if triage.outside(m) is None]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent), keep_trailing_newline=True, trim_blocks=True
    )
    return environment.get_template(TEMPLATE).render(
        judged=judged,
        by_source=by_source,
        columns=COLUMNS,
        score=share(sum(m.status == KILLED for m in scored), len(scored)),
        scored=len(scored),
        api=api,
        api_score=share(sum(m.status == KILLED for m in api), len(api)),
        api_killed=sum(m.status == KILLED for m in api),
        outside=[(group, sum(group.covers(m) for m in judged.mutants)) for group in triage.outside_the_api],
        reasons=Counter(m.how for m in judged.mutants if m.status == EQUIVALENT).most_common(),
        surviving=sorted((m for m in judged.mutants if m.status == SURVIVING), key=lambda m: m.name),
        jobs=jobs,
        cores=os.cpu_count(),
        started=started,
        machine=f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        mutmut=importlib.metadata.version("mutmut"),
        pytest_args=" ".join(suite_command("DIR")[1:-1]),
    )


def print_verdicts(judged: Judged) -> None:
    for mutant in sorted(judged.mutants, key=lambda m: m.name):
        print(f"{mutant.status:<10}  {mutant.name}  [{mutant.change}]  {mutant.how}")
    for problem in judged.stale:
        print(f"stale triage: {problem}")


# --- Entry ----------------------------------------------------------------------------------------


def prepare(workdir: Path) -> None:
    """Works in `workdir`: the checkout itself, or a copy of what mutmut needs; mutants/ always starts fresh."""
    if workdir.resolve() != ROOT:
        workdir.mkdir(parents=True, exist_ok=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "mutants", "reports")
        for name in WORKDIR_FILES:
            source, target = ROOT / name, workdir / name
            if source.is_dir():
                shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)
    os.chdir(workdir)
    shutil.rmtree("mutants", ignore_errors=True)


def whole_run(triage: Triage, jobs: int) -> Judged:
    started = time.perf_counter()
    run_mutmut(jobs)
    mutmut_done = time.perf_counter()
    mutants = read_mutants()
    for mutant in mutants.values():
        if mutant.mutmut in KILLED_BY_MUTMUT:
            mutant.status, mutant.how = KILLED, BY_MUTMUT
    stale = judge(mutants.values(), triage, jobs)
    functions = {mutant.function for mutant in mutants.values()}
    stale += [f"{name} is triaged as equivalent but was not generated" for name in triage.equivalent.keys() - mutants]
    stale += [
        f"{name} is triaged as equivalent but has no mutants" for name in triage.equivalent_functions.keys() - functions
    ]
    finished = time.perf_counter()
    seconds = {"mutmut": mutmut_done - started, "rest": finished - mutmut_done, "total": finished - started}
    return Judged(list(mutants.values()), stale, seconds)


def sample_run(triage: Triage, jobs: int, sample: int | None, seed: int, names: list[str]) -> Judged:
    started = time.perf_counter()
    generate(jobs)
    mutants = read_mutants()
    if unknown := sorted(set(names) - mutants.keys()):
        raise RunFailed(f"no such mutant: {', '.join(unknown)}")
    if not names and not 1 <= (sample or 0) <= len(mutants):
        raise RunFailed(f"--sample takes a number from 1 to {len(mutants)}, the mutants generated")
    chosen = [mutants[name] for name in names] or random.Random(seed).sample(
        sorted(mutants.values(), key=lambda m: m.name), sample or 0
    )
    stale = judge(chosen, triage, jobs)
    return Judged(chosen, stale, {"total": time.perf_counter() - started})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, help="judge this many mutants, chosen by --seed, against the whole suite")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--mutant", action="append", default=[], help="judge this mutant (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workdir", type=Path, default=ROOT, help="where mutants/ is made (default: the checkout)")
    parser.add_argument("--triage", type=Path, default=TRIAGE)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the whole run's report")
    args = parser.parse_args()
    triage = Triage.load(args.triage)
    output = args.output.resolve()
    started = dt.datetime.now(dt.UTC)
    try:
        prepare(args.workdir)
        if args.sample is None and not args.mutant:
            judged = whole_run(triage, args.jobs)
            output.write_text(render(judged, triage, args.jobs, started), encoding="utf-8")
            print(f"wrote {output}")
        else:
            judged = sample_run(triage, args.jobs, args.sample, args.seed, args.mutant)
            print_verdicts(judged)
    except RunFailed as error:
        print(f"mutation: {error}", file=sys.stderr)
        return 2
    print(
        f"mutants: {len(judged.mutants)}, killed: {judged.count(KILLED)}, equivalent: {judged.count(EQUIVALENT)}, "
        f"surviving: {judged.count(SURVIVING)}; {judged.seconds['total']:.0f} s"
    )
    return 0 if judged.passed else 1


if __name__ == "__main__":
    sys.exit(main())
