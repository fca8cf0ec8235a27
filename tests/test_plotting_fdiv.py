"""Tests for plotting/fdiv.py: the Fenchel tangent picture is geometrically right, updates are in place.

Oracles: the tangent's intercept is −sup_u(ut − f(u)) on a dense u grid (independent of f_star), the
touching point lies on f (Fenchel-Young equality), the plotted curves are f and f* themselves.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.mathtext import MathTextParser  # noqa: E402

from bgan_teach.divergences import DIVERGENCES, get  # noqa: E402
from bgan_teach.plotting.fdiv import (  # noqa: E402
    BoundCurveDisplay, DensityDisplay, FenchelDisplay, SNISDisplay, _mathtext, plot_bound_results, results_table,
)
from bgan_teach.training.bound import example_pair, fit_bound  # noqa: E402

torch.set_num_threads(1)
NAMES = sorted(DIVERGENCES)
F64 = torch.float64


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def grid_conjugate(div, t: float) -> float:
    """sup_u (u t − f(u)) over a dense grid u ∈ [0, 60] (u = 0 included for Pearson's boundary)."""
    u = torch.cat([torch.zeros(1, dtype=F64), torch.logspace(-6, np.log10(60), 200001, dtype=F64)])
    return float((u * t - div.f(u)).nan_to_num(nan=-np.inf).max())


@pytest.mark.parametrize("name", NAMES)
def test_tangent_intercept_is_minus_conjugate(name):
    """Check that the tangent's intercept at u = 0 is −sup_u(ut − f(u)) and its slope is t."""
    display = FenchelDisplay(name)
    lo, hi = display.t_range()
    for t in np.linspace(lo, hi, 4)[1:-1]:
        display.update(t)
        (u0, u1), (y0, y1) = display.tangent.get_data()
        assert u0 == 0 and y0 == pytest.approx(-grid_conjugate(display.div, t), abs=1e-4)
        assert (y1 - y0) / (u1 - u0) == pytest.approx(t, rel=1e-12)
        assert display.intercept.get_data()[1][0] == pytest.approx(y0)


@pytest.mark.parametrize("name", NAMES)
def test_touching_point_lies_on_f_at_weight(name):
    """Check that the tangent touches f at u* = (f*)'(t): t u* − f*(t) = f(u*), and f'(u*) = t."""
    display = FenchelDisplay(name)
    lo, hi = display.t_range()
    for t in (lo, 0.5 * (lo + hi), hi):
        display.update(t)
        (u_star,), (y,) = display.touch.get_data()
        u = torch.tensor(u_star, dtype=F64)
        assert y == pytest.approx(float(display.div.f(u)), abs=1e-9)
        assert float(display.div.f_prime(u)) == pytest.approx(t, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_curves_are_f_and_f_star_and_range_in_domain(name):
    """Check that the plotted curves are f and f*, and every slider slope lies in dom f* (finite f*)."""
    display = FenchelDisplay(name)
    div = get(name)
    u, fu = display.f_line.get_data()
    np.testing.assert_allclose(fu, div.f(torch.as_tensor(u, dtype=F64)).numpy())
    t, fs = display.star_line.get_data()
    assert np.isfinite(fs).all()
    np.testing.assert_allclose(fs, div.f_star(torch.as_tensor(t, dtype=F64)).numpy())
    assert display.t == pytest.approx(float(div.f_prime(torch.tensor(1.0, dtype=F64))))   # starts at u* = 1


def test_set_divergence_reuses_artists():
    """Check that switching divergence and slope mutates the same artists (no new lines)."""
    display = FenchelDisplay("kl")
    artists = (display.f_line, display.tangent, display.touch, display.star_line)
    n_lines = len(display.ax_f.lines)
    before = display.f_line.get_data()[1].copy()
    display.set_divergence("squared_hellinger")
    display.update(0.3)
    assert (display.f_line, display.tangent, display.touch, display.star_line) == artists
    assert len(display.ax_f.lines) == n_lines
    assert not np.allclose(before, display.f_line.get_data()[1])
    assert "0.300" in display.text.get_text()


def test_star_slope_is_the_weight():
    """Check that the segment drawn on f* has slope (f*)'(t), computed here by central differences."""
    display = FenchelDisplay("gan")
    t = -0.5
    display.update(t)
    (a, b), (ya, yb) = display.star_slope.get_data()
    h = 1e-6
    fd = (float(get("gan").f_star(torch.tensor(t + h, dtype=F64))) -
          float(get("gan").f_star(torch.tensor(t - h, dtype=F64)))) / (2 * h)
    assert (yb - ya) / (b - a) == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_table_latex_renders_in_mathtext(name):
    """Check that every f and f* formula of the table parses in matplotlib's mathtext."""
    parser = MathTextParser("agg")
    for latex in (DIVERGENCES[name].f_latex, DIVERGENCES[name].f_star_latex):
        parser.parse(f"${_mathtext(latex)}$")


def test_density_display_updates_in_place():
    """Check that DensityDisplay draws p and q and moves the same p̃ line on update."""
    p, q = example_pair(10)
    display = DensityDisplay(p, q)
    np.testing.assert_allclose([b.get_height() for b in display.p_bars], p.numpy())
    np.testing.assert_allclose(display.tilde.get_ydata(), q.numpy())
    line = display.tilde
    display.update(p, "β = 1")
    assert display.tilde is line
    np.testing.assert_allclose(display.tilde.get_ydata(), p.numpy())
    assert display.text.get_text() == "β = 1"


def test_bound_curves_and_marker():
    """Check that the bound curve plots the history and exact value, and the marker moves."""
    p, q = example_pair(8)
    results = [fit_bound(p, q, n, steps=20, snapshot_every=10) for n in ("gan", "kl", "js")]
    fig, displays = plot_bound_results(results, ncols=2)
    assert len(displays) == 3 and not fig.axes[3].get_visible()
    curve = displays[0]
    np.testing.assert_allclose(curve.ax.lines[1].get_ydata(), results[0].history["exact_bound"])
    assert curve.ax.lines[2].get_ydata()[0] == pytest.approx(results[0].exact)
    curve.update(10)
    assert list(curve.marker.get_xdata()) == [10, 10] and curve.marker.get_alpha() == 1.0
    assert isinstance(BoundCurveDisplay(results[1]).marker, type(curve.marker))


def test_snis_display_updates_in_place():
    """Check that SNISDisplay replaces both estimate lines and readouts without new artists."""
    p, q = example_pair(6)
    display = SNISDisplay(p, p, q)
    lines = list(display.lines)
    display.update(q, p, ("left", "right"))
    assert display.lines == lines
    np.testing.assert_allclose(lines[0].get_ydata(), q.numpy())
    np.testing.assert_allclose(lines[1].get_ydata(), p.numpy())
    assert [t.get_text() for t in display.texts] == ["left", "right"]


def test_running_mean_and_results_table():
    """Check the running-mean curve against a cumulative-sum recomputation and the table's rows."""
    p, q = example_pair(8)
    results = [fit_bound(p, q, n, steps=50, snapshot_every=25) for n in ("gan", "kl")]
    curve = BoundCurveDisplay(results[0])
    bound = results[0].history["bound"]
    window = 2                                                        # 50 // 25
    c = np.concatenate([[0.0], np.cumsum(bound)])
    mean = (c[window:] - c[:-window]) / window
    np.testing.assert_allclose(curve.ax.lines[0].get_ydata(), mean)
    c2 = np.concatenate([[0.0], np.cumsum(bound ** 2)])
    sd = np.sqrt(np.maximum((c2[window:] - c2[:-window]) / window - mean ** 2, 0))
    band = curve.ax.collections[0].get_paths()[0].vertices[:, 1]                # the ±1 sd band's outline
    assert band.max() == pytest.approx((mean + sd).max()) and band.min() == pytest.approx((mean - sd).min())
    table = results_table(results).splitlines()
    assert len(table) == 4 and table[2].startswith("| GAN") and table[3].startswith("| Kullback")
    assert f"{results[1].exact:.4f}" in table[3] and f"{results[1].final_bound:.4f}" in table[3]
