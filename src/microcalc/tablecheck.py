"""Read a user's lesion table (CSV) and check it strictly against the data dictionary.

:func:`read_lesion_table` is the front door of ``python -m microcalc analyze``: it refuses
anything that is not a comma-separated UTF-8 table of the data dictionary (``data/README.md``)
with **one** line that names the column, the row and the bad value, so that a user knows
exactly which cell to fix. It never guesses silently.

Decisions, documented here because a user meets them:

* Encoding: UTF-8; a byte-order mark (as Excel writes) is stripped and accepted.
* Separator: comma only. A semicolon- or tab-separated file (as European spreadsheets write,
  usually with comma decimals) is rejected with a message that says "semicolon" or "tab",
  rather than re-parsed with guessed settings; comma decimals (``43,77``) are rejected too.
* Missing values: an empty cell, or ``NA``, ``N/A``, ``NaN``, ``null``, ``None`` (any case).
  They are refused in the required columns and allowed in optional ones; the analyses then use
  the complete cases of the columns they need.
* Rows are numbered as data rows from 1 (row 1 is the first line under the header; in a
  spreadsheet it is row 2), and the participant_id is shown where there is one.
* Columns outside the data dictionary are kept but not checked or analysed.
* Size: files larger than ``max_bytes`` are refused before they are read; tables with more
  than ``max_rows`` rows are refused after reading at most ``max_rows + 1`` rows.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "MISSING_MARKERS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "CheckedTable",
    "ColumnRule",
    "TableError",
    "check_lesion_table",
    "read_lesion_table",
]

#: Largest input file accepted by default (bytes).
DEFAULT_MAX_BYTES = 50_000_000
#: Largest number of data rows accepted by default.
DEFAULT_MAX_ROWS = 100_000
#: Cell texts that mean "missing" (compared case-insensitively after stripping spaces).
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none"})

_MALIGNANT_HISTOLOGY = frozenset({"dcis", "invasive_carcinoma"})
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_INFINITY = re.compile(r"^[+-]?(inf|infinity)$", re.IGNORECASE)


class TableError(ValueError):
    """A lesion table that does not follow the data dictionary (one-line message)."""


@dataclass(frozen=True)
class ColumnRule:
    """How one data-dictionary column is checked.

    Attributes
    ----------
    kind : {"id", "binary", "number", "integer", "category", "boolean"}
    required : bool
        Whether the column must be present and complete.
    levels : tuple, optional
        Allowed values of a category or integer column.
    low, high : float, optional
        Allowed range (inclusive unless ``low_open``).
    low_open : bool
        Whether ``low`` itself is refused (``> low`` rather than ``>= low``).
    """

    kind: str
    required: bool = False
    levels: tuple = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False


_KPA = ColumnRule("number", low=0.0, low_open=True)
_RATIO = ColumnRule("number", low=0.0, low_open=True)
_SCORE = ColumnRule("integer", levels=(1, 2, 3, 4, 5))

#: Every checked column of the data dictionary, in dictionary order.
RULES: dict[str, ColumnRule] = {
    "participant_id": ColumnRule("id", required=True),
    "malignant": ColumnRule("binary", required=True),
    "histology": ColumnRule(
        "category",
        levels=(
            "dcis",
            "invasive_carcinoma",
            "fibroadenoma",
            "fibrocystic_change",
            "benign_calcification",
        ),
    ),
    "reference_standard": ColumnRule("category", levels=("histology", "follow_up")),
    "age_years": ColumnRule("number", low=0.0, high=120.0, low_open=True),
    "lesion_size_mm": ColumnRule("number", low=0.0, low_open=True),
    "breast_density": ColumnRule("category", levels=("A", "B", "C", "D")),
    "birads": ColumnRule("integer", levels=(3, 4, 5)),
    "calcification_pattern": ColumnRule(
        "category", levels=("clustered", "scattered", "sparse_punctate")
    ),
    "elasticity_kpa": ColumnRule("number", required=True, low=0.0, low_open=True),
    "elasticity_max_kpa": _KPA,
    "strain_ratio": _RATIO,
    "elasticity_score": _SCORE,
    "reader1_elasticity_kpa": _KPA,
    "reader2_elasticity_kpa": _KPA,
    "reader1_strain_ratio": _RATIO,
    "reader2_strain_ratio": _RATIO,
    "reader1_score": _SCORE,
    "reader2_score": _SCORE,
    "consensus": ColumnRule("boolean"),
    "reader3_elasticity_kpa": _KPA,
    "reader3_strain_ratio": _RATIO,
    "atypical_elasticity": ColumnRule("boolean"),
}

#: Columns without which nothing can be analysed.
REQUIRED_COLUMNS = tuple(name for name, rule in RULES.items() if rule.required)
#: Data-dictionary columns that may be absent (they switch analyses off).
OPTIONAL_COLUMNS = tuple(name for name, rule in RULES.items() if not rule.required)

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


@dataclass(frozen=True)
class CheckedTable:
    """A lesion table that passed every check.

    Attributes
    ----------
    table : pandas.DataFrame
        Typed columns: numbers as float (NaN where missing), integers as nullable ``Int64``,
        booleans as nullable ``boolean``, ``malignant`` as int, text as object. Indexed 0..n-1.
    source : str
        Where it came from (the path, or ``"<table>"``).
    n_rows : int
    present : tuple of str
        Data-dictionary columns found, in dictionary order.
    absent : tuple of str
        Optional data-dictionary columns not found.
    extra : tuple of str
        Columns outside the data dictionary (kept, not checked, not analysed).
    missing_counts : dict
        Column -> number of missing cells, for the checked columns that have any.
    sha256 : str or None
        Checksum of the file's bytes (None for a table given in memory).
    """

    table: pd.DataFrame
    source: str
    n_rows: int
    present: tuple[str, ...]
    absent: tuple[str, ...]
    extra: tuple[str, ...]
    missing_counts: dict
    sha256: str | None = None


def _fail(message: str) -> TableError:
    return TableError(" ".join(str(message).split()))


def _show(value: str, limit: int = 40) -> str:
    text = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(text)


def _read_text(path: Path, max_bytes: int) -> tuple[str, str]:
    """Return the file's text, refusing what is not a readable, small, UTF-8 text file."""
    if not path.exists():
        raise _fail(f"input file {str(path)!r} does not exist")
    if path.is_dir():
        raise _fail(f"input {str(path)!r} is a directory, not a CSV file")
    size = path.stat().st_size
    if size == 0:
        raise _fail(f"input file {str(path)!r} is empty (0 bytes)")
    if size > max_bytes:
        raise _fail(
            f"input file {str(path)!r} is {size} bytes, more than the limit of {max_bytes} bytes "
            "(raise it with --max-bytes)"
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _fail(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise _fail(
            f"input file {str(path)!r} is not a CSV text file (it holds a NUL byte at offset "
            f"{offset}; is it a spreadsheet or binary file?)"
        )
    try:
        text = raw.decode("utf-8-sig")  # strips a byte-order mark
    except UnicodeDecodeError as error:
        raise _fail(
            f"input file {str(path)!r} is not UTF-8 text (byte 0x{raw[error.start]:02x} at "
            f"offset {error.start}); save it as CSV UTF-8"
        ) from None
    if not text.strip():
        raise _fail(f"input file {str(path)!r} holds only blank space, no header")
    return text, hashlib.sha256(raw).hexdigest()


def _header(text: str, source: str) -> list[str]:
    first = text.lstrip("\r\n").splitlines()[0]
    if "," not in first:
        for separator, name in ((";", "semicolon"), ("\t", "tab")):
            if separator in first:
                raise _fail(
                    f"{source} is {name}-separated; save it as a comma-separated CSV "
                    "with '.' as the decimal point"
                )
    try:
        names = next(csv.reader([first]))
    except csv.Error as error:
        raise _fail(f"{source} has an unreadable header line: {error}") from None
    names = [name.strip() for name in names]
    for i, name in enumerate(names):
        if not name:
            raise _fail(f"{source}: header column {i + 1} has no name")
        if not name.isprintable():
            raise _fail(f"{source} is not a CSV table: header column {i + 1} holds {_show(name)}")
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise _fail(
                f"{source}: column name {name!r} appears twice (header columns "
                f"{seen[name] + 1} and {i + 1})"
            )
        seen[name] = i
    return names


def _parse(text: str, names: list[str], source: str, max_rows: int) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=True,
            nrows=max_rows + 1,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise _fail(f"{source} has no header and no rows") from None
    except (pd.errors.ParserError, ValueError) as error:
        message = str(error).strip().splitlines()[-1]
        fields = _RAGGED.search(message)
        if fields:
            expected, line, found = (int(g) for g in fields.groups())
            raise _fail(
                f"{source} is not a well-formed CSV table: line {line} of the file (row "
                f"{line - 1}) has {found} fields but the header has {expected}; is there an "
                "unquoted comma in a cell, such as a comma decimal (12,5)?"
            ) from None
        raise _fail(f"{source} is not a well-formed CSV table: {message}") from None
    if len(frame) > max_rows:
        raise _fail(
            f"{source} has more than {max_rows} data rows, the limit (raise it with --max-rows)"
        )
    if len(frame) == 0:
        raise _fail(f"{source} has a header but no data rows")
    if len(frame.columns) != len(names):
        raise _fail(f"{source} is not a well-formed CSV table: its header cannot be read")
    frame.columns = names
    return frame.fillna("")


def _where(row: int, ids: list[str] | None) -> str:
    """Row ``row`` (0-based) described for a user."""
    text = f"row {row + 1} (line {row + 2} of the file"
    if ids is not None and ids[row]:
        text += f", participant_id {ids[row]!r}"
    return text + ")"


def _missing(cells: pd.Series) -> np.ndarray:
    return cells.str.strip().str.lower().isin(MISSING_MARKERS).to_numpy()


def _number(cell: str, column: str, row: int, ids) -> float:
    text = cell.strip()
    if _NUMBER.match(text):
        value = float(text)
        if math.isfinite(value):
            return value
        raise _fail(f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not a finite number")
    if _INFINITY.match(text):
        raise _fail(f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not a finite number")
    if _COMMA_DECIMAL.match(text):
        raise _fail(
            f"column {column!r}, {_where(row, ids)}: {_show(cell)} uses a comma as the decimal "
            "separator; write it with a point"
        )
    raise _fail(f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not a number")


def _check_column(
    column: str, rule: ColumnRule, cells: pd.Series, ids: list[str] | None
) -> pd.Series:
    missing = _missing(cells)
    if rule.required and missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise _fail(
            f"column {column!r}, {_where(row, ids)}: missing value {_show(cells.iloc[row])} "
            f"in a required column ({int(missing.sum())} missing in all)"
        )
    values: list = []
    for row, cell in enumerate(cells):
        if missing[row]:
            values.append(None)
            continue
        text = cell.strip()
        if rule.kind == "id":
            values.append(text)
        elif rule.kind == "category":
            if text not in rule.levels:
                allowed = ", ".join(rule.levels)
                raise _fail(
                    f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not one of {allowed}"
                )
            values.append(text)
        elif rule.kind == "boolean":
            lowered = text.lower()
            if lowered not in _TRUE | _FALSE:
                raise _fail(
                    f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not true or false"
                )
            values.append(lowered in _TRUE)
        else:
            value = _number(cell, column, row, ids)
            if rule.kind == "binary":
                if value not in (0.0, 1.0):
                    raise _fail(
                        f"column {column!r}, {_where(row, ids)}: {_show(cell)} must be 0 "
                        "(benign) or 1 (malignant)"
                    )
                value = int(value)
            elif rule.kind == "integer":
                if value != round(value):
                    raise _fail(
                        f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not a whole "
                        "number"
                    )
                value = int(value)
                if value not in rule.levels:
                    allowed = ", ".join(map(str, rule.levels))
                    raise _fail(
                        f"column {column!r}, {_where(row, ids)}: {_show(cell)} is outside "
                        f"the allowed values {allowed}"
                    )
            else:
                too_low = rule.low is not None and (
                    value <= rule.low if rule.low_open else value < rule.low
                )
                too_high = rule.high is not None and value > rule.high
                if too_low or too_high:
                    bound = []
                    if rule.low is not None:
                        bound.append(f"{'>' if rule.low_open else '>='} {rule.low:g}")
                    if rule.high is not None:
                        bound.append(f"<= {rule.high:g}")
                    raise _fail(
                        f"column {column!r}, {_where(row, ids)}: {_show(cell)} is out of range "
                        f"(must be {' and '.join(bound)})"
                    )
            values.append(value)
    if rule.kind in ("id", "category"):
        return pd.Series(values, dtype=object, name=column)
    if rule.kind == "boolean":
        return pd.Series(values, dtype="boolean", name=column)
    if rule.kind == "binary":
        return pd.Series(values, dtype="int64", name=column)
    if rule.kind == "integer":
        return pd.Series(values, dtype="Int64", name=column)
    return pd.Series([np.nan if v is None else v for v in values], dtype="float64", name=column)


def check_lesion_table(
    frame: pd.DataFrame, *, source: str = "<table>", min_per_class: int = 2
) -> CheckedTable:
    """Check a table of text cells against the data dictionary and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant; cells as text (as read with ``dtype=str``) or numbers.
    source : str, default "<table>"
        Name used in error messages.
    min_per_class : int, default 2
        Fewest malignant and fewest benign lesions accepted.

    Returns
    -------
    CheckedTable

    Raises
    ------
    TableError
        A ``ValueError`` with one line naming the column, the row and the value.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"participant_id": ["P1", "P2", "P3", "P4"],
    ...                   "malignant": ["0", "0", "1", "1"],
    ...                   "elasticity_kpa": ["40.1", "52.0", "81.5", "95"]})
    >>> check_lesion_table(t).table["elasticity_kpa"].tolist()
    [40.1, 52.0, 81.5, 95.0]
    >>> t.loc[2, "elasticity_kpa"] = "-3"
    >>> check_lesion_table(t)
    Traceback (most recent call last):
    ...
    microcalc.tablecheck.TableError: column 'elasticity_kpa', row 3 (line 4 of the file, participant_id 'P3'): '-3' is out of range (must be > 0)
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise _fail(f"{source}: column name {twice!r} appears twice")
    absent_required = [c for c in REQUIRED_COLUMNS if c not in names]
    if absent_required:
        raise _fail(
            f"{source} has no column {', '.join(map(repr, absent_required))} (required: "
            f"{', '.join(REQUIRED_COLUMNS)}); its columns are: {', '.join(names)}"
        )
    if len(frame) == 0:
        raise _fail(f"{source} has a header but no data rows")
    frame = frame.reset_index(drop=True)
    cells = frame.astype(str).where(frame.notna(), "")
    cells.columns = names
    ids_series = _check_column(
        "participant_id", RULES["participant_id"], cells["participant_id"], None
    )
    ids = ids_series.tolist()
    first_seen: dict[str, int] = {}
    for row, pid in enumerate(ids):
        if pid in first_seen:
            raise _fail(
                f"column 'participant_id': {pid!r} appears twice, in rows {first_seen[pid] + 1} "
                f"and {row + 1} (lines {first_seen[pid] + 2} and {row + 2} of the file)"
            )
        first_seen[pid] = row
    typed = {"participant_id": ids_series}
    for column, rule in RULES.items():
        if column in names and column != "participant_id":
            typed[column] = _check_column(column, rule, cells[column], ids)
    table = pd.DataFrame(typed)
    _check_relations(table, ids)
    counts = table["malignant"].value_counts()
    n_malignant, n_benign = int(counts.get(1, 0)), int(counts.get(0, 0))
    if n_malignant == 0 or n_benign == 0:
        only = "1 (malignant)" if n_benign == 0 else "0 (benign)"
        raise _fail(
            f"column 'malignant' holds only {only} in all {len(table)} rows; both classes "
            "are needed"
        )
    if min(n_malignant, n_benign) < min_per_class:
        raise _fail(
            f"column 'malignant': too few lesions ({n_malignant} malignant, {n_benign} benign); "
            f"at least {min_per_class} of each are needed"
        )
    extra = tuple(n for n in names if n not in RULES)
    for column in extra:
        table[column] = cells[column].to_numpy()
    present = tuple(c for c in RULES if c in names)
    missing_counts = {c: int(table[c].isna().sum()) for c in present if int(table[c].isna().sum())}
    return CheckedTable(
        table=table,
        source=source,
        n_rows=len(table),
        present=present,
        absent=tuple(c for c in OPTIONAL_COLUMNS if c not in names),
        extra=extra,
        missing_counts=missing_counts,
    )


def _check_relations(table: pd.DataFrame, ids: list[str]) -> None:
    """Cross-column rules of the data dictionary (histology and reference standard)."""
    malignant = table["malignant"].to_numpy()
    if "histology" in table:
        for row, histology in enumerate(table["histology"]):
            if histology is None:
                continue
            expected = 1 if histology in _MALIGNANT_HISTOLOGY else 0
            if malignant[row] != expected:
                raise _fail(
                    f"column 'histology', {_where(row, ids)}: {histology!r} is "
                    f"{'malignant' if expected else 'benign'} but 'malignant' is {malignant[row]}"
                )
    if "reference_standard" in table:
        for row, standard in enumerate(table["reference_standard"]):
            if standard == "follow_up" and malignant[row] == 1:
                raise _fail(
                    f"column 'reference_standard', {_where(row, ids)}: 'follow_up' is only "
                    "possible for benign lesions, but 'malignant' is 1"
                )


def read_lesion_table(
    path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    min_per_class: int = 2,
) -> CheckedTable:
    """Read a lesion CSV and check it strictly against the data dictionary.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file: comma-separated, UTF-8 (with or without a byte-order mark), one header
        line, one row per participant.
    max_bytes : int, default :data:`DEFAULT_MAX_BYTES`
        Larger files are refused before they are read.
    max_rows : int, default :data:`DEFAULT_MAX_ROWS`
        Tables with more data rows are refused (at most ``max_rows + 1`` rows are parsed).
    min_per_class : int, default 2
        Fewest malignant and fewest benign lesions accepted.

    Returns
    -------
    CheckedTable

    Raises
    ------
    TableError
        A ``ValueError`` whose one-line message names the file, the column, the row
        (data row from 1, and the file's line) and the bad value.

    Notes
    -----
    Cells are read as text (pandas, ``dtype=str``, no automatic NA conversion) and then checked
    by :func:`check_lesion_table`, so that ``"12,5"``, ``"inf"`` or ``"abc"`` in a number column
    are reported as such instead of silently becoming NaN or text.

    Examples
    --------
    >>> checked = read_lesion_table("data/lesions.csv")  # doctest: +SKIP
    >>> checked.n_rows  # doctest: +SKIP
    300
    """
    for name, value in (("max_bytes", max_bytes), ("max_rows", max_rows)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    path = Path(path)
    text, sha256 = _read_text(path, max_bytes)
    source = repr(str(path))
    names = _header(text, source)
    frame = _parse(text, names, source, max_rows)
    checked = check_lesion_table(frame, source=source, min_per_class=min_per_class)
    return dataclasses.replace(checked, source=str(path), sha256=sha256)
