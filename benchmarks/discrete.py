"""Discrete BGAN benchmark: trainer speed on binarised digits, time to the ring-grid JS bars.

    python benchmarks/discrete.py            # digits steps/s; 3 seeds on the 32x32 ring, 90 s each
    python benchmarks/discrete.py --quick    # 1 seed, 20 s: a smoke run
    python benchmarks/discrete.py --threads 2

Bars: GAN divergence, estimator "bgan", M = 20, trainer defaults: exact JS <= 0.05 within
30 s of training and <= 0.03 within 60 s, for 3 of 3 seeds. "seconds" is the trainer's wall-clock
training time (exact-metric evaluation excluded); on a shared machine it inflates, so the process CPU
time per step (1 thread) is printed too, and steps × cpu/step estimates the seconds an idle machine
would need (the cpu figure includes the exact-metric evaluations, so it overestimates slightly).
"""
from __future__ import annotations

import argparse
import os
import time

import torch

from bgan_teach.data import digits_binarized, ring_grid
from bgan_teach.metrics import first_below
from bgan_teach.training import train_discrete


def digits_speed(steps: int) -> None:
    data = digits_binarized()
    cpu = time.process_time()
    result = train_discrete(data, 2, steps=steps, batch_size=64, samples_per_z=20, progress=False)
    cpu = time.process_time() - cpu
    print(f"digits K=2 steps/s (B=64, M=20, default MLPs): {steps / result.seconds:.1f}")
    print(f"digits K=2 cpu ms/step: {1000 * cpu / steps:.1f}")


def ring_seed(seed: int, limit: float) -> dict:
    grid = ring_grid(32)
    data = grid.sample(50_000, torch.Generator().manual_seed(1000 + seed))
    cpu = time.process_time()
    result = train_discrete(data, 32, steps=10**6, seed=seed, target=grid.probs(), time_limit=limit,
                            metric_every=50, progress=False)
    cpu_per_step = (time.process_time() - cpu) / len(result.history)
    out = {t: first_below(result.history, t) for t in (0.05, 0.03)}
    js_at = {s: _js_at(result.history, s) for s in (30, 60)}
    for t, hit in out.items():
        hit["cpu_seconds"] = None if hit["step"] is None else hit["step"] * cpu_per_step
    print(f"ring seed {seed}: JS<=0.05 at {_fmt(out[0.05])}; JS<=0.03 at {_fmt(out[0.03])}; "
          f"JS at 30 s {js_at[30]:.4f}, at 60 s {js_at[60]:.4f}; final JS {result.history['js'][-1]:.4f} "
          f"after {len(result.history)} steps ({len(result.history) / result.seconds:.0f} steps/s wall, "
          f"{1000 * cpu_per_step:.1f} ms cpu/step incl. metrics)", flush=True)
    return out


def _js_at(history, seconds: float) -> float:
    rows = [r for r in history.rows if "js" in r and r["seconds"] <= seconds]
    return rows[-1]["js"] if rows else float("nan")


def _fmt(hit: dict) -> str:
    if hit["step"] is None:
        return "never"
    return f"step {hit['step']} ({hit['seconds']:.1f} s wall, ~{hit['cpu_seconds']:.1f} s cpu)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one seed, 20 s, 100 digits steps")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = ap.parse_args()
    quick = args.quick or os.environ.get("BGAN_BENCH_QUICK") == "1"
    torch.set_num_threads(args.threads)
    print(f"machine: {os.cpu_count()} cores, torch threads {torch.get_num_threads()}")
    digits_speed(100 if quick else 500)
    hits = [ring_seed(s, 20.0 if quick else 90.0) for s in (args.seeds[:1] if quick else args.seeds)]
    for t, bar in ((0.05, 30.0), (0.03, 60.0)):
        ok = sum(h[t]["seconds"] is not None and h[t]["seconds"] <= bar for h in hits)
        ok_cpu = sum(h[t]["cpu_seconds"] is not None and h[t]["cpu_seconds"] <= bar for h in hits)
        print(f"ring 32x32 JS<={t} within {bar:.0f} s: {ok}/{len(hits)} seeds (wall), {ok_cpu}/{len(hits)} (cpu time)")


if __name__ == "__main__":
    main()
