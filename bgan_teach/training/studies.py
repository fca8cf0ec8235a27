"""Studies that train many runs and score them: one row per (generator loss, seed) run."""
from __future__ import annotations

from ..metrics.modes import mode_report
from .continuous import train_continuous

__all__ = ["compare_losses", "summarize"]


def compare_losses(target, generator_losses=("boundary_seeking", "non_saturating", "minimax"), seeds=(0, 1, 2),
                   steps: int = 2000, n_samples: int = 2000, progress: bool = True, **options) -> list[dict]:
    """Stability study: train each generator loss from each seed with the same settings; one row per run.

    Rows hold ``loss``, ``seed``, ``modes_covered``, ``n_modes``, ``high_quality``, ``mean_log_density``,
    ``mmd2``, ``seconds`` (wall clock) and ``stopped``. Equal tuning: every loss gets the same ``options``.
    """
    rows = []
    for loss in generator_losses:
        for seed in seeds:
            res = train_continuous(target, generator_loss=loss, steps=steps, seed=seed, progress=progress,
                                   snapshot_every=steps or 1, **options)
            x = res.generator.sample(n_samples, seed + 1)
            rows.append({"loss": loss, "seed": seed, **mode_report(x, target, seed=seed),
                         "seconds": res.seconds, "stopped": res.stopped})
    return rows


def summarize(rows: list[dict]) -> dict[str, dict]:
    """Per loss: mean modes covered, min modes covered, mean high-quality fraction, runs with all modes."""
    out = {}
    for loss in dict.fromkeys(r["loss"] for r in rows):
        mine = [r for r in rows if r["loss"] == loss]
        modes = [r["modes_covered"] for r in mine]
        out[loss] = {"runs": len(mine), "mean_modes": sum(modes) / len(mine), "min_modes": min(modes),
                     "all_modes": sum(m == r["n_modes"] for m, r in zip(modes, mine)),
                     "mean_high_quality": sum(r["high_quality"] for r in mine) / len(mine)}
    return out
