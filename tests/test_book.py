"""The whole book builds from a clean state, with every notebook executed and no warning."""

import re
from pathlib import Path

import pytest
import yaml

from microcalc.study import calibration, cohort


def toc_pages(root: Path) -> list[str]:
    """Every page listed in _toc.yml (root first)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part["chapters"]]
    return pages


PAGES = toc_pages(Path(__file__).resolve().parents[1])


@pytest.mark.book
def test_every_page_is_built(built_book):
    for page in PAGES:
        assert (built_book / f"{page}.html").exists(), page


@pytest.mark.book
def test_cohort_chapter_shows_its_tables_and_figures(built_book, root):
    page = (built_book / "notebooks" / "cohort.html").read_text(encoding="utf-8")
    assert "Target versus achieved" in page
    assert page.count("<img") >= 2
    assert "byte for byte identical to" in page
    assert "Traceback" not in page
    table = calibration.calibration_table(cohort.read_cohort_csv(root / "data" / "lesions.csv"))
    grouped = table[table.section.isin(["Table 1", "Table 2"])].groupby(["section", "quantity"])
    others = table[~table.section.isin(["Table 1", "Table 2"])]
    # one mark per Table 1/2 row (both groups together) and one per other target
    ticks = len(re.findall(r">\s*✓\s*</td>", page))
    crosses = len(re.findall(r">\s*✗\s*</td>", page))
    assert ticks + crosses == grouped.ngroups + len(others)
    assert crosses == int((~others.met).sum()) + int((~grouped.met.all()).sum())


@pytest.mark.book
def test_no_unresolved_glue_or_citation(built_book):
    for page in PAGES:
        text = (built_book / f"{page}.html").read_text(encoding="utf-8")
        assert "glue:text" not in text and "{cite" not in text, page
