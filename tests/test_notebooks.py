"""House rules of the chapters, checked without running them (nbval runs them)."""

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from lib_cache import (
    without_magics,  # _ext/, on the path from conftest.py: the build reads cells the same way
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def cells(path, kind):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == kind]


def source(cell):
    return "".join(cell["source"])


def test_every_chapter_is_in_the_table_of_contents_and_every_entry_exists():
    entries = set(re.findall(r"file:\s*([\w./-]+)", (ROOT / "_toc.yml").read_text()))
    listed = {entry for entry in entries if entry.startswith("chapters/")}
    assert {f"chapters/{p.stem}" for p in NOTEBOOKS} == listed
    assert all((ROOT / f"{entry}.ipynb").exists() for entry in listed)
    assert all((ROOT / f"{entry}.md").exists() for entry in entries - listed), "a page of the TOC is missing"


def test_references_bib_parses_and_has_no_duplicate_keys():
    """The book build reads it with pybtex (sphinxcontrib-bibtex): one stray brace breaks every page."""
    from pybtex.database import parse_file

    entries = parse_file(ROOT / "references.bib").entries  # raises on a syntax error or a repeated key
    assert len(entries) == len(re.findall(r"^@\w+\{", (ROOT / "references.bib").read_text(), flags=re.M))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    dirty = [i for i, c in enumerate(cells(path, "code")) if c["outputs"] or c["execution_count"]]
    assert not dirty, f"cells {dirty} carry outputs: the book build executes the notebooks"
    # jupyterlab-myst saves the values of {eval} roles in the markdown cells; stale ones would show
    stale = [i for i, c in enumerate(cells(path, "markdown")) if "user_expressions" in c.get("metadata", {})]
    assert not stale, f"markdown cells {stale} carry saved {{eval}} values (user_expressions): clear them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_defines_no_helpers_of_its_own(path):
    """Functions belong in lib/; a notebook may only define a demo's draw function."""
    for cell in cells(path, "code"):
        tree = ast.parse(without_magics(source(cell)))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                assert node.name.startswith("draw"), f"{path.name} defines {node.name}(); move it to lib/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checks_its_claims_ends_with_exercises_and_cites(path):
    code = "\n".join(source(c) for c in cells(path, "code"))
    text = "\n".join(source(c) for c in cells(path, "markdown"))
    assert code.count("assert ") >= 3, "a chapter asserts its claims"
    assert "from lib" in code or "import lib" in code
    assert ":::{exercise}" in text and ":::{solution}" in text
    # footnote citations: each chapter lists its own papers, and a paper may appear in many chapters;
    # the book adds the list under "## References" (_ext/footbibliography.py: JupyterLab cannot show it)
    assert "{footcite" in text and "\n## References" in text and "{footbibliography}" not in text
    bib = (ROOT / "references.bib").read_text()
    for key in re.findall(r"\{footcite(?::\w+)?\}`([^`]+)`", text):
        for k in key.split(","):
            assert f"{{{k.strip()}," in bib, f"{path.name} cites {k!r}, which references.bib lacks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_line_of_inline_maths_starts_a_list(path):
    """A line that starts with "+ ", "- " or "* " starts a list item, even inside a paragraph, so
    inline maths broken there ($... \\n+ 1)$) breaks, and the rest is set as maths."""
    broken = []
    for cell in cells(path, "markdown"):
        paragraph, display = "", False
        for line in source(cell).split("\n"):
            if line.strip() == "$$" or line.startswith(("```", ":::")):
                display = not display if line.strip() == "$$" else display
                paragraph = ""
            elif not line.strip():
                paragraph = ""
            elif not display:
                if re.match(r"\s*[-+*]\s", line) and re.sub(r"\$\$|\\\$", "", paragraph).count("$") % 2:
                    broken.append(line[:60])
                paragraph += line + "\n"
    assert not broken, f"{path.name}: lines inside $...$ that Markdown reads as list items: {broken}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_eval_roles_read_only_names_defined_above(path):
    """The build runs each {eval} role where its markdown stands (_ext/inline_eval.py): a name
    first assigned in a later cell fails the build, though nbval (code cells only) passes."""
    import builtins

    defined, late = set(dir(builtins)), []
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            for node in ast.walk(ast.parse(without_magics(source(cell)))):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    defined.add(node.id)
                elif isinstance(node, ast.Import | ast.ImportFrom):
                    defined.update((a.asname or a.name).split(".")[0] for a in node.names)
                elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                    defined.add(node.name)
        else:
            for expr in re.findall(r"\{eval\}`([^`]+)`", source(cell)):
                names = [n for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)]
                bound = {n.id for n in names if isinstance(n.ctx, ast.Store)}  # a comprehension's own
                used = {n.id for n in names if isinstance(n.ctx, ast.Load)}
                late += [f"{name} in {{eval}}`{expr}`" for name in sorted(used - defined - bound)]
    assert not late, f"{path.name}: names used before a code cell defines them: {late}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_numbers_in_the_prose_come_from_eval_roles(path):
    """{eval}`expr` reads a variable of the running notebook, in JupyterLab (jupyterlab-myst) as in
    the book (_ext/inline_eval.py); myst-nb's glue shows as raw markup in JupyterLab."""
    text = "\n".join(source(c) for c in cells(path, "markdown"))
    code = "\n".join(source(c) for c in cells(path, "code"))
    assert "{glue" not in text and "glue(" not in code, f"{path.name} uses glue: write {{eval}}`name`"
    assert "{eval}" in text, f"{path.name} states no computed number in its prose"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_on_colab_with_lib_installed(path):
    """Colab has no lib/: the first code cell installs it from the book's own repository."""
    first = source(cells(path, "code")[0])
    url = re.search(r"url:\s*(\S+)", (ROOT / "_config.yml").read_text()).group(1)
    assert '"google.colab" in sys.modules' in first, "the first code cell sets Colab up"
    assert f"dlcv-lib @ git+{url}" in first, "Colab installs lib from repository.url of _config.yml"


NOT_COLOUR_BLIND_SAFE = ("jet", "rainbow", "hsv", "gist_rainbow", "nipy_spectral", "Spectral", "RdYlGn",
                         "RdGn", "PiYG", "Set1", "Paired", "tab20")


@pytest.mark.parametrize("path", NOTEBOOKS + sorted((ROOT / "lib").glob("*.py")), ids=lambda p: p.name)
def test_colour_maps_read_for_colour_blind_readers(path):
    """Colours come from lib.plot.PALETTE (Okabe-Ito) and maps like viridis, Blues, RdBu, grey."""
    text = path.read_text()
    used = set(re.findall(r"""cmap\s*=\s*\\?["']([\w_]+)""", text)) | set(re.findall(r"plt\.cm\.(\w+)", text))
    bad = sorted(name for name in used if name.removesuffix("_r") in NOT_COLOUR_BLIND_SAFE)
    assert not bad, f"{path.name} uses colour maps that confuse red and green: {bad}"
    assert used <= {"viridis", "cividis", "magma", "inferno", "plasma", "Blues", "Oranges", "Greys", "RdBu",
                    "RdBu_r", "gray", "gray_r", "Purples", "Greens", "PuOr", "PuOr_r", "BrBG",
                    "coolwarm"}, used


def test_the_readme_commands_leave_git_status_clean():
    """After `make book` and during `make test` the checkout holds nothing new: what they make
    (.venv/, _build/, caches) is ignored. Checked in CI, where the clone starts clean."""
    if not os.environ.get("CI"):
        pytest.skip("checked in CI, on a clean clone (a working copy may hold work in progress)")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    assert not status.strip(), f"the README's commands left these in git status:\n{status}"
