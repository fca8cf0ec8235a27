"""Stability grid on the ring: generator lr x critic steps, three generator losses, two generators, three seeds.

    .venv/bin/python benchmarks/stability.py            # the full grid: 108 runs of 2000 steps (~35 min, 1 thread)
    .venv/bin/python benchmarks/stability.py --quick    # 1 seed x 40 steps per cell: a smoke run (~30 s), not a result
    .venv/bin/python benchmarks/stability.py --table    # print the heat tables of the committed JSON, train nothing

The paper's continuous claim is stability of training. Here it is tested as sensitivity to two settings: the
generator's learning rate in {1e-4, 1e-3, 1e-2} and the number of critic steps per generator step in {1, 5},
for the generator losses boundary_seeking (BGAN), non_saturating and minimax, with the paper's Gaussian-only
generator (``components=0``) and with this project's component generator (the trainer's default, C = 128),
seeds 0, 1, 2: 3 x 2 x 3 x 2 x 3 = 108 runs. Each run is
``train_continuous(ring(), generator_loss=..., lr=..., critic_steps=..., components=..., steps=..., seed=...,
progress=False)`` with every other setting at the trainer's default (critic lr 1e-3, batch 256), then 2500
samples ``result.generator.sample(2500, seed)`` judged by ``bgan_teach.metrics.modes.mode_report``: modes
covered under both rules (>= 1 % of samples; >= 1 high-quality sample), the high-quality fraction (within 3σ
of a mode) and the balance KL. A cell passes the ring bar on a seed when that run covers 8/8 modes
(>= 1 % rule) with >= 80 % high-quality samples.

The runs are written to ``benchmarks/results/stability.json`` (``--out``) after every run, so an interrupted
grid resumes where it stopped (``--resume``). The notebook 05 heat table reads that file.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch

from bgan_teach.data import ring
from bgan_teach.metrics.modes import mode_report
from bgan_teach.metrics.stability import heat_table, load_stability, stability_cells
from bgan_teach.training import train_continuous
from bgan_teach.training.continuous import DEFAULTS

LOSSES = ("boundary_seeking", "non_saturating", "minimax")
GENERATORS = {"gaussian only": 0, "components": DEFAULTS["components"]}      # name -> components=
LRS = (1e-4, 1e-3, 1e-2)
CRITIC_STEPS = (1, 5)
SEEDS = (0, 1, 2)
STEPS = 2000
N_JUDGED = 2500
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "results" / "stability.json"
QUICK_OUT = REPO / "build" / "bench" / "stability_quick.json"


def grid(seeds) -> list[dict]:
    """Every cell and seed of the grid, in the order they run (one seed of every cell before the next seed)."""
    return [{"loss": loss, "generator": gen, "components": comp, "lr": lr, "critic_steps": k, "seed": seed}
            for seed in seeds for loss in LOSSES for gen, comp in GENERATORS.items()
            for lr in LRS for k in CRITIC_STEPS]


def run(cell: dict, steps: int) -> dict:
    """Train one cell of the grid from one seed and judge 2500 fresh samples."""
    target = ring()
    result = train_continuous(target, generator_loss=cell["loss"], lr=cell["lr"], critic_steps=cell["critic_steps"],
                              components=cell["components"], steps=steps, seed=cell["seed"], progress=False,
                              snapshot_every=steps)
    with torch.no_grad():
        samples = result.generator.sample(N_JUDGED, cell["seed"])                 # (2500, 2)
    finite = bool(torch.isfinite(samples).all())
    report = mode_report(samples, target, seed=cell["seed"]) if finite else {
        "modes_covered": 0, "modes_covered_one_sample": 0, "n_modes": len(target.modes), "high_quality": 0.0,
        "mode_balance_kl": float("nan"), "mean_log_density": float("nan"), "mmd2": float("nan")}
    return {**cell, **report, "steps": steps, "seconds": round(result.seconds, 2),
            "stopped": result.stopped, "finite_samples": finite}


def meta(steps: int, seeds, quick: bool) -> dict:
    return {"date": datetime.date.today().isoformat(), "quick": quick, "steps": steps, "seeds": list(seeds),
            "n_judged": N_JUDGED, "target": "ring() of 8: radius 2, sigma 0.05",
            "losses": list(LOSSES), "generators": GENERATORS, "lrs": list(LRS), "critic_steps": list(CRITIC_STEPS),
            "other_settings": {k: v for k, v in DEFAULTS.items() if k not in ("lr", "critic_steps", "components")},
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, python {platform.python_version()}, "
                       f"torch {torch.__version__}, 1 thread, CPU",
            "command": "python benchmarks/stability.py" + (" --quick" if quick else "")}


def print_tables(data: dict) -> None:
    cells = stability_cells(data["runs"])
    m = data["meta"]
    print(f"stability grid: {len(data['runs'])} runs, {m['steps']} steps, seeds {m['seeds']}, {m['date']}, {m['machine']}")
    print("cell: mean modes covered (>= 1 % rule) · mean high-quality % · seeds passing the ring bar (8/8, >= 80 %)")
    print(heat_table(cells))
    print("\ncell: mean modes covered (>= 1 high-quality sample, VEEGAN/PacGAN/GDPP) · high-quality % · bar")
    print(heat_table(cells, rule="one_sample"))
    for loss in LOSSES:
        for gen in GENERATORS:
            mine = [c for c in cells if c["loss"] == loss and c["generator"] == gen]
            print(f"{loss}, {gen}: cells passing the bar on every seed: "
                  f"{sum(c['passed'] == c['seeds'] for c in mine)}/{len(mine)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1 seed x 40 steps per cell (smoke run, not a result)")
    parser.add_argument("--steps", type=int, default=None, help=f"training steps per run (default {STEPS})")
    parser.add_argument("--out", type=Path, default=None, help=f"JSON file (default {OUT.relative_to(REPO)})")
    parser.add_argument("--resume", action="store_true", help="keep the runs already in --out, run the rest")
    parser.add_argument("--table", action="store_true", help="print the tables of --out and stop")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    out = args.out or (QUICK_OUT if args.quick else OUT)
    if args.table:
        print_tables(load_stability(out))
        return 0
    steps, seeds = args.steps or (40 if args.quick else STEPS), SEEDS[:1] if args.quick else SEEDS
    data = {"meta": meta(steps, seeds, args.quick), "runs": []}
    if args.resume and out.exists():
        data["runs"] = load_stability(out)["runs"]
    done = {tuple(r[k] for k in ("loss", "generator", "lr", "critic_steps", "seed")) for r in data["runs"]}
    out.parent.mkdir(parents=True, exist_ok=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    todo = [c for c in grid(seeds) if (c["loss"], c["generator"], c["lr"], c["critic_steps"], c["seed"]) not in done]
    for i, cell in enumerate(todo):
        row = run(cell, steps)
        data["runs"].append(row)
        out.write_text(json.dumps(data, indent=1) + "\n")
        print(f"[{i + 1}/{len(todo)}] {cell['loss']}, {cell['generator']}, lr {cell['lr']:g}, "
              f"{cell['critic_steps']} critic steps, seed {cell['seed']}: modes {row['modes_covered']}/"
              f"{row['n_modes']} (one-sample rule {row['modes_covered_one_sample']}), high quality "
              f"{100 * row['high_quality']:.0f} %, {row['seconds']:.1f} s", file=sys.stderr, flush=True)
    data["meta"]["wall_s"] = round(time.perf_counter() - start, 1)
    data["meta"]["cpu_s"] = round(time.process_time() - cpu_start, 1)
    out.write_text(json.dumps(data, indent=1) + "\n")
    print_tables(data)
    print(f"stability grid wall time: {data['meta']['wall_s']:.0f} s, CPU time {data['meta']['cpu_s']:.0f} s "
          f"({len(todo)} runs trained)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
