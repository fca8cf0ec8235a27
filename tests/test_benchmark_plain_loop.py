"""benchmarks/plain_loop.py: its two plain loops are correct implementations of the estimator it times.

The multinomial loop must reproduce ``train_discrete`` bit for bit (the benchmark says so when it prints);
the Gumbel-max loop, the one the issue describes, must draw from softmax(logits). No timing here.
"""
from __future__ import annotations

import math

import torch
from scripts import load_script
from threads import one_thread  # noqa: F401  (autouse: one torch thread)

from bgan_teach.data import digits_binarized

plain = load_script("benchmarks/plain_loop.py")


def test_gumbel_max_draws_follow_softmax():
    """Check each category's frequency over 20 x 2000 Gumbel-max draws against softmax(logits), within 5 sigma
    (K = 3: with K = 2 a sign error in the noise would go unseen, the difference of two Gumbels being symmetric)."""
    logits = torch.tensor([[[2.0, -1.0, 0.5], [0.0, 0.0, 0.0], [-3.0, 1.5, 1.0]]]).repeat(2000, 1, 1)   # (B, d, K)
    draws = plain.draw_gumbel_max(logits, torch.Generator().manual_seed(0))           # (M, B, d)
    assert draws.shape == (plain.M, 2000, 3)
    n = draws.shape[0] * draws.shape[1]
    probs = torch.softmax(logits[0], -1)                                               # (d, K)
    freq = torch.stack([(draws == k).double().mean((0, 1)) for k in range(3)], -1)    # (d, K)
    sigma = torch.sqrt(probs * (1 - probs) / n)
    assert bool(((freq - probs).abs() < 5 * sigma).all()), (freq, probs)


def test_multinomial_loop_equals_the_trainer_and_the_gumbel_loop_trains():
    """Check the benchmark's same-numbers claim on a few steps, and that the Gumbel-max loop's losses are finite."""
    data = digits_binarized()
    assert plain.same_numbers(data, 4)
    _, _, losses = plain.gumbel_loop(data, 4)
    assert len(losses) == 4 and all(math.isfinite(a) and math.isfinite(b) for a, b in losses)


def test_runs_on_one_thread():
    """Check that the shared autouse fixture (tests/threads.py) is active in this module."""
    assert torch.get_num_threads() == 1
