"""Run one notebook in a fresh kernel; print as JSON its wall time, the kernel's peak memory, the
slowest demo cell's time (a cell that builds a PageDemo) and the notebook's size after the run
(what Run All and a save in JupyterLab leave on disk: JupyterLab saves no widget state unless asked).

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


def cell_seconds(cell):
    """A cell's run time from nbclient's timing metadata."""
    from datetime import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def main(path):
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    demo_cells = [cell_seconds(c) for c in nb.cells if c.cell_type == "code" and "PageDemo(" in c.source]
    demo_cells = [s for s in demo_cells if s is not None]
    print(json.dumps({"notebook": path.name, "seconds": seconds, "peak_mb": peak_kb / 1024,
                      "demo_cell_s": max(demo_cells) if demo_cells else None,
                      "ipynb_bytes": len(nbformat.writes(nb).encode())}))


if __name__ == "__main__":
    main(sys.argv[1])
