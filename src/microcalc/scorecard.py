"""The scorecard: views of the verdict table (:mod:`microcalc.verdicts`).

Every published number with the two verdicts of :mod:`microcalc.verdicts` (``can_be_true``:
could it be right given the paper's other numbers; ``reproduced``: does this book's cohort give
it back) and their evidence. This module only selects, counts and serialises: the rules live in
:func:`microcalc.verdicts.verdict_table`.

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

import json
import math
import os
from collections.abc import Mapping

import pandas as pd

from microcalc import verdicts
from microcalc.verdicts import reproduce

__all__ = [
    "COLUMNS",
    "build_scorecard",
    "reproduce",
    "scorecard",
    "scorecard_csv_text",
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
    """The verdict table of a reproduction (see :func:`microcalc.verdicts.verdict_table`).

    Parameters
    ----------
    reproduction : mapping
        Output of :func:`reproduce`.
    **options
        Passed to :func:`microcalc.verdicts.verdict_table` (``replicates``, ``audit``,
        ``feasibility``, ``plausibility``, ``calibrated``, ``level``...).

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
    level: float = 0.95,
) -> pd.DataFrame:
    """The full scorecard from files (see :func:`microcalc.verdicts.build_verdicts`).

    Parameters
    ----------
    lesions_csv : path
        A ``lesions.csv`` of the data dictionary.
    data_dir : path, optional
        Folder with ``montecarlo.csv.gz``/``montecarlo.json`` and ``reconstructed/``; defaults
        to the folder of ``lesions_csv``.
    level : float, default 0.95
    """
    return verdicts.build_verdicts(lesions_csv, data_dir=data_dir, level=level)


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
