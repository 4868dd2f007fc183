"""Local Sphinx extension: offer each chapter as an *executed* Jupyter notebook.

The book theme's download button offers the page's source (the MyST ``.md`` file, with no
outputs); it adds an ``.ipynb`` entry only when a launch button (Binder, Colab, ...) is
configured, and this book has none (it builds and runs offline). myst-nb already writes every
executed notebook, outputs included, to ``<build>/jupyter_execute/<page>.ipynb``. For every
page that is a notebook, this extension copies that file to ``_sources/<page>.ipynb`` in the
HTML output and sets the theme's ``ipynb_source`` context variable, so the download menu
lists ``.ipynb`` above ``.md``.

The handler runs before the theme builds its buttons (priority 500 < 501). It is safe for
parallel builds: each page copies only its own file.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def _offer_executed_notebook(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or doctree is None:
        return
    metadata = app.env.metadata.get(pagename, {})
    if "kernelspec" not in metadata:
        return  # not a notebook
    executed = Path(app.env.mystnb_config.output_folder) / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("html-page-context", _offer_executed_notebook, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
