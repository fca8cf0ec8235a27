"""Trainer overhead: ``train_discrete`` against a plain, unlayered loop of the same estimator, side by side.

    python benchmarks/plain_loop.py             # 5 alternating rounds of 300 steps each
    python benchmarks/plain_loop.py --quick     # 2 rounds of 60 steps: a smoke run
    python benchmarks/plain_loop.py --rounds 7 --steps 400

Both run in this one process, one torch thread, on binarised digits (K = 2, 64 positions) with B = 64,
M = 20, noise 64 and MLPs of width 256 (the networks ``train_digits`` builds), GAN divergence, per-z
BGAN weights, Adam for both networks, no penalty, no target, no snapshot function, no progress bar.
The plain loop draws the same random numbers in the same order as the trainer, so after the timing
it is checked to reproduce the trainer's history and final weights exactly (the two do the same work).
A second plain loop is the one the issue describes: it samples by Gumbel-max (argmax of logits plus
Gumbel noise, M·B·d·K uniforms) and one-hot encodes with ``F.one_hot``. It draws other samples, so its
numbers differ from the trainer's; it is timed beside the other two.
Rounds alternate plain / trainer (the order flips every round) to cancel drift on a shared machine;
steps/s are medians over rounds, per wall-clock second and per second of the thread's CPU time (the
latter moves less when other jobs share the cores); the ratio is ``train_discrete`` / plain, per round
(> 1: the trainer is faster).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

from bgan_teach.data import digits_binarized
from bgan_teach.training import train_discrete

B, M, NOISE, HIDDEN, K, LR, CRITIC_LR, BETAS, SEED = 64, 20, 64, 256, 2, 1e-3, 1e-3, (0.5, 0.999), 0


def mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [nn.Linear(a, b)] + ([nn.LeakyReLU(0.2)] if i < len(sizes) - 2 else [])
    return nn.Sequential(*layers)


def draw_multinomial(logits: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """M draws per z from softmax(logits) (B, d, K) → (M, B, d): ``torch.multinomial``, the trainer's draws."""
    b, d, k = logits.shape
    probs = torch.softmax(logits, -1).reshape(-1, k)                                        # (B·d, K)
    return torch.multinomial(probs, M, True, generator=rng).view(b, d, M).permute(2, 0, 1)


