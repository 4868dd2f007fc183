"""Every chapter opens with learning objectives and closes with a recap (QuantEcon style)."""

import re
from pathlib import Path

import pytest

from tests.test_book import PAGES

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [page for page in PAGES if page.startswith("notebooks/")] + ["book/study"]


@pytest.mark.parametrize("page", CHAPTERS)
def test_objectives_follow_the_title(page):
    text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    match = re.search(r"^# .+\n\n```\{admonition\} Learning objectives\n", text, re.M)
    assert match, f"{page}: no 'Learning objectives' admonition right after the title"
    block = text[match.end() : text.index("\n```\n", match.end())]
    assert len(re.findall(r"^- ", block, re.M)) >= 3, f"{page}: fewer than three objectives"


@pytest.mark.parametrize("page", CHAPTERS)
def test_recap_closes_the_chapter(page):
    text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert "Recap" in headings, f"{page}: no '## Recap' section"
    after = headings[headings.index("Recap") + 1 :]
    assert all(h.startswith("Exercise") for h in after), f"{page}: recap not last but exercises"
