"""The benchmark: its kernel comparisons check agreement before timing, and its report is complete."""

import json

import pytest

from bench import __main__ as bench_main
from bench import kernels


def test_kernel_comparisons_agree_and_are_timed():
    rows = kernels.run_all(quick=True)
    groups = {row["group"].split()[0] for row in rows}
    assert groups == {"kNN", "conv", "MLP", "autodiff:"}
    for group in {row["group"] for row in rows}:
        ratios = [row["ratio"] for row in rows if row["group"] == group]
        assert min(ratios) == 1.0 and all(r >= 1.0 for r in ratios)
    assert all(row["seconds"] > 0 for row in rows)


def test_markdown_report_names_every_budget():
    results = {"machine": {"date": "d", "cpus": 2, "in_words": "2 CPU cores, no GPU", "platform": "p",
                           "python": "3.11", "numpy": "2", "torch": "2"},
               "budgets": bench_main.BUDGETS,
               "book": {"cold_s": 250.0, "executed": ["a.ipynb"] * 11, "touched": "02_knn.ipynb",
                        "rebuild_s": 30.0, "re_executed": ["02_knn.ipynb"]},
               "notebooks": [{"notebook": "a.ipynb", "seconds": 61.0, "peak_mb": 500.0, "demo_cell_s": 0.2,
                              "ipynb_bytes": 700_000},
                             {"notebook": "b.ipynb", "seconds": 10.0, "peak_mb": 300.0, "demo_cell_s": None,
                              "ipynb_bytes": 400_000},
                             {"notebook": "c.ipynb", "seconds": 10.0, "peak_mb": 300.0, "demo_cell_s": 1.5,
                              "ipynb_bytes": 400_000},
                             {"notebook": "d.ipynb", "seconds": 10.0, "peak_mb": 300.0, "demo_cell_s": 0.1,
                              "ipynb_bytes": 1_200_000}],
               "tests": {"seconds": 500.0, "summary": "600 passed", "exit_code": 0}}
    text = bench_main.markdown(results)
    assert "| cold build (11 notebooks executed) | 250 | 240 s: OVER BUDGET |" in text
    assert "only that chapter: yes" in text
    assert "| a.ipynb | 61.0 | 500 | 0.20 | 700,000 | OVER BUDGET |" in text
    assert "| b.ipynb | 10.0 | 300 | - | 400,000 | within budget |" in text
    assert "| c.ipynb | 10.0 | 300 | 1.50 | 400,000 | OVER BUDGET |" in text  # a demo cell over 1 s
    assert "| d.ipynb | 10.0 | 300 | 0.10 | 1,200,000 | OVER BUDGET |" in text  # over 1 MB after Run All
    assert "budget 600 s: within budget" in text
    assert "d; 2 CPU cores, no GPU; p;" in text  # the words of the book's run-time notes


def test_command_line_writes_markdown_and_json(tmp_path, capsys):
    assert bench_main.main(["--parts", "kernels", "--quick", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "bench.json").read_text())
    assert results["machine"]["cpus"] >= 1 and len(results["kernels"]) == 13
    assert results["machine"]["in_words"].endswith("GPU")
    assert "## Kernels against their peers" in (tmp_path / "bench.md").read_text()
    with pytest.raises(SystemExit):
        bench_main.main(["--parts", "nonsense"])


def test_lenet_benchmark_trains_with_chapter_11s_recipe():
    """The benchmark's LeNet-5 timing means something only if it is the chapter's training run:
    both take lib.models.LENET5_RECIPE, and the chapter writes no recipe of its own."""
    import inspect
    from pathlib import Path

    notebook = json.loads((Path(__file__).parents[1] / "chapters" / "11_lenet_alexnet.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "recipe = LENET5_RECIPE" in code and "recipe = {" not in code
    assert "LENET5_RECIPE" in inspect.getsource(kernels.lenet_time_to_accuracy)
