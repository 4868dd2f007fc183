"""One verdict per published number on every page: the pages read them from the verdict table.

Every verdict a page shows is a ``<span class="verdict" data-key=... data-axis=...>`` made by
``microcalc.study.verdicts.label_html`` (inline through glue, or in a table cell). The built pages are
scanned for these spans and each is compared with ``verdicts.build_verdicts``; the page sources
are checked for the old channels that typed or computed a verdict by hand.
"""

import html
import re
from pathlib import Path

import pytest

from microcalc.study import verdicts

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "book/intro",
    "notebooks/bottom_line",
    "notebooks/critical_reading",
    "notebooks/who_was_studied",
    "notebooks/roc",
    "notebooks/predictors",
    "notebooks/sample_size",
    "notebooks/scorecard",
]
SPAN = re.compile(r'<span class="verdict" data-key="([^"]+)" data-axis="([^"]+)">([^<]*)</span>')


def spans(text: str) -> list[tuple[str, str, str]]:
    return [(k, a, html.unescape(v)) for k, a, v in SPAN.findall(text)]


def test_span_parser_on_a_label():
    text = verdicts.label_html("roc.accuracy", "can_be_true", "impossible")
    assert spans(f"<p>{text}</p>") == [("roc.accuracy", "can_be_true", "impossible")]


@pytest.mark.parametrize("page", [*PAGES, "notebooks/cohort"])
def test_no_page_types_or_computes_a_verdict_by_hand(page):
    source = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    # the old channels: verdict columns computed on the page or typed into a table
    assert not re.search(r'"verdict":\s*(compare\.|verdict\(|"(?!check result")|\()', source), (
        f"{page}: a hand-made verdict column"
    )
    assert not re.search(r'"P verdict"|pr_hl_verdict', source), page


@pytest.mark.book
def test_no_page_states_a_verdict_that_differs_from_the_table(built_book, root):
    table = verdicts.build_verdicts(root / "data" / "lesions.csv", data_dir=root / "data")
    by_key = table.set_index("key")
    found = {}
    for path in sorted(built_book.rglob("*.html")):
        page = path.relative_to(built_book).with_suffix("").as_posix()
        for key, axis, label in spans(path.read_text(encoding="utf-8")):
            assert key in by_key.index, f"{page}: unknown number {key}"
            assert label == by_key.loc[key, axis], (
                f"{page} says {key} {axis} = {label!r}; the table says {by_key.loc[key, axis]!r}"
            )
            found.setdefault(page, 0)
            found[page] = found[page] + 1
    missing = [page for page in PAGES if not found.get(page)]
    assert not missing, f"pages that show no verdict from the table: {missing}"
    # the scorecard shows every number on both axes
    assert found["notebooks/scorecard"] >= 2 * len(table)
