"""Demos that compute and draw in the page: one ES module, in Jupyter and in the static book.

A demo is a small ES module in lib/js/ with the anywidget contract,
``export default { render({ model, el }) }``, whose numerics are exported pure functions kept
apart from the drawing (the browser tests import them and check them against lib's numpy).
``PageDemo("step_size", lr=1.0, ...)`` shows it:

* in Jupyter (JupyterLab, Notebook 7, Colab, Binder) as an anywidget: its state syncs with
  Python, so ``demo.lr`` reads back what the reader set;
* in the static book, with no kernel, as ``text/html``: a placeholder holding the module's name
  and the state as JSON, which ``_static/lib-widgets.js`` runs against a small local model. The
  build copies lib/js/ beside it (_ext/book_html.py), so nothing is inlined or fetched elsewhere.

What the demos share (SVG, scales, axes, controls, dragging) is lib/js/ui.js, which a module
imports as ``import { figure, slider } from "./ui.js";``. The static book resolves that import;
Jupyter runs a widget as one file, so :func:`bundle` inlines the imported names there.
lib/js/widgets.css lays the demos out in both (anywidget's ``_css`` in Jupyter, a stylesheet of
the book's pages).

Introduced in the chapter on gradient descent.
"""

import base64
import html
import json
import re
from pathlib import Path

import anywidget
import numpy as np
import traitlets

JS = Path(__file__).with_name("js")
IMPORT = re.compile(r'^import \{([\w\s,]+)\} from "\./(\w+)\.js";$', re.M)


def bundle(module):
    """lib/js/<module>.js as one file: each ``import { a, b } from "./other.js";`` line becomes
    ``const { a, b } = (() => { <other.js without "export"> return { a, b }; })();``."""
    source = (JS / f"{module}.js").read_text()

    def inline(match):
        names, other = match.group(1).strip(), match.group(2)
        body = re.sub(r"^export ", "", bundle(other), flags=re.M)
        return f"const {{ {names} }} = (() => {{\n{body}\nreturn {{ {names} }};\n}})();"

    if re.search(r"^import ", IMPORT.sub("", source), flags=re.M):
        raise ValueError(f"lib/js/{module}.js: imports must read: import {{ a, b }} from \"./other.js\";")
    return IMPORT.sub(inline, source)


def to_base64(values):
    """Whole numbers in 0..255 (any shape, e.g. 255 * shrink(...)) as the base64 text of their
    bytes in row-major order: how a page demo receives an image, in a third of the room JSON
    numbers take. The page decodes it with ui.js's decodeBytes."""
    values = np.asarray(values, dtype=np.float64)
    rounded = np.round(values)
    if values.size == 0 or rounded.min() < 0 or rounded.max() > 255 or np.abs(values - rounded).max() > 1e-6:
        raise ValueError("values must be whole numbers in 0..255")
    return base64.b64encode(rounded.astype(np.uint8).tobytes()).decode("ascii")


class PageDemo(anywidget.AnyWidget):
    """The demo of module lib/js/<module>.js with its state: ``PageDemo(module, **state)``.

    Each state value must be JSON (numbers, strings, lists, dicts); it becomes a synced trait.
    """

    def __init__(self, module, **state):
        path = JS / f"{module}.js"
        if not isinstance(module, str) or not path.exists():
            known = sorted(p.stem for p in JS.glob("*.js"))
            raise ValueError(f"no demo module {module!r} in lib/js; there are {known}")
        try:
            json.dumps(state)
        except TypeError as error:
            raise TypeError(f"a demo's state must be JSON (lists, not numpy arrays): {error}") from None
        self._esm = bundle(module)
        self._css = (JS / "widgets.css").read_text()
        self.module = module
        super().__init__()
        self.add_traits(**{name: traitlets.Any(value).tag(sync=True) for name, value in state.items()})
        self.state_names = list(state)

    def state(self):
        """The demo's state now, as the page would start from it."""
        return {name: getattr(self, name) for name in self.state_names}

    def static_html(self):
        """The placeholder the static book runs (see the module docstring)."""
        data = json.dumps(self.state()).replace("</", "<\\/")
        return (f'<div class="lib-widget" data-module="{html.escape(self.module)}">'
                f'<script type="application/json">{data}</script></div>')

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        return {**data, "text/html": self.static_html()}, metadata


def show_progress(bar, handle=None):
    """Show or update a tqdm progress bar in a notebook: the widget for Jupyter, its text for the
    static HTML book (as a demo carries both). Returns the display handle to update it with."""
    from IPython.display import display

    text = f'<pre style="white-space: pre-wrap">{html.escape(str(bar))}</pre>'
    bundle = bar.container._repr_mimebundle_() | {"text/html": text}
    return display(bundle, raw=True, display_id=True) if handle is None else handle.update(bundle, raw=True)


def progress_epochs(num_epochs, progress=True, desc="training"):
    """Yield a tqdm bar once per epoch, for a training loop (lib.train, lib.train_torch) to post
    its numbers on. In a notebook the bar is shown through show_progress (a widget in Jupyter,
    its text in the static book) and updated one last time at the end; progress=False: silent."""
    from tqdm.auto import tqdm
    from tqdm.notebook import tqdm_notebook

    in_notebook = progress and issubclass(tqdm, tqdm_notebook)
    bar = tqdm(range(num_epochs), desc=desc, disable=not progress,
               **({"display": False} if in_notebook else {}))
    handle = show_progress(bar) if in_notebook else None
    for _ in bar:
        yield bar
    if handle is not None:
        show_progress(bar, handle)
