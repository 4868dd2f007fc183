"""The package's layers, enforced from the source.

* ``microcalc.stats`` is generic: it imports nothing from this study (``microcalc.study``), the
  figures, the command line, the own-data pipeline or anything else of ``microcalc`` outside
  ``microcalc.stats``;
* ``microcalc.figures`` draws and computes no statistic: it imports no statistics library
  (scipy.stats, statsmodels, pingouin) and, from the two computing layers, only result classes
  and constants (names that are not functions);
* ``microcalc.study`` may use ``microcalc.stats`` but not the figures or the command line.

Every ``import`` statement counts, those inside functions too (they are found with :mod:`ast`,
not by importing). The rule checker is itself tested on small made-up sources, so that a checker
that never finds anything cannot pass.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "microcalc"
STATISTICS_LIBRARIES = ("scipy.stats", "statsmodels", "pingouin", "sklearn")


def imported_modules(source: str, module: str) -> list[tuple[str, list[str]]]:
    """Every ``(absolute module, imported names)`` of ``source``, relative imports resolved.

    ``module`` is the dotted name of the file (``microcalc.stats.roc``); a package's
    ``__init__`` is named after the package.
    """
    out = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            # ``from microcalc import study`` imports the module microcalc.study
            out.append((target, names))
            out.extend((f"{target}.{name}", []) for name in names)
    return out


def layer_violations(source: str, module: str) -> list[str]:
    """The layering rules broken by ``source`` (the file of dotted name ``module``)."""
    problems = []
    for target, names in imported_modules(source, module):
        if module.startswith("microcalc.stats"):
            if target.startswith("microcalc") and not (
                target.startswith("microcalc.stats") or target == "microcalc"
            ):
                problems.append(f"{module} imports {target}")
            if target == "microcalc" and any(
                n not in ("stats", "__version__") and not n.startswith("stats") for n in names
            ):
                problems.append(f"{module} imports {names} from microcalc")
        elif module.startswith("microcalc.study"):
            if target.startswith(("microcalc.figures", "microcalc.cli")):
                problems.append(f"{module} imports {target}")
        elif module.startswith("microcalc.figures"):
            if target.startswith(STATISTICS_LIBRARIES):
                problems.append(f"{module} imports the statistics library {target}")
            if target.startswith(("microcalc.stats.", "microcalc.study.")) and names:
                problems.extend(
                    f"{module} imports the function {target}.{name}"
                    for name in names
                    if _is_function(target, name)
                )
    return problems


def _is_function(module: str, name: str) -> bool:
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return False
    return inspect.isfunction(obj)


def _modules(subpackage: str = ""):
    root = PACKAGE / subpackage if subpackage else PACKAGE
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield path, ".".join(parts)


@pytest.mark.parametrize("subpackage", ["stats", "study", "figures"])
def test_layers_are_respected(subpackage):
    found = list(_modules(subpackage))
    assert found, f"no modules under microcalc/{subpackage}"
    problems = [p for path, name in found for p in layer_violations(path.read_text(), name)]
    assert not problems, "\n".join(problems)


def test_stats_imports_only_stats_and_libraries():
    """The positive form of the rule: every microcalc import in stats names a stats module."""
    for path, name in _modules("stats"):
        for target, _ in imported_modules(path.read_text(), name):
            if target.startswith("microcalc"):
                assert target.startswith("microcalc.stats"), f"{name} imports {target}"


def test_top_level_holds_only_the_layers_and_the_pipeline():
    """The listing shows the split: no statistics or study module sits at the top level."""
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert top == {"cli", "paths", "report", "safeio", "tablecheck"}, top
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} == {
        "figures",
        "stats",
        "study",
    }


# -- the checker finds what it must find --------------------------------------------------


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from microcalc.study import paper", "microcalc.stats.roc"),
        ("from microcalc import cohort", "microcalc.stats.roc"),
        ("def f():\n    from microcalc.figures import roc\n", "microcalc.stats.logistic"),
        ("from ..study import audit", "microcalc.stats.roc"),
        ("import microcalc.cli", "microcalc.stats.compare"),
        ("from microcalc import report", "microcalc.stats.compare"),
        ("from microcalc.figures.roc import roc_curves", "microcalc.study.verdicts"),
        ("from scipy.stats import norm", "microcalc.figures.roc"),
        ("import statsmodels.api as sm", "microcalc.figures.regression"),
        ("from microcalc.stats.roc import auc_delong", "microcalc.figures.roc"),
    ],
)
def test_checker_catches_a_violation(source, module):
    assert layer_violations(source, module)


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from microcalc.stats._validation import as_finite_array", "microcalc.stats.roc"),
        ("from . import roc", "microcalc.stats.samplesize"),
        ("from microcalc.stats import roc", "microcalc.study.audit"),
        ("from microcalc.stats.roc import RocCurve", "microcalc.figures.roc"),
        ("import numpy as np", "microcalc.figures.roc"),
    ],
)
def test_checker_allows_what_the_rule_allows(source, module):
    assert not layer_violations(source, module)


# -- one implementation per statistic ------------------------------------------------------

STATISTIC_NAME = re.compile(
    r"auc|delong|placement|spearman|kappa|youden|hosmer|lemeshow|logistic|newton|rank|wilson|share"
    r"|correlation|odds",
    re.IGNORECASE,
)


def defined_statistics(source: str) -> list[str]:
    """Functions and classes of ``source`` whose name says they compute a statistic."""
    tree = ast.parse(source)
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and STATISTIC_NAME.search(node.name)
    ]


def test_montecarlo_defines_no_statistic():
    """The replicate studies are analysed by the public stack kernels of ``microcalc.stats``.

    ``analyse_replicates_reference`` is the exception by design: the loop of library calls that
    the tests and the benchmark compare the stack kernels with.
    """
    source = (PACKAGE / "study" / "montecarlo.py").read_text()
    assert defined_statistics(source) == []
    called = {
        f"{node.func.value.id}.{node.func.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
    }
    for kernel in (
        "roc.delong_test",
        "roc.auc",
        "roc.youden_optimum",
        "logistic.fit_logistic_batch",
        "logistic.hosmer_lemeshow",
        "compare.spearman_rho",
        "agreement.kappa_estimate",
    ):
        assert kernel in called, kernel


def test_optimism_keeps_no_private_copy():
    source = (PACKAGE / "stats" / "optimism.py").read_text()
    assert not {"weighted_auc", "youden_cutoffs", "logistic_coefficients"} & {
        node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
    }


@pytest.mark.parametrize(
    "source",
    [
        "def _kappa(a, b):\n    pass\n",
        "def _auc_and_placements(x, y):\n    pass\n",
        "class BatchLogisticFit:\n    pass\n",
        "def share_test(event):\n    pass\n",
    ],
)
def test_statistic_finder_finds_a_private_copy(source):
    assert defined_statistics(source)
