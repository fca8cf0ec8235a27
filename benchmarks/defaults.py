"""Trainer defaults on data they were not tuned on: one table, data set × seed → the bar's numbers.

    python benchmarks/defaults.py                     # every check, seeds 0-2, the installed package's DEFAULTS
    python benchmarks/defaults.py --quick             # one seed, short budgets: a smoke run, not the bars
    python benchmarks/defaults.py --only ring protos --seeds 0
    python benchmarks/defaults.py --candidate '{"lr": 1e-3, "critic_lr": 1e-3, "penalty": 0.1}'
    python benchmarks/defaults.py --candidate '{"penalty": "0.2 / K"}'    # a rule in d, K, N: a string
    python benchmarks/defaults.py --continuous-candidate '{"lr": 2e-4}' --only cring cnew

Every discrete check calls ``train_discrete(data, K, steps=..., seed=...)`` with no other training argument
(``--candidate`` adds its keys, so settings can be tried without editing the package); only measurement
arguments are added (``target``/``time_limit``/``metric_every`` for the ring, ``snapshot_fn`` for digits).
Bars (d positions, K categories, N rows):

- ``ring``: the 32×32 ring grid (d = 2, K = 32, N = 20000): exact JS <= 0.05 within 30 s and <= 0.03 within
  60 s of training (the history's ``seconds``: wall clock, exact-metric evaluation excluded).
- ``digits2`` / ``digits4``: 8×8 digits, binarised (K = 2) or 4-level (K = 4), d = 64, N = 1797: every class
  >= 5 % of 1000 samples and mean confidence >= 0.8 under the held-out classifier
  (:func:`bgan_teach.metrics.digits.digit_scores`), at some check (every 500 steps) within 5000 steps and 300 s.
- ``text`` / ``text_nets``: notebook 06's corpus (d = 16, K = 30), 2000 steps, with the default MLPs or with
  notebook 06's SequenceGenerator/SequenceCritic: bigram JS and word share of 2000 samples at least as good
  as the notebook's own setting (its networks, M 20, batch 32, Adam 1e-3 / 3e-3), same seed and steps
  (distinct-4, the share of distinct character 4-grams, is printed beside them: word share alone rewards
  repeating one word).
- ``protos``: 5 random binary prototypes of d = 32 (fixed, seed 12345), data = prototypes with each bit
  flipped with probability 0.05 (N = 2000), 3000 steps: every prototype covered, i.e. >= 5 % of 1000
  samples have it as nearest prototype (Hamming) within 3 flips.
- ``cring``: ``train_continuous(ring(), steps=3000)``: 8/8 modes (>= 1 % rule) and >= 80 % high quality.
- ``cnew``: ``train_continuous`` on a target it was not tuned on (6 modes: a pair 0.8 apart, the rest 2.7 to 7
  apart; weights 0.07 to 0.3, σ = 0.1), 3000 steps: 6/6 modes and >= 80 % high quality; the mode-balance KL
  (:func:`bgan_teach.metrics.modes.mode_balance_kl`, nats; about 0.001 for exact samples) is printed.

Single-threaded. "train s" is the trainer's own clock, "cpu s" this process's CPU time for the whole check
(training, metrics and scoring); on a shared machine wall time inflates and CPU time is the better guide.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time

import torch

from bgan_teach.data import Toy2D, ring, ring_grid
from bgan_teach.data.text import load_corpus
from bgan_teach.metrics import first_below, high_quality_fraction, modes_covered
from bgan_teach.metrics.modes import mode_balance_kl
from bgan_teach.metrics.digits import digit_data
from bgan_teach.metrics.text import diversity_metrics, text_snapshot_fn
from bgan_teach.models.sequence import SequenceCritic, SequenceGenerator, sample_sequences
from bgan_teach.training import train_continuous, train_discrete
from bgan_teach.training.digits_recipe import digit_snapshot_fn

NOTEBOOK_TEXT = dict(samples_per_z=20, batch_size=32, lr=1e-3, critic_lr=3e-3)   # notebook 06, full mode
RULE_NAMES = {"sqrt": math.sqrt, "log": math.log, "log2": math.log2, "ceil": math.ceil, "min": min, "max": max,
              "round": round, "int": int}


def resolve(cand: dict, data: torch.Tensor, k: int) -> dict:
    """The candidate for this data: a string value is a rule in d, K, N (e.g. ``"0.2 / K"``), evaluated here."""
    shape = dict(d=data.shape[1], K=k, N=data.shape[0])
    return {key: eval(value, {"__builtins__": {}}, {**RULE_NAMES, **shape}) if isinstance(value, str) else value
            for key, value in cand.items()}


def ring_check(seed: int, cand: dict, quick: bool) -> dict:
    grid = ring_grid(32)
    data = grid.sample(20_000, torch.Generator().manual_seed(1000 + seed))        # (N, 2) cells
    limit = 20.0 if quick else 60.0
    cpu = time.process_time()
    result = train_discrete(data, 32, steps=10**7, seed=seed, target=grid.probs(), time_limit=limit,
                            metric_every=50, progress=False, **resolve(cand, data, 32))
    cpu_per_step = (time.process_time() - cpu) / len(result.history)           # includes the exact metrics
    hit05, hit03 = first_below(result.history, 0.05), first_below(result.history, 0.03)
    ok = _within(hit05, 30.0) and (quick or _within(hit03, 60.0))
    return dict(numbers=f"JS<=0.05 at {_when(hit05, cpu_per_step)}, JS<=0.03 at {_when(hit03, cpu_per_step)}, "
                        f"JS at 30 s {_js_at(result.history, 30):.4f}, final {_last_js(result.history):.4f} "
                        f"({len(result.history)} steps)", ok=ok, seconds=result.seconds)


def _within(hit: dict, limit: float) -> bool:
    return hit["seconds"] is not None and hit["seconds"] <= limit


def _when(hit: dict, cpu_per_step: float) -> str:
    if hit["step"] is None:
        return "never"
    return f"{hit['seconds']:.1f} s (step {hit['step']}, ~{hit['step'] * cpu_per_step:.1f} s cpu)"


def _js_at(history, seconds: float) -> float:
    rows = [r for r in history.rows if math.isfinite(r.get("js", math.nan)) and r["seconds"] <= seconds]
    return rows[-1]["js"] if rows else math.nan


def _last_js(history) -> float:
    js = [v for v in history["js"] if math.isfinite(v)]
    return js[-1] if js else math.nan


def digits_check(k: int):
    def check(seed: int, cand: dict, quick: bool) -> dict:
        steps = 1000 if quick else 5000
        data = digit_data(k)
        result = train_discrete(data, k, steps=steps, seed=seed, snapshot_every=500, progress=False,
                                snapshot_fn=digit_snapshot_fn(k, 1000), **resolve(cand, data, k))
        first = None
        for view in result.extras():
            seconds = 0.0 if view["step"] == 0 else float(result.history["seconds"][view["step"] - 1])
            if view["classes_covered"] == 10 and view["confidence"] >= 0.8 and seconds <= 300 and first is None:
                first = (view["step"], seconds)
        last = result.extras()[-1]
        met = "never" if first is None else f"step {first[0]} ({first[1]:.0f} s)"
        return dict(numbers=f"bar met at {met}; final: classes>=5% {last['classes_covered']}/10, min class "
                            f"{last['min_class_fraction']:.3f}, confidence {last['confidence']:.3f}",
                    ok=first is not None, seconds=result.seconds)
    return check


_CACHE: dict = {}        # the corpus, and notebook 06's reference run per (seed, steps)


def _corpus():
    if "corpus" not in _CACHE:
        _CACHE["corpus"] = load_corpus(length=16, seed=0)
    return _CACHE["corpus"]


def _notebook_text(seed: int, steps: int) -> dict:
    if (seed, steps) not in _CACHE:
        _CACHE[seed, steps] = _text_run(seed, steps, True, **NOTEBOOK_TEXT)[0]
    return _CACHE[seed, steps]


def _text_run(seed: int, steps: int, nets: bool, **settings) -> tuple[dict, float]:
    corpus = _corpus()
    k = corpus.num_categories
    modules = dict(generator=SequenceGenerator(16, k, seed=seed), critic=SequenceCritic(16, k, seed=seed + 1)) \
        if nets else {}
    result = train_discrete(corpus.train, k, steps=steps, seed=seed, progress=False, **modules,
                            **resolve(settings, corpus.train, k))
    metrics = text_snapshot_fn(corpus, n_eval=2000)(result)                      # 2000 samples drawn with seed 1
    samples = sample_sequences(result.generator, 2000, 1)                         # (2000, 16): the same samples
    return {**metrics, **diversity_metrics(samples, k)}, result.seconds


def text_check(nets: bool):
    def check(seed: int, cand: dict, quick: bool) -> dict:
        steps = 300 if quick else 2000
        ref = _notebook_text(seed, steps)
        got, seconds = _text_run(seed, steps, nets, **cand)
        ok = got["bigram_js"] <= ref["bigram_js"] and got["word_share"] >= ref["word_share"]
        return dict(numbers=f"bigram JS {got['bigram_js']:.4f} (notebook {ref['bigram_js']:.4f}), word share "
                            f"{got['word_share']:.1%} (notebook {ref['word_share']:.1%}), distinct-4 "
                            f"{got['distinct_4']:.2f} (notebook {ref['distinct_4']:.2f}); "
                            f"'{got['samples'][0]}'", ok=ok, seconds=seconds)
    return check


def prototype_data(d: int = 32, n_protos: int = 5, n: int = 2000, flip: float = 0.05, seed: int = 12345):
    """(prototypes (5, d), data (n, d)): random binary prototypes and copies with each bit flipped w.p. ``flip``."""
    gen = torch.Generator().manual_seed(seed)
    protos = torch.randint(0, 2, (n_protos, d), generator=gen)                    # (P, d)
    rows = protos[torch.randint(0, n_protos, (n,), generator=gen)]                # (n, d)
    flips = (torch.rand(n, d, generator=gen) < flip).long()
    return protos, (rows + flips) % 2


def prototype_coverage(samples, protos, max_flips: int = 3, share: float = 0.05) -> tuple[list[float], float]:
    """Per prototype: the share of samples that have it as nearest (Hamming) and lie within ``max_flips``."""
    dist = (samples.unsqueeze(1) != protos.unsqueeze(0)).sum(-1)                  # (n, P) Hamming distances
    nearest, near = dist.min(1)[1], dist.min(1)[0] <= max_flips                    # (n,), (n,)
    shares = [float(((nearest == p) & near).double().mean()) for p in range(len(protos))]
    return shares, float(near.double().mean())


def protos_check(seed: int, cand: dict, quick: bool) -> dict:
    protos, data = prototype_data()
    result = train_discrete(data, 2, steps=1000 if quick else 3000, seed=seed, progress=False,
                            **resolve(cand, data, 2))
    shares, close = prototype_coverage(result.generator.sample(1000, torch.Generator().manual_seed(seed)), protos)
    covered = sum(s >= 0.05 for s in shares)
    return dict(numbers=f"{covered}/5 covered, shares {' '.join(f'{s:.2f}' for s in shares)}, "
                        f"within 3 flips {close:.0%}", ok=covered == 5, seconds=result.seconds)


def new_target() -> Toy2D:
    """6 modes at different distances (a pair 0.8 apart, the rest 2.7-7 apart) and unequal weights, σ = 0.1."""
    centers = [(0.0, 0.0), (0.8, 0.0), (3.0, 1.5), (-2.5, 2.0), (-1.0, -3.0), (3.0, -2.5)]
    weights = [0.3, 0.07, 0.2, 0.15, 0.18, 0.1]
    return Toy2D(centers, 0.1, weights, name="6 uneven modes")


def continuous_check(target_fn):
    def check(seed: int, cand: dict, quick: bool) -> dict:
        target = target_fn()
        result = train_continuous(target, steps=1000 if quick else 3000, seed=seed, progress=False, **cand)
        x = result.generator.sample(2000, torch.Generator().manual_seed(seed))    # (2000, 2)
        modes, hq, n = modes_covered(x, target), high_quality_fraction(x, target), len(target.modes)
        return dict(numbers=f"modes {modes}/{n}, high quality {hq:.0%}, balance KL {mode_balance_kl(x, target):.3f}",
                    ok=modes == n and hq >= 0.8, seconds=result.seconds)
    return check


CHECKS = {"ring": ring_check, "digits2": digits_check(2), "digits4": digits_check(4), "text": text_check(False),
          "text_nets": text_check(True), "protos": protos_check, "cring": continuous_check(ring),
          "cnew": continuous_check(new_target)}
CONTINUOUS = ("cring", "cnew")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one seed, short budgets (a smoke run, not the bars)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--only", nargs="+", choices=list(CHECKS), default=list(CHECKS))
    ap.add_argument("--candidate", type=json.loads, default={}, help="JSON of train_discrete options")
    ap.add_argument("--continuous-candidate", type=json.loads, default={}, help="JSON of train_continuous options")
    args = ap.parse_args()
    quick = args.quick or os.environ.get("BGAN_BENCH_QUICK") == "1"
    seeds = args.seeds[:1] if quick else args.seeds
    torch.set_num_threads(1)
    for key in ("betas",):
        for cand in (args.candidate, args.continuous_candidate):
            if key in cand:
                cand[key] = tuple(cand[key])
    print(f"defaults benchmark: {'quick (smoke run)' if quick else 'full'}, seeds {seeds}, torch threads 1, "
          f"candidate {args.candidate or 'none'}, continuous candidate {args.continuous_candidate or 'none'}")
    if quick:
        print("quick budgets (ring 20 s, digits 1000 steps, text 300, prototypes 1000, continuous 1000): the bar "
              "column (lower case) applies the bars to these short runs; it is not the verdict of the full run")
    print(f"{'check':<10s} {'seed':>4s} {'bar':>4s} {'train s':>8s} {'cpu s':>7s}  numbers")
    passed = {}
    for name in args.only:
        cand = args.continuous_candidate if name in CONTINUOUS else args.candidate
        for seed in seeds:
            cpu = time.process_time()
            row = CHECKS[name](seed, dict(cand), quick)
            cpu = time.process_time() - cpu
            passed.setdefault(name, []).append(row["ok"])
            verdict = ("pass" if row["ok"] else "fail") if quick else ("PASS" if row["ok"] else "FAIL")
            print(f"{name:<10s} {seed:>4d} {verdict:>4s} {row['seconds']:8.1f} {cpu:7.1f}  "
                  f"{row['numbers']}", flush=True)
    for name, oks in passed.items():
        print(f"defaults {name}: {sum(oks)}/{len(oks)} seeds pass{' (quick budgets)' if quick else ''}")


if __name__ == "__main__":
    main()
