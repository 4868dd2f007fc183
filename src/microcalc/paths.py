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
    "LESIONS_VARIABLE",
    "lesions_path",
    "measurements_path",
    "repository_data_dir",
    "using_committed_data",
]

LESIONS_VARIABLE = "MICROCALC_LESIONS"


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
        raise ValueError(f"{LESIONS_VARIABLE}={chosen!r} is not a file")
    return path


def measurements_path() -> Path | None:
    """``measurements.csv`` beside the lesion table, or None where there is none."""
    path = lesions_path().with_name("measurements.csv")
    return path if path.is_file() else None


def using_committed_data() -> bool:
    """Whether the book runs on the committed cohort (and may compare it with a fresh one)."""
    return lesions_path() == (repository_data_dir() / "lesions.csv").resolve()
