"""Each chapter lists the works it cites at its end, without markup that JupyterLab shows as an error.

The chapters cite with {footcite}`key` (sphinxcontrib-bibtex), and the book lists a chapter's
works as numbered footnotes where a {footbibliography} directive stands. jupyterlab-myst does not
know that directive, and shows a red "Unknown Directive" box in its place (it does not render
citations yet: jupyter-book/jupyterlab-myst#127; a citation reads as its key there, such as
rosenblatt1958). So the notebooks do not carry the directive: as the book reads a notebook, this
extension appends it to the markdown cell that holds the "## References" heading.
"""

import re

import nbformat

HEADING = re.compile(r"^## References\s*$", re.M)
DIRECTIVE = "\n\n```{footbibliography}\n```\n"


def with_footbibliography(nb):
    """(notebook, whether it changed): the directive appended under "## References" if missing."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and HEADING.search(cell.source):
            if "{footbibliography}" in cell.source:
                return nb, False
            cell.source = cell.source.rstrip() + DIRECTIVE
            return nb, True
    return nb, False


def on_source_read(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb, changed = with_footbibliography(nbformat.reads(source[0], as_version=4))
    if changed:
        source[0] = nbformat.writes(nb)


def setup(app):
    app.connect("source-read", on_source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
