"""The scorecard: views of the verdict table (:mod:`microcalc.study.verdicts`).

Every published number with the two verdicts of :mod:`microcalc.study.verdicts` (``can_be_true``:
could it be right given the paper's other numbers; ``reproduced``: does this book's cohort give
it back) and their evidence. This module only selects, counts and serialises: the rules live in
:func:`microcalc.study.verdicts.verdict_table`.

- :func:`build_scorecard`: the table from files (a lesion table, the stored replicate studies,
  the committed witnesses);
- :func:`scorecard_json_text` / :func:`scorecard_csv_text`: the CLI's output, every double
  written with the shortest representation that reads back to the same double;
- :func:`verdict_counts`: counts per category of one axis.

References
----------
Bossuyt PM et al. STARD 2015. BMJ 2015;351:h5527.
"""

from __future__ import annotations

import html
import json
import math
import os
import posixpath
from collections.abc import Mapping

import pandas as pd

from microcalc.study import verdicts
from microcalc.study.verdicts import reproduce

__all__ = [
    "COLUMNS",
    "build_scorecard",
    "reproduce",
    "scorecard",
    "scorecard_csv_text",
    "scorecard_html",
    "scorecard_json_text",
    "verdict_counts",
]

#: The columns of the CLI output, in order.
COLUMNS = (
    "key",
    "description",
    "location",
    "kind",
    "published",
    "can_be_true",
    "reproduced",
    "reproduction",
    "replicate_low",
    "replicate_high",
    "replicate_percentile",
    "can_be_true_evidence",
    "reproduced_evidence",
    "proof",
    "impossible_with",
    "premise",
    "witness",
    "witness_as_strange_pct",
    "consequence",
    "chapter",
)


def scorecard(reproduction: Mapping[str, float], **options) -> pd.DataFrame:
    """The verdict table of a reproduction (see :func:`microcalc.study.verdicts.verdict_table`).

    Parameters
    ----------
    reproduction : mapping
        Output of :func:`reproduce`.
    **options
        Passed to :func:`microcalc.study.verdicts.verdict_table` (``replicates``, ``audit``,
        ``feasibility``, ``plausibility``, ``calibrated``, ``coverage``...).

    Examples
    --------
    >>> card = scorecard({"roc.accuracy": 87.3}, calibrated=False)
    >>> card.set_index("key").loc["roc.accuracy", "can_be_true"]
    'impossible'
    """
    return verdicts.verdict_table(reproduction, **options)


def build_scorecard(
    lesions_csv: str | os.PathLike,
    *,
    data_dir: str | os.PathLike | None = None,
    coverage: float = 0.95,
) -> pd.DataFrame:
    """The full scorecard from files (see :func:`microcalc.study.verdicts.build_verdicts`).

    Parameters
    ----------
    lesions_csv : path
        A ``lesions.csv`` of the data dictionary.
    data_dir : path, optional
        Folder with ``montecarlo.csv.gz``/``montecarlo.json`` and ``reconstructed/``; defaults
        to the folder of ``lesions_csv``.
    coverage : float, default 0.95
        Share of the replicate studies covered by the replicate range, the central quantile
        range behind "within study-to-study variation" (not a confidence level).
    """
    return verdicts.build_verdicts(lesions_csv, data_dir=data_dir, coverage=coverage)


def verdict_counts(card: pd.DataFrame, axis: str = "can_be_true", **options) -> pd.Series:
    """Number of published values per category of one axis (see ``verdicts.axis_counts``)."""
    return verdicts.axis_counts(card, axis, **options)


def _records(card: pd.DataFrame) -> list[dict]:
    out = []
    for row in card[list(COLUMNS)].to_dict(orient="records"):
        clean = {}
        for name, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            clean[name] = value
        out.append(clean)
    return out


