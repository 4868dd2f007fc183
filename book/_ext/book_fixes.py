"""Local Sphinx extension: small fixes so the built book runs cleanly offline in a browser.

- sphinx-thebe registers its configuration script twice under Jupyter Book 1, which makes
  the browser report "Identifier 'THEBE_JS_URL' has already been declared"; each page's
  script list is de-duplicated here (the first occurrence is kept, order is preserved).
- MathJax is loaded on every page, not only on pages where Sphinx saw a math node, so that
  formulas inside notebook outputs (for example a table rendered from LaTeX) render too.
"""

from __future__ import annotations


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


def setup(app):
    app.set_html_assets_policy("always")
    # run after the handlers that add page scripts (MathJax among them)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
