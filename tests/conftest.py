"""Fixtures the browser tests share, and `demo_page`: one demo of lib/js alone in a page."""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE_CONTEXT = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                 "is_mobile": True, "has_touch": True}
LAPTOP_CONTEXT = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per test process: its sync API runs an event loop for as long as it is open,
    and a second one started beside it (another test file's) fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    """Serve a folder on loopback (ES modules do not load from file://); returns (url, server)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def chromium(playwright):
    """Debian's chromium, headless (Playwright never downloads a browser here)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no browser at {CHROMIUM}: CI must install Debian's chromium")
        pytest.skip("browser tests need Debian's chromium: apt-get install chromium")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield browser
    browser.close()


PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><link rel="stylesheet" href="widgets/widgets.css"></head>
<body style="font-family: sans-serif; margin: 8px">{body}</body></html>"""

STATIC = '{html}<script type="module" src="lib-widgets.js"></script>'

# Jupyter's way: the bundled module (lib.widgets.bundle) from a blob, against a local model
BUNDLED = """<div id="demo"></div><script type="module">
const state = {state};
const listeners = {{}};
const model = {{ get: (n) => state[n],
  set(n, v) {{ state[n] = v; (listeners["change:" + n] || []).forEach((f) => f()); }},
  on(e, f) {{ (listeners[e] = listeners[e] || []).push(f); }},
  off() {{}}, save_changes() {{}}, send() {{}} }};
const url = URL.createObjectURL(new Blob([{esm}], {{ type: "text/javascript" }}));
const {{ default: widget }} = await import(url);
const el = document.getElementById("demo");
el.dataset.module = {module};
widget.render({{ model, el }});
el.dataset.live = "1";
window.model = model;
</script>"""


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """A folder laid out as the book's _static/: lib-widgets.js, and lib/js/ in widgets/."""
    root = tmp_path_factory.mktemp("demo-site")
    shutil.copy(ROOT / "_static" / "lib-widgets.js", root)
    shutil.copytree(ROOT / "lib" / "js", root / "widgets")
    url, server = serve(root)
    yield root, url
    server.shutdown()


@pytest.fixture
def demo_page(chromium, demo_site):
    """open(demo, phone=False, bundled=False) -> (page, errors): the PageDemo alone in a page, run
    as the static book runs it, or (bundled=True) as Jupyter runs it. The demo's root is
    `.lib-widget[data-live="1"]` once it has rendered."""
    import json

    root, url = demo_site
    contexts = []

    def open_demo(demo, phone=False, bundled=False):
        body = (BUNDLED.format(state=json.dumps(demo.state()), esm=json.dumps(demo._esm),
                               module=json.dumps(demo.module))
                if bundled else STATIC.format(html=demo.static_html()))
        name = f"{demo.module}-{len(contexts)}{'-bundled' if bundled else ''}.html"
        (root / name).write_text(PAGE.format(body=body))
        context = chromium.new_context(**(PHONE_CONTEXT if phone else LAPTOP_CONTEXT))
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
        page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.goto(f"{url}/{name}", wait_until="load")
        page.wait_for_selector('[data-live="1"]', timeout=10_000)
        return page, errors

    yield open_demo
    for context in contexts:
        context.close()


def picture(root):
    """What a demo shows now: its figures' markup and the sentence that says it."""
    return root.evaluate("el => [...el.querySelectorAll('svg, canvas')]"
                         ".map(n => n.tagName === 'CANVAS' ? n.toDataURL() : n.outerHTML).join('')"
                         " + el.querySelector('[aria-live]').textContent")


MOVE_SLIDER = """el => { const v = +el.value, lo = +el.min, hi = +el.max, d = (hi - lo) / 5;
  el.value = v - lo > hi - v ? lo + d : hi - d; el.dispatchEvent(new Event('input', {bubbles: true})); }"""
NEXT_ENTRY = """el => { el.selectedIndex = (el.selectedIndex + 1) % el.options.length;
  el.dispatchEvent(new Event('change', {bubbles: true})); }"""


@pytest.fixture
def every_control_changes_the_picture():
    """check(page): move every slider to a fifth from its far end, pick the next menu entry, tick
    every box, press every button of each live demo on the page; each must change the picture."""

    def check(page):
        demos = page.locator('[data-live="1"]')
        assert demos.count(), "no live demo on the page"
        for d in range(demos.count()):
            root = demos.nth(d)
            assert root.locator("[aria-live]").count() == 1, "a demo says what it shows in one aria-live line"
            for kind, selector in [("slider", "input[type=range]"), ("menu", "select"),
                                   ("box", "input[type=checkbox]"), ("button", "button")]:
                controls = root.locator(selector)
                for c in range(controls.count()):
                    control, before = controls.nth(c), picture(root)
                    if not control.is_visible():  # e.g. Adam's betas while Adam is not shown
                        continue
                    name = control.get_attribute("aria-label") or control.inner_text()
                    if kind == "slider":
                        control.evaluate(MOVE_SLIDER)
                    elif kind == "menu":
                        control.evaluate(NEXT_ENTRY)
                    else:
                        control.click()
                    page.wait_for_timeout(50)
                    what = f"demo {d}: the {kind} {name!r}"
                    assert picture(root) != before, f"{what} left the picture as it was"
                    height = control.bounding_box()["height"]
                    assert height >= 44 or kind == "box", f"{what} is {height}px tall"

    return check


def drag(page, target, dx, dy, touch=False, steps=8):
    """Drag the centre of `target` (a locator) by (dx, dy) CSS px, with the mouse or a finger
    (touch events through the DevTools protocol, as a phone sends them)."""
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if not touch:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + dx, y + dy, steps=steps)
        page.mouse.up()
        return
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        point = {"x": x + dx * i / steps, "y": y + dy * i / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@pytest.fixture
def drag_by():
    """drag(page, locator, dx, dy, touch=False): see tests/conftest.py."""
    return drag


# The font size of each (non-empty) text of the demos' figures, in CSS px as shown: its size in
# the figure's units times the figure's scale (rotated text too, such as a y-axis title).
TEXT_PX = """nodes => nodes.filter(n => n.textContent.trim()).map(n => {
  const m = n.getScreenCTM();
  return parseFloat(getComputedStyle(n).fontSize) * Math.hypot(m.a, m.b);
})"""


@pytest.fixture
def demo_works(demo_page, every_control_changes_the_picture):
    """check(demo): run as the static book runs it and as Jupyter does (the bundle), every control
    changes the picture; on a 390 px phone it fits (no sideways scroll) with figure text of at
    least 9 CSS px; and no page logs an error. Returns the phone page for further checks."""

    def check(demo):
        for bundled in (False, True):
            page, errors = demo_page(demo, bundled=bundled)
            every_control_changes_the_picture(page)
            assert not errors, "\n".join(errors)
        page, errors = demo_page(demo, phone=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_CONTEXT["viewport"]["width"] + 1, f"the demo is {width}px wide on a phone"
        sizes = page.locator(".lib-widget svg text").evaluate_all(TEXT_PX)
        assert not sizes or min(sizes) >= 9, f"figure text at {min(sizes):.1f} CSS px on a phone"
        assert not errors, "\n".join(errors)
        return page

    return check
