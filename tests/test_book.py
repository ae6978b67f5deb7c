"""The built HTML book, read in a real browser (Debian's chromium, driven by Playwright).

Every page of the table of contents loads with no script error, its maths is typeset, and
every demo computes in the page and answers each of its controls: with no kernel at all.
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

from bench import reader

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
def browser(site, playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
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


PHONE = {"width": 390, "height": 844}  # a phone held upright (CSS pixels)
PHONE_CONTEXT = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/")]
MAX_CODE_LINES = 260  # code a reader sees without a click, per chapter


@pytest.mark.parametrize("path", toc_pages())
def test_reads_on_a_phone_without_sideways_scrolling(browser, site, path):
    """At a phone's width the page never scrolls sideways; wide things scroll inside their own box."""
    page, errors = open_page(browser, f"{site}/{path}", viewport=PHONE)
    page.wait_for_timeout(300)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{path} is {width}px wide on a {PHONE['width']}px screen"
    demo_edges = page.locator(".lib-widget").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)")
    for right in demo_edges:
        assert right <= PHONE["width"], f"a demo on {path} reaches {right}px"
    assert not errors, "\n".join(errors)
    page.close()


@pytest.mark.parametrize("path", [p for p in toc_pages() if p.startswith("chapters/")])
def test_every_figure_has_alt_text(site, path):
    """Figures carry alt text that says what they show, not their file name."""
    html = (HTML / path).read_text()
    figures = re.findall(r'<img alt="([^"]*)" src="[^"]*_images/[^"]*"', html)
    missing = [alt for alt in figures if not alt.strip() or alt.endswith((".png", ".svg", ".jpg"))]
    assert not missing, f"{len(missing)} of {len(figures)} figures on {path} lack alt text"


PAGE_BYTES = 1_000_000  # the design's budget for a page's own weight (section 7)


@pytest.mark.parametrize("path", toc_pages())
def test_every_page_loads_at_most_a_megabyte_of_its_own(site, path):
    """Its HTML, its images and its demos' modules (bench.reader.page_bytes); the shared theme aside."""
    weight = reader.page_bytes(HTML / path)
    assert weight <= PAGE_BYTES, f"{path} loads {weight:,} bytes of its own"


@pytest.mark.parametrize("path", [p for p in toc_pages() if p.startswith("chapters/")])
def test_every_chapter_lists_the_works_it_cites(site, path):
    """Under "References", the book lists each cited work as a footnote (_ext/footbibliography.py)."""
    html = (HTML / path).read_text()
    cited = len(re.findall(r'class="footnote-reference brackets"', html))
    listed = len(re.findall(r'<aside class="footnote brackets"', html))
    assert cited and listed, f"{path}: {cited} citations, {listed} works listed"


@pytest.mark.parametrize("path", [p for p in toc_pages() if p.startswith("chapters/")])
def test_every_page_demo_runs_and_answers_its_controls(browser, site, path,
                                                       every_control_changes_the_picture):
    """Each demo that computes in the page (lib/widgets.py) comes alive from the book's own files, with
    no kernel, and each of its controls changes what it draws (the numerics: tests/test_widgets.py)."""
    if 'class="lib-widget"' not in (HTML / path).read_text():
        pytest.skip(f"{path} has no demo that computes in the page")
    page, errors = open_page(browser, f"{site}/{path}")
    page.wait_for_function("[...document.querySelectorAll('.lib-widget')].every(el => el.dataset.live)",
                           timeout=10_000)
    every_control_changes_the_picture(page)
    assert not errors, "\n".join(errors)
    page.close()


def test_launch_buttons_lead_to_the_public_home_of_this_checkout_or_are_absent(site):
    """Binder, Colab and the repository icon point at the git remote when it is public (GitHub,
    GitLab); a clone without one gets no such buttons (_ext/repository.py)."""
    sys.path.insert(0, str(ROOT / "_ext"))
    import repository

    html = (HTML / "chapters" / "02_knn.html").read_text()
    home = repository.public_url(repository.git_remote(ROOT))
    buttons = re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]*)"', html)
    if home is None:
        assert not buttons, f"launch buttons with no public repository to launch from: {buttons}"
        assert "thebe-launch-button" not in html
    else:
        owner_repo = home.split("/", 3)[3]
        assert buttons and all(owner_repo in url for url in buttons), buttons


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


