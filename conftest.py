"""pytest runs notebooks in parallel workers (pytest-xdist, one per core): give each worker, and
the notebook kernels it starts, one BLAS/OpenMP thread, so that the workers do not fight over
the cores (OpenBLAS's spinning threads slow everything several times over when they do)."""

import os

if os.environ.get("PYTEST_XDIST_WORKER"):
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
