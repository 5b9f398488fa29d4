"""The library does not know its command line: no message names a command, no click, no printing.

Every module of ``reconciler`` is read with ``ast``: a string constant or the literal text of an
f-string (outside docstrings) that says "`reconcile " or "reconcile <command>" would put a
command line hint in the library; the CLI (cli/context.py) words those from the errors' fields.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import click
import pytest

import reconciler
from cli.main import cli

COMMANDS = cli.list_commands(click.Context(cli))
NAMES_A_COMMAND = re.compile(r"`reconcile |\breconcile (?:" + "|".join(map(re.escape, COMMANDS)) + r")\b")


def modules() -> list[str]:
    names = [reconciler.__name__]
    names += [info.name for info in pkgutil.walk_packages(reconciler.__path__, f"{reconciler.__name__}.")]
    return sorted(names)


def parsed(name: str) -> tuple[Path, ast.Module]:
    path = Path(importlib.import_module(name).__file__)
    return path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes of the module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def texts(tree: ast.Module) -> list[tuple[int, str]]:
    """Each string constant, and each f-string with "{}" for what it fills in, outside docstrings."""
    skip = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            found.append((node.lineno, text))
            skip.update(id(v) for v in node.values)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            found.append((node.lineno, node.value))
    return sorted(found)


def command_hints(tree: ast.Module) -> list[tuple[int, str]]:
    return [(line, text) for line, text in texts(tree) if NAMES_A_COMMAND.search(text)]


def test_library_messages_name_no_command() -> None:
    found = [f"{path.name}:{line}: {text!r}" for name in modules() for path, tree in [parsed(name)]
             for line, text in command_hints(tree)]
    assert found == []


def test_library_messages_check_catches_a_command_hint() -> None:
    # The check itself: each form a hint took before the CLI wrote them is caught, a plain fact is not.
    tree = ast.parse('def f(event_id):\n'
                     '    """Docstrings may say `reconcile show` does this."""\n'
                     '    a = "run `reconcile init` to create one"\n'
                     '    b = f"look again with `reconcile show {event_id}`"\n'
                     '    c = "claims changed since the last run: reconcile run re-decides them"\n'
                     '    d = f"`reconcile {event_id}`"\n'
                     '    e = "it was changed outside reconcile since audit entry 3"\n')
    assert [line for line, _ in command_hints(tree)] == [3, 4, 5, 6]


@pytest.mark.parametrize("name", modules())
def test_library_module_imports_no_click_and_prints_nothing(name: str) -> None:
    _, tree = parsed(name)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    calls = {ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert "click" not in imported
    assert not calls & {"print", "sys.exit", "exit", "quit"}
