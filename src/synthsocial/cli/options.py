"""The command line derived from the specs: each option is a spec field (synthsocial/spec.py).

:func:`command` turns a function ``body(spec, **where)`` into a typer command whose options are the
:func:`~synthsocial.specs.base.option` fields of ``spec`` (nested specs included), parsed by the field's
type and bounds; ``where`` holds the command's own parameters (positional paths, ``--out``), which
are locations, not settings. :data:`FLAGS` maps every field (``posts.adapter``) to its flag, which
is how a library error naming a field reaches the user as the flag they typed.
"""

from __future__ import annotations

import inspect
import math
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import annotated_types as at
import typer

from ..errors import ConfigError, SynthSocialError
from ..specs.base import Spec, cli_of

KEYWORD = inspect.Parameter.KEYWORD_ONLY

#: command name -> (its spec, the names of its own parameters), filled as commands are declared
COMMANDS: dict[str, tuple[type[Spec], tuple[str, ...]]] = {}
#: field path (``stage.field``) -> flag, filled as commands are declared; the commands' own locations
FLAGS: dict[str, str] = {"out": "--out", "overwrite": "--overwrite", "save": "--save"}


# --------------------------------------------------------------------------- value parsers
def parse_int(name: str, minimum: int, maximum: int | None = None):
    """A parser of base-10 integers in [minimum, maximum] for option ``name``."""

    def parse(value: str | int) -> int:
        try:
            v = value if isinstance(value, int) else int(value, 10)
        except (TypeError, ValueError):
            raise typer.BadParameter(
                f"{value!r} is not accepted: use an integer >= {minimum}", param_hint=name
            ) from None
        if v < minimum or (maximum is not None and v > maximum):
            bound = f"from {minimum:,} to {maximum:,}" if maximum is not None else f">= {minimum:,}"
            raise typer.BadParameter(f"{value} is not accepted: use an integer {bound}", param_hint=name)
        return v

    return parse


def parse_float(name: str, lo: float, hi: float):
    """A parser of numbers in [lo, hi] for option ``name`` (nan and inf refused)."""

    def parse(value: str | float) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        if not lo <= v <= hi:
            raise typer.BadParameter(f"{value!r} is not accepted: use a number from {lo:g} to {hi:g}", param_hint=name)
        return v

    return parse


def parse_dir(name: str):
    """A directory to write: an empty path (an unset shell variable) is refused before any work."""

    def parse(value: str | Path) -> Path:
        if not str(value).strip():
            raise typer.BadParameter("is empty: name a directory (an unset shell variable?)", param_hint=name)
        return Path(value)

    return parse


# --------------------------------------------------------------------------- fields -> options
def _limits(metadata, lo: float | None = None, hi: float | None = None) -> tuple[float | None, float | None]:
    """The lower and upper bounds among a field's constraints."""
    for m in metadata:
        if isinstance(m, at.Ge | at.Gt):
            lo = m.ge if isinstance(m, at.Ge) else m.gt
        elif isinstance(m, at.Le | at.Lt):
            hi = m.le if isinstance(m, at.Le) else m.lt
    return lo, hi


def _shape(annotation: Any) -> tuple[Any, bool, float | None, float | None]:
    """(base type, optional, lower bound, upper bound) of a field's annotation."""
    optional, lo, hi = False, None, None
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        optional = len(rest) < len(args)
        annotation = rest[0] if len(rest) == 1 else annotation
    if typing.get_origin(annotation) is Annotated:
        annotation, *meta = typing.get_args(annotation)
        lo, hi = _limits([x for item in meta for x in getattr(item, "metadata", [item])])
    return annotation, optional, lo, hi


def _default(field) -> Any:
    if field.is_required():
        return ...
    return field.get_default(call_default_factory=True)


