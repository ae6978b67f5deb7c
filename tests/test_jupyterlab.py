"""A chapter as a reader meets it in JupyterLab (with jupyterlab-myst), driven in headless chromium.

A copy of a chapter is opened in a real JupyterLab, run with Run > Run All Cells, and checked:
no cell fails, the exercise solutions stay folded until clicked, the demo (an anywidget here)
redraws when a slider moves (and the slider is large enough to drag), and a number computed in
code shows up in the prose through MyST's ``{eval}`` role. A second test runs chapter 6's demo
alone, moves its slider and drags its start, and reads both back in Python.

The server is private to the test: loopback only, a random token, its own config, data,
runtime and settings folders, no news, update checks or extension-manager look-ups, and the
browser may not reach anything but the server.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from parallel_execute import THREAD_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "03_linear_classifiers.ipynb"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUN_TIMEOUT_S = 240  # the chapter alone runs in about 30 s; the machine may be busy


def require(condition, why):
    """Skip when a tool is missing, but fail on CI, which must have them all."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{why}: CI must install it (see requirements.txt)")
        pytest.skip(why)


def have_module(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server of this Python, serving only tmp_path; yields (base URL, token, log)."""
    require(Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM}: apt-get install chromium")
    for module in ("jupyterlab", "jupyterlab_myst", "playwright"):
        require(have_module(module), f"{module} is not installed: pip install -r requirements.txt")

    home = tmp_path / "jupyter"  # config, data, runtime, settings, workspaces: nothing of the user's
    settings = home / "settings"
    overrides = {
        # no "would you like news?" toast, no update check
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        # every cell in the page, rendered: no virtual scrolling to hide cells from the checks
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }
    for plugin, values in overrides.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("JUPYTER_TOKEN", None)
    for name in THREAD_VARIABLES:  # the build's list (_ext/parallel_execute.py)
        env.setdefault(name, "1")  # the kernel shares two cores with the browser and the server
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
           "--ServerApp.terminals_enabled=False", "--ServerApp.use_redirect_file=False",
           "--ServerApp.shutdown_no_activity_timeout=900",  # if a killed test run orphans it
           "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly", f"--LabApp.user_settings_dir={settings}",
           f"--LabApp.workspaces_dir={home / 'workspaces'}", "--LabApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = tmp_path / "jupyterlab.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer in 90 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, log_path
    finally:
        # SIGTERM: Jupyter Server shuts its kernels down and exits
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()  # the kernels notice their parent is gone and exit too
                server.wait(timeout=10)


@pytest.fixture
def page(lab, playwright):
    base, _, _ = lab
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # the server is all the page may reach
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   or route.request.url.startswith("data:") else route.abort())
        page.set_default_timeout(30_000)
        yield page
    finally:
        browser.close()


def open_copy(tmp_path, chapter):
    """Copy a chapter beside the server (never the tracked file: JupyterLab saves what it runs).

    Stored {eval} results (jupyterlab-myst keeps them in a markdown cell's metadata as
    user_expressions) are dropped, so that whatever the prose shows comes from this run.
    """
    nb = json.loads(chapter.read_text())
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("user_expressions", None)
    (tmp_path / chapter.name).write_text(json.dumps(nb))
    return nb


# the open notebook panel (JupyterLab exposes itself as window.jupyterapp: expose_app_in_browser)
NOTEBOOK = ("(window.jupyterapp && window.jupyterapp.shell && Array.from("
            "window.jupyterapp.shell.widgets('main')).find(w => w.content && w.content.model"
            " && w.content.model.cells))")

# Where the run stands: the kernel's status, code cells not run yet, and error outputs.
RUN_STATE_JS = "() => { const panel = " + NOTEBOOK + """;
  if (!panel) { return null; }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const state = {kernel: kernel ? kernel.status : "none", pending: 0, errors: []};
  let i = 0;
  for (const cell of panel.content.model.cells) {
    if (cell.type === "code") {
      if (cell.executionCount === null) { state.pending++; }
      for (let j = 0; j < cell.outputs.length; j++) {
        const out = cell.outputs.get(j).toJSON();
        if (out.output_type === "error") {
          state.errors.push({cell: i, ename: out.ename, evalue: out.evalue});
        }
      }
    }
    i++;
  }
  return state;
}"""


def run_all(page, base, token, name):
    """Open a notebook, wait for its kernel, Run > Run All Cells, wait until all ran (or one failed)."""
    page.goto(f"{base}/lab/tree/{name}?token={token}&reset", wait_until="load")
    page.wait_for_function(f"() => ({RUN_STATE_JS})()?.kernel === 'idle'", timeout=90_000, polling=500)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    page.wait_for_function(
        f"() => {{ const s = ({RUN_STATE_JS})(); return s && ((s.pending === 0 && s.kernel === 'idle')"
        " || s.errors.length > 0 || s.kernel === 'dead'); }",
        timeout=RUN_TIMEOUT_S * 1000, polling=500)
    return page.evaluate(f"({RUN_STATE_JS})()")


def markdown_text(page, index):
    """What the reader sees in markdown cell `index`, as rendered by jupyterlab-myst."""
    return page.evaluate(
        f"i => {{ const m = {NOTEBOOK}.content.widgets[i].node.querySelector('.myst'); "
        "return m ? m.innerText : null; }", index)


def check_solutions_folded(page, nb):
    """Every :::{solution} renders as a closed <details>: hidden until its summary is clicked."""
    expected = sum("".join(c["source"]).count(":::{solution}") for c in nb["cells"]
                   if c["cell_type"] == "markdown")
    assert expected, "the chapter has no :::{solution}"
    notebook = page.locator(".jp-Notebook")
    solutions = notebook.locator(".myst .myst-exercise").filter(
        has=page.locator(".myst-exercise-title", has_text=re.compile(r"^\s*Solution")))
    assert solutions.count() == expected, f"{expected} solutions in the source, {solutions.count()} rendered"
    folded = notebook.locator(".myst details.myst-exercise:not([open])").filter(
        has=page.locator(".myst-exercise-title", has_text=re.compile(r"^\s*Solution")))
    assert folded.count() == expected, "a solution shows without a click: give it :class: dropdown"
    for k in range(expected):
        assert not folded.nth(k).locator(".myst-exercise-body").is_visible(), f"solution {k + 1} is visible"
    first = folded.first
    first.locator("summary").click()
    body = solutions.first.locator(".myst-exercise-body")
    body.wait_for(state="visible", timeout=5_000)
    assert body.inner_text().strip(), "the first solution is empty once opened"


# What a demo shows now: its figures and the sentence that says it (as tests/conftest.py's picture())
PICTURE_JS = """el => [...el.querySelectorAll('svg, canvas')]
  .map(n => n.tagName === 'CANVAS' ? n.toDataURL() : n.outerHTML).join('')
  + el.querySelector('[aria-live]').textContent"""


def check_demo_responds(page):
    """The first demo that computes in the page (lib.widgets.PageDemo, an anywidget here): it
    renders, its slider is wide and tall enough for a thumb, and moving it redraws the picture."""
    demo = page.locator(".jp-OutputArea-output .lib-widget").first
    demo.wait_for(state="visible", timeout=30_000)
    slider = demo.locator("input[type=range]:visible").first
    box = slider.bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 44, f"the slider is squashed: {box}"
    before, value = demo.evaluate(PICTURE_JS), slider.input_value()
    slider.focus()
    key = "ArrowRight" if float(value) < float(slider.get_attribute("max")) else "ArrowLeft"
    for _ in range(5):  # the arrows are the slider's, not JupyterLab's (which moves between cells)
        page.keyboard.press(key)
    assert slider.input_value() != value, "the arrow keys do not move the slider"
    assert demo.evaluate(PICTURE_JS) != before, "moving the slider left the picture as it was"
    return slider


def check_eval_renders(page, nb, expected):
    """A number computed in code appears in the prose via {eval}: some {eval} cell matches `expected`.

    Every {eval} must also evaluate (no error shown in place of the value) and show a plain
    number, not a numpy repr such as np.float64(0.93): format it in the expression,
    {eval}`f"{acc:.1%}"`, as jupyterlab-myst shows what repr() gives (without a str's quotes).
    """
    cells = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "markdown" and "{eval}" in "".join(c["source"])]
    assert cells, "the chapter has no {eval} role: nothing to check"
    pattern = re.compile(expected)
    deadline = time.monotonic() + 30  # expressions are evaluated as the cells render
    while True:
        texts = {i: markdown_text(page, i) or "" for i in cells}
        if any(pattern.search(t) for t in texts.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert any(pattern.search(t) for t in texts.values()), (
        f"no {{eval}} cell shows {expected!r}; they read:\n" + "\n---\n".join(texts.values()))
    errors = page.evaluate(
        f"cells => cells.filter(i => {NOTEBOOK}.content.widgets[i].node.querySelector("
        "'.myst [data-mime-type=\"application/vnd.jupyter.stderr\"]'))", cells)
    assert not errors, "an {eval} expression fails:\n" + "\n---\n".join(texts[i] for i in errors)
    for i, text in texts.items():
        assert not re.search(r"\bnp\.\w+\(", text), f"cell {i} shows a numpy repr: {text!r}"


def test_chapter_runs_in_jupyterlab(lab, page, tmp_path):
    base, token, log_path = lab
    nb = open_copy(tmp_path, CHAPTER)
    try:
        started = time.monotonic()
        state = run_all(page, base, token, CHAPTER.name)
        assert not state["errors"], f"cells fail in JupyterLab: {state['errors']}"
        assert state["kernel"] == "idle" and state["pending"] == 0, f"the run did not finish: {state}"
        ran = time.monotonic()
        check_solutions_folded(page, nb)
        check_demo_responds(page)
        print(f"\n{CHAPTER.name}: opened and ran in {ran - started:.0f} s, "
              f"checked in {time.monotonic() - ran:.0f} s")
        # the cat's score in the lecture's example, -96.8 (asserted in the chapter), shown with .2f
        check_eval_renders(page, nb, r"[-\u2212]96\.80\b")
    except Exception:
        shot = tmp_path / "jupyterlab.png"
        page.screenshot(path=shot)
        print(f"\nscreenshot: {shot}\nserver log: {log_path}")
        raise


def test_a_demo_syncs_what_the_reader_sets_back_to_python(lab, page, tmp_path, drag_by):
    """lib.widgets.PageDemo in JupyterLab: chapter 6's demo renders as an anywidget, its slider moves
    by keyboard, its start point drags with the mouse inside the notebook, and what the reader set is
    the demo's state in the kernel."""
    base, token, log_path = lab
    cells = ["from lib.widgets import PageDemo\n"
             "demo = PageDemo('optimizers', shown=['sgd', 'momentum'], kappa=50.0, angle=0, lr=1.0,\n"
             "                rho=0.9, beta1=0.9, beta2=0.999, steps=100, w0=[-2.5, 1.5])\n"
             "demo",
             "print(f'kappa = {demo.kappa:.3f}; w0 = {demo.w0}')"]
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
                     "outputs": [], "source": src} for i, src in enumerate(cells)],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "demo.ipynb").write_text(json.dumps(nb))
    try:
        state = run_all(page, base, token, "demo.ipynb")
        assert not state["errors"], f"cells fail in JupyterLab: {state['errors']}"
        slider = check_demo_responds(page)  # the condition number, on a log slider
        kappa = 10 ** float(slider.input_value())
        drag_by(page, page.get_by_role("slider", name="start point"), 40, -30)
        page.locator(".jp-CodeCell").nth(1).click()
        page.keyboard.press("Shift+Enter")
        printed = page.locator(".jp-CodeCell").nth(1).locator(".jp-OutputArea-output")
        printed.wait_for(state="visible", timeout=30_000)
        text = printed.inner_text().strip()
        assert text.startswith(f"kappa = {kappa:.3f}; w0 = ["), text
        x, y = (float(v) for v in text.split("[")[1].rstrip("]").split(","))
        assert x > -2.5 + 0.2 and y > 1.5 + 0.1, f"the drag did not reach the kernel: {text}"
    except Exception:
        shot = tmp_path / "jupyterlab.png"
        page.screenshot(path=shot)
        print(f"\nscreenshot: {shot}\nserver log: {log_path}")
        raise
