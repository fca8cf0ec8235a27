"""The visual standard (bgan_teach.plotting.style), checked on every display and widget figure (Agg).

Rule for text size: a font of s points in a figure of d dpi shows at s·d/96 points at 100 % zoom (a browser
draws 96 CSS pixels per inch; inline PNGs and ipympl canvases put one figure pixel on one CSS pixel), times
min(1, 1000 / width in pixels) when the figure is wider than the notebook column; every text must show at
>= 9 pt. Legends must not overlap any axes' data area; count axes must have integer ticks; every heatmap
must have a labelled colorbar (small multiples may share one).
"""
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import FixedLocator, LogLocator, MaxNLocator  # noqa: E402

from bgan_teach.data import ring, ring_grid  # noqa: E402
from bgan_teach.divergences import DIVERGENCES  # noqa: E402
from bgan_teach.plotting import style  # noqa: E402
from bgan_teach.plotting import continuous as pcont, densities, digits as pdig, discrete as pdisc  # noqa: E402
from bgan_teach.plotting.boundary import BoundaryDisplay, boundary_grid  # noqa: E402
from bgan_teach.plotting.fdiv import DensityDisplay, plot_bound_results  # noqa: E402
from bgan_teach.plotting.figures import figure  # noqa: E402
from bgan_teach.plotting.text import plot_metric_curves  # noqa: E402
from bgan_teach.training import ContinuousGAN, train_discrete  # noqa: E402
from bgan_teach.training.bound import fit_bound, mixture_toy  # noqa: E402
from bgan_teach.widgets import (bound_scrubber, digits_scrubber, fenchel_lab, grid_scrubber, snis_lab,  # noqa: E402
                                text_scrubber, weight_bars_lab)
from bgan_teach.widgets.lab import BoundaryLab  # noqa: E402
from bgan_teach.widgets.picker import PointPicker  # noqa: E402

COUNT_LABEL = re.compile(r"step|modes covered|classes covered|support point|predicted digit|samples per z", re.I)


# --- the figures --------------------------------------------------------------------------------------
def _digit_views(n=3):
    rng = np.random.default_rng(0)
    return [dict(step=10 * i, samples=rng.integers(0, 2, (64, 64)), coverage=np.full(10, 0.1), confidence=0.5,
                 classes_covered=10) for i in range(n)]


def _text_views(n=3):
    return [dict(step=10 * i, samples=["abc de", " fgh  "], bigram_js=0.3 - 0.05 * i, word_share=0.02 * i)
            for i in range(n)]


TEXT_REFERENCE = {"unigram": {"bigram_js": 0.18, "word_share": 0.01},
                  "bigram": {"bigram_js": 0.02, "word_share": 0.04}}


@pytest.fixture(scope="module")
def grid_run():
    g = ring_grid(8)
    data = g.sample(1000, torch.Generator().manual_seed(0))
    run = train_discrete(data, 8, steps=20, batch_size=16, samples_per_z=5, hidden=16, noise_dim=4, target=g.probs(),
                         snapshot_every=10, metric_every=5, metric_num_z=128, progress=False)
    return g, run


@pytest.fixture(scope="module")
def bound_runs():
    toy = mixture_toy(12)
    return toy, [fit_bound(toy.p, toy.q, name, steps=10, batch_size=32, snapshot_every=5, progress=False)
                 for name in ("gan", "kl")]


@pytest.fixture(scope="module")
def widgets(grid_run, bound_runs):
    """name → figure of every widget, drawn once."""
    g, run = grid_run
    toy, fits = bound_runs
    lab = BoundaryLab(seed=0, hidden=16, layers=1, batch_size=32)
    lab.train(3)
    figs = {"fenchel_lab": fenchel_lab("kl").display.ax_f.figure,
            "bound_scrubber": bound_scrubber(fits[0]).display["curve"].ax.figure,
            "snis_lab": snis_lab(toy, fits[0].view(1)["log_w"], ms=(1, 5), batch=8).display["display"].axes[0].figure,
            "grid_scrubber": grid_scrubber(run, g.probs(), g.extent_box(), {"one mode dropped": 0.05}).display.model.ax.figure,
            "weight_bars_lab": weight_bars_lab(np.random.default_rng(0).normal(size=(6, 4))).display.axes[0].figure,
            "boundary_lab": lab.fig, "point_picker": PointPicker().fig,
            "digits_scrubber": digits_scrubber({"plain": _digit_views(), "cured": _digit_views()}).display["plain"].figure,
            "text_scrubber": text_scrubber(_text_views(), TEXT_REFERENCE).display.ax_js.figure}
    figs["_lab"] = lab
    return figs


