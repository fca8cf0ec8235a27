"""Check that misuse of the public API gets a clear error: the exception type, and a message naming the parameter.

One table, one row per misuse: what a learner might type, the exception it must raise (``TypeError`` for a
value of the wrong kind, ``ValueError`` for a value of the right kind outside what is allowed), and a
pattern the message must contain (the parameter's name). A wrong-kind error is
:class:`~bgan_teach._checks.ArgumentTypeError`, a ``TypeError`` that is also a ``ValueError``.
The trainers and widgets have their own tests.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bgan_teach import config, estimators, losses, selfcheck, weights  # noqa: E402
from bgan_teach._checks import ArgumentTypeError  # noqa: E402
from bgan_teach.data import digits as ddig, grid as dgrid, text as dtext, toys2d  # noqa: E402
from bgan_teach.divergences import get  # noqa: E402
from bgan_teach.generator_losses import GENERATOR_LOSSES, get_generator_loss  # noqa: E402
from bgan_teach.metrics import digits as mdig, grid as mgrid, modes as mmodes, text as mtext  # noqa: E402
from bgan_teach.models import categorical as mcat, continuous as mcont, digits as mdigits  # noqa: E402
from bgan_teach.models import sequence as mseq, table as mtable  # noqa: E402
from bgan_teach.plotting import boundary as pbound, digits as pdig, discrete as pdisc, fdiv as pfdiv  # noqa: E402
from bgan_teach.plotting import text as ptext  # noqa: E402

INF, NAN = math.inf, math.nan
Z32, Z64 = torch.zeros(3, 2), torch.zeros(3, 2, dtype=torch.float64)
TEXT = "the cat sat on the mat and the dog ran off to the big red barn by the old mill " * 4


@lru_cache(maxsize=None)
def cat_gen():
    return mcat.CategoricalGenerator(2, 4, hidden=8)


@lru_cache(maxsize=None)
def seq_gen():
    return mseq.SequenceGenerator(8, 30, width=4)


@lru_cache(maxsize=None)
def corpus():
    return dtext.load_corpus(TEXT, length=8)


def codes():
    return torch.tensor([[1, 2, 3, 4], [2, 3, 4, 1]])


def axes(n: int = 1):
    fig, ax = plt.subplots(1, n)
    return ax


def entered(cm):
    with cm:
        pass


T, V = TypeError, ValueError
CASES = [
    # --- seeds -----------------------------------------------------------------------------------------
    ("make_generator(1.5)", lambda: config.make_generator(1.5), T, "seed"),
    ("make_generator(True)", lambda: config.make_generator(True), T, "seed"),
    ('make_generator("0")', lambda: config.make_generator("0"), T, "seed"),
    ("make_generator(None)", lambda: config.make_generator(None), T, "seed"),
    ("make_generator(2**64)", lambda: config.make_generator(2**64), V, "seed"),
    ("seeded(1.5)", lambda: entered(config.seeded(1.5)), T, "seed"),
    ("seeded(Generator)", lambda: entered(config.seeded(torch.Generator())), T, "seed"),
    ("MLPGenerator(seed=True)", lambda: mcont.MLPGenerator(seed=True), T, "seed"),
    ("SequenceGenerator(seed=1.5)", lambda: mseq.SequenceGenerator(8, 5, seed=1.5), T, "seed"),
    ("ring().sample(generator='0')", lambda: toys2d.ring().sample(10, "0"), T, "generator"),
    # --- data: 2-D targets -----------------------------------------------------------------------------
    ("ring(n_modes=2.5)", lambda: toys2d.ring(n_modes=2.5), T, "n_modes"),
    ('ring(n_modes="8")', lambda: toys2d.ring(n_modes="8"), T, "n_modes"),
    ("ring(radius=-2)", lambda: toys2d.ring(radius=-2), V, "radius"),
    ('ring(sigma="0.1")', lambda: toys2d.ring(sigma="0.1"), T, "sigma"),
    ("gaussian_grid(spacing=0)", lambda: toys2d.gaussian_grid(spacing=0), V, "spacing"),
    ("gaussian_grid(side=True)", lambda: toys2d.gaussian_grid(side=True), T, "side"),
    ("spiral(n_centers=0)", lambda: toys2d.spiral(n_centers=0), V, "n_centers"),
    ("spiral(turns=nan)", lambda: toys2d.spiral(turns=NAN), V, "turns"),
    ("from_points(booleans)", lambda: toys2d.from_points(np.array([[True, False], [False, True]])), T, "points"),
    ("from_points(inf)", lambda: toys2d.from_points([[0, 0], [1, INF]]), V, "points"),
    ("from_points(sigma=0)", lambda: toys2d.from_points(np.eye(2), sigma=0), V, "sigma"),
    ('from_points("abc")', lambda: toys2d.from_points("abc"), T, "points"),
    ("Toy2D(name=3)", lambda: toys2d.Toy2D([[0, 0]], 1.0, name=3), T, "name"),
    ("Toy2D(modes=nan)", lambda: toys2d.Toy2D([[0, 0]], 1.0, modes=[[NAN, 0]]), V, "modes"),
    ("ring().sample(-1)", lambda: toys2d.ring().sample(-1), V, "n"),
    ("ring().sample(2.5)", lambda: toys2d.ring().sample(2.5), T, "n"),
    ('ring().sample("10")', lambda: toys2d.ring().sample("10"), T, "n"),
    ("ring().log_prob((3, 3))", lambda: toys2d.ring().log_prob(torch.zeros(3, 3)), V, "x"),
    ('ring().log_prob("x")', lambda: toys2d.ring().log_prob("x"), T, "x"),
    ("ring().extent(margin=-1)", lambda: toys2d.ring().extent(margin=-1), V, "margin"),
    ('get_target("moons")', lambda: toys2d.get_target("moons"), V, "target"),
    ('get_target("ring", n=3)', lambda: toys2d.get_target("ring", n=3), V, "'n'"),
    ("get_target(3)", lambda: toys2d.get_target(3), T, "target"),
    # --- data: digits, grids, text ---------------------------------------------------------------------
    ("digits_quantized(2.5)", lambda: ddig.digits_quantized(2.5), T, "levels"),
    ("digits_quantized(1)", lambda: ddig.digits_quantized(1), V, "levels"),
    ("digits_binarized(2.5)", lambda: ddig.digits_binarized(2.5), T, "threshold"),
    ("digits_binarized(0)", lambda: ddig.digits_binarized(0), V, "threshold"),
    ("RingGrid(radius=100)", lambda: dgrid.RingGrid(radius=100).probs(), V, "radius"),
    ("RingGrid(size=1)", lambda: dgrid.RingGrid(size=1), V, "size"),
    ("RingGrid(size=2.0)", lambda: dgrid.RingGrid(size=2.0), T, "size"),
    ("RingGrid(sigma=0)", lambda: dgrid.RingGrid(sigma=0), V, "sigma"),
    ("RingGrid(weights=[1, 2])", lambda: dgrid.RingGrid(weights=[1, 2]), V, "weights"),
    ("RingGrid.sample(0)", lambda: dgrid.ring_grid(8).sample(0), V, "n"),
    ("RingGrid.sample(1.5)", lambda: dgrid.ring_grid(8).sample(1.5), T, "n"),
    ("RingGrid.sample(generator=1.5)", lambda: dgrid.ring_grid(8).sample(3, 1.5), T, "generator"),
    ("RingGrid.variant(foo=1)", lambda: dgrid.ring_grid(8).variant(foo=1), V, "foo"),
    ('reference_variants("grid")', lambda: dgrid.reference_variants("grid"), T, "grid"),
    ("load_corpus(missing path str)", lambda: dtext.load_corpus("/no/such/file"), V, "source"),
    ("load_corpus(missing Path)", lambda: dtext.load_corpus(Path("/no/such/file.txt")), V, "source"),
    ("load_corpus(a folder)", lambda: dtext.load_corpus(Path(__file__).parent), V, "source"),
    ("load_corpus(42)", lambda: dtext.load_corpus(42), T, "source"),
    ('load_corpus(held_out="0.1")', lambda: dtext.load_corpus(TEXT, held_out="0.1"), T, "held_out"),
    ("load_corpus(held_out=1.0)", lambda: dtext.load_corpus(TEXT, held_out=1.0), V, "held_out"),
    ("load_corpus(length=2.5)", lambda: dtext.load_corpus(TEXT, length=2.5), T, "length"),
    ("load_corpus(seed=1.5)", lambda: dtext.load_corpus(TEXT, seed=1.5), T, "seed"),
    ("load_corpus(alphabet=3)", lambda: dtext.load_corpus(TEXT, alphabet=3), T, "alphabet"),
    ("encode(42)", lambda: dtext.encode(42), T, "text"),
    ("decode(floats)", lambda: dtext.decode(torch.zeros(3)), V, "codes"),
    ('decode("abc")', lambda: dtext.decode("abc"), T, "codes"),
    ("decode(30)", lambda: dtext.decode(torch.tensor([0, 30])), V, "codes"),
    ("clean_text(None)", lambda: dtext.clean_text(None), T, "text"),
    ("text_sequences(length=1)", lambda: dtext.text_sequences("abc def", 1), V, "length"),
    ("text_sequences(5)", lambda: dtext.text_sequences(5, 4), T, "text"),
    # --- divergences -----------------------------------------------------------------------------------
    ('get("wasserstein")', lambda: get("wasserstein"), V, "divergence"),
    ("get(3)", lambda: get(3), V, "divergence"),
    ("bound(v_real=[])", lambda: get("gan").bound([], [1.0]), V, "v_real"),
    ("bound(v_fake=[])", lambda: get("kl").bound([0.0], []), V, "v_fake"),
    ('bound(v_real="a")', lambda: get("gan").bound("a", [0.0]), T, "v_real"),
    ("bound(v_real=[True])", lambda: get("gan").bound([True], [0.0]), T, "v_real"),
    ("exact(q negative)", lambda: get("kl").exact([0.5, 0.5], [1.2, -0.2]), V, "q"),
    ("exact(p empty)", lambda: get("kl").exact([], []), V, "p"),
    ("exact(p inf)", lambda: get("kl").exact([INF, 0.0], [0.5, 0.5]), V, "p"),
    ("exact(p, q shapes)", lambda: get("js").exact([0.5, 0.5], [1.0]), V, "p and q"),
    ("weight(t outside dom f*)", lambda: get("gan").weight(0.5), V, "t"),
    ("f_prime(u < 0)", lambda: get("kl").f_prime(-1.0), V, "u"),
    ('f("x")', lambda: get("kl").f("x"), T, "u"),
    ("log_weight(None)", lambda: get("gan").log_weight(None), T, "v"),
    ('logit_from_log_weight("a")', lambda: get("gan").logit_from_log_weight("a"), T, "log_w"),
    ("weighted_bound(shapes)", lambda: get("gan").weighted_bound([0.0], [0.5, 0.5], [0.5, 0.5]), V, "v"),
    ("optimal_logit(shapes)", lambda: get("gan").optimal_logit([1.0, 0.0], [1.0]), V, "p and q"),
    # --- weights ---------------------------------------------------------------------------------------
    ("normalized([])", lambda: weights.normalized([]), V, "log_w"),
    ("normalized((0, 3))", lambda: weights.normalized(torch.zeros(0, 3)), V, "log_w"),
    ("normalized(all -inf)", lambda: weights.normalized([-INF, -INF]), V, "log_w"),
    ("normalized(dim=2)", lambda: weights.normalized(Z32, dim=2), V, "dim"),
    ("normalized(dim=1.0)", lambda: weights.normalized(Z32, dim=1.0), T, "dim"),
    ('normalized("x")', lambda: weights.normalized("x"), T, "log_w"),
    ("normalized(nan)", lambda: weights.normalized([0.0, NAN]), V, "log_w"),
    ("log_partition((0, 3))", lambda: weights.log_partition(torch.zeros(0, 3)), V, "log_w"),
    ("effective_sample_size([])", lambda: weights.effective_sample_size([]), V, "w_tilde"),
    ("effective_sample_size(nan)", lambda: weights.effective_sample_size([0.5, NAN]), V, "w_tilde"),
    ("ess_from_log_weights(all -inf)", lambda: weights.effective_sample_size_from_log_weights([[-INF], [-INF]]),
     V, "log_w"),
    ("normalized_global([])", lambda: weights.normalized_global([]), V, "log_w"),
    ("log_partition_global([])", lambda: weights.log_partition_global([]), V, "log_w"),
    ("reweighted_density(q = 0)", lambda: weights.reweighted_density([0.0, 0.0], [0.0, 0.0]), V, "q"),
    ("reweighted_density(q nan)", lambda: weights.reweighted_density([0.0, 0.0], [NAN, 1.0]), V, "q"),
    # --- losses ----------------------------------------------------------------------------------------
    ("discriminator_loss(v_real=[])", lambda: losses.discriminator_loss("gan", [], [0.0]), V, "v_real"),
    ("boundary_seeking_loss([])", lambda: losses.boundary_seeking_loss("gan", []), V, "v_fake"),
    ("non_saturating_loss((0,))", lambda: losses.non_saturating_loss("gan", torch.zeros(0)), V, "v_fake"),
    ('minimax_loss("abc")', lambda: losses.minimax_loss("gan", "abc"), T, "v_fake"),
    ('boundary_seeking_loss(log_z="a")', lambda: losses.boundary_seeking_loss("gan", [0.0], log_z="a"), T, "log_z"),
    ('discriminator_loss("nope")', lambda: losses.discriminator_loss("nope", [0.0], [0.0]), V, "divergence"),
    ("ema(gamma=1)", lambda: losses.ema(None, 1.0, gamma=1.0), V, "gamma"),
    ('ema(gamma="0.9")', lambda: losses.ema(None, 1.0, gamma="0.9"), T, "gamma"),
    ('ema(new="x")', lambda: losses.ema(None, "x", 0.5), T, "new"),
    ('gradient_penalty("critic")', lambda: losses.gradient_penalty("critic", Z32), T, "critic"),
    ("gradient_penalty(x empty)", lambda: losses.gradient_penalty(mcont.MLPCritic(hidden=4), torch.zeros(0, 2)),
     V, "x"),
    ("gradient_penalty(x 1-D)", lambda: losses.gradient_penalty(mcont.MLPCritic(hidden=4), torch.zeros(3)), V, "x"),
    # --- generator losses ------------------------------------------------------------------------------
    ('get_generator_loss("foo")', lambda: get_generator_loss("foo"), V, "generator_loss"),
    ("generator loss mean([])", lambda: GENERATOR_LOSSES["boundary_seeking"].mean("gan", []), V, "v_fake"),
    ("log-Z loss without log_z", lambda: GENERATOR_LOSSES["boundary_seeking_log_z"].mean("gan", [0.0]), V, "log_z"),
    ('generator loss mean("foo")', lambda: GENERATOR_LOSSES["minimax"].mean("foo", [0.0]), V, "divergence"),
    # --- estimators ------------------------------------------------------------------------------------
    ("discrete_generator_loss(M = 0)", lambda: estimators.discrete_generator_loss(torch.zeros(0, 3), torch.zeros(0, 3)),
     V, "log_w"),
    ("discrete_generator_loss(B = 0)", lambda: estimators.discrete_generator_loss(torch.zeros(3, 0), torch.zeros(3, 0)),
     V, "log_w"),
    ("discrete_generator_loss(log_g shape)", lambda: estimators.discrete_generator_loss(Z32, torch.zeros(3, 3)),
     V, "log_g"),
    ('discrete_generator_loss("beta")', lambda: estimators.discrete_generator_loss(Z32, Z32, "beta"), V,
     "normalization"),
    ("discrete_generator_loss(1-D)", lambda: estimators.discrete_generator_loss(torch.zeros(3), torch.zeros(3)),
     V, "log_w"),
    ("normalized_weights(3)", lambda: estimators.normalized_weights(Z32, 3), V, "normalization"),
    ("reinforce(baseline shape)", lambda: estimators.reinforce_generator_loss(Z32, Z32, torch.zeros(5)), V,
     "baseline"),
    ('reinforce(baseline="a")', lambda: estimators.reinforce_generator_loss(Z32, Z32, "a"), T, "baseline"),
    ("leave_one_out_baseline(M = 1)", lambda: estimators.leave_one_out_baseline(torch.zeros(1, 3)), V, "log_w"),
    ("reinforce_loo(B = 0)", lambda: estimators.reinforce_loo_generator_loss(torch.zeros(3, 0), torch.zeros(3, 0)),
     V, "log_w"),
    ("gumbel_noise(int dtype)", lambda: estimators.gumbel_noise((3,), dtype=torch.int64), T, "dtype"),
    ("gumbel_noise(shape -1)", lambda: estimators.gumbel_noise((-1,)), V, "shape"),
    ("gumbel_noise(shape 2.5)", lambda: estimators.gumbel_noise((2.5,)), T, "shape"),
    ("gumbel_noise(generator=1.5)", lambda: estimators.gumbel_noise((3,), generator=1.5), T, "generator"),
    ("gumbel_softmax(tau=0)", lambda: estimators.gumbel_softmax(torch.zeros(2, 3), tau=0), V, "tau"),
    ('gumbel_softmax(tau="a")', lambda: estimators.gumbel_softmax(torch.zeros(2, 3), tau="a"), T, "tau"),
    ("gumbel_softmax(hard=1)", lambda: estimators.gumbel_softmax(torch.zeros(2, 3), hard=1), T, "hard"),
    ("gumbel_softmax(no categories)", lambda: estimators.gumbel_softmax(torch.zeros(2, 0)), V, "logits"),
    ("gumbel_temperature(-1)", lambda: estimators.gumbel_temperature(-1), V, "step"),
    ("gumbel_temperature(1.5)", lambda: estimators.gumbel_temperature(1.5), T, "step"),
    ("gumbel_temperature(floor=0)", lambda: estimators.gumbel_temperature(0, floor=0), V, "floor"),
    ('gumbel_temperature(rate="x")', lambda: estimators.gumbel_temperature(0, rate="x"), T, "rate"),
    # --- models ----------------------------------------------------------------------------------------
    ("CategoricalGenerator(K = 1)", lambda: mcat.CategoricalGenerator(2, 1), V, "num_categories"),
    ("CategoricalGenerator(2.5, 3)", lambda: mcat.CategoricalGenerator(2.5, 3), T, "num_positions"),
    ('CategoricalGenerator(noise="cauchy")', lambda: mcat.CategoricalGenerator(2, 3, noise="cauchy"), V, "noise"),
    ("CategoricalGenerator.sample(-1)", lambda: cat_gen().sample(-1), V, "n"),
    ("CategoricalGenerator.sample(2.5)", lambda: cat_gen().sample(2.5), T, "n"),
    ("CategoricalGenerator.sample(generator=1.5)", lambda: cat_gen().sample(3, generator=1.5), T, "generator"),
    ("CategoricalGenerator(z of width 5)", lambda: cat_gen()(torch.zeros(3, 5)), V, "z"),
    ("CategoricalGenerator.sample_many(m=0)", lambda: cat_gen().sample_many(torch.zeros(2, 16), 0), V, "m"),
    ("OneHotCritic(wrong one-hot width)", lambda: mcat.OneHotCritic(2, 4, hidden=4)(torch.zeros(3, 2, 5)), V, "x"),
    ("OneHotCritic(float64 x)", lambda: mcat.OneHotCritic(2, 4, hidden=4)(torch.zeros(3, 2, 4, dtype=torch.float64)),
     V, "x"),
    ("one_hot(index out of range)", lambda: mcat.one_hot(torch.tensor([0, 5]), 4), V, "x"),
    ("one_hot(float indices)", lambda: mcat.one_hot(torch.tensor([0.5]), 4), T, "x"),
    ("one_hot(K = 0)", lambda: mcat.one_hot(torch.tensor([0]), 0), V, "num_categories"),
    ("one_hot(int dtype)", lambda: mcat.one_hot(torch.tensor([0]), 4, dtype=torch.int64), T, "dtype"),
    ("sample_categorical((2, 3))", lambda: mcat.sample_categorical(torch.zeros(2, 3)), V, "logits"),
    ("sample_categorical(NaN logits)", lambda: mcat.sample_categorical(torch.full((1, 1, 3), NAN)), V, "logits"),
    ("sample_categorical(NaN logits, m=5)", lambda: mcat.sample_categorical(torch.full((1, 1, 3), NAN), 5), V, "logits"),
    ("sample_categorical(m=0)", lambda: mcat.sample_categorical(torch.zeros(1, 1, 3), 0), V, "m"),
    ("categorical_log_prob(x shape)", lambda: mcat.categorical_log_prob(torch.zeros(2, 3, 4), torch.zeros(2, 2).long()),
     V, "x"),
    ("categorical_log_prob(x range)", lambda: mcat.categorical_log_prob(torch.zeros(2, 3, 4), torch.full((2, 3), 4)),
     V, "x"),
    ("check_generator(Linear)", lambda: mcat.check_generator(torch.nn.Linear(2, 2), 5, 3), V, "noise_dim"),
    ("mlp(hidden=0)", lambda: mcont.mlp(2, 2, 0, 1), V, "hidden"),
    ('mlp(activation="swish")', lambda: mcont.mlp(2, 2, 8, 1, activation="swish"), V, "activation"),
    ("mlp(layers=-1)", lambda: mcont.mlp(2, 2, 8, -1), V, "layers"),
    ("MLPGenerator(components=-1)", lambda: mcont.MLPGenerator(components=-1), V, "components"),
    ("MLPGenerator(skip=1)", lambda: mcont.MLPGenerator(skip=1), T, "skip"),
    ("MLPGenerator.sample(-1)", lambda: mcont.MLPGenerator(hidden=4).sample(-1), V, "n"),
    ("MLPGenerator.sample(2.5)", lambda: mcont.MLPGenerator(hidden=4).sample(2.5), T, "n"),
    ("MLPGenerator(z of width 5)", lambda: mcont.MLPGenerator(hidden=4)(torch.zeros(3, 5)), V, "z"),
    ("MLPCritic(x of width 3)", lambda: mcont.MLPCritic(hidden=4)(torch.zeros(3, 3)), V, "x"),
    ("MLPCritic(float64 x)", lambda: mcont.MLPCritic(hidden=4)(Z64), V, "x"),
    ("MLPCritic(in_dim=0)", lambda: mcont.MLPCritic(in_dim=0), V, "in_dim"),
    ("DigitConvCritic(K = 1)", lambda: mdigits.DigitConvCritic(num_categories=1), V, "num_categories"),
    ("DigitConvCritic(wrong K)", lambda: mdigits.DigitConvCritic(2, channels=2, hidden=4)(torch.zeros(3, 64, 4)),
     V, "x"),
    ("DigitConvGenerator(K = 2.5)", lambda: mdigits.DigitConvGenerator(num_categories=2.5), T, "num_categories"),
    ("DigitConvGenerator.sample(0)", lambda: mdigits.DigitConvGenerator(channels=4).sample(0), V, "n"),
    ("to_image((3, 63, 2))", lambda: mdigits.to_image(torch.zeros(3, 63, 2)), V, "x"),
    ("from_image((3, 2, 7, 7))", lambda: mdigits.from_image(torch.zeros(3, 2, 7, 7)), V, "x"),
    ("SequenceGenerator(L = 1)", lambda: mseq.SequenceGenerator(1, 5), V, "num_positions"),
    ("SequenceGenerator.noise(0)", lambda: seq_gen().noise(0), V, "n"),
    ("SequenceGenerator(z of width 7)", lambda: seq_gen()(torch.zeros(3, 7)), V, "z"),
    ("SequenceCritic(transposed x)", lambda: mseq.SequenceCritic(10, 6, width=4)(torch.zeros(5, 6, 10)), V, "x"),
    ("sample_sequences(n=0)", lambda: mseq.sample_sequences(seq_gen(), 0), V, "n"),
    ('sample_sequences("gen")', lambda: mseq.sample_sequences("gen", 3), T, "generator"),
    ("sample_sequences(z rows)", lambda: mseq.sample_sequences(seq_gen(), 3, z=torch.zeros(2, 64)), V, "z"),
    ("TableCritic(0)", lambda: mtable.TableCritic(0), V, "k"),
    ("TableCritic(2.5)", lambda: mtable.TableCritic(2.5), T, "k"),
    ("PositionMLPCritic(hidden=0)", lambda: mtable.PositionMLPCritic(5, hidden=0), V, "hidden"),
    # --- metrics ---------------------------------------------------------------------------------------
    ("digit_scores(min_fraction=-1)", lambda: mdig.digit_scores(torch.zeros(5, 64).long(), 2, min_fraction=-1), V,
     "min_fraction"),
    ("digit_scores(float samples)", lambda: mdig.digit_scores(torch.zeros(5, 64), 2), V, "samples"),
    ("digit_scores(bool samples)", lambda: mdig.digit_scores(np.zeros((5, 64), bool), 2), V, "samples"),
    ("digit_classifier(2.0)", lambda: mdig.digit_classifier(2.0), T, "num_categories"),
    ("digit_data(18)", lambda: mdig.digit_data(18), V, "num_categories"),
    ("pixel_marginal_error(ragged)", lambda: mdig.pixel_marginal_error([[1], [2, 3]], 2), T, "samples"),
    ("exact_js(q = 0)", lambda: mgrid.exact_js([0.5, 0.5], [0.0, 0.0]), V, "q"),
    ("exact_js(cells)", lambda: mgrid.exact_js([0.5, 0.5], [1.0]), V, "p"),
    ('exact_js("a")', lambda: mgrid.exact_js("a", [1.0]), T, "p"),
    ("exact_kl([])", lambda: mgrid.exact_kl([], []), V, "q"),
    ("model_table(num_z=0)", lambda: mgrid.model_table(cat_gen(), num_z=0), V, "num_z"),
    ("model_table(num_z=2.5)", lambda: mgrid.model_table(cat_gen(), num_z=2.5), T, "num_z"),
    ('model_table("gen")', lambda: mgrid.model_table("gen"), T, "generator"),
    ("model_table(seed=1.5)", lambda: mgrid.model_table(cat_gen(), seed=1.5), T, "seed"),
    ('critic_table(divergence="foo")', lambda: mgrid.critic_table(mcat.OneHotCritic(2, 4, hidden=4), "foo", 2, 4), V,
     "divergence"),
    ("critic_table(K = 0)", lambda: mgrid.critic_table(mcat.OneHotCritic(2, 4, hidden=4), "gan", 2, 0), V,
     "num_categories"),
    ('first_below(threshold="a")', lambda: mgrid.first_below({}, "a"), T, "threshold"),
    ("modes_covered(threshold=0)", lambda: mmodes.modes_covered(Z32, toys2d.ring(), threshold=0), V, "threshold"),
    ('modes_covered(rule="any")', lambda: mmodes.modes_covered(Z32, toys2d.ring(), rule="any"), V, "rule"),
    ("modes_covered(spiral)", lambda: mmodes.modes_covered(Z32, toys2d.spiral()), V, "modes"),
    ("nearest_mode(3-D samples)", lambda: mmodes.nearest_mode(torch.zeros(3, 3), toys2d.ring().modes), V, "samples"),
    ("high_quality_fraction(no samples)", lambda: mmodes.high_quality_fraction(torch.zeros(0, 2), toys2d.ring()), V,
     "samples"),
    ("mmd2(bandwidth=0)", lambda: mmodes.mmd2(Z32, Z32, bandwidth=0), V, "bandwidth"),
    ('mmd2(bandwidth="a")', lambda: mmodes.mmd2(Z32, Z32, bandwidth="a"), T, "bandwidth"),
    ("mmd2(one row)", lambda: mmodes.mmd2(torch.zeros(1, 2), Z32), V, "x"),
    ("mode_report(n_reference=0)", lambda: mmodes.mode_report(Z32, toys2d.ring(), n_reference=0), V, "n_reference"),
    ("mode_balance_kl(weights=[1])", lambda: mmodes.mode_balance_kl(Z32, toys2d.ring(), weights=[1.0]), V, "weights"),
    ("bigram_js(float samples)", lambda: mtext.bigram_js(torch.zeros(2, 3), codes(), 30), T, "samples"),
    ("bigram_distribution(code = K)", lambda: mtext.bigram_distribution(torch.tensor([[0, 30]]), 30), V, "codes"),
    ("bigram_distribution(bools)", lambda: mtext.bigram_distribution(torch.tensor([[True, False]]), 30), T, "codes"),
    ('word_share("the cat")', lambda: mtext.word_share("the cat", {"cat"}), T, "lines"),
    ("word_share(min_length=0)", lambda: mtext.word_share(["the cat "], {"cat"}, min_length=0), V, "min_length"),
    ("unigram_sampler(n=-1)", lambda: mtext.unigram_sampler(codes(), 30, -1), V, "n"),
    ("bigram_sampler(n=2.5)", lambda: mtext.bigram_sampler(codes(), 30, 2.5), T, "n"),
    ("distinct_n(n=0)", lambda: mtext.distinct_n(codes(), 30, 0), V, "n"),
    ("unique_share(no rows)", lambda: mtext.unique_share(torch.zeros(0, 3)), V, "samples"),
    ("temper(temperature=0)", lambda: mtext.temper(torch.zeros(3), 0), V, "temperature"),
    ('temper(temperature="1")', lambda: mtext.temper(torch.zeros(3), "1"), T, "temperature"),
    ("fit_ngram(order=0)", lambda: mtext.fit_ngram(codes(), 30, order=0), V, "order"),
    ("ngram_sampler(n=0)", lambda: mtext.ngram_sampler(codes(), 30, 0), V, "n"),
    ("ngram_sampler(seed=1.5)", lambda: mtext.ngram_sampler(codes(), 30, 5, seed=1.5), T, "seed"),
    ('text_metrics(corpus="corpus")', lambda: mtext.text_metrics(codes(), "corpus"), T, "corpus"),
    ("text_snapshot_fn(seed=Generator)", lambda: mtext.text_snapshot_fn(corpus(), seed=torch.Generator()), T, "seed"),
    ('reference_metrics("corpus")', lambda: mtext.reference_metrics("corpus"), T, "corpus"),
    ("temperature_sweep(T = 0)", lambda: mtext.temperature_sweep(corpus(), temperatures=(0,)), V, "temperature"),
    ("weighted_samples(m_samples=0)", lambda: mtext.weighted_samples(seq_gen(), mseq.SequenceCritic(8, 30, width=4),
                                                                     dtext.ALPHABET, m_samples=0), V, "m_samples"),
    # --- plotting --------------------------------------------------------------------------------------
    ("mosaic((3, 63))", lambda: pdig.mosaic(torch.zeros(3, 63), 2, 2), V, "samples"),
    ("mosaic(rows=0)", lambda: pdig.mosaic(torch.zeros(3, 64), 0, 2), V, "rows"),
    ("image_grid(ncol=0)", lambda: pbound.image_grid(torch.zeros(3, 64), ncol=0), V, "ncol"),
    ("image_grid((3, 63))", lambda: pbound.image_grid(torch.zeros(3, 63)), V, "x"),
    ("format_table([])", lambda: pdisc.format_table([]), V, "rows"),
    ('format_samples("abc")', lambda: ptext.format_samples("abc"), T, "samples"),
    ("SampleGridDisplay(K = 1)", lambda: pdig.SampleGridDisplay(axes(), num_categories=1), V, "num_categories"),
    ("TableDisplay(1-D table)", lambda: pdisc.TableDisplay(axes(), torch.zeros(3)), V, "table"),
    ("LogWeightDisplay(limit=0)", lambda: pdisc.LogWeightDisplay(axes(), torch.zeros(3, 3), limit=0), V, "limit"),
    ("FenchelDisplay(u_max=0.1)", lambda: pfdiv.FenchelDisplay("kl", u_max=0.1, axes=axes(2)), V, "u_max"),
    ("FenchelDisplay.update(t outside)", lambda: pfdiv.FenchelDisplay("gan", axes=axes(2)).update(0.5), V, "t"),
    ("DensityDisplay(p, q lengths)", lambda: pfdiv.DensityDisplay([0.5, 0.5], [1.0], ax=axes()), V, "p and q"),
]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("call, error, name", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_misuse_raises_naming_the_parameter(call, error, name):
    """Check that the misuse raises the expected exception type with a message naming the parameter."""
    with pytest.raises(error) as info:
        call()
    assert name in str(info.value), f"message does not name {name!r}: {info.value}"
    if error is ValueError:
        assert not isinstance(info.value, TypeError), "a value outside what is allowed is a ValueError, not a TypeError"


def test_the_table_is_large_and_names_are_unique():
    """Check that the misuse table covers many cases, each under its own name."""
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)) and len(names) >= 200


def test_type_errors_are_also_value_errors():
    """Check that a wrong-type error is both a TypeError and a ValueError (code catching either keeps working)."""
    with pytest.raises(ValueError):
        toys2d.ring(n_modes=2.5)
    assert issubclass(ArgumentTypeError, TypeError) and issubclass(ArgumentTypeError, ValueError)


@pytest.mark.parametrize("mine, reference", [("abc", 1.0), (None, 1.0), ([1, "a"], [1, 2]), ({"a": 1}, 1.0),
                                             ([[1], [2, 3]], [1.0]), (torch.tensor([1 + 1j]), 1.0), (1.0, "xyz")])
def test_selfcheck_prints_feedback_and_never_raises(mine, reference, capsys):
    """Check that selfcheck.check prints one line for values it cannot read and returns False (no traceback)."""
    assert selfcheck.check("x", mine, reference) is False
    out = capsys.readouterr().out
    assert out.startswith("x") and "cannot compare" in out and out.count("\n") == 1


def test_selfcheck_still_compares_numbers(capsys):
    """Check that selfcheck.check compares numbers as before: close values pass, far ones print MISMATCH."""
    assert selfcheck.check("close", [1.0, 2.0], torch.tensor([1.0, 2.0 + 1e-9]))
    assert not selfcheck.check("far", [1.0, 2.0], [1.0, 2.5])
    assert not selfcheck.check("shape", [1.0], [1.0, 2.0])
    out = capsys.readouterr().out
    assert "ok" in out and "MISMATCH" in out and "shape mismatch" in out


def test_seeds_are_not_truncated():
    """Check that an int seed still works and gives the run of that seed, and 1.5 is refused (not seed 1's run)."""
    a = torch.rand(3, generator=config.make_generator(1))
    assert torch.equal(a, torch.rand(3, generator=torch.Generator().manual_seed(1)))
    with pytest.raises(TypeError, match="seed"):
        config.make_generator(1.5)
    assert torch.equal(torch.rand(2, generator=config.make_generator(np.int64(4))),
                       torch.rand(2, generator=config.make_generator(4)))
