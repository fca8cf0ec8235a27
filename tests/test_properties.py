"""Check the public API's contract under random shapes, dtypes, sizes and special values (hypothesis).

The contract: a call either returns a result that is finite wherever the exact value is (and the correctly
signed inf where the exact value overflows the float range), or raises ``ValueError``/``TypeError`` whose
message names one of the function's parameters. It never returns NaN from finite input, never raises
anything else (no RuntimeError or IndexError from deep inside torch), and never hangs (sizes are bounded,
every example has a deadline and the module a timeout). float64 in gives float64 out.

Exact values come from mpmath at 100 significant digits (no overflow there), so "finite where the exact value
is" is checked against independent arithmetic: a value within half the float range must come out finite
and close (to 64 ulps of its condition, ``1 + |f| + |x f'|``), one beyond twice the range must be ±inf
with the exact sign. ``TRIED`` counts the calls; the last test prints the total. Hypothesis is derandomised
(same examples on every run) and keeps no example database.
"""
from __future__ import annotations

import collections
import inspect
import math
import re

import mpmath as mp
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bgan_teach import estimators, losses, weights
from bgan_teach.data import grid as dgrid, text as dtext, toys2d
from bgan_teach.divergences import DIVERGENCES
from bgan_teach.generator_losses import GENERATOR_LOSSES
from bgan_teach.metrics import grid as mgrid, modes as mmodes, text as mtext
from bgan_teach.models import categorical as mcat

pytestmark = pytest.mark.timeout(300)
mp.mp.dps = 100
SETTINGS = dict(deadline=5000, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
TRIED: collections.Counter = collections.Counter()
INF, NAN = math.inf, math.nan
DTYPES = [torch.float32, torch.float64]
LOG2 = mp.log(2)

# --- strategies --------------------------------------------------------------------------------------
EDGES = [0.0, -0.0, 1.0, -1.0, -2.0, 1e-30, -1e-30, 80.0, -80.0, 88.8, -88.8, 700.0, -700.0, 1e4, -1e4,
         1e19, -1e19, 3e38, -3e38]
FINITE = st.one_of(st.floats(-1e4, 1e4), st.sampled_from(EDGES), st.floats(width=32, allow_nan=False,
                                                                             allow_infinity=False))
WITH_INF = st.one_of(FINITE, st.sampled_from([INF, -INF]))
JUNK = st.sampled_from(["1", "abc", None, True, False, [1, "a"], {"a": 1}, b"x", 10**400, -10**400, 2.5, -3,
                        NAN, INF, (), [[1], [2, 3]], np.array(["x"]), np.ones(2, bool), 1 + 2j])
# Sizes stay small (a real size of 2**31 would allocate gigabytes); 2**63 and beyond must be refused before any work.
SIZES = st.one_of(st.integers(-3, 12), st.sampled_from([0, 1, 2**63, 2**64 + 1, -(2**70)]), st.floats(-3, 12), JUNK)


def vectors(elements=FINITE, min_size=0, max_size=6):
    return st.tuples(st.lists(elements, min_size=min_size, max_size=max_size), st.sampled_from(DTYPES))


def tensor(values, dtype) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype) if values else torch.zeros(0, dtype=dtype)


