"""Re-execute the chapters when lib/ changes.

jupyter-cache keys each notebook on its own code cells, so an edit to lib/ alone would leave
every chapter's outputs stale. This extension fingerprints lib/*.py; when the fingerprint
differs from the last successful build's, it empties the execution cache and has Sphinx
re-read every notebook, which re-executes them. An unchanged lib/ costs nothing.
"""

import hashlib
import shutil
from pathlib import Path


def _fingerprint(srcdir):
    digest = hashlib.sha256()
    for path in sorted((Path(srcdir) / "lib").rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _stamp(app):
    return Path(app.outdir).parent / "lib.sha256"


def check_lib(app):
    app.lib_fingerprint = _fingerprint(app.srcdir)
    stamp = _stamp(app)
    app.lib_changed = not stamp.exists() or stamp.read_text() != app.lib_fingerprint
    cache = Path(app.srcdir) / app.config.nb_execution_cache_path
    if app.lib_changed and cache.exists():
        shutil.rmtree(cache)


def outdated_notebooks(app, env, added, changed, removed):
    if not app.lib_changed:
        return []
    return [doc for doc in env.found_docs if Path(env.doc2path(doc)).suffix == ".ipynb"]


def write_stamp(app, exception):
    if exception is None:
        _stamp(app).write_text(app.lib_fingerprint)


def setup(app):
    app.connect("builder-inited", check_lib)
    app.connect("env-get-outdated", outdated_notebooks)
    app.connect("build-finished", write_stamp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
