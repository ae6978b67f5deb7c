"""python -m bench: measure the book on this machine and write the results as Markdown and JSON.

    python -m bench                   # everything (about 15 minutes on 2 cores)
    python -m bench --parts kernels   # only the kernel comparisons (about a minute)
    python -m bench --out results/    # where bench.md and bench.json go (default _build/bench)

Parts: book (cold build, then a rebuild after touching one chapter), notebooks (each in a fresh
kernel: time and peak memory), tests (the README's test command), kernels (the book's kernels
against scikit-learn and torch), lenet (LeNet-5's training time to 98.5% test accuracy), reader
(each chapter page of the last build, _build/html, in a browser: bench/reader.py).
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import book, kernels, reader

# Budgets of the design (section 7), on a 2-core CPU with no GPU.
BUDGETS = {"cold_build_s": 240, "notebook_s": 60, "notebook_mb": 2048, "tests_s": 600, "demo_cell_s": 1.0,
           "ipynb_bytes": 1_000_000, "page_bytes": 1_000_000, "redraw_ms": 16}
PARTS = ("book", "notebooks", "tests", "kernels", "lenet", "reader")
TOUCHED = "02_knn.ipynb"


def machine():
    """This machine: the words the book's run-time notes use (_ext/run_times.machine), and versions."""
    import numpy
    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
    from run_times import machine as in_words

    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "in_words": in_words(),
            "cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "numpy": numpy.__version__, "torch": torch.__version__}


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure(parts, quick=False):
    results = {"machine": machine(), "budgets": BUDGETS}
    with tempfile.TemporaryDirectory(prefix="dlcv-bench-") as tmp:
        if {"book", "notebooks", "tests"} & set(parts):  # these work on a fresh copy of the repository
            root = book.copy_repository(Path(tmp))
        if "book" in parts:
            say("building the book cold (empty cache) in a fresh copy ...")
            cold, executed = book.build(root)
            say(f"cold build: {cold:.0f} s, {len(executed)} notebooks executed")
            book.touch_chapter(root, TOUCHED)
            warm, re_executed = book.build(root)
            say(f"rebuild after touching {TOUCHED}: {warm:.0f} s, re-executed {re_executed}")
            results["book"] = {"cold_s": cold, "executed": executed, "touched": TOUCHED,
                               "rebuild_s": warm, "re_executed": re_executed}
        if "notebooks" in parts:
            results["notebooks"] = []
            for path in sorted((root / "chapters").glob("*.ipynb")):
                row = book.run_notebook(path)
                say(f"{row['notebook']}: {row['seconds']:.1f} s, peak {row['peak_mb']:.0f} MB")
                results["notebooks"].append(row)
        if "tests" in parts:
            say("running the test command (pytest) ...")
            seconds, summary, code = book.run_tests(root)
            say(f"tests: {seconds:.0f} s, {summary}")
            results["tests"] = {"seconds": seconds, "summary": summary, "exit_code": code}
    if "kernels" in parts:
        say("timing the book's kernels against their peers ...")
        results["kernels"] = kernels.run_all(quick=quick)
    if "lenet" in parts:
        say("training LeNet-5 on the digits until 98.5% test accuracy ...")
        results["lenet"] = kernels.lenet_time_to_accuracy(quick=quick)
        say(f"LeNet-5: {results['lenet']}")
    if "reader" in parts:
        say("measuring each chapter page of _build/html in a browser, at a laptop's and a phone's size ...")
        results["reader"] = reader.measure()
    return results


def _mark(ok):
    return "within budget" if ok else "OVER BUDGET"


def markdown(results):
    # One report read top to bottom, a section per part: longer than 40 lines, and clearest whole.
    m, b = results["machine"], results["budgets"]
    lines = ["# Benchmark of the book", "",
             f"{m['date']}; {m['in_words']}; {m['platform']}; Python {m['python']}, "
             f"numpy {m['numpy']}, torch {m['torch']}.", ""]
    if "book" in results:
        r = results["book"]
        only = r["re_executed"] == [r["touched"]]
        lines += ["## The book", "", "| measure | seconds | budget |", "| --- | ---: | --- |",
                  f"| cold build ({len(r['executed'])} notebooks executed) | {r['cold_s']:.0f} | "
                  f"{b['cold_build_s']} s: {_mark(r['cold_s'] <= b['cold_build_s'])} |",
                  f"| rebuild after touching {r['touched']} "
                  f"(re-executed: {', '.join(r['re_executed']) or 'none'}) "
                  f"| {r['rebuild_s']:.0f} | only that chapter: {'yes' if only else 'NO'} |", ""]
    if "notebooks" in results:
        lines += ["## Notebooks (each in a fresh kernel)", "",
                  "| notebook | seconds | peak memory (MB) | slowest demo cell (s) "
                  "| notebook after Run All (bytes) | budget |", "| --- | ---: | ---: | ---: | ---: | --- |"]
        for r in sorted(results["notebooks"], key=lambda r: -r["seconds"]):
            demo = r.get("demo_cell_s")
            ok = (r["seconds"] <= b["notebook_s"] and r["peak_mb"] <= b["notebook_mb"]
                  and (demo or 0) <= b["demo_cell_s"] and r.get("ipynb_bytes", 0) <= b["ipynb_bytes"])
            demo_text = "-" if demo is None else f"{demo:.2f}"
            lines.append(f"| {r['notebook']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {demo_text} | "
                         f"{r.get('ipynb_bytes', 0):,} | {_mark(ok)} |")
        total = sum(r["seconds"] for r in results["notebooks"])
        lines += [f"| all notebooks | {total:.0f} | | |", ""]
    if "tests" in results:
        r = results["tests"]
        lines += ["## Tests", "",
                  f"`pytest`: {r['seconds']:.0f} s ({r['summary']}); budget {b['tests_s']} s: "
                  f"{_mark(r['seconds'] <= b['tests_s'] and r['exit_code'] == 0)}.", ""]
    if "kernels" in results:
        lines += ["## Kernels against their peers (best of several runs; ratio to the fastest)", "",
                  "| comparison | implementation | seconds | ratio |", "| --- | --- | ---: | ---: |"]
        for r in results["kernels"]:
            lines.append(f"| {r['group']} | {r['implementation']} | {r['seconds']:.4g} | {r['ratio']:.1f}x |")
        lines.append("")
    if "lenet" in results:
        r = results["lenet"]
        lines += ["## LeNet-5 on the digits", "", r["summary"], ""]
    if "reader" in results:
        lines += ["## The pages as a reader meets them (laptop 1280 x 800; phone 390 x 844)", "",
                  reader.markdown(results["reader"]), ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--out", default="_build/bench", help="folder for bench.md and bench.json")
    parser.add_argument("--quick", action="store_true", help="small kernel sizes (for the tests)")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {PARTS}")
    results = measure(parts, quick=args.quick)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=1))
    (out / "bench.md").write_text(markdown(results))
    print(markdown(results))
    say(f"wrote {out / 'bench.md'} and {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