def _static_figures(grid_run, bound_runs):
    g, run = grid_run
    toy, fits = bound_runs
    out = {}
    fig, _ = plot_bound_results(fits, key="vs_bound")
    out["plot_bound_results"] = fig
    out["density"] = DensityDisplay(toy.p, toy.q, key="vs_density").ax.figure
    fig, ax = figure("vs_js", figsize=(8, 3.6))
    pdisc.plot_js_curves(ax, {"bgan": run, "bgan_global": run, "kl": run}, {"one mode dropped": 0.05, "x": 0.02})
    out["plot_js_curves"] = fig
    fig, axes = figure("vs_spz", ncols=4, figsize=(9.8, 3.3))
    rng = torch.Generator().manual_seed(0)
    x_m = torch.randint(0, 8, (5, 4, 2), generator=rng)
    pdisc.plot_samples_per_z(axes, g.probs(), g.extent_box(), g.cell_centers(), x_m, torch.full((5, 4), 0.2))
    out["plot_samples_per_z"] = fig
    fig, axes = figure("vs_target", ncols=2, figsize=(8, 3.6))
    pdisc.TableDisplay(axes[0], g.probs(), g.extent_box(), "p")
    pdisc.TableDisplay(axes[1], g.probs(), g.extent_box(), "histogram")
    out["tables"] = fig
    gan = ContinuousGAN(ring(), seed=0, hidden=16, layers=1, batch_size=32, n_show=64)
    view = BoundaryDisplay(ring().extent(), n_grid=20, n_arrows=16).view
    states = [view.state(gan)]
    for _ in range(3):
        gan.train(1)
        states.append(view.state(gan))
    fig, axes = figure("vs_grid", nrows=2, ncols=4, figsize=(9.8, 6.6))           # as notebook 05 draws it
    boundary_grid(axes, {"boundary_seeking": states, "non_saturating": states}, ring().extent(), ring().sample(50, 1))
    out["boundary_grid"] = fig
    x = torch.linspace(-4, 4, 81, dtype=torch.float64)
    v = 2 * torch.exp(-(x - 1.5) ** 2) - 1
    fig, axes = figure("vs_fixed", ncols=2, figsize=(9.8, 3.8))
    q = torch.softmax(-v ** 2 * 20, 0)
    pcont.plot_fixed_critic(axes, x, v, {"minimax": torch.softmax(v * 30, 0), "boundary_seeking": q}, steps=300)
    out["plot_fixed_critic"] = fig
    fig, ax = figure("vs_1d", figsize=(8, 3))
    pcont.plot_loss_gradients_1d(ax, x, {"boundary_seeking": v, "non_saturating": -torch.sigmoid(-v)})
    out["plot_loss_gradients_1d"] = fig
    rows = [dict(loss=loss, seed=s, modes_covered=m, n_modes=8, high_quality=0.5)
            for loss in ("boundary_seeking", "non_saturating", "minimax") for s, m in ((0, 8), (1, 8))]
    fig, axes = figure("vs_study", ncols=2, figsize=(9.8, 3.4))
    pcont.plot_mode_study(axes, {"ring": rows, "grid": rows})
    out["plot_mode_study"] = fig
    fig, ax = figure("vs_pq", figsize=(8, 2.8))
    out["plot_pq"] = densities.plot_pq(ax, toy.p, toy.q).figure
    fig, ax = figure("vs_cond", figsize=(8.6, 3.0))
    out["plot_conditionals"] = densities.plot_conditionals(ax, toy.g, toy.g).figure
    fig, ax = figure("vs_bias", figsize=(6.6, 3.2))
    out["plot_snis_bias"] = densities.plot_snis_bias(ax, {1: 0.4, 2: 0.2, 5: 0.08, 20: 0.02}).figure
    fig, ax = figure("vs_ess", figsize=(8, 3))
    out["plot_ess_curves"] = pdig.plot_ess_curves(ax, {"plain": run, "cured": run}, 5).figure
    fig, axes = figure("vs_grids", nrows=2, ncols=4, figsize=(9.0, 5.0))
    pdig.sample_grids(axes, {name: _digit_views(1)[0]["samples"] for name in DIVERGENCES})
    out["sample_grids"] = fig
    curves = {(m, e): dict(step=np.arange(3) * 10, bound=np.array([-1.0, -1.2, -1.3]))
              for m in (5, 10) for e in ("bgan", "bgan_global")}
    fig, axes = figure("vs_var", ncols=2, figsize=(9.8, 3.4), sharey=True)
    pdig.plot_bound_by_m(axes, curves, {"bgan": "α", "bgan_global": "β"})
    out["plot_bound_by_m"] = fig
    fig, ax = figure("vs_text", figsize=(8, 3.2))
    out["plot_metric_curves"] = plot_metric_curves(ax, {"BGAN": _text_views(), "REINFORCE": _text_views()},
                                                   TEXT_REFERENCE).figure
    return out


