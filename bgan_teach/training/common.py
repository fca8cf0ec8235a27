"""What every trainer shares: the step history, snapshots, the run loop, NaN stops and progress bars.

Both GAN trainers are *steppers* (:class:`Stepper`): ``critic_step()``, ``generator_step()``, ``step()``
(one full training step; each trainer writes its own, next to the paper's equations), ``train(steps)``
and ``snapshot()``. The loop in :meth:`Stepper.train` is the one place that times steps, draws the
progress bar, honours a time limit, takes snapshots and stops on NaN/inf: the failing update is never
applied (every trainer checks before ``optimizer.step()``), the history up to the failing step is kept,
and ``train`` returns the message. :func:`fit` runs a stepper and packs a :class:`TrainResult`.
"""
from __future__ import annotations

import copy
import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from .._checks import positive_float, positive_int

__all__ = ["NonFiniteError", "check_finite", "History", "Snapshot", "take_snapshot", "TrainResult", "Stepper",
           "fit", "warn_stopped", "progress"]


class NonFiniteError(FloatingPointError):
    """A monitored training quantity became NaN or inf."""


def check_finite(step: int, **values) -> None:
    """Raise :class:`NonFiniteError` naming the first non-finite quantity and the step (in its own dtype).

    One fused test first: the sum of every tensor's entries is finite when they all are, so a single
    reduction and a single host read cover every quantity (one device sync on a GPU, not one per
    quantity). Only when that sum is NaN/inf are the quantities checked one by one, in order; if the
    sum merely overflowed with every entry finite, nothing is raised.
    """
    numbers_finite = all(math.isfinite(float(v)) for v in values.values() if not isinstance(v, torch.Tensor))
    if numbers_finite and _tensors_finite([v for v in values.values() if isinstance(v, torch.Tensor)]):
        return
    for name, value in values.items():
        if isinstance(value, torch.Tensor):
            value = value.detach()
            if bool(torch.isfinite(value).all()):
                continue
            bad = value[~torch.isfinite(value)].flatten()[0].item()
        else:
            bad = float(value)
            if math.isfinite(bad):
                continue
        raise NonFiniteError(f"{name} became {bad} at step {step}")


def _tensors_finite(tensors: list[torch.Tensor]) -> bool:
    """True when the sum over every entry of every tensor is finite (one host read); False also on mixed devices."""
    if not tensors:
        return True
    if len({t.device for t in tensors}) > 1:
        return False                                               # the per-quantity path decides
    total = tensors[0].detach().sum()
    for t in tensors[1:]:
        total = total + t.detach().sum()
    return bool(torch.isfinite(total))


class History:
    """Per-step records: ``history.append(step=3, loss_d=...)``; ``history["loss_d"]`` → numpy array.

    Values are kept as Python floats (float64): a float64 run keeps its precision, a float32 run its exact
    float32 values. A tensor is reduced by its mean in its own dtype. Tensors are stored as they are
    (detached, not copied: do not change them in place afterwards) and turned into floats together
    when the history is read (``history[key]``, ``rows``, ``last()``, pickling) or every
    ``RESOLVE_EVERY`` rows: one stacked conversion instead of one ``.item()`` per quantity and step.
    """

    RESOLVE_EVERY = 256

    def __init__(self) -> None:
        self._rows: list[dict[str, Any]] = []
        self._keys: dict[str, None] = {}
        self._pending = 0                 # rows from this index on may still hold tensors

    @staticmethod
    def _value(value):
        if isinstance(value, torch.Tensor):
            value = value.detach()
            return value if value.dim() == 0 else value.mean() if value.numel() != 1 else value.reshape(())
        return float(value)

    def _store(self, row: dict[str, Any], values: dict[str, Any]) -> None:
        row.update({key: self._value(value) for key, value in values.items()})
        self._keys.update(dict.fromkeys(values))
        if len(self._rows) - self._pending >= self.RESOLVE_EVERY:
            self._resolve()

    def _resolve(self, start: int | None = None) -> None:
        """Turn the stored tensors of rows ``start:`` (default: the pending ones) into floats, one stack per dtype."""
        start = self._pending if start is None else start
        groups: dict[tuple, list[tuple[dict, str, torch.Tensor]]] = {}
        for row in self._rows[start:]:
            for key, value in row.items():
                if isinstance(value, torch.Tensor):
                    groups.setdefault((value.dtype, value.device), []).append((row, key, value))
        for entries in groups.values():
            for (row, key, _), number in zip(entries, torch.stack([v for _, _, v in entries]).tolist()):
                row[key] = float(number)
        if start == self._pending:
            self._pending = len(self._rows)

    def append(self, **values) -> None:
        self._rows.append({})
        self._store(self._rows[-1], values)

    def annotate(self, **values) -> None:
        """Add quantities to the last row (e.g. the loop's timing, metrics computed after the step)."""
        if self._pending == len(self._rows):
            self._pending -= 1                                       # the last row may hold tensors again
        self._store(self._rows[-1], values)

    @property
    def rows(self) -> list[dict[str, float]]:
        self._resolve()
        return self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def keys(self) -> list[str]:
        return list(self._keys)

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._keys:
            raise KeyError(f"no quantity {key!r} in history; recorded: {self.keys()}")
        return np.array([row.get(key, np.nan) for row in self.rows], dtype=np.float64)

    def last(self) -> dict[str, float]:
        if not self._rows:
            return {}
        self._resolve(len(self._rows) - 1)                          # the last row only
        return dict(self._rows[-1])

    def __getstate__(self) -> dict:
        self._resolve()
        return self.__dict__


