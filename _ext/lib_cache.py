"""Re-execute a chapter when the lib/ code it uses changes, and only then.

jupyter-cache keys each notebook on its own code cells, so an edit to lib/ alone would leave
the outputs of the chapters that use it stale. This extension fingerprints, for each
notebook, the lib/ modules it imports (and the lib/ modules those import, transitively).
When a notebook's fingerprint differs from the last successful build's, its cache records are
dropped and Sphinx re-reads it, which re-executes it. Chapters that do not use the changed
module keep their cached outputs, so editing one module re-executes only its chapters.
"""

import ast
import hashlib
import json
import re
from pathlib import Path


def without_magics(code):
    """A cell's code as plain Python: each IPython magic or shell line (%pip, !ls) becomes `pass`."""
    return re.sub(r"^(\s*)[%!].*$", r"\1pass", code, flags=re.M)


def _lib_imports(code):
    """The lib modules a piece of Python imports: {'lib/knn.py', ...} (IPython magics ignored)."""
    code = without_magics(code)
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lib":
            parts = node.module.split(".")
            names = [a.name for a in node.names] if len(parts) == 1 else [parts[1]]
            found.update(f"lib/{name}.py" for name in names)
        elif isinstance(node, ast.Import):
            found.update(f"lib/{a.name.split('.')[1]}.py" for a in node.names
                         if a.name.startswith("lib."))
    return found


def dependencies(srcdir, notebook):
    """Every lib/ file the notebook depends on, directly or through other lib/ modules."""
    srcdir = Path(srcdir)
    cells = json.loads(Path(notebook).read_text())["cells"]
    todo = _lib_imports("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"))
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen or not (srcdir / name).exists():
            continue
        seen.add(name)
        todo |= _lib_imports((srcdir / name).read_text()) - seen
    return sorted(seen)


def fingerprint(srcdir, notebook):
    digest = hashlib.sha256()
    for name in dependencies(srcdir, notebook):
        digest.update(name.encode() + (Path(srcdir) / name).read_bytes())
    return digest.hexdigest()


def _stamp(app):
    return Path(app.outdir).parent / "lib_fingerprints.json"


def outdated_notebooks(app, env, added, changed, removed):
    from jupyter_cache import get_cache

    notebooks = {doc: Path(env.doc2path(doc)) for doc in env.found_docs
                 if Path(env.doc2path(doc)).suffix == ".ipynb"}
    app.lib_fingerprints = {doc: fingerprint(app.srcdir, path) for doc, path in notebooks.items()}
    old = json.loads(_stamp(app).read_text()) if _stamp(app).exists() else {}
    stale = [doc for doc, print_ in app.lib_fingerprints.items() if old.get(doc) != print_]
    cache_dir = Path(app.srcdir) / app.config.nb_execution_cache_path
    if stale and cache_dir.exists():
        cache = get_cache(cache_dir)
        stale_paths = {str(notebooks[doc].resolve()) for doc in stale}
        for record in cache.list_cache_records():
            if str(Path(record.uri).resolve()) in stale_paths:
                cache.remove_cache(record.pk)
    return stale


def write_stamp(app, exception):
    if exception is None and hasattr(app, "lib_fingerprints"):
        _stamp(app).write_text(json.dumps(app.lib_fingerprints, indent=1, sort_keys=True))


def setup(app):
    app.connect("env-get-outdated", outdated_notebooks)
    app.connect("build-finished", write_stamp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
