import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split

cars = pd.read_csv("data/used_cars.csv", index_col=0, na_values=["N/A", "?", "-"])
cars.info()
print(cars.head())

# no price -> useless
cars = cars.dropna(subset=["price"])

# strip the units out of the strings
cars["mileage_km"] = cars["mileage"].str.replace(",", "").str.replace(" km", "").astype(float)
cars["engine_cc"] = cars["engine"].str.split(" ").str[0].astype(float)
cars["power_bhp"] = pd.to_numeric(cars["power"].str.replace(" bhp", ""), errors="coerce")

cars["brand"] = cars["brand"].str.strip().str.lower()
cars.loc[cars["brand"] == "land", "brand"] = "land rover"
print(cars["brand"].value_counts())

# typos like 209 for 2009
print(cars.loc[cars["year"] < 1990, ["title", "year"]])
cars.loc[cars["year"] < 1990, "year"] = np.nan
cars["age"] = 2024 - cars["year"]

for col in ["engine_cc", "power_bhp", "seats", "age"]:
    n_missing = cars[col].isna().sum()
    cars[col] = cars[col].fillna(cars[col].median())
    print(f"{col}: filled {n_missing}")

# how common is the brand, and is the car strong for its brand
cars["brand_count"] = cars.groupby("brand")["brand"].transform("count")
cars["power_vs_brand"] = cars["power_bhp"] / cars.groupby("brand")["power_bhp"].transform("median")
cars["log_km"] = np.log1p(cars["mileage_km"])

cars["owner_type"] = cars["owner_type"].map({"First": 1, "Second": 2, "Third": 3, "Fourth & Above": 4})
cars["is_auto"] = (cars["transmission"] == "Automatic").astype(int)

cars = cars.drop(columns=["title", "model", "mileage", "engine", "power", "year", "mileage_km", "transmission"])
cars = pd.get_dummies(cars, columns=["fuel", "location"], drop_first=True, dtype=float)

# TODO target encode brand? for now luxury flag
cars["luxury"] = cars["brand"].isin(["bmw", "audi", "mercedes-benz", "land rover"]).astype(int)

y = np.log1p(cars.pop("price")).to_numpy()
X_df = cars.select_dtypes(include="number")
print("not used:", [c for c in cars.columns if c not in X_df.columns])
print(X_df.columns.tolist())
X = X_df.to_numpy()

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
ridge = Ridge(alpha=1.0)
ridge.fit(X_train, y_train)

pred = ridge.predict(X_test)
print("R2 (log):", round(r2_score(y_test, pred), 3))
print("MAE lakh:", round(mean_absolute_error(np.expm1(y_test), np.expm1(pred)), 2))
print(pd.Series(ridge.coef_, index=X_df.columns).sort_values())
