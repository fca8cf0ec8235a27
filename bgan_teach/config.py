"""Run-time switches and seeding helpers shared by every notebook and trainer.

- ``BGAN_FAST=1`` (or nbdev's ``IN_TEST=1``): fast mode, used by CI to run notebooks in seconds.
- ``BGAN_STATIC=1``: draw static inline figures instead of ipympl widgets.
"""
from __future__ import annotations

import contextlib
import os

import torch

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def fast() -> bool:
    """True when notebooks should run their short (CI) version."""
    return _flag("BGAN_FAST") or _flag("IN_TEST")


def static() -> bool:
    """True when widgets should fall back to static inline figures."""
    return _flag("BGAN_STATIC")


def make_generator(seed: int | torch.Generator | None, device: str | torch.device = "cpu") -> torch.Generator:
    """A ``torch.Generator`` from a seed (an existing generator is passed through)."""
    if isinstance(seed, torch.Generator):
        return seed
    if seed is None:
        raise ValueError("seed must be an int or a torch.Generator (reproducibility); got None")
    gen = torch.Generator(device=device)
    gen.manual_seed(int(seed))
    return gen


@contextlib.contextmanager
def seeded(seed: int):
    """Run a block (e.g. module construction) under a fixed global seed without leaking it."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        yield
