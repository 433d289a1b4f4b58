"""Session energy model for the charging network: predicts kWh delivered per session (time-based holdout)."""
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import mean_absolute_error
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

logger = logging.getLogger(__name__)

CONFIG = {
    "paths": {"sessions": Path("data/sessions.csv"), "stations": Path("data/stations.csv"), "out": Path("out")},
    "features": {
        "numeric": ["duration_h", "max_kw", "n_ports", "tariff_eur_kwh", "station_age_days",
                    "share_member", "share_guest", "share_fleet"],
        "categorical": ["connector", "user_type", "site_category"],
        "time": ["plug_in"],
    },
    "target": "kwh_delivered",
    "train_frac": 0.8,
    "gbr": {"n_estimators": 250, "learning_rate": 0.05, "max_depth": 3, "subsample": 0.8, "random_state": 7},
}
CONNECTORS = {"ccs": "CCS", "type2": "Type2", "chademo": "CHAdeMO"}


class CyclicalTime(BaseEstimator, TransformerMixin):
    """Hour of day as sin/cos plus a weekend flag."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        ts = pd.to_datetime(X.iloc[:, 0])
        hour = ts.dt.hour + ts.dt.minute / 60.0
        return np.column_stack([np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24),
                                (ts.dt.day_of_week >= 5).astype(float)])


def load_sessions(path: Path) -> pd.DataFrame:
    cols = ["session_id", "station_id", "connector", "plug_in", "plug_out", "kwh_delivered", "user_type",
            "tariff_eur_kwh"]
    df = pd.read_csv(path, usecols=cols, dtype={"session_id": str, "station_id": str},
                     parse_dates=["plug_in", "plug_out"])
    df = df.drop_duplicates(subset="session_id", keep="last")
    df["connector"] = df["connector"].str.lower().str.replace(r"[\s_]", "", regex=True).map(CONNECTORS)
    df["user_type"] = df["user_type"].fillna("unknown")
    df["duration_h"] = (df["plug_out"] - df["plug_in"]).dt.total_seconds() / 3600.0
    ok = (df["kwh_delivered"] > 0) & df["duration_h"].between(0, 48, inclusive="right")
    logger.info("dropping %d sessions without usable energy/duration", int((~ok).sum()))
    return df.loc[ok].copy()


def station_user_mix(sessions: pd.DataFrame) -> pd.DataFrame:
    mix = pd.pivot_table(sessions, index="station_id", columns="user_type", values="session_id",
                         aggfunc="count", fill_value=0)
    mix = mix.div(mix.sum(axis=1), axis=0)
    return mix[["member", "guest", "fleet"]].add_prefix("share_").reset_index()


def build_model(cfg: dict) -> Pipeline:
    feats = cfg["features"]
    pre = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), feats["numeric"]),
        ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")),
                          ("ohe", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), feats["categorical"]),
        ("time", CyclicalTime(), feats["time"]),
    ])
    return Pipeline([("pre", pre), ("gbr", GradientBoostingRegressor(**cfg["gbr"]))])


def main(cfg: dict = CONFIG) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sessions = load_sessions(cfg["paths"]["sessions"])
    stations = pd.read_csv(cfg["paths"]["stations"], dtype={"station_id": str}, parse_dates=["commissioned"])

    df = (sessions.merge(stations, on="station_id", how="left", validate="many_to_one")
          .merge(station_user_mix(sessions), on="station_id", how="left", validate="many_to_one"))
    df["station_age_days"] = (df["plug_in"] - df["commissioned"]).dt.days
    df = df.sort_values("plug_in").reset_index(drop=True)

    n_train = int(len(df) * cfg["train_frac"])
    train, test = df.iloc[:n_train], df.iloc[n_train:]
    feats = cfg["features"]["numeric"] + cfg["features"]["categorical"] + cfg["features"]["time"]
    logger.info("train %d sessions up to %s, test %d", len(train), train["plug_in"].max(), len(test))

    model = build_model(cfg)
    model.fit(train[feats], train[cfg["target"]])
    mae = mean_absolute_error(test[cfg["target"]], model.predict(test[feats]))
    logger.info("holdout MAE %.2f kWh", mae)

    cfg["paths"]["out"].mkdir(exist_ok=True)
    (cfg["paths"]["out"] / "metrics.json").write_text(json.dumps({"mae_kwh": round(mae, 3)}, indent=2))


if __name__ == "__main__":
    main()
