"""The built HTML book, read in a real browser (Debian's chromium, driven by Playwright).

Every page of the table of contents loads with no script error, its maths is typeset, and
every demo answers each of its controls by changing its picture: with no kernel at all.
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# the jupyter-book beside this Python (a virtual environment need not be on PATH)
JUPYTER_BOOK = str(Path(sys.executable).with_name("jupyter-book"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def toc_pages():
    """Every page the table of contents lists, as paths of the built HTML."""
    entries = re.findall(r"(?:root|file):\s*([\w./-]+)", (ROOT / "_toc.yml").read_text())
    return [entry + ".html" for entry in entries]


@pytest.fixture(scope="session")
def site():
    """Build the book (the cache makes this quick after the first time) and serve it on loopback."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no browser at {CHROMIUM}: CI must install Debian's chromium")
        pytest.skip("browser tests need Debian's chromium: apt-get install chromium")
    build = subprocess.run([JUPYTER_BOOK, "build", ".", "-W", "-q"],
                           cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, f"book build failed:\n{build.stdout[-4000:]}\n{build.stderr[-4000:]}"
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, url, viewport=None):
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("requestfailed", lambda req: errors.append(f"failed request: {req.url}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    return page, errors


@pytest.mark.parametrize("path", toc_pages())
def test_page_loads_without_script_errors_and_typesets_its_maths(browser, site, path):
    page, errors = open_page(browser, f"{site}/{path}")
    if page.locator(".math").count():
        page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
        assert page.locator(".math mjx-container, mjx-container").count() > 0
        assert page.locator("mjx-merror").count() == 0, "MathJax could not parse some maths"
    page.wait_for_timeout(300)
    assert not errors, "\n".join(errors)
    page.close()


@pytest.mark.parametrize("path", toc_pages())
def test_every_demo_control_changes_the_picture_without_a_kernel(browser, site, path):
    page, errors = open_page(browser, f"{site}/{path}")
    demos = page.locator(".lib-demo")
    if not (HTML / path).read_text().count("lib-demo-frame"):
        pytest.skip(f"{path} has no demo")
    assert demos.count() > 0
    for d in range(demos.count()):
        demo = demos.nth(d)
        demo.scroll_into_view_if_needed()
        frame = demo.locator("img.lib-demo-frame")
        controls = demo.locator("[data-axis]")
        assert controls.count() > 0
        for c in range(controls.count()):
            control = controls.nth(c)
            before, alt_before = frame.get_attribute("src"), frame.get_attribute("alt")
            if control.evaluate("el => el.tagName") == "SELECT":
                options = control.locator("option")
                current = control.input_value()
                other = next(options.nth(i).get_attribute("value") for i in range(options.count())
                             if options.nth(i).get_attribute("value") != current)
                control.select_option(other)
            else:
                control.evaluate("el => { el.value = (+el.value === +el.max) ? el.min : el.max;"
                                 " el.dispatchEvent(new Event('input', {bubbles: true})); }")
            after = frame.get_attribute("src")
            name = control.get_attribute("aria-label")
            assert after != before, f"demo {d} on {path}: moving {name!r} left the picture as it was"
            assert frame.get_attribute("alt") != alt_before, f"demo {d}: alt text ignores {name!r}"
    assert not errors, "\n".join(errors)
    page.close()


PHONE = {"width": 390, "height": 844}  # a phone held upright (CSS pixels)


@pytest.mark.parametrize("path", toc_pages())
def test_reads_on_a_phone_without_sideways_scrolling(browser, site, path):
    """At a phone's width the page never scrolls sideways; wide things scroll inside their own box."""
    page, errors = open_page(browser, f"{site}/{path}", viewport=PHONE)
    page.wait_for_timeout(300)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{path} is {width}px wide on a {PHONE['width']}px screen"
    for box in page.locator("img.lib-demo-frame").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().width)"):
        assert box <= PHONE["width"], f"a demo on {path} is {box}px wide"
    assert not errors, "\n".join(errors)
    page.close()


@pytest.mark.parametrize("path", [p for p in toc_pages() if p.startswith("chapters/")])
def test_every_figure_has_alt_text(site, path):
    """Figures carry alt text that says what they show, not their file name."""
    html = (HTML / path).read_text()
    figures = re.findall(r'<img alt="([^"]*)" src="[^"]*_images/[^"]*"', html)
    missing = [alt for alt in figures if not alt.strip() or alt.endswith((".png", ".svg", ".jpg"))]
    assert not missing, f"{len(missing)} of {len(figures)} figures on {path} lack alt text"


SEARCHES = [("Nesterov", "06_optimizers"), ("backpropagation", "09_backpropagation"),
            ("im2col", "10_convolutional_networks"), ("AlexNet", "11_lenet_alexnet"),
            ("notation", "notation")]


@pytest.mark.parametrize("term, page", SEARCHES)
def test_search_finds_chapter_terms(browser, site, term, page):
    if not (HTML / "chapters" / f"{page}.html").exists() and not (HTML / f"{page}.html").exists():
        pytest.fail(f"no page {page} in the build")
    tab, errors = open_page(browser, f"{site}/search.html?q={term}")
    tab.wait_for_selector("#search-results li, ul.search li", timeout=20_000)
    links = tab.locator("#search-results li a, ul.search li a").evaluate_all("els => els.map(e => e.href)")
    assert any(page in link for link in links), f"searching {term!r} does not find {page}: {links[:5]}"
    assert not errors, "\n".join(errors)
    tab.close()
