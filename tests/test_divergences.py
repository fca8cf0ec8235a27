"""Oracle tests for the f-divergence table (docs/math.md §7, §9.1-9.3, §9.6, §9.12)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.optimize import minimize_scalar

from bgan_teach import divergences
from bgan_teach.divergences import DIVERGENCES

NAMES = sorted(DIVERGENCES)
F64 = torch.float64

# Interior points of dom f* for each divergence (t values), used by the conjugate oracle.
T_POINTS = {
    "kl": [-2.0, -0.5, 0.0, 0.7, 2.0],
    "reverse_kl": [-5.0, -1.5, -1.0, -0.3, -0.05],
    "pearson": [-1.9, -1.0, 0.0, 0.5, 3.0],
    "neyman": [-4.0, -1.0, 0.0, 0.5, 0.9],
    "squared_hellinger": [-4.0, -1.0, 0.0, 0.5, 0.9],
    "js": [-4.0, -1.0, 0.0, 0.4, 0.65],
    "gan": [-4.0, -1.0, -0.69, -0.2, -0.02],
}


def numerical_conjugate(div, t: float) -> float:
    """sup_{u>0} (u t − f(u)) by a bounded scalar search over log u (independent of f_star)."""
    def neg(log_u):
        u = torch.tensor(math.exp(log_u), dtype=F64)
        return -(u * t - div.f(u)).item()

    res = minimize_scalar(neg, bounds=(-30.0, 12.0), method="bounded", options={"xatol": 1e-12})
    return -res.fun


@pytest.fixture
def two_point():
    return torch.tensor([0.5, 0.5], dtype=F64), torch.tensor([0.8, 0.2], dtype=F64)


def random_pq(seed: int, k: int = 7):
    gen = torch.Generator().manual_seed(seed)
    p = torch.rand(k, generator=gen, dtype=F64) + 0.05
    q = torch.rand(k, generator=gen, dtype=F64) + 0.05
    return p / p.sum(), q / q.sum()


def test_registry_has_the_seven_rows():
    """Check that DIVERGENCES holds the seven table rows of docs/math.md §7.1 and get() returns them."""
    assert set(NAMES) >= {"kl", "reverse_kl", "pearson", "neyman", "squared_hellinger", "js", "gan"}
    for name in NAMES:
        assert divergences.get(name) is DIVERGENCES[name]
        assert divergences.get(name).name == name


def test_unknown_name_lists_valid_names():
    """Check that an unknown name raises ValueError listing every valid name."""
    with pytest.raises(ValueError, match="unknown divergence 'wasserstein'") as err:
        divergences.get("wasserstein")
    for name in NAMES:
        assert name in str(err.value)


@pytest.mark.parametrize("name", NAMES)
def test_conjugate_matches_numerical_sup(name):
    """Check that f_star(t) equals sup_u (u t − f(u)) computed numerically on dom f*."""
    div = DIVERGENCES[name]
    for t in T_POINTS[name]:
        closed = div.f_star(torch.tensor(t, dtype=F64)).item()
        assert closed == pytest.approx(numerical_conjugate(div, t), abs=1e-6), t


def test_pearson_conjugate_below_minus_two_is_minus_one():
    """Check that with u ≥ 0 the Pearson conjugate is −1 for t < −2 (numerical sup agrees)."""
    div = DIVERGENCES["pearson"]
    for t in (-2.5, -4.0):
        assert div.f_star(torch.tensor(t, dtype=F64)).item() == pytest.approx(-1.0)
        assert numerical_conjugate(div, t) == pytest.approx(-1.0, abs=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_conjugate_is_inf_outside_domain(name):
    """Check that f* is +inf outside dom f* (reverse KL, Neyman, Hellinger, JS, GAN)."""
    div = DIVERGENCES[name]
    outside = {"reverse_kl": 0.5, "neyman": 1.5, "squared_hellinger": 1.5, "js": 1.0, "gan": 0.1}
    if name in outside:
        assert div.f_star(torch.tensor(outside[name], dtype=F64)).item() == math.inf
        with pytest.raises(ValueError, match="dom f"):
            div.weight(torch.tensor([outside[name]], dtype=F64))


@pytest.mark.parametrize("name", NAMES)
def test_weight_is_derivative_of_conjugate(name):
    """Check that weight(t) equals d f*/dt by autograd at interior points."""
    div = DIVERGENCES[name]
    t = torch.tensor(T_POINTS[name], dtype=F64, requires_grad=True)
    (grad,) = torch.autograd.grad(div.f_star(t).sum(), t)
    torch.testing.assert_close(div.weight(t.detach()), grad)


@pytest.mark.parametrize("name", NAMES)
def test_f_prime_matches_finite_differences(name):
    """Check that f_prime agrees with a central finite difference of f."""
    div = DIVERGENCES[name]
    u = torch.tensor([0.2, 0.7, 1.0, 1.9, 4.0], dtype=F64)
    h = 1e-6
    fd = (div.f(u + h) - div.f(u - h)) / (2 * h)
    torch.testing.assert_close(div.f_prime(u), fd, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_theorem1_weight_recovers_ratio(name, seed):
    """Check that (f*)'(f'(p/q)) == p/q for random discrete p, q (Theorem 1)."""
    div = DIVERGENCES[name]
    p, q = random_pq(seed)
    torch.testing.assert_close(div.weight(div.f_prime(p / q)), p / q)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bound_at_optimal_critic_equals_exact(name, seed):
    """Check that the bound at T* = f'(p/q) equals exact(p, q), and exact equals Σ q f(p/q)."""
    div = DIVERGENCES[name]
    p, q = random_pq(seed)
    t_star = div.f_prime(p / q)
    bound = (p * t_star).sum() - (q * div.f_star(t_star)).sum()
    generic = (q * div.f(p / q)).sum()
    torch.testing.assert_close(div.exact(p, q), generic)
    torch.testing.assert_close(bound, div.exact(p, q))
    v_star = div.optimal_logit(p, q)
    torch.testing.assert_close(div.weighted_bound(v_star, p, q), div.exact(p, q))
    torch.testing.assert_close(div.activation(v_star), t_star)


