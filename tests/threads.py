"""One torch thread for every test of a module: ``from threads import one_thread  # noqa: F401`` at its top.

Torch's CPU kernels may round differently with another number of threads, so tests that compare numbers bit for
bit (recorded runs, a trainer against a plain loop) run on one thread, as the notebooks do; the count is restored
afterwards.
"""
from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
