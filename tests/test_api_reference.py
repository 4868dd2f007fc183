"""The API reference page and the argument vocabulary of ``microcalc.stats`` / ``microcalc.study``.

* Every public function of :mod:`microcalc.stats` has a one-line summary and a numpy-style
  ``References`` section (the page shows both).
* No public function, method or class of ``stats`` or ``study`` takes ``conf_level`` or
  ``level`` (the vocabulary's name is ``confidence_level``), and ``alpha`` appears in ``stats``
  only where it is the significance level of a test or of a planned sample size
  (:data:`ALPHA_ALLOWED`).
* ``book/api.md`` (through ``tools/api_reference.py``) lists every public function and class,
  checked against an independent reading of the source files with :mod:`ast`.
"""

from __future__ import annotations

import ast
import dataclasses
import doctest
import importlib
import inspect
import re
from pathlib import Path

import pytest

from tools import api_reference

ROOT = Path(__file__).resolve().parents[1]
STATS = ROOT / "src" / "microcalc" / "stats"
STUDY = ROOT / "src" / "microcalc" / "study"
PAGE = ROOT / "book" / "api.md"

#: Where ``alpha`` is a significance level that decides something (a test, a planned sample size
#: or power), so the name is right: every function and class of ``samplesize``, and these.
ALPHA_ALLOWED = {
    "compare.normality_test",
    "compare.p_value_verdict",
    "compare.compare_continuous",  # alpha decides the normality test that picks t or U
    "compare.summary_table",  # passes alpha on to compare_continuous
}
ALPHA_ALLOWED_MODULES = {"samplesize"}
#: Parameter names that mean the level of a confidence interval under the old names.
OLD_LEVEL_NAMES = {"conf_level", "level"}


# -------------------------------------------------------------------------------------------
# independent reading of the package: the source files, parsed with ast (no import, no inspect)
# -------------------------------------------------------------------------------------------
def _source_modules(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))


def _declared_all(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    return None


def source_public_names(path: Path) -> dict[str, str]:
    """Top-level ``def`` and ``class`` names of a source file that are public: name -> kind."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    listed = _declared_all(tree)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            if node.name.startswith("_") or (listed is not None and node.name not in listed):
                continue
            found[node.name] = "class" if isinstance(node, ast.ClassDef) else "function"
    return found


# -------------------------------------------------------------------------------------------
# every public callable's parameters, for the vocabulary checks
# -------------------------------------------------------------------------------------------
def _public_objects(package: str, folder: Path):
    """(qualified name, short module name, parameter names) of every public function, every
    public method of a public class, and every public class's constructor."""
    for short in _source_modules(folder):
        module = importlib.import_module(f"{package}.{short}")
        for name, kind in source_public_names(folder / f"{short}.py").items():
            value = getattr(module, name)
            if kind == "function":
                yield f"{short}.{name}", short, list(inspect.signature(value).parameters)
                continue
            try:
                yield f"{short}.{name}()", short, list(inspect.signature(value).parameters)
            except (TypeError, ValueError):
                pass
            for attribute, member in vars(value).items():
                if attribute.startswith("_"):
                    continue
                function = (
                    member.__func__ if isinstance(member, classmethod | staticmethod) else member
                )
                if inspect.isfunction(function):
                    parameters = list(inspect.signature(function).parameters)
                    yield f"{short}.{name}.{attribute}", short, parameters


# -------------------------------------------------------------------------------------------
# the docstring parser: it must find what is there and miss what is not
# -------------------------------------------------------------------------------------------
WITH_REFERENCES = """Area under the empirical ROC curve.

    Parameters
    ----------
    truth : array-like
        Reference standard.

    References
    ----------
    Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating
    characteristic (ROC) curve. Radiology 1982;143:29-36.
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.

    Examples
    --------
    >>> 1 + 1
    2
    """

WITHOUT_REFERENCES = """Area under the empirical ROC curve.

    Notes
    -----
    See Hanley JA, McNeil BJ. References to the literature are in the module docstring.

    Examples
    --------
    >>> 1 + 1
    2
    """


def test_parser_finds_the_references_of_a_made_up_docstring():
    assert api_reference.references(WITH_REFERENCES) == [
        "Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating "
        "characteristic (ROC) curve. Radiology 1982;143:29-36.",
        "DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.",
    ]
    assert api_reference.first_reference(WITH_REFERENCES).startswith("Hanley JA")
    assert api_reference.summary(WITH_REFERENCES) == "Area under the empirical ROC curve."


def test_parser_misses_references_that_are_not_there():
    assert api_reference.references(WITHOUT_REFERENCES) == []
    assert api_reference.first_reference(WITHOUT_REFERENCES) == ""
    assert api_reference.first_reference("") == ""
    # a section title needs its underline
    assert api_reference.references("Summary.\n\nReferences\nHanley JA. Radiology.\n") == []
    assert api_reference.summary("Parameters\n----------\nx : int\n") == ""


def test_parser_splits_entries_on_footnotes_and_blank_lines():
    doc = "S.\n\nReferences\n----------\n.. [1] Cox DR. Biometrika.\n   1958.\n.. [2] Firth D.\n"
    assert api_reference.references(doc) == ["Cox DR. Biometrika. 1958.", "Firth D."]
    doc = "S.\n\nReferences\n----------\nStudent. Biometrika 1908.\n\nWelch BL. 1947.\n"
    assert api_reference.references(doc) == ["Student. Biometrika 1908.", "Welch BL. 1947."]
    doc = "S.\n\nReferences\n----------\nCox DR. Biometrika.\nVan Calster B, Steyerberg EW. BMC.\n"
    assert len(api_reference.references(doc)) == 2


def test_signature_text_on_a_made_up_function():
    def f(a, b: int = 1, *, confidence_level: float = 0.95, seed=None) -> float:
        return 0.0

    def g(x, /, *args, **kwargs):
        pass

    assert (
        api_reference.signature_text(f) == "f(a, b=1, *, confidence_level=0.95, seed=None) -> float"
    )
    assert api_reference.signature_text(g) == "g(x, /, *args, **kwargs)"


def test_the_independent_reader_sees_this_file():
    names = source_public_names(Path(__file__))
    assert names["source_public_names"] == "function"
    assert "_declared_all" not in names


# -------------------------------------------------------------------------------------------
# (a) docstrings of microcalc.stats
# -------------------------------------------------------------------------------------------
def test_every_public_stats_function_has_a_summary_and_references():
    lacking = []
    for short in _source_modules(STATS):
        module = importlib.import_module(f"microcalc.stats.{short}")
        for name, kind in source_public_names(STATS / f"{short}.py").items():
            if kind != "function":
                continue
            value = getattr(module, name)
            missing = [
                what
                for what, ok in (
                    ("summary", api_reference.summary(value)),
                    ("References", api_reference.references(value)),
                )
                if not ok
            ]
            if missing:
                lacking.append(f"{short}.{name}: no {' and no '.join(missing)}")
    assert not lacking, (
        f"{len(lacking)} public functions of microcalc.stats lack a one-line summary or a "
        "References section:\n" + "\n".join(lacking)
    )


# -------------------------------------------------------------------------------------------
# (b) the vocabulary of arguments
# -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("package", "folder"), [("microcalc.stats", STATS), ("microcalc.study", STUDY)]
)
def test_no_conf_level_or_level_arguments(package, folder):
    found = [
        f"{package}.{where}: {', '.join(sorted(OLD_LEVEL_NAMES & set(parameters)))}"
        for where, _, parameters in _public_objects(package, folder)
        if OLD_LEVEL_NAMES & set(parameters)
    ]
    assert not found, "use confidence_level, not conf_level or level:\n" + "\n".join(found)


