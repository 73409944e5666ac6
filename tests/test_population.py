"""Section III-A: the population's attributes follow the configured distributions."""

from __future__ import annotations

import numpy as np
import pytest

from synthsocial.config import GeneratorConfig, PopulationConfig
from synthsocial.population import make_population
from synthsocial.population.names import name_vocabulary

N = 40_000


@pytest.fixture(scope="module")
def pop():
    return make_population(N, PopulationConfig(), seed=11, block_size=8192)


def sigma(p: float, n: int) -> float:
    return float(np.sqrt(p * (1 - p) / n))


def test_age_band_frequencies_match_configured_vector(pop):
    cfg = pop.config
    freq = np.bincount(pop.band, minlength=len(cfg.age_bands)) / N
    for f, p in zip(freq, cfg.age_band_p):
        assert abs(f - p) <= 4 * sigma(p, N) + 1e-12


def test_ages_lie_in_their_band_and_are_uniform_inside(pop):
    bands = np.array(pop.config.age_bands)
    assert np.all(pop.age >= bands[pop.band, 0]) and np.all(pop.age <= bands[pop.band, 1])
    # inside the 26-35 band, each of the 10 ages has probability 1/10
    ages = pop.age[pop.band == 3]
    counts = np.bincount(ages - 26, minlength=10) / ages.size
    assert np.all(np.abs(counts - 0.1) <= 4 * sigma(0.1, ages.size))


def test_every_occupation_belongs_to_its_age_band_pool(pop):
    cfg = pop.config
    occ = np.array(cfg.occupations)
    for b, pool in enumerate(cfg.occupations_by_band):
        assert set(occ[pop.occupation[pop.band == b]]) <= set(pool)
    student = cfg.occupations.index("Student")
    retired = cfg.occupations.index("Retired")
    assert pop.age[pop.occupation == student].min() >= 13 and pop.age[pop.occupation == student].max() <= 25
    assert pop.age[pop.occupation == retired].min() >= 66


def test_occupation_is_uniform_within_pool(pop):
    cfg = pop.config
    pool = cfg.occupations_by_band[3]
    codes = pop.occupation[pop.band == 3]
    idx = {cfg.occupations.index(o) for o in pool}
    counts = np.array([(codes == i).sum() for i in idx]) / codes.size
    p = 1 / len(pool)
    assert np.all(np.abs(counts - p) <= 4.5 * sigma(p, codes.size))


def test_defaults_have_at_least_50_occupations_and_60_interests():
    cfg = PopulationConfig()
    assert len(cfg.occupations) >= 50
    assert len(cfg.interests) >= 60


def test_qualification_consistent_with_age(pop):
    min_age = np.array([m for _, m in pop.config.qualifications])
    assert np.all(min_age[pop.qualification] <= pop.age)
    phd = [q for q, _ in pop.config.qualifications].index("PhD")
    assert (pop.qualification == phd).any()


def test_interests_count_and_uniqueness(pop):
    lo, hi = pop.config.interests_per_user
    assert pop.interest_count.min() == lo and pop.interest_count.max() == hi
    filled = (pop.interests >= 0).sum(axis=1)
    assert np.array_equal(filled, pop.interest_count)
    for row, c in zip(pop.interests[:2000], pop.interest_count[:2000]):
        assert len(set(row[:c])) == c
    # each topic equally likely: expected share of users holding topic t = E[count] / n_topics
    m = len(pop.config.interests)
    holders = np.bincount(pop.interests[pop.interests >= 0], minlength=m) / N
    expected = pop.interest_count.mean() / m
    assert np.all(np.abs(holders - expected) <= 5 * sigma(expected, N))


def test_trait_shares(pop):
    for j, (trait, p) in enumerate(pop.config.trait_p.items()):
        assert abs(pop.traits[:, j].mean() - p) <= 4 * sigma(p, N), trait
    assert abs(pop.traits[:, 0].mean() - 0.75) < 0.02  # Extraversion+ about 0.75


def test_influence_is_capped_heavy_tailed_and_modulated(pop):
    cfg = pop.config.influence
    infl = pop.influence
    assert infl.min() >= cfg.x_min * min(cfg.old_factor, 1.0) - 1e-9 and infl.max() <= cfg.cap
    assert np.percentile(infl, 99) > 5 * np.median(infl)  # heavy tail
    ext = pop.traits[:, list(pop.config.trait_p).index("Extraversion")]
    top = np.quantile(infl, 0.8)
    assert (infl[ext] > top).mean() > (infl[~ext] > top).mean() + 0.1
    young = (pop.age >= 16) & (pop.age <= 39)
    old = pop.age >= 40
    assert np.median(infl[young]) > np.median(infl[old])


def test_names_match_gender(pop):
    cfg = pop.config
    table = pop.to_arrow()
    names = table["name"].to_pylist()
    genders = table["gender"].to_pylist()
    female = set(name_vocabulary(cfg.name_locale, "female")[0])
    male = set(name_vocabulary(cfg.name_locale, "male")[0])
    for name, g in list(zip(names, genders))[:3000]:
        first = name.split(" ")[0]
        assert first in (female if g == "female" else male)


