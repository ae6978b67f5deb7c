"""{eval} in the book as in JupyterLab: an expression's value where the markdown cell stands.

The chapters put computed numbers into their prose with MyST's inline role, {eval}`expr`
(for example {eval}`f"{accuracy:.1%}"`), which jupyterlab-myst evaluates in the kernel as a
reader runs the notebook. myst-nb evaluates it only in its "inline" execution mode, which
caches nothing. This extension makes it work with the execution cache: as a notebook is read
(and before _ext/parallel_execute.py runs it), each markdown cell that holds {eval} roles gets a
hidden code cell in front of it that glues the value of each of its expressions, and each role
becomes a {glue:text} role for that value. The expression is evaluated at the same point of the
notebook as in JupyterLab, so the book and the notebook show the same text (a string without
its quotes). An expression that fails stops the build with the kernel's error.
"""

import re

import nbformat

ROLE = re.compile(r"\{eval\}`([^`]+)`")


def with_eval_cells(nb):
    """The notebook (nbformat v4) with a glue cell before each markdown cell that uses {eval}.

    Deterministic (the execution cache hashes the code cells and their metadata), and a
    notebook without {eval} comes back unchanged. Returns (notebook, number of expressions).
    """
    cells, count = [], 0
    for i, cell in enumerate(nb.cells):
        expressions = list(dict.fromkeys(ROLE.findall(cell.source))) if cell.cell_type == "markdown" else []
        if expressions:
            keys = {expr: f"eval-{i}-{n}" for n, expr in enumerate(expressions)}
            code = "\n".join(f'__import__("myst_nb").glue({key!r}, {expr}, display=False)'
                             for expr, key in keys.items())
            glue_cell = nbformat.v4.new_code_cell(code, metadata={"tags": ["remove-cell"]})
            glue_cell.id = f"eval-{i}"
            cells.append(glue_cell)
            cell = nbformat.from_dict(dict(cell))
            cell.source = ROLE.sub(lambda m, keys=keys: f"{{glue:text}}`{keys[m.group(1)]}`", cell.source)
            count += len(expressions)
        cells.append(cell)
    nb = nbformat.from_dict(dict(nb))
    nb.cells = cells
    return nb, count


def read_notebook(path):
    """A chapter as the book executes and renders it."""
    return with_eval_cells(nbformat.read(path, as_version=4))[0]


def on_source_read(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb, count = with_eval_cells(nbformat.reads(source[0], as_version=4))
    if count:
        source[0] = nbformat.writes(nb)


def setup(app):
    app.connect("source-read", on_source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
