"""Shared fixtures: the repository root and the default simulated cohort."""

import os
import shutil
from pathlib import Path

import pytest

from microcalc.study import cohort
from tools import build_book

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def default_cohort() -> cohort.Cohort:
    return cohort.simulate_cohort(cohort.default_config(), seed=cohort.DEFAULT_SEED)


@pytest.fixture(scope="session")
def built_book(root, tmp_path_factory):
    """The whole book, built once per test session from a clean state into a temporary folder.

    Developers may set ``MICROCALC_BUILT_BOOK`` to the ``_build/html`` folder of a build they
    already have, to iterate on the page tests without rebuilding; CI never sets it.
    """
    reuse = os.environ.get("MICROCALC_BUILT_BOOK")
    if reuse:
        yield Path(reuse)
        return
    out = tmp_path_factory.mktemp("book")
    html = out / "_build" / "html"
    result = build_book.build(html, jobs=2, root=root, env={"PYTHONWARNINGS": "ignore"})
    if result.returncode != 0:
        reports = (
            "\n".join(p.read_text() for p in (html / "reports").glob("**/*.log"))
            if (html / "reports").exists()
            else ""
        )
        warnings = [
            line
            for line in (result.stdout + result.stderr).splitlines()
            if ("WARNING" in line or "ERROR" in line) and "IPKernelApp" not in line
        ]
        pytest.fail(
            "book build failed\n"
            + "\n".join(warnings[:40])
            + f"\n--- end of output ---\n{result.stderr[-4000:]}\n{reports}"
        )
    yield html
    shutil.rmtree(out, ignore_errors=True)