# --- the contract ------------------------------------------------------------------------------------
def attempt(fn, *args, **kwargs):
    """``(True, result)``, or ``(False, error)`` for a ValueError/TypeError naming one of ``fn``'s parameters."""
    TRIED[getattr(fn, "__qualname__", repr(fn))] += 1
    try:
        return True, fn(*args, **kwargs)
    except (TypeError, ValueError) as err:
        names = [n for n in inspect.signature(fn).parameters if n not in ("self", "args", "kwargs")]
        assert any(re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", str(err)) for n in names), \
            f"{fn.__qualname__} raised {type(err).__name__}({err}) naming none of its parameters {names}"
        return False, err


def no_nan(out) -> None:
    """Assert that a result (tensor, number, dict, list, tuple) holds no NaN."""
    if isinstance(out, torch.Tensor):
        assert not torch.isnan(out).any(), f"NaN from finite input: {out}"
    elif isinstance(out, float):
        assert not math.isnan(out), "NaN from finite input"
    elif isinstance(out, dict):
        for value in out.values():
            no_nan(value)
    elif isinstance(out, (list, tuple)):
        for value in out:
            no_nan(value)


def agrees(got: float, exact, x, slope, dtype, total=None) -> None:
    """``got`` against the exact ``exact`` (an mpf): finite and close in range, the signed inf beyond it."""
    if mp.isnan(exact):
        return
    fmax, eps = torch.finfo(dtype).max, torch.finfo(dtype).eps
    size = abs(exact) if total is None else total                       # Σ|terms| when ``got`` is a sum
    assert not math.isnan(got), f"NaN where the exact value is {mp.nstr(exact, 8)}"
    if size <= fmax / 2:
        assert math.isfinite(got), f"{got} where the exact value {mp.nstr(exact, 8)} is in range ({dtype})"
        cond = 1 + size + (abs(x * slope) if slope is not None and mp.isfinite(slope) and mp.isfinite(x) else 0)
        assert abs(mp.mpf(got) - exact) <= 64 * eps * cond, f"{got} vs exact {mp.nstr(exact, 12)} ({dtype})"
    elif abs(exact) >= 2 * fmax:
        assert got == math.copysign(INF, float(mp.sign(exact))), f"{got}: exact {mp.nstr(exact, 8)} overflows"


def _sum_size(*groups):
    """The largest magnitude a mean over each group, or their difference, passes through: the sum of |terms|
    before dividing by n (torch sums, then divides), and the two means together."""
    sums = [mp.fsum(abs(t) for t in g) for g in groups]
    return max(sums + [mp.fsum(s / len(g) for s, g in zip(sums, groups))])


def slope(fn, x):
    """dF/dx at x by a central difference at 100 digits (inf when F is not finite around x)."""
    if not mp.isfinite(x):
        return None
    dx = mp.mpf("1e-30") * (1 + abs(x))
    hi, lo = fn(x + dx), fn(x - dx)
    return (hi - lo) / (2 * dx) if hi is not None and lo is not None and mp.isfinite(hi - lo) else mp.inf


# --- exact references, one per row and method --------------------------------------------------------
def _sp(x):
    return mp.log1p(mp.exp(x))                                            # softplus, exact in mpmath


def _xlogx(u):
    return mp.mpf(0) if u == 0 else u * mp.log(u)


def _inv(x):
    return mp.inf if x == 0 else 1 / x


V_REF = {   # activation, conjugate_of_activation, log_weight, logit_from_log_weight; ``tiny`` for Pearson's floor
    "kl": (lambda v: v, lambda v: mp.exp(v - 1), lambda v, tiny: v - 1, lambda l: l + 1),
    "reverse_kl": (lambda v: -mp.exp(-v), lambda v: v - 1, lambda v, tiny: v, lambda l: l),
    "pearson": (lambda v: v, lambda v: v * v / 4 + v if v >= -2 else mp.mpf(-1),
                lambda v, tiny: mp.log(max(1 + v / 2, tiny)), lambda l: 2 * mp.expm1(l)),
    "neyman": (lambda v: 1 - mp.exp(-v), lambda v: 2 - 2 * mp.exp(-v / 2), lambda v, tiny: v / 2, lambda l: 2 * l),
    "squared_hellinger": (lambda v: 1 - mp.exp(-v), lambda v: mp.expm1(v), lambda v, tiny: 2 * v, lambda l: l / 2),
    "js": (lambda v: LOG2 - _sp(-v), lambda v: _sp(v) - LOG2, lambda v, tiny: v, lambda l: l),
    "gan": (lambda v: -_sp(-v), lambda v: _sp(v), lambda v, tiny: v, lambda l: l),
}
V_METHODS = ("activation", "conjugate_of_activation", "log_weight", "logit_from_log_weight")


def _f_ref(name, u):
    if u < 0:
        return mp.inf
    if u == mp.inf:
        return -mp.inf if name in ("gan", "reverse_kl") else mp.inf
    return {"kl": lambda: _xlogx(u), "reverse_kl": lambda: -mp.log(u) if u else mp.inf,
            "pearson": lambda: (u - 1) ** 2, "neyman": lambda: (1 - u) ** 2 * _inv(u) if u else mp.inf,
            "squared_hellinger": lambda: (mp.sqrt(u) - 1) ** 2,
            "js": lambda: _xlogx(u) - (u + 1) * mp.log((u + 1) / 2),
            "gan": lambda: _xlogx(u) - (u + 1) * mp.log(u + 1)}[name]()


def _f_prime_ref(name, u):
    if u < 0:
        return None                                                       # must raise
    if u == mp.inf:
        return {"kl": mp.inf, "reverse_kl": mp.mpf(0), "pearson": mp.inf, "neyman": mp.mpf(1),
                "squared_hellinger": mp.mpf(1), "js": LOG2, "gan": mp.mpf(0)}[name]
    if u == 0:
        return mp.mpf(-2) if name == "pearson" else -mp.inf
    return {"kl": 1 + mp.log(u), "reverse_kl": -1 / u, "pearson": 2 * (u - 1), "neyman": 1 - 1 / u**2,
            "squared_hellinger": 1 - 1 / mp.sqrt(u), "js": mp.log(2 * u / (1 + u)), "gan": mp.log(u / (1 + u))}[name]


DOMAIN = {"kl": lambda t: True, "reverse_kl": lambda t: t < 0, "pearson": lambda t: True, "neyman": lambda t: t <= 1,
          "squared_hellinger": lambda t: t < 1, "js": lambda t: t < LOG2, "gan": lambda t: t < 0}


def _f_star_ref(name, t):
    if not DOMAIN[name](t):
        return mp.inf
    return {"kl": lambda: mp.exp(t - 1), "reverse_kl": lambda: -1 - mp.log(-t),
            "pearson": lambda: t * t / 4 + t if t >= -2 else mp.mpf(-1), "neyman": lambda: 2 - 2 * mp.sqrt(1 - t),
            "squared_hellinger": lambda: t * _inv(1 - t) if t > -mp.inf else mp.mpf(-1),
            "js": lambda: -mp.log(2 - mp.exp(t)), "gan": lambda: -mp.log(-mp.expm1(t))}[name]()


def _weight_ref(name, t):
    if not DOMAIN[name](t):
        return None                                                       # must raise
    return {"kl": lambda: mp.exp(t - 1), "reverse_kl": lambda: -_inv(t), "pearson": lambda: max(1 + t / 2, 0),
            "neyman": lambda: _inv(mp.sqrt(1 - t)), "squared_hellinger": lambda: _inv((1 - t) ** 2),
            "js": lambda: mp.exp(t) / (2 - mp.exp(t)), "gan": lambda: -mp.exp(t) * _inv(mp.expm1(t))}[name]()


# --- divergences: every method of every row ----------------------------------------------------------
@pytest.mark.parametrize("name", list(DIVERGENCES))
@pytest.mark.parametrize("method", V_METHODS)
@settings(max_examples=120, **SETTINGS)
@given(data=vectors(WITH_INF))
def test_logit_methods_match_exact_values(name, method, data):
    """Check that each logit method is finite and exact in range, the signed inf beyond, gradients never NaN."""
    values, dtype = data
    v = tensor(values, dtype).requires_grad_(True)
    ok, out = attempt(getattr(DIVERGENCES[name], method), v)
    assert ok and out.dtype == dtype and out.shape == v.shape
    ref = V_REF[name][V_METHODS.index(method)]
    if method == "log_weight":
        tiny = mp.mpf(torch.finfo(dtype).tiny)
        ref = (lambda r: lambda x: r(x, tiny))(ref)
    for x, got in zip(v.detach().tolist(), out.detach().tolist()):
        agrees(got, ref(mp.mpf(x)), mp.mpf(x), slope(ref, mp.mpf(x)), dtype)
    if v.numel():
        (grad,) = torch.autograd.grad(out.sum(), v)
        assert not torch.isnan(grad).any(), f"NaN gradient at {values}"
        small = v.detach().abs() <= 80
        assert torch.isfinite(grad[small]).all(), f"non-finite gradient at |v| <= 80: {values}"


@pytest.mark.parametrize("name", list(DIVERGENCES))
@pytest.mark.parametrize("method", ["f", "f_prime", "f_star", "weight"])
@settings(max_examples=80, **SETTINGS)
@given(data=vectors(st.one_of(WITH_INF, st.floats(0, 1e38), st.floats(-3, 3))))
def test_table_methods_match_exact_values(name, method, data):
    """Check f, f', f*, w: exact in range, signed inf beyond, +inf / ValueError outside their domains."""
    values, dtype = data
    x = tensor(values, dtype)
    ref = {"f": _f_ref, "f_prime": _f_prime_ref, "f_star": _f_star_ref, "weight": _weight_ref}[method]
    exact = [ref(name, mp.mpf(a)) for a in x.tolist()]
    ok, out = attempt(getattr(DIVERGENCES[name], method), x)
    if any(e is None for e in exact):
        assert not ok, f"{method} accepted {values} outside its domain"
        return
    assert ok and out.dtype == dtype
    for a, got, e in zip(x.tolist(), out.tolist(), exact):
        agrees(got, e, mp.mpf(a), slope(lambda y: ref(name, y), mp.mpf(a)), dtype)


@pytest.mark.parametrize("name", list(DIVERGENCES))
@settings(max_examples=150, **SETTINGS)
@given(real=vectors(FINITE), fake=vectors(FINITE))
def test_bound_and_critic_loss_match_exact_values(name, real, fake):
    """Check bound = E_P[g] − E_Q[f*∘g] and the critic loss −bound: exact in range, the signed inf beyond (Neyman)."""
    (vr, dtype), (vf, _) = real, fake
    v_real, v_fake = tensor(vr, dtype), tensor(vf, dtype)
    ok, out = attempt(DIVERGENCES[name].bound, v_real, v_fake)
    ok_loss, loss = attempt(losses.discriminator_loss, name, v_real, v_fake)
    assert ok == ok_loss == bool(vr and vf)
    if not ok:
        return
    act, conj = V_REF[name][0], V_REF[name][1]
    real_terms, fake_terms = [act(mp.mpf(a)) for a in v_real.tolist()], [conj(mp.mpf(b)) for b in v_fake.tolist()]
    exact = mp.fsum(real_terms) / len(vr) - mp.fsum(fake_terms) / len(vf)
    total = _sum_size(real_terms, fake_terms)
    agrees(out.item(), exact, None, None, dtype, total=total)
    agrees(loss.item(), -exact, None, None, dtype, total=total)
    assert out.dtype == loss.dtype == dtype


@pytest.mark.parametrize("name", list(DIVERGENCES))
@settings(max_examples=60, **SETTINGS)
@given(k=st.integers(1, 5), seed=st.integers(0, 2**31), scale=st.sampled_from([1.0, 30.0, 1e4]),
       zeros=st.booleans(), dtype=st.sampled_from(DTYPES))
def test_tables_exact_optimal_logit_and_weighted_bound(name, k, seed, scale, zeros, dtype):
    """Check exact(), optimal_logit() and weighted_bound() on random tables (with empty cells): never NaN."""
    gen = torch.Generator().manual_seed(seed)
    p, q = torch.rand(k, generator=gen, dtype=dtype), torch.rand(k, generator=gen, dtype=dtype)
    if zeros and k > 1:
        p[0], q[-1] = 0.0, 0.0
    p, q = p / p.sum(), q / q.sum()
    div = DIVERGENCES[name]
    for fn, args in ((div.exact, (p, q)), (div.optimal_logit, (p, q)),
                     (div.weighted_bound, (scale * torch.randn(k, generator=gen, dtype=dtype), p, q))):
        ok, out = attempt(fn, *args)
        assert ok and out.dtype == dtype
        no_nan(out)
    ok, at_optimum = attempt(div.weighted_bound, div.optimal_logit(p, q), p, q)
    assert ok and not torch.isnan(at_optimum)


@pytest.mark.parametrize("fn", [lambda d: d.f, lambda d: d.f_star, lambda d: d.activation, lambda d: d.log_weight,
                                lambda d: d.bound, lambda d: d.exact, lambda d: d.weighted_bound])
@settings(max_examples=30, **SETTINGS)
@given(junk=JUNK, name=st.sampled_from(list(DIVERGENCES)))
def test_divergence_methods_reject_junk_by_name(fn, junk, name):
    """Check that strings, None, bools, ragged lists and objects raise TypeError/ValueError naming a parameter."""
    method = fn(DIVERGENCES[name])
    nargs = len(inspect.signature(method).parameters)
    ok, out = attempt(method, *([junk] * nargs))
    if ok and isinstance(junk, (int, float)) and math.isfinite(junk):
        no_nan(out)


# --- weights, losses, generator losses, estimators ---------------------------------------------------
@settings(max_examples=300, **SETTINGS)
@given(m=st.integers(0, 5), b=st.integers(0, 4), fill=st.sampled_from([0.0, -INF, 1e4, -1e4, 88.8, INF, NAN]),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 1000), dim=st.sampled_from([0, 1, -1, 2, 1.0, True]))
def test_weights_contract(m, b, fill, dtype, seed, dim):
    """Check the weights functions: normalised weights sum to 1, ESS in [1, M], log partition exact, or a named error."""
    log_w = 50 * torch.randn(m, b, generator=torch.Generator().manual_seed(seed), dtype=dtype)
    if log_w.numel():
        log_w[0, 0] = fill
    nan_free = not torch.isnan(log_w).any()
    for fn in (weights.normalized, weights.log_normalized, weights.log_partition,
               weights.effective_sample_size_from_log_weights):
        ok, out = attempt(fn, log_w, dim)
        if ok:
            assert out.dtype == dtype and (not nan_free or not torch.isnan(out).any())
            if fn is weights.normalized:
                torch.testing.assert_close(out.sum(dim), torch.ones_like(out.sum(dim)))
                ok_ess, ess = attempt(weights.effective_sample_size, out, dim)
                assert ok_ess and ((ess >= 1 - 1e-4) & (ess <= log_w.shape[dim] + 1e-3)).all()
            if fn is weights.log_partition and nan_free:
                d = dim % 2
                for col, got in zip(log_w.movedim(d, -1).reshape(-1, log_w.shape[d]).tolist(), out.flatten().tolist()):
                    exact = mp.log(mp.fsum(mp.exp(mp.mpf(x)) for x in col) / len(col))
                    agrees(got, exact, None, None, dtype, total=abs(exact))
    for fn in (weights.normalized_global, weights.log_partition_global):
        ok, out = attempt(fn, log_w)
        assert ok == (log_w.numel() > 0 and nan_free and fill != INF and (fn is weights.log_partition_global
                                                                           or not torch.isneginf(log_w).all()))


