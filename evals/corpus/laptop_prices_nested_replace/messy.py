import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.tree import DecisionTreeRegressor

df = pd.read_csv("data/laptops.csv")
print(df.shape)
print(df.describe())
print(df.isna().sum())

# only a few incomplete rows from the supplier sheets, just drop them
df = df.dropna()
print("after dropna:", df.shape)

# yes/no and os names to numbers
df = df.replace({"touchscreen": {"yes": 1, "no": 0}, "os": {"win": 0, "mac": 1, "linux": 2}})
df[["touchscreen", "os"]] = df[["touchscreen", "os"]].astype(int)

# acme is our house brand, too few of them
df = df.replace({"brand": "acme"}, "other")
print(df["brand"].value_counts())
df["brand"] = df["brand"].astype("category").cat.codes

df = df.round({"weight_kg": 1})

# features
df["battery_per_kg"] = df["battery_wh"] / df["weight_kg"]
df["big_ram"] = np.where(df["ram_gb"] > df["ram_gb"].quantile(0.75), 1, 0)
print(df[["battery_per_kg", "big_ram"]].describe())

df = df.drop("sku", axis=1)
print(df.dtypes)

features = ["brand", "cpu_ghz", "cores", "ram_gb", "storage_gb", "screen_in", "weight_kg",
            "touchscreen", "os", "battery_wh", "battery_per_kg", "big_ram"]
X = df[features].values
y = df["price"].values

tree = DecisionTreeRegressor(max_depth=5, random_state=0)
tree.fit(X, y)

pred = tree.predict(X)
print("train MAE:", round(mean_absolute_error(y, pred), 2))
print("train R2:", round(r2_score(y, pred), 3))
imp = pd.Series(tree.feature_importances_, index=features).sort_values(ascending=False)
print(imp)
