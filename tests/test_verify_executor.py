"""How `crosscheck verify` runs its checks: the same results for any number of workers and on any executor,
longest first, picklable jobs that rebuild the registry from the ledger, and a run-scoped cache."""

import json
import pickle
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest

from crosscheck.claims import load_ledger
from crosscheck.cli import main
from crosscheck.engine.params import ParameterError
from crosscheck.verify import DEFAULT_COST, Job, cost, make_executor, plan, previous_timings, run_job, schedule, verify

# Two claims read the same m = 3 branch (a shared, cached trace) with different quantities (two tasks); a
# randomised grid check and a control complete the mix.
LEDGER = '''
[[claim]]
id = "reg"
title = "Regularised Hessian"
source = "Theorem"
statement = "s"
lean = []
checks = ["regularized-alpha-multiplicity", "hypothesis-alpha-positive-needed"]
[claim.expect]
alpha_multiplicity = "(m - 1) * d"
other_eigenvalue = "vnorm2 * sigma_k + alpha"
[claim.params.regularized-alpha-multiplicity]
m_max = 4
d_max = 3

[[claim]]
id = "star"
title = "λ* at m = 3"
source = "§2"
statement = "s"
lean = []
checks = ["bifurcation-point"]
[claim.expect]
lambda_star = { value = 0.5, atol = 0.5 }
[claim.params.bifurcation-point]
m = 3
replay_paper_method = true
paper_step = 0.02

[[claim]]
id = "fold"
title = "fold at m = 3"
source = "§2"
statement = "s"
lean = []
checks = ["bifurcation-point"]
[claim.expect]
is_fold = { value = 0, atol = 0.5 }
[claim.params.bifurcation-point]
m = 3
replay_paper_method = true
paper_step = 0.02
'''

VOLATILE = {"seconds", "seconds_by_m", "generated_at", "environment", "options", "argv"}


def _strip(x):
    """results.json without timings and run options (what may differ between runs of the same work)."""
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in VOLATILE}
    if isinstance(x, list):
        return [_strip(v) for v in x]
    return x


@pytest.fixture()
def ledger(tmp_path):
    p = tmp_path / "claims.toml"
    p.write_text(LEDGER, encoding="utf-8")
    return p


def _run(tmp_path, ledger, name, *extra):
    out = tmp_path / name
    code = main(["verify", "--claims", str(ledger), "--out", str(out), "--quiet", "--lean", "skip",
                 "--lean-dir", str(tmp_path / "nolean"), "--seed", "5", *extra])
    return code, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_jobs_1_and_2_give_identical_results(tmp_path, ledger):
    code1, one = _run(tmp_path, ledger, "one", "--jobs", "1")
    code2, two = _run(tmp_path, ledger, "two", "--jobs", "2")
    assert code1 == code2
    assert one["options"]["check_runs"] == two["options"]["check_runs"] == 4  # the two bifurcation runs differ in what they read
    assert _strip(one) == _strip(two)
    # and the comparison is not vacuous: a different seed changes the randomised grid's draws
    _, other = _run(tmp_path, ledger, "other", "--jobs", "1", "--seed", "6")
    assert _strip(other) != _strip(one)


def test_any_executor_gives_the_same_results(tmp_path, ledger):
    base = verify(ledger, lean_mode="skip", seed=5, jobs=1)
    with ThreadPoolExecutor(2) as ex:
        threaded = verify(ledger, lean_mode="skip", seed=5, executor=ex)
    assert [v.verdict for v in base.claims] == [v.verdict for v in threaded.claims]
    for a, b in zip(base.claims, threaded.claims):
        assert [(r.check_id, r.status, r.measured.get("lambda_star")) for r in a.evidence] == \
               [(r.check_id, r.status, r.measured.get("lambda_star")) for r in b.evidence]


def test_jobs_are_picklable_and_rebuild_the_registry_from_the_ledger(ledger):
    led = load_ledger(ledger)
    tasks, _ = plan(list(led.claims), led.registry, 5, True, None)
    t = next(t for t in tasks.values() if t.check_id == "hypothesis-alpha-positive-needed")
    job = Job(str(ledger.resolve()), t.key, t.check_id, t.params, t.expect, t.overridden, 5, True)
    back = pickle.loads(pickle.dumps(job))
    assert back == job
    key, res = run_job(back)  # a fresh registry from the ledger's path (cached per process)
    assert key == t.key and res.check_id == t.check_id and res.status == "pass"


