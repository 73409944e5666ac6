"""Every option is declared once: each option of every command is a field of the command's spec
(synthsocial/specs), or one of the command's own locations (where to read and write, how to print);
and every field of a spec is on some command or says why not (specs.base.internal)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import typer

import synthsocial.specs
from synthsocial.cli import app
from synthsocial.cli.options import COMMANDS, FLAGS, _shape
from synthsocial.errors import ConfigError
from synthsocial.specs.base import Spec, cli_of, why_internal

# A command's own parameters: where it reads and writes and how it prints, not settings of a stage.
LOCATIONS = {
    "out": "the directory written",
    "overwrite": "whether the directory written may replace one of ours",
    "as_json": "how the result is printed",
    "directory": "the world read",
    "world": "the world read",
    "targets": "the graphs measured",
    "synthetic": "the posts measured",
    "save": "the directory written",
}


def _specs() -> list[type[Spec]]:
    for m in pkgutil.iter_modules(synthsocial.specs.__path__):
        importlib.import_module(f"synthsocial.specs.{m.name}")
    seen, todo = [], list(Spec.__subclasses__())
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo += cls.__subclasses__()
    return seen


def test_every_option_of_every_command_is_a_field_or_a_location():
    command = typer.main.get_command(app)
    assert set(COMMANDS) == set(command.commands), "a command is not derived from a spec"
    for name, (spec, where) in COMMANDS.items():
        fields = {p for p, *_ in _flat(spec)}
        assert set(where) <= set(LOCATIONS), f"{name}: {set(where) - set(LOCATIONS)} are settings, not locations"
        for param in command.commands[name].params:
            assert param.name in fields or param.name in where, f"{name}: option {param.opts} is not a spec field"


def _flat(spec: type[Spec], prefix: str = ""):
    for name, field in spec.model_fields.items():
        base = _shape(field.annotation)[0]
        if isinstance(base, type) and issubclass(base, Spec) and cli_of(name, field) is None:
            yield from _flat(base, f"{prefix}{name}__")
        else:
            yield f"{prefix}{name}", field


def _reachable() -> set[type[Spec]]:
    found, todo = set(), [spec for spec, _ in COMMANDS.values() if spec is not None]
    while todo:
        spec = todo.pop()
        found.add(spec)
        todo += [
            b
            for f in spec.model_fields.values()
            if isinstance(b := _shape(f.annotation)[0], type) and issubclass(b, Spec)
        ]
    return found


def test_every_field_is_on_a_command_or_says_why_not():
    on_commands = _reachable()
    for spec in _specs():
        for name, field in spec.model_fields.items():
            base = _shape(field.annotation)[0]
            if isinstance(base, type) and issubclass(base, Spec):
                continue  # a spec within a spec: its fields are its own
            if cli_of(name, field) is not None:
                assert spec in on_commands, f"{spec.__name__}.{name} has a flag but no command shows it"
            else:
                assert why_internal(field), f"{spec.__name__}.{name}: on no command, and no reason given"


def test_flags_are_unique_per_command():
    command = typer.main.get_command(app)
    for name in COMMANDS:
        opts = [o for p in command.commands[name].params for o in p.opts + p.secondary_opts]
        assert len(opts) == len(set(opts)), f"{name}: a flag is declared twice"


@pytest.mark.parametrize(
    "field, flag", [("engine.scheduler", "--scheduler"), ("generate.nodes", "--nodes"), ("report.seeds", "--seeds")]
)
def test_a_library_error_naming_a_field_shows_its_flag(field, flag):
    from synthsocial.cli.options import error_message

    exc = ConfigError("{f} is wrong", f=field)
    assert str(exc) == f"{field} is wrong"  # the library's words: the field
    assert FLAGS[field] == flag
    assert error_message(exc) == f"{flag} is wrong"  # the command line's: the flag


def test_the_readme_command_table_names_only_options_that_exist():
    """The README's command reference lists options by hand: every flag it names is one the command has."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    command = typer.main.get_command(app)
    rows = re.findall(r"^\| `([a-z-]+)` \| [^|]+ \| `(.+)` \|$", readme, flags=re.M)
    assert {name for name, _ in rows} == set(command.commands), "the table does not list every command once"
    for name, usage in rows:
        known = {o for p in command.commands[name].params for o in p.opts + p.secondary_opts}
        named = set(re.findall(r"--[a-z][a-z-]*", usage.replace("\\|", "|")))
        assert named <= known, f"README: {name} has no {sorted(named - known)}"