@pytest.mark.parametrize("loss", ["boundary_seeking_loss", "non_saturating_loss", "minimax_loss"])
@settings(max_examples=150, **SETTINGS)
@given(data=vectors(FINITE), name=st.sampled_from(list(DIVERGENCES)), log_z=st.one_of(st.none(), FINITE, JUNK))
def test_generator_losses_contract(loss, data, name, log_z):
    """Check the continuous generator losses and their table rows: exact means in range, the signed inf beyond."""
    values, dtype = data
    v = tensor(values, dtype)
    kwargs = {"log_z": log_z} if loss == "boundary_seeking_loss" else {}
    ok, out = attempt(getattr(losses, loss), name, v, **kwargs)
    if not ok or (log_z is not None and not (isinstance(log_z, (int, float)) and abs(log_z) < 1e300)):
        return
    per_sample = {"boundary_seeking_loss": lambda x: (V_REF[name][2](x, mp.mpf(torch.finfo(dtype).tiny))
                                                      - mp.mpf(log_z or 0)) ** 2 / 2,
                  "non_saturating_loss": lambda x: -V_REF[name][0](x),
                  "minimax_loss": lambda x: -V_REF[name][1](x)}[loss]
    terms = [per_sample(mp.mpf(x)) for x in v.tolist()]
    agrees(out.item(), mp.fsum(terms) / len(terms), None, None, dtype, total=_sum_size(terms))
    row = {"boundary_seeking_loss": "boundary_seeking" if log_z is None else "boundary_seeking_log_z",
           "non_saturating_loss": "non_saturating", "minimax_loss": "minimax"}[loss]
    ok_row, mean = attempt(GENERATOR_LOSSES[row].mean, name, v, log_z)
    assert ok_row and (mean == out or (torch.isinf(mean) and mean == out) or torch.isclose(mean, out))


