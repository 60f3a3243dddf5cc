"""The dependency rule, read from the source: ``core ← accounts ← casework ← benefits ← portal`` (a lower package never
imports a higher one), the pure rules import no ORM and no other app, and ``config`` (settings, URLs, the Celery
app) is imported by no app except where a setting's helper is read through Django's settings object."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "accounts", "casework", "benefits", "portal"]
PROJECT = {*LAYERS, "config", "tests"}


def imports_of(path: Path) -> set[str]:
    """The project packages a module imports (absolute imports; relative ones stay inside its package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("package", LAYERS)
def test_no_package_imports_a_higher_one(package):
    higher = set(LAYERS[LAYERS.index(package) + 1 :]) | {"config", "tests"}
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(package)
        for name in sorted(imports_of(path))
        if name.split(".")[0] in higher
    ]
    assert wrong == [], "\n".join(wrong)


def test_the_rules_are_pure():
    """benefits/rules/: the standard library, core and the rules themselves; no Django model, no other app."""
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("benefits/rules")
        for name in sorted(imports_of(path))
        if name.split(".")[0] in PROJECT - {"core"} or name.startswith(("django.db", "django.apps", "rest_framework"))
    ]
    assert wrong == [], "\n".join(wrong)
