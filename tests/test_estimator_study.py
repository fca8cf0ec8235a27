"""The exact estimator study against enumeration, finite differences and the package's own losses."""
import itertools
import math

import pytest
import torch

from bgan_teach import estimators as est
from bgan_teach.models.categorical import categorical_log_prob
from bgan_teach.training import estimator_study as es

F64 = torch.float64


@pytest.fixture(scope="module")
def problem():
    """The default problem: Z = 3 codes, D = 3 positions, K = 4 categories (64 outcomes)."""
    return es.enumerable_problem()


@pytest.fixture(scope="module")
def rows():
    """A study of every estimator at M = 1, 2, 5, 20 with the optimal critic."""
    return es.estimator_study(m_values=(1, 2, 5, 20), repeats=300, seed=0)


def _row(rows, name, m):
    return next(r for r in rows if r["estimator"] == name and r["m"] == m)


def _brute_force(problem, theta):
    """g(x|z) (Z, N) and q(x) (N,) as products of softmax entries over an itertools.product support."""
    z, d, k = theta.shape
    support = torch.tensor(list(itertools.product(range(k), repeat=d)))            # (N, D), row-major
    probs = torch.softmax(theta, -1)                                              # (Z, D, K)
    g = probs[:, torch.arange(d), support].prod(-1)                               # (Z, N)
    return g, problem.h @ g


def _central_difference(f, theta, eps=1e-6):
    out = torch.zeros_like(theta)
    for idx in itertools.product(*map(range, theta.shape)):
        e = torch.zeros_like(theta)
        e[idx] = eps
        out[idx] = (f(theta + e) - f(theta - e)) / (2 * eps)
    return out


def _score(theta, support):
    """∂ log g(x|z) / ∂θ[z, d, k] = 1[x_d = k] − softmax(θ_{z,d})_k for every z and x: (Z, N, D, K)."""
    onehot = torch.nn.functional.one_hot(support, theta.shape[-1]).to(F64)        # (N, D, K)
    return onehot[None] - torch.softmax(theta, -1)[:, None]


def test_reference_gradient_equals_closed_form_and_finite_differences(problem):
    """Check that ∇KL(P‖Q_θ) from the package equals −Σ_x p(x) h(z) g(x|z)/q(x) · score and a central difference."""
    ref = es.exact_gradients(problem, es.optimal_critic(problem))["reference"]
    g, q = _brute_force(problem, problem.theta)
    resp = problem.h[:, None] * g / q                                             # (Z, N): h(z) g(x|z) / q(x)
    closed = -torch.einsum("x,zx,zxdk->zdk", problem.p, resp, _score(problem.theta, problem.support))
    torch.testing.assert_close(ref, closed, rtol=1e-10, atol=1e-12)
    kl = lambda th: (problem.p * (problem.p / _brute_force(problem, th)[1]).log()).sum()   # noqa: E731
    torch.testing.assert_close(ref, _central_difference(kl, problem.theta), rtol=0, atol=1e-7)


def test_own_targets_match_their_objectives_by_finite_differences(problem):
    """Check the REINFORCE target = ∇KL(Q‖P) and the Gumbel target = ∇E_q[softplus(−V)] (optimal critic), by differences."""
    log_w = es.optimal_critic(problem)
    targets = es.exact_gradients(problem, log_w)
    reverse_kl = lambda th: (lambda q: (q * (q / problem.p).log()).sum())(_brute_force(problem, th)[1])  # noqa: E731
    torch.testing.assert_close(targets["reinforce"], _central_difference(reverse_kl, problem.theta), rtol=0, atol=1e-7)
    ns = lambda th: (_brute_force(problem, th)[1] * torch.nn.functional.softplus(-log_w)).sum()  # noqa: E731
    torch.testing.assert_close(targets["gumbel_st"], _central_difference(ns, problem.theta), rtol=0, atol=1e-7)
    assert targets["reinforce_loo"] is targets["reinforce"]


