"""Attributes that depend on each other as in published surveys (issue 18, part 1; the homophily
paper's future work). On with ``population.survey = true`` (the bluesky profile); off, every
attribute is drawn as the paper draws it.

The tables are package data (``data/surveys.toml``), each with its source, year and address:

* leaning by age: P(stance > 0 | age) = rep / (dem + rep) of the user's age row, the shares of US
  registered voters identifying with or leaning to each party (Pew Research Center 2024, 2023
  data). The stance keeps its Beta shape; only its sign follows the age (population/stance.py).
* occupation by gender and qualification: within the age band's pool, occupation o is drawn for
  a woman with weight w(o) e(q, o) and for a man with weight (1 - w(o)) e(q, o), w the share of
  women among those employed in o (U.S. Bureau of Labor Statistics, CPS 2022, table 11; other
  genders and occupations without a row: 0.5) and e(q, o) the share of o's workers whose highest
  level of education is the user's qualification q (BLS Employment Projections, educational
  attainment by detailed occupation; without a row: the all-occupations share). By Bayes' rule
  this is P(o | gender, q) when gender and education are independent given the occupation and the
  pool is drawn uniformly otherwise, as in the paper.
* interests by age and gender: interest i is drawn with weight a(i, age) g(i, age, gender), where
  a is the share of the user's age column in the Pew topic tied to i over that topic's mean over
  the columns (how often people get news on politics, science and technology, business, sports,
  entertainment, by age, 2025; video games played, by age, 2015) and g the same ratio between
  genders within an age (video games, 2015); interests tied to no topic: 1. Weighted draws
  without replacement: the k smallest of E_i / w_i, E_i standard exponential (an exponential
  race: each next interest is drawn with probability proportional to its weight among those
  left, as the uniform draw of the paper is when every weight is 1).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np


@cache
def tables() -> dict:
    """data/surveys.toml as a dict."""
    return tomllib.loads(resources.files(__package__).joinpath("data", "surveys.toml").read_text(encoding="utf-8"))


def row_of(age: np.ndarray, lows: Sequence[int]) -> np.ndarray:
    """The index of the row whose lowest age is the largest one <= age (the first row below it)."""
    return np.clip(np.searchsorted(np.asarray(lows), age, side="right") - 1, 0, len(lows) - 1)


def right_share(age: np.ndarray) -> np.ndarray:
    """P(stance > 0) for each age: rep / (dem + rep) of its row of the leaning table."""
    rows = np.asarray(tables()["leaning"]["rows"], dtype=np.float64)
    r = row_of(age, rows[:, 0])
    return rows[r, 2] / (rows[r, 1] + rows[r, 2])


def women_share(occupations: Sequence[str]) -> np.ndarray:
    """Share of women among those employed in each occupation (0.5 without a row)."""
    pct = tables()["women"]["percent"]
    return np.array([pct.get(o, 50.0) / 100.0 for o in occupations])


def qualification_share(occupations: Sequence[str], qualifications: Sequence[str]) -> np.ndarray:
    """(qualifications, occupations): the share of workers in each occupation whose highest level
    of education is the qualification's (the all-occupations row for an occupation without a row;
    1 for a qualification the table does not map)."""
    t = tables()["qualification"]
    total = t["total"]
    rows = np.array([t["percent"].get(o, total) for o in occupations], dtype=np.float64) / 100.0
    return np.vstack([rows[:, t["level"][q]] if q in t["level"] else np.ones(len(occupations)) for q in qualifications])


def occupation_weights(occupations: Sequence[str], genders: Sequence[str], qualifications: Sequence[str]) -> np.ndarray:
    """(genders x qualifications, occupations) weights, row g * len(qualifications) + q: the gender
    factor (w for women, 1 - w for men, 0.5 for others; w the share of women) times the
    qualification's share among the occupation's workers."""
    w = women_share(occupations)
    by_gender = np.vstack([w if g == "female" else 1.0 - w if g == "male" else np.full_like(w, 0.5) for g in genders])
    by_qual = qualification_share(occupations, qualifications)
    return (by_gender[:, None, :] * by_qual[None, :, :]).reshape(-1, len(occupations))


def interest_weights(interests: Sequence[str], genders: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The interest weights of every (age column, gender) group and the lowest age of each age
    column: (columns, genders, interests) array, ages. The columns are the union of the age
    tables' rows."""
    t = tables()
    by_age, by_gender = t["interests_by_age"], t["interests_by_gender"]
    ages = sorted(set(by_age["ages"]) | set(by_gender["ages"]))
    index = {name: i for i, name in enumerate(interests)}
    w = np.ones((len(ages), len(genders), len(interests)))
    for topic in by_age["topics"].values():
        pct = np.asarray(topic["percent"], dtype=np.float64)
        factor = (pct / pct.mean())[row_of(np.asarray(ages), by_age["ages"])]
        for name in topic["interests"]:
            if name in index:
                w[:, :, index[name]] *= factor[:, None]
    for topic in by_gender["topics"].values():
        f, m = (np.asarray(topic[g], dtype=np.float64) for g in ("female", "male"))
        col = row_of(np.asarray(ages), by_gender["ages"])
        split = (f > 0) & (m > 0)  # 0: the source does not split that age by gender
        for gi, g in enumerate(genders):
            if g not in ("female", "male"):
                continue
            own = f if g == "female" else m
            factor = np.divide(own, (f + m) / 2, out=np.ones_like(own), where=split)[col]
            for name in topic["interests"]:
                if name in index:
                    w[:, gi, index[name]] *= factor
    return w, np.asarray(ages)
