"""The one validated configuration object of the generator.

Defaults cite the homophily paper (Buitrago López et al. 2025): section III-A for the
population, III-B / Algorithm 1 for the projection, III-C and Table III (best row) for links,
III-C3 for the size-adaptive schedules. Values the paper leaves open are marked "paper silent"
and discussed in docs/algorithm.md.

A config file (TOML or JSON) holds any subset of the nested keys, for example::

    [links]
    alpha = 0.25
    triadic_scope = "out"

Unknown keys and out-of-range values raise :class:`~synthsocial.errors.ConfigError` with a
one-line message naming the key, the value seen and what is accepted. Every number must be finite
(no inf, no nan) and of its type (``true`` is not a number, 2.5 is not an integer), and every
setting has a documented range: the bounds below, wide enough for any meaningful world and small
enough that no computation overflows.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import defaults as D
from .errors import ConfigError, InputError, SynthSocialError

Float = Annotated[float, Field(strict=True)]  # strict: a bool is not a number
Int = Annotated[int, Field(strict=True)]  # strict: neither a bool nor 2.0
Prob = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]


def Range(lo: float, hi: float, open_low: bool = False) -> Any:  # noqa: N802 (a type factory)
    """A finite float in [lo, hi] (or (lo, hi] with ``open_low``)."""
    return Annotated[float, Field(strict=True, le=hi, **({"gt": lo} if open_low else {"ge": lo}))]


def IntRange(lo: int, hi: int) -> Any:  # noqa: N802
    """A strict integer type bounded to [lo, hi] (neither a bool nor a float such as 2.0 is accepted)."""
    return Annotated[int, Field(strict=True, ge=lo, le=hi)]


Factor = Range(0.0, 100.0, open_low=True)  # multiplicative factors

_SUM_TOL = 1e-6
FAKER_GENDERS = ("female", "male", "nonbinary")


class Settings(BaseModel):
    """Base of the generator's settings: frozen, no unknown keys, finite numbers of their own
    type. Built from files and dicts by :meth:`GeneratorConfig.from_dict`, which turns an invalid
    value into a ConfigError naming it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Options(Settings):
    """Base of the options objects of the library (evaluate, posts, sampling, the Dask engine, the
    world pipeline): constructing one with an invalid value raises ConfigError with one line."""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            for e in exc.errors():  # an error of ours raised by a validator keeps its message and kind
                cause = (e.get("ctx") or {}).get("error")
                if isinstance(cause, SynthSocialError):
                    raise cause from None
            raise ConfigError(_one_line(exc, type(self).__name__, data, type(self))) from None


def _check_distribution(name: str, p: list[float]) -> list[float]:
    if any(not (0.0 <= x <= 1.0) or math.isnan(x) for x in p):
        raise ValueError(f"every probability in {name} must lie in [0, 1], got {p}")
    if abs(sum(p) - 1.0) > _SUM_TOL:
        raise ValueError(f"{name} must sum to 1, got {sum(p):.6g}")
    return p


class InfluenceConfig(Settings):
    """Social influence score (section III-A 6).

    A raw score is drawn from a power law (Pareto with shape ``exponent`` and minimum
    ``x_min``; the paper cites a power law [22] without parameters). Extraversion+ users draw,
    with probability ``extraversion_top_quintile_p``, a value from the top quintile instead.
    Scores of users aged ``young_ages`` are multiplied by ``young_factor``, those aged
    ``old_age_min`` and above by ``old_factor``; the result is capped at ``cap``.
    Magnitudes are paper silent (see docs/algorithm.md).
    """

    exponent: Range(0.0, 100.0, open_low=True) = 1.5
    x_min: Range(0.0, 1e9, open_low=True) = 5.0
    cap: Range(0.0, 1e12, open_low=True) = 100.0
    extraversion_top_quintile_p: Prob = 0.5
    young_ages: tuple[Int, Int] = (16, 39)
    young_factor: Factor = 1.2
    old_age_min: Int = 40
    old_factor: Factor = 0.8

    @model_validator(mode="after")
    def _check(self) -> InfluenceConfig:
        if self.x_min >= self.cap:
            raise ValueError(f"x_min ({self.x_min}) must be below cap ({self.cap})")
        lo, hi = self.young_ages
        if lo > hi:
            raise ValueError(f"young_ages must be (low, high) with low <= high, got {self.young_ages}")
        return self