@dataclass
class Snapshot:
    """Model states at one step, plus precomputed views (``extras``) for instant slider redraws."""

    step: int
    generator_state: dict[str, torch.Tensor]
    critic_state: dict[str, torch.Tensor]
    extras: dict[str, Any] = field(default_factory=dict)


def _state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in module.state_dict().items()}


def take_snapshot(step: int, generator: torch.nn.Module, critic: torch.nn.Module, **extras) -> Snapshot:
    return Snapshot(step, _state(generator), _state(critic), extras)


@dataclass
class TrainResult:
    """What a trainer returns. ``stopped`` is None, or the message of a NaN/inf stop."""

    generator: torch.nn.Module
    critic: torch.nn.Module
    history: History
    snapshots: list[Snapshot]
    config: dict[str, Any] = field(default_factory=dict)
    stopped: str | None = None
    seconds: float = 0.0
    sampler: Callable[..., torch.Tensor] | None = field(default=None, repr=False)

    def sample(self, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
        """n samples from the trained generator (any generator following the trainer's protocol), no gradient."""
        if self.sampler is None:
            raise ValueError("this result has no sampler; call result.generator yourself")
        return self.sampler(n, seed)

    def generator_at(self, index: int) -> torch.nn.Module:
        """A copy of the generator as it was at ``snapshots[index]``."""
        gen = copy.deepcopy(self.generator)
        gen.load_state_dict(self.snapshots[index].generator_state)
        return gen

    def extras(self) -> list[dict[str, Any]]:
        """Every snapshot's extras with its ``step``: what the snapshot displays draw."""
        return [dict(snap.extras, step=snap.step) for snap in self.snapshots]


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


SnapshotFn = Callable[[Any], dict]


class Stepper:
    """The state and the run loop both GAN trainers share.

    Subclasses build ``generator``, ``critic``, their optimisers and ``rng`` in ``reset()`` (which must call
    :meth:`_clear`), and implement ``step()`` (which appends its history row via :meth:`record`).
    ``snapshot_extras()`` gives what every snapshot of this trainer stores; ``step_metrics(final)`` gives
    quantities computed after a step outside the timed part (both optional).
    """

    name = "GAN"

    def _clear(self) -> None:
        self.history, self.snapshots = History(), []
        self.steps, self.seconds = 0, 0.0

    def record(self, **row) -> None:
        """Count one step and append its history row (``step`` first; tensors become floats when read)."""
        self.steps += 1
        self.history.append(step=self.steps, **row)

    def snapshot_extras(self) -> dict:
        return {}

    def step_metrics(self, final: bool) -> dict:
        return {}

    def snapshot(self, snapshot_fn: SnapshotFn | None = None) -> Snapshot:
        """Store both networks' weights plus ``snapshot_extras()`` and ``snapshot_fn(self)``."""
        extras = {**self.snapshot_extras(), **(snapshot_fn(self) if snapshot_fn else {})}
        snap = Snapshot(self.steps, _state(self.generator), _state(self.critic), extras)
        self.snapshots.append(snap)
        return snap

    def train(self, steps: int, progress: bool = False, snapshot_every: int | None = None,
              snapshot_fn: SnapshotFn | None = None, time_limit: float | None = None) -> str | None:
        """Run ``steps`` steps (or until ``time_limit`` seconds of stepping); snapshot every ``snapshot_every``.

        Each history row gets ``seconds`` (training time so far, metrics and snapshots excluded). On
        NaN/inf: stop, warn, return the message (the failing update was not applied).
        """
        steps = positive_int(steps, "steps", 0)
        every = None if snapshot_every is None else positive_int(snapshot_every, "snapshot_every")
        limit = math.inf if time_limit is None else positive_float(time_limit, "time_limit")
        start_seconds = self.seconds
        for i in _steps(steps, progress and steps > 0, self.name):
            begin = time.perf_counter()
            try:
                self.step()
            except NonFiniteError as err:
                return warn_stopped(err)
            self.seconds += time.perf_counter() - begin
            out_of_time = self.seconds - start_seconds >= limit
            self.history.annotate(seconds=self.seconds, **self.step_metrics(final=i + 1 == steps or out_of_time))
            if every and (self.steps % every == 0 or i + 1 == steps or out_of_time):
                self.snapshot(snapshot_fn)
            if out_of_time:
                break
        return None


_steps = progress      # ``train`` has a parameter named ``progress``


def default_snapshot_every(steps: int, snapshot_every: int | None) -> int:
    """``snapshot_every``, or about 20 snapshots over ``steps`` when None."""
    return max(1, steps // 20) if snapshot_every is None else positive_int(snapshot_every, "snapshot_every")


def fit(trainer: Stepper, steps: int, snapshot_every: int | None, snapshot_fn: SnapshotFn | None,
        progress: bool, time_limit: float | None, config: dict) -> TrainResult:
    """Snapshot at step 0, :meth:`Stepper.train`, make sure the last step has a snapshot, pack the result.

    ``result.seconds`` is the training time (metrics and snapshots excluded), as in the history.
    """
    steps = positive_int(steps, "steps", 0)
    every = default_snapshot_every(steps, snapshot_every)
    if time_limit is not None:
        positive_float(time_limit, "time_limit")                    # checked before any work
    trainer.snapshot(snapshot_fn)
    stopped = trainer.train(steps, progress=progress, snapshot_every=every, snapshot_fn=snapshot_fn,
                            time_limit=time_limit)
    if trainer.snapshots[-1].step != trainer.steps:
        trainer.snapshot(snapshot_fn)
    config = dict(config, steps=steps, snapshot_every=every)
    return TrainResult(trainer.generator, trainer.critic, trainer.history, trainer.snapshots, config, stopped,
                       trainer.seconds, trainer.sample)
