"""Interactive demos that work everywhere: a live ipywidget in Jupyter, pre-rendered frames in HTML.

Every demo in the book is a :class:`Demo`: a drawing function plus a few controls, each
with a short list of values. Displayed in a notebook, a demo offers two views of itself:

* ``application/vnd.jupyter.widget-view+json``: sliders and menus (ipywidgets) that redraw
  the figure with the kernel; Jupyter, JupyterLab, Colab and Binder show this one;
* ``text/html``: every combination of control values drawn once, at build time, and a few
  lines of plain JavaScript that swap the picture when a control moves. The static HTML
  book has no kernel, so ``_config.yml`` tells it to prefer this view.

Introduced in the chapter on image classification; used by every chapter with a demo.
"""

import base64
import hashlib
import html
import io
import itertools
import json
import math

MAX_FRAMES = 150  # frames are embedded in the page: keep every demo light enough for a phone


class Demo:
    """A figure that redraws when its controls move.

    draw: a function ``draw(fig, **values)`` that draws on a blank matplotlib Figure.
    controls: ``{name: [value, ...]}``, in display order; the first is the main control.
        Numbers get a slider, strings get a menu.
    defaults: ``{name: value}`` for the starting position (otherwise each list's middle).
    labels: ``{name: "text"}`` shown beside the controls (otherwise the names).
    """

    def __init__(self, draw, controls, *, defaults=None, labels=None, title="", alt="",
                 figsize=(6.4, 4.0), dpi=80):
        if not callable(draw):
            raise TypeError(f"draw must be a function draw(fig, **values), got {type(draw)}")
        if not isinstance(controls, dict) or not controls:
            raise ValueError("controls must be a non-empty dict {name: [values]}")
        self.controls = {}
        for name, values in controls.items():
            values = list(values)
            if not values:
                raise ValueError(f"control {name!r} has no values")
            if len(set(map(repr, values))) != len(values):
                raise ValueError(f"control {name!r} repeats a value: {values}")
            self.controls[name] = values
        n_frames = math.prod(len(v) for v in self.controls.values())
        if n_frames > MAX_FRAMES:
            raise ValueError(f"controls give {n_frames} frames; at most {MAX_FRAMES} fit in a page: "
                             "offer fewer values")
        defaults = dict(defaults or {})
        unknown = set(defaults) - set(self.controls)
        if unknown:
            raise ValueError(f"defaults name unknown controls {sorted(unknown)}")
        self.defaults = {}
        for name, values in self.controls.items():
            value = defaults.get(name, values[len(values) // 2])
            if value not in values:
                raise ValueError(f"default {value!r} of {name!r} is not one of {values}")
            self.defaults[name] = value
        self.labels = {name: (labels or {}).get(name, name) for name in self.controls}
        self.draw, self.title, self.alt = draw, title, alt or title
        self.figsize, self.dpi = figsize, dpi

    def figure(self, layout="constrained", **values):
        """The matplotlib Figure for one setting of the controls (missing ones at their defaults)."""
        from matplotlib.figure import Figure

        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown controls {sorted(unknown)}; this demo has {list(self.controls)}")
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout=layout)
        self.draw(fig, **{**self.defaults, **values})
        return fig

    def render_png(self, **values):
        """PNG bytes of one frame, laid out on its own."""
        return _png(self.figure(**values), self.dpi)

    def frames(self):
        """Every combination of control values, in row-major order of the controls."""
        names = list(self.controls)
        for combo in itertools.product(*self.controls.values()):
            yield dict(zip(names, combo, strict=True))

    def render_all(self):
        """PNG bytes of every frame, in the order of frames().

        The starting frame is laid out by matplotlib's constrained layout; the others reuse its
        axes positions, which halves the cost of a frame and keeps the picture from jumping
        as a control moves. A frame with a different number of axes is laid out on its own.
        """
        start = self.figure(**self.defaults)
        start_png = _png(start, self.dpi)
        positions = [ax.get_position() for ax in start.axes]
        pngs = []
        for values in self.frames():
            if values == self.defaults:
                pngs.append(start_png)
                continue
            fig = self.figure(layout=None, **values)  # no engine: one draw per frame, not two
            if len(fig.axes) == len(positions):
                for ax, position in zip(fig.axes, positions, strict=True):
                    ax.set_position(position)
            else:
                fig = self.figure(**values)
            pngs.append(_png(fig, self.dpi))
        return pngs

    def to_html(self):
        """A self-contained HTML view: plain controls that swap pre-rendered frames."""
        settings = list(self.frames())
        frames = [base64.b64encode(png).decode("ascii") for png in self.render_all()]
        uid = "demo-" + hashlib.sha1("".join(frames[:1] + [self.title]).encode()).hexdigest()[:10]
        alts = [self.describe(**v) for v in settings]  # a screen reader hears the current setting
        payload = {"sizes": [len(v) for v in self.controls.values()], "frames": frames, "alts": alts}
        inputs = []
        for i, (name, values) in enumerate(self.controls.items()):
            start = values.index(self.defaults[name])
            label = html.escape(str(self.labels[name]))
            if all(isinstance(v, int | float) for v in values):
                shown = json.dumps([_fmt(v) for v in values])
                inputs.append(
                    f'<label>{label} <input type="range" data-axis="{i}" min="0" '
                    f'max="{len(values) - 1}" step="1" value="{start}" aria-label="{label}" '
                    f"data-shown='{html.escape(shown)}'> "
                    f"<output>{html.escape(_fmt(values[start]))}</output></label>")
            else:
                options = "".join(
                    f'<option value="{j}"{" selected" if j == start else ""}>'
                    f"{html.escape(str(v))}</option>" for j, v in enumerate(values))
                inputs.append(f'<label>{label} <select data-axis="{i}" aria-label="{label}">'
                              f"{options}</select></label>")
        start_index = _flat_index([v.index(self.defaults[n]) for n, v in self.controls.items()],
                                  payload["sizes"])
        title = f'<div class="lib-demo-title">{html.escape(self.title)}</div>' if self.title else ""
        return (
            f'<div class="lib-demo" id="{uid}">{title}'
            f'<div class="lib-demo-controls">{"".join(inputs)}</div>'
            f'<img class="lib-demo-frame" alt="{html.escape(alts[start_index])}" '
            f'src="data:image/png;base64,{frames[start_index]}">'
            f'<script type="application/json" class="lib-demo-data">{json.dumps(payload)}</script>'
            f"<script>{_SWAP_JS.replace('UID', uid)}</script></div>"
        )

    def describe(self, **values):
        """Alt text for one frame: the demo's description and the setting it shows."""
        setting = ", ".join(f"{self.labels[n]} = {_fmt(values[n])}" for n in self.controls)
        return f"{self.alt} ({setting})" if self.alt else setting

    def widget(self):
        """The live ipywidgets view: one slider or menu per control, the figure below."""
        import ipywidgets as w
        from IPython.display import display

        # ipywidgets gives every control a fixed 300 px, label included: a long label would leave
        # the slider a few pixels wide, too short to drag. So each control is as wide as its
        # label (estimated at 7 px a character, JupyterLab's 13 px font) plus room for the slider
        # or menu; the row wraps when the controls do not fit side by side (and a window too
        # narrow for one control scrolls rather than squashing it).
        pickers = {}
        for name, values in self.controls.items():
            label = str(self.labels[name])
            shown = [_fmt(v) for v in values]
            if all(isinstance(v, int | float) for v in values):
                kind, room = w.SelectionSlider, 240 + 7 * max(map(len, shown))  # track + readout
            else:
                kind, room = w.Dropdown, 48 + 7 * max(map(len, shown))  # menu text + arrow
            width = 16 + 7 * len(label) + max(room, 120)
            pickers[name] = kind(options=list(zip(shown, values, strict=True)),
                                 value=self.defaults[name], description=label,
                                 style={"description_width": "initial"},
                                 layout={"width": f"{width}px", "min_width": f"{width}px",
                                         "margin": "2px 24px 2px 2px"})

        def show(**values):
            display(self.figure(**values))

        out = w.interactive_output(show, pickers)
        return w.VBox([w.HBox(list(pickers.values()), layout={"flex_flow": "row wrap"}), out])

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": f"<Demo {self.title!r}: controls {list(self.controls)}>",
                  "text/html": self.to_html()}
        try:
            view = self.widget()._repr_mimebundle_()
        except ImportError:  # no ipywidgets: the HTML view still works
            return bundle
        view.pop("text/plain", None)
        return {**bundle, **view}


def _png(fig, dpi):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _flat_index(indices, sizes):
    flat = 0
    for i, n in zip(indices, sizes, strict=True):
        flat = flat * n + i
    return flat


# Finds its own demo by id, and on every input recomputes the frame index (row-major).
_SWAP_JS = """(function () {
  var root = document.getElementById("UID");
  if (!root || root.dataset.live) { return; }
  root.dataset.live = "1";
  var data = JSON.parse(root.querySelector(".lib-demo-data").textContent);
  var img = root.querySelector(".lib-demo-frame");
  var inputs = root.querySelectorAll("[data-axis]");
  function update() {
    var flat = 0;
    inputs.forEach(function (el) {
      var axis = +el.dataset.axis, i = +el.value;
      flat = flat * data.sizes[axis] + i;
      if (el.dataset.shown) { el.nextElementSibling.textContent = JSON.parse(el.dataset.shown)[i]; }
    });
    img.src = "data:image/png;base64," + data.frames[flat];
    img.alt = data.alts[flat];
  }
  inputs.forEach(function (el) {
    el.addEventListener("input", update);
    el.addEventListener("change", update);
  });
})();"""
