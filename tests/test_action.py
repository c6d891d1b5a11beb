"""The GitHub Action (action.yml), run as a runner runs a composite action: each `run:` step in bash with the
inputs as its `env:` makes them, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY pointing at files; `uses:` steps are
GitHub's own (set-up, artifact upload) and are checked, not run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
USES = ["actions/setup-python@v5", "actions/upload-artifact@v4"]


def _action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _evaluate(value: object, inputs: dict[str, str]) -> str:
    """A runner's expressions as the action uses them in `env:`: `inputs.NAME` only."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1).removeprefix("inputs.")
        assert match.group(1).startswith("inputs."), f"unexpected expression {match.group(0)}"
        assert name in inputs, f"expression {match.group(0)} names no input"
        return inputs[name]

    return EXPRESSION.sub(one, str(value))


def run_action(given: dict[str, str], workdir: Path) -> tuple[list[int], dict[str, str], str]:
    """Every `run:` step in order, stopping at the first that fails, as a runner does: their exit codes, what they
    wrote to GITHUB_OUTPUT, and the job summary."""
    action = _action()
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()} | given
    output, summary = workdir / "github_output", workdir / "step_summary"
    output.touch()
    summary.touch()
    inherited = {name: value for name, value in os.environ.items() if not name.startswith(("GITHUB_", "INPUT_"))}
    runner = {
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTION_PATH": str(ROOT),
        # The job's Python, as actions/setup-python leaves it first on PATH.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    codes = []
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue
        assert step["shell"] == "bash"
        env = {name: _evaluate(value, inputs) for name, value in step.get("env", {}).items()}
        script = workdir / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workdir,
            env={**inherited, **runner, **env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        codes.append(completed.returncode)
        if completed.returncode != 0:
            break
    written = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return codes, written, summary.read_text(encoding="utf-8")


def test_the_action_is_composite_and_uses_only_githubs_own_steps() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert [step["uses"] for step in steps if "uses" in step] == USES
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()", "the reports must be uploaded also when the verdict fails the step"
    assert upload["with"]["path"] == "${{ inputs.report-dir }}"
    for step in steps:
        assert "${{" not in step.get("run", ""), f"an input spliced into a script could inject commands: {step}"
    wanted = {"base-url", "token", "level", "expectations", "shard", "args", "python-version"}
    assert wanted <= set(action["inputs"]), f"missing inputs: {wanted - set(action['inputs'])}"
    run_step = next(step for step in steps if step.get("id") == "run")
    assert run_step["env"]["CONFORMANCE_TOKEN"] == "${{ inputs.token }}"
    assert {name: spec["value"] for name, spec in action["outputs"].items()} == {
        "verdict": "${{ steps.run.outputs.verdict }}",
        "exit-code": "${{ steps.run.outputs.exit-code }}",
    }


@pytest.mark.wholerun
def test_against_the_reference_the_action_outputs_the_verdict_and_writes_the_summary(tmp_path: Path) -> None:
    codes, outputs, summary = run_action({"install": "false", "args": "--max-examples 5"}, tmp_path)
    assert codes == [0, 0], f"expected both run steps to succeed, got exit codes {codes}"
    assert outputs["verdict"] == "fully-conformant"
    assert outputs["exit-code"] == "0"
    assert "Items API conformance: FULLY CONFORMANT" in summary, summary[:300]
    assert (tmp_path / outputs["report-dir"] / "conformance.json").is_file(), "expected the reports to upload"
    assert outputs["report-dir"] == _action()["inputs"]["report-dir"]["default"]


@pytest.mark.wholerun
def test_against_a_fault_the_action_fails_with_the_verdict_and_exit_code(tmp_path: Path) -> None:
    given = {"install": "false", "args": "--max-examples 5 --fault validation-400", "level": "should"}
    codes, outputs, summary = run_action(given, tmp_path)
    assert codes == [0, 1], f"expected the run step to fail the job with exit 1, got {codes}"
    assert outputs["verdict"] == "non-conformant"
    assert outputs["exit-code"] == "1"
    assert "Items API conformance: NON-CONFORMANT" in summary, summary[:300]
    assert "VALID-422" in summary


@pytest.mark.parametrize("args", ["$(touch pwned)", "; touch pwned", "`touch pwned`"])
def test_an_input_is_never_run_as_a_command(args: str, tmp_path: Path) -> None:
    codes, outputs, _ = run_action({"install": "false", "args": args}, tmp_path)
    assert not (tmp_path / "pwned").exists(), f"the args input {args!r} ran as a command"
    # The words reach `conformance run` as arguments, where they name no test: the run cannot judge.
    assert codes == [0, 2], f"expected the words to make a run that cannot judge (exit 2), got {codes}"
    assert outputs["exit-code"] == "2"