def _parameter(field, flag_names: tuple[str, ...], cli) -> tuple[Any, Any]:
    """The typer annotation and default of a field."""
    base, optional, lo, hi = _shape(field.annotation)
    lo, hi = _limits(field.metadata, lo, hi)
    default = _default(field)
    info: dict[str, Any] = {"metavar": cli.metavar, "help": field.description or None}
    if base is bool:
        decls = (f"{cli.flag}/{cli.negative}",) if cli.negative else flag_names
        return Annotated[bool | None if optional else bool, typer.Option(*decls, help=info["help"])], default
    if base is int:
        typ: Any = int
        info["parser"] = parse_int(cli.flag, int(lo if lo is not None else -(2**63)), None if hi is None else int(hi))
    elif base is float:
        typ = float
        info["parser"] = parse_float(cli.flag, -math.inf if lo is None else lo, math.inf if hi is None else hi)
    elif base is Path:
        typ = Path
    elif typing.get_origin(base) is Literal:  # checked by check_choice, with the message of a setting
        typ = str
    elif base is dict:  # a mapping is read from a file
        typ = Path
        default = None if default == {} else default
    elif typing.get_origin(base) in (list, tuple) and cli.sep is None:  # a repeatable option
        typ = list[str]
        default = None
    elif cli.sep is not None:  # a list given as one separated value
        typ = str
        if default not in (..., None):
            default = cli.sep.join(map(str, default))
    else:
        typ = str
    if optional:
        typ = typ | None
    return Annotated[typ, typer.Option(*flag_names, **info)], default


def check_choice(flag: str, value: Any, choices: tuple) -> None:
    """Refuse a value of a choice option (exit 2) that is not one of ``choices``."""
    if value is not None and value not in choices:
        accepted = " or ".join(choices) if len(choices) == 2 else "one of " + ", ".join(choices)
        raise ConfigError(f"{flag} {value!r} is not accepted: use {accepted}")


def fields(spec: type[Spec], prefix: str = "") -> list[tuple[str, str, Any, Any]]:
    """(parameter name, path in the spec, field, Cli) of every command-line field of ``spec`` and of the
    specs it holds; registers each field's flag in :data:`FLAGS` under ``stage.field``."""
    out = []
    for name, field in spec.model_fields.items():
        base, _, _, _ = _shape(field.annotation)
        cli = cli_of(name, field)
        if isinstance(base, type) and issubclass(base, Spec) and cli is None:
            out += fields(base, f"{prefix}{name}.")
        elif cli is not None:
            FLAGS[f"{spec.stage}.{name}"] = cli.flag
            out.append((f"{prefix}{name}".replace(".", "__"), f"{prefix}{name}", field, cli))
    return out


def _nest(values: dict[str, Any], declared) -> dict[str, Any]:
    """The spec's data (nested dicts) from the command's values."""
    data: dict[str, Any] = {}
    for pname, path, field, cli in declared:
        v = values.pop(pname)
        base = _shape(field.annotation)[0]
        if typing.get_origin(base) is Literal:
            check_choice(cli.flag, v, typing.get_args(base))
        if v is None:
            continue  # not given: the spec's default
        if isinstance(v, Path):
            v = str(v)
        node = data
        *parents, last = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = v
    return data


def command(app: typer.Typer, spec: type[Spec], *, name: str | None = None, **where: Any):
    """Declare ``body(spec, **where)`` as a command whose options are ``spec``'s fields and ``where``'s
    parameters (each ``(annotation, default)`` or an annotation)."""

    def declare(body):
        declared = fields(spec)
        params = []
        for pname, _, field, cli in declared:
            flags = (cli.flag, *([cli.short] if cli.short else []))
            annotation, default = _parameter(field, flags, cli)
            params.append(inspect.Parameter(pname, KEYWORD, annotation=annotation, default=default))
        for pname, given in where.items():
            annotation, default = given if isinstance(given, tuple) else (given, inspect.Parameter.empty)
            params.append(inspect.Parameter(pname, KEYWORD, annotation=annotation, default=default))
        params.sort(key=lambda p: p.default is not inspect.Parameter.empty)  # required first

        def run(**values: Any) -> Any:
            own = {k: values.pop(k) for k in where}
            return body(spec(**_nest(values, declared)), **own)

        run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        run.__doc__ = body.__doc__
        run.__name__ = body.__name__
        called = name or body.__name__.replace("_", "-")
        COMMANDS[called] = (spec, tuple(where))
        app.command(called)(run)
        return body

    return declare


def error_message(exc: SynthSocialError) -> str:
    """The one line the command prints for ``exc``: fields it names are shown as their flags."""
    return exc.render({k: FLAGS.get(path, path) for k, path in exc.fields.items()}) if exc.fields else str(exc)