@pytest.mark.parametrize("name", NAMES)
def test_bound_is_below_exact_for_other_critics(name):
    """Check that any other critic gives a bound strictly below the divergence."""
    div = DIVERGENCES[name]
    p, q = random_pq(5)
    v = div.optimal_logit(p, q) + torch.linspace(-0.3, 0.3, p.numel(), dtype=F64)
    assert div.weighted_bound(v, p, q) < div.exact(p, q)


@pytest.mark.parametrize("name", NAMES)
def test_log_weight_matches_weight_of_activation(name):
    """Check that log_weight(v) == log weight(activation(v)) at moderate v (the closed forms agree)."""
    div = DIVERGENCES[name]
    v = torch.linspace(-1.5, 1.5, 13, dtype=F64)
    torch.testing.assert_close(div.log_weight(v), torch.log(div.weight(div.activation(v))))
    torch.testing.assert_close(div.conjugate_of_activation(v), div.f_star(div.activation(v)))
    torch.testing.assert_close(div.logit_from_log_weight(div.log_weight(v)), v)


def test_two_point_example_numbers(two_point):
    """Check the worked two-point example of docs/math.md §9.6."""
    p, q = two_point
    gan = DIVERGENCES["gan"]
    v_star = gan.optimal_logit(p, q)
    torch.testing.assert_close(v_star, torch.tensor([-0.470004, 0.916291], dtype=F64), atol=1e-6, rtol=0)
    torch.testing.assert_close(torch.sigmoid(v_star), torch.tensor([0.384615, 0.714286], dtype=F64), atol=1e-6, rtol=0)
    torch.testing.assert_close(gan.log_weight(v_star).exp(), torch.tensor([0.625, 2.5], dtype=F64))
    assert (q * gan.log_weight(v_star).exp()).sum().item() == pytest.approx(1.0)        # β = 1
    expected = {"kl": 0.223144, "reverse_kl": 0.192745, "squared_hellinger": 0.102633, "pearson": 0.5625,
                "neyman": 0.36, "gan": -1.284951, "js": 2 * 0.050672}
    for name, value in expected.items():
        assert DIVERGENCES[name].exact(p, q).item() == pytest.approx(value, abs=2e-6), name


