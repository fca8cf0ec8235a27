r"""Equal tuning for the estimator comparisons of notebooks 03 and 06: one learning-rate sweep, one grid for all.

Estimators differ in the noise of their gradient, so one shared learning rate partly measures tuning. Before the
notebooks compare them, ``benchmarks/estimator_sweep.py`` trains every estimator at every rate of
:data:`LEARNING_RATES` (critic rate $3\cdot$lr, the trainer's rule) on the seeds :data:`SWEEP_SEEDS`, with the
budget the notebook's comparison uses, and writes the runs to ``benchmarks/results/ring_estimators.json`` and ``benchmarks/results/text_estimators.json``.
Each estimator then gets the rate with the best mean score over the sweep's seeds (:func:`best_learning_rates`);
the notebooks show seed 0, which the sweep never trained, so the comparison is not scored on the runs that
chose the rate.

- **ring** (notebook 03 §6): the 32×32 ring grid, :data:`RING` budget, the six setups of
  :data:`RING_ESTIMATORS`; score = :func:`ring_score`, the mean exact JS over the last 10 % of the steps
  (lower is better; one final value is noisy).
- **text** (notebook 06): the corpus of notebook 06 with its networks, :data:`TEXT` budget, the three setups of
  :data:`TEXT_ESTIMATORS`; score = bigram JS of 2000 samples of the final generator (lower is better).

A run that stopped on NaN/inf has score ``None``; a learning rate with such a run is never chosen.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .._checks import in_interval

__all__ = ["LEARNING_RATES", "SWEEP_SEEDS", "RING", "RING_ESTIMATORS", "RING_LABELS", "TEXT", "TEXT_ESTIMATORS",
           "RESULTS_DIR", "ring_score", "load_sweep", "sweep_cells", "best_learning_rates", "sweep_table"]

LEARNING_RATES = (3e-4, 1e-3, 3e-3, 1e-2)       # generator Adam rate; the critic's is 3·lr (shape_defaults)
SWEEP_SEEDS = (1, 2)                            # the notebooks show seed 0: never used to choose a rate
RESULTS_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "results"

# notebook 03 §6: train_discrete(data, 32, steps=1000, lr=..., seed=..., target=p, **RING_ESTIMATORS[name]) on
# data = ring_grid(32).sample(20000, seed 0), every other setting at the trainer's defaults (M 20, B 64)
RING = dict(grid=32, n_data=20_000, data_seed=0, steps=1000, score_fraction=0.1)
RING_ESTIMATORS = {
    "bgan": dict(estimator="bgan"),
    "bgan_global": dict(estimator="bgan_global"),
    "reinforce": dict(estimator="reinforce"),
    "reinforce_loo": dict(estimator="reinforce_loo"),
    "gumbel_softmax": dict(estimator="gumbel_softmax", gumbel_tau=1.0),
    "gumbel_annealed": dict(estimator="gumbel_softmax", gumbel_tau=3.0, gumbel_anneal=1e-3),
}
RING_LABELS = {"bgan": "BGAN, per-z w̃", "bgan_global": "BGAN, global w̃", "reinforce": "REINFORCE (EMA baseline)",
               "reinforce_loo": "REINFORCE, leave-one-out", "gumbel_softmax": "Gumbel-softmax ST, τ = 1",
               "gumbel_annealed": "Gumbel-softmax ST, τ: 3 → annealed"}

# notebook 06: SequenceGenerator(16, K, seed=s), SequenceCritic(16, K, seed=s + 1), train_discrete(corpus.train, K,
# steps=2000, batch_size=16, samples_per_z=20, lr=..., seed=s, **TEXT_ESTIMATORS[name]); corpus load_corpus(16, seed 0)
TEXT = dict(length=16, corpus_seed=0, steps=2000, batch_size=16, samples_per_z=20, n_eval=2000)
TEXT_ESTIMATORS = {"bgan": dict(estimator="bgan"), "reinforce": dict(estimator="reinforce"),
                   "reinforce_loo": dict(estimator="reinforce_loo")}


def ring_score(js, fraction: float = RING["score_fraction"]) -> float:
    r"""Mean of the finite exact-JS values in the last ``fraction`` of a run's history (``history["js"]``).

    The history holds JS every ``metric_every`` steps (NaN in between); the mean over the last 10 % of the steps
    is steadier than the last value alone. NaN when the window holds no finite value.
    """
    fraction = in_interval(fraction, "fraction", 0.0, 1.0, "(]")
    js = np.asarray(js, dtype=float)
    if js.ndim != 1 or js.size == 0:
        raise ValueError(f"js must be a non-empty 1-D array (one entry per step); got shape {js.shape}")
    tail = js[len(js) - max(1, int(round(fraction * len(js)))):]
    tail = tail[np.isfinite(tail)]
    return float(tail.mean()) if tail.size else math.nan


def load_sweep(name: str, path=None) -> dict:
    """The sweep's JSON (``{"meta": ..., "runs": [...]}``): ``name`` "ring" or "text", or an explicit ``path``."""
    if name not in ("ring", "text"):
        raise ValueError(f"name must be 'ring' or 'text'; got {name!r}")
    path = Path(RESULTS_DIR / f"{name}_estimators.json" if path is None else path)
    if not path.exists():
        raise FileNotFoundError(f"no sweep results at {path}; run `python benchmarks/estimator_sweep.py --only {name}`")
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list) or not data["runs"]:
        raise ValueError(f"{path} must hold a dict with a non-empty list 'runs'")
    for run in data["runs"]:
        missing = {"setup", "lr", "seed", "score"} - set(run)
        if missing:
            raise ValueError(f"every run in {path} needs the keys setup, lr, seed, score; a run lacks {sorted(missing)}")
    return data


