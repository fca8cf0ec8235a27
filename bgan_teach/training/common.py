"""What every trainer shares: a step history, snapshots for scrubbing, NaN guards, progress bars.

A trainer returns a :class:`TrainResult`. If a monitored quantity becomes NaN or inf, the trainer
stops, warns with the quantity's name and the step, and returns the history recorded so far
(``result.stopped`` holds the message).
"""
from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch


class NonFiniteError(FloatingPointError):
    """A monitored training quantity became NaN or inf."""


def check_finite(step: int, **values) -> None:
    """Raise :class:`NonFiniteError` naming the first non-finite quantity and the step."""
    for name, value in values.items():
        val = float(value.detach().float().mean()) if isinstance(value, torch.Tensor) else float(value)
        if not math.isfinite(val):
            raise NonFiniteError(f"{name} became {val} at step {step}")


class History:
    """Per-step records: ``history.append(step=3, loss_d=...)``; ``history["loss_d"]`` → numpy array."""

    def __init__(self) -> None:
        self.rows: list[dict[str, float]] = []

    def append(self, **values) -> None:
        row = {}
        for key, value in values.items():
            if isinstance(value, torch.Tensor):
                value = value.detach().float().mean().item()
            row[key] = float(value)
        self.rows.append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def keys(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self.keys():
            raise KeyError(f"no quantity {key!r} in history; recorded: {self.keys()}")
        return np.array([row.get(key, np.nan) for row in self.rows])

    def last(self) -> dict[str, float]:
        return dict(self.rows[-1]) if self.rows else {}


@dataclass
class Snapshot:
    """Model states at one step, plus precomputed views (``extras``) for instant slider redraws."""

    step: int
    generator_state: dict[str, torch.Tensor]
    critic_state: dict[str, torch.Tensor]
    extras: dict[str, Any] = field(default_factory=dict)


def take_snapshot(step: int, generator: torch.nn.Module, critic: torch.nn.Module, **extras) -> Snapshot:
    clone = lambda module: {k: v.detach().to("cpu", copy=True) for k, v in module.state_dict().items()}  # noqa: E731
    return Snapshot(step, clone(generator), clone(critic), extras)


@dataclass
class TrainResult:
    """What a trainer returns. ``stopped`` is None, or the message of a NaN/inf stop."""

    generator: torch.nn.Module
    discriminator: torch.nn.Module
    history: History
    snapshots: list[Snapshot]
    config: dict[str, Any] = field(default_factory=dict)
    stopped: str | None = None
    seconds: float = 0.0

    def generator_at(self, index: int) -> torch.nn.Module:
        """A copy of the generator as it was at ``snapshots[index]``."""
        gen = copy.deepcopy(self.generator)
        gen.load_state_dict(self.snapshots[index].generator_state)
        return gen

    def discriminator_at(self, index: int) -> torch.nn.Module:
        """A copy of the critic as it was at ``snapshots[index]``."""
        disc = copy.deepcopy(self.discriminator)
        disc.load_state_dict(self.snapshots[index].critic_state)
        return disc


def warn_stopped(err: NonFiniteError) -> str:
    message = f"training stopped: {err}; the history up to that step is kept"
    warnings.warn(message, RuntimeWarning, stacklevel=3)
    return message


def progress(steps: int, enabled: bool, desc: str):
    """``range(steps)`` wrapped in a ``tqdm.auto`` bar when enabled."""
    if not enabled:
        return range(steps)
    from tqdm.auto import trange

    return trange(steps, desc=desc, leave=False)


def positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def positive_float(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a positive finite number; got {value!r}")
    return float(value)
