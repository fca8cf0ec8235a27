"""Continuous BGAN benchmarks: time to the ring bar, lab redraw time, stability study.

    python benchmarks/continuous.py                 # ring bar (3 seeds) + history-slider redraw
    python benchmarks/continuous.py --study         # + BGAN vs non-saturating vs minimax, 5 seeds, ring and grid
    python benchmarks/continuous.py --only redraw   # just the redraw timing

Ring bar: ring of 8 (radius 2, σ = 0.05), the trainer's defaults, generator_loss="boundary_seeking":
8/8 modes with ≥ 80 % high-quality samples (within 3σ of a mode), within 30 s of training. Training goes on
to ``--max-steps`` to show that the bar, once met, still holds at every later check.
Single-threaded (torch.set_num_threads(1)); wall-clock numbers depend on what else runs on the machine,
so CPU seconds of this process are printed too.
"""
from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import torch  # noqa: E402

from bgan_teach.data import gaussian_grid, ring  # noqa: E402
from bgan_teach.metrics import high_quality_fraction, modes_covered  # noqa: E402
from bgan_teach.training import compare_losses, summarize  # noqa: E402
from bgan_teach.training import ContinuousGAN  # noqa: E402

BUDGET_S = 30.0


def time_to_ring_bar(seed: int, max_steps: int, check_every: int = 500) -> dict:
    """Train with the defaults for ``max_steps``; every ``check_every`` steps test the bar on 2000 fixed-noise
    samples. Reports when the bar was first met and whether it still holds at every later check."""
    target = ring()
    gan = ContinuousGAN(target, "gan", "boundary_seeking", seed=seed, n_show=2000)
    wall = cpu = 0.0
    first, held, stopped = None, True, None
    while gan.steps < max_steps and not stopped:
        w0, c0 = time.perf_counter(), time.process_time()
        stopped = gan.train(check_every)
        wall, cpu = wall + time.perf_counter() - w0, cpu + time.process_time() - c0
        x = gan.sample()
        modes, hq = modes_covered(x, target), high_quality_fraction(x, target)
        ok = modes == 8 and hq >= 0.8
        if ok and first is None:
            first = {"steps": gan.steps, "wall_s": wall, "cpu_s": cpu, "modes": modes, "high_quality": hq}
        held = held and (ok or first is None)
    return {"seed": seed, "first": first, "held": held and first is not None, "steps": gan.steps, "modes": modes,
            "high_quality": hq, "wall_s": wall, "cpu_s": cpu, "stopped": stopped}


def redraw_times(n: int = 60) -> list[float]:
    """Seconds from a history-slider ``.value`` change to a finished Agg draw, on the 2-D lab."""
    from bgan_teach.widgets.lab import boundary_lab

    lab = boundary_lab(seed=0)
    for _ in range(15):
        lab.controls["play"].value += 1                   # 15 chunks of training → 16 snapshots
    hist, rng, times, cpu = lab.controls["history"], np.random.default_rng(0), [], []
    draws = []
    lab.fig.canvas.mpl_connect("draw_event", lambda event: draws.append(1))
    lab.fig.canvas.draw()
    for _ in range(n):
        target = int(rng.integers(0, hist.max + 1))
        if target == hist.value:
            target = (target + 1) % (hist.max + 1)
        before = len(draws)
        t0, c0 = time.perf_counter(), time.process_time()
        hist.value = target                  # update artists + draw_idle (on Agg, draw_idle draws at once)
        if len(draws) == before:             # a backend that defers draw_idle: draw explicitly
            lab.fig.canvas.draw()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return times, cpu


def study(seeds, steps: int) -> None:
    for name, target in (("ring σ=0.05", ring()), ("5×5 grid σ=0.1", gaussian_grid())):
        rows = compare_losses(target, seeds=seeds, steps=steps, progress=False)
        print(f"\n{name}, {steps} steps, seeds {list(seeds)}")
        for row in rows:
            print(f"  {row['loss']:<18s} seed {row['seed']}: modes {row['modes_covered']}/{row['n_modes']}, "
                  f"high quality {100 * row['high_quality']:.0f}%, {row['seconds']:.1f} s")
        for loss, s in summarize(rows).items():
            print(f"  {loss:<18s} mean modes {s['mean_modes']:.1f} (min {s['min_modes']}), all modes in "
                  f"{s['all_modes']}/{s['runs']}, mean high quality {100 * s['mean_high_quality']:.0f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["bar", "redraw"], default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--max-steps", type=int, default=5000)
    parser.add_argument("--study", action="store_true")
    parser.add_argument("--study-seeds", type=int, default=5)
    parser.add_argument("--study-steps", type=int, default=3000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.only in (None, "bar"):
        print(f"ring bar: 8/8 modes and >= 80% high quality within {BUDGET_S:.0f} s (defaults, boundary_seeking)")
        for seed in range(args.seeds):
            r = time_to_ring_bar(seed, args.max_steps)
            f = r["first"]
            verdict = "PASS" if f and f["wall_s"] <= BUDGET_S else "fail"
            reached = (f"first met after {f['steps']} steps, {f['wall_s']:.1f} s wall ({f['cpu_s']:.1f} s CPU): "
                       f"modes {f['modes']}/8, high quality {100 * f['high_quality']:.0f}%") if f else "never met"
            print(f"  seed {seed}: {verdict}, {reached}; at step {r['steps']} ({r['wall_s']:.1f} s): modes "
                  f"{r['modes']}/8, high quality {100 * r['high_quality']:.0f}%, "
                  f"{'held at every later check' if r['held'] else 'NOT held at every later check'}")
    if args.only in (None, "redraw"):
        times, cpu = redraw_times()
        print(f"history-slider redraw (value change -> artists updated and canvas drawn, Agg): median "
              f"{1000 * statistics.median(times):.1f} ms wall ({1000 * statistics.median(cpu):.1f} ms CPU), "
              f"90th percentile {1000 * np.quantile(times, 0.9):.1f} ms (part of the in-browser key press -> pixels "
              f"latency, whose bar is 250 ms)")
    if args.study:
        study(range(args.study_seeds), args.study_steps)


if __name__ == "__main__":
    main()
