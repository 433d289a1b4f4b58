"""Seeded generator for crowdfunding_launch_outcomes: crowdfunding projects and how they ended.

ks-projects-201801.csv: ID,name,category,main_category,currency,deadline,goal,launched,pledged,state,backers,country,
                        usd pledged,usd_pledged_real,usd_goal_real
(state successful / failed / canceled / live / undefined / suspended; names quoted when they hold a comma, a few
blank; main_category sometimes lower-cased or with a trailing space; country blank for a few; "usd pledged" blank
for some; a few projects listed twice; some niche categories with only a handful of projects)
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

# main category: (sub categories, success offset)
MAIN = {"Film & Video": (["Documentary", "Shorts", "Narrative Film", "Film & Video", "Animation"], 0.0),
        "Music": (["Music", "Rock", "Indie Rock", "Hip-Hop", "Country & Folk"], 0.3),
        "Publishing": (["Fiction", "Nonfiction", "Children's Books", "Publishing", "Poetry"], -0.3),
        "Games": (["Tabletop Games", "Video Games", "Playing Cards"], 0.2),
        "Technology": (["Apps", "Gadgets", "Hardware", "Web", "Software"], -0.8),
        "Design": (["Product Design", "Graphic Design"], 0.1),
        "Art": (["Art", "Painting", "Illustration", "Public Art"], -0.1),
        "Food": (["Food", "Restaurants", "Drinks"], -0.6),
        "Fashion": (["Fashion", "Apparel", "Accessories"], -0.5),
        "Comics": (["Comics", "Comic Books", "Webcomics"], 0.6),
        "Theater": (["Theater", "Plays", "Musical"], 0.7),
        "Crafts": (["Crafts", "DIY"], -0.7),
        "Photography": (["Photography", "Photobooks"], -0.3),
        "Dance": (["Dance", "Performances"], 0.8),
        "Journalism": (["Journalism"], -0.9)}
MAIN_P = [0.18, 0.14, 0.11, 0.09, 0.09, 0.08, 0.07, 0.06, 0.05, 0.03, 0.03, 0.025, 0.025, 0.01, 0.01]
RARE = [("Taxidermy", "Crafts"), ("Chiptune", "Music"), ("Letterpress", "Publishing"), ("Residencies", "Dance")]
COUNTRIES = [("US", "USD", 1.0), ("GB", "GBP", 1.31), ("CA", "CAD", 0.77), ("AU", "AUD", 0.74), ("DE", "EUR", 1.13),
             ("FR", "EUR", 1.13), ("NL", "EUR", 1.13), ("SE", "SEK", 0.11), ("MX", "MXN", 0.052)]
COUNTRY_P = [0.78, 0.09, 0.04, 0.02, 0.02, 0.015, 0.015, 0.01, 0.01]
WORDS = ["The", "New", "Album", "Project", "Film", "Book", "Game", "Smart", "Tour", "Journey", "First", "Art", "Life",
         "Community", "Garden", "Coffee", "Story", "Dream", "Light", "World", "Debut", "EP", "Edition", "Comic", "Card",
         "Kitchen", "Studio", "Wallet", "Watch", "Bike", "Festival", "Series", "Vol. 2", "Revival", "Street"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    mains = list(MAIN)
    n = 2500 * scale
    ids = 1000000 + np.cumsum(rng.integers(1, 800000, n))
    ids = ids[rng.permutation(n)]
    rows = [["ID", "name", "category", "main_category", "currency", "deadline", "goal", "launched", "pledged", "state",
             "backers", "country", "usd pledged", "usd_pledged_real", "usd_goal_real"]]
    start = _dt.datetime(2011, 1, 1)
    for i in range(n):
        if rng.random() < 0.008:
            cat, main = RARE[int(rng.integers(len(RARE)))]
        else:
            main = mains[int(rng.choice(len(mains), p=MAIN_P))]
            cat = str(rng.choice(MAIN[main][0]))
        words = [str(w) for w in rng.choice(WORDS, int(rng.integers(1, 8)))]
        name = " ".join(words)
        if rng.random() < 0.08:
            name += str(rng.choice(["!", "?", " - Help us launch", ": a short film"]))
        if rng.random() < 0.05:
            name = f'"{name}, {str(rng.choice(WORDS))} and more"'
        if rng.random() < 0.004:
            name = ""
        country, currency, rate = COUNTRIES[int(rng.choice(len(COUNTRIES), p=COUNTRY_P))]
        launched = start + _dt.timedelta(seconds=int(rng.integers(0, 7 * 365 * 86400)))
        days = 30 if rng.random() < 0.55 else int(rng.integers(10, 61))
        deadline = (launched + _dt.timedelta(days=days)).date()
        goal = float(np.round(np.exp(rng.normal(8.6, 1.3)), -1 if rng.random() < 0.5 else -2))
        goal = max(goal, 10.0)
        usd_goal = goal * rate
        z = (1.0 + MAIN[main][1] - 0.55 * (np.log(usd_goal) - 8.6) - 0.02 * (days - 30)
             - 0.4 * (launched.year in (2014, 2015)) + 0.04 * len(words) + rng.normal(0, 0.9))
        ok = z > 0.9
        u = rng.random()
        state = ("successful" if ok else "failed") if u < 0.885 else "canceled" if u < 0.985 else \
            "live" if u < 0.992 else "undefined" if u < 0.996 else "suspended"
        pledged = goal * (float(rng.uniform(1.0, 3.0)) if state == "successful" else float(rng.beta(0.6, 5)))
        backers = int(pledged / max(float(rng.lognormal(3.8, 0.6)), 1.0))
        usd_pl = "" if rng.random() < 0.01 else f"{pledged * rate * float(rng.uniform(0.97, 1.03)):.2f}"
        main_s = main.lower() if rng.random() < 0.03 else main + " " if rng.random() < 0.01 else main
        rows.append([int(ids[i]), name, cat, main_s, currency, deadline.isoformat(), f"{goal:.2f}",
                     launched.strftime("%Y-%m-%d %H:%M:%S"), f"{pledged:.2f}", state, backers,
                     "" if rng.random() < 0.01 else country, usd_pl, f"{pledged * rate:.2f}", f"{usd_goal:.2f}"])
        if rng.random() < 0.01:
            rows.append(list(rows[-1]))
    _write_atomic(out_dir / "ks-projects-201801.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
