import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

members = pd.read_csv("data/members.csv")
print(members.shape)
print(members.describe())

# shared cards blow up the visit counts, cap them
members["visits_90d"] = members["visits_90d"].clip(upper=60)
members["age"] = members["age"].fillna(members["age"].median())

# recency bucket the marketing team uses
conditions = [
    members["days_since_last"] <= 7,
    members["days_since_last"] <= 30,
    members["days_since_last"] <= 90,
]
choices = [3, 2, 1]
members["recency_tier"] = np.select(conditions, choices, default=0)

# spend level: nested np.where
members["spend_level"] = np.where(
    members["avg_ticket"] >= 8, 2, np.where(members["avg_ticket"] >= 5, 1, 0)
)
members["milk_drink"] = np.where(members["drink_pref"].isin(["latte", "cappuccino", "mocha"]), 1, 0)
members["app"] = np.where(members["app_user"] == "Y", 1, 0)

# monthly spend estimate
members["monthly_spend"] = members["visits_90d"] * members["avg_ticket"] / 3.0

store_dummies = pd.get_dummies(members["store_type"], prefix="store", dtype=int)
members = pd.concat([members, store_dummies], axis=1)

feature_cols = [
    "visits_90d",
    "avg_ticket",
    "age",
    "recency_tier",
    "spend_level",
    "milk_drink",
    "app",
    "monthly_spend",
] + list(store_dummies.columns)
print(feature_cols)

X = members[feature_cols].values.astype(float)
y = members["renewed"].values

model = LogisticRegression(C=0.5, max_iter=2000)
model.fit(X, y)
print("train acc", accuracy_score(y, model.predict(X)))
for name, coef in zip(feature_cols, model.coef_[0]):
    print(f"{name:>15s} {coef:+.3f}")
