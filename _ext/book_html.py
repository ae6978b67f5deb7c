"""Three fixes to the HTML book, so that it works offline, loads without script errors, and
carries nothing twice.

1. Serve MathJax 3 from the built book itself, so maths renders with no network. The files
   come from the PyPI package django-static-mathjax (pinned in requirements.txt); `mathjax_path`
   in _config.yml points at the copy this extension puts in `_static/mathjax`.
2. Load each script once: sphinx-thebe 0.3.1 registers its configuration script on every
   read phase, and a second copy makes the browser throw "THEBE_JS_URL has already been declared";
   jupyter-book repeats html_js_files, which would load the demos' module loader a second time
   as a classic script. Drop the widgets' saved state: it would repeat each demo's module.
3. Copy the book's own `_static/` files on every build: Sphinx copies static files only when
   some page is out of date, so an edit to `_static/book.css` alone would never reach the HTML.
   The demos' ES modules and stylesheet, lib/js/, go beside them into `_static/widgets/`, where
   `_static/lib-widgets.js` loads them (lib/widgets.py).
"""

import shutil
from pathlib import Path

import mathjax

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
NEEDED = ["tex-chtml.js", "input", "output/chtml", "ui", "a11y", "adaptors"]


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / "_static" / "mathjax"
    for name in NEEDED:
        src, out = ES5 / name, dest / name
        if out.exists():
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, out)
        elif src.exists():
            shutil.copy2(src, out)


def copy_own_static(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static, out_static = Path(app.srcdir) / "_static", Path(app.outdir) / "_static"
    pairs = [(src, out_static / src.relative_to(static)) for src in static.rglob("*")]
    js = Path(app.srcdir) / "lib" / "js"
    modules = [*js.glob("*.js"), js / "widgets.css"]
    pairs += [(src, out_static / "widgets" / src.name) for src in modules]
    for src, out in pairs:
        if src.is_file() and (not out.exists() or out.read_bytes() != src.read_bytes()):
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out)


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # an inline script is registered once with filename None and once with "": same script
        key = (getattr(script, "filename", script) or "", str(getattr(script, "attributes", "")))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # a file listed twice in html_js_files (jupyter-book repeats the list) loads once, as the
    # entry with attributes says: a module script (type="module") must never load as a classic one
    typed = {script.filename for script in unique
             if getattr(script, "filename", None) and getattr(script, "attributes", {}).get("type")}
    unique = [script for script in unique if getattr(script, "filename", None) not in typed
              or getattr(script, "attributes", {}).get("type")]
    # the widgets' saved state repeats each demo's whole module; the static book runs its demos from
    # their placeholders (lib/widgets.py) and loads no widget manager to read it
    context["script_files"] = [script for script in unique
                               if getattr(script, "attributes", {}).get("type") != WIDGET_STATE]


def setup(app):
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", copy_own_static)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