@pytest.fixture(scope="module")
def statics(grid_run, bound_runs):
    return _static_figures(grid_run, bound_runs)


@pytest.fixture(scope="module")
def every_figure(widgets, statics):
    figs = {**{k: v for k, v in widgets.items() if not k.startswith("_")}, **statics}
    for fig in figs.values():
        fig.canvas.draw()
    return figs


# --- helpers -------------------------------------------------------------------------------------------
def _colorbar_axes(fig) -> set:
    return {im.colorbar.ax for ax in fig.axes for im in ax.images if im.colorbar is not None} | \
           {c.colorbar.ax for ax in fig.axes for c in ax.collections if getattr(c, "colorbar", None) is not None}


def _data_axes(fig) -> list:
    bars = _colorbar_axes(fig)
    return [ax for ax in fig.axes if ax.get_visible() and ax not in bars and (ax.axison or ax.images)]


def _legends(fig) -> list:
    return [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0) * max(h, 0)


# --- the rule -------------------------------------------------------------------------------------------
def test_shown_points_rule():
    """Check the text-size rule: 9 pt shows at 9 pt at 96 dpi, at 6.75 pt at 72 dpi, and shrinks past 1000 px."""
    assert style.shown_points(9, 96) == pytest.approx(9.0)
    assert style.shown_points(9, 72) == pytest.approx(6.75)
    assert style.shown_points(10, 100, width_px=1400) == pytest.approx(10 * 100 / 96 * 1000 / 1400)
    assert style.shown_points(style.FONT["tick"], style.WIDGET_DPI) >= style.MIN_TEXT_PT


def test_figure_refuses_a_figure_wider_than_the_column():
    """Check that figure() refuses a figure whose text the browser would shrink, naming the limit."""
    with pytest.raises(ValueError, match="1000 pixels"):
        figure("too_wide", figsize=(14, 3))


# --- every figure ---------------------------------------------------------------------------------------
def small_texts(fig) -> list[str]:
    """The visible texts of ``fig`` that show below 9 pt (the rule in the module docstring)."""
    width_px, out = fig.get_figwidth() * fig.dpi, []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None:
            shown = style.shown_points(t.get_fontsize(), fig.dpi, width_px)
            if shown < style.MIN_TEXT_PT - 1e-9:
                out.append(f"{t.get_text()!r} {shown:.1f} pt")
    return out


