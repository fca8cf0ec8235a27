"""Seeded short runs whose full histories are recorded in ``runs.json`` (same seed, same numbers).

``python tests/recorded/runs.py`` rewrites ``runs.json`` from the current code; do that only when a
number changes on purpose, and say which and why in the commit message. ``tests/test_recorded_runs.py``
replays every run and compares it with the file.

What is recorded per run: every history column (rounded through float32, so that a history kept in
float64 compares equal to one kept in float32), the snapshot steps, a few snapshot extras, and the sum
and sum of squares of every parameter of the returned networks.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).parent
FILE = HERE / "runs.json"


def _critic(result):
    return result.critic


def _params(module) -> list[list[float]]:
    if module is None:
        return []
    return [[float(p.detach().double().sum()), float(p.detach().double().pow(2).sum())] for p in module.parameters()]


def _f32(values) -> list:
    arr = np.asarray(values, dtype=np.float64).astype(np.float32).astype(np.float64)
    return [None if np.isnan(v) else float(v) for v in arr]


def _history(history) -> dict:
    return {key: _f32(history[key]) for key in sorted(history.keys()) if key != "seconds"}


def _extras(snapshots, keys) -> dict:
    out = {}
    for key in keys:
        vals = []
        for snap in snapshots:
            value = snap.extras.get(key)
            if value is None:
                vals.append(None)
            else:
                arr = np.asarray(value.detach() if isinstance(value, torch.Tensor) else value, dtype=np.float64)
                vals.append([float(arr.sum()), float((arr ** 2).sum())] if arr.ndim else float(arr))
        out[key] = vals
    return out


def record(result, extras=()) -> dict:
    return {"history": _history(result.history), "snapshot_steps": [s.step for s in result.snapshots],
            "extras": _extras(result.snapshots, extras), "generator": _params(result.generator),
            "critic": _params(_critic(result)), "stopped": result.stopped}


# The discrete defaults changed on purpose after the recording (benchmarks/defaults.py: lr 1e-3, critic_lr 3·lr,
# penalty 0.2/K, width from d·K); the recorded runs pin the settings they were recorded with, so they still check
# that the trainer's code gives the same numbers. ``discrete_ring_defaults`` records the new defaults.
RECORDED_WITH = dict(lr=3e-4, critic_lr=3e-3, penalty=0.0, hidden=128)


def discrete_ring(estimator="bgan", divergence="gan", settings=RECORDED_WITH, **kw):
    from bgan_teach.data import ring_grid
    from bgan_teach.training import train_discrete
    grid = ring_grid(16)
    data = grid.sample(4000, torch.Generator().manual_seed(0))
    res = train_discrete(data, 16, divergence=divergence, estimator=estimator, samples_per_z=5, steps=25,
                         batch_size=16, seed=3, snapshot_every=10, progress=False, target=grid.probs(),
                         metric_every=5, metric_num_z=256, **{**settings, **kw})
    return record(res, ("q", "log_w", "js"))


def digits():
    from bgan_teach.training import train_digits
    res = train_digits(2, steps=6, snapshot_every=3, progress=False, samples_per_z=4, batch_size=8, score_samples=50)
    return record(res, ("classes_covered", "confidence", "pixel_error", "bound", "samples"))


def continuous(generator_loss="boundary_seeking", **kw):
    from bgan_teach.data import ring
    from bgan_teach.training import train_continuous
    res = train_continuous(ring(), generator_loss=generator_loss, steps=30, seed=2, snapshot_every=10,
                           progress=False, **kw)
    return record(res, ("x_fake",))


def text():
    from bgan_teach.data.text import load_corpus
    from bgan_teach.metrics.text import text_snapshot_fn
    from bgan_teach.models.sequence import SequenceCritic, SequenceGenerator
    from bgan_teach.training import train_discrete
    corpus = load_corpus(length=16)
    k = corpus.num_categories
    res = train_discrete(corpus.train, k, estimator="bgan", generator=SequenceGenerator(16, k, seed=0),
                         critic=SequenceCritic(16, k, seed=1), samples_per_z=4, steps=8, batch_size=8,
                         lr=1e-3, critic_lr=3e-3, penalty=0.0, seed=0, snapshot_every=4, progress=False,
                         snapshot_fn=text_snapshot_fn(corpus, n_eval=50))
    return record(res, ("word_share", "bigram_js"))


def bound(critic="table"):
    from bgan_teach.training import fit_bound
    p = torch.tensor([0.1, 0.4, 0.5], dtype=torch.float64)
    q = torch.tensor([0.3, 0.3, 0.4], dtype=torch.float64)
    res = fit_bound(p, q, "gan", steps=40, batch_size=32, seed=1, snapshot_every=10, critic=critic)
    return {"history": _history(res.history), "snapshot_steps": [s.step for s in res.snapshots],
            "extras": _extras(res.snapshots, ("v",)), "critic": _params(res.critic), "stopped": res.stopped}


RUNS = {
    "discrete_ring_bgan": lambda: discrete_ring(),
    "discrete_ring_global": lambda: discrete_ring("bgan_global"),
    "discrete_ring_reinforce": lambda: discrete_ring("reinforce"),
    "discrete_ring_gumbel": lambda: discrete_ring("gumbel_softmax"),
    "discrete_ring_kl_penalty": lambda: discrete_ring(divergence="kl", penalty=0.1),
    "discrete_ring_defaults": lambda: discrete_ring(settings={}),
    "digits_recipe": digits,
    "continuous_ring_bs": lambda: continuous(),
    "continuous_ring_log_z": lambda: continuous("boundary_seeking_log_z"),
    "continuous_ring_ns_gauss": lambda: continuous("non_saturating", components=0, critic_steps=2, penalty=0.1),
    "continuous_ring_minimax": lambda: continuous("minimax"),
    "text_bgan": text,
    "bound_table": lambda: bound(),
    "bound_mlp": lambda: bound("mlp"),
}


def run_all() -> dict:
    torch.set_num_threads(1)
    return {name: fn() for name, fn in RUNS.items()}


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    names = sys.argv[1:]                           # record only these runs (default: all of them)
    torch.set_num_threads(1)
    recorded = json.loads(FILE.read_text()) if names and FILE.exists() else {}
    recorded.update({name: RUNS[name]() for name in (names or RUNS)})
    FILE.write_text(json.dumps(recorded, indent=0, sort_keys=True) + "\n")
    print(f"wrote {FILE}: {sorted(names or RUNS)}")
