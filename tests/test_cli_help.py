"""Every command, at every depth, explains itself and shows an example that can be copied."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import cli


def walk(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)   # (the commands' modules are loaded when asked for)
        for name in command.list_commands(ctx):
            found.extend(walk(command.get_command(ctx, name), path + (name,)))
    return found


COMMANDS = walk(cli)


def example_lines(help_text: str) -> list[str]:
    """The non-blank lines after 'Example:' in a docstring, without click's no-rewrap marker."""
    after = help_text.split("Example:", 1)[1]
    return [line.strip() for line in after.splitlines() if line.strip() and line.strip() != "\b"]


def test_cli_walk_finds_the_known_commands() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "init", "import", "claims", "sources", "sources add", "sources import", "sources list"} <= names


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) or "reconcile" for p, _ in COMMANDS])
def test_command_help_has_an_example_block(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help and command.help.strip().splitlines()[0].strip(), "no help text"
    assert "Example:" in command.help
    examples = example_lines(command.help)
    assert examples, "the Example: block is empty"
    assert examples[0].startswith("reconcile "), examples[0]
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


# Multi-line examples whose docstrings still lack the \b marker (files outside this suite's fixes).
UNMARKED_EXAMPLES: dict[str, str] = {}


def line_by_line(path: tuple[str, ...], command: click.Command):
    name = " ".join(path)
    marks = []
    if name in UNMARKED_EXAMPLES:
        reason = f"{UNMARKED_EXAMPLES[name]}: put a \\b line before the example lines"
        marks = [pytest.mark.xfail(strict=True, reason=reason)]
    return pytest.param(path, command, id=name or "reconcile", marks=marks)


@pytest.mark.parametrize("path, command", [line_by_line(path, command) for path, command in COMMANDS])
def test_command_help_shows_examples_line_by_line(path: tuple[str, ...], command: click.Command) -> None:
    # Regression: click rewraps paragraphs, so a multi-line example ran into one line unless the
    # block is marked with \b; the rendered help must hold each example line as written.
    rendered = [line.strip() for line in CliRunner().invoke(cli, [*path, "--help"]).stdout.splitlines()]
    for line in example_lines(command.help):
        assert line in rendered


def test_every_command_is_listed_and_loads_only_when_asked_for() -> None:
    # The commands' modules are loaded when a command is asked for (cli.main.LAZY_COMMANDS):
    # all 24 are listed, and a process that runs one imports neither the extractor nor the
    # report's page of another.
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == [
        "accept", "audit", "claims", "drafts", "events", "export", "extract", "grade", "import", "init", "link",
        "log", "merge", "places", "reject", "renormalise", "reopen", "report", "review", "run", "show", "sources",
        "split", "unlink"]
    assert all(cli.get_command(ctx, name).name == name for name in cli.list_commands(ctx))
    code = ("import sys; from cli.main import cli; import click; cli.get_command(click.Context(cli), 'events'); "
            "print(sorted(m for m in sys.modules if m.startswith(('cli.', 'reconciler.extract', 'reconciler.report'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent).stdout
    assert "'cli.events'" in loaded and "'cli.main'" in loaded
    assert "cli.extract" not in loaded and "reconciler.extract" not in loaded and "reconciler.report" not in loaded
