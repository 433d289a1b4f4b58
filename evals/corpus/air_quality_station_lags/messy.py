import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
print(train.shape, test.shape)

train["is_train"] = 1
test["is_train"] = 0
test["pm25"] = np.nan
df = pd.concat([train, test], ignore_index=True)

# station names are a mess ("harbour", "CENTRAL", "Airport ")
df["station"] = df["station"].str.strip().str.title()
df = df.drop_duplicates(subset=["station", "timestamp"], keep="first")

df["wind_speed"] = df["wind_speed"].replace("calm", "0")
for col in ["wind_speed", "no2", "humidity"]:
    df[col] = pd.to_numeric(df[col], errors="coerce")

df["timestamp"] = pd.to_datetime(df["timestamp"])
df["hour"] = df["timestamp"].dt.hour
df["dow"] = df["timestamp"].dt.dayofweek
df["day"] = df["timestamp"].dt.day
df["is_weekend"] = np.where(df["dow"] >= 5, 1, 0)
df["rush_hour"] = np.where(df["hour"].isin([7, 8, 9, 17, 18, 19]) & (df["is_weekend"] == 0), 1, 0)

# lag / rolling features per station
df = df.sort_values(["station", "timestamp"]).reset_index(drop=True)
for lag in [1, 2, 3, 24]:
    df[f"pm25_lag{lag}"] = df.groupby("station")["pm25"].shift(lag)
df["no2_lag1"] = df.groupby("station")["no2"].shift(1)
df["pm25_roll6"] = df.groupby("station")["pm25"].transform(lambda s: s.shift(1).rolling(6, min_periods=1).mean())
df["wind_roll12"] = df.groupby("station")["wind_speed"].transform(lambda s: s.rolling(12, min_periods=1).mean())
df["temp_diff"] = df["temp"] - df.groupby("station")["temp"].shift(1)

df["wind_dir"] = df["wind_dir"].astype("category").cat.codes
df["station_id"] = df["station"].astype("category").cat.codes

features = [c for c in df.columns if c not in ["id", "station", "timestamp", "pm25", "is_train"]]
df[features] = df[features].fillna(-1)
print(len(features), "features")

train = df[(df["is_train"] == 1) & df["pm25"].notna()].reset_index(drop=True)
test = df[df["is_train"] == 0].reset_index(drop=True)

X = train[features].values
y = train["pm25"].values
X_test = test[features].values

params = dict(n_estimators=100, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=42)
kf = KFold(n_splits=5, shuffle=True, random_state=42)
scores = []
for fold, (tr_idx, va_idx) in enumerate(kf.split(X)):
    model = GradientBoostingRegressor(**params)
    model.fit(X[tr_idx], y[tr_idx])
    pred = model.predict(X[va_idx])
    rmse = np.sqrt(mean_squared_error(y[va_idx], pred))
    scores.append(rmse)
    print(f"Fold {fold} RMSE: {rmse:.4f}")
print(f"CV RMSE: {np.mean(scores):.4f} +/- {np.std(scores):.4f}")

model = GradientBoostingRegressor(**params)
model.fit(X, y)
preds = model.predict(X_test)

submission = pd.DataFrame({"id": test["id"], "pm25": np.clip(preds, 0, None)})
submission.to_csv("submission.csv", index=False)
print(submission.head())
