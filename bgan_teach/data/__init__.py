"""Offline data: generated toys with exact densities, sklearn digits, stdlib text. No downloads."""
from .digits import digit_labels, digits_binarized, digits_continuous, digits_quantized  # noqa: F401
from .toys2d import TARGETS, Toy2D, from_points, get_target, grid, ring, spiral  # noqa: F401
