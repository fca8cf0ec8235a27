"""Render stored ipywidgets state as plain HTML, so executed notebooks read without Jupyter or a CDN.

nbclient (``store_widget_state=True``) keeps each widget model's last state in
``nb.metadata.widgets``; ipympl keeps its canvas' last picture in ``_data_url`` (PNG, base64).
``freeze(nb, frames)`` replaces every widget-view output by a static rendering of that last state
(sliders at their last value, figures as their last picture) and drops the widget metadata.

``frames`` (from :func:`bgan_teach.widgets.frames.tour_frames`, run in the notebook's kernel) makes the
snapshot sliders live: such a slider becomes an ``<input type=range>`` whose inline ``oninput`` swaps the
``src`` of its figure's ``<img>`` for the precomputed frame, sets the readout and the texts that follow the
slider. The frames travel in an inline ``<script type="application/json">`` blob: no kernel, no network.
"""
from __future__ import annotations

import html
import json

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
# The scrubber: parse this slider's frames once, then swap picture, readout and texts for frame i.
SCRUB_JS = ("var d=this._sw||(this._sw=JSON.parse(document.getElementById(this.dataset.frames).textContent)),"
            "i=+this.value,v=d.view&&document.getElementById('sw-view-'+d.view),m=v&&v.querySelector('img');"
            "if(m)m.src='data:'+d.mime+';base64,'+d.images[i];"
            "var r=this.parentNode.querySelector('.sw-readout');if(r)r.textContent=d.labels[i];"
            "for(var k in d.texts){var e=document.getElementById('sw-text-'+k);if(e)e.innerHTML=d.texts[k][i];}")


class Page:
    """The widget models of one notebook and the frames of its live sliders (by slider, view and text id)."""

    def __init__(self, models: dict, frames=None):
        self.models = models
        self.sliders = {f["slider"]: f for f in frames or [] if f.get("slider") in models}
        self.views = {f["view"] for f in self.sliders.values() if f.get("view")}
        self.texts = {t for f in self.sliders.values() for t in f.get("texts", {})}


def _page(models) -> Page:
    return models if isinstance(models, Page) else Page(models)


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
    style = f"width:{int(width)}px;max-width:100%;flex:none" if width else "max-width:100%;flex:none"   # never squeezed by a row
    return f"<img class='sw-figure' src='{src}' style='{style}'/>"


def _live_slider(s, frames: dict) -> str:
    """A slider that scrubs precomputed frames (see the module docstring)."""
    fid = f"sw-frames-{frames['slider']}"
    blob = {"view": frames.get("view"), "mime": frames.get("mime", "image/png"), "labels": frames["labels"],
            "images": frames["images"], "texts": frames.get("texts", {})}
    data = json.dumps(blob, separators=(",", ":")).replace("<", "\\u003c")      # no "</script>" inside
    start = int(frames.get("start", len(frames["labels"]) - 1))
    return (f"<div class='sw-slider sw-live'>{_label(s)}<input type='range' class='sw-scrub' min='0' "
            f"max='{len(frames['labels']) - 1}' step='1' value='{start}' data-frames='{fid}' "
            f"title='{len(frames['labels'])} precomputed frames' oninput=\"{html.escape(SCRUB_JS)}\"/> "
            f"<code class='sw-readout'>{html.escape(str(frames['labels'][start]))}</code>"
            f"<script type='application/json' id='{fid}'>{data}</script></div>")


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


def _value(s, models, escape=True, text_id=None):
    v = str(s.get("value", ""))
    v = html.escape(v) if escape else v
    if text_id is not None:                       # a text that follows a live slider: its value is swapped
        v = f"<span id='sw-text-{text_id}'>{v}</span>"
    return f"<div class='sw-value'>{_label(s)}{v}</div>"


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


def render(model_id: str, models) -> str:
    """Static HTML for one widget model (recursing into children); unknown models render as nothing.

    ``models``: the stored widget models, or a :class:`Page` (models plus the frames of live sliders).
    """
    page = _page(models)
    model = page.models.get(model_id)
    if model is None:
        return ""
    if model_id in page.sliders:
        return _live_slider(model.get("state", {}), page.sliders[model_id])
    name, state = model.get("model_name", ""), model.get("state", {})
    if model_id in page.texts:
        return _value(state, page, escape=not name.startswith("HTML"), text_id=model_id)
    fn = _renderer(name)
    out = fn(state, page) if fn else ""
    if model_id in page.views:
        out = f"<div class='sw-view' id='sw-view-{model_id}' style='flex:none'>{out}</div>"
    return out


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


def freeze(nb, frames=None) -> int:
    """Replace widget-view outputs by static HTML of their last state; return how many were replaced.

    ``frames``: the JSON list of :func:`bgan_teach.widgets.frames.tour_frames`; those sliders scrub their frames.
    """
    models = Page(nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {}), frames)
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if VIEW in data:
                data["text/html"] = render(data.pop(VIEW)["model_id"], models)
                n += 1
    nb.metadata.pop("widgets", None)
    return n
