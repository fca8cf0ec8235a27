"""Regenerate the README pictures under docs/img/ from the package itself, so they stay true.

    .venv/bin/python tools/readme_pictures.py            # all pictures (a few minutes on 2 cores)
    .venv/bin/python tools/readme_pictures.py lab        # one of: lab, twin, digits, text
    .venv/bin/python tools/readme_pictures.py --fast     # tiny runs, to check the script itself

- ``lab.png``: the 2-D lab (``widgets.lab.boundary_lab``) after training on the ring: critic heatmap,
  the w = 1 boundary, real and generated points, the generator's gradient arrows.
- ``twin.png``: the twin lab (``widgets.lab.twin_lab``): BGAN against the non-saturating loss from the same
  seed and noise after 1500 steps, with the sample trails of a few fixed-noise points.
- ``digits.png``: samples of the digits recipe (``training.digits_recipe.train_digits``), binarised.
- ``text.png``: generated character strings (discrete BGAN with notebook 06's settings); samples that
  happen to contain a rude word (``BLOCKED``) are skipped.
A picture whose code is not in the package yet is reported and skipped.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DPI = 110
# Random character strings can spell rude words; the README picture skips samples containing these.
BLOCKED = re.compile(r"cunt|fuck|shit|piss|cock|dick|twat|slut|whore|nigg|fag|rape", re.I)


def lab_picture(out: Path, fast: bool) -> str:
    from bgan_teach.plotting import style
    from bgan_teach.widgets.lab import boundary_lab

    lab = boundary_lab(target="ring", seed=0)
    chunk, max_steps = (50, 50) if fast else (500, 3000)
    while lab.gan.steps < max_steps:                  # the trainer's defaults, a fixed budget
        lab.train(chunk)
    covered, total, hq = lab.gan.snapshots[-1].extras["modes"]
    steps = lab.gan.steps
    lab.fig.axes[0].set_title(f"BGAN on a ring of 8 after {steps} steps: {covered}/{total} modes, "
                              f"{100 * hq:.0f}% high quality\n" + lab.fig.axes[0].get_title(), fontsize=style.FONT["title"])
    lab.fig.savefig(out / "lab.png", dpi=DPI, bbox_inches="tight")
    return f"lab.png: {steps} steps, modes {covered}/{total}, high quality {100 * hq:.0f}%"


def twin_picture(out: Path, fast: bool) -> str:
    from bgan_teach.widgets.lab import twin_lab

    steps, every = (40, 10) if fast else (1500, 50)
    twin = twin_lab(("boundary_seeking", "non_saturating"), target="ring", seed=0, trails=True)
    twin.train(steps, every=every)                    # a snapshot every 50 steps: the trails' history
    twin.fig.savefig(out / "twin.png", dpi=DPI, bbox_inches="tight")
    modes = [gan.snapshots[-1].extras["modes"] for gan in twin.gans]
    return "twin.png: " + ", ".join(f"{gan.generator_loss} {c}/{t} modes, {100 * hq:.0f}% high quality"
                                    for gan, (c, t, hq) in zip(twin.gans, modes)) + f" after {steps} steps"


def digits_picture(out: Path, fast: bool) -> str:
    from bgan_teach.plotting.digits import SampleGridDisplay
    from bgan_teach.training.digits_recipe import train_digits

    steps = 30 if fast else 5000                     # the recipe's full budget (train_digits default)
    result = train_digits(num_categories=2, steps=steps, seed=0, progress=False, score_samples=200 if fast else 1000)
    view = result.extras()[-1]
    fig, ax = plt.subplots(figsize=(4.2, 4.4))
    SampleGridDisplay(ax, num_categories=2, rows=8, cols=8).update(
        view["samples"], title=f"discrete BGAN, binarised 8×8 digits\nstep {view['step']}: "
                               f"{view['classes_covered']}/10 classes")
    fig.savefig(out / "digits.png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return f"digits.png: {steps} steps, {view['classes_covered']}/10 classes, confidence {view['confidence']:.2f}"


def text_samples(fast: bool) -> tuple[list[str], str]:
    """Samples of discrete BGAN on characters, with notebook 06's full-mode settings."""
    from bgan_teach.data.text import load_corpus
    from bgan_teach.metrics.text import text_snapshot_fn
    from bgan_teach.models.sequence import SequenceCritic, SequenceGenerator
    from bgan_teach.training.discrete import train_discrete

    corpus, steps = load_corpus(length=16, seed=0), 20 if fast else 2000
    k = corpus.num_categories
    result = train_discrete(corpus.train, k, estimator="bgan", generator=SequenceGenerator(16, k, seed=0),
                            critic=SequenceCritic(16, k, seed=1), samples_per_z=4 if fast else 20, steps=steps,
                            batch_size=32, lr=1e-3, critic_lr=3e-3, seed=0, snapshot_every=steps, progress=False,
                            snapshot_fn=text_snapshot_fn(corpus, n_show=24, n_eval=200))
    lines = [line for line in result.snapshots[-1].extras["samples"] if not BLOCKED.search(line)]
    return lines[:6], f"{steps} steps, 16 characters"


def text_picture(out: Path, fast: bool) -> str:
    lines, caption = text_samples(fast)
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(lines) + 0.5))
    ax.axis("off")
    for i, line in enumerate(lines):
        ax.text(0.0, 1 - (i + 0.5) / len(lines), f"|{line}|", family="monospace", fontsize=10,
                transform=ax.transAxes, va="center")
    ax.set_title(f"discrete BGAN on characters ({caption})", fontsize=10.5, loc="left")
    fig.savefig(out / "text.png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return f"text.png: {len(lines)} samples"


PICTURES = {"lab": lab_picture, "twin": twin_picture, "digits": digits_picture, "text": text_picture}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"any of {list(PICTURES)} (default: all)")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    ap.add_argument("--fast", action="store_true", help="tiny runs (checks the script, ugly pictures)")
    args = ap.parse_args(argv)
    unknown = set(args.names) - set(PICTURES)
    if unknown:
        ap.error(f"unknown pictures {sorted(unknown)}; choose from {list(PICTURES)}")
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(PICTURES):
        start = time.perf_counter()
        try:
            message = PICTURES[name](args.out, args.fast)
        except ImportError as exc:
            message = f"{name}: skipped, its code is not in the package yet ({exc})"
        print(f"{message} [{time.perf_counter() - start:.1f} s]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
