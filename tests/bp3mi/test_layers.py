"""The apps form layers, and imports run downwards only: a lower app never imports a higher
one (nor a peer on its own level), whether at the top of a module or inside a function.

    bp3mi < stakeholders < registrations < documents < complaints < statistics < demo

Complaints reuse the documents' upload checks, so they sit above documents. A lower page that
shows a higher app's figures does so through a template tag library the higher app registers
(STYLE.md): loading such a library from a template is allowed, importing the app is not.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAYERS = {
    "bp3mi": 0,
    "stakeholders": 1,
    "registrations": 2,
    "documents": 3,
    "complaints": 4,
    "statistics": 5,
    # The statistics app's package (a package named `statistics` would shadow the standard
    # module); its templates live under templates/statistics/.
    "reports": 5,
    "demo": 6,
}
APPS = [app for app in LAYERS if (ROOT / app).is_dir()]


def imported_apps(source: str) -> set[str]:
    """The project apps a module imports, anywhere in it (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return found


def upward_imports(app: str) -> list[str]:
    """`path -> app` for each import of `app`'s modules that does not point downwards."""
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for other in imported_apps(path.read_text(encoding="utf-8")):
            if other != app and LAYERS[other] >= LAYERS[app]:
                problems.append(f"{path.relative_to(ROOT)} -> {other}")
    return problems


def test_the_checker_sees_imports_at_any_depth():
    source = "import os\nfrom registrations.models import X\ndef f():\n    import documents.tasks\n"
    assert imported_apps(source) == {"registrations", "documents"}
    assert imported_apps("from .models import X\nfrom django.db import models\n") == set()


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_a_higher_or_peer_app(app):
    assert upward_imports(app) == []
