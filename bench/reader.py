"""The book as a reader meets it: each chapter page of the built HTML, measured in a real browser.

For every chapter: the code lines a reader sees without a click, the `glue(` calls among them,
code blocks that scroll sideways on a phone, the figures that are sharp on a 2x screen (at least
2 image pixels per CSS pixel on a laptop), the smallest figure text on a phone (CSS px), and the
page's own bytes (its HTML, the images it references and the demo modules it loads), and how
long each demo that computes in the page takes to redraw when a slider moves (median and worst,
in ms: the module's computing and drawing plus the browser's style and layout; paint aside). The
browser tests assert the same measures where they are stable (tests/test_book.py);
`python -m bench --parts reader` reports them.

The smallest text of a figure comes from the PNG itself: `lib.style` writes the size of its
smallest text, in image pixels, into each figure's PNG (a tEXt chunk). A PNG without it (made
before `lib.style`, or by other code) is taken to have 10-point text at the dpi in its header.
"""

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

from PIL import Image

from lib.style import TEXT_KEY

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Visible code: code cells' inputs that no closed <details> (hide-input) folds away.
CODE_JS = """() => {
  const blocks = [...document.querySelectorAll('div.cell_input pre')]
    .filter(el => !el.closest('details:not([open])') && el.offsetParent !== null);
  const text = blocks.map(el => el.innerText.replace(/\\n$/, ''));
  return {lines: text.reduce((n, t) => n + t.split('\\n').length, 0),
          glue: text.reduce((n, t) => n + (t.match(/\\bglue\\(/g) || []).length, 0),
          sideways: blocks.filter(el => el.scrollWidth > el.clientWidth + 1).length,
          blocks: blocks.length};
}"""

# Figures: cell outputs' images.
FIGURES_JS = """() => [...document.querySelectorAll('div.cell_output img')]
  .map(img => ({src: img.getAttribute('src'), natural: img.naturalWidth,
                shown: img.getBoundingClientRect().width}))"""


def smallest_text_px(png_path):
    """The height in image pixels of the smallest text of a figure's PNG (see the module docstring)."""
    with Image.open(png_path) as image:
        if TEXT_KEY in getattr(image, "text", {}):
            return float(image.text[TEXT_KEY])
        dpi = image.info.get("dpi", (100, 100))[0]
    return 10 / 72 * dpi


def page_bytes(path):
    """The page's own weight: its HTML, the images it references and its demos' modules (with the
    ui.js they share), the shared theme aside."""
    text = path.read_text(errors="replace")
    refs = set(re.findall(r'(?:src|href)="(\.\./_images/[^"#?]+)"', text))
    files = [(path.parent / r).resolve() for r in refs]
    modules = set(re.findall(r'class="lib-widget" data-module="(\w+)"', text))
    files += [HTML / "_static" / "widgets" / f"{m}.js" for m in modules | ({"ui"} if modules else set())]
    return path.stat().st_size + sum(f.stat().st_size for f in files if f.exists())


def figures(page, html_path):
    """[{src, natural, shown, text_px}] for the page as it is now laid out (text_px in CSS px)."""
    rows = page.evaluate(FIGURES_JS)
    for row in rows:
        png = (html_path.parent / row["src"]).resolve()
        scale = row["shown"] / row["natural"] if row["natural"] else 0
        row["text_px"] = smallest_text_px(png) * scale if png.suffix == ".png" else None
    return rows


# Move each visible slider of each live demo through 21 positions; the time of each redraw in ms.
REDRAW_JS = """async () => {
  const times = [];
  for (const el of document.querySelectorAll('.lib-widget[data-live]')) {
    for (const input of el.querySelectorAll('input[type=range]')) {
      if (!input.offsetParent) continue;
      const start = input.value, lo = +input.min, hi = +input.max;
      for (let i = 0; i <= 20; i++) {
        input.value = lo + ((hi - lo) * i) / 20;
        const t = performance.now();
        input.dispatchEvent(new Event('input', { bubbles: true }));
        void el.offsetHeight;  // style and layout of what was drawn
        times.push(performance.now() - t);
        await new Promise(requestAnimationFrame);
      }
      input.value = start;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }
  return times;
}"""


def redraw_times(page):
    """Redraw times (ms) of the page's demos, once they are live."""
    page.wait_for_function("[...document.querySelectorAll('.lib-widget')].every(el => el.dataset.live)",
                           timeout=10_000)
    return page.evaluate(REDRAW_JS)