def scorecard_json_text(card: pd.DataFrame) -> str:
    """JSON records, one per published number; doubles in their shortest round-trip form.

    ``json`` writes each float with ``repr``, the shortest string that reads back to the
    same double, so a P of 3e-11 stays 3e-11 (pandas' ``double_precision`` counts decimals
    and would write 0.0). Missing values are ``null``.

    Examples
    --------
    >>> card = scorecard({"table1.lesion_size_mm.p_value": 3.1e-11}, calibrated=False)
    >>> '"reproduction": 3.1e-11' in scorecard_json_text(card)
    True
    """
    return json.dumps(_records(card), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def scorecard_csv_text(card: pd.DataFrame) -> str:
    """CSV, one row per published number; doubles in their shortest round-trip form (``repr``).

    Examples
    --------
    >>> card = scorecard({"table1.lesion_size_mm.p_value": 3.1e-11}, calibrated=False)
    >>> "3.1e-11" in scorecard_csv_text(card)
    True
    """
    frame = card[list(COLUMNS)].copy()
    for name in frame.columns:
        if pd.api.types.is_float_dtype(frame[name]):
            frame[name] = frame[name].map(lambda v: "" if not math.isfinite(v) else repr(float(v)))
    return frame.to_csv(index=False, lineterminator="\n")


_FILTER_SCRIPT = """
<script>
(function () {
  var box = document.currentScript.previousElementSibling;
  var selects = box.querySelectorAll("select[data-axis]");
  var rows = box.querySelectorAll("tbody tr");
  var count = box.querySelector(".scorecard-count");
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = true;
      selects.forEach(function (s) {
        if (s.value && row.getAttribute("data-" + s.getAttribute("data-axis")) !== s.value) {
          ok = false;
        }
      });
      row.style.display = ok ? "" : "none";
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " numbers shown";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  apply();
})();
</script>
"""


def scorecard_html(card: pd.DataFrame, *, page: str = "notebooks/scorecard") -> str:
    """The scorecard as an HTML table that a reader filters by verdict, offline.

    Two drop-down lists (one per axis) hide the rows of other categories; a dozen lines of
    inline JavaScript do it, with no library and no network. Each row names its chapter with
    a link relative to ``page`` (the docname the table is shown on), and each verdict is the
    :func:`microcalc.study.verdicts.label_html` span, so tests can compare it with the table.
    Columns wrap instead of scrolling; the evidence of each verdict folds out on a click.

    Parameters
    ----------
    card : pandas.DataFrame
        :func:`build_scorecard`.
    page : str, default "notebooks/scorecard"
        Docname of the page, for the relative links.
    """
    here = posixpath.dirname(page)
    options = []
    for axis, title in (("can_be_true", "can it be true?"), ("reproduced", "reproduced here?")):
        choices = "".join(
            f'<option value="{html.escape(c)}">{html.escape(c)} '
            f"({int((card[axis] == c).sum())})</option>"
            for c in verdicts.AXES[axis]
            if (card[axis] == c).any()
        )
        options.append(
            f'<label>{title} <select data-axis="{axis}"><option value="">all</option>'
            f"{choices}</select></label>"
        )
    body = []
    for row in card.itertuples():
        link = posixpath.relpath(row.chapter, here) + ".html"
        value = "" if not math.isfinite(row.reproduction) else f"{row.reproduction:.4g}"
        band = (
            ""
            if not math.isfinite(row.replicate_low)
            else f"<br><small>replicates {row.replicate_low:.3g} to {row.replicate_high:.3g}"
            f"</small>"
        )
        body.append(
            f'<tr data-can_be_true="{html.escape(row.can_be_true)}" '
            f'data-reproduced="{html.escape(row.reproduced)}" class="can-{_slug(row.can_be_true)}">'
            f"<td><b>{html.escape(row.description)}</b><br><small>{html.escape(row.location)}"
            f' · <a href="{link}">chapter</a></small></td>'
            f"<td>{html.escape(row.published)}</td>"
            f"<td>{value}{band}</td>"
            f"<td><b>{verdicts.label_html(row.key, 'can_be_true', row.can_be_true)}</b>"
            f"<details><summary>evidence</summary>{html.escape(row.can_be_true_evidence)}"
            f"</details></td>"
            f"<td><b>{verdicts.label_html(row.key, 'reproduced', row.reproduced)}</b>"
            f"<details><summary>evidence</summary>{html.escape(row.reproduced_evidence)}"
            f"</details></td>"
            f"<td>{html.escape(row.consequence)}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "published number",
            "published",
            "this book",
            "can it be true?",
            "reproduced here?",
            "what it means",
        )
    )
    style = (
        "<style>"
        ".scorecard-box table{width:100%;table-layout:fixed;border-collapse:collapse;"
        "font-size:0.78em}"
        ".scorecard-box th,.scorecard-box td{vertical-align:top;text-align:left;padding:3px 5px;"
        "border-bottom:1px solid #ddd;overflow-wrap:break-word;word-break:normal}"
        ".scorecard-box col.c1{width:22%}.scorecard-box col.c2{width:10%}"
        ".scorecard-box col.c3{width:11%}.scorecard-box col.c4{width:16%}"
        ".scorecard-box col.c5{width:16%}.scorecard-box col.c6{width:25%}"
        ".scorecard-box details summary{cursor:pointer;color:#555;font-size:0.9em}"
        ".scorecard-box .scorecard-filter{margin:0.4em 0;font-size:0.9em}"
        ".scorecard-box .scorecard-filter label{margin-right:1.2em}"
        ".scorecard-box tr.can-impossible td{background:#fadbd8}"
        ".scorecard-box tr.can-only-with-atypical-data td{background:#fdebd0}"
        ".scorecard-box tr.can-yes td{background:#eafaf1}"
        ".scorecard-box tr.can-cannot-tell td{background:#f4f6f6}"
        "</style>"
    )
    cols = "".join(f'<col class="c{i}">' for i in range(1, 7))
    return (
        f'{style}<div class="scorecard-box"><div class="scorecard-filter">{"".join(options)}'
        f'<span class="scorecard-count"></span></div>'
        f'<table style="font-size:0.8rem;line-height:1.3"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>{_FILTER_SCRIPT}"
    )


def _slug(text: str) -> str:
    return "-".join(text.split())