def test_a_phone_reader_opens_the_table_of_contents_and_goes_to_a_chapter(browser, site):
    """At 390 x 844 with touch: tap the visible menu button, see the chapters, tap one, arrive there."""
    context = browser.new_context(**PHONE_CONTEXT)
    page = context.new_page()
    page.goto(f"{site}/chapters/02_knn.html", wait_until="load")
    link = page.locator("#pst-primary-sidebar-modal a.reference", has_text="Optimizers")
    assert not link.is_visible()
    buttons = page.locator("button.primary-toggle:visible")
    assert buttons.count() == 1, "one visible menu button on a phone"
    buttons.first.tap()
    link.wait_for(state="visible", timeout=5_000)
    page.locator("#pst-primary-sidebar-modal a.reference", has_text="Gradient descent").first.tap()
    page.wait_for_url("**/05_gradient_descent.html", timeout=10_000)
    assert "Gradient descent" in page.locator("h1").first.inner_text()
    page.locator("button.secondary-toggle:visible").first.tap()  # "on this page" opens too
    page.locator("#pst-secondary-sidebar-modal nav.page-toc").wait_for(state="visible", timeout=5_000)
    context.close()


def test_the_menu_button_folds_the_sidebar_on_a_laptop(browser, site):
    page, errors = open_page(browser, f"{site}/chapters/02_knn.html", viewport={"width": 1280, "height": 800})
    sidebar = page.locator("#pst-primary-sidebar")
    left = sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"]
    page.locator("button.primary-toggle:visible").first.click()
    page.wait_for_timeout(600)  # the slide takes 0.25 s
    box = sidebar.bounding_box()
    assert not sidebar.is_visible() or box["x"] + box["width"] < left / 2, "the sidebar stays open"
    page.locator("button.primary-toggle:visible").first.click()
    page.wait_for_timeout(600)
    assert sidebar.is_visible()
    assert not errors, "\n".join(errors)
    page.close()


@pytest.fixture(scope="session")
def reader_measures(browser, site):
    """Each chapter measured as a reader meets it, at a laptop's and a phone's size (bench/reader.py)."""
    return {path: reader.measure_chapter(browser, site, path) for path in CHAPTERS}


@pytest.mark.parametrize("path", CHAPTERS)
def test_figures_are_sharp_on_a_2x_screen_and_legible_on_a_phone(reader_measures, path):
    """Two image pixels per CSS pixel on a laptop; the smallest figure text at least 9 CSS px on a phone."""
    m = reader_measures[path]
    soft = m["figures"] - m["sharp"]
    assert not soft, f"{path}: {soft} of {m['figures']} figures are soft"
    assert m["figures_below_9px"] == 0, (
        f"{path}: {m['figures_below_9px']} figures show text under 9 CSS px on a phone "
        f"(smallest {m['smallest_text_phone_px']:.1f} px)")


@pytest.mark.parametrize("path", CHAPTERS)
def test_the_page_shows_the_code_that_teaches(reader_measures, path):
    """No bookkeeping on the page (glue calls are removed, imports and checks folded), and the
    code shown wraps on a phone instead of scrolling sideways."""
    m = reader_measures[path]
    assert m["glue_calls"] == 0, f"{path} shows {m['glue_calls']} glue( calls"
    assert m["code_lines"] <= MAX_CODE_LINES, f"{path} shows {m['code_lines']} lines of code"
    assert m["code_sideways_phone"] == 0, f"{path}: {m['code_sideways_phone']} code blocks scroll sideways"


WIDE = "mjx-container[display='true'], .cell_output pre, article table"


@pytest.mark.parametrize("path", [p for p in toc_pages() if p.startswith("chapters/06")] + ["notation.html"])
def test_wide_maths_tables_and_outputs_show_that_they_scroll_on_a_phone(browser, site, path):
    context = browser.new_context(**PHONE_CONTEXT)
    page = context.new_page()
    page.goto(f"{site}/{path}", wait_until="load")
    page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
    page.wait_for_timeout(500)
    wide = page.locator(WIDE).evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => [e.tagName,"
        " getComputedStyle(e).backgroundImage, getComputedStyle(e).overflowX])")
    assert wide, f"{path} has nothing wide on a phone: this test would check nothing"
    for tag, background, overflow in wide:
        assert overflow in ("auto", "scroll"), f"a wide {tag} on {path} is cut off"
        assert background.count("gradient") >= 4, f"a wide {tag} on {path} scrolls with no shadow to say so"
    context.close()
