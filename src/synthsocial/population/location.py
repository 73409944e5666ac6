"""Where users live (issue 18, part 1): a US state, its census region and its time zone.

With ``population.survey`` (the bluesky profile), each user's state is drawn with probability
proportional to its resident population in the 2020 Census, P(state s) = pop_s / sum(pop), the
District of Columbia included (U.S. Census Bureau, 2020 centers of population by state;
``[states]`` of data/surveys.toml). The population is a US one because every other survey table
is (Pew, BLS): the country is "US" for everyone. The region is the state's census region, the
time zone the IANA zone where most of the state's people live. The state is independent of the
other attributes (the census table has no joint counts with them) and drawn from its own random
stream (Phase.LOCATION), so adding it changed no other attribute.

Each state's center of population places it on a plane for the homophily space
(``homophily.location_weight``, homophily/projection.py): an equirectangular projection around
the center of population of the United States (37.4 N in 2020: the mean latitude of the rows
weighted by population), in units of ``SCALE_KM``:

    g_x = R * (lon - lon_0) * cos(lat_0) / SCALE_KM,   g_y = R * (lat - lat_0) / SCALE_KM

(angles in radians, R = 6371 km), so two users of the same state are at distance 0 and New York
and California are about 0.9 apart.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .survey import tables

EARTH_RADIUS_KM = 6371.0
SCALE_KM = 4500.0  # about the width of the contiguous United States


@cache
def states() -> dict[str, np.ndarray]:
    """The ``[states]`` table as columns: code, name, population, latitude, longitude, region,
    zone (numpy arrays, one row per state)."""
    rows = tables()["states"]["rows"]
    names = ("code", "name", "population", "latitude", "longitude", "region", "zone")
    cols = {k: np.array([r[i] for r in rows]) for i, k in enumerate(names)}
    cols["population"] = cols["population"].astype(np.float64)
    return cols


def country() -> str:
    """The country of every user (ISO 3166-1 alpha-2)."""
    return tables()["states"]["country"]


def sample_state(m: int, rng: np.random.Generator) -> np.ndarray:
    """State codes (int8, rows of :func:`states`) of ``m`` users, drawn by resident population."""
    pop = states()["population"]
    return np.searchsorted(np.cumsum(pop) / pop.sum(), rng.random(m), side="right").astype(np.int8)


def plane() -> np.ndarray:
    """(states, 2): each state's center of population on the plane of the module docstring."""
    t = states()
    lat, lon, w = np.radians(t["latitude"]), np.radians(t["longitude"]), t["population"]
    lat0, lon0 = np.average(lat, weights=w), np.average(lon, weights=w)
    return EARTH_RADIUS_KM / SCALE_KM * np.column_stack([(lon - lon0) * np.cos(lat0), lat - lat0])