def sweep_cells(runs: list[dict]) -> list[dict]:
    """One row per (setup, lr), in the order they first appear: mean score over its seeds, the seeds, NaN stops.

    ``mean`` is inf when any run of the cell has no score (a NaN stop or no finite metric): such a rate is
    never the best.
    """
    cells: dict[tuple, dict] = {}
    for run in runs:
        cell = cells.setdefault((run["setup"], float(run["lr"])), {"setup": run["setup"], "lr": float(run["lr"]),
                                                                   "scores": [], "seeds": [], "stopped": 0})
        score = run["score"]
        ok = score is not None and math.isfinite(float(score))
        cell["scores"].append(float(score) if ok else math.inf)
        cell["seeds"].append(run["seed"])
        cell["stopped"] += not ok
    for cell in cells.values():
        cell["mean"] = float(np.mean(cell["scores"]))
    return list(cells.values())


def best_learning_rates(data: dict) -> dict[str, float]:
    """setup → the learning rate with the lowest mean score (ties: the smaller rate). Every setup must have one finite."""
    best: dict[str, dict] = {}
    for cell in sweep_cells(data["runs"]):
        old = best.get(cell["setup"])
        if old is None or cell["mean"] < old["mean"] or (cell["mean"] == old["mean"] and cell["lr"] < old["lr"]):
            best[cell["setup"]] = cell
    failed = [name for name, cell in best.items() if not math.isfinite(cell["mean"])]
    if failed:
        raise ValueError(f"no learning rate of the sweep trained {failed} without a NaN stop; widen the grid")
    return {name: cell["lr"] for name, cell in best.items()}


def sweep_table(data: dict, labels: dict | None = None, digits: int = 4) -> str:
    """Plain-text table: one row per setup, one column per rate (mean score over seeds), the best marked with *."""
    cells, labels = sweep_cells(data["runs"]), dict(labels or {})
    lrs = sorted({c["lr"] for c in cells})
    best = best_learning_rates(data)
    setups = list(dict.fromkeys(c["setup"] for c in cells))
    by = {(c["setup"], c["lr"]): c for c in cells}

    def entry(setup, lr):
        cell = by.get((setup, lr))
        if cell is None:
            return "—"
        text = "NaN stop" if cell["stopped"] == len(cell["scores"]) else f"{cell['mean']:.{digits}f}"
        text += f" ({cell['stopped']} NaN)" if 0 < cell["stopped"] < len(cell["scores"]) else ""
        return text + ("*" if best[setup] == lr else " ")

    head = ["estimator"] + [f"lr {lr:g}" for lr in lrs]
    rows = [[labels.get(s, s)] + [entry(s, lr) for lr in lrs] for s in setups]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])
