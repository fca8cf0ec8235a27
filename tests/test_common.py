"""Tests of the shared training scaffolding, the digits loader, figures and self-checks."""
from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

from bgan_teach import data, plotting  # noqa: E402
from bgan_teach.selfcheck import check  # noqa: E402
from bgan_teach.training import common  # noqa: E402


def test_check_finite_names_quantity_and_step():
    """Check that a NaN is reported with the quantity's name and the step."""
    common.check_finite(3, loss=torch.tensor(1.0), ess=2.0)
    with pytest.raises(common.NonFiniteError, match="loss_g became nan at step 12"):
        common.check_finite(12, loss_d=0.5, loss_g=torch.tensor(float("nan")))
    with pytest.raises(common.NonFiniteError, match="inf"):
        common.check_finite(1, x=math.inf)


def test_history_records_and_returns_arrays():
    """Check History rows, keys and column arrays (missing entries are NaN)."""
    h = common.History()
    h.append(step=0, loss=torch.tensor(2.0))
    h.append(step=1, loss=1.0, ess=3.0)
    assert len(h) == 2 and h.keys() == ["step", "loss", "ess"]
    np.testing.assert_allclose(h["loss"], [2.0, 1.0])
    assert np.isnan(h["ess"][0])
    with pytest.raises(KeyError, match="recorded"):
        h["nope"]


def test_snapshot_is_a_copy_and_restores():
    """Check that snapshots copy states (later training does not change them) and restore."""
    gen, crit = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
    snap = common.take_snapshot(0, gen, crit, note="x")
    with torch.no_grad():
        gen.weight.add_(1.0)
    result = common.TrainResult(gen, crit, common.History(), [snap])
    torch.testing.assert_close(result.generator_at(0).weight, gen.weight - 1.0)
    assert snap.extras == {"note": "x"}


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_positive_int_rejects(bad):
    """Check integer validation messages."""
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        common.positive_int(bad, "steps")


def test_digits_encodings():
    """Check digits shapes, value ranges and level counts of each encoding."""
    b = data.digits_binarized()
    assert b.shape == (1797, 64) and b.dtype == torch.long and set(b.unique().tolist()) == {0, 1}
    q4 = data.digits_quantized(4)
    assert q4.min() == 0 and q4.max() == 3
    q17 = data.digits_quantized(17)
    assert q17.max() == 16 and len(q17.unique()) == 17
    c = data.digits_continuous()
    assert c.dtype == torch.float32 and c.min() == -1 and c.max() == 1
    assert data.digit_labels().bincount().tolist()[0] == 178
    with pytest.raises(ValueError, match="levels"):
        data.digits_quantized(1)


def test_figure_registry_closes_previous():
    """Check that re-creating a figure under the same key closes the old one (no pile-up)."""
    import matplotlib.pyplot as plt

    fig1, _ = plotting.figure("test-key")
    n = len(plt.get_fignums())
    fig2, _ = plotting.figure("test-key")
    assert fig1 is not fig2 and len(plt.get_fignums()) == n
    from matplotlib._pylab_helpers import Gcf

    open_figures = [m.canvas.figure for m in Gcf.get_all_fig_managers()]
    assert fig2 in open_figures and fig1 not in open_figures


def test_selfcheck_prints_verdict(capsys):
    """Check that check() returns closeness and prints a verdict without raising."""
    assert check("same", [1.0, 2.0], torch.tensor([1.0, 2.0]))
    assert not check("diff", [1.0], [2.0])
    assert not check("shape", [1.0, 2.0], [1.0])
    out = capsys.readouterr().out
    assert "ok" in out and "MISMATCH" in out and "shape mismatch" in out
