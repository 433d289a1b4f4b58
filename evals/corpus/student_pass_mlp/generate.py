"""Seeded generator for student_pass_mlp: student-mat.csv, UCI-student-performance-like.

Semicolon-separated with header; string values are double-quoted ("GP";"F";18;...), as in the original.
Columns: school;sex;age;address;Medu;Fedu;Mjob;studytime;failures;schoolsup;internet;romantic;absences;G1;G2;G3
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

JOBS = ["teacher", "health", "services", "at_home", "other"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 400 * scale
    q = lambda s: f'"{s}"'  # noqa: E731
    rows = [[q(c) for c in ["school", "sex", "age", "address", "Medu", "Fedu", "Mjob", "studytime", "failures",
                            "schoolsup", "internet", "romantic", "absences", "G1", "G2", "G3"]]]
    for _ in range(n):
        ability = rng.normal(0, 1)
        study = int(rng.integers(1, 5))
        fail = int(rng.choice(4, p=[0.78, 0.12, 0.06, 0.04]))
        absences = int(rng.poisson(5))
        medu, fedu = int(rng.integers(0, 5)), int(rng.integers(0, 5))
        base = 10.5 + 2.2 * ability + 0.6 * study - 1.5 * fail - 0.08 * absences + 0.3 * medu
        g1 = int(np.clip(round(base + rng.normal(0, 1.5)), 0, 20))
        g2 = int(np.clip(round(base + rng.normal(0, 1.5)), 0, 20))
        g3 = int(np.clip(round(base + rng.normal(0, 1.8)), 0, 20))
        yn = lambda p: q("yes" if rng.random() < p else "no")  # noqa: E731
        rows.append([q("GP" if rng.random() < 0.8 else "MS"), q("F" if rng.random() < 0.52 else "M"), int(rng.integers(15, 21)),
                     q("U" if rng.random() < 0.78 else "R"), medu, fedu, q(JOBS[int(rng.integers(5))]), study, fail,
                     yn(0.13), yn(0.83), yn(0.33), absences, g1, g2, g3])
    _write_atomic(Path(out_dir) / "student-mat.csv", _lines(rows, sep=";"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