class PopulationConfig(Settings):
    """User attributes (section III-A)."""

    age_bands: list[tuple[IntRange(0, 200), IntRange(0, 200)]] = Field(default_factory=lambda: list(D.AGE_BANDS))
    age_band_p: list[Float] = Field(default_factory=lambda: list(D.AGE_BAND_P))
    gender_p: dict[str, Float] = Field(default_factory=lambda: dict(D.GENDER_P))
    name_locale: str = "en_US"
    qualifications: list[tuple[str, IntRange(0, 200)]] = Field(default_factory=lambda: list(D.QUALIFICATIONS))
    qualification_p: list[list[Float]] = Field(default_factory=lambda: [list(r) for r in D.QUALIFICATION_P])
    occupations_by_band: list[list[str]] = Field(default_factory=lambda: [list(b) for b in D.OCCUPATIONS_BY_BAND])
    interests: list[str] = Field(default_factory=lambda: list(D.INTERESTS))
    interests_per_user: tuple[Int, Int] = (1, 5)
    trait_p: dict[str, Prob] = Field(default_factory=lambda: dict(D.TRAIT_P))
    influence: InfluenceConfig = Field(default_factory=InfluenceConfig)
    # Beyond the paper (issue 18): a stance in [-1, 1] (e.g. political leaning, left < 0 < right),
    # 2 Beta(b, b) - 1: b = 1 uniform, b > 1 most users near the centre, b < 1 two camps
    stance_beta: Range(0.05, 100.0) = 2.0
    # Beyond the paper (issue 18): occupation by gender (BLS 2022), interests by age and gender
    # (Pew 2025, 2015) and the stance's sign by age (Pew 2024), from population/data/surveys.toml;
    # false draws them independently as the paper does (population/survey.py)
    survey: bool = False

    @field_validator("age_bands")
    @classmethod
    def _bands(cls, bands: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not bands:
            raise ValueError("at least one age band is needed")
        prev_hi = -1
        for lo, hi in bands:
            if lo < 0 or hi < lo or lo <= prev_hi:
                raise ValueError(
                    "age bands must be increasing, non-overlapping (low, high) pairs with 0 <= low <= high, "
                    f"got {bands}"
                )
            prev_hi = hi
        return bands

    @field_validator("gender_p")
    @classmethod
    def _genders(cls, p: dict[str, float]) -> dict[str, float]:
        bad = [g for g in p if g not in FAKER_GENDERS]
        if bad:
            raise ValueError(f"unknown gender {bad[0]!r}; accepted: {', '.join(FAKER_GENDERS)}")
        _check_distribution("gender_p", list(p.values()))
        return p

    @field_validator("interests")
    @classmethod
    def _interests(cls, terms: list[str]) -> list[str]:
        if not terms or any(not t.strip() for t in terms):
            raise ValueError("interests must be a non-empty list of non-empty names")
        if len(set(terms)) != len(terms):
            raise ValueError("interests must not repeat a name")
        return terms

    @model_validator(mode="after")
    def _check(self) -> PopulationConfig:
        nb = len(self.age_bands)
        if len(self.age_band_p) != nb:
            raise ValueError(f"age_band_p has {len(self.age_band_p)} entries for {nb} age bands")
        _check_distribution("age_band_p", self.age_band_p)
        if len(self.occupations_by_band) != nb:
            raise ValueError(f"occupations_by_band has {len(self.occupations_by_band)} pools for {nb} age bands")
        for band, pool in zip(self.age_bands, self.occupations_by_band):
            if not pool or any(not o.strip() for o in pool):
                raise ValueError(f"the occupation pool of age band {band} must be a non-empty list of names")
        if len(self.qualification_p) != nb:
            raise ValueError(f"qualification_p has {len(self.qualification_p)} rows for {nb} age bands")
        nq = len(self.qualifications)
        for band, row in zip(self.age_bands, self.qualification_p):
            if len(row) != nq:
                raise ValueError(
                    f"qualification_p row of age band {band} has {len(row)} entries for {nq} qualifications"
                )
            if any(not (0.0 <= x <= 1.0) for x in row):
                raise ValueError(f"qualification_p row of age band {band} must hold probabilities in [0, 1], got {row}")
            if not any(x > 0 and min_age <= band[0] for x, (_, min_age) in zip(row, self.qualifications)):
                raise ValueError(
                    f"age band {band} has no qualification with positive probability that a {band[0]}-year-old can hold"
                )
        lo, hi = self.interests_per_user
        if not 1 <= lo <= hi <= len(self.interests):
            raise ValueError(
                f"interests_per_user must be (low, high) with 1 <= low <= high <= {len(self.interests)} "
                f"(the number of interests), got {self.interests_per_user}"
            )
        return self

    @property
    def age_range(self) -> tuple[int, int]:
        """(youngest, oldest) age in years, inclusive: the low end of the first age band, the high end of the last."""
        return self.age_bands[0][0], self.age_bands[-1][1]

    @property
    def occupations(self) -> list[str]:
        """All occupations, in order of first appearance over the bands."""
        return list(dict.fromkeys(o for pool in self.occupations_by_band for o in pool))


class HomophilyConfig(Settings):
    """Projection into the homophily space (section III-B, Algorithm 1).

    ``weights`` is the vector w of x~ = x * w over [A, O, I_1..I_k, R]; the paper uses uniform
    weights (w = 1). ``stance_weight`` > 0 appends the users' stance as one more dimension of that
    weight (the polarization dial); ``location_weight`` > 0 appends the plane coordinates of each
    user's state (population/location.py), scaled by that weight. The semantic orders come from the
    maps shipped with the package, or from ``maps_dir`` (written by ``synthsocial build-maps``), or
    are listed explicitly in ``occupation_order`` / ``interest_order``, which win.
    """

    weights: list[Range(0.0, 1e6)] | None = None
    # Beyond the paper (issue 18): the polarization dial, the weight of the stance dimension
    # S = (stance + 1) / 2 appended to the space; 0 (default): stance plays no part in who follows whom
    stance_weight: Range(0.0, 1e6) = 0.0
    # Beyond the paper (issue 18): the weight of the two coordinates of the user's state (its 2020
    # center of population, population/location.py); 0 (default): where users live plays no part.
    # Needs population.survey = true (the users' states)
    location_weight: Range(0.0, 1e6) = 0.0
    sort_interests: bool = True
    maps_dir: str | None = None
    occupation_order: list[str] | None = None
    interest_order: list[str] | None = None


class LinksConfig(Settings):
    """Link formation (section III-C, Algorithm 2) and the schedules of section III-C3.

    Defaults of alpha, beta, delta0, lambda, delta_cap, eta0, kappa and zeta are the best row of
    Table III. T = 0.5 and theta = 0.6 are given in the text. gamma, k_max, mu and
    presample_factor are paper silent; their defaults are justified in docs/algorithm.md.
    """

    # Eq. 1: k = min(floor(log2(N) * gamma), k_max)
    gamma: Range(0.0, 1000.0, open_low=True) = 3.0
    k_max: IntRange(1, 10_000) = 50
    # Beyond the paper: 0 = exact kNN (the paper's KD-tree); > 0 = (1 + eps)-approximate search,
    # recall measured in docs/performance.md
    knn_eps: Range(0.0, 100.0) = 0.0
    # Eq. 2 and the softmax of Algorithm 2 line 6
    alpha: Range(0.0, 1000.0) = 0.16
    beta: Range(0.0, 1000.0) = 0.06
    temperature: Range(1e-3, 1000.0) = 0.5
    # Eq. 3 and delta(N)
    triadic_scope: Literal["out", "undirected"] = "out"
    delta0: Prob = 0.20
    lambda_: Range(0.0, 1000.0) = Field(default=3.5, alias="lambda")
    delta_cap: Prob = 0.42
    mu: Range(0.0, 100.0, open_low=True) = 1.0
    delta_small_factor: Prob = 0.35
    delta_large_floor: tuple[Prob, Prob] = (0.22, 0.02)
    density_midpoint: Prob = 0.05
    density_steepness: Range(0.0, 1e4) = 10.0
    # Eq. 4-5, eta(N) and c(N)
    eta0: Prob = 0.05
    kappa: Range(0.0, 1000.0) = 0.10
    eta_cap: Prob | None = None
    eta_exponent: Range(0.0, 100.0, open_low=True) = 0.75
    eta_small_factor: Prob = 0.05
    eta_large_floor_slope: Prob = 0.02
    zeta: Range(0.0, 1e6) = 36.0
    theta: Range(0.0, 100.0) = 0.6
    c_small_factor: Range(0.0, 100.0) = 0.25
    c_large_min: IntRange(0, 1_000_000) = 6
    presample_factor: IntRange(1, 10_000) = 10
    # Beyond the paper: each user also follows Poisson(popular_follows) accounts drawn with
    # probability ~ influence ** popularity_exponent, before triadic closure (0 = off;
    # docs/algorithm.md, "popular follows")
    popular_follows: Range(0.0, 10_000.0) = 0.0
    popularity_exponent: Range(0.0, 100.0) = 2.0
    # Beyond the paper: heavy-tailed activity a_i ~ lognormal with mean 1 and this sigma, which
    # multiplies the triadic p_i and the hub follows (0 = every a_i = 1; docs/algorithm.md, "activity")
    activity_sigma: Range(0.0, 5.0) = 0.0
    # Beyond the paper: triadic candidates k accepted in proportion to influence_k ** this (0 = off)
    triadic_preference: Range(0.0, 20.0) = 0.0
    # Beyond the paper: each user follows Poisson(hub_follows * a_i) of its hub_candidates nearest
    # hubs (the hub_share most influential users), weighted rank ** -hub_exponent, after triadic
    # closure (0 = off; docs/algorithm.md, "hubs nearby")
    hub_follows: Range(0.0, 10_000.0) = 0.0
    hub_share: Range(0.0, 1.0, open_low=True) = 0.01
    hub_candidates: IntRange(1, 100_000) = 50
    hub_exponent: Range(0.0, 20.0) = 1.0
    # ... a hub's own expected follows of hubs nearby are hub_peer_follows times everyone's, and its
    # triadic candidates that are hubs are accepted with that factor too (1: as every user; 0: the
    # hubs of one region form no clique; links/triadic.py: peer_hubs, docs/algorithm.md A26)
    hub_peer_follows: Range(0.0, 1.0) = 1.0
    # ... and Poisson(hub_global_follows) hubs drawn from all hubs, weighted rank ** -hub_global_exponent
    # (every user alike, whatever its activity: the accounts suggested at sign-up)
    hub_global_follows: Range(0.0, 10_000.0) = 0.0
    hub_global_exponent: Range(0.0, 20.0) = 1.0
    # Beyond the paper: each follow i -> j that j does not return is returned with this
    # probability after the three phases (0 = the paper's generator; docs/algorithm.md, "follow-backs")
    follow_back: Prob = 0.0
    # Size thresholds of section III-C3
    small_n: IntRange(1, 10**12) = 10_000
    large_n: IntRange(1, 10**12) = 100_000


class GeneratorConfig(Settings):
    """Everything that determines a generated world besides N and the seed.

    ``block_size`` fixes how users are grouped into independent random streams; changing it
    changes the sample drawn (not its distribution), so it is part of the configuration.
    """

    population: PopulationConfig = Field(default_factory=PopulationConfig)
    homophily: HomophilyConfig = Field(default_factory=HomophilyConfig)
    links: LinksConfig = Field(default_factory=LinksConfig)
    block_size: IntRange(1, 1 << 30) = 65_536

    @model_validator(mode="after")
    def _check(self) -> GeneratorConfig:
        w = self.homophily.weights
        d = 3 + self.population.interests_per_user[1]
        if w is not None and len(w) != d:
            raise ValueError(
                f"homophily.weights has {len(w)} entries; the space [A, O, I_1..I_k, R] has {d} "
                f"dimensions for at most {d - 3} interests per user"
            )
        return self

    @property
    def dimensions(self) -> int:
        """Number of dimensions of the homophily space [A, O, I_1..I_k, R]: 3 plus the most interests per user."""
        return 3 + self.population.interests_per_user[1]

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "config") -> GeneratorConfig:
        """Validate a (possibly partial) nested dict; raise ConfigError with one line."""
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a table of settings, got {type(data).__name__}")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_one_line(exc, source, data)) from None

    @classmethod
    def from_file(cls, path: str | Path) -> GeneratorConfig:
        """Read a TOML (.toml) or JSON (.json) config file."""
        p = Path(path)
        if p.suffix.lower() not in (".toml", ".json"):
            raise ConfigError(f"config file {str(p)!r}: unknown format {p.suffix!r}; accepted: .toml, .json")
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise InputError(f"config file {str(p)!r} cannot be read: {exc.strerror or exc}") from None
        try:
            data = tomllib.loads(raw.decode("utf-8")) if p.suffix.lower() == ".toml" else json.loads(raw)
        except (ValueError, RecursionError) as exc:  # TOMLDecodeError, JSONDecodeError, UnicodeDecodeError among them
            why = str(exc) or "nested too deeply"
            raise ConfigError(f"config file {str(p)!r} is not valid {p.suffix[1:].upper()}: {why}") from None
        cfg = cls.from_dict(data, source=f"config file {str(p)!r}")
        maps_dir = cfg.homophily.maps_dir
        if maps_dir is not None and not Path(maps_dir).is_absolute():  # relative to the file
            homophily = cfg.homophily.model_copy(update={"maps_dir": str(p.parent / maps_dir)})
            cfg = cfg.model_copy(update={"homophily": homophily})
        return cfg

    @classmethod
    def coerce(cls, config: GeneratorConfig | dict | str | Path | None) -> GeneratorConfig:
        """A config from what a caller may pass: None (the defaults), a GeneratorConfig, a dict
        of (any subset of) the settings, or a TOML/JSON file."""
        if config is None:
            return cls()
        if isinstance(config, GeneratorConfig):
            return config
        if isinstance(config, dict):
            return cls.from_dict(config)
        if isinstance(config, (str, Path)):
            return cls.from_file(config)
        raise ConfigError(
            f"config of type {type(config).__name__} is not accepted: use a GeneratorConfig, dict or file path"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready dict that :meth:`from_dict` accepts (round trip)."""
        return self.model_dump(mode="json", by_alias=True)

    def overrides(self) -> dict[str, Any]:
        """Only the settings this config was given (nested, JSON-ready): what it changes of a profile."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _one_line(exc: ValidationError, source: str, data: dict[str, Any], model: type[BaseModel] | None = None) -> str:
    """Turn the first pydantic error into 'source: key = value: reason; accepted ...'."""
    err = exc.errors()[0]
    loc = [str(x) for x in err["loc"]]
    key = ".".join(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        accepted = _accepted_keys(loc[:-1], model or GeneratorConfig)
        return f"{source}: unknown key {key!r}; accepted keys here: {', '.join(accepted)}"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    value = err.get("input")
    if isinstance(value, dict) or value is data:
        return f"{source}: {key}: {msg}"
    return f"{source}: {key} = {json.dumps(value, default=str)} is not accepted: {msg}"


def _accepted_keys(loc: list[str], model: type[BaseModel]) -> list[str]:
    for part in loc:
        field = model.model_fields.get(part)
        ann = getattr(field, "annotation", None)
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            break
        model = ann
    return [f.alias or name for name, f in model.model_fields.items()]
