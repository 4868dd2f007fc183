"""Read a user's lesion table (CSV) and check it strictly against the data dictionary.

:func:`read_lesion_table` is the one front door of every command that reads a lesion table
(``python -m microcalc analyze``, ``scorecard`` and ``make book DATA=...``): it refuses
anything that is not a comma-separated UTF-8 table of the data dictionary (``data/README.md``)
with **one** line that names the column, the row (with its participant_id) and the bad value,
so that a user knows exactly which cell to fix. It never guesses silently.

Decisions, documented here because a user meets them:

* Encoding: UTF-8; a byte-order mark (as Excel writes) is stripped and accepted.
* Separator: comma only. A semicolon- or tab-separated file (as European spreadsheets write,
  usually with comma decimals) is rejected with a message that says "semicolon" or "tab",
  rather than re-parsed with guessed settings; comma decimals (``43,77``) are rejected too.
* Missing values: an empty cell, or ``NA``, ``N/A``, ``NaN``, ``null``, ``None`` (any case).
  They are refused in the required columns and allowed in optional ones; the analyses then use
  the complete cases of the columns they need.
* Values that cannot be right are errors: a stiffness or strain ratio that is not a positive
  finite number or is of an absurd magnitude (:data:`HARD_LIMITS`), a score outside 1-5,
  ``elasticity_max_kpa`` below ``elasticity_kpa``, a ``consensus`` lesion without the third
  reader's value (or a third reader's value without ``consensus``), histology or reference
  standard contradicting ``malignant``.
* Values outside this study's inclusion criteria but possible in another study (age below 18 or
  above 90, lesion size outside 3-15 mm; :data:`INCLUSION_LIMITS`) are accepted with a
  *warning* (:attr:`CheckedTable.warnings`), which the commands print on standard error and the
  analysis report lists.
* Rows are numbered as data rows from 1 (row 1 is the first line under the header; in a
  spreadsheet it is row 2), and the participant_id is shown where there is one.
* Columns outside the data dictionary are kept but not checked or analysed.
* Size: files larger than ``max_bytes`` are refused before they are read; tables with more
  than ``max_rows`` rows are refused after reading at most ``max_rows + 1`` rows. Cells are read
  as categorical text, so that each distinct cell text is checked once: a table of a million
  rows is checked in seconds, in memory proportional to its number of cells.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "HARD_LIMITS",
    "INCLUSION_LIMITS",
    "MEASUREMENT_COLUMNS",
    "MISSING_MARKERS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "CheckedTable",
    "ColumnRule",
    "TableError",
    "check_lesion_table",
    "check_measurement_table",
    "read_lesion_table",
    "read_measurement_table",
]

#: Largest input file accepted by default (bytes).
DEFAULT_MAX_BYTES = 250_000_000
#: Largest number of data rows accepted by default.
DEFAULT_MAX_ROWS = 1_000_000
#: Cell texts that mean "missing" (compared case-insensitively after stripping spaces).
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none"})

#: Largest plausible values: above them a value is an error (a unit slip such as Pa for kPa,
#: a typing error or an overflow), not a measurement. Shear-wave systems display at most a few
#: hundred kPa; strain ratios above 100 are not reported in the breast literature.
HARD_LIMITS = {"kpa": 1000.0, "strain_ratio": 1000.0, "age_years": 120.0, "lesion_size_mm": 1000.0}
#: This study's inclusion criteria: outside them a value is possible but is reported as a warning.
INCLUSION_LIMITS = {"age_years": (18.0, 90.0), "lesion_size_mm": (3.0, 15.0)}

_MALIGNANT_HISTOLOGY = frozenset({"dcis", "invasive_carcinoma"})
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_INFINITY = re.compile(r"^[+-]?(inf|infinity)$", re.IGNORECASE)
_CHUNK_ROWS = 100_000


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
        Allowed range (inclusive unless ``low_open``); outside it a value is an error.
    low_open : bool
        Whether ``low`` itself is refused (``> low`` rather than ``>= low``).
    warn_low, warn_high : float, optional
        This study's inclusion range; values outside it (but inside ``low``, ``high``) are
        accepted with a warning.
    """

    kind: str
    required: bool = False
    levels: tuple = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    warn_low: float | None = None
    warn_high: float | None = None