def test_alpha_only_where_it_is_a_significance_level():
    found = [
        f"microcalc.stats.{where}"
        for where, short, parameters in _public_objects("microcalc.stats", STATS)
        if "alpha" in parameters
        and short not in ALPHA_ALLOWED_MODULES
        and where.removesuffix("()") not in ALPHA_ALLOWED
    ]
    assert not found, (
        "alpha is a test's significance level only; for an interval use confidence_level:\n"
        + "\n".join(found)
    )


def test_vocabulary_checks_can_fail():
    objects = list(_public_objects("microcalc.stats", STATS))
    assert len(objects) > 100
    # samplesize functions take alpha (a significance level): the walk sees parameters
    assert any(short == "samplesize" and "alpha" in parameters for _, short, parameters in objects)


# -------------------------------------------------------------------------------------------
# (c) the generated page lists everything
# -------------------------------------------------------------------------------------------
def test_the_generator_finds_every_stats_module():
    found = [m.__name__.rsplit(".", 1)[-1] for m in api_reference.stats_modules()]
    assert found == _source_modules(STATS)
    assert api_reference.sections_missing(PAGE.read_text(encoding="utf-8")) == []
    assert api_reference.sections_missing("no sections here") == found


@pytest.mark.parametrize("short", _source_modules(STATS))
def test_the_page_lists_every_public_function_and_class(short):
    module = importlib.import_module(f"microcalc.stats.{short}")
    text = api_reference.module_markdown(module)
    listed = re.findall(r"^`(\w+)\(", text, flags=re.MULTILINE)
    expected = source_public_names(STATS / f"{short}.py")
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(set(listed))
    # each appears with its one-line summary
    for name in expected:
        assert api_reference.to_markdown(api_reference.summary(getattr(module, name))) in text


@pytest.mark.book
def test_the_built_page_shows_every_function(built_book):
    page = (built_book / "book" / "api.html").read_text(encoding="utf-8")
    for short in _source_modules(STATS):
        for name in source_public_names(STATS / f"{short}.py"):
            assert re.search(rf"<code[^>]*>(<span[^>]*>)?{name}\(", page), f"{short}.{name}"


def test_every_public_stats_class_is_a_frozen_dataclass():
    """The page's introduction says so: results are read-only."""
    mutable = [
        f"{module.__name__}.{name}"
        for module in api_reference.stats_modules()
        for name, cls in api_reference.public_classes(module)
        if not (dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen)
    ]
    assert not mutable, mutable


def test_class_members_on_a_made_up_class():
    @dataclasses.dataclass(frozen=True)
    class Result:
        estimate: float

        @property
        def variance(self) -> float:
            return 0.0

        def to_frame(self):
            return None

        def _private(self):
            return None

    assert api_reference.class_members(Result) == ("to_frame()", "variance")
    assert api_reference.signature_text(Result) == "Result(estimate)"


def test_the_generator_examples():
    """tools/ is outside pytest's doctest paths: run its examples here."""
    result = doctest.testmod(api_reference, raise_on_error=False)
    assert result.attempted >= 3 and result.failed == 0
