"""Text quality against diversity: the character n-gram baseline swept over sampling temperature.

    .venv/bin/python benchmarks/text_quality.py             # orders 2 and 4, 8 temperatures, 2000 samples (~15 s)
    .venv/bin/python benchmarks/text_quality.py --quick     # order 2 only, 500 samples (~5 s)

Corpus: ``bgan_teach.data.text.load_corpus(length=16)`` (Python documentation prose, 30 symbols). For each
temperature T the n-gram model fitted on the training windows is sampled with p_T ∝ p^(1/T) and scored on
quality (bigram JS against held-out windows, lower is better; word share, higher is better) and diversity
(distinct-2/3/4: distinct character n-grams / all n-grams; unique share: distinct sequences / N). T → 0 is
greedy decoding, T = 1 the fitted model, T > 1 flatter than it. A text GAN is one point on this plane: set it
against the whole curve, not against T = 1 (Caccia et al., "Language GANs Falling Short", ICLR 2020,
https://arxiv.org/abs/1811.02549). The "real text" row (training windows scored the same way) is where a
perfect sampler sits: more diversity than real text is not better, it is noise.

The GAN points (BGAN, REINFORCE, REINFORCE-LOO, each at its best learning rate) are read from the committed
equal-tuning sweep, ``results/text_estimators.json`` (``benchmarks/estimator_sweep.py``; same corpus, 2000 samples
per run, seeds 1 and 2, means over the seeds): nothing is trained here.
"""
from __future__ import annotations

import argparse
import os
import time

import torch

from bgan_teach.data.text import load_corpus
from bgan_teach.lessons.sweep import best_learning_rates, load_sweep
from bgan_teach.metrics.text import diversity_metrics, temperature_sweep, text_metrics, vocabulary

TEMPERATURES = (0.01, 0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5)
COLUMNS = ("bigram_js", "word_share", "distinct_2", "distinct_3", "distinct_4", "unique_share")


def line(name: str, row: dict) -> str:
    """One "name: value" line (benchmarks/run_all.py turns each into a table row)."""
    return f"  {name}: " + "  ".join(f"{c} {row[c]:.3f}" for c in COLUMNS)


def real_text_row(corpus, n: int, seed: int) -> dict:
    """n training windows (seeded) scored like a sampler's output: where a perfect sampler sits on the plane."""
    real = corpus.train[torch.randperm(len(corpus.train), generator=torch.Generator().manual_seed(seed))[:n]]
    return {**text_metrics(real, corpus, vocabulary(corpus.text)), **diversity_metrics(real, corpus.num_categories)}


def gan_points(data: dict) -> dict[str, dict]:
    """Each estimator of the text sweep at its best learning rate: mean bigram JS, word share, distinct-4."""
    best = best_learning_rates(data)
    points = {}
    for name, lr in best.items():
        runs = [r for r in data["runs"] if r["setup"] == name and r["lr"] == lr and r.get("stopped") is None]
        points[f"{name} (lr {lr:g}, seeds {sorted(r['seed'] for r in runs)})"] = {
            key: sum(r[src] for r in runs) / len(runs)
            for key, src in (("bigram_js", "score"), ("word_share", "word_share"), ("distinct_4", "distinct_4"))}
    return points


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="order 2 only, 500 samples")
    parser.add_argument("--n", type=int, default=None, help="samples per temperature (default 2000; 500 quick)")
    parser.add_argument("--orders", type=int, nargs="+", default=None, help="n-gram orders (default 2 4)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    n = args.n or (500 if args.quick else 2000)
    orders = args.orders or ([2] if args.quick else [2, 4])
    corpus = load_corpus(length=16)
    print(__doc__.split("\n\n")[0].strip())
    print(f"setup: corpus of {len(corpus.train)} training / {len(corpus.held_out)} held-out windows of "
          f"{corpus.length} characters, {n} samples per point, seed {args.seed}, {os.cpu_count()} cores, 1 thread")
    start = time.perf_counter()
    print(line(f"real text ({n} windows)", real_text_row(corpus, n, args.seed)))
    for order in orders:
        t0 = time.perf_counter()
        for row in temperature_sweep(corpus, TEMPERATURES, order=order, n=n, seed=args.seed):
            print(line(f"order-{order} n-gram, T = {row['temperature']:g}", row))
        print(f"  order-{order} sweep time: {time.perf_counter() - t0:.1f} s")
    sweep = load_sweep("text")
    print(f"GAN points from results/text_estimators.json ({sweep['meta']['date']}, {sweep['meta']['budget']['steps']} "
          f"steps, B {sweep['meta']['budget']['batch_size']}, M {sweep['meta']['budget']['samples_per_z']}):")
    for name, row in gan_points(sweep).items():
        print(f"  {name}: " + "  ".join(f"{c} {row[c]:.3f}" for c in ("bigram_js", "word_share", "distinct_4")))
    print(f"text quality benchmark wall time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
