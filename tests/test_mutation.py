"""Mutation testing in CI: a fixed sample of the reference's mutants is killed by the suites or triaged as
equivalent (the whole run, `python bench/mutation.py`, takes minutes; bench/mutation.md has its result)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

pytestmark = pytest.mark.mutation

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


def test_an_untriaged_survivor_and_a_stale_triage_entry_fail_the_run(
    sample: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    """The committed triage less one equivalent mutant's entry, plus an entry for a mutant the suites kill."""
    triage = tomllib.loads(TRIAGE.read_text(encoding="utf-8"))
    equivalent = next(entry for entry in triage["equivalent"] if "mutant" in entry)
    killed = next(name for name, status in verdicts(sample.stdout).items() if status == "killed")
    triage["equivalent"] = [entry for entry in triage["equivalent"] if entry is not equivalent]
    triage["equivalent"].append({"mutant": killed, "change": "-", "reason": "wrong"})
    wrong = tmp_path / "triage.toml"
    wrong.write_text(tomli_w.dumps(triage), encoding="utf-8")
    completed = mutation(
        tmp_path / "work", "--mutant", equivalent["mutant"], "--mutant", killed, "--triage", str(wrong)
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert verdicts(completed.stdout) == {equivalent["mutant"]: "surviving", killed: "killed"}
    assert f"stale triage: {killed} is triaged as equivalent, but" in completed.stdout


def test_project_tests_that_cannot_run_fail_the_run_as_could_not_judge(tmp_path: Path) -> None:
    triaged = tomllib.loads(TRIAGE.read_text(encoding="utf-8"))["equivalent"]
    equivalent = next(entry["mutant"] for entry in triaged if "mutant" in entry)
    broken = tmp_path / "triage.toml"
    broken.write_text(
        '[[outside_the_api]]\nfunctions = ["target_app.openapi.*"]\nreason = "r"\ntests = ["tests/no_such_test.py"]\n',
        encoding="utf-8",
    )
    completed = mutation(tmp_path / "work", "--mutant", equivalent, "--triage", str(broken))
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert completed.stderr.startswith("mutation: pytest could not run"), completed.stderr
