"""Synthetic users and their attributes (homophily paper, section III-A).

:func:`make_population` draws every attribute for ``n`` users, block by block, each block from
its own random stream (see :mod:`synthsocial.rng`). Attributes are kept as compact code arrays;
:meth:`Population.to_arrow` turns them into the ``users`` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..rng import Phase, blocks, stream
from . import survey
from .age import sample_age
from .influence import sample_influence
from .interests import sample_interests
from .location import country, sample_state, states
from .names import first_name_table, last_name_vocabulary, sample_gender_and_names
from .occupation import sample_occupation, sample_qualification
from .stance import sample_stance
from .traits import sample_traits

if TYPE_CHECKING:
    from ..config import PopulationConfig

__all__ = ["Population", "make_population"]


@dataclass(frozen=True)
class Population:
    """Attribute codes of N users; vocabularies come from the config that made them."""

    config: PopulationConfig
    band: np.ndarray  # int8, index into config.age_bands
    age: np.ndarray  # int16
    gender: np.ndarray  # int8, index into list(config.gender_p)
    first_name: np.ndarray  # int32, index into first_name_table(...)
    last_name: np.ndarray  # int32
    qualification: np.ndarray  # int8, index into config.qualifications
    occupation: np.ndarray  # int16, index into config.occupations
    interest_count: np.ndarray  # int8
    interests: np.ndarray  # int16 (N, max interests), -1 padded, index into config.interests
    traits: np.ndarray  # bool (N, 5), True = positive pole
    influence: np.ndarray  # float64
    stance: np.ndarray  # float64 in [-1, 1]
    state: np.ndarray | None = None  # int8, row of location.states(); with population.survey only

    def __len__(self) -> int:
        return int(self.age.size)

    def to_arrow(self, first_id: int = 0) -> pa.Table:
        """The users table: user_id, name, gender, age, qualification, occupation,
        interests (list of strings), traits (list of strings), influence, stance, and with a
        location country, state, region and time_zone (IANA). User ids start at ``first_id`` (a
        partition of the Dask engine)."""
        cfg = self.config
        n = len(self)

        def labels(codes: np.ndarray, vocab: list[str]) -> pa.Array:
            return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(vocab, pa.string())).cast(pa.string())

        first = labels(self.first_name, first_name_table(cfg.gender_p, cfg.name_locale))
        last = labels(self.last_name, list(last_name_vocabulary(cfg.name_locale)[0]))
        name = pc.binary_join_element_wise(first, last, " ")

        flat = self.interests[self.interests >= 0]
        offsets = np.concatenate([[0], np.cumsum(self.interest_count, dtype=np.int32)]).astype(np.int32)
        interests = pa.ListArray.from_arrays(pa.array(offsets), labels(flat, cfg.interests))

        trait_names = list(cfg.trait_p)
        trait_vocab = [f"{t}{s}" for t in trait_names for s in ("+", "-")]
        trait_codes = (2 * np.arange(len(trait_names))[None, :] + (~self.traits)).ravel()
        traits = pa.ListArray.from_arrays(
            pa.array(np.arange(0, n * len(trait_names) + 1, len(trait_names), dtype=np.int32)),
            labels(trait_codes, trait_vocab),
        )
        where = {}
        if self.state is not None:
            t = states()
            where = {
                "country": pa.repeat(pa.scalar(country(), pa.string()), n),
                "state": labels(self.state, t["name"].tolist()),
                "region": labels(self.state, t["region"].tolist()),
                "time_zone": labels(self.state, t["zone"].tolist()),
            }
        return pa.table(
            {
                "user_id": pa.array(np.arange(first_id, first_id + n, dtype=np.int64)),
                "name": name,
                "gender": labels(self.gender, list(cfg.gender_p)),
                "age": pa.array(self.age),
                "qualification": labels(self.qualification, [q for q, _ in cfg.qualifications]),
                "occupation": labels(self.occupation, cfg.occupations),
                "interests": interests,
                "traits": traits,
                "influence": pa.array(self.influence),
                "stance": pa.array(self.stance),
                **where,
            }
        )


def make_population(n: int, cfg: PopulationConfig, seed: int, block_size: int, first_block: int = 0) -> Population:
    """Draw the attributes of ``n`` users (section III-A), block by block; the first block has
    index ``first_block`` (the users of a Dask partition start there)."""
    occ_index = {o: i for i, o in enumerate(cfg.occupations)}
    pools = [[occ_index[o] for o in pool] for pool in cfg.occupations_by_band]
    min_age = [m for _, m in cfg.qualifications]
    extraversion = list(cfg.trait_p).index("Extraversion") if "Extraversion" in cfg.trait_p else None
    genders = list(cfg.gender_p)
    occ_w = interest_w = None
    if cfg.survey:  # population/survey.py
        occ_w = survey.occupation_weights(cfg.occupations, genders, [q for q, _ in cfg.qualifications])
        interest_w, interest_ages = survey.interest_weights(cfg.interests, genders)
    parts = []
    for b, start, stop in blocks(n, block_size):
        rng = stream(seed, Phase.POPULATION, first_block + b)
        m = stop - start
        band, age = sample_age(m, cfg.age_bands, cfg.age_band_p, rng)
        gender, first, last = sample_gender_and_names(m, cfg.gender_p, cfg.name_locale, rng)
        qual = sample_qualification(band, age, cfg.qualification_p, min_age, rng)
        occ = sample_occupation(band, pools, rng, gender.astype(np.int64) * len(min_age) + qual, occ_w)
        w = None if interest_w is None else interest_w[survey.row_of(age, interest_ages), gender]
        counts, codes = sample_interests(m, len(cfg.interests), cfg.interests_per_user, rng, w)
        traits = sample_traits(m, cfg.trait_p, rng)
        extravert = traits[:, extraversion] if extraversion is not None else np.zeros(m, dtype=bool)
        infl = sample_influence(age, extravert, cfg.influence, rng)
        right = survey.right_share(age) if cfg.survey else None
        stance = sample_stance(m, cfg.stance_beta, stream(seed, Phase.STANCE, first_block + b), right)
        state = sample_state(m, stream(seed, Phase.LOCATION, first_block + b)) if cfg.survey else None
        parts.append((band, age, gender, first, last, qual, occ, counts, codes, traits, infl, stance, state))
    cols = [None if c[0] is None else np.concatenate(c) for c in zip(*parts)]
    return Population(cfg, *cols)