def measure_chapter(browser, site, path):
    """One chapter page at a laptop's and a phone's size: the measures of the module docstring."""
    html_path = HTML / path
    result = {"page": path, "bytes": page_bytes(html_path)}
    laptop = browser.new_page(viewport=LAPTOP)
    laptop.goto(f"{site}/{path}", wait_until="load")
    code = laptop.evaluate(CODE_JS)
    shown = figures(laptop, html_path)
    result.update(code_lines=code["lines"], glue_calls=code["glue"], figures=len(shown),
                  sharp=sum(f["natural"] >= 2 * f["shown"] - 1 for f in shown))
    times = sorted(redraw_times(laptop))
    result["demos"] = laptop.locator(".lib-widget").count()
    result["redraw_ms_median"] = times[len(times) // 2] if times else None
    result["redraw_ms_worst"] = times[-1] if times else None
    laptop.close()
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    tab = phone.new_page()
    tab.goto(f"{site}/{path}", wait_until="load")
    small = [f["text_px"] for f in figures(tab, html_path) if f["text_px"] is not None]
    result["smallest_text_phone_px"] = min(small) if small else None
    result["figures_below_9px"] = sum(t < 9 for t in small)
    result["code_sideways_phone"] = tab.evaluate(CODE_JS)["sideways"]
    result["page_width_phone"] = tab.evaluate("document.documentElement.scrollWidth")
    phone.close()
    return result


def measure(chapters=None):
    """Every chapter of the last build (`_build/html`), served on loopback, in Debian's chromium."""
    from playwright.sync_api import sync_playwright

    chapters = chapters or sorted(p.relative_to(HTML).as_posix() for p in (HTML / "chapters").glob("*.html"))
    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}"
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            rows = [measure_chapter(browser, site, path) for path in chapters]
            browser.close()
    finally:
        server.shutdown()
    return rows


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def markdown(rows):
    lines = ["| chapter | code lines shown | glue( shown | code blocks sideways (phone) | sharp figures "
             "| smallest figure text, phone (CSS px) | figures under 9 px | page bytes "
             "| demos | redraw ms, median / worst |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        text = "-" if r["smallest_text_phone_px"] is None else f"{r['smallest_text_phone_px']:.1f}"
        lines.append(f"| {Path(r['page']).stem} | {r['code_lines']} | {r['glue_calls']} | "
                     f"{r['code_sideways_phone']} | {r['sharp']} of {r['figures']} | {text} | "
                     f"{r['figures_below_9px']} | {r['bytes']:,} | {r['demos']} | "
                     + ("-" if r["redraw_ms_median"] is None
                        else f"{r['redraw_ms_median']:.1f} / {r['redraw_ms_worst']:.1f}") + " |")
    return "\n".join(lines)


PHONE_COLUMN = 358  # CSS px a figure may fill on a 390 px phone (the page's padding aside)


def notebook_figures(path):
    """Run one chapter in a fresh kernel; for each figure it shows: (cell, CSS width, image width,
    smallest text on a phone in CSS px). A quick check while writing, before the browser tests."""
    import base64
    import io

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    rows = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("image/png")
            if not data:
                continue
            with Image.open(io.BytesIO(base64.b64decode(data))) as image:
                natural = image.size[0]
                text = float(image.text.get(TEXT_KEY, 10 / 72 * image.info.get("dpi", (100,))[0]))
            css = out.get("metadata", {}).get("image/png", {}).get("width", natural)
            rows.append((i, css, natural, text * min(css, PHONE_COLUMN) / natural))
    return rows


HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}


def notebook_code_lines(path):
    """The code lines of a chapter the page shows without a click (its code cells without a hiding tag)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return sum(len(cell.source.strip().splitlines()) for cell in nb.cells if cell.cell_type == "code"
               and not HIDDEN_TAGS & set(cell.metadata.get("tags", [])) and cell.source.strip())


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:2] == ["--notebook"]:
        for path in sys.argv[2:]:
            for cell, css, natural, phone in notebook_figures(path):
                flag = "" if phone >= 9 and natural >= 2 * css - 1 else "   <-- below the bar"
                print(f"{Path(path).name} cell {cell}: {css} CSS px wide, {natural / css:.1f} image px "
                      f"per CSS px, smallest text on a phone {phone:.1f} px{flag}")
            print(f"{Path(path).name}: {notebook_code_lines(path)} lines of code shown without a click")
        sys.exit(0)
    rows = measure(sys.argv[1:] or None)
    print(markdown(rows))
    (ROOT / "_build" / "reader.json").write_text(json.dumps(rows, indent=1))
