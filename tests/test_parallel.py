"""A check's own parallel map (``ctx.map``): the same result for any number of worker processes, cached
results that survive the trip between processes, and BLAS limited in every library the numerics load."""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import replace

import pytest

import crosscheck.checks._paper_common as pc
from checkrun import expect
from crosscheck.checks import paper_width
from crosscheck.engine.parallel import can_fork, process_map, serial_map
from crosscheck.engine.runner import prepare, run_check
from crosscheck.engine.spec import CheckContext
from crosscheck.report.serialize import to_data

needs_fork = pytest.mark.skipif(not can_fork(), reason="the platform cannot fork")


def _square(x: int) -> int:
    return x * x


def _boom(x: int) -> int:
    raise ValueError(f"item {x}")


@needs_fork
def test_process_map_keeps_input_order_and_equals_the_serial_map():
    items = [5, 3, 8, 1, 9, 2]
    assert process_map(2)(_square, items) == serial_map(_square, items) == [25, 9, 64, 1, 81, 4]


@needs_fork
def test_an_exception_in_a_worker_reaches_the_caller():
    with pytest.raises(ValueError, match="item"):
        process_map(2)(_boom, [1, 2])


def test_read_only_results_pickle_and_stay_read_only():
    d = pc.ReadOnlyDict({"a": 1.0})
    back = pickle.loads(pickle.dumps(d))
    assert back == {"a": 1.0} and isinstance(back, pc.ReadOnlyDict)
    with pytest.raises(TypeError):
        back["a"] = 2.0
    with pytest.raises(TypeError):
        back.update(a=3.0)
    tr = pc.traced(3, 4e-3, pc.S_MAX_FULL)
    again = pc.freeze(pickle.loads(pickle.dumps(tr)))  # what a worker sends back, frozen again by the caller
    assert again.lambda_star == tr.lambda_star and not again.branch.u.flags.writeable


def _width_scaling(jobs: int) -> dict:
    spec = next(s for s in paper_width.CHECKS if s.id == "width-scaling")
    explicit = {"widths": [3, 5, 20], "replay_widths": [3]}
    claimed = expect(K=(-0.07, 0.1, 0.0), largest_width_with_zero=(5, 0.0, 0.0))
    ctx = CheckContext(seed=1, params=prepare(spec, explicit), expect=claimed, overridden=frozenset(explicit), map=process_map(jobs))
    data = to_data(run_check(spec, ctx))
    for key in ("seconds",):
        data.pop(key, None)
    data["measured"].pop("seconds_by_m", None)  # timings, the only thing allowed to differ
    return data


@needs_fork
def test_width_scaling_gives_the_same_result_in_one_or_two_processes():
    pc.traced.cache_clear()  # each run computes its branches (in this process, or in the workers)
    pc.paper_method_replay.cache_clear()
    one = _width_scaling(1)
    pc.traced.cache_clear()
    pc.paper_method_replay.cache_clear()
    two = _width_scaling(2)
    assert one["status"] == "pass" and one["cases"] >= 3, one["summary"]
    assert one == two


def test_scipy_blas_loaded_inside_the_block_is_limited_too():
    """numpy and scipy bundle separate OpenBLAS libraries; one first loaded inside the block must not run
    on every core (it did: a forked worker's branch was 4× slower and rounded differently)."""
    code = (
        "import sys\n"
        "from threadpoolctl import threadpool_info\n"
        "from crosscheck.numerics._blas import single_blas_thread\n"
        "assert 'scipy.linalg' not in sys.modules\n"
        "with single_blas_thread():\n"
        "    import scipy.linalg\n"
        "    libs = [i for i in threadpool_info() if i['user_api'] == 'blas']\n"
        "    assert len(libs) >= 2, libs\n"
        "    assert all(i['num_threads'] == 1 for i in libs), libs\n"
        "print('ok')\n"
    )
    pytest.importorskip("threadpoolctl")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_nested_blocks_keep_the_limit_until_the_outermost_leaves():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from crosscheck.numerics._blas import single_blas_thread

    def threads() -> list[int]:
        return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]

    before = threads()
    with single_blas_thread():
        with single_blas_thread():
            assert set(threads()) == {1}
        assert set(threads()) == {1}  # the inner block left, the outer still holds the limit
    assert threads() == before


def test_a_function_that_cannot_reach_a_worker_is_refused_for_every_number_of_workers():
    """Serially a lambda would work; refusing it there too keeps a check's behaviour the same for every N."""
    for mapper in (serial_map, process_map(1), process_map(2)):
        with pytest.raises(TypeError, match="module-level function"):
            mapper(lambda x: x, [1, 2])
