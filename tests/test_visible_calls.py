"""Code that computes is visible (issue 13, part 2).

Every number in a chapter's tables, figures and prose should trace to a ``microcalc`` call that
the reader can see. Formatting, styling, glue and plotting may be hidden; a statistic may not.
This test reads the MyST source of each chapter in :data:`CHECKED_CHAPTERS` and fails when a
code cell tagged to hide or remove its code calls one of the statistics modules.

To bring another chapter under the rule, add its path to :data:`CHECKED_CHAPTERS`.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Chapters whose hidden cells must not compute statistics; extend as chapters are converted.
CHECKED_CHAPTERS = (
    "notebooks/cohort.md",
    "notebooks/decisions.md",
    "notebooks/optimism.md",
    "notebooks/sample_size.md",
    "notebooks/what_readers_saw.md",
    "notebooks/who_was_studied.md",
    "notebooks/critical_reading.md",
    "notebooks/scorecard.md",
    "notebooks/feasibility.md",
    "notebooks/roc.md",
    "notebooks/predictors.md",
    "notebooks/replication.md",
    "notebooks/bottom_line.md",
    "notebooks/agreement.md",
)

#: Cell tags that hide or remove a cell's code from the rendered page.
HIDING_TAGS = frozenset({"remove-cell", "remove-input", "hide-input", "hide-cell"})

#: A call of a statistics module's function, e.g. ``decision.net_benefit(``. The study
#: modules count too (``audit.audit_paper(``, ``scorecard.build_scorecard(``). Loading the data
#: (``cohort.read_cohort_csv``, ``cohort.default_config``), formatting (``format_*``, such as
#: ``compare.format_p_value``) and rendering helpers (``*_html(``, an HTML view of a table
#: already computed; ``verdicts.glue_values(``, glue of verdicts already in a visible table)
#: are not statistics and may stay hidden.
STATISTIC_CALL = re.compile(
    r"\b(decision|optimism|phantom|accuracy|roc|logistic|compare|agreement|samplesize"
    r"|calibration|cohort|audit|montecarlo|reconstruct|verdicts|scorecard|proofs|readers)"
    r"\.(?!read_cohort_csv\(|default_config\(|format_|[a-z_]*_html\(|glue_values\()[a-z_]+\("
)

_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
_TAGS_LINE = re.compile(r"^:tags:\s*\[(.*?)\]\s*$", re.M)
_TAGS_YAML = re.compile(r"^tags:\s*\[(.*?)\]\s*$", re.M)


def code_cells(text: str) -> list[tuple[int, frozenset[str], str]]:
    """(line number, tags, source) of each ``{code-cell}`` block of a MyST notebook.

    Both option styles of MyST are read: ``:tags: [a, b]`` lines and a ``---``-fenced YAML
    header with ``tags: [a, b]``.
    """
    cells = []
    for match in _CELL.finditer(text):
        body = match.group(1)
        options, source = "", body
        if body.startswith("---\n"):
            end = body.index("\n---\n", 4)
            options, source = body[4:end], body[end + 5 :]
            tags = _TAGS_YAML.search(options)
        else:
            lines = body.split("\n")
            head = 0
            while head < len(lines) and lines[head].startswith(":"):
                head += 1
            options, source = "\n".join(lines[:head]), "\n".join(lines[head:])
            tags = _TAGS_LINE.search(options)
        names = frozenset(
            t.strip().strip("'\"") for t in (tags.group(1).split(",") if tags else []) if t.strip()
        )
        line = text.count("\n", 0, match.start()) + 1
        cells.append((line, names, source))
    return cells


def hidden_statistic_calls(text: str) -> list[str]:
    """``"line N: call"`` for every statistics call in a hidden or removed code cell."""
    found = []
    for line, tags, source in code_cells(text):
        if tags & HIDING_TAGS:
            for call in STATISTIC_CALL.finditer(source):
                found.append(f"line {line} ({', '.join(sorted(tags))}): {call.group(0)}")
    return found


@pytest.mark.parametrize("chapter", CHECKED_CHAPTERS)
def test_no_statistic_is_computed_in_a_hidden_cell(chapter):
    text = (ROOT / chapter).read_text(encoding="utf-8")
    found = hidden_statistic_calls(text)
    assert not found, (
        f"{chapter}: statistics computed in hidden cells (move the call to a visible cell and "
        "keep only formatting, glue and plotting hidden):\n  " + "\n  ".join(found)
    )


@pytest.mark.parametrize("chapter", CHECKED_CHAPTERS)
def test_the_chapter_shows_its_statistics(chapter):
    """The rule is not met by hiding nothing and computing nothing: calls are on the page."""
    text = (ROOT / chapter).read_text(encoding="utf-8")
    visible = [
        call.group(0)
        for _, tags, source in code_cells(text)
        if not tags & HIDING_TAGS
        for call in STATISTIC_CALL.finditer(source)
    ]
    assert visible, f"{chapter}: no visible cell calls a statistics module"


def test_the_parser_sees_both_tag_styles_and_visible_cells():
    text = (
        "# A chapter\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\nimport numpy as np\n"
        "r = roc.auc(y, x)\n```\n\n"
        "Some prose with `roc.auc(y, x)` in it.\n\n"
        "```{code-cell} ipython3\n---\ntags: [hide-input, full-width]\n---\n"
        "fig = plot(decision.net_benefit(0.9, 0.8, prevalence=0.1, threshold=0.02))\n```\n\n"
        "```{code-cell} ipython3\nresult = optimism.validate_cutoff(lesions)\n```\n\n"
        "```{code-cell} ipython3\n:tags: [hide-output]\nphantom.lesion_phantom(row, seed=1)\n```\n"
    )
    cells = code_cells(text)
    assert [tags for _, tags, _ in cells] == [
        {"remove-cell"},
        {"hide-input", "full-width"},
        frozenset(),
        {"hide-output"},
    ]
    found = hidden_statistic_calls(text)
    assert [f.split(": ", 1)[1] for f in found] == ["roc.auc(", "decision.net_benefit("]
    assert found[0].startswith("line 3 ")


def test_constants_and_attributes_are_not_calls():
    assert not STATISTIC_CALL.search("variables.BIRADS3_MALIGNANCY_CEILING")
    assert not STATISTIC_CALL.search("phantom.PIXEL_MM * 2")
    assert not STATISTIC_CALL.search("inspect.signature(optimism.validate_cutoff)")
    assert not STATISTIC_CALL.search("at_62.at_prevalence([0.1])")
    assert STATISTIC_CALL.search("x = samplesize.hanley_mcneil(0.8)")
    assert STATISTIC_CALL.search("card = scorecard.build_scorecard(path)")
    assert STATISTIC_CALL.search("table = audit.audit_paper()")
    assert not STATISTIC_CALL.search("audit.VERDICTS")


def test_rendering_helpers_are_not_statistics():
    assert not STATISTIC_CALL.search("HTML(scorecard.scorecard_html(card))")
    assert not STATISTIC_CALL.search('verdicts.label_html(key, "can_be_true", label)')
    assert not STATISTIC_CALL.search("verdicts.glue_values(card, keys)")
    assert STATISTIC_CALL.search("verdicts.verdict_table(reproduction)")


def test_loading_and_formatting_are_not_statistics():
    assert not STATISTIC_CALL.search("lesions = cohort.read_cohort_csv(paths.lesions_path())")
    assert not STATISTIC_CALL.search("config = cohort.default_config()")
    assert not STATISTIC_CALL.search('"P, ours": compare.format_p_value(r.p_value)')
    assert not STATISTIC_CALL.search('paper.value("roc.auc.elasticity")')
    assert STATISTIC_CALL.search("cohort.simulate_cohort(config, seed=7)")
    assert STATISTIC_CALL.search("table = calibration.calibration_table(lesions)")
    assert STATISTIC_CALL.search("audit.ttest_readings(summary)")
