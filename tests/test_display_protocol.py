"""Every display class follows the protocol written in CONTRIBUTING.md: artists made once, ``update`` mutates them."""
from __future__ import annotations

import inspect

import pytest

from bgan_teach.plotting import boundary, digits, discrete, fdiv, text

DISPLAYS = [cls for module in (boundary, digits, discrete, fdiv, text)
            for name, cls in vars(module).items() if inspect.isclass(cls) and name.endswith("Display")
            and cls.__module__ == module.__name__]


def test_there_are_displays():
    """Check that the scan finds the display classes (so the protocol test below cannot pass vacuously)."""
    assert len(DISPLAYS) >= 10


@pytest.mark.parametrize("cls", DISPLAYS, ids=[c.__name__ for c in DISPLAYS])
def test_display_has_update_and_no_network_calls(cls):
    """Check that each display has ``update`` and that no display method takes a trainer or a network."""
    assert callable(getattr(cls, "update", None))
    for name, fn in inspect.getmembers(cls, inspect.isfunction):
        params = set(inspect.signature(fn).parameters)
        assert not params & {"gan", "trainer", "critic", "generator"}, f"{cls.__name__}.{name} takes {params}"
