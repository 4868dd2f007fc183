"""``make pdf``: the built book printed to one PDF by headless Chromium, offline.

Skipped, with the reason, where Chromium is not installed.
"""

import re

import pytest

from tests.test_book import PAGES
from tools import pdf_book


@pytest.fixture(scope="module")
def printed(built_book, tmp_path_factory, root):
    if pdf_book.find_chromium() is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); no PDF test")
    pytest.importorskip("playwright.sync_api")
    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    return pdf_book.make_pdf(built_book, out, root=root)


@pytest.mark.book
def test_pdf_is_one_complete_document(printed):
    data = printed.pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(printed.titles) == len(PAGES)
    # a title page, the contents, and at least a sheet per page of the book
    assert printed.sheets >= len(PAGES) + 2
    # the outline (bookmarks) holds the chapter titles
    assert b"/Outlines" in data


@pytest.mark.book
def test_combined_document_links_stay_inside(built_book, root):
    document, titles = pdf_book.combined_document(built_book, PAGES, title="t", author="a")
    assert "Glossary" in titles and titles[0]
    links = re.findall(r'href="([^"]+)"', document)
    # every link to a page of the book points inside the document, to an id that exists
    internal = [link[1:] for link in links if link.startswith("#")]
    ids = set(re.findall(r'id="([^"]+)"', document))
    assert internal and not [target for target in internal if target not in ids][:5]
    assert not [link for link in links if link.endswith(".html") or ".html#" in link]
