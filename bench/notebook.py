"""Run one notebook in a fresh kernel; print its wall time and the kernel's peak memory as JSON.

    python -m bench.notebook chapters/02_knn.ipynb

The kernel is a child of this process: once nbclient has shut it down (and waited for it),
getrusage(RUSAGE_CHILDREN) holds its peak resident memory.
"""

import json
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(path):
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"notebook": path.name, "seconds": seconds, "peak_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main(sys.argv[1])
