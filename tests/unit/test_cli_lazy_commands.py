"""The command table that lets ``m365gov --help`` start without importing every command module."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from click.testing import CliRunner

import m365gov.cli
from m365gov.cli.app import COMMANDS, main


def test_the_table_names_every_command_its_module_and_its_help() -> None:
    for module in pkgutil.iter_modules(m365gov.cli.__path__):  # every module, listed in the table or not
        importlib.import_module(f"m365gov.cli.{module.name}")
    assert set(main.commands) == set(COMMANDS)
    for name, (module, first_paragraph) in COMMANDS.items():
        command = main.commands[name]
        assert command.callback is not None and command.callback.__module__ == f"m365gov.cli.{module}", name
        assert inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ") == first_paragraph, name


def test_a_command_is_loaded_when_it_runs() -> None:
    result = CliRunner().invoke(main, ["policies", "list"])
    assert result.exit_code == 0 and "RES-003" in result.output
