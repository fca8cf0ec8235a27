"""float64 stays float64: histories keep their precision, float64 data train float64 networks."""
from __future__ import annotations

import numpy as np
import torch

from bgan_teach.divergences import get

from bgan_teach.training import History, fit_bound, train_continuous


def test_history_keeps_float64_precision():
    """Check that 1 + 1e-12 and 1e300 survive the history (they would not through float32)."""
    h = History()
    h.append(a=torch.tensor(1 + 1e-12, dtype=torch.float64), b=1e300)
    h.append(a=torch.tensor(2.0, dtype=torch.float32), b=torch.tensor([1.0, 3.0], dtype=torch.float64))
    assert h["a"][0] == 1 + 1e-12 and h["b"][0] == 1e300 and h["b"][1] == 2.0
    assert h["a"].dtype == np.float64


def test_float64_data_train_float64_networks():
    """Check train_continuous on a float64 tensor: float64 weights, samples and finite float64 history."""
    x = torch.randn(300, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    res = train_continuous(x, steps=4, progress=False, hidden=8, layers=1, batch_size=16, components=4)
    assert all(p.dtype == torch.float64 for p in res.generator.parameters())
    assert all(p.dtype == torch.float64 for p in res.critic.parameters())
    assert res.sample(5).dtype == torch.float64 and res.stopped is None


def test_fit_bound_history_is_float64():
    """Check that fit_bound's table critic keeps float64 values in its history (no float32 rounding)."""
    p = torch.tensor([0.1, 0.4, 0.5], dtype=torch.float64)
    q = torch.tensor([0.3, 0.3, 0.4], dtype=torch.float64)
    res = fit_bound(p, q, "gan", steps=5, batch_size=8, seed=0)
    assert res.history["exact_bound"].dtype == np.float64
    first = get("gan").weighted_bound(torch.zeros(3, dtype=torch.float64), p, q)     # the table starts at 0
    assert res.history["exact_bound"][0] == float(first)                            # to the last float64 bit