def legends_on_data(fig) -> list[str]:
    """The legends of ``fig`` that overlap the data area of one of its axes by more than 2 px²."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    areas = [ax.get_window_extent(renderer) for ax in _data_axes(fig)]
    return [str([t.get_text() for t in leg.get_texts()][:2]) for leg in _legends(fig)
            if any(_overlap(leg.get_window_extent(renderer), a) > 2.0 for a in areas)]


def test_the_checks_catch_what_the_standard_forbids():
    """Check that the text and legend checks flag a 72-dpi figure with 8-pt text and a legend over its data."""
    fig, ax = plt.subplots(figsize=(4, 3), dpi=72)
    ax.plot([0, 1], [0, 1], label="a curve")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_xlabel("x", fontsize=8)
    fig.canvas.draw()
    assert small_texts(fig) and legends_on_data(fig)
    plt.close(fig)


def test_every_text_is_at_least_9_pt_as_shown(every_figure):
    """Check that every visible text of every widget and display figure shows at >= 9 pt (rule above)."""
    small = [f"{name}: {t}" for name, fig in every_figure.items() for t in small_texts(fig)]
    assert not small, small[:10]


def test_widget_figures_fit_the_column_at_the_widget_dpi(widgets):
    """Check that widget figures are drawn at the widget dpi (96) and at most 1000 px wide."""
    for name, fig in widgets.items():
        if name.startswith("_"):
            continue
        assert fig.dpi == style.WIDGET_DPI, name
        assert fig.get_figwidth() * fig.dpi <= style.MAX_WIDTH_PX, name


def test_lab_is_no_thumbnail(widgets):
    """Check that the lab's canvas is at least 500 px on each side (it was a 360-px thumbnail)."""
    fig = widgets["boundary_lab"]
    assert min(fig.get_size_inches() * fig.dpi) >= 500


def test_every_heatmap_has_a_labelled_colorbar(every_figure):
    """Check that every image that is not a picture has a labelled colorbar, its own or one of the same scale."""
    missing = []
    for name, fig in every_figure.items():
        images = [im for ax in fig.axes for im in ax.images if isinstance(im, AxesImage)]
        barred = [im for im in images if im.colorbar is not None]
        for im in images:
            if im.get_gid() == style.PICTURE_GID or not im.axes.get_visible():
                continue
            shared = any(b.get_cmap().name == im.get_cmap().name and b.get_clim() == im.get_clim() for b in barred)
            if im.colorbar is None and not shared:
                missing.append(f"{name}: {im.axes.get_title()!r}")
            elif im.colorbar is not None and not im.colorbar.ax.get_ylabel().strip():
                missing.append(f"{name}: {im.axes.get_title()!r} has an unlabelled colorbar")
    assert not missing, missing


def test_critic_heatmaps_have_a_symmetric_range(every_figure):
    """Check that every critic heatmap (D or log w) is centred on its boundary value: log w on [−L, L], D on [0, 1]."""
    seen = 0
    for fig in every_figure.values():
        for im in (im for ax in fig.axes for im in ax.images if im.get_cmap().name == style.CRITIC_CMAP.name):
            lo, hi = im.get_clim()
            assert (lo, hi) == (0.0, 1.0) or lo == -hi
            seen += 1
    assert seen >= 4


def test_count_axes_have_integer_ticks(every_figure):
    """Check that axes labelled with a count (step, modes, classes, support point, M) get integer ticks."""
    bad = []
    for name, fig in every_figure.items():
        for ax in fig.axes:
            for axis, label in ((ax.xaxis, ax.get_xlabel()), (ax.yaxis, ax.get_ylabel())):
                if not COUNT_LABEL.search(label) or not ax.get_visible():
                    continue
                loc = axis.get_major_locator()
                integer = (isinstance(loc, MaxNLocator) and loc._integer) or \
                          (isinstance(loc, FixedLocator) and np.allclose(loc.locs, np.round(loc.locs)))
                if not integer and not (isinstance(loc, LogLocator) and label.startswith("M")):
                    bad.append(f"{name}: {label!r} ({type(loc).__name__})")
    assert not bad, bad


def test_legends_stay_off_the_data(every_figure):
    """Check that no legend overlaps the data area of any axes in its figure (legends sit outside)."""
    bad = [f"{name}: legend {leg}" for name, fig in every_figure.items() for leg in legends_on_data(fig)]
    assert not bad, bad


