"""Every text the web application shows has a Dutch translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vppool.inputs import PYDANTIC_TEMPLATES
from vppool.web._catalogue import DUTCH, catalogue_files
from vppool.web._common import _NAVIGATION
from vppool.web._filters import WHY_NOT
from vppool.web._i18n import translator

pytestmark = pytest.mark.unit

WEB = Path(__file__).parents[3] / "src" / "vppool" / "web"

#: ``t("...")``, the text arguments of the macros and the headings pages set, in the templates.
_TEMPLATE_TEXTS = (
    re.compile(r"""\bt\(\s*"((?:[^"\\]|\\.)+)\""""),
    re.compile(r"""\bt\(\s*'((?:[^'\\]|\\.)+)'"""),
    re.compile(r"""ui\.notice\("([^"]+)"\)"""),
    re.compile(r"""ui\.(?:text|choice)_field\("\w+", "([^"]+)\""""),
    re.compile(r"""hint="([^"]+)\""""),
    re.compile(r""":\s*"([A-Za-z][^"]*)"(?=[,}])"""),  # values of dicts written in a template
    re.compile(r"""ui\.panel\("[\w.-]+", "([^"]+)\""""),  # a panel's heading
    re.compile(r"""\{% set (?:title|heading) = "([^"]+)" %\}"""),  # a page's heading
    re.compile(r"""\{% set action = \("[^"]*", "([^"]+)"\) %\}"""),  # its button
)


def _template_texts() -> set[str]:
    found: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text()
        for pattern in _TEMPLATE_TEXTS:
            found.update(pattern.findall(text))
    return found


def _handler_texts() -> set[str]:
    """Messages the handlers hand to templates (sentences, and the dashboard's reasons)."""
    found: set[str] = set()
    for module in WEB.glob("_*.py"):
        if module.name.startswith("_catalogue"):
            continue
        tree = ast.parse(module.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                sentence = value[:1].isupper() and value.endswith((".", "!"))
                if (sentence and "\n" not in value) or value.startswith(
                    ("no VP on", "certificate of")
                ):
                    found.add(value)
    return found


def test_every_template_text_has_a_dutch_translation() -> None:
    missing = sorted(text for text in _template_texts() if text not in DUTCH)
    assert not missing, f"add these to a file in vppool/web/catalogue/nl/: {missing}"


def test_every_handler_message_has_a_dutch_translation() -> None:
    missing = sorted(text for text in _handler_texts() if text not in DUTCH)
    assert not missing, f"add these to a file in vppool/web/catalogue/nl/: {missing}"


def test_every_navigation_label_has_a_dutch_translation() -> None:
    labels = {item.label for items in _NAVIGATION.values() for item in items}
    assert labels <= set(DUTCH)


def test_every_reason_of_ineligibility_has_a_dutch_translation() -> None:
    assert set(WHY_NOT.values()) <= set(DUTCH)


SOURCES = Path(__file__).parents[3] / "src" / "vppool"

#: Calls whose text argument is a field error's template: (name, index of the argument).
_ERROR_CALLS = {"InvalidValue": 0, "FieldError": 1, "single": 1, "UniqueField": 3}


def _error_templates() -> set[str]:
    """Field-error templates written as text in the code (pydantic's, and ours)."""
    found = set(PYDANTIC_TEMPLATES.values())
    for module in SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = _ERROR_CALLS.get(str(name))
            if index is None or len(node.args) <= index:
                continue
            found.update(_texts(node.args[index]))
    return found


def _texts(node: ast.expr) -> list[str]:
    """The text constants an argument can be (both sides of a conditional expression)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    return []


def test_every_field_error_template_has_a_dutch_translation() -> None:
    templates = _error_templates()
    assert "The last day ({last_day}) is before the first day ({first_day})." in templates
    missing = sorted(text for text in templates if text not in DUTCH)
    assert not missing, f"add these to vppool/web/catalogue/nl/errors.json: {missing}"


def test_placeholders_survive_translation() -> None:
    for english, dutch in DUTCH.items():
        assert set(re.findall(r"\{(\w+)\}", english)) == set(re.findall(r"\{(\w+)\}", dutch)), (
            english
        )


def test_english_is_the_message_id_and_dutch_the_default_translation() -> None:
    assert translator("en")("Log in") == "Log in"
    assert translator("nl")("Log in") == "Inloggen"
    assert translator("nl")("and {count} more", count=3) == "en nog 3"


def test_no_two_catalogue_files_translate_one_text_differently() -> None:
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for area, texts in catalogue_files().items():
        assert texts, f"catalogue/nl/{area}.json is empty"
        for english, dutch in texts.items():
            if english in seen and seen[english][1] != dutch:
                clashes.append(f"{english!r}: {seen[english][0]} and {area}")
            seen.setdefault(english, (area, dutch))
    assert not clashes, "translated differently: " + "; ".join(clashes)


def test_every_document_text_has_a_dutch_translation() -> None:
    """The PDF and CSV documents' words (every ``t("...")`` in ``web/documents.py``)."""
    tree = ast.parse((WEB / "documents.py").read_text())
    texts = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "t")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "t")
        )
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
    assert len(texts) > 20
    missing = sorted(text for text in texts if text not in DUTCH)
    assert not missing, f"add these to a file in vppool/web/catalogue/nl/: {missing}"


