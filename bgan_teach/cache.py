r"""Instant re-runs: heavy training calls cached on disk with ``joblib.Memory``.

    from bgan_teach.cache import cached
    result = cached(train_discrete)(data, K, steps=5000, target=p)   # minutes the first time, ~0.1 s after

The first call runs ``train_discrete`` and stores its result; the same call again (same arguments, same
package code) loads it from disk instead of training. Storage, lookup and file locking are joblib's
(https://joblib.readthedocs.io, ``joblib.Memory``); this module only decides the **key**:

- every argument of the call, defaults filled in, so ``steps=2000`` and leaving ``steps`` out are the
  same call; arguments that only change what is printed (``progress``) are left out;
- the package version, the torch version and a hash of the package's source (every file under
  ``bgan_teach/``). joblib alone watches only the source of the cached function itself; a change to a
  loss, an estimator or a model it calls would leave the key as it was and hand back a result the
  current code no longer computes. Hashing the whole package makes any code change miss the cache
  (results are then recomputed, never silently stale).

How arguments are hashed: joblib's hasher (pickle-based, by value; numpy arrays by their bytes), with
three additions, because plain pickling is not deterministic or not possible for them:

- **torch tensors** (and parameters, so whole modules passed as ``generator=`` / ``critic=``, targets,
  data): by dtype, shape, device type, ``requires_grad`` and their bytes. (Pickled tensors embed a
  memory address, so their pickle differs between processes.)
- **torch.Generator**: by device and its state.
- **functions that cannot be pickled by name** — closures such as ``snapshot_fn=text_snapshot_fn(corpus)``,
  lambdas, and functions defined in a notebook (``__main__``): by their byte code, constants, names,
  defaults and the values they close over (hashed the same way), never by file name or line number,
  so moving a cell does not miss the cache and editing the function does. Globals such a function
  reads are **not** part of the key: pass what it depends on as arguments or close over it.

Switches: ``BGAN_NO_CACHE=1`` turns caching off (the function simply runs). ``BGAN_CACHE_DIR`` sets the
location; the default is ``$XDG_CACHE_HOME/bgan-teach`` (``~/.cache/bgan-teach``), outside the
repository, so every checkout and notebook shares it. ``make clean-cache`` (or :func:`clear`) empties it.
``make test`` runs with ``BGAN_NO_CACHE=1``, so CI never reuses a result.

On a hit, the modules in the result are copies loaded from disk: use ``result.generator`` /
``result.critic``, not the modules you passed in (those are trained in place only on a miss).

**Several runs at once.** A study (seeds × losses × estimators) is many small independent trainings. On a
CPU with more than one core, :func:`run_many` trains the ones not yet in the cache side by side in worker
processes (``joblib.Parallel``, one torch thread each: these networks are too small to gain from a second
thread, so two processes on two cores do twice the work of one), with one progress bar over the runs:

    runs = run_many(train_discrete, {f"M = {m}": dict(samples_per_z=m) for m in (1, 2, 5, 20)},
                    data, K, steps=1000, seed=0, target=p)      # {name: result}, in the order given

Each result is exactly the one ``cached(fn)(*args, **kwargs, **calls[name])`` gives in a process with the
worker's number of torch threads (same seed, same numbers: a test compares them bit for bit), and it is stored
in the cache as such. Torch's CPU kernels may round differently with another number of threads (in the last
bits, which a long GAN run can amplify), so the notebooks that use :func:`run_many` set one thread for every
run (``torch.set_num_threads(1)``): then a run in a worker and the same run in the notebook agree exactly. The
number of threads is not part of the cache key. The notebooks also call :func:`start_workers` in their setup
cell, so that the workers start (2-3 s each) while the first cells run rather than inside the first ``run_many``.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import os
import shutil
import threading
import types
from pathlib import Path
from typing import Any, Callable

import joblib
import joblib.hashing
import torch

__all__ = ["cached", "run_many", "start_workers", "workers", "enabled", "cache_dir", "package_key", "call_key",
           "memory", "clear", "IGNORED"]

IGNORED = ("progress",)          # arguments that change only what is printed, never the result
PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    """False when ``BGAN_NO_CACHE`` is set to 1/true/yes/on."""
    return os.environ.get("BGAN_NO_CACHE", "").strip().lower() not in {"1", "true", "yes", "on"}


def cache_dir() -> Path:
    """``BGAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/bgan-teach``, else ``~/.cache/bgan-teach``."""
    if os.environ.get("BGAN_CACHE_DIR"):
        return Path(os.environ["BGAN_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "bgan-teach"


@functools.lru_cache(maxsize=None)
def _source_hash(root: Path = PACKAGE) -> str:
    """sha256 over the relative path and bytes of every file under the package (bytecode caches excluded)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def package_key() -> str:
    """``<bgan_teach version>-torch<version>-<source hash>``: one cache folder per code version."""
    from . import __version__

    return f"{__version__}-torch{torch.__version__}-{_source_hash()[:16]}"


