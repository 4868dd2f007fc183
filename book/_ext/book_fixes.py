"""Local Sphinx extension: small fixes so the built book runs cleanly offline in a browser.

- sphinx-thebe registers its configuration script twice under Jupyter Book 1, which makes
  the browser report "Identifier 'THEBE_JS_URL' has already been declared"; each page's
  script list is de-duplicated here (the first occurrence is kept, order is preserved).
- MathJax 3 is served from the book itself (``_static/mathjax``), copied from the files that
  the ``sphinx-mathjax-offline`` package ships, so formulas render with no network; this
  replaces that package's own extension, which does not declare itself safe for parallel
  builds.
- MathJax is loaded on every page, not only on pages where Sphinx saw a math node, so that
  formulas inside notebook outputs (for example a table rendered from LaTeX) render too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sphinx.util.fileutil import copy_asset


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""  # None and "" both mean inline
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: the builder keeps adding page scripts to this list


def _mathjax_source() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the sphinx-mathjax-offline package (MathJax files) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        copy_asset(str(_mathjax_source()), str(Path(app.outdir) / "_static" / "mathjax"))


def _declare_multitoc_parallel_safe(app, config):
    # sphinx_external_toc always loads sphinx_multitoc_numbering, which does not say whether
    # it is safe for parallel reading, so Sphinx would fall back to a serial build. It only
    # renumbers sections after reading, and the book numbers none (use_multitoc_numbering:
    # false). A serial and a parallel build were diffed on 2026-11-24: the pages differ only in
    # pandas Styler's random table ids and in seaborn's random strip-plot jitter.
    extension = app.extensions.get("sphinx_multitoc_numbering")
    if extension is not None:
        extension.parallel_read_safe = True
        extension.parallel_write_safe = True


def setup(app):
    app.connect("config-inited", _declare_multitoc_parallel_safe)
    _mathjax_source()  # fail early, with a clear message, if the files are missing
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", _copy_mathjax)
    app.set_html_assets_policy("always")
    # run after the handlers that add page scripts (MathJax among them)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