@settings(max_examples=150, **SETTINGS)
@given(m=st.integers(0, 5), b=st.integers(0, 4), fill=st.sampled_from([0.0, -1e4, 1e4, -INF, 88.8]),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 1000), baseline=st.one_of(FINITE, JUNK),
       normalization=st.sampled_from(["per_z", "global", "beta", 3]))
def test_estimators_contract(m, b, fill, dtype, seed, baseline, normalization):
    """Check the discrete estimators: finite losses from finite weights, or a named error (M = 0, B = 0, M = 1 LOO)."""
    gen = torch.Generator().manual_seed(seed)
    log_w, log_g = 30 * torch.randn(m, b, generator=gen, dtype=dtype), -torch.rand(m, b, generator=gen, dtype=dtype)
    if log_w.numel():
        log_w[0, 0] = fill
    finite = bool(torch.isfinite(log_w).all())
    calls = [(estimators.discrete_generator_loss, (log_w, log_g, normalization)),
             (estimators.normalized_weights, (log_w, normalization)),
             (estimators.reinforce_generator_loss, (log_w, log_g, baseline)),
             (estimators.leave_one_out_baseline, (log_w,)),
             (estimators.reinforce_loo_generator_loss, (log_w, log_g))]
    for fn, args in calls:
        ok, out = attempt(fn, *args)
        if ok and finite:
            assert torch.isfinite(out).all() or fn is estimators.reinforce_generator_loss, f"{fn.__name__}: {out}"
        if ok and finite and fn is estimators.normalized_weights:
            total = out.sum(0) if normalization == "per_z" else out.sum() / b
            torch.testing.assert_close(total, torch.ones_like(total))
        if ok:
            assert out.dtype == dtype


