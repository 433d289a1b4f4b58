import os

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder

# ---------------- part 1: clean and save (agronomy team uses out/fields_clean.csv too)
fields = pd.read_csv("data/fields.csv", dtype={"field_id": str, "region": str})
weather = pd.read_csv("data/weather.csv", dtype={"region": str})
print(fields.shape, weather.shape)
print(fields.isna().mean())

fields = fields[fields["area_ha"] > 0]
fields["crop"] = fields["crop"].str.strip().str.lower()
fields["soil_type"] = fields["soil_type"].fillna(fields["soil_type"].mode()[0])
fields["irrigated"] = fields["irrigated"].map({"Y": 1, "N": 0})
print(fields["crop"].value_counts())

fields = fields.merge(weather, on=["region", "year"], how="inner")
print("after weather join:", fields.shape)
fields["water_mm"] = fields["rain_mm"] + 200 * fields["irrigated"]
fields["log_area"] = np.log(fields["area_ha"])

os.makedirs("out", exist_ok=True)
fields.to_csv("out/fields_clean.csv", index=False)

# ---------------- part 2: model
df = pd.read_csv("out/fields_clean.csv", dtype={"field_id": str, "region": str})

# yield is on very different scales per crop (beet ~70 t/ha), model relative to the crop mean
crop_mean = df.groupby("crop")["yield_t_ha"].mean()
# df["rel_yield"] = df["yield_t_ha"] / df["crop"].map(crop_mean)   # tried, worse MAE in t/ha
print(crop_mean)

cat_cols = ["crop", "soil_type", "region"]
num_cols = ["year", "fertilizer_kg_ha", "irrigated", "rain_mm", "water_mm", "gdd", "frost_days", "log_area"]

enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False, min_frequency=30)
cats = enc.fit_transform(df[cat_cols])
print(enc.get_feature_names_out())

X = np.hstack([df[num_cols].to_numpy(dtype=float), cats])
y = df["yield_t_ha"].to_numpy()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

rf = RandomForestRegressor(n_estimators=150, max_features=0.5, min_samples_leaf=2, random_state=1)
rf.fit(X_train, y_train)
print("MAE t/ha:", round(mean_absolute_error(y_test, rf.predict(X_test)), 3))