def test_users_table_schema(pop):
    t = pop.to_arrow()
    assert t.column_names == [
        "user_id",
        "name",
        "gender",
        "age",
        "qualification",
        "occupation",
        "interests",
        "traits",
        "influence",
        "stance",
    ]
    row = t.slice(5, 1).to_pylist()[0]
    assert isinstance(row["interests"], list) and all(isinstance(x, str) for x in row["interests"])
    assert len(row["traits"]) == 5 and all(x[-1] in "+-" for x in row["traits"])


def test_custom_vocabulary_is_used():
    cfg = GeneratorConfig.from_dict(
        {
            "population": {
                "age_bands": [[18, 30], [31, 60]],
                "age_band_p": [0.5, 0.5],
                "occupations_by_band": [["Student"], ["Engineer"]],
                "qualification_p": [[0, 0, 0, 1, 0, 0, 0, 0, 0]] * 2,
            }
        }
    ).population
    pop = make_population(500, cfg, seed=1, block_size=128)
    occ = np.array(cfg.occupations)[pop.occupation]
    assert set(occ[pop.age <= 30]) == {"Student"} and set(occ[pop.age > 30]) == {"Engineer"}


# ---------------------------------------------------------------- survey attributes (issue 18, part 1)
@pytest.fixture(scope="module")
def surveyed():
    return make_population(N, PopulationConfig(survey=True), seed=11, block_size=8192)


def test_survey_weights_of_one_give_the_papers_draws():
    from synthsocial.population.interests import sample_interests
    from synthsocial.population.occupation import sample_occupation

    band = np.random.default_rng(0).integers(0, 3, 5000)
    pools = [[0, 1], [2, 3, 4], [5]]
    gender = np.random.default_rng(1).integers(0, 2, 5000)
    plain = sample_occupation(band, pools, np.random.default_rng(2))
    assert np.array_equal(plain, sample_occupation(band, pools, np.random.default_rng(2), gender, np.ones((2, 6))))
    a = sample_interests(3000, 20, (1, 5), np.random.default_rng(3))
    b = sample_interests(3000, 20, (1, 5), np.random.default_rng(3), np.ones((3000, 20)))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_the_stance_leans_by_age_as_in_the_survey(surveyed, pop):
    from synthsocial.population.survey import right_share, tables

    rows = tables()["leaning"]["rows"]
    assert right_share(np.array([20, 27, 85])) == pytest.approx([34 / 100, 32 / 96, 58 / 97])
    for low, high in ((18, 24), (30, 39), (60, 69)):
        sel = (surveyed.age >= low) & (surveyed.age <= high)
        want = next(r[2] / (r[1] + r[2]) for r in rows if r[0] == (0 if low == 18 else low))
        assert abs(np.mean(surveyed.stance[sel] > 0) - want) <= 4 * sigma(want, int(sel.sum()))
    # the magnitudes keep the Beta shape: same |stance| distribution as without the survey
    assert abs(np.mean(np.abs(surveyed.stance) > 1 / 3) - np.mean(np.abs(pop.stance) > 1 / 3)) < 0.02


def test_occupations_follow_gender_and_qualification_as_in_the_labour_surveys(surveyed):
    from synthsocial.population.survey import occupation_weights, qualification_share, tables, women_share

    cfg = surveyed.config
    occ, genders, quals = cfg.occupations, list(cfg.gender_p), [q for q, _ in cfg.qualifications]
    w = occupation_weights(occ, genders, quals)
    assert w.shape == (len(genders) * len(quals), len(occ))
    band = 4  # 36-50
    pool = [occ.index(o) for o in cfg.occupations_by_band[band]]
    checked = 0
    for g in range(len(genders)):
        for q in range(len(quals)):
            sel = (surveyed.band == band) & (surveyed.gender == g) & (surveyed.qualification == q)
            if sel.sum() < 200:
                continue
            row = w[g * len(quals) + q]
            for name in ("Nurse", "Electrician", "Teacher", "Lawyer", "Cashier"):
                want = row[occ.index(name)] / row[pool].sum()  # P(occupation | band, gender, qualification)
                got = np.mean(surveyed.occupation[sel] == occ.index(name))
                assert abs(got - want) <= 4 * sigma(want, int(sel.sum())) + 1e-12
                checked += 1
    assert checked >= 5 * 10
    # the table as published: every row sums to 100 (rounding), names our occupations and levels
    t = tables()["qualification"]
    assert set(t["percent"]) <= set(occ) and set(t["level"]) == set(quals)
    assert all(abs(sum(r) - 100) <= 1 for r in [*t["percent"].values(), t["total"]])
    # the factors are the published shares: women among nurses, lawyers' doctoral or professional degrees
    assert women_share(["Nurse"])[0] == pytest.approx(tables()["women"]["percent"]["Nurse"] / 100)
    e = qualification_share(["Lawyer", "Unemployed"], ["PhD", "High School Diploma"])
    total = tables()["qualification"]["total"]
    assert e[0, 0] == pytest.approx(tables()["qualification"]["percent"]["Lawyer"][6] / 100)
    assert e[1, 1] == pytest.approx(total[1] / 100)  # no row: the all-occupations share
    # the contrasts a reader would check
    female = genders.index("female")
    nurses = surveyed.occupation == occ.index("Nurse")
    electricians = surveyed.occupation == occ.index("Electrician")
    assert np.mean(surveyed.gender[nurses] == female) > 0.8 and np.mean(surveyed.gender[electricians] == female) < 0.1
    lawyers = surveyed.occupation == occ.index("Lawyer")
    cashiers = surveyed.occupation == occ.index("Cashier")
    phd, school = quals.index("PhD"), quals.index("High School Diploma")
    q = surveyed.qualification
    assert np.mean(q[lawyers] == phd) > 5 * np.mean(q[surveyed.band == band] == phd)
    assert np.mean(q[cashiers] == school) > np.mean(q[lawyers] == school) + 0.2