@settings(max_examples=100, **SETTINGS)
@given(shape=st.one_of(st.lists(st.integers(0, 4), max_size=3), SIZES), dtype=st.one_of(st.sampled_from(
    [torch.float32, torch.float64, torch.int64, torch.bool]), JUNK), seed=st.one_of(st.integers(0, 99), JUNK),
    tau=st.one_of(FINITE, JUNK), hard=st.one_of(st.booleans(), JUNK))
def test_gumbel_contract(shape, dtype, seed, tau, hard):
    """Check Gumbel noise and Gumbel-softmax: finite noise, rows summing to 1, one-hot when hard, or a named error."""
    ok, noise = attempt(estimators.gumbel_noise, shape, seed, dtype)
    if ok:
        assert torch.isfinite(noise).all() and noise.dtype == dtype
        if noise.ndim and noise.shape[-1]:
            ok_s, y = attempt(estimators.gumbel_softmax, 10 * noise, tau, hard, seed)
            if ok_s:
                assert torch.isfinite(y).all() and y.dtype == dtype
                torch.testing.assert_close(y.sum(-1), torch.ones_like(y.sum(-1)))
                if hard:
                    assert ((y.detach() == 0) | (y.detach() == 1)).all()


# --- data constructors and samplers ------------------------------------------------------------------
NUMBERS = st.one_of(st.floats(-5, 5), st.sampled_from([0, 1, 2, -1, 1e-300, 1e300, 2**70]), JUNK)


