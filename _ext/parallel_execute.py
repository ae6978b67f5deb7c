"""Execute the notebooks a build needs in parallel, one per CPU core, before Sphinx reads them.

myst-nb executes notebooks one after another as it reads them. Just before reading, this
extension runs every notebook that is about to be read and has no cached outputs in a pool of
processes (one per core), each in its own folder as myst-nb would run it, and stores the results
in the same execution cache, where myst-nb then finds them. Each notebook is run as the book
reads it, with the glue cells of _ext/inline_eval.py, so that the cache matches. A notebook that
fails here is left uncached: myst-nb runs it again, alone, and reports its error. BOOK_JOBS sets
the number of processes (BOOK_JOBS=0 leaves execution to myst-nb). The kernels log errors only:
each would otherwise warn, on every start, that its loopback TCP connection is not encrypted.

Each kernel gets one BLAS/OpenMP thread: with one notebook per core, a second thread per
notebook only competes for the cores, and OpenBLAS's spinning threads then slow every
notebook several times over (measured: 127 s instead of 25 s for one chapter).
"""

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _run(path, timeout, allow_errors):
    """In a worker process: (path, executed notebook, seconds, error message or None)."""
    from inline_eval import read_notebook
    from jupyter_cache.executors.utils import single_nb_execution

    nb = read_notebook(path)
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout,
                                 allow_errors=allow_errors, meta_override=True,
                                 extra_arguments=["--IPKernelApp.log_level=ERROR"])
    return path, result.nb, result.time, str(result.err) if result.err else None


def execute_in_parallel(app, env, docnames):
    jobs = int(os.environ.get("BOOK_JOBS", os.cpu_count() or 1))
    if app.config.nb_execution_mode != "cache" or jobs < 1:
        return
    from inline_eval import read_notebook
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(Path(app.srcdir) / app.config.nb_execution_cache_path)
    todo = []
    for doc in docnames:
        path = Path(env.doc2path(doc))
        if path.suffix == ".ipynb":
            try:
                cache.match_cache_notebook(read_notebook(path))
            except KeyError:
                todo.append(str(path.resolve()))
    if not todo:
        return
    jobs = min(jobs, len(todo))
    LOGGER.info(f"executing {len(todo)} notebook(s) in {jobs} process(es)")
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))  # inherited by the kernels
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            runs = [pool.submit(_run, path, app.config.nb_execution_timeout,
                                app.config.nb_execution_allow_errors) for path in todo]
            for run in runs:
                path, nb, seconds, error = run.result()
                if error:
                    LOGGER.info(f"{Path(path).name} failed in parallel; it will run again, alone")
                    continue
                cache.cache_notebook_bundle(CacheBundleIn(nb, path, data={"execution_seconds": seconds}),
                                            check_validity=False, overwrite=True)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def setup(app):
    app.connect("env-before-read-docs", execute_in_parallel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
