"""Offline data: generated toys with exact densities, sklearn digits, stdlib text. No downloads."""
from .digits import digit_labels, digits_binarized, digits_continuous, digits_quantized  # noqa: F401
