r"""The stability grid, summarised: one cell per (loss, generator, learning rate, critic steps), mean over seeds.

A *run* is a dict with at least ``loss``, ``generator``, ``lr``, ``critic_steps``, ``seed``,
``modes_covered`` (≥ 1 % rule), ``modes_covered_one_sample`` (≥ 1 high-quality sample: VEEGAN/PacGAN/GDPP),
``n_modes``, ``high_quality`` (fraction within 3σ of a mode) and ``mode_balance_kl`` (nats), as written by
``benchmarks/stability.py`` into ``benchmarks/results/stability.json``. A cell *passes the bar* on a seed
when that run covers every mode under the ≥ 1 % rule with at least ``min_high_quality`` (80 %) of its samples
high quality: the ring bar of ``benchmarks/continuous.py``. A loss whose training is *stable* in the
paper's sense keeps passing as the learning rate and the number of critic steps change, so it shows a wide
region of passing cells (ours: the paper claims stability, it does not define this measure).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from .._checks import in_interval

__all__ = ["CELL_KEYS", "RESULTS_PATH", "load_stability", "passes_bar", "stability_cells", "heat_table"]

CELL_KEYS = ("loss", "generator", "lr", "critic_steps")
RESULTS_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "stability.json"
_NEEDED = CELL_KEYS + ("seed", "modes_covered", "modes_covered_one_sample", "n_modes", "high_quality",
                       "mode_balance_kl")


def load_stability(path=None) -> dict:
    """The stability grid's JSON (``{"meta": ..., "runs": [...]}``); default: the committed results file."""
    path = Path(RESULTS_PATH if path is None else path)
    if not path.exists():
        raise FileNotFoundError(f"no stability results at {path}; run `python benchmarks/stability.py` to make them")
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise ValueError(f"{path} must hold a dict with a list 'runs'; got {type(data).__name__}")
    return data


def passes_bar(run: dict, min_high_quality: float = 0.8) -> bool:
    """Every mode covered (≥ 1 % rule) and at least ``min_high_quality`` of the samples high quality."""
    return run["modes_covered"] == run["n_modes"] and run["high_quality"] >= min_high_quality


def _mean(values) -> float:
    finite = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    return sum(finite) / len(finite) if finite else math.nan


def stability_cells(runs: list[dict], min_high_quality: float = 0.8) -> list[dict]:
    r"""One dict per cell, in the order the cells first appear: the cell's keys plus the seed means.

    ``mean_modes`` (≥ 1 % rule), ``mean_modes_one_sample``, ``mean_high_quality``, ``mean_balance_kl``
    (seeds with no high-quality sample left out), ``min_modes``, ``n_modes``, ``seeds`` (runs in the cell),
    ``passed`` (runs that pass the bar) and ``stopped`` (runs that ended on a NaN).
    """
    min_high_quality = in_interval(min_high_quality, "min_high_quality", 0.0, 1.0, "[]")
    if not isinstance(runs, (list, tuple)) or not runs:
        raise ValueError(f"runs must be a non-empty list of run dicts; got {type(runs).__name__}")
    cells: dict[tuple, list[dict]] = {}
    for i, run in enumerate(runs):
        missing = [k for k in _NEEDED if k not in run]
        if missing:
            raise ValueError(f"run {i} lacks the keys {missing}; a run needs {list(_NEEDED)}")
        cells.setdefault(tuple(run[k] for k in CELL_KEYS), []).append(run)
    out = []
    for key, mine in cells.items():
        out.append({**dict(zip(CELL_KEYS, key)), "seeds": len(mine), "n_modes": mine[0]["n_modes"],
                    "mean_modes": _mean(r["modes_covered"] for r in mine),
                    "min_modes": min(r["modes_covered"] for r in mine),
                    "mean_modes_one_sample": _mean(r["modes_covered_one_sample"] for r in mine),
                    "mean_high_quality": _mean(r["high_quality"] for r in mine),
                    "mean_balance_kl": _mean(r["mode_balance_kl"] for r in mine),
                    "passed": sum(passes_bar(r, min_high_quality) for r in mine),
                    "stopped": sum(r.get("stopped") is not None for r in mine)})
    return out


def _lr(x: float) -> str:
    """1e-4 rather than 0.0001 (a learning rate as the text writes it)."""
    return f"{x:.0e}".replace("e-0", "e-").replace("e+0", "e")


def _axis(cells: list[dict], keys: tuple) -> list[tuple]:
    return list(dict.fromkeys(tuple(c[k] for k in keys) for c in cells))


def heat_table(cells: list[dict], rule: str = "fraction") -> str:
    """A markdown table: rows loss × generator, columns lr × critic steps; cell "modes · HQ % · bar s/n".

    ``rule="fraction"`` shows mean modes under the ≥ 1 % rule, ``"one_sample"`` under the ≥ 1-sample rule.
    """
    if rule not in ("fraction", "one_sample"):
        raise ValueError(f"rule must be 'fraction' or 'one_sample'; got {rule!r}")
    modes_key = "mean_modes" if rule == "fraction" else "mean_modes_one_sample"
    rows, cols = _axis(cells, ("loss", "generator")), _axis(cells, ("lr", "critic_steps"))
    by_key = {(c["loss"], c["generator"], c["lr"], c["critic_steps"]): c for c in cells}
    head = "| loss | generator | " + " | ".join(f"lr {_lr(lr)}, {k} critic step{'s' * (k != 1)}" for lr, k in cols) + " |"
    lines = [head, "|---|---|" + "---|" * len(cols)]
    for loss, gen in rows:
        texts = []
        for lr, k in cols:
            c = by_key.get((loss, gen, lr, k))
            texts.append("—" if c is None else f"{c[modes_key]:.1f} · {100 * c['mean_high_quality']:.0f} % · "
                                                f"{c['passed']}/{c['seeds']}")
        lines.append(f"| {loss} | {gen} | " + " | ".join(texts) + " |")
    return "\n".join(lines)
