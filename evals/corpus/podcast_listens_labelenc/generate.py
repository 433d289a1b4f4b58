"""Seeded generator for podcast_listens_labelenc: episodes.csv, podcast episodes and their listens (header).

Columns (headers as exported, with spaces and capitals): Episode ID,Show Name,Genre,Episode Title,
Length (min),Release Day,Host Count,Guest,Ads,Listens
Length is empty for ~4% and sometimes "n/a"; Guest is "Yes"/"No"; Ads is a count; Listens the target.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

SHOWS = {"Deep Dive Daily": "news", "Crime Files": "true crime", "Laugh Track": "comedy",
         "Startup Stories": "business", "Cosmos Chat": "science", "Kitchen Table": "food",
         "Market Minute": "business", "Mystery Hour": "true crime"}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WORDS = ["the", "secret", "of", "why", "how", "we", "lost", "found", "big", "little", "truth", "2024", "part", "2"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    shows = list(SHOWS)
    rows = [["Episode ID", "Show Name", "Genre", "Episode Title", "Length (min)", "Release Day", "Host Count",
             "Guest", "Ads", "Listens"]]
    for i in range(900 * scale):
        show = shows[int(rng.integers(len(shows)))]
        genre = SHOWS[show]
        n_words = int(rng.integers(2, 9))
        title = " ".join(WORDS[int(k)] for k in rng.integers(0, len(WORDS), n_words)).capitalize()
        length = float(np.clip(rng.normal(45, 18), 5, 150))
        day = DAYS[int(rng.integers(7))]
        hosts = int(rng.integers(1, 4))
        guest = rng.random() < 0.45
        ads = int(rng.poisson(3))
        listens = np.exp(7 + 0.01 * min(length, 90) - 0.03 * ads + (0.4 if guest else 0)
                         + (0.5 if genre == "true crime" else 0) + (0.2 if day in ("Monday", "Tuesday") else 0)
                         + rng.normal(0, 0.3))
        length_s = "" if rng.random() < 0.04 else ("n/a" if rng.random() < 0.02 else f"{length:.1f}")
        rows.append([i, show, genre, title, length_s, day, hosts, "Yes" if guest else "No", ads, int(listens)])
    _write_atomic(Path(out_dir) / "episodes.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