def test_an_occupation_pool_without_weight_for_a_group_is_drawn_uniformly():
    from synthsocial.population.occupation import sample_occupation

    band = np.zeros(4000, dtype=np.int64)
    group = np.repeat([0, 1], 2000)
    weights = np.array([[0.0, 0.0, 5.0], [1.0, 3.0, 0.0]])  # group 0: nothing on its pool [0, 1]
    occ = sample_occupation(band, [[0, 1]], np.random.default_rng(4), group, weights)
    assert set(occ) == {0, 1}
    assert abs(np.mean(occ[:2000] == 0) - 0.5) < 0.05 and abs(np.mean(occ[2000:] == 0) - 0.25) < 0.05


def test_first_interests_follow_age_and_gender_as_in_the_surveys(surveyed):
    from synthsocial.population.survey import interest_weights

    cfg = surveyed.config
    genders = list(cfg.gender_p)
    w, ages = interest_weights(cfg.interests, genders)
    col = np.searchsorted(ages, surveyed.age, side="right") - 1
    first = surveyed.interests[:, 0]  # the first of an exponential race: P(i) = w_i / sum(w)
    for name in ("Politics", "Video Games", "Movies", "Cooking"):
        i = cfg.interests.index(name)
        for c in range(ages.size):
            for g in range(len(genders)):
                sel = (col == c) & (surveyed.gender == g) & (surveyed.age >= 18)
                want = w[c, g, i] / w[c, g].sum()
                assert abs(np.mean(first[sel] == i) - want) <= 4 * sigma(want, int(sel.sum()))
    # the published contrasts: politics news 77% of 65+ against 50% of 18-29; video games 77% of
    # young men against 57% of young women
    p = cfg.interests.index("Politics")
    assert w[3, 0, p] / w[0, 0, p] == pytest.approx(77 / 50)
    v = cfg.interests.index("Video Games")
    assert w[0, genders.index("male"), v] / w[0, genders.index("female"), v] == pytest.approx(77 / 57)


def test_states_follow_the_census_and_carry_their_region_and_time_zone(surveyed, pop):
    from zoneinfo import available_timezones

    from synthsocial.population.location import states

    t = states()
    assert t["code"].size == 51 and t["population"].sum() == 331_449_281  # the 2020 Census resident population
    share = t["population"] / t["population"].sum()
    got = np.bincount(surveyed.state, minlength=51) / N
    assert (np.abs(got - share) <= 4 * np.sqrt(share * (1 - share) / N)).all()
    assert pop.state is None and "state" not in pop.to_arrow().column_names  # the paper's draw has no location
    users = surveyed.to_arrow()
    assert {"country", "state", "region", "time_zone"} <= set(users.column_names)
    assert set(users["country"].to_pylist()) == {"US"}
    assert set(t["zone"]) <= available_timezones() and set(t["region"]) == {"Northeast", "Midwest", "South", "West"}
    row = dict(zip(users["state"].to_pylist(), zip(users["region"].to_pylist(), users["time_zone"].to_pylist())))
    assert row["California"] == ("West", "America/Los_Angeles") and row["Texas"] == ("South", "America/Chicago")
    assert row["New York"] == ("Northeast", "America/New_York") and row["Arizona"] == ("West", "America/Phoenix")


def test_the_location_is_drawn_apart_from_every_other_attribute(surveyed, monkeypatch):
    # its own stream: without the draw of states, every other attribute comes out the same
    import synthsocial.population as population

    monkeypatch.setattr(population, "sample_state", lambda m, rng: np.zeros(m, dtype=np.int8))
    without = make_population(N, PopulationConfig(survey=True), seed=11, block_size=8192)
    names = ("age", "gender", "first_name", "qualification", "occupation", "interests", "traits", "influence", "stance")
    for name in names:
        assert np.array_equal(getattr(without, name), getattr(surveyed, name)), name
    assert not np.array_equal(without.state, surveyed.state)
