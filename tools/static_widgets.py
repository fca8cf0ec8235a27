"""Render stored ipywidgets state as plain HTML, so executed notebooks read without Jupyter or a CDN.

nbclient (``store_widget_state=True``) keeps each widget model's last state in
``nb.metadata.widgets``; ipympl keeps its canvas' last picture in ``_data_url`` (PNG, base64).
``freeze(nb)`` replaces every widget-view output by a static rendering of that last state
(sliders at their last value, figures as their last picture) and drops the widget metadata.
"""
from __future__ import annotations

import html

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def _ref(value) -> str:
    return str(value).removeprefix("IPY_MODEL_")


def _label(s: dict) -> str:
    d = s.get("description") or ""
    return f"<span class='sw-label'>{html.escape(d)}</span> " if d else ""


def _box(s, models, direction="column"):
    kids = "".join(render(_ref(c), models) for c in s.get("children", []))
    return f"<div class='sw-box' style='display:flex;flex-direction:{direction};gap:4px'>{kids}</div>"


def _tabs(s, models):
    titles = s.get("titles") or []
    parts = [f"<div class='sw-tab'><b>{html.escape(str(titles[i]) if i < len(titles) else '')}</b>"
             f"{render(_ref(c), models)}</div>" for i, c in enumerate(s.get("children", []))]
    return "<div class='sw-tabs'>" + "".join(parts) + "</div>"


def _canvas(s, models):
    url = s.get("_data_url")
    if not url:
        return "<div class='sw-missing'>(figure: no stored picture)</div>"
    src = url if str(url).startswith("data:") else f"data:image/png;base64,{url}"
    width = (s.get("_size") or [None])[0]
    style = f"width:{int(width)}px;max-width:100%" if width else "max-width:100%"
    return f"<img class='sw-figure' src='{src}' style='{style}'/>"


def _slider(s, models):
    value = s.get("value")
    if "_options_labels" in s:                        # SelectionSlider: value is the option's label
        labels, index = s["_options_labels"], s.get("index", 0)
        value = labels[index] if isinstance(index, int) and index < len(labels) else value
    return (f"<div class='sw-slider'>{_label(s)}<input type='range' disabled min='{s.get('min', 0)}' "
            f"max='{s.get('max', 100)}' step='{s.get('step', 1)}' value='{s.get('index', s.get('value'))}'/> "
            f"<code>{html.escape(str(value))}</code></div>")


def _choice(s, models):
    labels, index = s.get("_options_labels", []), s.get("index")
    chosen = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else index
    return f"<div class='sw-choice'>{_label(s)}<code>{html.escape(str(chosen))}</code></div>"


def _progress(s, models):
    return f"<progress value='{s.get('value', 0)}' max='{s.get('max', 1)}'></progress>"


def _output(s, models):
    return "".join(render_output(o, models) for o in s.get("outputs", []))


def _value(s, models, escape=True):
    v = str(s.get("value", ""))
    return f"<div class='sw-value'>{_label(s)}{html.escape(v) if escape else v}</div>"


def _button(s, models):
    return f"<button disabled>{html.escape(s.get('description', ''))}</button>"


def _check(s, models):
    return f"<div class='sw-check'>{'☑' if s.get('value') else '☐'} {html.escape(s.get('description', ''))}</div>"


RENDERERS = {
    "VBoxModel": _box, "BoxModel": _box, "GridBoxModel": _box, "HBoxModel": lambda s, m: _box(s, m, "row"),
    "TabModel": _tabs, "AccordionModel": _tabs, "StackModel": _tabs, "MPLCanvasModel": _canvas,
    "OutputModel": _output, "FloatProgressModel": _progress, "IntProgressModel": _progress,
    "HTMLModel": lambda s, m: _value(s, m, escape=False), "HTMLMathModel": lambda s, m: _value(s, m, escape=False),
    "ButtonModel": _button, "CheckboxModel": _check, "ToggleButtonModel": _check,
}


def _renderer(name: str):
    if name in RENDERERS:
        return RENDERERS[name]
    if "Slider" in name:
        return _slider
    if name.endswith(("DropdownModel", "ToggleButtonsModel", "RadioButtonsModel", "SelectModel")):
        return _choice
    return _value if name.endswith(("TextModel", "TextareaModel", "LabelModel")) else None


def render(model_id: str, models: dict) -> str:
    """Static HTML for one widget model (recursing into children); unknown models render as nothing."""
    model = models.get(model_id)
    if model is None:
        return ""
    fn = _renderer(model.get("model_name", ""))
    return fn(model.get("state", {}), models) if fn else ""


def render_output(out: dict, models: dict) -> str:
    """Static HTML for one notebook output (used inside Output widgets)."""
    data = out.get("data", {})
    if VIEW in data:
        return render(data[VIEW]["model_id"], models)
    if "image/png" in data:
        return f"<img src='data:image/png;base64,{data['image/png']}' style='max-width:100%'/>"
    if "text/html" in data:
        return "".join(data["text/html"])
    text = out.get("text") or data.get("text/plain") or ""
    return f"<pre>{html.escape(''.join(text))}</pre>"


def freeze(nb) -> int:
    """Replace widget-view outputs by static HTML of their last state; return how many were replaced."""
    models = nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if VIEW in data:
                data["text/html"] = render(data.pop(VIEW)["model_id"], models)
                n += 1
    nb.metadata.pop("widgets", None)
    return n
