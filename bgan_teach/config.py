"""Run-time switches and seeding helpers shared by every notebook and trainer.

- ``BGAN_FAST=1`` (or nbdev's ``IN_TEST=1``): fast mode, used by CI to run notebooks in seconds.
- ``BGAN_STATIC=1``: draw static inline figures instead of ipympl widgets.
"""
from __future__ import annotations

import contextlib
import os

import torch

from ._checks import ArgumentTypeError, seed as _seed

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def fast() -> bool:
    """True when notebooks should run their short (CI) version."""
    return _flag("BGAN_FAST") or _flag("IN_TEST")


def static() -> bool:
    """True when widgets should fall back to static inline figures."""
    return _flag("BGAN_STATIC")


def make_generator(seed: int | torch.Generator | None, device: str | torch.device = "cpu",
                   name: str = "seed") -> torch.Generator:
    """A ``torch.Generator`` from a seed (an existing generator is passed through).

    ``seed`` must be an integer or a ``torch.Generator``: None, 1.5, ``True`` or ``"0"`` raise
    ``TypeError`` (:class:`~bgan_teach._checks.ArgumentTypeError`, also a ``ValueError``) naming ``name``,
    the caller's parameter.
    """
    if isinstance(_seed(seed, name), torch.Generator):
        return seed
    gen = torch.Generator(device=device)
    gen.manual_seed(int(seed))
    return gen


@contextlib.contextmanager
def seeded(seed: int):
    """Run a block (e.g. module construction) under a fixed global seed without leaking it.

    ``seed`` must be an integer (checked before the block runs; see :func:`make_generator`).
    """
    if isinstance(_seed(seed), torch.Generator):
        raise ArgumentTypeError("seed for seeded() must be an int (it seeds torch's global RNG); got a torch.Generator")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        yield
