"""bgan_teach.cache: cached results equal fresh ones; any changed argument, version or source misses."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import bgan_teach
from bgan_teach import cache
from bgan_teach.cache import cached, call_key
from bgan_teach.data import ring, ring_grid
from bgan_teach.training import train_continuous, train_discrete

CALLS: list = []


def square(x, scale=1.0, progress=True):
    """A counting stand-in for a training call."""
    CALLS.append(x)
    return x * x * scale


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BGAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BGAN_NO_CACHE", raising=False)
    CALLS.clear()
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield tmp_path / "cache"
    torch.set_num_threads(before)


def _params(module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _same_result(a, b) -> None:
    assert a.history.keys() == b.history.keys()
    for key in a.history.keys():
        if key != "seconds":
            np.testing.assert_array_equal(a.history[key], b.history[key])
    assert [s.step for s in a.snapshots] == [s.step for s in b.snapshots]
    for sa, sb in zip(a.snapshots, b.snapshots):
        assert sa.extras.keys() == sb.extras.keys()
        for key in sa.extras:
            np.testing.assert_array_equal(np.asarray(sa.extras[key]), np.asarray(sb.extras[key]))
        for state in ("generator_state", "critic_state"):
            assert all(torch.equal(getattr(sa, state)[k], getattr(sb, state)[k]) for k in getattr(sa, state))
    assert all(torch.equal(x, y) for x, y in zip(_params(a.generator), _params(b.generator)))
    assert all(torch.equal(x, y) for x, y in zip(_params(a.critic), _params(b.critic)))
    assert a.config == b.config and a.stopped == b.stopped


def test_cached_discrete_result_equals_a_fresh_one(fresh_cache):
    """Check that a cache hit returns the history, snapshot extras and weights of a fresh train_discrete run."""
    grid = ring_grid(6)
    data = grid.sample(300, torch.Generator().manual_seed(0))
    kwargs = dict(steps=12, batch_size=8, samples_per_z=4, seed=1, snapshot_every=4, target=grid.probs(),
                  metric_every=3, metric_num_z=64, progress=False)
    fresh = train_discrete(data, 6, **kwargs)
    first = cached(train_discrete)(data, 6, **kwargs)              # a miss: runs and stores
    assert any(fresh_cache.rglob("output.pkl"))
    hit = cached(train_discrete)(data, 6, **dict(kwargs, progress=True))   # progress is not in the key
    assert hit.generator is not first.generator                    # loaded from disk, not the same object
    _same_result(hit, fresh)
    torch.testing.assert_close(hit.sample(5, 3), fresh.sample(5, 3), rtol=0, atol=0)


def test_cached_continuous_result_equals_a_fresh_one():
    """Check that a cache hit of train_continuous equals a fresh run (history, x_fake extras, weights)."""
    kwargs = dict(steps=6, batch_size=16, hidden=16, layers=1, seed=2, snapshot_every=3, progress=False)
    fresh = train_continuous(ring(), **kwargs)
    cached(train_continuous)(ring(), **kwargs)
    _same_result(cached(train_continuous)(ring(), **kwargs), fresh)


def test_same_call_hits_and_changed_argument_misses():
    """Check that a repeated call (a default written out included) is served from disk and any changed argument misses."""
    f = cached(square)
    assert f(3) == 9 and f(3) == 9 and f(3, scale=1.0) == 9 and CALLS == [3]     # defaults filled in
    assert f(3, scale=2.0) == 18 and f(4) == 16 and CALLS == [3, 3, 4]
    assert f(torch.tensor([1.0, 2.0])).tolist() == [1.0, 4.0] and len(CALLS) == 4
    f(torch.tensor([1.0, 2.0]))
    f(torch.tensor([1.0, 2.5]))                                     # other tensor values: a miss
    f(torch.tensor([1.0, 2.0], dtype=torch.float64))               # other dtype: a miss
    assert len(CALLS) == 6


def test_no_cache_env_bypasses_the_cache(monkeypatch, fresh_cache):
    """Check that BGAN_NO_CACHE=1 runs the function every time and writes nothing."""
    monkeypatch.setenv("BGAN_NO_CACHE", "1")
    f = cached(square)
    f(5)
    f(5)
    assert CALLS == [5, 5] and not fresh_cache.exists()


def test_key_changes_with_the_package_version(monkeypatch):
    """Check that another package version gives another key and misses the cache."""
    f = cached(square)
    f(2)
    before = call_key(square, (2,))
    monkeypatch.setattr(bgan_teach, "__version__", "999.0")
    assert call_key(square, (2,)) != before and cache.package_key().startswith("999.0-")
    f(2)
    assert CALLS == [2, 2]


def test_source_hash_changes_with_any_package_file(tmp_path):
    """Check that editing, adding or renaming a file under the package changes the source hash."""
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    (root / "__pycache__").mkdir()
    first = cache._source_hash(root)
    (root / "__pycache__" / "a.pyc").write_bytes(b"\0")             # bytecode is not source
    assert cache._source_hash.__wrapped__(root) == first
    (root / "a.py").write_text("x = 2\n")
    second = cache._source_hash.__wrapped__(root)
    (root / "a.py").rename(root / "b.py")
    assert len({first, second, cache._source_hash.__wrapped__(root)}) == 3


def _closure(value):
    def fn(trainer):
        return {"v": value}
    return fn


def test_closures_and_notebook_functions_are_keyed_by_code_and_captured_values():
    """Check that closures hash by what they capture and notebook functions by code, not by line or file."""
    assert cache._hash(_closure(1)) == cache._hash(_closure(1)) != cache._hash(_closure(2))
    a, b, c = {}, {}, {}
    exec(compile("def fn(x):\n    return x + 1\n", "/tmp/ipykernel_1/cell.py", "exec"), a)
    exec(compile("\n\n\ndef fn(x):\n    return x + 1\n", "/tmp/ipykernel_2/other.py", "exec"), b)
    exec(compile("def fn(x):\n    return x + 2\n", "/tmp/ipykernel_1/cell.py", "exec"), c)
    for ns in (a, b, c):
        ns["fn"].__module__ = "__main__"
    assert cache._hash(a["fn"]) == cache._hash(b["fn"]) != cache._hash(c["fn"])


def test_keys_are_the_same_in_another_process():
    """Check that tensors, modules, generators and closures hash the same in a fresh interpreter."""
    code = ("import torch\nfrom bgan_teach.cache import _hash\nfrom bgan_teach.metrics.text import text_snapshot_fn\n"
            "from bgan_teach.data.text import load_corpus\nfrom bgan_teach.models.categorical import "
            "CategoricalGenerator\ntorch.manual_seed(0)\ngen = CategoricalGenerator(3, 4, hidden=8)\n"
            "print(_hash((torch.arange(6).view(3, 2), gen, torch.Generator().manual_seed(5), "
            "text_snapshot_fn(load_corpus(length=8), n_eval=5))))\n")
    # the package source is left out of these hashes: another edit of the tree must not make this test fail
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
            for _ in range(2)}
    assert len(keys) == 1 and len(keys.pop()) == 32


def test_bad_input_is_refused_before_any_work():
    """Check that a non-callable, a bad ignore list and arguments that do not fit raise TypeError naming them."""
    with pytest.raises(TypeError, match="cached needs a function"):
        cached(3)
    with pytest.raises(TypeError, match="ignore"):
        cached(square, ignore="progress")
    with pytest.raises(TypeError, match="square"):
        cached(square)(1, 2, 3, 4)
    assert CALLS == []


def test_location_and_clear(monkeypatch, tmp_path, fresh_cache):
    """Check that BGAN_CACHE_DIR and the XDG default set the location and that clear() empties the folder."""
    assert cache.cache_dir() == fresh_cache
    cached(square)(7)
    assert fresh_cache.exists() and cache.clear() == fresh_cache and not fresh_cache.exists()
    monkeypatch.delenv("BGAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == Path(tmp_path / "xdg" / "bgan-teach")
