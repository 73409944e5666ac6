"""Platforms as data (``data/platforms.toml``): limits, style and who uses them.

Each default cites its source in the data file (Pew Research Center 2024 usage by age; lengths
and per-post rates measured on ../shared/data/posts where a corpus exists, marked assumptions
elsewhere).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path

from ..errors import ConfigError


@dataclass(frozen=True)
class Platform:
    """One platform of data/platforms.toml: ``name``, ``display`` name and ``aliases``; ``kind`` of text (post, comment
    or caption); the length limit ``max_chars`` and ``typical_chars``; the writing ``register``; mean hashtags,
    mentions, emoji and URLs per post; ``age_share``, the share of each age band that uses it; and the ``source`` of
    these figures."""

    name: str
    display: str
    aliases: tuple[str, ...]
    kind: str
    max_chars: int
    typical_chars: int
    register: str
    hashtags_per_post: float
    mentions_per_post: float
    emoji_per_post: float
    urls_per_post: float
    age_share: tuple[float, ...]
    source: str


def _load() -> dict[str, Platform]:
    raw = tomllib.loads(resources.files(__package__).joinpath("data/platforms.toml").read_text(encoding="utf-8"))
    out = {}
    for name, d in raw.items():
        out[name] = Platform(name=name, **{**d, "aliases": tuple(d["aliases"]), "age_share": tuple(d["age_share"])})
    return out


PLATFORMS: dict[str, Platform] = _load()


def resolve(names: str | list[str], overrides: dict[str, dict] | None = None) -> list[Platform]:
    """Platforms named in a comma-separated string or list (aliases accepted), with overrides."""
    items = [s.strip().lower() for s in (names.split(",") if isinstance(names, str) else names) if s.strip()]
    if not items:
        raise ConfigError(f"{{platforms}} is empty; accepted: {', '.join(PLATFORMS)}", platforms="posts.platforms")
    by_alias = {a: p for p in PLATFORMS.values() for a in (p.name, *p.aliases)}
    out: list[Platform] = []
    for item in items:
        if item not in by_alias:
            raise ConfigError(
                f"platform {item!r} is not accepted: use one of {', '.join(PLATFORMS)} (or x, bsky, ig, fb, yt)"
            )
        p = by_alias[item]
        if p not in out:
            out.append(p)
    if overrides:
        known = {f.name for f in fields(Platform)} - {"name"}
        for i, p in enumerate(out):
            o = overrides.get(p.name, {})
            bad = set(o) - known
            if bad:
                raise ConfigError(
                    f"platforms.{p.name}: unknown key {sorted(bad)[0]!r}; accepted: {', '.join(sorted(known))}"
                )
            out[i] = replace(p, **{k: tuple(v) if isinstance(v, list) else v for k, v in o.items()})
    return out


def load_overrides(path: str | Path) -> dict[str, dict]:
    """Platform overrides from a TOML file (``[reddit] max_chars = 500``; fields: docs/posts.md)."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{{config}} {str(path)!r}: not a readable TOML file: {exc}", config="posts.platform_config"
        ) from None