_KPA = ColumnRule("number", low=0.0, low_open=True, high=HARD_LIMITS["kpa"])
_RATIO = ColumnRule("number", low=0.0, low_open=True, high=HARD_LIMITS["strain_ratio"])
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
    "age_years": ColumnRule(
        "number",
        low=0.0,
        low_open=True,
        high=HARD_LIMITS["age_years"],
        warn_low=INCLUSION_LIMITS["age_years"][0],
        warn_high=INCLUSION_LIMITS["age_years"][1],
    ),
    "lesion_size_mm": ColumnRule(
        "number",
        low=0.0,
        low_open=True,
        high=HARD_LIMITS["lesion_size_mm"],
        warn_low=INCLUSION_LIMITS["lesion_size_mm"][0],
        warn_high=INCLUSION_LIMITS["lesion_size_mm"][1],
    ),
    "breast_density": ColumnRule("category", levels=("A", "B", "C", "D")),
    "birads": ColumnRule("integer", levels=(3, 4, 5)),
    "calcification_pattern": ColumnRule(
        "category", levels=("clustered", "scattered", "sparse_punctate")
    ),
    "elasticity_kpa": dataclasses.replace(_KPA, required=True),
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

#: The measurement table (``measurements.csv``), long form: one row per reader and acquisition.
MEASUREMENT_RULES: dict[str, ColumnRule] = {
    "participant_id": ColumnRule("id", required=True),
    "reader": ColumnRule("integer", required=True, levels=(1, 2, 3)),
    "acquisition": ColumnRule("integer", required=True, levels=(1, 2, 3)),
    "emean_kpa": dataclasses.replace(_KPA, required=True),
    "emax_kpa": dataclasses.replace(_KPA, required=True),
    "strain_ratio": dataclasses.replace(_RATIO, required=True),
}
MEASUREMENT_COLUMNS = tuple(MEASUREMENT_RULES)

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
    warnings : tuple of str
        Values accepted although they lie outside this study's inclusion criteria, one
        sentence per column (with the count and the first row).
    """

    table: pd.DataFrame
    source: str
    n_rows: int
    present: tuple[str, ...]
    absent: tuple[str, ...]
    extra: tuple[str, ...]
    missing_counts: dict
    sha256: str | None = None
    warnings: tuple[str, ...] = ()


def _fail(message: str) -> TableError:
    return TableError(" ".join(str(message).split()))


def _show(value: str, limit: int = 40) -> str:
    text = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(text)


def _read_bytes(path: Path, max_bytes: int) -> tuple[bytes, str]:
    """Return the file's bytes, refusing what is not a readable, small, UTF-8 text file."""
    if not path.exists():
        raise _fail(f"input file {str(path)!r} does not exist")
    if path.is_dir():
        raise _fail(f"input {str(path)!r} is a directory, not a CSV file")
    if not path.is_file():
        raise _fail(f"input {str(path)!r} is not a regular file")
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
    offset = raw.find(b"\x00")
    if offset >= 0:
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
    del text
    return raw, hashlib.sha256(raw).hexdigest()


def _header(raw: bytes, source: str) -> list[str]:
    start = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    start = start.lstrip(b"\r\n")
    first = start.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
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


def _parse(
    raw: bytes, names: list[str], source: str, max_rows: int, known: Sequence[str] = ()
) -> pd.DataFrame:
    """Parse the CSV bytes into categorical text columns (each distinct text stored once).

    The text is read in chunks of :data:`_CHUNK_ROWS` rows as plain strings (never converted
    by pandas) and each column is factorised, so that memory holds one chunk of strings at a
    time plus one integer code per cell.
    """
    codes: list[list[np.ndarray]] = [[] for _ in names]
    lookup: list[dict[str, int]] = [{} for _ in names]
    n_rows = 0
    try:
        reader = pd.read_csv(
            io.BytesIO(raw),
            encoding="utf-8-sig",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=True,
            nrows=max_rows + 1,
            chunksize=_CHUNK_ROWS,
            engine="c",
        )
        with reader:
            for chunk in reader:
                if len(chunk.columns) != len(names):
                    raise _fail(
                        f"{source} is not a well-formed CSV table: its header cannot be read"
                    )
                for j in range(len(names)):
                    local, uniques = pd.factorize(chunk.iloc[:, j].to_numpy(dtype=object))
                    seen = lookup[j]
                    mapping = np.array([seen.setdefault(u, len(seen)) for u in uniques])
                    codes[j].append(mapping[local] if len(mapping) else local)
                n_rows += len(chunk)
    except pd.errors.EmptyDataError:
        raise _fail(f"{source} has no header and no rows") from None
    except (pd.errors.ParserError, ValueError) as error:
        if isinstance(error, TableError):
            raise
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
    if n_rows > max_rows:
        raise _fail(
            f"{source} has more than {max_rows} data rows, the limit (raise it with --max-rows)"
        )
    checked = [i for i, name in enumerate(names) if name in known]
    if checked:
        _check_short_rows(raw, max(checked) + 1, len(names), source)
    if n_rows == 0:
        raise _fail(f"{source} has a header but no data rows")
    columns = {}
    for j, name in enumerate(names):
        categories = pd.Index(list(lookup[j]), dtype=object)
        columns[name] = pd.Categorical.from_codes(np.concatenate(codes[j]), categories=categories)
    return pd.DataFrame(columns)


