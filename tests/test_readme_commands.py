"""Every command the README shows works exactly as printed.

The README's commands are taken from its shell blocks and its inline code, then, in README
order, in a fresh copy of the project (no .venv, no demo workbook, no output): each example
is parsed by the real command line; the first hour's (init, run, validate, status,
import-plan) are run through `./ita` as typed, the others (slower, or needing a server or a
Google account) are asked for --help. A
synopsis (`./ita run [--once] [--json]`, `--workbook PATH`) must name only real options.
`./ita` runs this interpreter (ITA_PYTHON) instead of building a .venv of its own.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from automation.cli import COMMANDS, build_parser, main

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")
PREFIXES = ("./ita", "make ", ".venv/bin/python ", "bash ")
# Run for real through ./ita, as printed: the first hour's commands. The rest are parsed as
# printed and asked for --help in-process (each process start costs seconds on a busy machine).
RUN_AS_PRINTED = {"init", "run", "validate", "status", "import-plan"}
PLACEHOLDER = re.compile(r"\b[A-Z]{2,}\b|[\[\]|…<>]")


def readme_commands(text: str = README) -> list[str]:
    """The commands in shell blocks (``` or ```sh) and in inline code, in README order, once each."""
    found: list[tuple[int, str]] = []
    for block in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.M | re.S):
        if block.group(1) not in ("", "sh"):
            continue
        for line in block.group(2).splitlines():
            command = line.split(" #", 1)[0].strip()
            if command.startswith(PREFIXES):
                found.append((block.start(), command))
    blocks = [(m.start(), m.end()) for m in re.finditer(r"^```.*?^```", text, re.M | re.S)]
    for span in re.finditer(r"`([^`\n]+)`", text):
        inside_block = any(a <= span.start() < b for a, b in blocks)
        if not inside_block and span.group(1).startswith(PREFIXES):
            found.append((span.start(), span.group(1).strip()))
    seen: list[str] = []
    for _, command in sorted(found):
        if command not in seen:
            seen.append(command)
    return seen


def is_synopsis(command: str) -> bool:
    """`./ita run [--once]`, `--workbook PATH`, `th|en`: a form to fill in, not an example."""
    return bool(PLACEHOLDER.search(command.replace("./ita", "", 1)))


def test_the_readme_says_once_on_its_first_screen_how_commands_are_run() -> None:
    first_screen = "\n".join(README.splitlines()[:45])
    assert "`./ita COMMAND`" in first_screen and ".venv" in first_screen
    commands = readme_commands()
    assert len(commands) > 30
    assert not [c for c in commands if c.startswith("python ")]  # fails outside the .venv


def test_the_first_hour_is_told_in_order_on_the_first_screen() -> None:
    first_screen = "\n".join(README.splitlines()[:45])
    steps = ["**Try it on the demo**", "**Your own workbook**", "**Google Sheets**", "**On a schedule**"]
    positions = [first_screen.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), positions


def _options(name: str) -> set[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[name]
    return set(sub._option_string_actions)


def test_every_synopsis_names_real_commands_and_options() -> None:
    for command in readme_commands():
        if not command.startswith("./ita ") or not is_synopsis(command):
            continue
        words = command.split()
        name = words[1]
        if name in ("COMMAND", "--help"):
            continue
        assert name in COMMANDS, command
        for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", " ".join(words[2:])):
            assert option in _options(name), f"{command}: {name} has no option {option}"


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as a fresh clone has it: no .venv, no demo workbook, no output or state."""
    root = tmp_path_factory.mktemp("clone") / "ita-automation"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns(
        ".git", ".venv", "output", "state", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache",
        "tests", "demo.xlsx", "office.xlsx"))
    return root


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ITA_PYTHON": sys.executable, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_every_readme_example_runs_as_printed(fresh_clone: Path) -> None:
    ran, helped = [], []
    for command in readme_commands():
        argv = shlex.split(command)
        if is_synopsis(command) or command == "./ita":
            # A form to fill in: its program must exist; its options were checked above.
            if argv[0] == "./ita" or argv[0] == ".venv/bin/python":
                continue
        if argv[0] == "make":
            result = _run(["make", "-n", *argv[1:]], fresh_clone)  # the target exists; nothing is built
        elif argv[0] == "bash":
            result = _run(["bash", "-n", argv[1]], fresh_clone)
        elif argv[0] == ".venv/bin/python":
            result = _run([sys.executable, *argv[1:], "--help"], fresh_clone)
        else:
            name = argv[1] if len(argv) > 1 else ""
            if name.startswith("-"):
                result = _run(argv, fresh_clone)  # ./ita --help: the wrapper itself works
            else:
                try:
                    build_parser().parse_args(argv[1:])  # exactly as printed: options, values, choices
                except SystemExit as stop:
                    pytest.fail(f"`{command}` is not a valid command line (exit {stop.code})")
                # Google needs an account; one real run per command is proof enough (both
                # `run`s: on the new workbook and on the demo built by itself).
                first = name == "run" or all(c.split()[1] != name for c in ran)
                if name in RUN_AS_PRINTED and "gsheets" not in command and first:
                    result = _run(argv, fresh_clone)
                    ran.append(command)
                else:
                    with pytest.raises(SystemExit) as stop:
                        main([*argv[1:], "--help"])
                    assert stop.value.code == 0, command
                    helped.append(command)
                    continue
        assert result.returncode == 0, f"`{command}` exit {result.returncode}:\n{result.stderr[-2000:]}"
        assert "Traceback" not in result.stderr, command
    assert "./ita run" in ran and any(c.startswith("./ita init") for c in ran), ran
    assert any(c.startswith("./ita serve") for c in helped), helped