def test_bgan_targets_closed_form_and_global_equals_reference_only_with_optimal_critic(problem):
    """Check the per-z target −Σ_z h Σ_x p̃(x|z) score, and that the global target is ∇KL(P‖Q) iff w = p/q."""
    noisy = es.optimal_critic(problem, noise=0.5, seed=3)
    targets = es.exact_gradients(problem, noisy)
    g, _ = _brute_force(problem, problem.theta)
    p_z = noisy.exp() * g / (noisy.exp() * g).sum(-1, keepdim=True)                # (Z, N)
    closed = -torch.einsum("z,zx,zxdk->zdk", problem.h, p_z, _score(problem.theta, problem.support))
    torch.testing.assert_close(targets["bgan"], closed, rtol=1e-10, atol=1e-12)
    assert (targets["bgan_global"] - targets["reference"]).norm() > 0.05
    optimal = es.exact_gradients(problem, es.optimal_critic(problem))
    torch.testing.assert_close(optimal["bgan_global"], optimal["reference"], rtol=1e-10, atol=1e-12)


def test_per_z_exact_expectation_is_zero_at_m1_and_its_bias_shrinks_with_m():
    """Check by enumerating all N^M tuples that per-z BGAN has zero expectation at M = 1 and bias decreasing in M."""
    small = es.enumerable_problem(latent=2, positions=2, categories=2, seed=1)    # 4 outcomes
    log_w = es.optimal_critic(small)
    target = es.exact_gradients(small, log_w)["bgan"]
    assert es.per_z_expected_gradient(small, log_w, 1).abs().max() < 1e-15
    bias = [float((es.per_z_expected_gradient(small, log_w, m) - target).norm()) for m in range(1, 7)]
    assert bias[0] == pytest.approx(float(target.norm()), rel=1e-12)
    assert all(b2 < b1 for b1, b2 in zip(bias, bias[1:])), bias


def _max_z_score(grads, truth):
    """Largest |mean − truth| / standard error over the coordinates of draws (R, ...)."""
    g = grads.flatten(1)
    return float(((g.mean(0) - truth.flatten()).abs() / (g.std(0) / math.sqrt(len(g))).clamp_min(1e-300)).max())


def test_sampled_per_z_gradients_match_the_exact_expectation_at_m2(problem):
    """Check that the mean of sampled per-z BGAN gradients at M = 2 equals the enumerated expectation within 5 s.e."""
    log_w = es.optimal_critic(problem)
    grads = es.estimator_gradients(problem, log_w, "bgan", 2, repeats=2000, seed=4)
    assert _max_z_score(grads, es.per_z_expected_gradient(problem, log_w, 2)) < 5
    assert _max_z_score(grads, es.exact_gradients(problem, log_w)["bgan"]) > 10     # the M → ∞ target is far


@pytest.mark.parametrize("name", ["reinforce", "reinforce_loo"])
@pytest.mark.parametrize("noise", [0.0, 0.7])
def test_unbiased_estimators_within_standard_error(problem, name, noise):
    """Check that REINFORCE (constant baseline) and REINFORCE-LOO means equal −∇E_q[log w] within 5 s.e. per coordinate."""
    log_w = es.optimal_critic(problem, noise=noise, seed=5)
    grads = es.estimator_gradients(problem, log_w, name, 3, repeats=3000, seed=6)
    assert _max_z_score(grads, es.exact_gradients(problem, log_w)[name]) < 5


def test_study_rows_unbiased_vs_biased(rows):
    """Check that unbiased estimators' bias_own stays under 2 noise floors while per-z BGAN's is far above it."""
    for r in rows:
        if r["estimator"] in ("reinforce", "reinforce_loo"):
            assert r["bias_own"] < 2 * r["noise_floor"], r
        if r["estimator"] == "bgan":
            assert r["bias_own"] > 4 * r["noise_floor"], r
        if r["tau"] >= 1 or (r["tau"] == 0.5 and r["m"] >= 20):
            assert r["bias_own"] > 3 * r["noise_floor"], r                       # straight-through bias shows


