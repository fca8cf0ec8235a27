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
