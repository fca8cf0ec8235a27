"""bgan-teach: learn Boundary-Seeking GANs (Hjelm et al., ICLR 2018) by running and moving sliders.

Layers (nothing lower imports anything higher):
math (:mod:`divergences`, :mod:`weights`, :mod:`losses`, :mod:`estimators`) → :mod:`models`, :mod:`data`
→ :mod:`training`, :mod:`metrics` → :mod:`plotting` → :mod:`widgets`.
"""
from . import config, divergences, losses, weights  # noqa: F401
from .divergences import DIVERGENCES, get  # noqa: F401

__version__ = "0.1.0"
