"""Tests for bgan_teach.plotting.text and bgan_teach.widgets.text (Agg backend, no kernel)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from bgan_teach.plotting.text import TextTrainingDisplay, format_samples  # noqa: E402
from bgan_teach.widgets.text import text_scrubber, views_of  # noqa: E402

VIEWS = [dict(step=10 * i, samples=[f"sample {i} a", f" lead {i}  "], bigram_js=0.3 - 0.05 * i,
              word_share=0.1 * i) for i in range(4)]
REF = {"unigram": dict(bigram_js=0.16, word_share=0.005), "bigram": dict(bigram_js=0.005, word_share=0.03)}


def test_format_samples_keeps_spaces_visible():
    """Check that samples print one per line between bars, spaces kept."""
    assert format_samples(["ab ", " c"]) == "|ab |\n| c|"


def test_display_starts_at_last_view_and_draws_references():
    """Check that the display shows the last snapshot and one horizontal line per reference and metric."""
    fig, axes = plt.subplots(1, 2)
    display = TextTrainingDisplay(axes, VIEWS, REF)
    assert display.text_.get_text() == format_samples(VIEWS[-1]["samples"])
    assert list(display.marker_.get_xdata()) == [30, 30]
    assert len(display.ax_js.lines) == 1 + 2 + 1 and len(display.ax_share.lines) == 1 + 2
    plt.close(fig)


def test_slider_updates_text_and_marker_in_place():
    """Check that setting the slider value mutates the same text and marker artists."""
    lab = text_scrubber(VIEWS, REF)
    text, marker = lab.display.text_, lab.display.marker_
    lab.controls["snapshot"].value = 1
    assert lab.display.text_ is text and lab.display.marker_ is marker
    assert text.get_text() == "|sample 1 a|\n| lead 1  |"
    assert list(marker.get_xdata()) == [10, 10]
    assert "step 10" in lab.display.ax_text.get_title(loc="left")
    lab.controls["snapshot"].value = 99                      # clamps to the last snapshot
    assert list(marker.get_xdata()) == [30, 30]
    plt.close("all")


def test_views_of_needs_text_snapshots():
    """Check that views_of rejects a result whose snapshots carry no text views."""
    class Snap:
        step, extras = 0, {}

    class Result:
        snapshots = [Snap()]

    with pytest.raises(ValueError, match="snapshot_fn"):
        views_of(Result())