@settings(max_examples=150, **SETTINGS)
@given(kind=st.sampled_from(["ring", "grid", "spiral"]), size=st.one_of(st.integers(-2, 12), JUNK),
       scale=NUMBERS, sigma=NUMBERS, n=SIZES.filter(lambda n: not isinstance(n, int) or n < 200),
       seed=st.one_of(st.integers(0, 99), JUNK))
def test_toy_targets_contract(kind, size, scale, sigma, n, seed):
    """Check ring/gaussian_grid/spiral and their samplers: finite centres, (n, 2) finite samples, or a named error."""
    build = {"ring": lambda: toys2d.ring(size, scale, sigma), "grid": lambda: toys2d.gaussian_grid(size, scale, sigma),
             "spiral": lambda: toys2d.spiral(size, 1.5, scale, sigma)}[kind]
    fn = {"ring": toys2d.ring, "grid": toys2d.gaussian_grid, "spiral": toys2d.spiral}[kind]
    TRIED[fn.__qualname__] += 1
    try:
        target = build()
    except (TypeError, ValueError) as err:
        assert re.search(r"n_modes|side|n_centers|radius|spacing|sigma|turns", str(err)), str(err)
        return
    assert torch.isfinite(target.centers).all()
    ok, x = attempt(target.sample, n, seed)
    if ok:
        assert x.shape == (n, 2) and torch.isfinite(x).all()
        ok_lp, log_p = attempt(target.log_prob, x.double())
        assert ok_lp and log_p.dtype == torch.float64 and not torch.isnan(log_p).any() and (log_p < INF).all()


@settings(max_examples=100, **SETTINGS)
@given(points=st.one_of(st.lists(st.lists(WITH_INF, min_size=2, max_size=2), max_size=6), JUNK,
                        st.lists(st.lists(st.booleans(), min_size=2, max_size=2), min_size=2, max_size=3)),
       sigma=st.one_of(st.none(), NUMBERS))
def test_from_points_contract(points, sigma):
    """Check from_points: a target with finite centres and a finite sigma, or a named error (booleans, inf, N < 2)."""
    ok, target = attempt(toys2d.from_points, points, sigma)
    if ok:
        assert torch.isfinite(target.centers).all() and math.isfinite(target.sigma) and target.sigma > 0


@settings(max_examples=120, **SETTINGS)
@given(size=st.one_of(st.integers(-1, 40), JUNK), modes=st.one_of(st.integers(-1, 12), JUNK), radius=NUMBERS,
       sigma=NUMBERS, extent=NUMBERS, n=SIZES.filter(lambda n: not isinstance(n, int) or n < 500))
def test_ring_grid_contract(size, modes, radius, sigma, extent, n):
    """Check RingGrid: a finite table summing to 1 with finite samples on the grid, or a named error (never NaN)."""
    ok, grid = attempt(dgrid.RingGrid, size, modes, radius, sigma, extent)
    if not ok:
        return
    table = grid.probs()
    assert torch.isfinite(table).all() and abs(float(table.sum()) - 1) < 1e-9
    ok, x = attempt(grid.sample, n)
    if ok:
        assert x.shape == (n, 2) and ((x >= 0) & (x < grid.size)).all()


