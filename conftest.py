"""pytest runs notebooks in parallel workers (pytest-xdist, one per core): give each worker, and
the notebook kernels it starts, one BLAS/OpenMP thread, so that the workers do not fight over
the cores (OpenBLAS's spinning threads slow everything several times over when they do). The
book's build does the same for its kernels (_ext/parallel_execute.py: THREAD_VARIABLES)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
from parallel_execute import THREAD_VARIABLES  # noqa: E402

if os.environ.get("PYTEST_XDIST_WORKER"):
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
