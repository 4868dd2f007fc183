"""The API reference of :mod:`microcalc.stats`, generated from the code by introspection.

``book/api.md`` calls this module at build time, so the page always shows the names, signatures,
one-line summaries and references that the code has now: nothing on the page is typed by hand.

What counts as public, in each module of :mod:`microcalc.stats`: a function or class **defined
in that module** (not imported into it), whose name has no leading underscore and, when the
module has an ``__all__``, is listed there. Constants are left out. Classes are the result
classes (frozen dataclasses) and the few helper classes the modules export.

The summary is the first paragraph of the docstring; the reference is the first entry of the
numpy-style ``References`` section (:func:`references` splits the section into entries, as
numpydoc is not among the locked packages).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import pkgutil
import re
from types import ModuleType

__all__ = [
    "Entry",
    "class_members",
    "docstring_sections",
    "first_reference",
    "module_markdown",
    "module_summary",
    "overview_markdown",
    "public_classes",
    "public_functions",
    "public_members",
    "references",
    "sections_missing",
    "signature_text",
    "stats_modules",
    "summary",
    "to_markdown",
]

PACKAGE = "microcalc.stats"

# A numpy-style section heading: a title line underlined by dashes of the same length.
_SECTION = re.compile(r"^(?P<title>[A-Za-z][A-Za-z ]*)\n(?P<rule>-{3,})\s*$", re.MULTILINE)
# The first line of a reference entry: "Surname AB," / "Surname AB." / "Surname A (1960)",
# or a numpydoc footnote ".. [1]", or a list bullet.
_ENTRY_START = re.compile(
    r"^(?:\.\. \[[^\]]+\]\s*|[-*] |"
    r"(?:(?:[Vv]an|[Vv]on|[Dd]e|[Dd]er|[Dd]en|[Ll]e|[Ll]a|[Dd]u|[Dd]a|[Dd]i) )*[A-Z][\w'\u2019-]+ [A-Z]{1,3}(?:,|\.|\s\(|$))"
)
# Sphinx roles whose text a reader of the page needs as code: :func:`~a.b` -> `b`, :class:`x`.
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|obj|exc|term|math):`~?([^`]+)`")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One public function or class of a module, as the API reference shows it.

    Attributes
    ----------
    module : str
        The module's short name (``"roc"``).
    name : str
        The function's or class's name.
    kind : str
        ``"function"`` or ``"class"``.
    signature : str
        :func:`signature_text` of the object.
    summary : str
        :func:`summary` of its docstring (``""`` when there is none).
    reference : str
        :func:`first_reference` of its docstring (``""`` when it has no References section).
    members : tuple of str
        For a class, its public methods (``"to_frame()"``) and properties (``"variance"``).
    """

    module: str
    name: str
    kind: str
    signature: str
    summary: str
    reference: str
    members: tuple[str, ...] = ()


def stats_modules() -> list[ModuleType]:
    """Every module of :mod:`microcalc.stats`, imported, in alphabetical order of name."""
    package = importlib.import_module(PACKAGE)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    return [importlib.import_module(f"{PACKAGE}.{name}") for name in names if name[0] != "_"]


def public_members(module: ModuleType) -> list[tuple[str, object]]:
    """The public functions and classes of ``module``, sorted by name (see the module doc)."""
    listed = getattr(module, "__all__", None)
    found = []
    for name, value in vars(module).items():
        if name.startswith("_") or (listed is not None and name not in listed):
            continue
        if not (inspect.isfunction(value) or inspect.isclass(value)):
            continue
        if getattr(value, "__module__", None) != module.__name__:
            continue  # imported from elsewhere
        found.append((name, value))
    return sorted(found, key=lambda item: item[0].lower())


def public_functions(module: ModuleType) -> list[tuple[str, object]]:
    """The public functions of ``module`` (:func:`public_members` that are functions)."""
    return [(n, v) for n, v in public_members(module) if inspect.isfunction(v)]


def public_classes(module: ModuleType) -> list[tuple[str, object]]:
    """The public classes of ``module`` (:func:`public_members` that are classes)."""
    return [(n, v) for n, v in public_members(module) if inspect.isclass(v)]


def _own_doc(obj) -> str:
    """The object's own docstring, cleaned; not one inherited from a base class."""
    doc = obj.__doc__ if inspect.isclass(obj) else inspect.getdoc(obj)
    if inspect.isclass(obj) and doc and dataclasses.is_dataclass(obj):
        # a dataclass without a docstring gets its generated signature as its __doc__
        if doc.startswith(f"{obj.__name__}("):
            doc = None
    return inspect.cleandoc(doc) if doc else ""


