"""How long each chapter's code takes to run, for instructors planning a lecture.

myst-nb records each notebook's execution time (from this build, or from the cache entry made
when the chapter last ran). This extension puts that figure under each chapter's title, and
fills the `{chapter-run-times}` directive (on the page about running the book) with a table of
every chapter. The figures are measured, never typed: they describe the machine that built
the book, whose CPU count the text names.
"""

import os

from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

KEY = "has_run_time_table"


def _runtime(env, docname):
    data = NbMetadataCollector.get_doc_data(env).get(docname, {}).get("exec_data") or {}
    return data.get("runtime")


def machine():
    """The build machine in words, e.g. '2 CPU cores, no GPU'."""
    cores = os.cpu_count() or 1
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")  # "" or "-1": the GPUs are hidden from CUDA
    gpu = os.path.exists("/dev/nvidia0") and visible not in ("", "-1")
    return f"{cores} CPU core{'s' if cores > 1 else ''}, {'a GPU' if gpu else 'no GPU'}"


class RunTimeTableNode(nodes.General, nodes.Element):
    """Placeholder, replaced by the table once every chapter has run."""


class RunTimeTable(SphinxDirective):
    def run(self):
        NbMetadataCollector.set_doc_data(self.env, self.env.docname, KEY, True)
        return [RunTimeTableNode()]


def _table(builder, env, fromdoc):
    chapters = sorted(doc for doc in env.found_docs if _runtime(env, doc) is not None)
    table = nodes.table(classes=["run-time-table"])
    group = nodes.tgroup(cols=2)
    table += group
    group += [nodes.colspec(colwidth=80), nodes.colspec(colwidth=20)]
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]

    def row(first, second, parent):
        r = nodes.row()
        r += nodes.entry("", nodes.paragraph("", "", *first) if isinstance(first, list)
                         else nodes.paragraph(text=first))
        r += nodes.entry("", nodes.paragraph(text=second))
        parent += r

    row("Chapter", "Run time (s)", head)
    for doc in chapters:
        link = nodes.reference("", env.titles[doc].astext(), internal=True,
                               refuri=builder.get_relative_uri(fromdoc, doc))
        row([link], f"{_runtime(env, doc):.0f}", body)
    row("All chapters", f"{sum(_runtime(env, doc) for doc in chapters):.0f}", body)
    return table


class RunTimes(SphinxPostTransform):
    """Fill the table placeholder, and put a chapter's own run time under its title."""

    default_priority = 8

    def run(self, **kwargs):
        docname = self.env.docname
        for node in list(self.document.findall(RunTimeTableNode)):
            caption = nodes.paragraph(text=f"Measured on the machine that built this book: {machine()}.")
            node.replace_self([caption, _table(self.app.builder, self.env, docname)])
        seconds = _runtime(self.env, docname)
        section = next(iter(self.document.findall(nodes.section)), None)
        if seconds is None or section is None:
            return
        note = nodes.paragraph(classes=["chapter-run-time"])
        note += nodes.Text(f"The code of this chapter runs in {seconds:.0f} s on the machine that "
                           f"built this book ({machine()}).")
        section.insert(1, note)


def tables_to_update(app, env):
    if not NbMetadataCollector.new_exec_data(env):
        return []
    return [doc for doc, data in NbMetadataCollector.get_doc_data(env).items() if data.get(KEY)]


def setup(app):
    app.add_node(RunTimeTableNode)
    app.add_directive("chapter-run-times", RunTimeTable)
    app.add_post_transform(RunTimes)
    app.connect("env-updated", tables_to_update)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
