"""Metrics against known truth: exact divergences, mode coverage, classifier-based digit scores."""
from .digits import class_coverage, digit_classifier, digit_scores, mean_confidence, pixel_marginal_error  # noqa: F401
from .modes import high_quality_fraction, mean_log_density, mmd2, mode_report, modes_covered  # noqa: F401
from .grid import critic_table, exact_js, exact_kl, first_below, grid_metrics, js_summary, model_table  # noqa: F401
from .text import bigram_js, reference_metrics, text_metrics, text_snapshot_fn, weighted_samples, word_share  # noqa: F401
