"""Mutation testing in CI: a fixed sample of the reference's mutants is killed by the suites or triaged as
equivalent (the whole run, `python bench/mutation.py`, takes minutes; bench/mutation.md has its result)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "mutation.py"
TRIAGE = ROOT / "bench" / "mutation-triage.toml"
SAMPLE = 8
SEED = 12


def mutation(workdir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), "--workdir", str(workdir), "--jobs", "2", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def verdicts(output: str) -> dict[str, str]:
    """Mutant -> its status, from the lines the script prints per mutant judged."""
    lines = [
        line.split()[:2]
        for line in output.splitlines()
        if line.split()[:1] in (["killed"], ["equivalent"], ["surviving"])
    ]
    return {name: status for status, name in lines}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return mutation(tmp_path_factory.mktemp("mutation"), "--sample", str(SAMPLE), "--seed", str(SEED))


def test_a_fixed_sample_of_mutants_is_killed_or_triaged(sample: subprocess.CompletedProcess[str]) -> None:
    judged = verdicts(sample.stdout)
    assert sample.returncode == 0, sample.stdout + sample.stderr
    assert len(judged) == SAMPLE
    assert set(judged.values()) <= {"killed", "equivalent"}


def test_a_survivor_nobody_triaged_fails_the_run(tmp_path: Path) -> None:
    triaged = tomllib.loads(TRIAGE.read_text(encoding="utf-8"))["equivalent"]
    equivalent = next(entry["mutant"] for entry in triaged if "mutant" in entry)
    untriaged = tmp_path / "triage.toml"
    untriaged.write_text("", encoding="utf-8")
    completed = mutation(tmp_path / "work", "--mutant", equivalent, "--triage", str(untriaged))
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert verdicts(completed.stdout) == {equivalent: "surviving"}


def test_a_killed_mutant_triaged_as_equivalent_is_reported_stale(
    sample: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    killed = next(name for name, status in verdicts(sample.stdout).items() if status == "killed")
    wrong = tmp_path / "triage.toml"
    entry = f'\n[[equivalent]]\nmutant = "{killed}"\nchange = "-"\nreason = "wrong"\n'
    wrong.write_text(TRIAGE.read_text(encoding="utf-8") + entry, encoding="utf-8")
    completed = mutation(tmp_path / "work", "--mutant", killed, "--triage", str(wrong))
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert f"stale triage: {killed} is triaged as equivalent, but" in completed.stdout