def draw_gumbel_max(logits: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """M draws per z by Gumbel-max: argmax_k (logits_k + G_k), G = −log(−log U) (B, d, K) → (M, B, d)."""
    u = torch.rand(M, *logits.shape, generator=rng, dtype=logits.dtype)                     # (M, B, d, K)
    return (logits - torch.log(-torch.log(u))).argmax(-1)


def plain_loop(data: torch.Tensor, steps: int, seed: int = SEED, draw=draw_multinomial):
    """The whole estimator in one function: no validation, no history object, no diagnostics."""
    n, d = data.shape
    torch.manual_seed(seed)                                     # the same initial weights as the trainer's
    gen = mlp([NOISE, HIDDEN, HIDDEN, d * K])
    critic = mlp([d * K, HIDDEN, HIDDEN, 1])
    opt_g = torch.optim.Adam(gen.parameters(), lr=LR, betas=BETAS)
    opt_d = torch.optim.Adam(critic.parameters(), lr=CRITIC_LR, betas=BETAS)
    rng = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        x_real = F.one_hot(data[torch.randint(n, (B,), generator=rng)], K).float()          # (B, d, K)
        logits = gen(torch.randn(B, NOISE, generator=rng)).view(B, d, K)                     # (B, d, K)
        with torch.no_grad():
            x_fake = draw(logits, rng)                                                       # (M, B, d): M per z
        v_fake = critic(F.one_hot(x_fake, K).float().flatten(0, 1).flatten(1)).view(M, B)   # (M, B)
        v_real = critic(x_real.flatten(1)).squeeze(-1)                                       # (B,)
        loss_d = F.softplus(-v_real).mean() + F.softplus(v_fake).mean()                      # −GAN bound
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        w_tilde = torch.softmax(v_fake.detach(), 0)                                          # (M, B); log w = v
        log_p = torch.log_softmax(logits, -1)                                                # (B, d, K)
        log_g = log_p.expand(M, *log_p.shape).gather(-1, x_fake.unsqueeze(-1)).squeeze(-1).sum(-1)  # (M, B)
        loss_g = -(w_tilde * log_g).sum(0).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        losses.append((loss_d.item(), loss_g.item()))
    return gen, critic, losses


def gumbel_loop(data: torch.Tensor, steps: int, seed: int = SEED):
    """The plain loop as the issue describes it: Gumbel-max draws (other samples than the trainer's)."""
    return plain_loop(data, steps, seed, draw=draw_gumbel_max)


def trainer(data: torch.Tensor, steps: int, seed: int = SEED):
    return train_discrete(data, K, steps=steps, batch_size=B, samples_per_z=M, lr=LR, critic_lr=CRITIC_LR,
                          penalty=0.0, noise_dim=NOISE, hidden=HIDDEN, seed=seed, progress=False,
                          snapshot_every=steps)         # penalty 0 as in the plain loop (the default is now 0.2/K)


def steps_per_second(fn, data, steps: int) -> tuple[float, float]:
    """Steps per wall-clock second and per second of this thread's CPU time (less sensitive to other jobs)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn(data, steps)
    return steps / (time.perf_counter() - wall), steps / (time.thread_time() - cpu)


def same_numbers(data: torch.Tensor, steps: int) -> bool:
    """The plain loop and the trainer give the same losses and the same final weights, bit for bit."""
    gen, critic, losses = plain_loop(data, steps)
    result = trainer(data, steps)
    same_losses = ([a for a, _ in losses] == result.history["loss_d"].tolist()
                   and [b for _, b in losses] == result.history["loss_g"].tolist())
    same_weights = all(torch.equal(a, b) for a, b in zip(gen.parameters(), result.generator.net.parameters())) \
        and all(torch.equal(a, b) for a, b in zip(critic.parameters(), result.critic.net.parameters()))
    return same_losses and same_weights


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 rounds of 60 steps")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    quick = args.quick or os.environ.get("BGAN_BENCH_QUICK") == "1"
    rounds, steps = (2, 60) if quick else (args.rounds, args.steps)
    torch.set_num_threads(1)
    data = digits_binarized()
    print(f"machine: {os.cpu_count()} cores, torch threads {torch.get_num_threads()}, torch {torch.__version__}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"setup: binarised digits, B={B}, M={M}, noise {NOISE}, MLPs of {HIDDEN}, {rounds} rounds x {steps} steps")
    loops = {"plain loop": plain_loop, "plain loop, Gumbel-max": gumbel_loop, "train_discrete": trainer}
    for fn in loops.values():
        fn(data, 20)                                        # warm-up (allocator, first-call costs)
    runs = {name: [] for name in loops}
    for r in range(rounds):
        order = list(loops) if r % 2 == 0 else list(loops)[::-1]
        for name in order:
            runs[name].append(steps_per_second(loops[name], data, steps))
    for i, clock in enumerate(("wall", "cpu")):
        for name, got in runs.items():
            v = [r[i] for r in got]
            print(f"{name} steps/s ({clock}): {statistics.median(v):.1f} (range {min(v):.1f}-{max(v):.1f})")
        ours = [r[i] for r in runs["train_discrete"]]
        for name in ("plain loop", "plain loop, Gumbel-max"):
            ratios = [a / b[i] for a, b in zip(ours, runs[name])]
            print(f"ratio train_discrete / {name} ({clock}): {statistics.median(ratios):.2f} "
                  f"(range {min(ratios):.2f}-{max(ratios):.2f}, per round)")
    print(f"same numbers as the plain loop: {'yes' if same_numbers(data, 30) else 'NO'}")


if __name__ == "__main__":
    main()
