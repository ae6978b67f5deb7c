"""lib.widgets: a demo is one ES module, shown as an anywidget in Jupyter and as a placeholder the
static book runs (the browser tests, tests/test_book.py, run the modules themselves)."""

import json
import re

import numpy as np
import pytest

from lib.widgets import JS, PageDemo, bundle, to_base64


def test_every_module_has_the_anywidget_contract():
    modules = sorted(JS.glob("*.js"))
    assert modules
    for path in modules:
        if path.name != "ui.js":
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
    assert demo._esm == bundle("step_size")  # Jupyter runs the very module the page runs


def test_a_script_end_tag_in_the_state_cannot_close_the_placeholder():
    demo = PageDemo("step_size", label="</script><b>")
    assert "</script><b>" not in demo.static_html()


def test_bad_demos_are_named():
    with pytest.raises(ValueError, match="no demo module 'nonexistent'"):
        PageDemo("nonexistent")
    with pytest.raises(TypeError, match="JSON"):
        PageDemo("step_size", A=np.eye(2))


def test_bundling_inlines_the_shared_module_for_jupyter():
    esm = bundle("step_size")
    assert not re.search(r"^import ", esm, flags=re.M) and "const { PALETTE, axes," in esm
    assert "export default { render }" in esm


def step_size_demo():
    from lib.surfaces import quadratic

    bowl = quadratic(condition_number=7, angle=0.3)
    return bowl, PageDemo("step_size", A=bowl.A.tolist(), w0=[-2.5, 1.5], extent=list(bowl.extent),
                          lr=1.0, lr_max=2.2, steps=10, steps_max=30)


@pytest.mark.parametrize("bundled", [False, True], ids=["static book", "Jupyter bundle"])
def test_the_step_size_demo_computes_what_lib_computes(demo_page, every_control_changes_the_picture, bundled):
    """lib/js/step_size.js against lib.train.gradient_descent on the same bowl; every control redraws."""
    from lib.train import gradient_descent

    bowl, demo = step_size_demo()
    page, errors = demo_page(demo, bundled=bundled)
    for lr in (0.3, 1.6, 2.05):
        js = page.evaluate("async ([A, w0, lr]) => { const m = await import('./widgets/step_size.js');"
                           " const path = m.gradientDescentPath(A, w0, lr, 200);"
                           " return [path, path.map(w => m.quadraticLoss(A, w))]; }",
                           [bowl.A.tolist(), [-2.5, 1.5], lr])
        path, losses = gradient_descent(lambda w: (bowl.loss(w), bowl.grad(w)), np.array([-2.5, 1.5]), lr,
                                        200)
        assert np.allclose(js[0], path, rtol=1e-12, atol=1e-300), f"lr = {lr}: paths differ"
        assert np.allclose(js[1], losses, rtol=1e-12, atol=1e-300), f"lr = {lr}: losses differ"
    eigen = page.evaluate("async (A) => (await import('./widgets/step_size.js')).eigen2(A)", bowl.A.tolist())
    assert np.allclose(eigen["values"], np.linalg.eigvalsh(bowl.A))
    every_control_changes_the_picture(page)
    said = page.locator("[aria-live]").inner_text()
    assert "diverges above 0.29" in said or "diverges above" in said
    assert not errors, "\n".join(errors)


def test_the_installed_package_carries_the_demo_modules(tmp_path):
    """Colab installs lib from git (pip install dlcv-lib @ git+...): the wheel must hold lib/js."""
    import shutil
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    root, source = Path(__file__).resolve().parents[1], tmp_path / "source"  # a build leaves build/ behind
    shutil.copytree(root / "lib", source / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "pyproject.toml", source)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("dlcv_lib-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in sorted(JS.iterdir()):
        assert f"lib/js/{path.name}" in names, f"the wheel lacks lib/js/{path.name}"


def test_to_base64_is_the_bytes_row_by_row():
    import base64

    values = np.array([[0, 1, 2], [253, 254, 255]])
    assert base64.b64decode(to_base64(values)) == bytes([0, 1, 2, 253, 254, 255])
    assert to_base64(np.full((2, 2), 128.0)) == base64.b64encode(bytes([128] * 4)).decode()
    for bad in ([256], [-1], [0.5], []):
        with pytest.raises(ValueError, match="0..255"):
            to_base64(bad)



def test_progress_epochs_yields_one_bar_per_epoch_and_stays_silent_when_asked(capsys):
    from lib.widgets import progress_epochs

    bars = list(progress_epochs(4, progress=False))
    assert len(bars) == 4 and bars[0] is bars[-1]
    assert capsys.readouterr().err == ""
    list(progress_epochs(3, progress=True, desc="fitting"))  # outside a notebook: tqdm's text on stderr
    assert "fitting" in capsys.readouterr().err
