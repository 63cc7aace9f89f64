"""The README stays true: every command has help text and is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from automation.cli import COMMANDS, build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
build_parser()  # imports the feature modules, which register their commands


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_text(name: str) -> None:
    cmd = COMMANDS[name]
    assert cmd.help.strip() and cmd.description.strip()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert re.search(rf"\./ita {re.escape(name)}\b", README), f"README lacks `./ita {name}`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_of_a_command_has_help(name: str) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[name]
    for action in sub._actions:
        if action.dest != "help":
            assert action.help, f"{name} {action.option_strings} has no help text"


def test_readme_gives_exactly_the_two_setup_commands() -> None:
    block = README.split("## Set-up: two commands", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def _documented_modules() -> set[str]:
    table = README.split("| module | what it is |", 1)[1].split("\n\n", 1)[0]
    names: set[str] = set()
    for line in table.splitlines():
        first_cell = line.split("|")[1] if line.startswith("|") else ""
        names.update(n.rstrip("/") for n in re.findall(r"`([^`]+)`", first_cell))
    return names


def test_every_module_is_in_the_readme_module_map() -> None:
    package = Path(__file__).resolve().parent.parent / "automation"
    modules = {p.stem for p in package.glob("*.py") if p.stem not in {"__init__", "cli"}}
    modules |= {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(modules - _documented_modules())
    assert not missing, f"README's module map lacks {missing}"


def test_readme_commands_are_typed_the_one_way_the_first_screen_says() -> None:
    """`./ita …` (or `make …`), never `python main.py …`, which fails outside the .venv;
    tests/test_readme_commands.py runs them as printed."""
    bare = re.findall(r"(?<![/\w])python3? (?:main\.py|-m)[^\n`]*", README)
    assert not bare, f"README commands that fail outside .venv (write ./ita … or .venv/bin/python …): {bare}"
    assert "`./ita COMMAND`" in "\n".join(README.splitlines()[:45])


def test_the_shipped_settings_name_commands_the_one_way_the_first_screen_says() -> None:
    """The comments in config/settings.toml are read beside the README: `./ita …` there too."""
    settings = (Path(__file__).resolve().parent.parent / "config" / "settings.toml").read_text(encoding="utf-8")
    bare = re.findall(r"(?<![/\w])python3? (?:main\.py|-m)[^\n)]*", settings)
    assert not bare, f"settings comments naming commands that fail outside .venv: {bare}"
