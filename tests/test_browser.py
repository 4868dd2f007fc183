"""The built book in a real (headless) browser, offline.

Opens every page of the book in Debian's Chromium through Playwright with every request that
is not a local file refused, and fails on a console error, an uncaught exception, an image
that did not load or an internal link to a page or anchor that does not exist. Saves
screenshots of the introduction, the ROC chapter and the scorecard to ``_build/screenshots``.
"""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.test_book import PAGES

SCREENSHOTS = {"book/intro": "intro", "notebooks/roc": "roc", "notebooks/scorecard": "scorecard"}


def _chromium() -> str | None:
    """Path of Chromium, installing Debian's package when missing and allowed (root)."""
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=False,
            env=env,
            capture_output=True,
        )
    return shutil.which("chromium")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if tag in ("a", "img", "script", "link") and attrs.get(name):
                self.links.append(attrs[name])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.book
def test_internal_links_and_anchors_resolve(built_book):
    broken = []
    parsed = {}
    for page in sorted(built_book.rglob("*.html")):
        if "_static" in page.parts or "reports" in page.parts:
            continue
        for link in _parse(page).links:
            url = urlparse(link)
            if url.scheme or url.netloc:
                continue  # external: refused offline, not part of the book
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(built_book)} -> {link}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed.setdefault(target, _parse(target).ids)
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.relative_to(built_book)} -> {link} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


# Pages are read from file:// and every other request is refused (context.route below); these
# switches also stop Chromium's own traffic: background and component updates, DNS prefetch and
# network prediction, and any host name resolution at all.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-sync",
    "--dns-prefetch-disable",
    "--disable-features=NetworkPrediction,OptimizationHints,Translate,MediaRouter,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pings",
    "--metrics-recording-only",
    "--no-first-run",
]


def test_chromium_is_launched_with_its_own_network_traffic_off():
    for switch in (
        "--disable-background-networking",
        "--dns-prefetch-disable",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        assert switch in CHROMIUM_ARGS
    features = next(a for a in CHROMIUM_ARGS if a.startswith("--disable-features="))
    assert "NetworkPrediction" in features.split("=", 1)[1].split(",")


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip("Chromium is not installed and cannot be installed here (not root)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.book
def test_every_page_renders_offline_without_errors(built_book, browser, root):
    shots = root / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for page_name in PAGES:
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
        page = context.new_page()
        errors = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        page.goto((built_book / f"{page_name}.html").as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        broken_images = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.src)"
        )
        has_math = page.evaluate("document.querySelector('.math') !== null")
        if has_math:
            page.wait_for_function(
                "document.querySelector('mjx-container') !== null", timeout=15000
            )
        for error in errors:
            problems.append(f"{page_name}: console error: {error}")
        for image in broken_images:
            problems.append(f"{page_name}: broken image {image}")
        if page_name in SCREENSHOTS:
            page.screenshot(path=str(shots / f"{SCREENSHOTS[page_name]}.png"), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_chapter_downloads_as_an_executed_notebook(built_book, browser):
    """The page's download menu offers the chapter as an executed .ipynb; clicking it opens a
    notebook that validates and whose code cells all ran, with their outputs."""
    nbformat = pytest.importorskip("nbformat")
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto((built_book / "notebooks" / "roc.html").as_uri(), wait_until="load")
        page.click("button[aria-label='Download this page']")
        item = page.locator("a.btn-download-notebook-button")
        assert item.is_visible(), "no .ipynb entry in the download menu"
        assert item.inner_text().strip() == ".ipynb"
        with context.expect_page() as opened:
            item.click()
        shown = opened.value
        shown.wait_for_load_state()
        assert shown.url.endswith("/_sources/notebooks/roc.ipynb"), shown.url
        notebook = nbformat.reads(shown.evaluate("document.body.innerText"), as_version=4)
    finally:
        context.close()
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code), "not every code cell ran"
    kinds = {key for cell in code for output in cell.outputs for key in output.get("data", {})}
    assert "image/png" in kinds and "text/html" in kinds, kinds
    assert notebook.metadata.kernelspec.name == "python3"
