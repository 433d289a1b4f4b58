"""A small pandas-style case (the trace lifter's path): a script written as people write pandas,
and its data. Used by the trace lifter's end-to-end test and by the UI's trace store."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

SCRIPT = textwrap.dedent(
    """
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    loans = pd.read_csv("data/loans.csv", index_col=0, na_values=["n/a"])
    branches = pd.read_csv("data/branches.csv")

    loans = loans[loans["amount"] > 0]
    loans["income"] = loans["income"].fillna(loans["income"].median())
    loans["ratio"] = loans["amount"] / loans["income"]
    loans["branch_mean"] = loans.groupby("branch")["amount"].transform("mean")
    loans = loans.merge(branches, on="branch", how="left")
    loans.loc[loans["age"] > 70, "age"] = 70
    loans["defaulted"] = (loans["status"] == "late").astype(int)

    features = ["amount", "income", "ratio", "branch_mean", "age", "region"]
    X_train, X_test, y_train, y_test = train_test_split(
        loans[features], loans["defaulted"], test_size=0.25, random_state=3
    )
    encode = ColumnTransformer(
        [
            ("num", StandardScaler(), ["amount", "income", "ratio", "branch_mean", "age"]),
            ("region", OneHotEncoder(handle_unknown="ignore"), ["region"]),
        ]
    )
    model = Pipeline([("encode", encode), ("lr", LogisticRegression(C=0.5, max_iter=500))])
    model.fit(X_train, y_train)
    print(model.score(X_test, y_test))
    """
)


def make_case(folder: Path, rows: int = 300, seed: int = 0) -> Path:
    """Write the script and its data into `folder`; return the script's path."""
    rng = np.random.default_rng(seed)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    income = rng.normal(3000, 800, rows).round(2).astype(object)
    income[rng.random(rows) < 0.1] = "n/a"
    loans = pd.DataFrame(
        {
            "loan_id": np.arange(rows),
            "amount": rng.integers(-50, 20000, rows),
            "income": income,
            "age": rng.integers(18, 90, rows),
            "branch": rng.choice(["b1", "b2", "b3", "b4"], rows),
            "status": rng.choice(["ok", "late"], rows, p=[0.7, 0.3]),
        }
    )
    loans.to_csv(folder / "data" / "loans.csv", index=False)
    branches = pd.DataFrame({"branch": ["b1", "b2", "b3"], "region": ["north", "south", "north"]})
    branches.to_csv(folder / "data" / "branches.csv", index=False)
    script = folder / "messy.py"
    script.write_text(SCRIPT)
    return script
