"""The whole book builds from a clean state, with every notebook executed and no warning."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PAGES = [
    "book/intro",
    "book/study",
    "notebooks/cohort",
    "book/rerun",
    "book/status",
    "book/references",
]


@pytest.fixture(scope="module")
def built_book(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book),
        "build",
        str(root),
        "--path-output",
        str(out),
        "--all",
        "--warningiserror",
        "--nitpick",
        "--keep-going",
    ]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)
    html = out / "_build" / "html"
    if result.returncode != 0:
        reports = (
            "\n".join(p.read_text() for p in (html / "reports").glob("**/*.log"))
            if (html / "reports").exists()
            else ""
        )
        pytest.fail(
            f"book build failed\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}\n{reports}"
        )
    yield html
    shutil.rmtree(out, ignore_errors=True)


@pytest.mark.book
def test_every_page_is_built(built_book):
    for page in PAGES:
        assert (built_book / f"{page}.html").exists(), page


@pytest.mark.book
def test_cohort_chapter_shows_its_tables_and_figures(built_book):
    page = (built_book / "notebooks" / "cohort.html").read_text(encoding="utf-8")
    assert "Target versus achieved" in page
    assert page.count("<img") >= 2
    assert "byte for byte identical to" in page
    assert "Traceback" not in page
    assert page.count("✓") > 40


@pytest.mark.book
def test_no_unresolved_glue_or_citation(built_book):
    for page in PAGES:
        text = (built_book / f"{page}.html").read_text(encoding="utf-8")
        assert "glue:text" not in text and "{cite" not in text, page
