"""Small original scripts for tests of the model path, each made to exercise one weakness of the
prompts or the loop, with their data (`make(root, name)` writes one under `root`), and answers a
model could give for them and for the clinic case (`tests.clinic_case`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

SCRIPTS = {
    # "NA" is a level here, which pandas' default read turns into a missing value.
    "levels": """
        import csv
        from sklearn.linear_model import LogisticRegression

        LEVELS = {"low": 0.0, "NA": 1.0, "high": 2.0}
        rows = list(csv.DictReader(open("data/people.csv")))
        X = [[LEVELS[r["level"]], float(r["age"])] for r in rows]
        y = [1 if float(r["age"]) > 40 else 0 for r in rows]
        LogisticRegression().fit(X, y)
    """,
    # A transformer class, a constant and values drawn from a seeded generator; the class is
    # fitted on an array the script stacks itself, which the trace does not follow into columns,
    # so the encoder is beyond the lifter.
    "helpers": """
        import random

        import numpy as np
        import pandas as pd
        from sklearn.base import BaseEstimator, TransformerMixin
        from sklearn.linear_model import LogisticRegression

        random.seed(7)
        NOISE = [random.random() for _ in range(40)]
        CAP = 90


        class Capped(BaseEstimator, TransformerMixin):
            def __init__(self, cap=CAP):
                self.cap = cap

            def fit(self, X, y=None):
                self.floor_ = np.asarray(X, dtype=float).min(axis=0)
                return self

            def transform(self, X):
                return np.minimum(np.asarray(X, dtype=float), self.cap) - self.floor_


        df = pd.read_csv("data/people.csv")
        df = df[df["age"] > 25]
        X = Capped().fit_transform(np.column_stack([df["age"], df["minutes"]]))
        y = [1 if a > 45 or NOISE[i] < 0.3 else 0 for i, a in enumerate(df["age"])]
        LogisticRegression().fit(X, y)
    """,
    # A column read as an attribute, which the syntax lifter (X is built outside pandas, so the
    # trace lifter cannot follow it) turns into a filter of no columns.
    "sales": """
        import pandas as pd
        from sklearn.linear_model import LinearRegression

        sales = pd.read_csv("data/sales.csv")
        sales = sales[sales.units > 0]
        X = [[float(u)] for u in sales["units"]]
        y = [float(p) for p in sales["price"]]
        LinearRegression().fit(X, y)
    """,
    # A filter before a seeded split: the prepared rows fix which rows the split selects.
    "adults": """
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import train_test_split

        people = pd.read_csv("data/people.csv")
        people = people[people["age"] >= 18]
        X = people[["age", "income"]].to_numpy()
        y = (people["income"] > 50).astype(int).to_numpy()
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
        LogisticRegression().fit(X_train, y_train)
    """,
}


def fenced(code: str) -> str:
    """An answer holding `code` in one python block."""
    return f"```python\n{textwrap.dedent(code).strip()}\n```"


def unfenced(answer: str) -> str:
    """The code of an answer made by `fenced`."""
    return answer.removeprefix("```python\n").removesuffix("\n```")


CLINIC_SOURCES = fenced(
    """
    import lester as lt


    @lt.source
    def people(data_dir: str) -> lt.Frame:
        return lt.read_csv(f"{data_dir}/data/people.csv")


    @lt.source
    def visits(data_dir: str) -> lt.Frame:
        return lt.read_csv(f"{data_dir}/data/visits.csv")
    """
)
LABEL = """
    from sklearn.linear_model import LogisticRegression


    @lt.label
    def label(data):
        return (CONDITION).astype(int)


    @lt.model
    def model():
        return LogisticRegression()
"""
CLINIC_LABEL = fenced(LABEL.replace("CONDITION", 'data["kind"] == "long"'))
HELPERS_ENCODE = fenced(
    """
    from sklearn.compose import ColumnTransformer


    @lt.encode
    def features() -> ColumnTransformer:
        return ColumnTransformer([("capped", Capped(), ["age", "minutes"])])
    """
)
HELPERS_LABEL = fenced(
    """
    @lt.label
    def label(data):
        noise = np.asarray(NOISE[: len(data)])
        return ((data["age"] > 45).to_numpy() | (noise < 0.3)).astype(int)


    @lt.model
    def model():
        return LogisticRegression()
    """
)


def _data(name: str) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(5)
    if name == "levels":
        level = rng.choice(["low", "NA", "high"], 40)
        return {"people": pd.DataFrame({"level": level, "age": rng.integers(20, 70, 40)})}
    if name == "helpers":
        # few distinct values, so that no rule over them reproduces the drawn labels
        ages, minutes = rng.choice([22, 35, 50, 61], 40), rng.choice([5, 30, 95], 40)
        return {"people": pd.DataFrame({"age": ages, "minutes": minutes})}
    if name == "sales":
        units, price = rng.integers(-3, 10, 60), rng.uniform(1, 9, 60).round(2)
        return {
            "sales": pd.DataFrame({"shop": rng.integers(0, 5, 60), "units": units, "price": price})
        }
    ages, income = rng.integers(10, 80, 120), rng.uniform(10, 90, 120).round(2)
    return {"people": pd.DataFrame({"age": ages, "income": income})}


def make(root: Path, name: str) -> Path:
    """Write the case's data and script under `root`; the script's path."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    for file, frame in _data(name).items():
        frame.to_csv(root / "data" / f"{file}.csv", index=False)
    script = root / f"{name}.py"
    script.write_text(textwrap.dedent(SCRIPTS[name]).lstrip())
    return script
