"""bgan_teach.cache.run_many: several trainings at once in worker processes, the same numbers as one by one."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from bgan_teach import cache
from bgan_teach.cache import cached, run_many, workers
from bgan_teach.data import ring, ring_grid
from bgan_teach.training import train_continuous, train_discrete

GRID = ring_grid(8)
DATA = GRID.sample(2000, torch.Generator().manual_seed(0))
SMALL_D = dict(steps=30, batch_size=16, samples_per_z=4, hidden=16, target=GRID.probs())
SMALL_C = dict(steps=30, batch_size=32, hidden=16)


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BGAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BGAN_NO_CACHE", raising=False)
    monkeypatch.setenv("BGAN_WORKERS", "2")
    before = torch.get_num_threads()
    torch.set_num_threads(1)                        # as the notebooks do: every run on one thread
    yield tmp_path / "cache"
    torch.set_num_threads(before)


def _flat(module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def _same(a, b) -> None:
    assert torch.equal(_flat(a.generator), _flat(b.generator))
    assert torch.equal(_flat(a.critic), _flat(b.critic))
    assert a.history.keys() == b.history.keys()
    for key in set(a.history.keys()) - {"seconds"}:                # wall-clock time differs, nothing else
        np.testing.assert_array_equal(a.history[key], b.history[key])


@pytest.mark.parametrize("no_cache", [False, True])
def test_discrete_runs_in_workers_equal_runs_one_by_one(monkeypatch, no_cache):
    """Check bit for bit: run_many over two seeds and two M (2 workers) against train_discrete called here."""
    if no_cache:
        monkeypatch.setenv("BGAN_NO_CACHE", "1")
    calls = {"a": dict(seed=0), "b": dict(seed=1), "c": dict(seed=0, samples_per_z=2)}
    runs = run_many(train_discrete, calls, DATA, 8, progress=False, **SMALL_D)
    assert list(runs) == ["a", "b", "c"]                                          # the order given
    for name, call in calls.items():
        _same(runs[name], train_discrete(DATA, 8, progress=False, **{**SMALL_D, **call}))
    assert not torch.equal(_flat(runs["a"].generator), _flat(runs["b"].generator))  # the calls did differ


def test_continuous_runs_in_workers_equal_runs_one_by_one():
    """Check bit for bit for the continuous trainer: two generator losses on the ring."""
    target = ring()
    calls = {loss: dict(generator_loss=loss) for loss in ("boundary_seeking", "non_saturating")}
    runs = run_many(train_continuous, calls, target, seed=0, progress=False, **SMALL_C)
    for name, call in calls.items():
        _same(runs[name], train_continuous(target, seed=0, progress=False, **SMALL_C, **call))


def test_results_are_stored_as_cached_would_store_them(fresh_cache):
    """Check that after run_many every call is in the cache, cached(fn) loads the same result, and a second
    run_many trains nothing (no worker is started: it loads)."""
    calls = {"s0": dict(seed=0), "s1": dict(seed=1)}
    first = run_many(train_discrete, calls, DATA, 8, progress=False, **SMALL_D)
    mem = cache.memory().cache(cache._call, ignore=["fn", "args", "kwargs"])
    for name, call in calls.items():
        kw = {**SMALL_D, **call, "progress": False}
        assert mem.check_call_in_cache(cache.call_key(train_discrete, (DATA, 8), kw), train_discrete, (DATA, 8), kw)
        _same(first[name], cached(train_discrete)(DATA, 8, **kw))
    again = run_many(train_discrete, calls, DATA, 8, progress=False, **SMALL_D)
    for name in calls:
        _same(first[name], again[name])


def test_one_worker_runs_here(monkeypatch):
    """Check BGAN_WORKERS=1: the runs happen in this process, with the same results."""
    monkeypatch.setenv("BGAN_WORKERS", "1")
    runs = run_many(train_discrete, {"x": dict(seed=3)}, DATA, 8, progress=False, **SMALL_D)
    _same(runs["x"], train_discrete(DATA, 8, seed=3, progress=False, **SMALL_D))


def test_workers_rule(monkeypatch):
    """Check one worker per call at most, BGAN_WORKERS honoured, bad values refused by name."""
    monkeypatch.setenv("BGAN_WORKERS", "4")
    assert (workers(1), workers(3), workers(9)) == (1, 3, 4)
    monkeypatch.delenv("BGAN_WORKERS")
    assert 1 <= workers(100) <= (torch.multiprocessing.cpu_count() or 1)
    for bad in ("0", "-2", "two", "1.5"):
        monkeypatch.setenv("BGAN_WORKERS", bad)
        with pytest.raises(ValueError, match="BGAN_WORKERS"):
            workers(2)


@pytest.mark.parametrize("calls", [[dict(seed=0)], {}, {"a": 1}, None])
def test_bad_calls_are_refused(calls):
    """Check that calls must be a non-empty dict of keyword dicts."""
    with pytest.raises(TypeError, match="calls must be"):
        run_many(train_discrete, calls, DATA, 8)


def test_a_call_that_does_not_fit_is_refused_by_name():
    """Check that an unknown option in one call surfaces as the trainer's own error, naming it."""
    with pytest.raises(ValueError, match="stepz"):
        run_many(train_discrete, {"ok": dict(seed=0), "bad": dict(stepz=3)}, DATA, 8, **SMALL_D)
    with pytest.raises(TypeError, match="function"):
        run_many("train_discrete", {"a": {}})
    with pytest.raises(TypeError, match="fresh_critic"):                   # a keyword fn does not take at all
        run_many(lambda generator, seed=0: None, {"a": dict(generator=1, fresh_critic=1)})


def test_workers_share_the_callers_threads():
    """Check that with 2 threads here and 2 workers each worker gets 1 thread: its runs equal runs made here on 1."""
    torch.set_num_threads(2)
    runs = run_many(train_discrete, {"a": dict(seed=0), "b": dict(seed=1)}, DATA, 8, progress=False, **SMALL_D)
    torch.set_num_threads(1)
    for name, seed in (("a", 0), ("b", 1)):
        _same(runs[name], train_discrete(DATA, 8, seed=seed, progress=False, **SMALL_D))


def test_start_workers_starts_them_in_the_background_and_run_many_uses_them():
    """Check start_workers returns at once, its thread ends, and run_many afterwards gives the in-process numbers."""
    cache.start_workers()
    thread = cache._starting
    assert thread is not None
    cache.start_workers()                                   # a second call while starting: the same thread
    assert cache._starting is thread
    thread.join(timeout=120)
    assert not thread.is_alive()
    runs = run_many(train_discrete, {"a": dict(seed=0), "b": dict(seed=1)}, DATA, 8, **SMALL_D)
    _same(runs["a"], train_discrete(DATA, 8, seed=0, progress=False, **SMALL_D))


def test_start_workers_starts_nothing_on_one_worker(monkeypatch):
    """Check that with BGAN_WORKERS=1 no thread is started (run_many would run everything in this process)."""
    monkeypatch.setenv("BGAN_WORKERS", "1")
    monkeypatch.setattr(cache, "_starting", None)
    cache.start_workers()
    assert cache._starting is None
