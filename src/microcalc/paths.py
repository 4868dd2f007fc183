"""Where the book's chapters find their data.

By default every chapter reads the committed cohort in ``data/``. Setting the environment
variable ``MICROCALC_LESIONS`` to the path of another ``lesions.csv`` (``make book
DATA=path/to/lesions.csv`` does this) rebuilds the whole book on that table; a
``measurements.csv`` beside it is used when present. The stored Monte Carlo results always
come from the repository's ``data/`` folder: they describe the model, not a data set.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "BOOK_COLUMNS",
    "LESIONS_VARIABLE",
    "check_book_data",
    "lesions_path",
    "measurements_path",
    "repository_data_dir",
    "using_committed_data",
]

LESIONS_VARIABLE = "MICROCALC_LESIONS"

#: Data-dictionary columns that the chapters use, besides the required ones; a lesion table for
#: ``make book DATA=...`` must have them, complete. The third reader's columns may be empty or
#: absent, and ``atypical_elasticity`` exists only in simulated data.
BOOK_COLUMNS = (
    "histology",
    "reference_standard",
    "age_years",
    "lesion_size_mm",
    "breast_density",
    "birads",
    "calcification_pattern",
    "elasticity_max_kpa",
    "strain_ratio",
    "elasticity_score",
    "reader1_elasticity_kpa",
    "reader2_elasticity_kpa",
    "reader1_strain_ratio",
    "reader2_strain_ratio",
    "reader1_score",
    "reader2_score",
    "consensus",
)


def repository_data_dir() -> Path:
    """The repository's ``data/`` folder (found from this file, so any working folder works)."""
    return Path(__file__).resolve().parents[2] / "data"


def lesions_path() -> Path:
    """The lesion table the book analyses: ``$MICROCALC_LESIONS`` or ``data/lesions.csv``.

    Raises
    ------
    ValueError
        If ``MICROCALC_LESIONS`` is set to a path that is not a file.
    """
    chosen = os.environ.get(LESIONS_VARIABLE, "").strip()
    if not chosen:
        return repository_data_dir() / "lesions.csv"
    path = Path(chosen).expanduser().resolve()
    if not path.is_file():
        what = "does not exist" if not path.exists() else "is not a file"
        raise ValueError(f"{LESIONS_VARIABLE}={chosen!r} {what}")
    return path


def measurements_path() -> Path | None:
    """``measurements.csv`` beside the lesion table, or None where there is none."""
    path = lesions_path().with_name("measurements.csv")
    return path if path.is_file() else None


def using_committed_data() -> bool:
    """Whether the book runs on the committed cohort (and may compare it with a fresh one)."""
    return lesions_path() == (repository_data_dir() / "lesions.csv").resolve()


def check_book_data() -> list[str]:
    """Check the book's input tables before any chapter runs; return the warnings.

    Reads the lesion table of :func:`lesions_path` with
    :func:`microcalc.tablecheck.read_lesion_table` (the same checks as ``analyze`` and
    ``scorecard``, plus the :data:`BOOK_COLUMNS` the chapters need) and, where there is one, the
    ``measurements.csv`` beside it with :func:`microcalc.tablecheck.read_measurement_table`.
    A write of the pair that a kill interrupted is finished first.

    Returns
    -------
    list of str
        Warnings: values outside the study's inclusion criteria, and a missing
        ``measurements.csv`` (the agreement chapter then skips its repeatability section).

    Raises
    ------
    ValueError
        One line naming the file, the column, the row and the value.

    Examples
    --------
    >>> check_book_data()  # the committed cohort  # doctest: +SKIP
    []
    """
    from microcalc import safeio, tablecheck

    chosen = os.environ.get(LESIONS_VARIABLE, "").strip()
    if chosen and not Path(chosen).expanduser().exists():
        raise ValueError(f"{LESIONS_VARIABLE}: input file {chosen!r} does not exist")
    path = lesions_path()
    safeio.recover(path.parent, ("lesions.csv", "measurements.csv"))
    checked = tablecheck.read_lesion_table(path, needed=BOOK_COLUMNS, needed_by="the book")
    found = list(checked.warnings)
    measurements = measurements_path()
    if measurements is None:
        found.append(
            f"no measurements.csv beside {str(path)!r}: the agreement chapter skips the "
            "repeatability of the three acquisitions"
        )
    else:
        tablecheck.read_measurement_table(
            measurements, participants=checked.table["participant_id"].tolist()
        )
    return found