def _check_short_rows(raw: bytes, n_fields: int, n_header: int, source: str) -> None:
    """Refuse a line too short to reach the last data-dictionary column (field ``n_fields``).

    pandas pads a short line with empty cells; a truncated file (a copy or download cut short)
    ends in such a line. Only columns outside the dictionary, at the end, may be left out
    (they are not checked). Files without quotes
    are checked by counting commas per line; files with quotes (which may hold commas or line
    breaks inside cells) with the csv module.
    """
    if b'"' in raw:
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""))
        for row in reader:
            if len(row) < n_fields and any(cell.strip() for cell in row):
                line, found = reader.line_num, len(row)
                break
        else:
            return
    else:
        lines = raw.split(b"\n")
        commas = np.fromiter(map(bytes.count, lines, itertools.repeat(b",")), dtype=np.int64)
        short = np.flatnonzero(commas < n_fields - 1)
        short = [i for i in short if lines[i].strip()]
        if not short:
            return
        line, found = int(short[0]) + 1, int(commas[short[0]]) + 1
    raise _fail(
        f"{source} is not a well-formed CSV table: line {line} of the file has {found} field(s) "
        f"but the header has {n_header}; is the file truncated, or a cell missing?"
    )


def _where(row: int, ids) -> str:
    """Row ``row`` (0-based) described for a user."""
    text = f"row {row + 1} (line {row + 2} of the file"
    if ids is not None and ids[row]:
        text += f", participant_id {ids[row]!r}"
    return text + ")"


