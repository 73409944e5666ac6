"""Profiles: named, size-aware settings that a world starts from (issue 16).

``paper`` is the homophily paper's generator as published: the defaults of GeneratorConfig
(Table III, best row). ``bluesky`` (the default of ``generate`` and ``world``) adds the mechanisms
beyond the paper (activity, preferential triadic closure, hubs nearby and global) with settings
calibrated to the published Bluesky profile (metrics/references.py) at several sizes; each size's
settings name the command that produced them.

A profile is a TOML file of package data (profiles/data/NAME.toml): ``[[sizes]]`` entries, each
with ``n``, the ``command`` that produced it and a ``config`` table of (any subset of) the
generator's settings. At N the settings are interpolated linearly in log10 N between the two
entries around N (integers rounded; other values from the lower entry); below the first entry
and above the last, that entry's settings are used.

Your own settings (a config file or dict) override the profile's, key by key: only what you set.
A profile's ``homophily.weights`` follow your number of interest slots (its interest weight is
repeated for each).
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from ..config import GeneratorConfig
from ..errors import ConfigError

NAMES = ("bluesky", "paper")
DEFAULT = "bluesky"

__all__ = ["DEFAULT", "NAMES", "apply", "check", "load", "settings"]


def check(name: object) -> str:
    """``name`` lower-cased when it is a profile; ConfigError naming the accepted ones otherwise."""
    if not isinstance(name, str) or name.lower() not in NAMES:
        raise ConfigError(f"profile {name!r} is not accepted: use one of {', '.join(NAMES)}")
    return name.lower()


@cache
def load(name: str) -> dict[str, Any]:
    """The profile's TOML as a dict (``sizes`` sorted by n)."""
    text = resources.files(__package__).joinpath("data", f"{check(name)}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    data["sizes"] = sorted(data.get("sizes", []), key=lambda s: s["n"])
    return data


def settings(name: str, n: int) -> dict[str, Any]:
    """The profile's settings at N = ``n`` (a nested dict of config keys)."""
    sizes = load(name)["sizes"]
    if not sizes:
        return {}
    if n <= sizes[0]["n"]:
        return _copy(sizes[0]["config"])
    if n >= sizes[-1]["n"]:
        return _copy(sizes[-1]["config"])
    i = next(i for i, s in enumerate(sizes) if s["n"] > n)
    lo, hi = sizes[i - 1], sizes[i]
    t = (math.log10(n) - math.log10(lo["n"])) / (math.log10(hi["n"]) - math.log10(lo["n"]))
    return _blend(lo["config"], hi["config"], t)


def apply(name: str | None, n: int, config: GeneratorConfig | dict | Any = None) -> GeneratorConfig:
    """The config of a world of ``n`` users: the profile's settings at N, then every setting
    ``config`` sets (a GeneratorConfig counts only the keys it was given). ``name`` None: the
    config alone (GeneratorConfig's defaults, the paper's, for what it leaves unset)."""
    cfg = GeneratorConfig.coerce(config)
    if name is None:
        return cfg
    own = cfg.overrides()
    merged = _merge(settings(check(name), n), own)
    weights = merged.get("homophily", {}).get("weights")
    if weights is not None and "weights" not in own.get("homophily", {}):
        # the profile's weights [A, O, I, ..., I, R] follow your number of interest slots
        slots = GeneratorConfig.from_dict({"population": merged.get("population", {})}).dimensions - 3
        merged["homophily"]["weights"] = [weights[0], weights[1], *[weights[2]] * slots, weights[-1]]
    return GeneratorConfig.from_dict(merged, source=f"profile {name!r} with your settings")


def _copy(d: dict) -> dict:
    return {k: _copy(v) if isinstance(v, dict) else v for k, v in d.items()}


def _blend(a: dict, b: dict, t: float) -> dict:
    out: dict[str, Any] = {}
    for k, v in a.items():
        w = b.get(k, v)
        if isinstance(v, dict):
            out[k] = _blend(v, w if isinstance(w, dict) else v, t)
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not isinstance(w, (int, float)):
            out[k] = v
        elif isinstance(v, int) and isinstance(w, int):
            out[k] = round(v + t * (w - v))
        else:
            out[k] = v + t * (w - v)
    return out


def _merge(base: dict, over: dict) -> dict:
    out = _copy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