@settings(max_examples=60, **SETTINGS)
@given(text=st.one_of(st.text(max_size=80), JUNK), length=st.one_of(st.integers(-1, 12), JUNK),
       held_out=NUMBERS, seed=st.one_of(st.integers(0, 9), JUNK))
def test_text_corpus_contract(text, length, held_out, seed):
    """Check load_corpus/encode/decode on arbitrary text: codes in 0..K−1 that decode back, or a named error."""
    ok, corpus = attempt(dtext.load_corpus, text, length, held_out, dtext.ALPHABET, seed)
    if ok:
        assert corpus.train.min() >= 0 and corpus.train.max() < corpus.num_categories
        assert corpus.encode(corpus.decode(corpus.train[0])).equal(corpus.train[0])
    ok, codes = attempt(dtext.encode, text)
    if ok:
        assert dtext.decode(codes) == text


# --- models ------------------------------------------------------------------------------------------
@settings(max_examples=80, **SETTINGS)
@given(b=st.integers(0, 3), d=st.integers(0, 3), k=st.integers(0, 4), m=st.one_of(st.none(), SIZES),
       fill=st.sampled_from([0.0, 1e4, -1e4, -INF, INF, NAN, 88.8]), seed=st.one_of(st.integers(0, 9), JUNK),
       dtype=st.sampled_from(DTYPES))
def test_categorical_sampling_contract(b, d, k, m, fill, seed, dtype):
    """Check sample_categorical/categorical_log_prob/one_hot: draws in 0..K−1, log g ≤ 0, or a named error."""
    logits = torch.randn(b, d, k, generator=torch.Generator().manual_seed(3), dtype=dtype)
    if logits.numel():
        logits[0, 0, 0] = fill
    ok, x = attempt(mcat.sample_categorical, logits, m, seed)
    if not ok:
        return
    assert x.dtype == torch.long and (x.numel() == 0 or (x.min() >= 0 and x.max() < k))
    ok, log_g = attempt(mcat.categorical_log_prob, logits, x)
    assert ok and log_g.dtype == dtype and not torch.isnan(log_g).any() and (log_g <= 1e-6).all()
    ok, hot = attempt(mcat.one_hot, x, max(k, 1), dtype)
    assert ok and hot.dtype == dtype and (hot.sum(-1) == 1).all()


# --- metrics -----------------------------------------------------------------------------------------
@settings(max_examples=100, **SETTINGS)
@given(n=st.integers(0, 30), spread=st.sampled_from([0.01, 1.0, 100.0, 1e30, 1e200]),
       fill=st.sampled_from([0.0, INF, -INF, NAN]), rule=st.sampled_from(["fraction", "one_sample", "any"]),
       threshold=st.one_of(st.floats(-1, 2), JUNK), bandwidth=st.one_of(st.floats(-1, 3), JUNK))
def test_mode_metrics_contract(n, spread, fill, rule, threshold, bandwidth):
    """Check mode coverage, high quality, balance, log density and MMD on wild samples: in range, or a named error."""
    target = toys2d.ring()
    x = spread * torch.randn(n, 2, generator=torch.Generator().manual_seed(n), dtype=torch.float64)
    if n:
        x[0, 0] = fill
    finite = bool(torch.isfinite(x).all())
    ok, covered = attempt(mmodes.modes_covered, x, target, threshold, rule)
    assert not ok or 0 <= covered <= 8
    ok, hq = attempt(mmodes.high_quality_fraction, x, target)
    assert not ok or 0 <= hq <= 1
    ok, balance = attempt(mmodes.mode_balance_kl, x, target)
    assert not ok or math.isnan(balance) or 0 <= balance <= math.log(8) + 1e-9      # NaN: no high-quality sample
    ok, density = attempt(mmodes.mean_log_density, x, target)
    assert not ok or not finite or (not math.isnan(density) and density < INF)
    ok, mmd = attempt(mmodes.mmd2, x, target.sample(20, 1).double(), bandwidth)
    assert not ok or not finite or math.isfinite(mmd)


