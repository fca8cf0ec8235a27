"""benchmarks/text_quality.py: the GAN points beside the n-gram curve come from the committed text sweep."""
import numpy as np
import pytest

from bgan_teach.lessons.sweep import load_sweep
from scripts import load_script


def _module():
    return load_script("benchmarks/text_quality.py")


def test_gan_points_are_each_estimators_best_rate_means():
    """Check each point against the runs: the rate with the lowest mean score, and the means at that rate."""
    data = load_sweep("text")
    points = _module().gan_points(data)
    assert len(points) == len({r["setup"] for r in data["runs"]}) == 3
    for label, row in points.items():
        setup = label.split(" ")[0]
        by_lr = {}
        for r in data["runs"]:
            if r["setup"] == setup:
                by_lr.setdefault(r["lr"], []).append(r)
        best = min(by_lr, key=lambda lr: np.mean([r["score"] for r in by_lr[lr]]))
        assert f"lr {best:g}" in label and len(by_lr[best]) == 2
        assert row["bigram_js"] == pytest.approx(np.mean([r["score"] for r in by_lr[best]]), rel=1e-12)
        assert row["word_share"] == pytest.approx(np.mean([r["word_share"] for r in by_lr[best]]), rel=1e-12)
        assert row["distinct_4"] == pytest.approx(np.mean([r["distinct_4"] for r in by_lr[best]]), rel=1e-12)