def test_longest_first_by_declared_cost_then_hints_then_plan_order(ledger):
    led = load_ledger(ledger)
    reg = led.registry
    tasks, _ = plan(list(led.claims), reg, 5, True, None)
    order = [tasks[k].check_id for k in schedule(tasks, None, reg)]
    assert order[0] == "bifurcation-point"  # the costliest declared cost first
    assert order[-1] == "bifurcation-point"  # its repeat last: it reads the first one's cached branch
    assert order[1:3] == ["regularized-alpha-multiplicity", "hypothesis-alpha-positive-needed"]
    first = tasks[schedule(tasks, None, reg)[0]]
    assert cost(first, None, reg) == reg["bifurcation-point"].cost > DEFAULT_COST
    assert cost(first) == DEFAULT_COST  # without the registry nothing is declared
    flipped = [tasks[k].check_id for k in schedule(tasks, {"hypothesis-alpha-positive-needed": 100.0}, reg)]
    assert flipped[0] == "hypothesis-alpha-positive-needed"  # an earlier run's time overrides the declaration


def test_declared_cost_may_depend_on_parameters_and_a_broken_one_is_ignored():
    from crosscheck.checks.paper_phase import PHASE
    from dataclasses import replace

    small = {**PHASE.defaults, "alpha_count": 1, "extra_alphas": [], "widths": [2, 3]}
    assert PHASE.expected_seconds(small, 9.9) < PHASE.expected_seconds(PHASE.defaults, 9.9)
    broken = replace(PHASE, cost=lambda p: p["no such parameter"])
    assert broken.expected_seconds(small, 9.9) == 9.9


def test_previous_timings_read_an_earlier_results_json(tmp_path, ledger):
    _, data = _run(tmp_path, ledger, "prev", "--jobs", "1", "--quick")
    t = previous_timings(tmp_path / "prev" / "results.json")
    assert set(t) == {"regularized-alpha-multiplicity", "hypothesis-alpha-positive-needed", "bifurcation-point"}
    assert all(v >= 0 for v in t.values())
    assert previous_timings(tmp_path / "missing.json") == {}


def test_executor_option_is_validated_before_any_work(tmp_path, ledger, capsys):
    code = main(["verify", "--claims", str(ledger), "--out", str(tmp_path / "r"), "--quiet", "--executor", "threads"])
    assert code == 2 and "--executor" in capsys.readouterr().err
    assert not (tmp_path / "r" / "results.json").exists()
    with pytest.raises(ParameterError, match="needs the scheduler's address"):
        make_executor("dask:", 1)


def test_dask_local_cluster_gives_the_same_results(tmp_path, ledger):
    pytest.importorskip("distributed", reason="the optional extra crosscheck[dask] is not installed")
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code, data = _run(tmp_path, ledger, "dask", "--executor", f"dask:{cluster.scheduler_address}")
    code1, one = _run(tmp_path, ledger, "one", "--jobs", "1")
    assert code == code1
    assert _strip(data) == _strip(one)


def test_run_cache_shares_a_branch_between_processes_unchanged(tmp_path, monkeypatch):
    import numpy as np

    from crosscheck.checks import _paper_common as pc

    monkeypatch.setenv("CROSSCHECK_RUN_CACHE", str(tmp_path))
    pc.traced.cache_clear()
    a = pc.traced(3, 4e-3, 0.1)
    assert len(list(tmp_path.glob("traced-3-*.pickle"))) == 1
    pc.traced.cache_clear()  # as in another worker process: only the run's folder is shared
    b = pc.traced(3, 4e-3, 0.1)
    assert b is not a and b.lambda_star == a.lambda_star and b.min_lambda1 == a.min_lambda1
    assert np.array_equal(b.branch.u, a.branch.u) and np.array_equal(b.branch.monitor, a.branch.monitor)
    assert not b.branch.u.flags.writeable  # frozen like a computed one
    (next(tmp_path.glob("traced-3-*.pickle"))).write_bytes(b"damaged")
    pc.traced.cache_clear()
    c = pc.traced(3, 4e-3, 0.1)  # a damaged entry is recomputed
    assert np.array_equal(c.branch.u, a.branch.u)
    pc.traced.cache_clear()


def test_loading_the_ledger_and_every_bundled_check_imports_no_scipy_and_nothing_heavy():
    """Start-up: scipy (linalg, sparse, optimize), scikit-learn, matplotlib, jinja2 and the Markdown
    renderer are imported on first use, never by loading the ledger and the registry."""
    import subprocess
    import sys

    code = ("import sys; import crosscheck.claims as c; c.load_ledger('claims.toml'); "
            "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('scipy', 'sklearn', 'matplotlib', 'jinja2', 'markdown_it')}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