@settings(max_examples=100, **SETTINGS)
@given(k=st.integers(0, 6), seed=st.integers(0, 99), zeros=st.integers(0, 6), dtype=st.sampled_from(DTYPES))
def test_exact_table_metrics_contract(k, seed, zeros, dtype):
    """Check exact_js ∈ [0, log 2] and exact_kl ≥ 0 (inf where q = 0 < p) on random tables, or a named error."""
    gen = torch.Generator().manual_seed(seed)
    p, q = torch.rand(k, generator=gen, dtype=dtype), torch.rand(k, generator=gen, dtype=dtype)
    p[:zeros] = 0
    q[zeros // 2: zeros] = 0
    p = p / p.sum() if p.sum() > 0 else p
    ok, js = attempt(mgrid.exact_js, p, q)
    assert not ok or -1e-12 <= js <= math.log(2) + 1e-6
    ok, kl = attempt(mgrid.exact_kl, p, q)
    assert not ok or (not math.isnan(kl) and kl >= -1e-9)


@settings(max_examples=80, **SETTINGS)
@given(n=st.integers(0, 6), length=st.integers(0, 6), k=st.one_of(st.integers(-1, 31), JUNK),
       order=st.one_of(st.integers(-1, 7), JUNK), temperature=st.one_of(st.floats(-1, 3), JUNK), count=SIZES.filter(
           lambda c: not isinstance(c, int) or c < 100), dtype=st.sampled_from([torch.long, torch.int32, torch.float32,
                                                                                 torch.bool]))
def test_text_metrics_contract(n, length, k, order, temperature, count, dtype):
    """Check bigram JS, distinct-n, unique share and the n-gram sampler on random codes: in range, or a named error."""
    codes = torch.randint(0, 30, (n, length), generator=torch.Generator().manual_seed(n * 7 + length)).to(dtype)
    ok, js = attempt(mtext.bigram_js, codes, codes.flip(0), k)
    assert not ok or 0 <= js <= math.log(2) + 1e-9
    ok, share = attempt(mtext.distinct_n, codes, k, order)
    assert not ok or 0 < share <= 1
    ok, unique = attempt(mtext.unique_share, codes)
    assert not ok or 0 < unique <= 1
    ok, sampled = attempt(mtext.ngram_sampler, codes, k, count, order, temperature, 0)
    assert not ok or (sampled.shape == (count, length) and sampled.min() >= 0 and sampled.max() < k)


def test_zz_cases_tried():
    """Check that the property tests above made thousands of calls, and print how many (``pytest -s``)."""
    total = sum(TRIED.values())
    print(f"\nproperty tests: {total} calls over {len(TRIED)} public functions")
    assert total >= 3000


def test_float64_stays_float64_end_to_end():
    """Check that float64 input (tensors, NumPy arrays, .double() models) gives float64 output, with no float32 detour."""
    from bgan_teach._checks import as_tensor
    from bgan_teach.models import continuous as mcont, sequence as mseq

    tiny = 1 + 1e-12                                                          # lost in float32
    assert as_tensor(np.array([tiny]), "x").dtype == torch.float64 and as_tensor([tiny], "x", torch.float64).item() == tiny
    v = np.array([tiny, -1.0])
    for div in DIVERGENCES.values():
        for out in (div.bound(v, v), div.log_weight(v), div.activation(v), div.weighted_bound(v, [0.5, 0.5], [0.5, 0.5])):
            assert out.dtype == torch.float64
    exact = 0.5 * ((tiny - 1e-12) ** 2 + (-1 - 1e-12) ** 2) / 2                # 0.5 + 5e-13: float32 would say 0.5
    assert losses.boundary_seeking_loss("gan", v, log_z=1e-12).item() == pytest.approx(exact, rel=1e-14, abs=0)
    assert weights.normalized(v).dtype == weights.reweighted_density(v, [0.5, 0.5]).dtype == torch.float64
    log_w = torch.tensor([[tiny, 0.0], [0.0, 1.0]], dtype=torch.float64)
    assert estimators.reinforce_generator_loss(log_w, log_w, 1e-12).dtype == torch.float64
    generator = mcat.CategoricalGenerator(2, 4, hidden=8).double()
    assert generator.noise(3, 0).dtype == torch.float64 and generator.sample(5, 0).shape == (5, 2)
    critic = mcat.OneHotCritic(2, 4, hidden=8).double()
    assert mgrid.critic_table(critic, "gan", 2, 4).dtype == torch.float64 and mgrid.model_table(generator, 64).dtype == torch.float64
    assert mcont.MLPGenerator(hidden=4).double().sample(4).dtype == torch.float64
    seq = mseq.SequenceGenerator(4, 30, width=4).double()
    rows = mtext.weighted_samples(seq, mseq.SequenceCritic(4, 30, width=4).double(), dtext.ALPHABET, m_samples=3)
    assert len(rows) == 3 and all(math.isfinite(r[1]) for r in rows)
    target = toys2d.ring()
    assert target.sample(4, 0, torch.float64).dtype == torch.float64 and target.log_prob(np.zeros((2, 2))).dtype == torch.float64