def test_per_z_bias_against_own_target_decreases_with_m(rows):
    """Check that per-z BGAN's bias against its M → ∞ target falls at every step M = 1, 2, 5, 20."""
    bias = [_row(rows, "bgan", m)["bias_own"] for m in (1, 2, 5, 20)]
    assert all(b2 < b1 for b1, b2 in zip(bias, bias[1:])), bias


def test_rows_complete_finite_and_global_bias_matches_own(rows):
    """Check every (estimator, M) row exists (no LOO at M = 1), all numbers are finite, and τ is recorded."""
    labels = {"bgan", "bgan_global", "reinforce", "reinforce_loo", "gumbel_st",
              "gumbel_st_annealed@0", "gumbel_st_annealed@2000"}
    assert {r["estimator"] for r in rows} == labels
    assert len(rows) == 4 * len(labels) - 1 and not any(r["estimator"] == "reinforce_loo" and r["m"] == 1 for r in rows)
    for r in rows:
        assert all(math.isfinite(v) for k, v in r.items() if k not in ("estimator", "tau")), r
    assert _row(rows, "gumbel_st_annealed@0", 1)["tau"] == 3.0 and _row(rows, "gumbel_st_annealed@2000", 1)["tau"] == 0.5
    assert _row(rows, "gumbel_st", 1)["tau"] == 1.0 and math.isnan(_row(rows, "bgan", 1)["tau"])
    assert _row(rows, "bgan_global", 5)["bias"] == pytest.approx(_row(rows, "bgan_global", 5)["bias_own"], rel=1e-9)


def test_same_seed_same_rows_and_subsets_reproduce_rows():
    """Check that a seed fixes every row, a subset of estimators reproduces its rows, and another seed differs."""
    kw = dict(m_values=(2, 5), repeats=40)
    a = es.estimator_study(seed=11, **kw)
    assert a == es.estimator_study(seed=11, **kw)
    sub = es.estimator_study(estimators=("reinforce_loo", "gumbel_st"), seed=11, **kw)
    assert sub == [r for r in a if r["estimator"] in ("reinforce_loo", "gumbel_st")]
    assert a != es.estimator_study(seed=12, **kw)
    assert a == es.estimator_study(seed=torch.Generator().manual_seed(11), **kw)


def test_vectorised_gradients_equal_package_losses_one_repeat_at_a_time(problem):
    """Check that each draw's gradient equals autograd on the package loss (global: normalization="global") per repeat."""
    log_w = es.optimal_critic(problem, noise=0.3)
    gen = torch.Generator().manual_seed(7)
    z = torch.randint(3, (3, 4), generator=gen)                                    # (R, B)
    x = torch.randint(4, (5, 3, 4, 3), generator=gen)                              # (M, R, B, D)
    losses = {"bgan": lambda lw, lg: est.discrete_generator_loss(lw, lg, "per_z"),
              "bgan_global": lambda lw, lg: est.discrete_generator_loss(lw, lg, "global"),
              "reinforce": lambda lw, lg: est.reinforce_generator_loss(lw, lg, 0.4),
              "reinforce_loo": est.reinforce_loo_generator_loss}
    for name, loss in losses.items():
        grads = es.gradients_from_samples(problem, log_w, z, x, name, baseline=0.4)
        for r in range(3):
            theta = problem.theta.clone().requires_grad_(True)
            log_g = categorical_log_prob(theta[z[r]], x[:, r])                      # (M, B)
            loss(log_w[problem.flat_index(x[:, r])], log_g).backward()
            torch.testing.assert_close(grads[r], theta.grad, rtol=1e-12, atol=1e-14)


