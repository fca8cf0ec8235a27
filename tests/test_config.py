"""Tests of run-time flags and seeding helpers."""
from __future__ import annotations

import pytest
import torch

from bgan_teach import config


def test_fast_and_static_flags(monkeypatch):
    """Check that BGAN_FAST / IN_TEST / BGAN_STATIC are read from the environment."""
    monkeypatch.delenv("BGAN_FAST", raising=False)
    monkeypatch.delenv("IN_TEST", raising=False)
    monkeypatch.delenv("BGAN_STATIC", raising=False)
    assert not config.fast() and not config.static()
    monkeypatch.setenv("BGAN_FAST", "1")
    assert config.fast()
    monkeypatch.setenv("BGAN_FAST", "0")
    monkeypatch.setenv("IN_TEST", "true")
    assert config.fast()
    monkeypatch.setenv("BGAN_STATIC", "yes")
    assert config.static()


def test_make_generator_is_reproducible():
    """Check that the same seed gives the same draws and a generator passes through."""
    a = torch.rand(3, generator=config.make_generator(5))
    b = torch.rand(3, generator=config.make_generator(5))
    torch.testing.assert_close(a, b)
    gen = torch.Generator()
    assert config.make_generator(gen) is gen
    with pytest.raises(ValueError, match="seed"):
        config.make_generator(None)


def test_seeded_does_not_leak_global_state():
    """Check that seeded() fixes module init and restores the global RNG afterwards."""
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    with config.seeded(7):
        w1 = torch.nn.Linear(2, 2).weight.detach().clone()
    after = torch.rand(1)
    with config.seeded(7):
        w2 = torch.nn.Linear(2, 2).weight.detach().clone()
    torch.testing.assert_close(w1, w2)
    torch.testing.assert_close(before, after)