def _distinct(cells: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``(codes, texts)``: each cell as a code into its distinct texts; code -1 = no value."""
    if isinstance(cells.dtype, pd.CategoricalDtype):
        codes = cells.cat.codes.to_numpy()
        texts = [str(t) for t in cells.cat.categories]
    else:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        texts = [str(t) for t in uniques]
    return np.asarray(codes, dtype=np.int64), texts


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


def _convert(cell: str, column: str, rule: ColumnRule, row: int, ids):
    """One non-missing cell as its typed value, or a :class:`TableError` naming it."""
    text = cell.strip()
    if rule.kind == "id":
        return text
    if rule.kind == "category":
        if text not in rule.levels:
            allowed = ", ".join(rule.levels)
            raise _fail(
                f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not one of {allowed}"
            )
        return text
    if rule.kind == "boolean":
        lowered = text.lower()
        if lowered not in _TRUE | _FALSE:
            raise _fail(
                f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not true or false"
            )
        return lowered in _TRUE
    value = _number(cell, column, row, ids)
    if rule.kind == "binary":
        if value not in (0.0, 1.0):
            raise _fail(
                f"column {column!r}, {_where(row, ids)}: {_show(cell)} must be 0 "
                "(benign) or 1 (malignant)"
            )
        return int(value)
    if rule.kind == "integer":
        if value != round(value):
            raise _fail(
                f"column {column!r}, {_where(row, ids)}: {_show(cell)} is not a whole number"
            )
        if int(value) not in rule.levels:
            allowed = ", ".join(map(str, rule.levels))
            raise _fail(
                f"column {column!r}, {_where(row, ids)}: {_show(cell)} is outside "
                f"the allowed values {allowed}"
            )
        return int(value)
    too_low = rule.low is not None and (value <= rule.low if rule.low_open else value < rule.low)
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
    return value


def _check_column(
    column: str, rule: ColumnRule, cells: pd.Series, ids, *, needed_by: str = ""
) -> pd.Series:
    """Check and type one column; each distinct cell text is converted once."""
    codes, texts = _distinct(cells)
    missing_text = np.array(
        [t.strip().lower() in MISSING_MARKERS for t in texts] + [True], dtype=bool
    )
    missing = missing_text[codes]  # code -1 picks the trailing True
    if (rule.required or needed_by) and missing.any():
        row = int(np.flatnonzero(missing)[0])
        cell = "" if codes[row] < 0 else texts[codes[row]]
        why = f"in a column that {needed_by} needs" if needed_by else "in a required column"
        raise _fail(
            f"column {column!r}, {_where(row, ids)}: missing value {_show(cell)} "
            f"{why} ({int(missing.sum())} missing in all)"
        )
    values: list = []
    bad: list[int] = []
    for code, text in enumerate(texts):
        if missing_text[code]:
            values.append(None)
            continue
        try:
            values.append(_convert(text, column, rule, -1, None))
        except TableError:
            values.append(None)
            bad.append(code)
    if bad:
        row = int(np.flatnonzero(np.isin(codes, bad))[0])
        _convert(texts[codes[row]], column, rule, row, ids)  # raises, naming the row
        raise _fail(f"column {column!r}, {_where(row, ids)}: {_show(texts[codes[row]])} is invalid")
    if rule.kind in ("id", "category"):
        lookup = np.array([*values, None], dtype=object)
        return pd.Series(lookup[codes], dtype=object, name=column)
    if rule.kind == "boolean":
        lookup = pd.array([*values, None], dtype="boolean")
        return pd.Series(lookup.take(codes), name=column)
    if rule.kind == "binary":
        lookup = np.array([-1 if v is None else v for v in values] + [-1], dtype=np.int64)
        return pd.Series(lookup[codes], dtype="int64", name=column)
    if rule.kind == "integer":
        lookup = pd.array([*values, None], dtype="Int64")
        return pd.Series(lookup.take(codes), name=column)
    lookup = np.array([np.nan if v is None else v for v in values] + [np.nan], dtype=float)
    return pd.Series(lookup[codes], dtype="float64", name=column)


def _first(mask: np.ndarray) -> int | None:
    rows = np.flatnonzero(mask)
    return int(rows[0]) if rows.size else None


def _check_ids(cells: pd.Series, needed_by: str = "") -> pd.Series:
    """The participant_id column, complete and unique."""
    ids = _check_column("participant_id", RULES["participant_id"], cells, None, needed_by=needed_by)
    repeated = ids.duplicated(keep="first").to_numpy()
    row = _first(repeated)
    if row is not None:
        pid = ids.iloc[row]
        earlier = int(np.flatnonzero((ids == pid).to_numpy())[0])
        raise _fail(
            f"column 'participant_id': {pid!r} appears twice, in rows {earlier + 1} "
            f"and {row + 1} (lines {earlier + 2} and {row + 2} of the file)"
        )
    return ids


def _typed_cells(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame.columns = names
    return frame


def check_lesion_table(
    frame: pd.DataFrame,
    *,
    source: str = "<table>",
    min_per_class: int = 2,
    needed: Sequence[str] = (),
    needed_by: str = "",
) -> CheckedTable:
    """Check a table of text cells against the data dictionary and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant; cells as text (as read with ``dtype=str`` or
        ``dtype="category"``) or numbers.
    source : str, default "<table>"
        Name used in error messages.
    min_per_class : int, default 2
        Fewest malignant and fewest benign lesions accepted.
    needed : sequence of str, default ()
        Optional data-dictionary columns that the caller needs present and complete (the
        scorecard and the book need the whole dictionary).
    needed_by : str, default ""
        Who needs them, for the error message (e.g. ``"the scorecard"``).

    Returns
    -------
    CheckedTable

    Raises
    ------
    TableError
        A ``ValueError`` with one line naming the column, the row and the value.

    Notes
    -----
    The rules are those of the data dictionary (``data/README.md``); see the module docstring
    for which values are errors and which are warnings.

    References
    ----------
    Bossuyt PM et al. STARD 2015: an updated list of essential items for reporting diagnostic
    accuracy studies. BMJ 2015;351:h5527 (items 9 and 19: eligibility criteria and the
    reporting of participants outside them).

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
    microcalc.tablecheck.TableError: column 'elasticity_kpa', row 3 (line 4 of the file, participant_id 'P3'): '-3' is out of range (must be > 0 and <= 1000)
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
    unknown = [c for c in needed if c not in RULES]
    if unknown:
        raise ValueError(f"needed names columns outside the data dictionary: {unknown}")
    absent_needed = [c for c in needed if c not in names]
    if absent_needed:
        raise _fail(
            f"{source} has no column {', '.join(map(repr, absent_needed))}, which "
            f"{needed_by or 'this command'} needs; its columns are: {', '.join(names)}"
        )
    if len(frame) == 0:
        raise _fail(f"{source} has a header but no data rows")
    cells = _typed_cells(frame, names)
    ids_series = _check_ids(cells["participant_id"])
    ids = ids_series.to_numpy()
    typed = {"participant_id": ids_series}
    for column, rule in RULES.items():
        if column in names and column != "participant_id":
            typed[column] = _check_column(
                column, rule, cells[column], ids, needed_by=needed_by if column in needed else ""
            )
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
        table[column] = cells[column].astype(object).to_numpy()
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
        warnings=_inclusion_warnings(table, ids),
    )