def test_table_logit_is_the_table_on_one_hots_and_multilinear_in_between(problem):
    """Check V(onehot(x)) = V(x) for every outcome and V(y) = Σ_x V(x) Π_d y_{d,x_d} for relaxed y."""
    log_w = es.optimal_critic(problem)
    onehots = torch.nn.functional.one_hot(problem.support, 4).to(F64)             # (N, D, K)
    torch.testing.assert_close(es.table_logit(log_w, onehots), log_w, rtol=1e-12, atol=1e-12)
    y = torch.softmax(torch.randn(5, 3, 4, generator=torch.Generator().manual_seed(8), dtype=F64), -1)
    brute = torch.stack([sum(log_w[i] * y[n, 0, a] * y[n, 1, b] * y[n, 2, c]
                             for i, (a, b, c) in enumerate(itertools.product(range(4), repeat=3))) for n in range(5)])
    torch.testing.assert_close(es.table_logit(log_w, y), brute, rtol=1e-12, atol=1e-12)


def test_float32_inputs_become_float64(problem):
    """Check that a problem built from float32 tables computes in float64 and gives float64 gradients."""
    p32 = es.EnumerableProblem(problem.h.float(), problem.theta.float(), problem.p.float() / problem.p.float().sum())
    assert p32.theta.dtype == F64
    grads = es.estimator_gradients(p32, es.optimal_critic(p32), "gumbel_st", 2, repeats=4)
    assert grads.dtype == F64 and grads.shape == (4, 3, 3, 4)


def test_format_table_has_one_line_per_row(rows):
    """Check that the text table has a header, a rule and one line per row, blank τ for non-Gumbel estimators."""
    lines = es.format_table(rows).splitlines()
    assert len(lines) == len(rows) + 2 and lines[0].split()[:3] == ["estimator", "M", "tau"]
    assert lines[2].split()[:2] == ["bgan", "1"] and "1.00" in next(x for x in lines if x.startswith("gumbel_st "))


@pytest.mark.parametrize("kwargs, match", [
    (dict(estimators=("bgan", "nope")), "estimators must be"),
    (dict(estimators="bgan"), "estimators must be"),
    (dict(m_values=(1, 0)), "m_values entry must be an integer >= 1"),
    (dict(m_values=()), "m_values must be a non-empty"),
    (dict(repeats=1), "repeats must be an integer >= 2"),
    (dict(batch=2.5), "batch must be an integer"),
    (dict(tau=0.0), "tau must be a positive finite number"),
    (dict(anneal_steps=(-1,)), "anneal_steps entry"),
    (dict(critic=torch.zeros(7)), r"critic \(log w\) must be a finite tensor of shape \(64,\)"),
    (dict(problem="toy"), "problem must be an EnumerableProblem"),
])
def test_bad_study_input_raises(kwargs, match):
    """Check that bad study arguments raise a ValueError naming the parameter before any work."""
    with pytest.raises(ValueError, match=match):
        es.estimator_study(**kwargs)


def test_bad_problem_and_helper_input_raises(problem):
    """Check clear ValueErrors for bad problems, LOO at M = 1, too many tuples, unknown estimators and noise."""
    log_w = es.optimal_critic(problem)
    with pytest.raises(ValueError, match="categories must be an integer >= 2"):
        es.enumerable_problem(categories=1)
    with pytest.raises(ValueError, match="p must be a positive table"):
        es.EnumerableProblem(problem.h, problem.theta, torch.full((8,), 1 / 8, dtype=F64))
    with pytest.raises(ValueError, match="reinforce_loo"):
        es.estimator_gradients(problem, log_w, "reinforce_loo", 1)
    with pytest.raises(ValueError, match="tuples"):
        es.per_z_expected_gradient(problem, log_w, 4)
    with pytest.raises(ValueError, match="estimator must be one of"):
        es.gradients_from_samples(problem, log_w, torch.zeros(2, 2, dtype=torch.long),
                                  torch.zeros(1, 2, 2, 3, dtype=torch.long), "gumbel_st")
    with pytest.raises(ValueError, match="noise must be"):
        es.optimal_critic(problem, noise=-1.0)