def test_every_legend_is_readable_and_nothing_is_cut_off(every_figure):
    """Check that every legend and axes title lies inside its figure and no two titles overlap."""
    bad = []
    for name, fig in every_figure.items():
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        titles = [ax.title for ax in fig.axes if ax.get_title() and ax.get_visible()]
        for artist in _legends(fig) + titles:
            box = artist.get_window_extent(renderer)
            if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 or box.y1 > page.y1 + 1:
                bad.append(f"{name}: {getattr(artist, 'get_text', lambda: 'legend')()!r} cut off")
        boxes = [t.get_window_extent(renderer) for t in titles]
        bad += [f"{name}: titles {titles[i].get_text()!r} and {titles[j].get_text()!r} overlap"
                for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if _overlap(boxes[i], boxes[j]) > 2.0]
    assert not bad, bad


# --- colours by meaning ---------------------------------------------------------------------------------
def _rgba(c):
    return tuple(np.round(to_rgba(c), 4))


def _face(collection):
    return _rgba(collection.get_facecolor()[0])


def test_boundary_displays_use_the_standard_colours(widgets, statics):
    """Check that the lab and the small multiples draw data, generated points and w = 1 in the standard's colours."""
    lab = widgets["_lab"]
    displays = [lab.display]
    ax = statics["boundary_grid"].axes[0]
    for d in displays:
        assert _face(d.real_) == _rgba(style.DATA) and _face(d.fake_) == _rgba(style.GENERATED)
        assert _rgba(d.boundary_.get_color()[0]) == _rgba(style.BOUNDARY)
        assert d.image_.get_cmap().name == style.CRITIC_CMAP.name
        assert d.colorbar_ is not None
    faces = {_face(c) for c in ax.collections if hasattr(c, "get_offsets") and len(c.get_facecolor())}
    assert {_rgba(style.DATA), _rgba(style.GENERATED)} <= faces


def test_density_displays_use_data_and_generated_colours(widgets, statics):
    """Check that p is drawn in the data colour and q in the generated colour (notebooks 01-02, picker)."""
    ax = statics["density"].axes[0]
    assert _rgba(ax.patches[0].get_facecolor())[:3] == _rgba(style.DATA)[:3]
    assert _rgba(ax.lines[0].get_color()) == _rgba(style.GENERATED)
    ax = statics["plot_pq"].axes[0]
    assert _rgba(ax.patches[0].get_facecolor())[:3] == _rgba(style.DATA)[:3]
    assert _rgba(ax.lines[0].get_color()) == _rgba(style.GENERATED)
    picker_ax = widgets["point_picker"].axes[0]
    assert _face(picker_ax.collections[0]) == _rgba(style.DATA)


def test_reference_levels_are_grey_and_never_a_runs_colour(statics):
    """Check that the JS reference lines use the reference colour, distinct from every run's colour."""
    ax = statics["plot_js_curves"].axes[0]
    refs = [ln for ln in ax.lines if ln.get_label().startswith(("one mode dropped", "x:"))]
    runs = [ln for ln in ax.lines if ln not in refs]
    assert len(refs) == 2 and all(_rgba(ln.get_color()) == _rgba(style.REFERENCE) for ln in refs)
    assert len({ln.get_linestyle() for ln in refs}) == 2
    assert all(_rgba(ln.get_color()) != _rgba(style.REFERENCE) for ln in runs)


def test_bgan_has_one_colour_in_every_notebook(statics):
    """Check that BGAN is drawn in one colour in the JS curves (03), the loss study (05) and the text curves (06)."""
    bgan = _rgba(style.method_color("bgan"))
    js = next(ln for ln in statics["plot_js_curves"].axes[0].lines if ln.get_label().startswith("BGAN (per-z"))
    study = next(c for c in statics["plot_mode_study"].axes[0].collections if c.get_label().startswith("BGAN"))
    text = next(ln for ln in statics["plot_metric_curves"].axes[0].lines if ln.get_label() == "BGAN")
    one_d = next(ln for ln in statics["plot_loss_gradients_1d"].axes[0].lines if ln.get_label().startswith("BGAN"))
    assert _rgba(js.get_color()) == _face(study) == _rgba(text.get_color()) == _rgba(one_d.get_color()) == bgan
    assert style.method_color("boundary_seeking") == style.method_color("BGAN") == style.method_color("bgan")


