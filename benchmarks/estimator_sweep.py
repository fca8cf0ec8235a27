"""Equal tuning: every estimator's learning rate from one sweep, the same grid for all (notebooks 03 and 06).

    .venv/bin/python benchmarks/estimator_sweep.py              # ring and text, seeds 1 and 2 (~25 min, 1 thread)
    .venv/bin/python benchmarks/estimator_sweep.py --only ring  # one part
    .venv/bin/python benchmarks/estimator_sweep.py --resume     # keep the runs already in the JSON, run the rest
    .venv/bin/python benchmarks/estimator_sweep.py --table      # print the committed tables, train nothing
    .venv/bin/python benchmarks/estimator_sweep.py --quick      # 2 rates, 1 seed, short budgets: a smoke run

Grid: generator Adam rate lr in {3e-4, 1e-3, 3e-3, 1e-2}, critic rate 3·lr (the trainer's rule), seeds 1 and 2
(the notebooks show seed 0, which no sweep run uses). Setups, budgets and scores are defined once, in
``bgan_teach.lessons.sweep`` (the notebooks read them from there):

- ring (``results/ring_estimators.json``): ``train_discrete(data, 32, steps=1000, lr=lr, seed=seed, target=p, **setup)``
  on 20 000 cells of the 32×32 ring grid (data seed 0, notebook 03's data), every other setting at the trainer's
  defaults (M 20, B 64); setups BGAN per-z and global, REINFORCE with an EMA baseline and with the leave-one-out
  baseline, Gumbel-softmax straight-through with τ = 1 and annealed from τ = 3 (rate 1e-3, floor 0.5). Score:
  mean exact JS over the last 10 % of the steps (lower is better).
- text (``results/text_estimators.json``): notebook 06's corpus (16 characters, 30 symbols) and networks
  (``SequenceGenerator(16, K, seed=s)``, ``SequenceCritic(16, K, seed=s + 1)``), 2000 steps, B 16, M 20; setups
  BGAN, REINFORCE (EMA), REINFORCE-LOO. Score: bigram JS of 2000 samples of the final generator (lower is
  better); word share and distinct-4 are stored beside it.

Each run is appended to the JSON as soon as it ends (so ``--resume`` continues an interrupted sweep); the table
printed at the end marks each estimator's best rate with *. Quick mode writes under ``build/bench/`` and never
touches the committed results.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch

from bgan_teach.data import ring_grid
from bgan_teach.data.text import load_corpus
from bgan_teach.lessons.sweep import (LEARNING_RATES, RESULTS_DIR, RING, RING_ESTIMATORS, RING_LABELS, SWEEP_SEEDS,
                                      TEXT, TEXT_ESTIMATORS, best_learning_rates, load_sweep, ring_score, sweep_table)
from bgan_teach.metrics.text import diversity_metrics, text_snapshot_fn
from bgan_teach.models.sequence import SequenceCritic, SequenceGenerator, sample_sequences
from bgan_teach.training import train_discrete

REPO = Path(__file__).resolve().parents[1]
QUICK_DIR = REPO / "build" / "bench" / "estimator_sweep_quick"
QUICK = dict(lrs=(1e-3, 3e-3), seeds=(1,), ring_steps=60, text_steps=20)
_DATA: dict = {}


def ring_data():
    if "ring" not in _DATA:
        grid = ring_grid(RING["grid"])
        _DATA["ring"] = grid.sample(RING["n_data"], torch.Generator().manual_seed(RING["data_seed"])), grid.probs()
    return _DATA["ring"]


def corpus():
    if "text" not in _DATA:
        _DATA["text"] = load_corpus(length=TEXT["length"], seed=TEXT["corpus_seed"])
    return _DATA["text"]


def ring_run(setup: str, lr: float, seed: int, steps: int) -> dict:
    """One ring run: its score (mean exact JS of the last 10 % of steps), final and best JS, time, NaN stop."""
    data, p = ring_data()
    result = train_discrete(data, RING["grid"], steps=steps, lr=lr, seed=seed, target=p, progress=False,
                            **RING_ESTIMATORS[setup])
    js = result.history["js"]
    finite = js[js == js]
    return {"score": None if result.stopped else ring_score(js), "final_js": float(finite[-1]) if finite.size else None,
            "best_js": float(finite.min()) if finite.size else None, "seconds": round(result.seconds, 2),
            "stopped": result.stopped}


def text_run(setup: str, lr: float, seed: int, steps: int) -> dict:
    """One text run with notebook 06's networks: bigram JS (the score), word share and distinct-4 of 2000 samples."""
    text = corpus()
    k = text.num_categories
    result = train_discrete(text.train, k, generator=SequenceGenerator(TEXT["length"], k, seed=seed),
                            critic=SequenceCritic(TEXT["length"], k, seed=seed + 1), steps=steps,
                            batch_size=TEXT["batch_size"], samples_per_z=TEXT["samples_per_z"], lr=lr, seed=seed,
                            progress=False, **TEXT_ESTIMATORS[setup])
    metrics = text_snapshot_fn(text, n_eval=TEXT["n_eval"])(result)              # what notebook 06's last snapshot shows
    samples = sample_sequences(result.generator, TEXT["n_eval"], 1)              # the same 2000 samples (seed 1)
    distinct = diversity_metrics(samples, k)["distinct_4"]
    return {"score": None if result.stopped else metrics["bigram_js"], "word_share": metrics["word_share"],
            "distinct_4": distinct, "sample": metrics["samples"][0], "seconds": round(result.seconds, 2),
            "stopped": result.stopped}


