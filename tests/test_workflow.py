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


def test_job_summary_appends_summary_md_always(workflow):
    (step,) = [s for s in _steps(workflow) if "GITHUB_STEP_SUMMARY" in str(s.get("run", "")) and "summary.md" in str(s.get("run", ""))]
    assert step.get("if") == "always()"
    assert 'cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"' in step["run"]
    names = [s.get("name") for s in _steps(workflow)]
    assert names.index(step["name"]) > names.index("make verify")


def test_pull_requests_diff_against_the_base_branch(workflow):
    steps = _steps(workflow)
    pr = [s for s in steps if "github.event_name == 'pull_request'" in str(s.get("if", ""))]
    assert len(pr) >= 3 and all(str(s["if"]).startswith("always() && ") for s in pr)
    # the base checkout goes into a subfolder at the base commit, and is verified with Lean skipped
    (co,) = [s for s in pr if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert co["with"]["path"] == "base" and "pull_request.base.sha" in co["with"]["ref"]
    runs = " ".join(str(s.get("run", "")) for s in pr)
    assert "make -C base verify LEAN=skip" in runs
    assert "gh run download" in runs and "--name crosscheck-report" in runs  # the artifact name the upload uses
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "crosscheck-report"
    (diff,) = [s for s in pr if "crosscheck diff" in str(s.get("run", ""))]
    assert "crosscheck diff base-report/results.json reports/results.json" in diff["run"]
    assert 'tee -a "$GITHUB_STEP_SUMMARY"' in diff["run"]
    assert workflow["permissions"].get("actions") == "read"  # gh run list/download with the job token
    # the diff never gates the job (make verify does): no --fail-on-regression
    assert "--fail-on-regression" not in diff["run"]
