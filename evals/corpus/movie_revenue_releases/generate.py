"""Seeded generator for movie_revenue_releases: movies.csv and cast.csv (box office).

movies.csv: movie_id,title,release_date,genres,runtime,budget,studio,rating,revenue
            (genres "Action|Sci-Fi"; budget 0 when unknown (~12%); ~4% re-releases: same title, a later date,
            a smaller revenue; revenue 0 for a few films never reported; rows not in date order)
cast.csv:   movie_id,actor,order,popularity   (4-12 credited actors per film, order 0 = lead; some films have none)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

GENRES = {"Action": 0.5, "Adventure": 0.45, "Comedy": 0.0, "Drama": -0.35, "Horror": -0.1, "Animation": 0.55,
          "Sci-Fi": 0.3, "Romance": -0.2, "Thriller": 0.05}
STUDIOS = ["Paramount", "Universal", "Warner Bros.", "Disney", "Sony", "Lionsgate", "A24", "Focus Features", "Blumhouse"]
MAJOR = {"Paramount", "Universal", "Warner Bros.", "Disney", "Sony"}
WORDS = ["Night", "Last", "Dark", "Star", "City", "Love", "Return", "Secret", "Fire", "River", "Shadow", "King", "Lost", "Road"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n = 1100 * scale
    n_actors = 400 * scale
    pop = rng.lognormal(1.5, 0.8, n_actors)
    movies = [["movie_id", "title", "release_date", "genres", "runtime", "budget", "studio", "rating", "revenue"]]
    cast = [["movie_id", "actor", "order", "popularity"]]
    start = dt.date(2010, 1, 1)
    genre_names = list(GENRES)
    made = []
    for i in range(n):
        mid = 1000 + i
        if made and rng.random() < 0.04:     # a re-release of an earlier title
            title, date, genres, runtime, budget, studio, rating, revenue = made[int(rng.integers(len(made)))]
            date = date + dt.timedelta(days=int(rng.integers(200, 1500)))
            revenue = revenue * rng.uniform(0.05, 0.2)
        else:
            title = f"{WORDS[int(rng.integers(14))]} {WORDS[int(rng.integers(14))]} {i}"
            date = start + dt.timedelta(days=int(rng.integers(0, 3650)))
            k = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2]))
            genres = [genre_names[j] for j in sorted(rng.choice(len(genre_names), size=k, replace=False))]
            studio = STUDIOS[int(rng.integers(len(STUDIOS)))]
            budget = float(rng.lognormal(17.2 + 0.6 * (studio in MAJOR) + 0.4 * ("Action" in genres), 0.8))
            runtime = int(np.clip(rng.normal(108 + 10 * ("Action" in genres) - 15 * ("Animation" in genres), 14), 75, 190))
            rating = str(rng.choice(["G", "PG", "PG-13", "R"], p=[0.05, 0.2, 0.45, 0.3] if "Animation" not in genres else [0.4, 0.55, 0.05, 0.0]))
            lead = pop[rng.integers(n_actors, size=3)].mean()
            summer = date.month in (5, 6, 7)
            revenue = budget * np.exp(0.6 + sum(GENRES[g] for g in genres) / k + 0.25 * np.log(lead) + 0.3 * summer
                                      + 0.2 * (date.month in (11, 12)) - 0.3 * (rating == "R") + rng.normal(0, 0.7))
            made.append((title, date, genres, runtime, budget, studio, rating, revenue))
            n_cast = int(rng.integers(4, 13)) if rng.random() > 0.03 else 0
            top = sorted(rng.choice(n_actors, size=n_cast, replace=False), key=lambda a: -pop[a]) if n_cast else []
            for order, a in enumerate(top):
                cast.append([mid, f"actor_{int(a):04d}", order, f"{pop[a]:.2f}"])
        shown_budget = 0 if rng.random() < 0.12 else int(budget)
        shown_rev = 0 if rng.random() < 0.02 else int(revenue)
        movies.append([mid, title, date.isoformat(), "|".join(genres), runtime, shown_budget, studio, rating, shown_rev])
    _write_atomic(out_dir / "movies.csv", _lines(movies))
    _write_atomic(out_dir / "cast.csv", _lines(cast))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
