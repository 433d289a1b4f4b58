"""Trial-to-paid conversion model from first-14-day product usage."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

log = logging.getLogger("trial_conversion")

DATA_DIR = Path("data")
OUT_DIR = Path("out")
TRIAL_DAYS = 14
SIZE_ORDER = ["1-10", "11-50", "51-200", "201-1000", "1000+"]
EVENT_TYPES = ["login", "project_created", "invite_sent", "integration_connected", "report_exported",
               "billing_viewed"]
COUNT_COLS = [f"n_{e}" for e in EVENT_TYPES] + ["active_days"]
NOMINAL_COLS = ["industry", "channel", "country"]
SEED = 2023


class RareCategoryGrouper(BaseEstimator, TransformerMixin):
    """Replace levels seen in less than `min_freq` of the rows by 'other'."""

    def __init__(self, min_freq: float = 0.03):
        self.min_freq = min_freq

    def fit(self, X: pd.DataFrame, y=None):
        self.keep_ = {c: set(X[c].value_counts(normalize=True).loc[lambda s: s >= self.min_freq].index)
                      for c in X.columns}
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        X = X.copy()
        for c, keep in self.keep_.items():
            X[c] = X[c].where(X[c].isin(keep), "other")
        return X


def trial_usage(events: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    ev = events.merge(accounts[["account_id", "signup_date"]], on="account_id", how="inner", validate="many_to_one")
    ev["trial_day"] = (ev["ts"].dt.normalize() - ev["signup_date"]).dt.days
    ev = ev[(ev["trial_day"] >= 0) & (ev["trial_day"] < TRIAL_DAYS)]
    counts = (pd.pivot_table(ev, index="account_id", columns="event", values="ts", aggfunc="count", fill_value=0)
              .reindex(columns=EVENT_TYPES, fill_value=0)
              .add_prefix("n_"))
    counts["active_days"] = ev.groupby("account_id")["trial_day"].nunique()
    return counts.reset_index()


def load_frame() -> pd.DataFrame:
    accounts = pd.read_csv(DATA_DIR / "accounts.csv", dtype={"account_id": str, "company_size": str},
                           parse_dates=["signup_date"])
    events = pd.read_json(DATA_DIR / "events.jsonl", lines=True, dtype={"account_id": str})
    events["ts"] = pd.to_datetime(events["ts"])
    accounts["industry"] = accounts["industry"].str.strip().str.lower()
    df = accounts.merge(trial_usage(events, accounts), on="account_id", how="left", validate="one_to_one")
    df[COUNT_COLS] = df[COUNT_COLS].fillna(0)
    return df


def build_pipeline() -> Pipeline:
    pre = ColumnTransformer(
        [
            ("counts", "passthrough", COUNT_COLS),
            ("seats", SimpleImputer(strategy="median"), ["seats_invited"]),
            ("size", OrdinalEncoder(categories=[SIZE_ORDER], handle_unknown="use_encoded_value",
                                    unknown_value=-1, encoded_missing_value=-1), ["company_size"]),
            ("nominal", Pipeline([("rare", RareCategoryGrouper(min_freq=0.03)),
                                  ("ohe", OneHotEncoder(handle_unknown="ignore"))]), NOMINAL_COLS),
        ],
        sparse_threshold=0.0,
    )
    gbc = GradientBoostingClassifier(n_estimators=120, max_depth=3, learning_rate=0.1, random_state=SEED)
    return Pipeline([("pre", pre), ("gbc", gbc)])


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(message)s")
    df = load_frame()
    X = df[COUNT_COLS + ["seats_invited", "company_size"] + NOMINAL_COLS]
    y = (df["trial_outcome"] == "converted").astype(int)
    log.info("%d trial accounts, %.1f%% converted", len(df), 100 * y.mean())

    pipe = build_pipeline()
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    scores = cross_val_score(pipe, X, y, cv=cv, scoring="roc_auc")
    log.info("CV ROC AUC %.3f +/- %.3f", scores.mean(), scores.std())

    pipe.fit(X, y)
    OUT_DIR.mkdir(exist_ok=True)
    with open(OUT_DIR / "cv_scores.json", "w") as fh:
        json.dump({"roc_auc_folds": [round(float(s), 4) for s in scores]}, fh)


if __name__ == "__main__":
    main()
