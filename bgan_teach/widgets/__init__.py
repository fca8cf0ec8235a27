"""Thin ipywidgets glue over the display objects (no math here)."""
from .fdiv import bound_scrubber, fenchel_lab, snis_lab  # noqa: F401
from .discrete import grid_scrubber, grid_twin_scrubber, weight_bars_lab  # noqa: F401
from .lab import BoundaryLab, boundary_lab, twin_lab  # noqa: F401
from .picker import PointPicker, point_picker  # noqa: F401
from .text import text_scrubber, views_of  # noqa: F401
from .digits import digits_scrubber  # noqa: F401