def summary(obj_or_doc) -> str:
    """The one-line summary: the docstring's first paragraph, on one line.

    Accepts an object or a docstring.

    Examples
    --------
    >>> summary('''Area under the curve.
    ...
    ...     Parameters
    ...     ----------
    ...     ''')
    'Area under the curve.'
    """
    doc = obj_or_doc if isinstance(obj_or_doc, str) else _own_doc(obj_or_doc)
    doc = inspect.cleandoc(doc)
    if not doc.strip() or _SECTION.match(doc.strip()):
        return ""
    first = re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0]
    return " ".join(first.split())


def docstring_sections(doc: str) -> dict[str, str]:
    """The numpy-style sections of a docstring, by title (``"References"``: its body).

    A section is a title line underlined by at least three dashes; the text before the first
    section is under the key ``""``.
    """
    doc = inspect.cleandoc(doc)
    sections: dict[str, str] = {}
    matches = [m for m in _SECTION.finditer(doc) if len(m["rule"]) >= len(m["title"].strip())]
    sections[""] = doc[: matches[0].start()] if matches else doc
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        end = following.start() if following is not None else len(doc)
        sections[match["title"].strip()] = doc[match.end() : end].strip("\n")
    return sections


def references(obj_or_doc) -> list[str]:
    """The entries of the docstring's ``References`` section, each on one line.

    Entries are separated by blank lines, numpydoc footnotes (``.. [1]``), list bullets, or a
    line that starts like an author list (``Surname AB,``, ``Surname AB.``,
    ``Surname A (1960)``); other lines continue the entry above. Footnote marks and bullets
    are removed. An empty list when there is no References section.

    Examples
    --------
    >>> references('''Summary.
    ...
    ... References
    ... ----------
    ... Shrout PE, Fleiss JL (1979). Intraclass correlations.
    ... Psychol Bull 86:420-428.
    ... McGraw KO, Wong SP (1996). Psychol Methods 1:30-46.
    ... ''')
    ['Shrout PE, Fleiss JL (1979). Intraclass correlations. Psychol Bull 86:420-428.', \
'McGraw KO, Wong SP (1996). Psychol Methods 1:30-46.']
    """
    doc = obj_or_doc if isinstance(obj_or_doc, str) else _own_doc(obj_or_doc)
    body = docstring_sections(doc).get("References")
    if body is None:
        return []
    entries: list[list[str]] = []
    new_entry = True
    for raw in inspect.cleandoc(body).splitlines():
        line = raw.strip()
        if not line:
            new_entry = True
            continue
        if new_entry or _ENTRY_START.match(line) or not entries:
            entries.append([])
        entries[-1].append(line)
        new_entry = False
    cleaned = []
    for lines in entries:
        text = " ".join(lines)
        text = re.sub(r"^(?:\.\. \[[^\]]+\]|[-*])\s*", "", text)
        cleaned.append(" ".join(text.split()))
    return [text for text in cleaned if text]


def first_reference(obj_or_doc) -> str:
    """The first entry of the References section, or ``""`` when there is none."""
    found = references(obj_or_doc)
    return found[0] if found else ""


def _default_text(value, width: int = 48) -> str:
    if inspect.isclass(value) or inspect.isfunction(value):
        return value.__name__
    text = repr(value)
    if len(text) <= width:
        return text
    if isinstance(value, tuple | list):  # the first items, then an ellipsis
        shown, opening, closing = [], *("()" if isinstance(value, tuple) else "[]")
        for item in value:
            if len(", ".join([*shown, repr(item)])) > width - 6:
                break
            shown.append(repr(item))
        return f"{opening}{', '.join([*shown, '...'])}{closing}"
    return text[: width - 3] + "..."


def signature_text(obj) -> str:
    """The call signature without type annotations: ``name(a, b, *, c=0.95) -> Result``.

    Keyword-only and positional-only markers and defaults are kept; the return annotation is
    kept when it is a single name (a result class, ``float``, ``pd.DataFrame``).
    """
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):  # some builtins and C extensions
        return f"{obj.__name__}(...)"
    parts: list[str] = []
    star_done = False
    positional_only = False
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.POSITIONAL_ONLY:
            positional_only = True
        elif positional_only:
            parts.append("/")
            positional_only = False
        if parameter.kind is parameter.VAR_POSITIONAL:
            parts.append(f"*{parameter.name}")
            star_done = True
            continue
        if parameter.kind is parameter.VAR_KEYWORD:
            parts.append(f"**{parameter.name}")
            continue
        if parameter.kind is parameter.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        text = parameter.name
        if parameter.default is not parameter.empty:
            text += f"={_default_text(parameter.default)}"
        parts.append(text)
    if positional_only:
        parts.append("/")
    text = f"{obj.__name__}({', '.join(parts)})"
    annotation = signature.return_annotation
    if inspect.isclass(obj):
        return text
    if annotation is signature.empty:
        return text
    if isinstance(annotation, type):
        annotation = annotation.__name__
    if isinstance(annotation, str) and re.fullmatch(r"[\w.]+", annotation):
        text += f" -> {annotation}"
    return text


