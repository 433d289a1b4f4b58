import os

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor

train = pd.read_csv("data/train.csv", parse_dates=["Date"], dtype={"StateHoliday": str})
test = pd.read_csv("data/test.csv", parse_dates=["Date"], dtype={"StateHoliday": str})
store = pd.read_csv("data/store.csv")
print(train.shape, test.shape, store.shape)
print(train.head())

# closed days have zero sales, don't train on them
train = train[(train["Open"] != 0) & (train["Sales"] > 0)]
test["Open"] = test["Open"].fillna(1)

store["CompetitionDistance"] = store["CompetitionDistance"].fillna(store["CompetitionDistance"].median())

# store level averages from the training period
store_avg = train.groupby("Store").agg(AvgSales=("Sales", "mean"), AvgCustomers=("Customers", "mean")).reset_index()
store_avg["AvgSalesPerCustomer"] = store_avg["AvgSales"] / store_avg["AvgCustomers"]
store = store.merge(store_avg, on="Store", how="left")


def add_date_features(df):
    df["Year"] = df["Date"].dt.year
    df["Month"] = df["Date"].dt.month
    df["Day"] = df["Date"].dt.day
    df["WeekOfYear"] = df["Date"].dt.isocalendar().week.astype(int)
    return df


def build_features(df):
    df = df.merge(store, on="Store", how="left")
    df = add_date_features(df)
    df["StateHoliday"] = df["StateHoliday"].map({"0": 0, "a": 1, "b": 2, "c": 3})
    df["LogCompetitionDistance"] = np.log1p(df["CompetitionDistance"])
    df = pd.get_dummies(df, columns=["StoreType", "Assortment"], dtype=int)
    return df


# process train and test together so the dummy columns line up
train["is_train"] = 1
test["is_train"] = 0
full = pd.concat([train, test], ignore_index=True, sort=False)
full.sort_values(["Date", "Store"], inplace=True)
full = build_features(full)
print(full.columns.tolist())

features = ["Store", "DayOfWeek", "Promo", "StateHoliday", "SchoolHoliday", "Year", "Month", "Day",
            "WeekOfYear", "LogCompetitionDistance", "Promo2", "AvgSales", "AvgCustomers",
            "AvgSalesPerCustomer"]
features += [c for c in full.columns if c.startswith("StoreType_") or c.startswith("Assortment_")]

tr = full[full["is_train"] == 1]
te = full[full["is_train"] == 0]
X = tr[features].values
y = np.log1p(tr["Sales"].values)
print("X:", X.shape)

gbr = GradientBoostingRegressor(n_estimators=150, max_depth=4, learning_rate=0.1, subsample=0.8, random_state=42)
gbr.fit(X, y)
print("train RMSPE-ish:", np.sqrt(np.mean(((np.expm1(gbr.predict(X)) - tr["Sales"]) / tr["Sales"]) ** 2)))

pred = np.expm1(gbr.predict(te[features].values))
pred[te["Open"].values == 0] = 0

os.makedirs("working", exist_ok=True)
sub = pd.DataFrame({"Id": te["Id"].astype(int), "Sales": pred}).sort_values("Id")
sub.to_csv("working/submission.csv", index=False)
print(sub.head())
