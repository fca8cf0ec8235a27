"""Offline data: generated toys with exact densities, sklearn digits, stdlib text. No downloads."""
from .digits import digit_labels, digits_binarized, digits_continuous, digits_quantized  # noqa: F401
from .toys2d import TARGETS, Toy2D, from_points, gaussian_grid, get_target, ring, spiral  # noqa: F401
from .grid import RingGrid, reference_variants, ring_grid  # noqa: F401
from .text import ALPHABET, TextCorpus, clean_text, decode, encode, load_corpus  # noqa: F401
