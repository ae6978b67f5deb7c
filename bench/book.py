"""Timing the book as a whole: cold build, rebuild after touching a chapter, notebooks, tests.

Everything runs in a fresh copy of the repository (its tracked and unignored files), so the
reader's own build and cache are left alone and "cold" really means an empty cache.
"""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = str(Path(sys.executable).with_name("jupyter-book"))


def copy_repository(dest):
    """Copy the files git would commit (tracked, or new and not ignored) into dest."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def _cache_records(root):
    """{pk: notebook name} of the execution cache in root (empty before the first build)."""
    from jupyter_cache import get_cache

    path = root / "_build" / ".jupyter_cache"
    return {r.pk: Path(r.uri).name for r in get_cache(path).list_cache_records()} if path.exists() else {}


def build(root):
    """Build the book in root; returns (seconds, the notebooks it executed, from the cache's new records)."""
    before = _cache_records(root)
    start = time.perf_counter()
    result = subprocess.run([JUPYTER_BOOK, "build", ".", "-W"], cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise RuntimeError(f"the book build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    after = _cache_records(root)
    return seconds, sorted(name for pk, name in after.items() if pk not in before)


def touch_chapter(root, name):
    """Change one chapter's code the smallest way that counts: a comment in its last code cell."""
    path = root / "chapters" / name
    nb = nbformat.read(path, as_version=4)
    cell = [c for c in nb.cells if c.cell_type == "code"][-1]
    cell.source += "\n# touched by the benchmark"
    nbformat.write(nb, path)


def run_notebook(path):
    """Execute one notebook in a fresh kernel: {"notebook", "seconds", "peak_mb"}."""
    result = subprocess.run([sys.executable, "-m", "bench.notebook", str(path)], cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{path.name} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_tests(root):
    """The README's test command (pytest) in root: (seconds, pytest's summary line)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    summary = (lines[-1] if lines else result.stderr[-300:]) + "".join(f"; {line}" for line in failed)
    return seconds, summary, result.returncode
