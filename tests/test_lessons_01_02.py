"""Lessons of notebooks 01-02: the rendered f-divergence table, the variance of the Monte Carlo bound, per-z
against global self-normalisation, and the concept checks."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
import torch
from sympy.parsing.latex import parse_latex

from bgan_teach import divergences
from bgan_teach.lessons import nb01, nb02
from bgan_teach.lessons.table import columns, divergence_table, table_row
from bgan_teach.training.bound import example_pair, mixture_toy

F64 = torch.float64
ROWS = list(divergences.DIVERGENCES.values())
IDS = [d.name for d in ROWS]
TWO_P, TWO_Q = torch.tensor([0.5, 0.5], dtype=F64), torch.tensor([0.8, 0.2], dtype=F64)


# --- LaTeX → sympy, for the restricted LaTeX the rows use -----------------------------------------------------
def _group_end(s: str, i: int, open_: str, close: str) -> int:
    depth = 0
    for j in range(i, len(s)):
        depth += (s[j] == open_) - (s[j] == close)
        if depth == 0:
            return j + 1
    raise ValueError(f"unbalanced {open_}{close} in {s!r}")


def _argument_end(s: str, i: int) -> int:
    if s[i] == "(":
        return _group_end(s, i, "(", ")")
    if s[i] == "{":
        return _group_end(s, i, "{", "}")
    if s.startswith(r"\frac", i):
        return _group_end(s, _group_end(s, i + 5, "{", "}"), "{", "}")
    return i + 1


def _plain(s: str) -> str:
    r"""Bracket every ``\log`` explicitly (sympy's LaTeX grammar reads ``\log(u)-(u+1)`` as one argument)."""
    s = s.replace(r"\left", "").replace(r"\right", "").replace(r"\tfrac", r"\frac")
    out, i = "", 0
    while i < len(s):
        if not s.startswith(r"\log", i):
            out, i = out + s[i], i + 1
            continue
        j = i + 4
        while s[j] == " ":
            j += 1
        end = _argument_end(s, j)
        arg = s[j:end][1:-1] if s[j] in "({" else s[j:end]
        prev = out.rstrip()[-1:]
        out += (r" \cdot " if prev and (prev.isalnum() or prev in ")}") else "") + r"(\log(" + _plain(arg) + "))"
        i = end
    return out


def _expression(latex: str):
    """The sympy expression of a row's LaTeX (a trailing condition after ``\\quad`` or ``\\;(`` is dropped)."""
    latex = latex.split(r"\quad")[0].split(r"\;(")[0]
    tree = parse_latex(_plain(latex), backend="lark")
    options = tree.children if hasattr(tree, "children") else [tree]
    assert len(options) == 1, f"ambiguous LaTeX {latex!r}: {options}"
    return options[0].subs(sympy.Symbol("e"), sympy.E)


def _evaluate(latex: str, **values) -> np.ndarray:
    expr = _expression(latex)
    names = sorted(values)
    assert {str(s) for s in expr.free_symbols} <= set(names), f"{latex!r} uses {expr.free_symbols}"
    fn = sympy.lambdify([sympy.Symbol(n) for n in names], expr, "numpy")
    return np.broadcast_to(np.asarray(fn(*(values[n] for n in names)), dtype=float), np.shape(values[names[0]]))


def test_latex_parser_can_fail():
    """Check that the LaTeX comparison catches a wrong entry (a sign error in the GAN activation)."""
    v = np.linspace(-3, 3, 7)
    right = _evaluate(r"-\log\left(1+e^{-v}\right)", v=v)
    wrong = _evaluate(r"-\log\left(1+e^{v}\right)", v=v)
    assert np.allclose(right, divergences.get("gan").activation(torch.tensor(v)).numpy())
    assert not np.allclose(wrong, right)


@pytest.mark.parametrize("div", ROWS, ids=IDS)
def test_latex_of_functions_of_the_output_match_the_row(div):
    """Check that each row's g_f(v) and log w(v) LaTeX evaluate to its activation and log_weight."""
    v = np.linspace(-1.9, 3.0, 50)                                    # inside Pearson's v > -2 as well
    vt = torch.tensor(v, dtype=F64)
    assert np.allclose(_evaluate(div.activation_latex, v=v), div.activation(vt).numpy(), rtol=1e-12, atol=1e-12)
    assert np.allclose(_evaluate(div.log_weight_latex, v=v), div.log_weight(vt).numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("div", ROWS, ids=IDS)
def test_latex_of_f_conjugate_and_optimal_critic_match_the_row(div):
    """Check that f(u), f*(t) and T* = f'(p/q) in LaTeX evaluate to the row's f, f_star and f_prime."""
    gen = torch.Generator().manual_seed(0)
    u = np.linspace(0.05, 6.0, 60)
    assert np.allclose(_evaluate(div.f_latex, u=u), div.f(torch.tensor(u, dtype=F64)).numpy(), rtol=1e-10, atol=1e-12)
    t = div.activation(torch.linspace(-1.9, 2.5, 40, dtype=F64))                 # inside dom f* (Pearson: t >= -2)
    assert np.allclose(_evaluate(div.f_star_latex, t=t.numpy()), div.f_star(t).numpy(), rtol=1e-10, atol=1e-12)
    p, q = (torch.rand(30, generator=gen, dtype=F64) + 0.05 for _ in range(2))
    p, q = p / p.sum(), q / q.sum()
    assert np.allclose(_evaluate(div.t_star_latex, p=p.numpy(), q=q.numpy()), div.f_prime(p / q).numpy(),
                       rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("div", ROWS, ids=IDS)
def test_domain_latex_is_where_the_conjugate_is_finite(div):
    """Check that f* is finite just inside the domain the row's LaTeX states and +inf just outside it."""
    if div.domain_latex == r"\mathbb{R}":
        assert torch.isfinite(div.f_star(torch.linspace(-50, 50, 101, dtype=F64))).all()
        return
    relation = _expression(div.domain_latex)                  # t < c or t <= c
    edge = float(relation.rhs)
    inside = torch.tensor([edge - 1.0, edge - 1e-6] + ([edge] if relation.rel_op == "<=" else []), dtype=F64)
    outside = torch.tensor(([edge] if relation.rel_op == "<" else []) + [edge + 1e-6, edge + 1.0], dtype=F64)
    assert torch.isfinite(div.f_star(inside)).all()
    assert torch.isinf(div.f_star(outside)).all() and (div.f_star(outside) > 0).all()


def _cells(table: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]


def test_table_boundary_is_where_log_weight_is_zero():
    """Check that each rendered boundary V is where the row's log w is 0 and its T is f'(1) (p = q)."""
    rows = _cells(divergence_table())
    assert [r[0] for r in rows] == [d.title for d in ROWS]
    for div, row in zip(ROWS, rows):
        value = float(row[-1].strip("$").split("=")[1])
        v = torch.tensor(value, dtype=F64)
        assert value == div.boundary_logit
        assert abs(float(div.log_weight(v))) < 1e-15
        assert torch.allclose(div.activation(v), div.f_prime(torch.tensor(1.0, dtype=F64)), atol=1e-15)


def test_table_cells_come_from_the_rows():
    """Check that the table has one line per row, the header's column count, and the rows' own LaTeX."""
    table = divergence_table()
    head = table.splitlines()[0]
    assert head.count("|") - 1 == len(columns()) == 8
    for div, row in zip(ROWS, _cells(table)):
        assert len(row) == 8
        assert row[1] == f"${div.f_latex}$" and row[2] == f"${div.f_star_latex}$" and row[5] == f"${div.t_star_latex}$"
    assert r"\left(1+e^{-V}\right)" in table_row("gan")[4]          # v -> V leaves \left and \right alone
    assert table_row("gan", symbol="v")[4] == f"${divergences.get('gan').activation_latex}$"
    assert len(_cells(divergence_table(["kl", "gan"]))) == 2


def test_table_rejects_bad_arguments():
    """Check that a bad symbol, an empty or unknown name list raise ValueError naming the parameter."""
    with pytest.raises(ValueError, match="symbol"):
        divergence_table(symbol="x")
    with pytest.raises(ValueError, match="names"):
        divergence_table([])
    with pytest.raises(ValueError, match="divergence"):
        divergence_table(["nope"])


# --- the variance of the Monte Carlo bound ---------------------------------------------------------------------
def test_bound_variance_two_point_numbers():
    """Check the two-point numbers of docs/math.md §2.4: 0.1900 (GAN), 1.0430 (KL) = Var_P log(p/q) + chi^2."""
    gan, kl = nb01.bound_variance("gan", TWO_P, TWO_Q), nb01.bound_variance("kl", TWO_P, TWO_Q)
    assert gan["total"] == pytest.approx(0.1900, abs=5e-5)
    assert kl["total"] == pytest.approx(1.0430, abs=5e-5)
    log_ratio = np.log(TWO_P.numpy() / TWO_Q.numpy())
    var_p = float((TWO_P.numpy() * (log_ratio - (TWO_P.numpy() * log_ratio).sum()) ** 2).sum())
    assert kl["var_p"] == pytest.approx(var_p, rel=1e-12)
    assert kl["var_q"] == pytest.approx(0.5625, rel=1e-12)                   # chi^2(P||Q), §9.6
    assert gan["total"] == pytest.approx(gan["var_p"] + gan["var_q"], rel=1e-15)


@pytest.mark.parametrize("name", ["gan", "neyman", "reverse_kl"])
def test_bound_variance_matches_simulated_batches(name):
    """Check that B·Var of simulated batch bounds at V* matches Var_P[T*] + Var_Q[f*(T*)] (example pair)."""
    p, q = example_pair(24)
    div, gen = divergences.get(name), torch.Generator().manual_seed(1)
    v = div.optimal_logit(p, q)
    batches, b = 20000, 32
    x_real = torch.multinomial(p, batches * b, replacement=True, generator=gen).view(batches, b)
    x_fake = torch.multinomial(q, batches * b, replacement=True, generator=gen).view(batches, b)
    estimates = div.activation(v[x_real]).mean(1) - div.conjugate_of_activation(v[x_fake]).mean(1)   # (batches,)
    predicted = nb01.bound_variance(name, p, q)["total"]
    assert float(estimates.var() * b) == pytest.approx(predicted, rel=0.1)
    assert float(estimates.mean()) == pytest.approx(float(div.exact(p, q)), abs=4 * math.sqrt(predicted / b / batches))


def test_bound_variance_at_another_critic_dtype_and_errors():
    """Check a given critic is used, float32 tables work, and a wrong-shaped v raises naming v."""
    p, q = example_pair(24)
    zero = nb01.bound_variance("gan", p, q, v=torch.zeros(24, dtype=F64))
    assert zero["var_p"] == pytest.approx(0.0, abs=1e-15) and zero["var_q"] == pytest.approx(0.0, abs=1e-15)
    assert nb01.bound_variance("kl", p.float(), q.float())["total"] == pytest.approx(
        nb01.bound_variance("kl", p, q)["total"], rel=1e-4)
    with pytest.raises(ValueError, match="v"):
        nb01.bound_variance("gan", p, q, v=torch.zeros(5))


class _Stub:
    def __init__(self, values):
        self.history = {"bound": np.asarray(values, dtype=float)}


def test_variance_rows_and_table():
    """Check the rows' predicted sd, the measured sd over the last fraction, and the table's order."""
    p, q = example_pair(24)
    values = np.concatenate([np.full(80, 5.0), np.array([0.0, 1.0] * 10)])       # last 20 %: sd of 0/1 pairs
    rows = nb01.variance_rows(p, q, 256, {name: _Stub(values) for name in divergences.names()})
    for row in rows:
        assert row["sd_predicted"] == pytest.approx(math.sqrt(row["total"] / 256), rel=1e-12)
        assert row["sd_measured"] == pytest.approx(np.std([0.0, 1.0] * 10, ddof=1), rel=1e-12)
    table = nb01.variance_table(rows)
    order = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert order[0] == "Neyman χ²" and set(order[-2:]) == {"GAN (2·JSD − log 4)", "Jensen-Shannon (2·JSD)"}
    assert "measured" not in nb01.variance_table(nb01.variance_rows(p, q, 256))
    with pytest.raises(ValueError, match="batch_size"):
        nb01.variance_rows(p, q, 0)


# --- per-z against global normalisation ----------------------------------------------------------------------
def _optimal_log_w(toy):
    gan = divergences.get("gan")
    return gan.log_weight(gan.optimal_logit(toy.p, toy.q))


def test_per_z_vs_global_numbers_of_docs_math_4_4():
    """Check alpha = (1.784, 0.777, 0.439), TV 0.221, left masses 0.820/0.624/0.500, and the global target = p."""
    toy = mixture_toy(24)
    log_w = _optimal_log_w(toy)
    out = nb02.per_z_vs_global(toy, log_w)
    assert np.allclose(out["alpha"].numpy(), [1.784, 0.777, 0.439], atol=5e-4)
    assert out["beta"] == pytest.approx(1.0, abs=1e-12)
    assert out["tv_per_z"] == pytest.approx(0.221, abs=5e-4) and out["tv_global"] < 1e-12
    assert [round(out["left"][k], 3) for k in ("p", "per_z", "q")] == [0.820, 0.624, 0.500]
    g, w, h = toy.g.numpy(), np.exp(log_w.numpy()), toy.h.numpy()                # independent NumPy sums
    per_z = h @ (g * w / (g * w).sum(1, keepdims=True))
    assert np.allclose(out["per_z"].numpy(), per_z, rtol=1e-12)
    assert np.allclose(out["global"].numpy(), w * toy.q.numpy() / (w * toy.q.numpy()).sum(), rtol=1e-12)


def test_ess_per_z_vs_global():
    """Check the population ESS fractions against NumPy, 1/(1 + chi^2) globally, and the sampled values near them."""
    toy = mixture_toy(24)
    log_w = _optimal_log_w(toy)
    out = nb02.ess_per_z_vs_global(toy, log_w, m=200, batch=300, seed=0)
    g, w, h = toy.g.numpy(), np.exp(log_w.numpy()), toy.h.numpy()
    assert out["per_z_population"] == pytest.approx(float(h @ ((g @ w) ** 2 / (g @ w**2))), rel=1e-12)
    chi2 = float(divergences.get("pearson").exact(toy.p, toy.q))
    assert out["global_population"] == pytest.approx(1 / (1 + chi2), rel=1e-12)
    assert out["per_z"] == pytest.approx(out["per_z_population"], rel=0.05)
    assert out["global"] == pytest.approx(out["global_population"], rel=0.05)
    assert out["per_z"] > out["global"]
    same = nb02.ess_per_z_vs_global(toy, log_w, m=200, batch=300, seed=0)
    assert same == out                                                           # same seed, same numbers


def test_per_z_helpers_reject_bad_input():
    """Check that a wrong toy type, a wrong-shaped log_w, a bad split or M raise naming the parameter."""
    toy = mixture_toy(24)
    with pytest.raises(TypeError, match="toy"):
        nb02.per_z_vs_global("toy", torch.zeros(24))
    with pytest.raises(ValueError, match="log_w"):
        nb02.per_z_vs_global(toy, torch.zeros(5))
    with pytest.raises(ValueError, match="split"):
        nb02.per_z_vs_global(toy, torch.zeros(24), split=2.0)
    with pytest.raises(ValueError, match="m"):
        nb02.ess_per_z_vs_global(toy, torch.zeros(24), m=0, batch=4)


# --- concept checks ------------------------------------------------------------------------------------------
QUESTIONS = [(module, name) for module in (nb01, nb02) for name in module.QUESTIONS]


@pytest.mark.parametrize("module, name", QUESTIONS, ids=[f"{m.__name__.rsplit('.', 1)[1]}-{n}" for m, n in QUESTIONS])
def test_concept_checks_accept_their_answer(module, name):
    """Check that each question builds, its right option says so, a wrong one gives its own reason."""
    data, quiz = module.QUESTIONS[name], module.ask(name)
    assert set(data["why"]) <= set(range(len(data["options"]))) - {data["answer"]}
    wrong = next(i for i in range(len(data["options"])) if i != data["answer"])
    quiz.choice.value = wrong
    assert quiz.correct is False and (data["why"].get(wrong, "Think again") in quiz.feedback.value)
    quiz.choice.value = data["answer"]
    assert quiz.correct is True and data["explanation"] in quiz.feedback.value


def test_ask_rejects_an_unknown_question():
    """Check that ask() with an unknown name raises ValueError listing the questions."""
    for module in (nb01, nb02):
        with pytest.raises(ValueError, match="name must be one of"):
            module.ask("nope")