def test_constants_at_one():
    """Check f(1) and f'(1) of every row (docs/math.md §9.3)."""
    one = torch.tensor(1.0, dtype=F64)
    f1 = {"gan": -math.log(4)}
    fp1 = {"kl": 1.0, "reverse_kl": -1.0, "pearson": 0.0, "neyman": 0.0, "squared_hellinger": 0.0, "js": 0.0,
           "gan": -math.log(2)}
    for name, div in DIVERGENCES.items():
        assert div.f(one).item() == pytest.approx(f1.get(name, 0.0), abs=1e-12), name
        assert div.f_prime(one).item() == pytest.approx(fp1[name], abs=1e-12), name


def test_gan_is_two_jsd_minus_log4():
    """Check D_GAN = 2·JSD − log 4 and D_JS = 2·JSD against scipy's jensenshannon."""
    from scipy.spatial.distance import jensenshannon

    p, q = random_pq(11)
    jsd = jensenshannon(p.numpy(), q.numpy()) ** 2          # scipy returns sqrt(JSD), natural log
    assert DIVERGENCES["js"].exact(p, q).item() == pytest.approx(2 * jsd, rel=1e-9)
    assert DIVERGENCES["gan"].exact(p, q).item() == pytest.approx(2 * jsd - math.log(4), rel=1e-9)


def test_kl_against_scipy_entropy():
    """Check KL and reverse KL against scipy.stats.entropy."""
    from scipy.stats import entropy

    p, q = random_pq(12)
    assert DIVERGENCES["kl"].exact(p, q).item() == pytest.approx(entropy(p.numpy(), q.numpy()), rel=1e-9)
    assert DIVERGENCES["reverse_kl"].exact(p, q).item() == pytest.approx(entropy(q.numpy(), p.numpy()), rel=1e-9)


def test_exact_handles_zeros():
    """Check infinities and limits where a support point has zero mass."""
    p = torch.tensor([0.5, 0.5, 0.0], dtype=F64)
    q = torch.tensor([0.5, 0.0, 0.5], dtype=F64)
    assert DIVERGENCES["kl"].exact(p, q).item() == math.inf
    assert DIVERGENCES["reverse_kl"].exact(p, q).item() == math.inf
    assert DIVERGENCES["pearson"].exact(p, q).item() == math.inf
    assert DIVERGENCES["neyman"].exact(p, q).item() == math.inf
    assert DIVERGENCES["js"].exact(p, q).item() == pytest.approx(2 * 0.5 * math.log(2))   # 2·JSD, disjoint half
    assert math.isfinite(DIVERGENCES["squared_hellinger"].exact(p, q).item())
    assert DIVERGENCES["kl"].exact(p, p).item() == 0.0


def test_boundary_logits():
    """Check w = 1 at v = 0 for every row except KL, where it is v = 1 (docs/math.md §9.12)."""
    for name, div in DIVERGENCES.items():
        v = torch.tensor(div.boundary_logit, dtype=F64)
        assert div.log_weight(v).item() == pytest.approx(0.0, abs=1e-12), name
        assert div.boundary_logit == (1.0 if name == "kl" else 0.0)


