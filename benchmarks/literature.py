"""Mode coverage on the published 2-D toys: BGAN and the non-saturating GAN beside VEEGAN / PacGAN / GDPP.

    .venv/bin/python benchmarks/literature.py            # 5 seeds x 3000 steps per loss and toy (~4 min, 1 thread)
    .venv/bin/python benchmarks/literature.py --quick    # 2 seeds x 300 steps: a smoke run (~30 s), not a result
    .venv/bin/python benchmarks/literature.py --seeds 10 --steps 6000

Toys (bgan_teach.data.toys2d.literature_ring / literature_grid): 8 Gaussians on the unit circle, σ = 0.01; 25
Gaussians on {-4, -2, 0, 2, 4}², σ = 0.05. Each run trains with ``train_continuous(target, generator_loss=...,
steps=..., seed=..., progress=False)`` (every other setting is the trainer's default) and judges 2500 samples
``result.generator.sample(2500, seed)``. A sample is high quality within 3σ of its nearest mode; a mode is
covered under the published rule when it is the nearest mode of at least one high-quality sample, under this
project's stricter rule when at least 1 % of all samples are high quality and nearest to it. Balance is
KL(histogram of nearest modes of the high-quality samples || mode weights), in nats (0 = perfectly even;
log 8 = 2.08 and log 25 = 3.22 when everything sits in one mode). Rows are mean ± standard error over seeds.

Published rows are copied from the papers' tables (PacGAN Table 1: 10 trials, mean ± s.e.; VEEGAN Table 1;
GDPP): other networks, other training budgets, other code. They say what a careful setup reaches on the same
toys under the same judging rule; they are not a like-for-like comparison with the rows above.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time

import torch

from bgan_teach.data.toys2d import literature_grid, literature_ring
from bgan_teach.metrics.modes import high_quality_fraction, mode_balance_kl, modes_covered
from bgan_teach.training import train_continuous

LOSSES = {"boundary_seeking": "BGAN (boundary_seeking)", "non_saturating": "GAN (non_saturating)"}
N_JUDGED = 2500

# (method, source, modes, modes s.e. or None, high-quality %) per toy, as published.
PACGAN = "PacGAN Table 1, 10 trials"
PUBLISHED = {
    "ring": [("GAN", PACGAN, 6.3, 0.5, 98.2), ("PacGAN4", PACGAN, 7.8, 0.1, 95.9),
             ("GAN", "VEEGAN Table 1", 1, None, 99.3), ("VEEGAN", "VEEGAN Table 1", 8, None, 52.9),
             ("WGAN-GP", "GDPP", 6.8, None, 59.6), ("GDPP", "GDPP", 8.0, None, 71.7)],
    "grid": [("GAN", PACGAN, 17.3, 0.8, 94.8), ("PacGAN4", PACGAN, 24.8, 0.2, 93.6),
             ("GAN", "VEEGAN Table 1", 3.3, None, 0.5), ("VEEGAN", "VEEGAN Table 1", 24.6, None, 40.0),
             ("WGAN-GP", "GDPP", 24.2, None, 28.7), ("GDPP", "GDPP", 24.8, None, 68.5)],
}
SOURCES = ("PacGAN: Lin et al. 2018, https://arxiv.org/abs/1712.04086; VEEGAN: Srivastava et al. 2017, "
           "https://arxiv.org/abs/1705.07761; GDPP: Elfeki et al. 2019, https://arxiv.org/abs/1812.00068")


def judge(target, samples) -> dict:
    """The four numbers of one run on 2500 samples."""
    return {"modes_one_sample": modes_covered(samples, target, rule="one_sample"),
            "modes_one_percent": modes_covered(samples, target),
            "high_quality": 100 * high_quality_fraction(samples, target),
            "balance_kl": mode_balance_kl(samples, target)}


def run(target, loss: str, seed: int, steps: int) -> dict:
    result = train_continuous(target, generator_loss=loss, steps=steps, seed=seed, progress=False)
    with torch.no_grad():
        samples = result.generator.sample(N_JUDGED, seed)
    return {**judge(target, samples), "seconds": result.seconds, "stopped": result.stopped, "config": result.config}


def mean_se(values) -> str:
    """'mean ± s.e.' (s.e. = sample standard deviation / sqrt(n)); nan values are left out and counted."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return "n/a"
    se = statistics.stdev(finite) / math.sqrt(len(finite)) if len(finite) > 1 else float("nan")
    text = f"{statistics.fmean(finite):.2f} ± {se:.2f}"
    return text if len(finite) == len(values) else f"{text} ({len(values) - len(finite)} runs without any)"


def print_toy(key: str, target, seeds, steps: int) -> dict:
    n_modes = len(target.modes)
    print(f"\n{target.name}: {n_modes} modes, {len(seeds)} seeds x {steps} steps, {N_JUDGED} samples judged")
    for loss, label in LOSSES.items():
        rows = [run(target, loss, seed, steps) for seed in seeds]
        stopped = sum(r["stopped"] is not None for r in rows)
        col = {name: mean_se([r[name] for r in rows]) for name in rows[0] if name not in ("stopped", "config")}
        print(f"  {key}, ours {label}: modes (>= 1 high-quality sample) {col['modes_one_sample']} / {n_modes}"
              f" | modes (>= 1 % of samples) {col['modes_one_percent']}"
              f" | high quality {col['high_quality']} % | balance KL {col['balance_kl']} nats"
              f" | {statistics.fmean(r['seconds'] for r in rows):.1f} s per run"
              + (f" | {stopped} runs stopped early" if stopped else ""))
    config = rows[0]["config"]
    for method, source, modes, se, hq in PUBLISHED[key]:
        spread = f" ± {se}" if se is not None else ""
        print(f"  {key}, published {method} ({source}): modes (>= 1 high-quality sample) {modes}{spread} / {n_modes}"
              f" | high quality {hq} %")
    return config


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 seeds x 300 steps (a smoke run, not a result)")
    parser.add_argument("--seeds", type=int, default=None, help="seeds 0..N-1 (default 5; 2 with --quick)")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default 3000; 300 with --quick)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    seeds = range(args.seeds or (2 if args.quick else 5))
    steps = args.steps or (300 if args.quick else 3000)
    print(__doc__.split("\n\n")[0].strip())
    print(f"machine: {os.cpu_count()} cores, torch {torch.__version__} on {torch.get_num_threads()} thread, "
          f"python {platform.python_version()} {platform.machine()}, CPU")
    print(f"setup: seeds {list(seeds)}, {steps} steps, trainer defaults otherwise"
          + (" (QUICK: smoke run only)" if args.quick else ""))
    start = time.perf_counter()
    print_toy("ring", literature_ring(), seeds, steps)
    config = print_toy("grid", literature_grid(), seeds, steps)
    shown = {k: v for k, v in config.items() if k not in ("generator_loss", "seed", "steps", "snapshot_every")}
    print(f"\ntrainer settings (defaults, both losses): {shown}")
    print("note: published numbers come from other networks, budgets and code (e.g. a plain Gaussian-noise generator;"
          " ours has a component code in its noise and a data-based start); not a like-for-like comparison.")
    print(f"sources: {SOURCES}")
    print(f"literature benchmark wall time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