# --- hashing arguments ----------------------------------------------------------------------------------
def _hashed(*parts):          # the "constructor" named in hash-only reductions; never called
    raise RuntimeError("bgan_teach.cache._hashed is a hashing marker, not a constructor")


def _code_key(code: types.CodeType) -> tuple:
    """What a function computes: byte code, constants (nested code too) and names; no file or line."""
    consts = tuple(_code_key(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return (code.co_name, code.co_code, consts, code.co_names, code.co_varnames, code.co_freevars,
            code.co_argcount, code.co_kwonlyargcount, code.co_flags)


def _by_name(fn: types.FunctionType) -> bool:
    """True for functions pickle finds by module and name (their code is in the package or a library)."""
    return fn.__module__ not in (None, "__main__") and "<" not in fn.__qualname__


class _Hasher(joblib.hashing.NumpyHasher):
    """joblib's hasher, plus deterministic reductions for tensors, torch generators and unnamed functions."""

    def __init__(self):
        super().__init__(hash_name="md5")
        self._open: set[int] = set()

    def reducer_override(self, obj):
        if isinstance(obj, torch.Tensor):
            flat = obj.detach().cpu().contiguous().reshape(-1)
            return _hashed, ("tensor", type(obj).__name__, str(obj.dtype), tuple(obj.shape), obj.device.type,
                             obj.requires_grad, flat.view(torch.uint8).numpy())
        if isinstance(obj, torch.Generator):
            return _hashed, ("generator", obj.device.type, obj.get_state().numpy())
        if isinstance(obj, types.FunctionType) and not _by_name(obj):
            if id(obj) in self._open:                                   # a closure that refers to itself
                return _hashed, ("function", obj.__qualname__)
            self._open.add(id(obj))
            cells = tuple(_cell(c) for c in obj.__closure__ or ())
            return _hashed, ("function", obj.__module__, obj.__qualname__, _code_key(obj.__code__),
                             obj.__defaults__, obj.__kwdefaults__, cells)
        return NotImplemented


def _cell(cell) -> Any:
    try:
        return cell.cell_contents
    except ValueError:                                                   # an empty cell
        return "<empty cell>"


def _hash(obj) -> str:
    return _Hasher().hash(obj)


def call_key(fn: Callable, args: tuple = (), kwargs: dict | None = None, ignore=IGNORED) -> str:
    """The hash of one call: ``fn`` (by name, or by code), every bound argument with defaults filled in
    (``ignore`` left out) and :func:`package_key`. Raises ``TypeError`` when the arguments do not fit ``fn``."""
    try:
        bound = inspect.signature(fn).bind(*args, **(kwargs or {}))
    except TypeError as err:
        raise TypeError(f"cached({getattr(fn, '__name__', fn)!r}): {err}") from None
    bound.apply_defaults()
    arguments = {name: value for name, value in bound.arguments.items() if name not in ignore}
    return _hash((package_key(), fn, arguments))


# --- the cache ------------------------------------------------------------------------------------------
def memory() -> joblib.Memory:
    """The ``joblib.Memory`` of this code version (a folder per :func:`package_key` under :func:`cache_dir`)."""
    return joblib.Memory(location=cache_dir() / package_key(), verbose=0)


def _call(key: str, fn: Callable, args: tuple, kwargs: dict):
    """What joblib caches: ``fn(*args, **kwargs)``, stored under ``key`` alone (the rest is ignored)."""
    return fn(*args, **kwargs)


def cached(fn: Callable, ignore=IGNORED) -> Callable:
    """``fn`` with its results cached on disk: ``cached(train_discrete)(data, K, steps=...)``.

    Same call (see :func:`call_key`) → the stored result; anything else → ``fn`` runs and its result is
    stored. With ``BGAN_NO_CACHE=1`` the call simply runs. ``ignore``: argument names left out of the key.
    """
    if not callable(fn):
        raise TypeError(f"cached needs a function (e.g. train_discrete); got {type(fn).__name__}")
    if isinstance(ignore, str) or not all(isinstance(name, str) for name in ignore):
        raise TypeError(f"ignore must be a tuple of argument names; got {ignore!r}")

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if not enabled():
            return fn(*args, **kwargs)
        key = call_key(fn, args, kwargs, tuple(ignore))
        return memory().cache(_call, ignore=["fn", "args", "kwargs"])(key, fn, args, kwargs)

    return run


def clear() -> Path:
    """Delete everything under :func:`cache_dir` (every code version's results); returns the folder."""
    folder = cache_dir()
    if folder.exists():
        shutil.rmtree(folder)
    return folder


# --- several runs at once -------------------------------------------------------------------------------
def workers(n_calls: int) -> int:
    """Worker processes for ``n_calls`` trainings: one per core (``BGAN_WORKERS`` overrides), at most one per call."""
    return max(1, min(_cores(), n_calls))


def _cores() -> int:
    """Cores this process may use, or ``BGAN_WORKERS`` when set (a positive integer)."""
    raw = os.environ.get("BGAN_WORKERS", "").strip()
    if raw:
        try:
            cores = int(raw)
        except ValueError:
            raise ValueError(f"BGAN_WORKERS must be a positive integer; got {raw!r}") from None
        if cores < 1:
            raise ValueError(f"BGAN_WORKERS must be a positive integer; got {raw!r}")
    else:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores


_starting: threading.Thread | None = None      # start_workers' thread, joined before run_many uses the workers


def _ready() -> bool:
    """What each worker runs when :func:`start_workers` starts it: what a first run pays once per process
    (importing torch and this module, and the first optimiser step, which imports ``torch._dynamo``: about 1 s).
    The trainers are imported by the first job that uses them (this module may not import them)."""
    weight = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adam([weight])
    weight.sum().backward()
    opt.step()
    opt.zero_grad()
    return True


def start_workers() -> None:
    """Start :func:`run_many`'s worker processes now, in a background thread, and return at once.

    A worker's first job waits 2-3 s while the process starts, imports torch and takes its first optimiser step
    (which imports ``torch._dynamo``); a notebook calls this in its setup cell so that this happens while the
    first cells run, not inside its first ``run_many``. Nothing is started where ``run_many``
    would use no workers (one core, or ``BGAN_WORKERS=1``). ``run_many`` waits for the start to finish before it
    sends work, so calling this is never wrong, only sometimes useless.
    """
    global _starting
    from joblib import Parallel, delayed

    n_jobs = _cores()
    if n_jobs >= 2 and (_starting is None or not _starting.is_alive()):
        _starting = threading.Thread(target=lambda: Parallel(n_jobs=n_jobs)(delayed(_ready)() for _ in range(n_jobs)),
                                     name="bgan-teach: starting workers", daemon=True)
        _starting.start()


def _one_run(name, fn: Callable, args: tuple, kwargs: dict, location: str | None, threads: int) -> tuple:
    """``(name, result)`` of one training in a worker process with ``threads`` torch threads, stored under the
    caller's cache folder ``location`` (None: no cache). A reused worker may have been started under another
    ``BGAN_CACHE_DIR``."""
    torch.set_num_threads(threads)
    if location is None:
        return name, fn(*args, **kwargs)
    os.environ["BGAN_CACHE_DIR"] = location
    os.environ.pop("BGAN_NO_CACHE", None)
    return name, cached(fn)(*args, **kwargs)


def run_many(fn: Callable, calls: dict, *args, desc: str | None = None, progress: bool = True, **kwargs) -> dict:
    """``{name: cached(fn)(*args, **kwargs, **calls[name])}`` for every entry of ``calls``, in its order.

    Calls already in the cache are loaded; the others run in :func:`workers` processes at once (in this
    process when that is one), each worker with ``torch.get_num_threads() // workers`` torch threads (at least
    one), under one ``tqdm.auto`` bar (``desc``) that counts finished runs (``fn`` gets ``progress=False`` where it
    takes one). ``calls`` maps a name to the keyword arguments of that run (they override ``kwargs``).
    """
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    if not callable(fn):
        raise TypeError(f"run_many needs a function (e.g. train_discrete); got {type(fn).__name__}")
    if not isinstance(calls, dict) or not calls or not all(isinstance(c, dict) for c in calls.values()):
        raise TypeError("calls must be a non-empty dict {name: dict of keyword arguments}; "
                        f"got {type(calls).__name__}" + (" with non-dict values" if isinstance(calls, dict) else ""))
    quiet = {"progress": False} if "progress" in inspect.signature(fn).parameters else {}   # one bar, not one per run
    full = {name: {**kwargs, **call, **quiet} for name, call in calls.items()}
    keys = {name: call_key(fn, args, kw) for name, kw in full.items()}   # a call that does not fit fn fails here
    use_cache = enabled()
    stored = memory().cache(_call, ignore=["fn", "args", "kwargs"]) if use_cache else None   # what cached() uses
    results, todo = {}, []
    for name, kw in full.items():
        if use_cache and stored.check_call_in_cache(keys[name], fn, args, kw):
            results[name] = stored(keys[name], fn, args, kw)
        else:
            todo.append(name)
    n_jobs = workers(len(todo))
    bar = tqdm(total=len(todo), desc=desc or f"{len(todo)} runs on {n_jobs} process{'es' if n_jobs > 1 else ''}",
               disable=not progress or not todo)
    if n_jobs == 1:
        for name in todo:
            results[name] = stored(keys[name], fn, args, full[name]) if use_cache else fn(*args, **full[name])
            bar.update(1)
    else:
        threads = max(1, torch.get_num_threads() // n_jobs)          # the cores shared out, never oversubscribed
        if _starting is not None:
            _starting.join()                                          # one Parallel call at a time
        jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(_one_run)(name, fn, args, full[name], str(cache_dir()) if use_cache else None, threads)
            for name in todo)
        for name, result in jobs:
            results[name] = result
            bar.update(1)
    bar.close()
    return {name: results[name] for name in calls}