def test_overlapping_curves_say_so(statics):
    """Check that a run whose JS curve lies on another's says so in its legend label."""
    labels = [ln.get_label() for ln in statics["plot_js_curves"].axes[0].lines]
    assert any("on top of BGAN (per-z" in s for s in labels)


def test_divergences_are_named_by_their_title(statics):
    """Check that divergences are spelled as DIVERGENCES[name].title in every figure that names them."""
    titles = {ax.get_title() for ax in statics["plot_bound_results"].axes}
    assert {DIVERGENCES["gan"].title, DIVERGENCES["kl"].title} <= titles
    grid_titles = {ax.get_title() for ax in statics["sample_grids"].axes if ax.get_visible()}
    assert grid_titles == {d.title for d in DIVERGENCES.values()}
    labels = [ln.get_label() for ln in statics["plot_js_curves"].axes[0].lines]
    assert any(s.startswith(DIVERGENCES["kl"].title) for s in labels)


def test_snis_bias_plot_draws_a_one_over_m_guide(statics):
    """Check that the bias plot's guide has slope exactly −1 on log-log axes (c/M)."""
    ax = statics["plot_snis_bias"].axes[0]
    guide = next(ln for ln in ax.lines if "c/M" in ln.get_label())
    m, y = guide.get_data()
    np.testing.assert_allclose(np.diff(np.log(y)) / np.diff(np.log(m)), -1.0)


def test_word_share_is_shown_in_percent(widgets):
    """Check that the text scrubber's word-share axis labels its ticks in %."""
    fig = widgets["text_scrubber"]
    share = next(ax for ax in fig.axes if "word share" in ax.get_ylabel())
    labels = [t.get_text() for t in share.get_yticklabels() if t.get_text()]
    assert labels and all(s.endswith("%") for s in labels)


def test_lab_title_prints_the_largest_gradient(widgets):
    """Check that the lab's state carries the arrow scale and max |∇ℓ|, and its title prints that number."""
    lab = widgets["_lab"]
    extras = lab.gan.snapshots[-1].extras
    assert extras["arrow_scale"] == lab.display.view.arrow_scale and extras["max_grad"] >= 0
    assert f"{extras['max_grad']:.3g}" in lab.display.ax_.get_title()


_OPEN_WARNING = plt.rcParams["figure.max_open_warning"]


def setup_module():
    plt.rcParams["figure.max_open_warning"] = 0          # this module keeps ~30 figures open on purpose


def teardown_module():
    plt.close("all")
    plt.rcParams["figure.max_open_warning"] = _OPEN_WARNING


# --- tools/figures.py -----------------------------------------------------------------------------------
def test_figures_tool_saves_each_shown_picture_once(tmp_path, monkeypatch):
    """Check that tools/figures.py writes one PNG per distinct picture a notebook shows (a re-show is not saved)."""
    import sys

    import nbformat

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "tools"))
    import figures as tool

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src, id=f"c{i}") for i, src in enumerate((
        "from bgan_teach.plotting import figure, setup_backend\nsetup_backend()",
        "fig, ax = figure('a', figsize=(3, 2))\nax.plot([0, 1])\nfig",
        "from IPython.display import display\ndisplay(fig)",            # the same picture again
        "ax.plot([1, 0])\nfig"))])                                       # a changed picture
    path = tmp_path / "09_tiny.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setenv("BGAN_STATIC", "1")
    index, _, error = tool.run(path, tmp_path / "out", timeout=120)
    assert error is None
    assert [row["file"] for row in index] == ["09-01.png", "09-02.png"]
    assert [row["cell_id"] for row in index] == ["c1", "c3"] and {row["key"] for row in index} == {"a"}
    assert all((tmp_path / "out" / row["file"]).read_bytes()[:4] == b"\x89PNG" for row in index)