#: Where a calendar that cannot be read says why (stored on the source, shown to the VP).
_CALENDAR_PROBLEM_MODULES = ("calendar/_scan.py", "calendar/_import.py", "services/fetch.py")
_CALENDAR_ERRORS = {"CalendarImportError", "FetchError", "Problem"}
#: What ``CalendarImportError`` joins to its template for each place it is given.
_WHERE = {
    frozenset(): "",
    frozenset({"line"}): " (line {line})",
    frozenset({"uid"}): " (UID {uid})",
    frozenset({"line", "uid"}): " (line {line}, UID {uid})",
}


def _calendar_problem_templates() -> set[str]:
    """Every template a calendar read can fail with, with each "where" it can carry."""
    found: set[str] = set()
    for relative in (*_CALENDAR_PROBLEM_MODULES, "services/calendar_sources.py"):
        tree = ast.parse((SOURCES / relative).read_text())
        functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        # What a name holds where it is raised: the last binding before the call.
        bindings: list[tuple[int, str, set[str]]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
                if isinstance(target, ast.Name):
                    bindings.append((node.lineno, target.id, set(_texts(value))))
                elif isinstance(target, ast.Tuple) and isinstance(value, ast.Call):
                    called = functions.get(getattr(value.func, "id", ""))
                    returns = [
                        r.value.elts[0]
                        for r in ast.walk(called or ast.Pass())
                        if isinstance(r, ast.Return) and isinstance(r.value, ast.Tuple)
                    ]
                    first = target.elts[0]
                    if isinstance(first, ast.Name):
                        texts = {text for r in returns for text in _texts(r)}
                        bindings.append((node.lineno, first.id, texts))
            if isinstance(node, ast.For) and isinstance(node.target, ast.Tuple):
                table = constants.get(getattr(node.iter, "id", ""))
                second = node.target.elts[1]
                if isinstance(table, ast.Tuple) and isinstance(second, ast.Name):
                    texts = {
                        text
                        for row in table.elts
                        if isinstance(row, ast.Tuple)
                        for text in _texts(row.elts[1])
                    }
                    bindings.append((node.lineno, second.id, texts))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            if getattr(node.func, "id", None) not in _CALENDAR_ERRORS:
                continue
            argument = node.args[0]
            if isinstance(argument, ast.Name):
                earlier = [b for b in bindings if b[1] == argument.id and b[0] <= node.lineno]
                if earlier:
                    texts = max(earlier, key=lambda b: b[0])[2]
                else:
                    texts = set(_texts(constants.get(argument.id, ast.Pass())))  # type: ignore[arg-type]
            else:
                texts = set(_texts(argument))
            given = {k.arg for k in node.keywords if k.arg in {"line", "uid"}}
            wheres = [w for places, w in _WHERE.items() if places <= given]
            found.update(text + where for text in texts if text for where in wheres)
    return found


def test_every_calendar_problem_has_a_dutch_translation() -> None:
    templates = _calendar_problem_templates()
    assert "the calendar ends without END:VCALENDAR: the file looks cut off (line {line})" in (
        templates
    )
    assert "the calendar server answered {status} {reason}" in templates
    assert len(templates) > 30
    missing = sorted(text for text in templates if text not in DUTCH)
    assert not missing, f"add these to vppool/web/catalogue/nl/calendars.json: {missing}"


def _intervision_reasons() -> set[str]:
    """Every reason the intervision services say with a message id (``_said``/``said``),
    and the tables of them."""
    found: set[str] = set()
    for relative in ("services/intervision.py", "services/intervision_reform.py"):
        tree = ast.parse((SOURCES / relative).read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in {"_said", "said"}
                and node.args
            ):
                found.update(_texts(node.args[0]))
            if (
                isinstance(node, ast.Assign | ast.AnnAssign)
                and isinstance(node.value, ast.Dict)
                and any(getattr(t, "id", "") in {"_LEFT_OUT", "_JOINS"} for t in _targets(node))
            ):
                for value in node.value.values:
                    found.update(_texts(value))
    return found


def _targets(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def test_every_intervision_reason_has_a_dutch_translation() -> None:
    reasons = _intervision_reasons()
    assert "{group} dissolved: {left} of {size} members left" in reasons  # the scan works
    assert "the group has no members" in reasons
    missing = sorted(text for text in reasons if text not in DUTCH)
    assert missing == []
