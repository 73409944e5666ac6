"""Gender and a name that matches it (section III-A 1), from Faker's person providers.

Names only label users; they take no part in link formation. Faker's word lists and their
frequency weights are sampled with numpy, so a million names cost one vectorised draw.
"""

from __future__ import annotations

import functools
import importlib

import numpy as np

from ..errors import ConfigError


@functools.lru_cache(maxsize=8)
def _provider(locale: str):
    try:
        return importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ModuleNotFoundError:
        raise ConfigError(
            f"population.name_locale = {locale!r} is not accepted: use a Faker locale with a person provider, "
            "such as en_US, de_DE, es_ES, fr_FR"
        ) from None


def _vocabulary(words) -> tuple[list[str], np.ndarray]:
    if isinstance(words, dict):
        names = list(words)
        w = np.array([float(words[k]) for k in names])
    else:
        names = list(words)
        w = np.ones(len(names))
    return names, w / w.sum()


@functools.lru_cache(maxsize=32)
def name_vocabulary(locale: str, gender: str) -> tuple[tuple[str, ...], np.ndarray]:
    """First names for ``gender`` (falling back to the locale's common list) and their weights."""
    prov = _provider(locale)
    words = getattr(prov, f"first_names_{gender}", None) or prov.first_names
    names, w = _vocabulary(words)
    return tuple(names), w


@functools.lru_cache(maxsize=8)
def last_name_vocabulary(locale: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The last names of Faker's ``locale`` and their sampling probabilities (Faker's weights normalised, uniform
    without weights); cached."""
    names, w = _vocabulary(_provider(locale).last_names)
    return tuple(names), w


def check_locale(locale: str) -> None:
    """Raise ConfigError unless ``locale`` is a Faker locale with a person provider."""
    _provider(locale)


def sample_gender_and_names(
    n: int, gender_p: dict[str, float], locale: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (gender code, first-name code, last-name code) arrays.

    Gender codes index ``list(gender_p)``; first-name codes index :func:`first_name_table`;
    last-name codes index the locale's last names.
    """
    genders = list(gender_p)
    p = np.array([gender_p[g] for g in genders], dtype=np.float64)
    gender = rng.choice(len(genders), size=n, p=p / p.sum()).astype(np.int8)
    first = np.empty(n, dtype=np.int32)
    offset = 0
    for g_code, g in enumerate(genders):
        names, w = name_vocabulary(locale, g)
        mask = gender == g_code
        first[mask] = offset + rng.choice(len(names), size=int(mask.sum()), p=w)
        offset += len(names)
    last_names, lw = last_name_vocabulary(locale)
    last = rng.choice(len(last_names), size=n, p=lw).astype(np.int32)
    return gender, first, last


def first_name_table(gender_p: dict[str, float], locale: str) -> list[str]:
    """The concatenated first-name vocabularies that first-name codes index."""
    out: list[str] = []
    for g in gender_p:
        out.extend(name_vocabulary(locale, g)[0])
    return out
