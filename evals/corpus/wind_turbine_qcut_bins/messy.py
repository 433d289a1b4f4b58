import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/readings.csv")
print(df.head())
print(df.isnull().sum())

df["site"] = df["site"].str.lower()

# fill sensor dropouts with the turbine's own average
df["wind_speed"] = df["wind_speed"].fillna(df.groupby("turbine")["wind_speed"].transform("mean"))
df["air_temp"] = df["air_temp"].fillna(df.groupby("site")["air_temp"].transform("median"))

# how windy is this reading compared to the site usually
df["site_mean_speed"] = df.groupby("site")["wind_speed"].transform("mean")
df["speed_vs_site"] = df["wind_speed"] - df["site_mean_speed"]

# speed quartiles as an ordinal feature
df["speed_quartile"] = pd.qcut(df["wind_speed"], q=4, labels=False)

# compass sectors
df["sector"] = pd.cut(
    df["wind_dir"],
    bins=[-1, 90, 180, 270, 360],
    labels=["NE", "SE", "SW", "NW"],
)
df["cold"] = (df["air_temp"] < 0).astype(int)

df = pd.get_dummies(df, columns=["sector", "site"], dtype=int)
print(df.columns.tolist())

target = "output_kw"
drop = ["reading_id", "turbine", target]
features = [c for c in df.columns if c not in drop]

X = df[features]
y = df[target]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=7)

rf = RandomForestRegressor(n_estimators=60, max_depth=10, random_state=0)
rf.fit(X_train, y_train)
preds = rf.predict(X_test)
print("MAE kW:", mean_absolute_error(y_test, preds))

importances = pd.Series(rf.feature_importances_, index=features).sort_values(ascending=False)
print(importances.head(10))