def test_weight_conventions_per_row():
    """Check the sign conventions: log w = v (GAN, JS, RKL), v−1 (KL), 2v (Hellinger), v/2 (Neyman)."""
    v = torch.tensor([-1.0, 0.5, 2.0], dtype=F64)
    torch.testing.assert_close(DIVERGENCES["gan"].log_weight(v), v)
    torch.testing.assert_close(DIVERGENCES["js"].log_weight(v), v)
    torch.testing.assert_close(DIVERGENCES["reverse_kl"].log_weight(v), v)
    torch.testing.assert_close(DIVERGENCES["kl"].log_weight(v), v - 1)
    torch.testing.assert_close(DIVERGENCES["squared_hellinger"].log_weight(v), 2 * v)
    torch.testing.assert_close(DIVERGENCES["neyman"].log_weight(v), v / 2)
    torch.testing.assert_close(DIVERGENCES["pearson"].log_weight(v), torch.log1p(v / 2))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_extreme_logits_give_finite_log_weights(name, dtype):
    """Check that logits of ±1e4 give finite log weights in float32 and float64."""
    v = torch.tensor([-1e4, -50.0, 0.0, 50.0, 1e4], dtype=dtype)
    log_w = DIVERGENCES[name].log_weight(v)
    assert log_w.dtype == dtype
    assert torch.isfinite(log_w).all()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gan_terms_finite_at_extreme_logits(dtype):
    """Check that GAN/JS bound terms stay finite at ±1e4 (softplus route, no sigmoid)."""
    v = torch.tensor([-1e4, 1e4], dtype=dtype)
    for name in ("gan", "js", "reverse_kl"):
        div = DIVERGENCES[name]
        if name != "reverse_kl":
            assert torch.isfinite(div.activation(v)).all()
        assert torch.isfinite(div.conjugate_of_activation(v)).all()


def test_pearson_weight_is_clamped_not_nan():
    """Check that Pearson's weight below v = −2 is 0 (exact conjugate on u ≥ 0), log weight finite."""
    div = DIVERGENCES["pearson"]
    v = torch.tensor([-3.0, -2.0, -1.0], dtype=F64)
    torch.testing.assert_close(div.weight(div.activation(v)), torch.tensor([0.0, 0.0, 0.5], dtype=F64))
    lw = div.log_weight(v)
    assert torch.isfinite(lw).all() and lw[0] < -700


@pytest.mark.parametrize("name", NAMES)
def test_bound_gradcheck(name):
    """Check autograd gradients of bound() against finite differences in float64."""
    div = DIVERGENCES[name]
    gen = torch.Generator().manual_seed(3)
    v_real = (0.3 * torch.randn(4, generator=gen, dtype=F64)).requires_grad_(True)
    v_fake = (0.3 * torch.randn(5, generator=gen, dtype=F64) - 0.5).requires_grad_(True)
    assert torch.autograd.gradcheck(div.bound, (v_real, v_fake))


def test_broadcasting_and_batch_exact():
    """Check that exact() works on a batch of tables (last axis = support)."""
    p = torch.stack([random_pq(s)[0] for s in range(3)])
    q = torch.stack([random_pq(s)[1] for s in range(3)])
    out = DIVERGENCES["kl"].exact(p, q)
    assert out.shape == (3,)
    torch.testing.assert_close(out[1], DIVERGENCES["kl"].exact(p[1], q[1]))


