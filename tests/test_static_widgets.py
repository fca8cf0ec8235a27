"""tools/static_widgets.py: stored widget state rendered as static HTML for the tour."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import static_widgets as sw  # noqa: E402


def _nb_with_widgets():
    models = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_sl", "IPY_MODEL_cv", "IPY_MODEL_out"]}},
        "sl": {"model_name": "FloatSliderModel", "state": {"description": "lr", "value": 0.3, "min": 0, "max": 1}},
        "cv": {"model_name": "MPLCanvasModel", "state": {"_data_url": "AAAA", "_size": [640, 480]}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [{"output_type": "stream", "text": "a<b"}]}},
    }
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("W.VBox(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        sw.VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0}, "text/plain": "VBox()"})]
    nb.cells = [cell]
    nb.metadata["widgets"] = {sw.STATE: {"state": models, "version_major": 2, "version_minor": 0}}
    return nb


def test_freeze_renders_last_state_and_drops_widget_metadata():
    """Check that freeze turns a widget view into HTML with the slider value, the figure PNG and Output text."""
    nb = _nb_with_widgets()
    assert sw.freeze(nb) == 1
    data = nb.cells[0].outputs[0]["data"]
    assert sw.VIEW not in data and "widgets" not in nb.metadata
    page = data["text/html"]
    assert "data:image/png;base64,AAAA" in page and "<code>0.3</code>" in page and "lr" in page
    assert "a&lt;b" in page                                          # Output widget text, escaped
    assert page.index("0.3") < page.index("AAAA") < page.index("a&lt;b")   # children in VBox order


def test_selection_slider_shows_option_label_and_unknown_models_render_empty():
    """Check that a SelectionSlider shows its chosen label and an unknown model renders as nothing."""
    models = {"s": {"model_name": "SelectionSliderModel", "state": {"_options_labels": ["a", "b"], "index": 1}},
              "u": {"model_name": "SomeCustomModel", "state": {}}}
    assert "<code>b</code>" in sw.render("s", models)
    assert sw.render("u", models) == "" and sw.render("missing", models) == ""


def _live_page():
    models = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_sl", "IPY_MODEL_cv", "IPY_MODEL_txt"]}},
        "sl": {"model_name": "IntSliderModel", "state": {"description": "history", "value": 2, "min": 0, "max": 2}},
        "cv": {"model_name": "MPLCanvasModel", "state": {"_data_url": "TEFTVA==", "_size": [64, 48]}},
        "txt": {"model_name": "HTMLModel", "state": {"value": "<b>step 2</b>"}},
    }
    frames = [{"slider": "sl", "view": "cv", "texts": {"txt": ["<b>step 0</b>", "<b>step 1</b>", "<b>step 2</b>"]},
               "labels": ["0", "1", "2"], "mime": "image/png", "images": ["QQ==", "Qg==", "Qw=="], "start": 2}]
    return models, frames


def test_a_slider_with_frames_becomes_a_live_scrubber():
    """Check that a slider with frames renders as an enabled range input with its frames, readout and targets."""
    import html
    import json
    import re

    models, frames = _live_page()
    page = sw.render("box", sw.Page(models, frames))
    tag = re.search(r"<input type='range' class='sw-scrub'[^>]*>", page).group(0)
    assert "disabled" not in tag and "max='2'" in tag and "value='2'" in tag and "oninput=" in tag
    blob = re.search(r"<script type='application/json' id='sw-frames-sl'>(.*?)</script>", page).group(1)
    data = json.loads(blob)
    assert data["images"] == ["QQ==", "Qg==", "Qw=="] and data["view"] == "cv" and data["labels"][0] == "0"
    assert "<div class='sw-view' id='sw-view-cv' style='flex:none'><img" in page       # the picture to swap
    assert "<span id='sw-text-txt'><b>step 2</b></span>" in page                      # the text to swap
    assert "<code class='sw-readout'>2</code>" in page
    assert "document.getElementById(this.dataset.frames)" in html.unescape(tag)


def test_frames_cannot_close_the_script_tag_and_unknown_sliders_stay_frozen():
    """Check that '</script>' inside a frame's text is escaped, and frames of a slider not on the page are ignored."""
    models, frames = _live_page()
    frames[0]["texts"]["txt"][0] = "</script><b>x</b>"
    frames.append({"slider": "elsewhere", "view": None, "texts": {}, "labels": ["a"], "images": ["QQ=="]})
    page = sw.render("box", sw.Page(models, frames))
    blob = page.split("<script type='application/json' id='sw-frames-sl'>")[1].split("</script>")[0]
    assert "\\u003c/script>" in blob and "sw-frames-elsewhere" not in page
    frozen = sw.render("sl", models)                                              # no frames: as before
    assert "disabled" in frozen and "sw-scrub" not in frozen
