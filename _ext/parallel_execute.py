"""Execute the notebooks a build needs in parallel, one per CPU core, before Sphinx reads them.

myst-nb executes notebooks one after another as it reads them. Just before reading, this
extension hands every notebook that is about to be read and has no cached outputs to
jupyter-cache's "local-parallel" executor (one process per core, each notebook in its own
folder, as myst-nb would run it). Results go into the same cache, so myst-nb then finds them
there. A notebook that fails here is simply left uncached: myst-nb runs it again as usual and
reports its error. Set BOOK_JOBS=1 to turn this off.

Each kernel gets one BLAS/OpenMP thread: with one notebook per core, a second thread per
notebook only competes for the cores, and OpenBLAS's spinning threads then slow every
notebook several times over (measured: 127 s instead of 25 s for one chapter).
"""

import os
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def execute_in_parallel(app, env, docnames):
    jobs = int(os.environ.get("BOOK_JOBS", os.cpu_count() or 1))
    if app.config.nb_execution_mode != "cache" or jobs < 2:
        return
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    paths = [str(Path(env.doc2path(doc)).resolve()) for doc in docnames
             if Path(env.doc2path(doc)).suffix == ".ipynb"]
    cache = get_cache(Path(app.srcdir) / app.config.nb_execution_cache_path)
    for path in paths:
        cache.add_nb_to_project(path)
    todo = [record.uri for record in cache.list_unexecuted(filter_uris=paths)]
    if len(todo) < 2:
        return  # nothing to gain: myst-nb executes a single notebook itself
    LOGGER.info(f"executing {len(todo)} notebooks in parallel ({os.cpu_count()} processes)")
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))  # inherited by the kernels
    try:
        result = load_executor("local-parallel", cache).run_and_cache(
            filter_uris=todo, timeout=app.config.nb_execution_timeout,
            allow_errors=app.config.nb_execution_allow_errors)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    for uri in result.excepted + result.errored:
        LOGGER.info(f"{Path(uri).name} failed in parallel; it will run again, alone")


def setup(app):
    app.connect("env-before-read-docs", execute_in_parallel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
