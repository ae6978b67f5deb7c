"""The book's Sphinx extensions (_ext/): pure parts, tested without a build."""

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
import footbibliography  # noqa: E402
import inline_eval  # noqa: E402
import repository  # noqa: E402


@pytest.mark.parametrize("remote, url", [
    ("https://github.com/someone/dlcv-book.git", "https://github.com/someone/dlcv-book"),
    ("git@github.com:someone/dlcv-book.git", "https://github.com/someone/dlcv-book"),
    ("ssh://git@gitlab.com/group/book", "https://gitlab.com/group/book"),
    ("https://github.com/someone/dlcv-book/", "https://github.com/someone/dlcv-book"),
    ("/srv/git/dlcv-book", None),              # a local clone: no public home
    ("https://git.example.org/a/b.git", None),  # a private host
    ("", None), (None, None),
])
def test_launch_buttons_follow_a_public_git_remote_only(remote, url):
    assert repository.public_url(remote) == url


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_eval_roles_become_glue_read_where_the_markdown_stands():
    code = nbformat.v4.new_code_cell("x = 0.25")
    text = nbformat.v4.new_markdown_cell(
        'x is {eval}`f"{x:.0%}"`, and again {eval}`f"{x:.0%}"`; {eval}`x * 2`.')
    nb, count = inline_eval.with_eval_cells(notebook(code, text))
    assert count == 2
    assert [c.cell_type for c in nb.cells] == ["code", "code", "markdown"]
    glue = nb.cells[1]
    assert glue.metadata["tags"] == ["remove-cell"] and glue.id == "eval-1"
    assert glue.source.splitlines() == [
        "__import__(\"myst_nb\").glue('eval-1-0', f\"{x:.0%}\", display=False)",
        "__import__(\"myst_nb\").glue('eval-1-1', x * 2, display=False)"]
    assert nb.cells[2].source == ("x is {glue:text}`eval-1-0`, and again {glue:text}`eval-1-0`; "
                                  "{glue:text}`eval-1-1`.")
    assert text.source.startswith("x is {eval}"), "the reader's notebook is left as it was"


def test_a_notebook_without_eval_is_unchanged_and_the_cells_are_deterministic():
    nb = notebook(nbformat.v4.new_markdown_cell("no roles"), nbformat.v4.new_code_cell("1"))
    same, count = inline_eval.with_eval_cells(nb)
    assert count == 0 and same.cells == nb.cells
    with_roles = notebook(nbformat.v4.new_markdown_cell("{eval}`1 + 1`"))
    assert inline_eval.with_eval_cells(with_roles)[0] == inline_eval.with_eval_cells(with_roles)[0]


def test_the_glue_cell_runs_and_yields_the_text_jupyterlab_shows():
    """Executed, the glue cell records each value; myst-nb's glue:text strips a string's quotes."""
    from myst_nb.core.variables import format_plain_text
    from nbclient import NotebookClient

    nb, _ = inline_eval.with_eval_cells(notebook(
        nbformat.v4.new_code_cell("acc = 0.9731"),
        nbformat.v4.new_markdown_cell('accuracy {eval}`f"{acc:.1%}"`, raw {eval}`acc`')))
    NotebookClient(nb, timeout=60, extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()
    values = {out.metadata["scrapbook"]["name"]: out.data["application/papermill.record/text/plain"]
              for out in nb.cells[1].outputs}
    assert format_plain_text(values["eval-1-0"], "") == "97.3%"
    assert format_plain_text(values["eval-1-1"], "") == "0.9731"


def test_the_book_lists_a_chapter_s_references_under_its_heading_once():
    nb = notebook(nbformat.v4.new_markdown_cell("As {footcite}`lecun1998` showed."),
                  nbformat.v4.new_markdown_cell("## References\n\nThe works this chapter cites."))
    nb, changed = footbibliography.with_footbibliography(nb)
    assert changed and nb.cells[1].source.endswith("cites.\n\n```{footbibliography}\n```\n")
    assert footbibliography.with_footbibliography(nb) == (nb, False)  # already there: unchanged
    no_heading = notebook(nbformat.v4.new_markdown_cell("# A page without references"))
    assert footbibliography.with_footbibliography(no_heading)[1] is False


@pytest.mark.parametrize("visible", ["-1", "", "0"])
def test_the_run_time_table_sees_no_gpu_where_cuda_sees_none(monkeypatch, visible):
    """CUDA_VISIBLE_DEVICES=-1 (or empty) hides every GPU, and a variable alone is no GPU."""
    import os

    import run_times

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    has_device = os.path.exists("/dev/nvidia0")
    expected = "a GPU" if has_device and visible == "0" else "no GPU"
    assert run_times.machine().endswith(expected)


@pytest.mark.parametrize("jobs, expected", [("1", 1), ("2", 2), ("5", 3)])
def test_book_jobs_sets_the_number_of_processes(monkeypatch, tmp_path, jobs, expected):
    """BOOK_JOBS=n runs at most n notebooks at once (and no more processes than notebooks)."""
    import types

    import parallel_execute

    pools = []

    class Pool:  # records how many workers it was asked for; each run "fails", so nothing is cached
        def __init__(self, max_workers):
            pools.append(max_workers)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, path, *args):
            return types.SimpleNamespace(result=lambda: (path, None, 0.0, "not run"))

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    for name in "abc":
        nbformat.write(notebook, tmp_path / f"{name}.ipynb")
    config = types.SimpleNamespace(nb_execution_mode="cache", nb_execution_cache_path=str(tmp_path / "cache"),
                                   nb_execution_timeout=10, nb_execution_allow_errors=False)
    app = types.SimpleNamespace(config=config, srcdir=str(tmp_path))
    env = types.SimpleNamespace(doc2path=lambda doc: tmp_path / f"{doc}.ipynb")
    monkeypatch.setattr(parallel_execute, "ProcessPoolExecutor", Pool)
    monkeypatch.setenv("BOOK_JOBS", jobs)
    parallel_execute.execute_in_parallel(app, env, ["a", "b", "c"])
    assert pools == [expected]
    monkeypatch.setenv("BOOK_JOBS", "0")  # 0: myst-nb executes, one notebook after another
    parallel_execute.execute_in_parallel(app, env, ["a", "b", "c"])
    assert pools == [expected]
