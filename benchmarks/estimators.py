"""Exact estimator study: bias, variance, cosine and SNR of each discrete generator-gradient estimator.

    python benchmarks/estimators.py              # M = 1, 2, 5, 20, 100; 400 draws per (estimator, M)
    python benchmarks/estimators.py --quick      # M = 1, 5, 20; 100 draws
    python benchmarks/estimators.py --noise 0.5  # a noisy critic: log w = log p/q + 0.5·N(0, 1)

A fixed critic on a 64-outcome problem, so every true gradient is exact (bgan_teach.training.estimator_study).
"bias" is against the maximum-likelihood gradient ∇KL(P‖Q_θ); "bias_own" against the estimator's own target
(its M → ∞ limit; for Gumbel-ST the gradient of the non-saturating objective); "floor" = sqrt(tr Cov / draws),
what bias reads for an unbiased estimator. One draw = one minibatch of B noise codes × M samples each.
"""
from __future__ import annotations

import argparse
import os
import time

import torch

from bgan_teach.training.estimator_study import (enumerable_problem, estimator_study, exact_gradients, format_table,
                                                 optimal_critic)


def parse(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="M = 1, 5, 20 and 100 draws")
    ap.add_argument("--repeats", type=int, default=None, help="draws per (estimator, M); default 400 (quick: 100)")
    ap.add_argument("--batch", type=int, default=8, help="noise codes z per draw (B)")
    ap.add_argument("--noise", type=float, default=0.0, help="std of fixed Gaussian noise added to log w*")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    return ap.parse_args(argv)


def best_per_m(rows: list[dict]) -> list[str]:
    """For each M, the estimator with the highest mean per-draw cosine to the ML gradient."""
    out = []
    for m in sorted({r["m"] for r in rows}):
        best = max((r for r in rows if r["m"] == m), key=lambda r: r["cosine_draw"])
        out.append(f"best per-draw cosine at M={m}: {best['estimator']} ({best['cosine_draw']:.3f})")
    return out


def target_lines(problem, critic) -> list[str]:
    """How far each estimator's own target is from the ML gradient: the ceiling on its cos(mean)."""
    targets = exact_gradients(problem, critic)
    ref = targets.pop("reference").flatten()
    return [f"own target of {name} vs ML gradient: cos {torch.nn.functional.cosine_similarity(t.flatten(), ref, 0):.3f}, "
            f"distance {(t.flatten() - ref).norm():.4f} (|ML gradient| {ref.norm():.4f})"
            for name, t in targets.items() if name != "reinforce_loo"]


def main(argv=None) -> None:
    args = parse(argv)
    quick = args.quick or os.environ.get("BGAN_BENCH_QUICK") == "1"
    torch.set_num_threads(args.threads)
    m_values = (1, 5, 20) if quick else (1, 2, 5, 20, 100)
    repeats = args.repeats or (100 if quick else 400)
    problem = enumerable_problem(seed=args.seed)
    critic = optimal_critic(problem, noise=args.noise, seed=args.seed)
    z, d, k = problem.theta.shape
    print(f"machine: {os.cpu_count()} cores, torch threads {torch.get_num_threads()}, torch {torch.__version__}")
    print(f"problem: Z={z} latent codes (uniform h), D={d} positions x K={k} categories, N={k**d} outcomes, "
          f"theta ~ N(0, 1), p = softmax(1.5 N(0, I)), seed {args.seed}")
    noise = f" + {args.noise} N(0, 1)" if args.noise else ""
    print(f"critic: fixed, log w = log p/q{noise} (GAN case: the logit V = log w)")
    print(f"draws: repeats={repeats}, batch B={args.batch} noise codes, M in {m_values}, Gumbel tau 1 fixed and "
          f"annealed (steps 0 and 2000: tau 3.0 and 0.5)")
    for line in target_lines(problem, critic):
        print(line)
    start = time.perf_counter()
    rows = estimator_study(problem, critic, m_values=m_values, repeats=repeats, batch=args.batch, seed=args.seed)
    seconds = time.perf_counter() - start
    print()
    print(format_table(rows))
    print()
    for line in best_per_m(rows):
        print(line)
    print(f"estimator study wall time: {seconds:.2f} s ({len(rows)} rows)")


if __name__ == "__main__":
    main()
