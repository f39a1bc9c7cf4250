"""The stand-in shares no code with what it tests (DESIGN.md, "Dependency rules")."""

from __future__ import annotations

import ast
from pathlib import Path

import m365gov.emulator

ALLOWED_PROJECT_MODULES = ("m365gov.emulator", "m365gov.timeutil")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_emulator_imports_nothing_from_collect_policy_or_views() -> None:
    package = Path(m365gov.emulator.__file__).parent
    for source in package.glob("*.py"):
        project = {n for n in _imports(source) if n.split(".")[0] == "m365gov"}
        offending = {n for n in project if not n.startswith(ALLOWED_PROJECT_MODULES)}
        assert not offending, f"{source.name} imports {offending}"
