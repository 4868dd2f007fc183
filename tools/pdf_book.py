"""Print the built HTML book to one PDF with headless Chromium, offline.

``make pdf`` builds the book, then runs this script. It joins the article of every page of
``_toc.yml`` (in book order) into one HTML document, behind a title page and a table of
contents, and prints that document once with Chromium (through Playwright, with every
request that is not a local file refused), so the PDF needs no merging tool:

- each page starts on a new sheet; element ids get a per-page prefix and every link between
  pages of the book becomes a link inside the PDF;
- images, style sheets and the book's own MathJax are the built book's files; the script
  waits until MathJax has typeset every formula and fails if an image did not load;
- code that the HTML hides behind a "show code" toggle is left out; exercise solutions are
  printed open; the footer numbers the pages.

Usage: ``python tools/pdf_book.py [--html _build/html] [--out _build/book.pdf]``. Exit
status 2 with one ``error:`` line when the HTML book or Chromium is missing.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]

PRINT_CSS = """
@page { size: A4; margin: 15mm 13mm 17mm 13mm; }
html, body { background: #fff !important; }
body { font-size: 10pt; margin: 0; padding: 0; }
.pdf-chapter { break-before: page; }
.pdf-title { break-after: page; padding-top: 70mm; text-align: center; }
.pdf-title h1 { font-size: 24pt; line-height: 1.25; margin-bottom: 10mm; }
.pdf-toc { break-after: page; }
.pdf-toc li { margin: 1.5mm 0; }
.headerlink { display: none !important; }
img { max-width: 100% !important; height: auto; break-inside: avoid; }
figure, .cell_output img { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
pre { white-space: pre-wrap !important; word-break: break-word; font-size: 8pt; }
table { font-size: 7.5pt !important; max-width: 100%; }
.cell_output, .output, div.highlight, .table-wrapper { overflow: visible !important; }
.solution.dropdown > .admonition-title::after, .toggle-button { display: none !important; }
"""


@dataclass(frozen=True)
class PrintReport:
    """What was printed: the PDF, its page titles and its number of sheets."""

    pdf: Path
    titles: tuple[str, ...]
    sheets: int


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page listed in ``_toc.yml``, root first, without suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part["chapters"]]
    return pages


def find_chromium() -> str | None:
    """Path of the system's Chromium (Debian's ``chromium`` package), or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _slug(page: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-")


def _page_of(target: Path, html_dir: Path, pages: set[str]) -> str | None:
    try:
        relative = target.resolve().relative_to(html_dir.resolve())
    except ValueError:
        return None
    name = str(PurePosixPath(*relative.parts)).removesuffix(".html")
    if name == "index":
        return None
    return name if name in pages else None


def combined_document(
    html_dir: Path, pages: list[str], *, title: str, author: str
) -> tuple[str, list[str]]:
    """One HTML document holding every page's article (links and ids made unique), and the
    pages' titles."""
    html_dir = Path(html_dir)
    known = set(pages)
    head_links: dict[str, str] = {}
    scripts: list[str] = []
    chapters, titles = [], []
    for page in pages:
        path = html_dir / f"{page}.html"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: build the book first (make book)")
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in soup.find_all("link", rel="stylesheet"):
            absolute = (path.parent / urlparse(link["href"]).path).resolve()
            head_links.setdefault(absolute.name.split("?")[0], absolute.as_uri())
        if not scripts:
            for script in soup.find_all("script"):
                source = script.get("src", "")
                if "mathjax" in source.lower():
                    absolute = (path.parent / urlparse(source).path).resolve()
                    scripts.append(f'<script defer src="{absolute.as_uri()}"></script>')
                elif "MathJax" in (script.string or ""):
                    scripts.append(str(script))
        article = soup.find("article", class_="bd-article")
        if article is None:
            raise ValueError(f"{path} has no <article class='bd-article'>")
        slug = _slug(page)
        for hidden in article.select("details.hide.above-input, .headerlink"):
            hidden.decompose()
        for element in article.find_all(id=True):
            if not element["id"].startswith("T_"):  # pandas Styler ids: unique, used by CSS
                element["id"] = f"{slug}--{element['id']}"
        for element in article.find_all(["img", "source"], src=True):
            url = urlparse(element["src"])
            if not url.scheme:
                element["src"] = (path.parent / unquote(url.path)).resolve().as_uri()
        for anchor in article.find_all("a", href=True):
            url = urlparse(anchor["href"])
            if url.scheme or url.netloc:
                continue
            if not url.path:  # same page
                anchor["href"] = f"#{slug}--{url.fragment}" if url.fragment else f"#{slug}"
                continue
            target = (path.parent / unquote(url.path)).resolve()
            other = _page_of(target, html_dir, known)
            if other is not None:
                anchor["href"] = (
                    f"#{_slug(other)}--{url.fragment}" if url.fragment else f"#{_slug(other)}"
                )
            else:
                anchor["href"] = target.as_uri()
        heading = article.find("h1")
        titles.append(heading.get_text(" ", strip=True) if heading else page)
        chapters.append(
            f'<section class="pdf-chapter" id="{slug}">{article.decode_contents()}</section>'
        )
    toc = "".join(
        f'<li><a href="#{_slug(page)}">{html.escape(name)}</a></li>'
        for page, name in zip(pages, titles, strict=True)
    )
    styles = "".join(f'<link rel="stylesheet" href="{href}">' for href in head_links.values())
    return (
        '<!DOCTYPE html><html lang="en" data-theme="light" data-mode="light"><head>'
        f'<meta charset="utf-8"><title>{html.escape(title)}</title>{styles}'
        f"<style>{PRINT_CSS}</style>{''.join(scripts)}</head><body>"
        f'<section class="pdf-title"><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(author)}</p></section>"
        f'<nav class="pdf-toc"><h2>Contents</h2><ol>{toc}</ol></nav>'
        f'<main class="bd-article">{"".join(chapters)}</main>'
        "</body></html>"
    ), titles


def _count_sheets(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def make_pdf(
    html_dir: Path,
    out: Path,
    *,
    root: Path = ROOT,
    chromium: str | None = None,
    timeout_s: float = 300,
) -> PrintReport:
    """Print the built book in ``html_dir`` to ``out``; see the module docstring."""
    from playwright.sync_api import sync_playwright

    executable = chromium or find_chromium()
    if executable is None:
        raise RuntimeError("Chromium is not installed (Debian: apt-get install chromium)")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    document, titles = combined_document(
        Path(html_dir), toc_pages(root), title=config["title"], author=config.get("author", "")
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    footer = (
        '<div style="font-size:8px;width:100%;text-align:center;color:#555">'
        '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
    )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "book.html"
        source.write_text(document, encoding="utf-8")
        partial = out.with_suffix(".pdf.part")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            try:
                context = browser.new_context()
                context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
                page = context.new_page()
                page.set_default_timeout(timeout_s * 1000)
                page.goto(source.as_uri(), wait_until="load")
                page.wait_for_function(
                    "() => window.MathJax && window.MathJax.startup"
                    " && window.MathJax.startup.promise"
                )
                page.evaluate("() => window.MathJax.startup.promise")
                broken = page.evaluate(
                    "Array.from(document.images)"
                    ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
                )
                if broken:
                    raise RuntimeError(f"{len(broken)} image(s) did not load, first {broken[0]}")
                unrendered = page.evaluate(
                    "document.querySelectorAll('.math:not(:has(mjx-container))').length"
                )
                if unrendered:
                    raise RuntimeError(f"{unrendered} formula(s) were not typeset by MathJax")
                page.emulate_media(media="print")
                page.pdf(
                    path=str(partial),
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=footer,
                    margin={"top": "15mm", "bottom": "17mm", "left": "13mm", "right": "13mm"},
                    outline=True,
                    tagged=True,
                )
            finally:
                browser.close()
        os.replace(partial, out)
    return PrintReport(pdf=out, titles=tuple(titles), sheets=_count_sheets(out.read_bytes()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", default=str(ROOT / "_build" / "html"), help="built HTML book")
    parser.add_argument("--out", default=str(ROOT / "_build" / "book.pdf"), help="PDF to write")
    args = parser.parse_args(argv)
    html_dir = Path(args.html)
    if not (html_dir / "index.html").is_file():
        print(f"error: no built book in {html_dir}: run make book first", file=sys.stderr)
        return 2
    if find_chromium() is None:
        print(
            "error: Chromium is not installed (Debian: apt-get install chromium)", file=sys.stderr
        )
        return 2
    report = make_pdf(html_dir, Path(args.out))
    print(f"{report.pdf}: {report.sheets} pages, {len(report.titles)} chapters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
