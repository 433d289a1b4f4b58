"""Departure delay >= 15 min, from the schedule only (what we know the day before)."""
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import classification_report, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

USE = ["FL_DATE", "OP_CARRIER", "ORIGIN", "DEST", "CRS_DEP_TIME", "DEP_DELAY", "CANCELLED",
       "CRS_ELAPSED_TIME", "DISTANCE"]

flights = (
    pd.read_csv("data/flights.csv", usecols=USE, parse_dates=["FL_DATE"], dtype={"CRS_DEP_TIME": str})
    .rename(columns=str.lower)
    .query("cancelled == 0")
    .dropna(subset=["dep_delay"])
    .assign(
        dep_hour=lambda d: d["crs_dep_time"].str.zfill(4).str[:2].astype(int),
        weekday=lambda d: d["fl_date"].dt.dayofweek,
        month=lambda d: d["fl_date"].dt.month,
        delayed=lambda d: (d["dep_delay"] >= 15).astype(int),
    )
    .drop(columns=["cancelled", "crs_dep_time"])
    .reset_index(drop=True)
)
print(flights.shape)
print(flights["delayed"].mean())

airports = pd.read_csv("data/airports.csv", usecols=["iata", "state", "elevation_ft"])
origin_info = airports.rename(columns={"iata": "origin", "state": "origin_state", "elevation_ft": "origin_elev"})
flights = flights.merge(origin_info, on="origin", how="left")
print(flights["origin_state"].isna().sum(), "flights from airports not in the table")

# congestion proxies
flights["origin_flights"] = flights.groupby("origin")["distance"].transform("count")
flights["carrier_hour_flights"] = flights.groupby(["op_carrier", "dep_hour"])["distance"].transform("size")
flights["route"] = flights["origin"] + "-" + flights["dest"]
flights["route_sched_mean"] = flights.groupby("route")["crs_elapsed_time"].transform("mean")
flights["sched_slack"] = flights["crs_elapsed_time"] - flights["route_sched_mean"]

# flights.groupby("op_carrier")["delayed"].mean().plot.bar()

num_cols = ["dep_hour", "distance", "crs_elapsed_time", "origin_elev", "origin_flights",
            "carrier_hour_flights", "sched_slack"]
cat_cols = ["op_carrier", "origin", "dest", "origin_state", "weekday", "month"]

X = flights[num_cols + cat_cols]
y = flights["delayed"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)

numeric = Pipeline([
    ("impute", SimpleImputer(strategy="median")),
    ("scale", StandardScaler()),
])
categorical = Pipeline([
    ("impute", SimpleImputer(strategy="most_frequent")),
    ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=20, sparse_output=False)),
])
preprocess = ColumnTransformer([
    ("num", numeric, num_cols),
    ("cat", categorical, cat_cols),
])
model = Pipeline([
    ("prep", preprocess),
    ("gb", GradientBoostingClassifier(n_estimators=120, max_depth=3, learning_rate=0.1, random_state=0)),
])
model.fit(X_train, y_train)

proba = model.predict_proba(X_test)[:, 1]
print("AUC:", round(roc_auc_score(y_test, proba), 3))
print(classification_report(y_test, model.predict(X_test)))
