"""A small clinic case whose preparation the offline lifter cannot lift (a while loop over the
rows), so the LLM path and forks have something to repair: the script, its data and model answers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

# The preparation walks the rows with a while loop, for which the lifter has no rule.
SCRIPT = textwrap.dedent(
    """
    import csv
    from sklearn.linear_model import LogisticRegression

    people = {r["pid"]: r for r in csv.DictReader(open("data/people.csv"))}
    visits = list(csv.DictReader(open("data/visits.csv")))
    rows = []
    i = 0
    while i < len(visits):
        v = visits[i]
        if v["pid"] in people:
            rows.append((v["minutes"], people[v["pid"]]["age"], v["kind"]))
        i += 1
    X = [[float(m), float(a)] for m, a, k in rows]
    y = [1 if k == "long" else 0 for m, a, k in rows]
    LogisticRegression().fit(X, y)
    """
)

PREPARE_BROKEN = "```python\n@lt.prepare\ndef prepared(people, visits)\n    return visits\n```"
PREPARE_OK = """```python
@lt.prepare
def prepared(people: lt.Frame, visits: lt.Frame) -> lt.Frame:
    joined = visits.join(people, on="pid")
    return joined.select(["minutes", "age", "kind"])
```"""


def make_case(root: Path) -> Path:
    """Write the clinic data and script under `root`; the script's path."""
    rng = np.random.default_rng(3)
    (root / "data").mkdir(parents=True)
    pd.DataFrame({"pid": np.arange(30), "age": rng.integers(20, 70, 30)}).to_csv(
        root / "data/people.csv", index=False
    )
    visits = pd.DataFrame({"pid": rng.integers(0, 40, 90), "minutes": rng.integers(1, 120, 90)})
    visits["kind"] = np.where(visits["minutes"] > 60, "long", "short")
    visits.to_csv(root / "data/visits.csv", index=False)
    (root / "clinic.py").write_text(SCRIPT)
    return root / "clinic.py"
