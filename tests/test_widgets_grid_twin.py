"""The twin grid scrubber of notebook 03: two discrete runs (per-z vs global weights) on one snapshot slider."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from bgan_teach.data.grid import ring_grid  # noqa: E402
from bgan_teach.training import train_discrete  # noqa: E402
from bgan_teach.widgets import frames  # noqa: E402
from bgan_teach.widgets.discrete import grid_twin_scrubber  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    grid = ring_grid(8)
    data = grid.sample(500, torch.Generator().manual_seed(0))
    out = {name: train_discrete(data, 8, estimator=name, steps=12, batch_size=16, samples_per_z=4, hidden=16,
                                noise_dim=4, seed=0, target=grid.probs(), snapshot_every=3, progress=False)
           for name in ("bgan", "bgan_global")}
    return grid, out


def test_one_slider_shows_snapshot_i_of_both_runs(runs):
    """Check that frame i puts each run's own q and log w of snapshot i in its column and the marker at its step."""
    grid, results = runs
    lab = grid_twin_scrubber(results, grid.probs(), grid.extent_box())
    slider = lab.controls["snapshot"]
    assert slider.max == len(results["bgan"].snapshots) - 1 == 4
    for i in (0, 2, slider.max):
        slider.value = i
        for name, (q, log_w) in lab.display.items():
            snap = results[name].snapshots[i]
            np.testing.assert_allclose(q.image_.get_array(), np.asarray(snap.extras["q"]).T)
            np.testing.assert_allclose(log_w.image_.get_array(), np.asarray(snap.extras["log_w"]).T)
            assert f"step {snap.step}" in q.ax.get_title()
    fig = lab.display["bgan"][0].ax.figure
    marker = [ln for ax in fig.axes for ln in ax.lines if ln.get_label() == "shown step"]
    assert len(marker) == 1 and marker[0].get_xdata()[0] == results["bgan"].snapshots[slider.max].step
    assert slider in [s.slider for s in frames.scrubbers()]                  # its frames go into the tour


def test_the_two_runs_differ_and_bad_input_raises(runs):
    """Check that per-z and global weights give different q after training, and that one run or a run without q raises."""
    grid, results = runs
    q = [np.asarray(r.snapshots[-1].extras["q"]) for r in results.values()]
    assert not np.allclose(*q)
    with pytest.raises(ValueError, match="two"):
        grid_twin_scrubber({"bgan": results["bgan"]}, grid.probs())
    plain = train_discrete(grid.sample(100, torch.Generator().manual_seed(1)), 8, steps=2, batch_size=8, hidden=8,
                           noise_dim=2, progress=False)
    with pytest.raises(ValueError, match="target"):
        grid_twin_scrubber({"a": plain, "b": plain}, grid.probs())