def class_members(cls: type) -> tuple[str, ...]:
    """The public methods (``"name()"``) and properties a class defines itself, by name."""
    found = []
    for name, value in sorted(vars(cls).items()):
        if name.startswith("_"):
            continue
        function = value.__func__ if isinstance(value, classmethod | staticmethod) else value
        if inspect.isfunction(function):
            found.append(f"{name}()")
        elif isinstance(value, property | functools.cached_property):
            found.append(name)
    return tuple(found)


def entries(module: ModuleType) -> list[Entry]:
    """The module's public functions, then its public classes, as :class:`Entry` rows."""
    short = module.__name__.rsplit(".", 1)[-1]
    rows = []
    for kind, members in (("function", public_functions), ("class", public_classes)):
        for name, value in members(module):
            rows.append(
                Entry(
                    short,
                    name,
                    kind,
                    signature_text(value),
                    summary(value),
                    first_reference(value),
                    class_members(value) if kind == "class" else (),
                )
            )
    return rows


def module_summary(module: ModuleType) -> str:
    """The first line of the module's docstring, without its final period."""
    return summary(module.__doc__ or module.__name__).rstrip(".")


def to_markdown(text: str) -> str:
    """Docstring text (reStructuredText) as safe inline MyST Markdown.

    Double-backtick literals and Sphinx roles (``:func:`~a.b``` -> ```b```) become code spans;
    outside code, Markdown punctuation is escaped so that nothing is read as markup.

    Examples
    --------
    >>> print(to_markdown("Uses :func:`~microcalc.stats.roc.auc` and ``x >= 1`` *fast*."))
    Uses `auc` and `x >= 1` \\*fast\\*.
    """
    text = _ROLE.sub(lambda m: "``" + m[1].rsplit(".", 1)[-1] + "``", text)
    pieces = re.split(r"(``.+?``)", text)
    out = []
    for piece in pieces:
        if piece.startswith("``") and piece.endswith("``") and len(piece) > 4:
            code = piece[2:-2]
            fence = "``" if "`" in code else "`"
            pad = " " if "`" in code else ""
            out.append(f"{fence}{pad}{code}{pad}{fence}")
        else:
            out.append(re.sub(r"([\\`*_{}\[\]<>|$~])", r"\\\1", piece))
    return "".join(out)


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def module_markdown(module: ModuleType) -> str:
    """A module's part of the page: its import path, then a definition list of its members.

    Each term is the signature (as code); its definition is the one-line summary and, when the
    docstring has one, the first reference. Functions come first, then classes.
    """
    rows = entries(module)
    functions = [row for row in rows if row.kind == "function"]
    classes = [row for row in rows if row.kind == "class"]
    lines = [
        f"Module {_code(module.__name__)}: {len(functions)} functions, {len(classes)} classes.",
        "",
    ]
    for title, group in (("Functions", functions), ("Result and helper classes", classes)):
        if not group:
            continue
        lines += [f"**{title}**", ""]
        for row in group:
            lines.append(_code(row.signature))
            definition = to_markdown(row.summary) if row.summary else "*(no summary)*"
            extra = []  # each on its own line, after a hard line break (backslash)
            if row.reference:
                extra.append(f"*Reference:* {to_markdown(row.reference)}")
            if row.members:
                extra.append(
                    "*Methods and properties:* "
                    + ", ".join(_code(member) for member in row.members)
                )
            lines.append(f": {definition}" + ("\\" if extra else ""))
            lines += [f"  {line}\\" for line in extra[:-1]] + [f"  {line}" for line in extra[-1:]]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def overview_markdown(modules: list[ModuleType] | None = None) -> str:
    """A table of the modules: name, one-line summary, numbers of functions and classes."""
    modules = stats_modules() if modules is None else modules
    lines = ["| module | what it does | functions | classes |", "|---|---|--:|--:|"]
    for module in modules:
        rows = entries(module)
        n_functions = sum(row.kind == "function" for row in rows)
        lines.append(
            f"| {_code(module.__name__.rsplit('.', 1)[-1])} "
            f"| {to_markdown(module_summary(module))} "
            f"| {n_functions} | {len(rows) - n_functions} |"
        )
    return "\n".join(lines) + "\n"


def sections_missing(page: str, modules: list[ModuleType] | None = None) -> list[str]:
    """Modules of :mod:`microcalc.stats` that the page source has no ``{glue:md}`` block for.

    ``book/api.md`` pastes each module's part with ``{glue:md} <module>-api``; a module added
    to the package without a section there is named here (the page then fails the build).
    """
    modules = stats_modules() if modules is None else modules
    shorts = [module.__name__.rsplit(".", 1)[-1] for module in modules]
    return [short for short in shorts if not re.search(rf"\{{glue:md\}} {short}-api\b", page)]
