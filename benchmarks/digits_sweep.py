"""Digits sweep: which setup reaches the digits bar in the fewest steps (the settings notebook 04 trains).

Bar: every digit class holds >= 5 % of the samples under the held-out classifier and the mean confidence is
>= 0.8 (``bgan_teach.metrics.digits``). Each candidate is ``train_digits`` with a named setup and overrides;
scores are taken every ``--every`` steps on 1000 samples (fixed seed).

    python benchmarks/digits_sweep.py                          # every candidate, seed 0, 3000 steps
    python benchmarks/digits_sweep.py --only small_cured_c3 --seeds 1 2
    python benchmarks/digits_sweep.py --quick                  # two candidates, 300 steps: a smoke run

Results are merged into ``benchmarks/results/digits_sweep.json`` (key: candidate/K/seed/steps), so runs made
one at a time on a shared machine add up. "cpu" is this process's CPU time for the run, scoring included
(1 thread): on a shared machine it estimates an idle machine's wall time better than wall time does.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from bgan_teach.training.digits_recipe import score_curves, train_digits

RESULTS = Path(__file__).resolve().parent / "results" / "digits_sweep.json"
SMALL = dict(hidden=128, noise_dim=16, batch_size=64, betas=(0.5, 0.999))     # the trainer's default MLP sizes
CANDIDATES: dict[str, dict] = {
    # name: train_digits keywords (setup + overrides)
    "recipe_plain": dict(setup="plain"),
    "recipe_cured": dict(setup="cured"),
    "small_plain": dict(setup="plain", **SMALL),
    "small_plain_d3": dict(setup="plain", critic_lr=3e-3, **SMALL),        # critic 30× the generator
    "small_cured_c1": dict(setup="cured", **SMALL),                        # G and critic both 1e-3
    "small_cured_c3": dict(setup="cured", critic_lr=3e-3, **SMALL),        # critic 3× the generator
    "small_cured_c3_m10": dict(setup="cured", critic_lr=3e-3, samples_per_z=10, **SMALL),
    "small_cured_c3_p03": dict(setup="cured", critic_lr=3e-3, penalty=0.3, **SMALL),
}
QUICK = ("small_plain", "small_cured_c3")


def first_bar_step(curves: dict) -> int | None:
    """The first scored step with all 10 classes >= 5 % and confidence >= 0.8 (None if never)."""
    ok = (curves["classes_covered"] == 10) & (curves["confidence"] >= 0.8)
    return int(curves["step"][np.argmax(ok)]) if ok.any() else None


def run(name: str, k: int, seed: int, steps: int, every: int) -> dict:
    """Train one candidate and return its scores per snapshot, bar step and cost."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = train_digits(k, steps=steps, seed=seed, snapshot_every=every, progress=False, **CANDIDATES[name])
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    curves = score_curves(result)
    ess = np.asarray(result.history["ess"], dtype=float)
    return {"candidate": name, "k": k, "seed": seed, "steps": steps, "every": every,
            "settings": {key: list(v) if isinstance(v, tuple) else v for key, v in CANDIDATES[name].items()},
            "bar_step": first_bar_step(curves), "cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
            "train_cpu_ms_per_step": round(1000 * cpu / steps, 2),
            "ess_last_10pct": round(float(ess[-max(1, steps // 10):].mean()), 2),
            "curves": {key: [round(float(x), 4) for x in v] for key, v in curves.items()}}


def line(r: dict) -> str:
    """One printed line per run."""
    c = r["curves"]
    bar = f"step {r['bar_step']}" if r["bar_step"] is not None else "not reached"
    return (f"{r['candidate']:<20} K={r['k']} seed {r['seed']}: bar {bar:<12} final classes {int(c['classes_covered'][-1]):2d}, "
            f"min class {c['min_class_fraction'][-1]:.3f}, confidence {c['confidence'][-1]:.3f}; "
            f"ESS last 10 % {r['ess_last_10pct']:.1f}; {r['cpu_s']:.0f} s cpu ({r['wall_s']:.0f} s wall)")


def merge(rows: list[dict], path: Path = RESULTS) -> None:
    """Add ``rows`` to the JSON file, replacing earlier runs of the same candidate/K/seed/steps."""
    old = json.loads(path.read_text())["runs"] if path.exists() else []
    key = lambda r: (r["candidate"], r["k"], r["seed"], r["steps"], r["every"])     # noqa: E731
    new = {key(r): r for r in old + rows}
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"machine": f"{os.cpu_count()} cores, 1 torch thread, torch {torch.__version__}",
            "bar": "all 10 classes >= 5 % and mean confidence >= 0.8 (1000 samples, held-out classifier)"}
    path.write_text(json.dumps({"meta": meta, "runs": sorted(new.values(), key=key)}, indent=1) + "\n")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=sorted(CANDIDATES), default=None)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--every", type=int, default=250)
    ap.add_argument("--k", type=int, default=2, help="categories per pixel (2 = binarised)")
    ap.add_argument("--quick", action="store_true", help="two candidates, 300 steps, not saved")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    names = list(QUICK) if args.quick else (args.only or list(CANDIDATES))
    steps, every = (300, 150) if args.quick else (args.steps, args.every)
    rows = []
    for name in names:
        for seed in args.seeds:
            rows.append(run(name, args.k, seed, steps, every))
            print(line(rows[-1]), flush=True)
    if not args.quick:
        merge(rows)
        print(f"saved to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