def _inclusion_warnings(table: pd.DataFrame, ids) -> tuple[str, ...]:
    """One sentence per column with values outside this study's inclusion criteria."""
    found = []
    for column, (low, high) in INCLUSION_LIMITS.items():
        if column not in table:
            continue
        values = table[column].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            outside = (values < low) | (values > high)
        row = _first(outside)
        if row is None:
            continue
        found.append(
            f"column {column!r}: {int(outside.sum())} value(s) outside this study's inclusion "
            f"range {low:g} to {high:g} (accepted; the first is {values[row]:g} in "
            f"{_where(row, ids)})"
        )
    return tuple(found)


def _check_relations(table: pd.DataFrame, ids) -> None:
    """Cross-column rules of the data dictionary."""
    malignant = table["malignant"].to_numpy()
    if "histology" in table:
        histology = table["histology"]
        known = histology.notna().to_numpy()
        expected = histology.isin(_MALIGNANT_HISTOLOGY).to_numpy().astype(int)
        row = _first(known & (expected != malignant))
        if row is not None:
            kind = "malignant" if expected[row] else "benign"
            raise _fail(
                f"column 'histology', {_where(row, ids)}: {histology.iloc[row]!r} is "
                f"{kind} but 'malignant' is {malignant[row]}"
            )
    if "reference_standard" in table:
        row = _first((table["reference_standard"] == "follow_up").to_numpy() & (malignant == 1))
        if row is not None:
            raise _fail(
                f"column 'reference_standard', {_where(row, ids)}: 'follow_up' is only "
                "possible for benign lesions, but 'malignant' is 1"
            )
    if "elasticity_max_kpa" in table:
        emean = table["elasticity_kpa"].to_numpy(dtype=float)
        emax = table["elasticity_max_kpa"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            row = _first(emax < emean)
        if row is not None:
            raise _fail(
                f"column 'elasticity_max_kpa', {_where(row, ids)}: {emax[row]:g} is below "
                f"'elasticity_kpa' {emean[row]:g}; the maximum stiffness cannot be below the mean"
            )
    if "consensus" in table:
        consensus = table["consensus"].fillna(False).to_numpy(dtype=bool)
        for third in ("reader3_elasticity_kpa", "reader3_strain_ratio"):
            if third not in table:
                continue
            has = table[third].notna().to_numpy()
            row = _first(consensus & ~has)
            if row is not None:
                raise _fail(
                    f"column {third!r}, {_where(row, ids)}: missing, but 'consensus' is true "
                    "(a third reader decided, so the third reader's value is needed)"
                )
            known = table["consensus"].notna().to_numpy()
            row = _first(known & ~consensus & has)
            if row is not None:
                raise _fail(
                    f"column {third!r}, {_where(row, ids)}: {table[third].iloc[row]:g} given, "
                    "but 'consensus' is false (the third reader's value is empty unless "
                    "'consensus')"
                )


def _limits(max_bytes, max_rows) -> None:
    for name, value in (("max_bytes", max_bytes), ("max_rows", max_rows)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def read_lesion_table(
    path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    min_per_class: int = 2,
    needed: Sequence[str] = (),
    needed_by: str = "",
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
    needed, needed_by
        Optional columns the caller needs present and complete, and who needs them
        (see :func:`check_lesion_table`).

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
    Cells are read as text (pandas, categorical, no automatic NA conversion) and then checked
    by :func:`check_lesion_table`, so that ``"12,5"``, ``"inf"`` or ``"abc"`` in a number column
    are reported as such instead of silently becoming NaN or text.

    Examples
    --------
    >>> checked = read_lesion_table("data/lesions.csv")  # doctest: +SKIP
    >>> checked.n_rows  # doctest: +SKIP
    300
    """
    _limits(max_bytes, max_rows)
    path = Path(path)
    raw, sha256 = _read_bytes(path, max_bytes)
    source = repr(str(path))
    names = _header(raw, source)
    frame = _parse(raw, names, source, max_rows, known=tuple(RULES))
    del raw
    checked = check_lesion_table(
        frame, source=source, min_per_class=min_per_class, needed=needed, needed_by=needed_by
    )
    return dataclasses.replace(checked, source=str(path), sha256=sha256)


def check_measurement_table(
    frame: pd.DataFrame,
    *,
    participants: Sequence[str] | None = None,
    source: str = "<measurements>",
) -> pd.DataFrame:
    """Check a measurement table (``measurements.csv``) and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns :data:`MEASUREMENT_COLUMNS`, one row per participant, reader and acquisition.
    participants : sequence of str, optional
        The participant_ids of the lesion table; a measurement of anyone else is an error.
    source : str
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Typed columns, indexed 0..n-1.

    Raises
    ------
    TableError
        Naming the column, the row (with its participant_id) and the value: a missing column or
        cell, a reader or acquisition outside 1-3, a non-positive or absurd kPa or strain ratio,
        ``emax_kpa`` below ``emean_kpa``, a repeated (participant, reader, acquisition), or a
        participant absent from the lesion table.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"participant_id": ["P1"], "reader": ["1"], "acquisition": ["1"],
    ...                   "emean_kpa": ["40.2"], "emax_kpa": ["38.0"], "strain_ratio": ["1.2"]})
    >>> check_measurement_table(m)
    Traceback (most recent call last):
    ...
    microcalc.tablecheck.TableError: <measurements>: column 'emax_kpa', row 1 (line 2 of the file, participant_id 'P1'): 38 is below 'emean_kpa' 40.2
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    names = [str(c) for c in frame.columns]
    absent = [c for c in MEASUREMENT_COLUMNS if c not in names]
    if absent:
        raise _fail(
            f"{source} has no column {', '.join(map(repr, absent))} (required: "
            f"{', '.join(MEASUREMENT_COLUMNS)}); its columns are: {', '.join(names)}"
        )
    if len(frame) == 0:
        raise _fail(f"{source} has a header but no data rows")
    cells = _typed_cells(frame, names)
    try:
        ids = _check_column(
            "participant_id", MEASUREMENT_RULES["participant_id"], cells["participant_id"], None
        )
        typed = {"participant_id": ids}
        for column, rule in MEASUREMENT_RULES.items():
            if column != "participant_id":
                typed[column] = _check_column(column, rule, cells[column], ids.to_numpy())
    except TableError as error:
        raise _fail(f"{source}: {error}") from None
    table = pd.DataFrame(typed)
    where = ids.to_numpy()
    row = _first((table["emax_kpa"] < table["emean_kpa"]).to_numpy())
    if row is not None:
        raise _fail(
            f"{source}: column 'emax_kpa', {_where(row, where)}: {table['emax_kpa'].iloc[row]:g} "
            f"is below 'emean_kpa' {table['emean_kpa'].iloc[row]:g}"
        )
    key = ["participant_id", "reader", "acquisition"]
    row = _first(table.duplicated(subset=key).to_numpy())
    if row is not None:
        raise _fail(
            f"{source}: {_where(row, where)}: reader {table['reader'].iloc[row]}, acquisition "
            f"{table['acquisition'].iloc[row]} appears twice for this participant"
        )
    if participants is not None:
        row = _first(~table["participant_id"].isin(set(participants)).to_numpy())
        if row is not None:
            raise _fail(
                f"{source}: column 'participant_id', {_where(row, where)}: no such participant "
                "in the lesion table"
            )
    return table


def read_measurement_table(
    path,
    *,
    participants: Sequence[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = 10 * DEFAULT_MAX_ROWS,
) -> pd.DataFrame:
    """Read ``measurements.csv`` and check it (see :func:`check_measurement_table`).

    Examples
    --------
    >>> read_measurement_table("data/measurements.csv").shape  # doctest: +SKIP
    (1854, 6)
    """
    _limits(max_bytes, max_rows)
    path = Path(path)
    raw, _ = _read_bytes(path, max_bytes)
    source = repr(str(path))
    frame = _parse(raw, _header(raw, source), source, max_rows, known=MEASUREMENT_COLUMNS)
    return check_measurement_table(frame, participants=participants, source=source)
