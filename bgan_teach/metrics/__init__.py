"""Metrics against known truth: exact divergences, mode coverage, classifier-based digit scores."""
