"""The users' CI workflow is valid YAML and uses only real inputs of the actions it names."""

from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

# Inputs declared in leanprover/lean-action's action.yml (read from the action's source, v1 line).
LEAN_ACTION_INPUTS = {
    "auto-config", "build", "test", "lint", "build-args", "use-mathlib-cache", "check-reservoir-eligibility",
    "lean4checker", "use-github-cache", "lake-package-directory", "reinstall-transient-toolchain",
}


@pytest.fixture
def workflow(root: Path) -> dict:
    return yaml.safe_load((root / ".github" / "workflows" / "verify.yml").read_text(encoding="utf-8"))


def _steps(workflow):
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_lean_action_inputs_are_real(workflow):
    (lean,) = [s for s in _steps(workflow) if str(s.get("uses", "")).startswith("leanprover/lean-action@")]
    assert set(lean.get("with", {})) <= LEAN_ACTION_INPUTS
    assert lean["with"]["lake-package-directory"] == "lean"


def test_runs_verify_requiring_lean_and_uploads_reports(workflow):
    steps = _steps(workflow)
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert "make verify LEAN=require" in runs
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload["with"]["path"].rstrip("/") == "reports" and upload.get("if") == "always()"


def test_triggers_on_push_and_pull_request(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert {"push", "pull_request"} <= set(triggers)
