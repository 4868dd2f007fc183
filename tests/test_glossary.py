"""The glossary is complete and used: every candidate term has an entry, every entry is
linked from a chapter with ``{term}``, and every ``{term}`` link names an entry.

Fast source-level checks (no book build); the strict build (``-n``) also fails on a
``{term}`` that names no entry.
"""

import re
from pathlib import Path

import pytest

from tests.test_book import PAGES

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"

#: Terms a reader meets in several chapters (or that the issue asked for by name). Each must
#: have a glossary entry; matched case-insensitively against the entry's term.
CANDIDATES = [
    "McNemar's test",
    "Nested models",
    "Partial AUC",
    "SPRITE",
    "Verification bias",
    "Witness",
    ".632+ bootstrap",
    "Accuracy",
    "Apparent performance",
    "AUC",
    "BI-RADS",
    "Bland-Altman analysis",
    "Bootstrap",
    "Breast density",
    "Calibration",
    "Case-control design",
    "Clopper-Pearson interval",
    "Cohen's kappa",
    "Consensus reading",
    "Cross-validation",
    "Cutoff",
    "DCIS",
    "Decision curve",
    "DeLong test",
    "Differential verification",
    "Elasticity score",
    "Emax",
    "Emean",
    "Firth regression",
    "GRIM test",
    "Hanley-McNeil variance",
    "Hosmer-Lemeshow test",
    "ICC",
    "Likelihood ratio",
    "Logistic regression",
    "Mann-Whitney test",
    "Monte Carlo simulation",
    "Net benefit",
    "NPV",
    "Odds ratio",
    "Optimism",
    "P-value",
    "Power",
    "PPV",
    "Prevalence",
    "Reference standard",
    "Replicate study",
    "ROC curve",
    "ROI",
    "Sensitivity",
    "Separation",
    "Shear-wave elastography",
    "Spearman correlation",
    "Specificity",
    "Spectrum bias",
    "Standard error",
    "STARD",
    "Strain elastography",
    "Strain ratio",
    "Wald test",
    "Wilson interval",
    "Youden index",
]
# When the entries for McNemar's test, partial AUC, verification bias and nested models land
# (issue 13, part 1), add them here.

TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


def glossary_entries(text: str) -> list[list[str]]:
    """The entries of every ``{glossary}`` block: each a list of its term lines (synonyms)."""
    entries, inside, current = [], False, None
    for line in text.splitlines():
        if line.startswith("```{glossary}"):
            inside, current = True, None
            continue
        if inside and line.startswith("```"):
            inside = False
            continue
        if not inside:
            continue
        if line.strip() and not line[0].isspace():
            if current is None:
                current = []
                entries.append(current)
            current.append(line.strip())
        else:
            current = None
    return entries


def term_targets(text: str) -> list[str]:
    """Targets of the ``{term}`` roles in a page: ``text <target>`` or ``target``."""
    targets = []
    for body in TERM_ROLE.findall(text):
        explicit = re.fullmatch(r"(?s).*<([^<>]+)>\s*", body)
        targets.append((explicit.group(1) if explicit else body).strip())
    return targets


def _key(term: str) -> str:
    return " ".join(term.lower().split())


@pytest.fixture(scope="module")
def entries() -> list[list[str]]:
    return glossary_entries(GLOSSARY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def links() -> dict[str, set[str]]:
    """Page -> the glossary targets it links, for every page of the book but the glossary."""
    found = {}
    for page in PAGES:
        if page == "book/glossary":
            continue
        path = ROOT / f"{page}.md"
        found[page] = {_key(t) for t in term_targets(path.read_text(encoding="utf-8"))}
    return found


def test_parsers_on_a_small_example():
    text = "```{glossary}\nA term\nSynonym\n  Its text.\n\nB\n  More.\n```\n"
    assert glossary_entries(text) == [["A term", "Synonym"], ["B"]]
    assert term_targets("{term}`x` and {term}`the y <Y term>`.") == ["x", "Y term"]


def test_every_candidate_has_an_entry(entries):
    defined = {_key(term) for entry in entries for term in entry}
    missing = [term for term in CANDIDATES if _key(term) not in defined]
    assert not missing, f"glossary entries missing for: {missing}"


def test_entries_are_unique(entries):
    keys = [_key(term) for entry in entries for term in entry]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_every_entry_is_linked_from_a_chapter(entries, links):
    used = set().union(*links.values())
    unlinked = [entry[0] for entry in entries if not any(_key(t) in used for t in entry)]
    assert not unlinked, f"glossary entries no chapter links with {{term}}: {unlinked}"


def test_every_term_link_names_an_entry(entries, links):
    defined = {_key(term) for entry in entries for term in entry}
    dangling = sorted(
        f"{page}: {target}" for page, used in links.items() for target in used - defined
    )
    assert not dangling, dangling