@pytest.mark.parametrize(
    "p, q, match",
    [
        ([0.5, 0.5], [0.5, 0.25, 0.25], "same shape"),
        ([0.7, 0.7], [0.5, 0.5], "p must sum to 1"),
        ([0.5, 0.5], [1.2, -0.2], "q must be non-negative"),
        ([float("nan"), 1.0], [0.5, 0.5], "p contains NaN"),
        (["a", "b"], [0.5, 0.5], "p must be a tensor"),
    ],
)
def test_exact_rejects_bad_input(p, q, match):
    """Check that bad probability tables raise ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        DIVERGENCES["kl"].exact(p, q)


def test_bound_rejects_empty():
    """Check that empty critic outputs are rejected."""
    with pytest.raises(ValueError, match="non-empty"):
        DIVERGENCES["gan"].bound(torch.tensor([]), torch.tensor([1.0]))


def test_float32_and_float64_agree():
    """Check that the bound gives the same value in float32 and float64 (to float32 precision)."""
    v_real, v_fake = np.linspace(-2, 2, 9), np.linspace(-1, 3, 9)
    for div in DIVERGENCES.values():
        b32 = div.bound(torch.tensor(v_real, dtype=torch.float32), torch.tensor(v_fake, dtype=torch.float32))
        b64 = div.bound(torch.tensor(v_real), torch.tensor(v_fake))
        assert b32.dtype == torch.float32
        assert b32.item() == pytest.approx(b64.item(), rel=1e-5, abs=1e-5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_overflowing_values_are_the_signed_inf(dtype):
    """Check docs/math.md §8.17: where the exact value overflows, the answer is the correctly signed inf."""
    big = torch.tensor([1e4], dtype=dtype)
    assert DIVERGENCES["kl"].conjugate_of_activation(big).item() == math.inf                  # e^{v−1}
    assert DIVERGENCES["squared_hellinger"].conjugate_of_activation(big).item() == math.inf   # e^v − 1
    for name in ("neyman", "squared_hellinger", "reverse_kl"):
        assert DIVERGENCES[name].activation(-big).item() == -math.inf, name                   # 1 − e^{−v}, −e^{−v}
    assert DIVERGENCES["neyman"].conjugate_of_activation(-big).item() == -math.inf            # 2 − 2e^{−v/2}
    for name, div in DIVERGENCES.items():
        assert torch.isfinite(div.log_weight(torch.tensor([-1e4, 1e4], dtype=dtype))).all(), name


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_neyman_bound_at_extreme_logits_is_signed_inf_not_nan(dtype):
    """Check that Neyman's bound is −inf (critic loss +inf) at logits of −1e4, not inf − inf = NaN."""
    from bgan_teach.losses import discriminator_loss

    v = torch.tensor([-1e4], dtype=dtype)
    div = DIVERGENCES["neyman"]
    assert div.bound(v, v).item() == -math.inf              # exact: −(e^{5000} − 1)² (docs/math.md §8.17)
    assert discriminator_loss("neyman", v, v).item() == math.inf
    assert div.bound(v, 3 * v).item() == math.inf           # B = 2e^{15000} beats A = e^{10000}
    assert div.bound(v, v).dtype == dtype
    p = torch.tensor([0.5, 0.5], dtype=dtype)
    assert div.weighted_bound(torch.full((2,), -1e4, dtype=dtype), p, p).item() == -math.inf
    # Where the two terms overflow float32 but their difference does not, the finite value comes back.
    a, b = torch.tensor([-89.0]), torch.tensor([-2 * 89.0 + 2 * math.log(2) - 2e-3])      # B = A·e^{0.001}
    exact = -1 - math.exp(89.0) + 2 * math.exp(-b.item() / 2)
    assert div.bound(a, b).item() == pytest.approx(exact, rel=1e-3)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_pearson_conjugate_gradient_is_zero_below_minus_two(dtype):
    """Check that Pearson's f*(g(v)) has gradient 0 for v < −2, at −inf too (no NaN from the unused branch)."""
    v = torch.tensor([-math.inf, -1e4, -3.0, 0.0, 2.0], dtype=dtype, requires_grad=True)
    (grad,) = torch.autograd.grad(DIVERGENCES["pearson"].conjugate_of_activation(v).sum(), v)
    torch.testing.assert_close(grad, torch.tensor([0.0, 0.0, 0.0, 1.0, 2.0], dtype=dtype))


def test_tables_keep_float64_and_limits_at_zero_and_infinity():
    """Check f at u = 0 (also −0.0) and u = ∞, f' at u = ∞ (JS: log 2, GAN: 0), and float64 in → float64 out."""
    u = torch.tensor([-0.0, 0.0, math.inf], dtype=F64)
    assert DIVERGENCES["neyman"].f(u).tolist() == [math.inf, math.inf, math.inf]
    assert DIVERGENCES["reverse_kl"].f_prime(u[:2]).tolist() == [-math.inf, -math.inf]
    assert DIVERGENCES["js"].f_prime(u[2:]).item() == pytest.approx(math.log(2))
    assert DIVERGENCES["gan"].f_prime(u[2:]).item() == 0.0
    assert DIVERGENCES["gan"].f(u[2:]).item() == -math.inf and DIVERGENCES["js"].f(u[2:]).item() == math.inf
    assert DIVERGENCES["js"].f(torch.tensor([1e38])).isfinite().all()        # u log u would overflow float32
    for div in DIVERGENCES.values():
        assert div.bound(np.zeros(3), np.zeros(2)).dtype == F64               # NumPy float64 stays float64
        assert div.f_star(torch.tensor([-math.inf], dtype=F64)).isnan().sum() == 0
