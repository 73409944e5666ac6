"""Do the users' attributes reproduce the surveys they are drawn from? (issue 18, part 1)

Draws the population of a default (bluesky-profile) world and compares, with their binomial
standard errors, the shares the surveys give (population/data/surveys.toml) with the drawn ones:
right-leaning share by age row (Pew 2024), share of women in a few occupations (BLS 2022; drawn
shares also depend on the gender mix of each age band's pool), share with a bachelor's degree or
higher in a few occupations (BLS, ACS 2014; drawn shares also depend on our qualification shares
by age band, which are not the US workforce's), and the share of users whose
first interest is politics or video games by age column and gender (Pew 2025, 2015: the first
interest is drawn with probability w_i / sum w), and the share of users in the largest states and
in each time zone (2020 Census resident population). Writes a section of docs/algorithm.md.

    python benchmarks/survey_attributes.py --nodes 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
from _doc import write_section

from synthsocial.population import make_population
from synthsocial.population.location import states
from synthsocial.population.survey import (
    interest_weights,
    qualification_share,
    right_share,
    row_of,
    tables,
    women_share,
)
from synthsocial.profiles import apply

ROOT = Path(__file__).resolve().parents[1]


def se(p: float, n: int) -> float:
    return float(np.sqrt(p * (1 - p) / max(n, 1)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "docs" / "algorithm.md"))
    args = ap.parse_args()
    cfg = apply("bluesky", args.nodes).population
    pop = make_population(args.nodes, cfg, args.seed, 8192)
    lines = [
        f"### `python benchmarks/survey_attributes.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{args.nodes:,} users of the bluesky profile, seed {args.seed})",
        "",
        "| leaning (Pew 2024): ages | right-leaning in the survey | drawn (stance > 0) | users |",
        "|---|---|---|---|",
    ]
    rows = tables()["leaning"]["rows"]
    for k, (low, _, _) in enumerate(rows):
        lo = max(low, 18)
        hi = rows[k + 1][0] - 1 if k + 1 < len(rows) else 80
        sel = (pop.age >= lo) & (pop.age <= hi)
        want = float(right_share(np.array([lo]))[0])
        got = float(np.mean(pop.stance[sel] > 0))
        lines.append(
            f"| {f'{lo}-{hi}' if hi > lo else f'{lo}+'} | {want:.3f} | {got:.3f} ± {se(got, int(sel.sum())):.3f} | {int(sel.sum()):,} |"
        )
    lines += [
        "",
        "| occupation (BLS 2022) | women among the employed | women among users drawn | users |",
        "|---|---|---|---|",
    ]
    female = list(cfg.gender_p).index("female")
    for name in ("Nurse", "Teacher", "Hairdresser", "Software Developer", "Electrician", "Pilot"):
        sel = pop.occupation == cfg.occupations.index(name)
        got = float(np.mean(pop.gender[sel] == female))
        lines.append(
            f"| {name} | {women_share([name])[0]:.3f} | {got:.3f} ± {se(got, int(sel.sum())):.3f} | {int(sel.sum()):,} |"
        )
    quals = [q for q, _ in cfg.qualifications]
    degree = [quals.index(q) for q in ("Bachelor's Degree", "Master's Degree", "PhD")]
    lines += [
        "",
        "| occupation (BLS, ACS 2014) | bachelor's or higher among its workers 25+ | among users 26+ drawn | users |",
        "|---|---|---|---|",
    ]
    for name in ("Lawyer", "Teacher", "Software Developer", "Nurse", "Electrician", "Cashier", "Builder"):
        sel = (pop.occupation == cfg.occupations.index(name)) & (pop.age >= 26)
        want = float(qualification_share([name], quals)[degree, 0].sum())
        got = float(np.mean(np.isin(pop.qualification[sel], degree)))
        lines.append(f"| {name} | {want:.3f} | {got:.3f} ± {se(got, int(sel.sum())):.3f} | {int(sel.sum()):,} |")
    genders = list(cfg.gender_p)
    w, ages = interest_weights(cfg.interests, genders)
    col = row_of(pop.age, ages)
    labels = [f"{max(a, 18)}-{b - 1}" for a, b in zip(ages[:-1], ages[1:])] + [f"{ages[-1]}+"]
    lines += [
        "",
        "| first interest | ages | gender | expected w_i / sum w | drawn | users |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("Politics", "Video Games"):
        i = cfg.interests.index(name)
        for c in range(ages.size):
            for g, gname in enumerate(genders):
                sel = (col == c) & (pop.gender == g) & (pop.age >= 18)
                want = w[c, g, i] / w[c, g].sum()
                got = float(np.mean(pop.interests[sel, 0] == i))
                lines.append(
                    f"| {name} | {labels[c]} | {gname} | {want:.4f} | "
                    f"{got:.4f} ± {se(got, int(sel.sum())):.4f} | {int(sel.sum()):,} |"
                )
    t = states()
    share = t["population"] / t["population"].sum()
    drawn = np.bincount(pop.state, minlength=share.size) / args.nodes
    lines += ["", "| state (Census 2020) | share of the resident population | share of users drawn |", "|---|---|---|"]
    for k in np.argsort(-share)[:6]:
        lines.append(f"| {t['name'][k]} | {share[k]:.4f} | {drawn[k]:.4f} ± {se(drawn[k], args.nodes):.4f} |")
    lines += [
        "",
        "| time zone (of the state) | share of the resident population | share of users drawn |",
        "|---|---|---|",
    ]
    for zone in sorted(set(t["zone"]), key=lambda z: -share[t["zone"] == z].sum()):
        want, got = share[t["zone"] == zone].sum(), drawn[t["zone"] == zone].sum()
        lines.append(f"| {zone} | {want:.4f} | {got:.4f} ± {se(got, args.nodes):.4f} |")
    write_section(args.out, "survey_attributes", "\n".join(lines), "## Measured: attributes against their surveys")


if __name__ == "__main__":
    main()
