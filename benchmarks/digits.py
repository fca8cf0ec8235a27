"""Digits benchmark: time to the quality bar and final scores of the digits recipe.

Bar: every digit class holds >= 5 % of the samples under the held-out classifier and the mean
confidence is >= 0.8 (real binarised digits score ~0.90), within <= 5 minutes of training on a 2-core CPU.

    python benchmarks/digits.py                    # 3 seeds, recipe defaults, 1 thread
    python benchmarks/digits.py --seeds 0 --steps 2000 --setup plain --threads 2
    python benchmarks/digits.py --quick            # one seed, 400 steps: a smoke run

"seconds" is the trainer's own wall-clock training time (scoring excluded); "cpu" is this process's
CPU time for the whole run (scoring included). On a shared machine wall time inflates; CPU time
(1 thread) is the better estimate of an idle machine's wall time.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from bgan_teach.training.digits_recipe import DEFAULT_STEPS, score_curves, train_digits


def time_to_bar(result) -> tuple[int | None, float | None]:
    """First snapshot step meeting the bar and the training seconds at that step (None if never)."""
    curves = score_curves(result)
    ok = (curves["classes_covered"] == 10) & (curves["confidence"] >= 0.8)
    if not ok.any():
        return None, None
    step = int(curves["step"][np.argmax(ok)])
    return step, (0.0 if step == 0 else float(result.history["seconds"][step - 1]))


def run(seed: int, args) -> dict:
    cpu0 = time.process_time()
    result = train_digits(args.k, setup=args.setup, steps=args.steps, seed=seed,
                          snapshot_every=args.every, progress=False)
    cpu = time.process_time() - cpu0
    curves = score_curves(result)
    step, seconds = time_to_bar(result)
    bar = f"step {step} ({seconds:.0f} s)" if step is not None else "not reached"
    print(f"seed {seed}: bar at {bar}; final classes >= 5 %: {curves['classes_covered'][-1]}, "
          f"min class {curves['min_class_fraction'][-1]:.3f}, confidence {curves['confidence'][-1]:.3f}, "
          f"pixel error {curves['pixel_error'][-1]:.3f}; {len(result.history) / result.seconds:.1f} steps/s "
          f"(train {result.seconds:.0f} s wall, {cpu:.0f} s cpu), ESS last 10 % "
          f"{np.mean(result.history['ess'][-max(1, args.steps // 10):]):.1f}", flush=True)
    return dict(step=step, seconds=seconds, curves=curves, steps_per_s=len(result.history) / result.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    parser.add_argument("--every", type=int, default=250, help="snapshot (scoring) interval in steps")
    parser.add_argument("--setup", default="cured")
    parser.add_argument("--k", type=int, default=2, help="categories per pixel (2 = binarised)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="one seed, 400 steps (a smoke run, not the bar)")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.steps, args.every = [0], 400, 200
    torch.set_num_threads(args.threads)
    print(f"digits benchmark: setup={args.setup}, K={args.k}, steps={args.steps}, threads={args.threads}, "
          f"torch {torch.__version__}")
    results = [run(seed, args) for seed in args.seeds]
    reached = sum(r["step"] is not None for r in results)
    print(f"digits bar reached: {reached} of {len(results)} seeds")
    print(f"digits steps/s: {np.mean([r['steps_per_s'] for r in results]):.1f} (threads={args.threads})")


if __name__ == "__main__":
    main()