PARTS = {"ring": (RING_ESTIMATORS, ring_run, RING["steps"]), "text": (TEXT_ESTIMATORS, text_run, TEXT["steps"])}


def meta(part: str, steps: int, lrs, seeds, quick: bool) -> dict:
    budget = {k: v for k, v in (RING if part == "ring" else TEXT).items()}
    budget["steps"] = steps
    score = ("mean exact JS over the last 10 % of the steps" if part == "ring" else
             "bigram JS of 2000 samples of the final generator")
    return {"date": datetime.date.today().isoformat(), "quick": quick, "part": part, "budget": budget,
            "learning_rates": list(lrs), "critic_lr": "3 * lr (trainer default)", "seeds": list(seeds),
            "setups": {name: kw for name, kw in PARTS[part][0].items()}, "score": score + " (lower is better)",
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, python {platform.python_version()}, "
                       f"torch {torch.__version__}, 1 thread, CPU",
            "command": "python benchmarks/estimator_sweep.py --only " + part + (" --quick" if quick else "")}


def sweep(part: str, out: Path, lrs, seeds, steps: int, quick: bool, resume: bool) -> dict:
    setups, run_one, _ = PARTS[part]
    data = {"meta": meta(part, steps, lrs, seeds, quick), "runs": []}
    if resume and out.exists():
        data["runs"] = json.loads(out.read_text())["runs"]
    done = {(r["setup"], r["lr"], r["seed"]) for r in data["runs"]}
    todo = [(s, lr, seed) for seed in seeds for s in setups for lr in lrs if (s, lr, seed) not in done]
    out.parent.mkdir(parents=True, exist_ok=True)
    wall, cpu = time.perf_counter(), time.process_time()
    for i, (setup, lr, seed) in enumerate(todo):
        row = {"setup": setup, "lr": lr, "seed": seed, **run_one(setup, lr, seed, steps)}
        data["runs"].append(row)
        out.write_text(json.dumps(data, indent=1) + "\n")
        score = "NaN stop" if row["score"] is None else f"{row['score']:.4f}"
        print(f"[{part} {i + 1}/{len(todo)}] {setup}, lr {lr:g}, seed {seed}: score {score}, {row['seconds']:.1f} s",
              file=sys.stderr, flush=True)
    data["meta"]["wall_s"] = round(time.perf_counter() - wall, 1)
    data["meta"]["cpu_s"] = round(time.process_time() - cpu, 1)
    out.write_text(json.dumps(data, indent=1) + "\n")
    return data


def report(part: str, data: dict) -> None:
    m = data["meta"]
    print(f"{part} sweep: {len(data['runs'])} runs, {m['budget']['steps']} steps each, seeds {m['seeds']}, "
          f"{m['date']}, {m['machine']}; score: {m['score']}")
    print(sweep_table(data, RING_LABELS if part == "ring" else None))
    for setup, lr in best_learning_rates(data).items():
        print(f"{part} best lr {setup}: {lr:g}")
    if "wall_s" in m:
        print(f"{part} sweep wall time: {m['wall_s']:.0f} s (CPU {m['cpu_s']:.0f} s)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 rates, 1 seed, short budgets (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=list(PARTS), default=list(PARTS))
    parser.add_argument("--out", type=Path, default=None, help="directory of the JSON files (default benchmarks/results)")
    parser.add_argument("--resume", action="store_true", help="keep the runs already written, run the rest")
    parser.add_argument("--table", action="store_true", help="print the tables of the JSON files and stop")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("BGAN_BENCH_QUICK") == "1"
    torch.set_num_threads(1)
    out_dir = args.out or (QUICK_DIR if quick else RESULTS_DIR)
    for part in args.only:
        path = out_dir / f"{part}_estimators.json"
        if args.table:
            report(part, load_sweep(part, path))
            continue
        steps = QUICK[f"{part}_steps"] if quick else PARTS[part][2]
        lrs, seeds = (QUICK["lrs"], QUICK["seeds"]) if quick else (LEARNING_RATES, SWEEP_SEEDS)
        report(part, sweep(part, path, lrs, seeds, steps, quick, args.resume))
    return 0


if __name__ == "__main__":
    sys.exit(main())
