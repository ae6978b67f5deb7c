"""lib.widgets: a demo is one ES module, shown as an anywidget in Jupyter and as a placeholder the
static book runs (the browser tests, tests/test_book.py, run the modules themselves)."""

import json
import re

import numpy as np
import pytest

from lib.widgets import JS, PageDemo


def test_every_module_has_the_anywidget_contract():
    modules = sorted(JS.glob("*.js"))
    assert modules
    for path in modules:
        assert "export default { render }" in path.read_text(), f"{path.name} exports no render()"


def test_the_state_syncs_with_python_and_reaches_the_static_page():
    demo = PageDemo("step_size", A=[[1.0, 0.0], [0.0, 0.25]], w0=[1.0, 1.0], lr=1.0)
    demo.lr = 0.5  # what a reader's slider does in Jupyter, through the synced trait
    assert demo.state()["lr"] == 0.5
    data, _ = demo._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    placeholder = data["text/html"]
    assert 'class="lib-widget" data-module="step_size"' in placeholder
    state = json.loads(re.search(r'<script type="application/json">(.*)</script>', placeholder).group(1))
    assert state == {"A": [[1.0, 0.0], [0.0, 0.25]], "w0": [1.0, 1.0], "lr": 0.5}
    assert demo._esm == (JS / "step_size.js").read_text()  # Jupyter runs the very module the page runs


def test_a_script_end_tag_in_the_state_cannot_close_the_placeholder():
    demo = PageDemo("step_size", label="</script><b>")
    assert "</script><b>" not in demo.static_html()


def test_bad_demos_are_named():
    with pytest.raises(ValueError, match="no demo module 'nonexistent'"):
        PageDemo("nonexistent")
    with pytest.raises(TypeError, match="JSON"):
        PageDemo("step_size", A=np.eye(2))
