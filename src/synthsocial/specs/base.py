"""One spec per stage: a stage's settings as one frozen, validated object, each declared once.

A spec is an :class:`~synthsocial.config.Options` (frozen, no unknown keys, a ConfigError of one line
for a bad value). Each field is declared with :func:`option` (a setting the command line exposes:
its flag, help text, metavar; default and bounds come from the field itself) or :func:`internal`
(a setting only the library and config files reach, with the reason). The command line is built
from these declarations (synthsocial/cli/options.py), so a new option is one field and its use.

A library error about a setting names the field (``posts.adapter``): raise
``ConfigError("{adapter} ... is not a directory", adapter="posts.adapter")`` and the command line
shows the flag (``--adapter``) in its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic.fields import FieldInfo

from ..config import IntRange, Options
from ..errors import ConfigError
from ..rng import MAX_SEED

Seed = IntRange(0, MAX_SEED)


def _overrides(value: object) -> object:
    """A generator config given as a file, a GeneratorConfig or a dict: the settings it gives (a dict)."""
    from ..config import GeneratorConfig

    return GeneratorConfig.coerce(value).overrides() if value is not None and not isinstance(value, dict) else value


def _items(value: object) -> object:
    return [x.strip() for x in value.split(",") if x.strip()] if isinstance(value, str) else value


#: a list of words, also given as one comma-separated text (empty items dropped)
CommaList = Annotated[list[str], BeforeValidator(_items)]

#: the generator settings a config changes (GeneratorConfig.overrides): read from a TOML/JSON file,
#: a GeneratorConfig or a dict
Overrides = Annotated[dict, BeforeValidator(_overrides)]


@dataclass(frozen=True)
class Cli:
    """How a field appears on the command line: ``flag`` (``--nodes``), an optional ``short`` name
    (``-n``), the ``metavar`` of its value, ``sep`` for a list given as one separated value
    (``--stance-topics A,B``: the command line passes the text, the field's type splits it),
    ``negative`` for a boolean with an off switch
    (``--no-homophily``)."""

    flag: str
    short: str | None = None
    metavar: str | None = None
    sep: str | None = None
    negative: str | None = None


def option(
    default: Any = ...,
    help: str = "",
    flag: str | None = None,
    *,
    short: str | None = None,
    metavar: str | None = None,
    sep: str | None = None,
    negative: str | None = None,
    default_factory: Any = None,
) -> Any:
    """A field the command line exposes. ``flag`` defaults to the field's name with dashes; the
    field's type and bounds decide how its value is parsed and checked."""
    cli = {"flag": flag, "short": short, "metavar": metavar, "sep": sep, "negative": negative}
    if default_factory is not None:
        return Field(default_factory=default_factory, description=help, json_schema_extra={"cli": cli})
    return Field(default, description=help, json_schema_extra={"cli": cli})


def internal(default: Any = ..., why: str = "", *, default_factory: Any = None) -> Any:
    """A field no command exposes, with the reason (a config file sets it, or the library only)."""
    if not why:
        raise ValueError("internal(): say why the command line does not expose this field")
    extra = {"internal": why}
    if default_factory is not None:
        return Field(default_factory=default_factory, json_schema_extra=extra)
    return Field(default, json_schema_extra=extra)


class Spec(Options):
    """Base of the stages' specs; ``stage`` names the stage in errors (``posts.adapter``) and stages.json."""

    stage: ClassVar[str] = ""


def cli_of(name: str, field: FieldInfo) -> Cli | None:
    """The command-line form of field ``name``: None for an :func:`internal` field or a plain one."""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    cli = extra.get("cli")
    if not isinstance(cli, dict):
        return None
    return Cli(**{**cli, "flag": cli.get("flag") or "--" + name.replace("_", "-")})


def why_internal(field: FieldInfo) -> str | None:
    """The stated reason a field is not on the command line, or None."""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    why = extra.get("internal")
    return why if isinstance(why, str) else None


# ----------------------------------------------------------------------- fields many stages share
def seed_field(help: str = "Random seed: same seed, same output.") -> Any:
    """The ``--seed`` / ``-s`` field (0 <= seed <= MAX_SEED; the type is :data:`Seed`)."""
    return option(0, help, short="-s", metavar="S")


def nodes_field(default: Any = ..., help: str = "Number of users (>= 2).") -> Any:
    """The ``--nodes`` / ``-n`` field."""
    return option(default, help, short="-n", metavar="N")


def reference_field(default: Any = "bluesky", help: str = "Built-in profile (bluesky) or a graph file.") -> Any:
    """The ``--reference`` / ``-r`` field: a reference profile's name or a graph file."""
    return option(default, help, short="-r", metavar="NAME|PATH")


def directed_field() -> Any:
    """The ``--directed/--undirected`` field: how edge lists are read (None: by the file)."""
    return option(None, "How to read edge lists.", negative="--undirected")


def config_field(help: str = "Generator settings to change (TOML or JSON; docs/algorithm.md).") -> Any:
    """The ``--config`` / ``-c`` field (type :data:`Overrides`): a generator config file."""
    return option(help=help, short="-c", metavar="FILE", default_factory=dict)


def profile_field(default: str = "bluesky", help: str | None = None) -> Any:
    """The ``--profile`` field: the generator settings a world starts from."""
    help = help or "Settings to start from: bluesky (calibrated to Bluesky) or paper (Table III)."
    return option(default, help, metavar="NAME")


def _profile(value: str) -> str:
    from .. import profiles

    return profiles.check(value)


#: a generator profile's name (synthsocial.profiles), lower-cased
Profile = Annotated[str, AfterValidator(_profile)]


# the language model that writes the posts: posts and world
def backend_field() -> Any:
    """The ``--backend`` field."""
    return option("embedded", "embedded (offline, default) or openai (an OpenAI-compatible server).", metavar="NAME")


def model_field() -> Any:
    """The ``--model`` field."""
    return option(None, "embedded: gemma3-270m (default) or smollm2-135m; openai: the server's model.", metavar="NAME")


def base_url_field() -> Any:
    """The ``--base-url`` field."""
    return option(None, "openai backend: e.g. http://localhost:8000/v1.", metavar="URL")


def adapter_field() -> Any:
    """The ``--adapter`` field."""
    return option(None, "An adapted model (synthsocial adapt) writes the posts.", metavar="DIR")


def real_threads_field() -> Any:
    """The ``--real-threads`` field."""
    return option(None, "Real threads to compare the conversations with (PHEME CSV or events.parquet).", metavar="FILE")


def check_corpus_platform(platform_col: str | None, platform: str | None) -> str | None:
    """The platform of a one-platform corpus as its canonical name (an alias such as x or ig becomes
    twitter or instagram); ConfigError when a platform column is named too, or the name is unknown."""
    if platform is None:
        return None
    if platform_col is not None:
        raise ConfigError(
            f"platform column {platform_col!r} and platform {platform!r} were both given: a file has "
            "a platform column or one platform for all its posts, not both"
        )
    from ..platforms import PLATFORMS, resolve

    named = resolve(platform) if platform.strip() else []  # unknown names refused
    if len(named) != 1:
        raise ConfigError(f"platform {platform!r} is not accepted: name one of {', '.join(PLATFORMS)}")
    return named[0].name
