import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error

trips = pd.read_csv("data/trips.csv")
print(trips.head())

# cancelled rides and gps glitches
trips = trips[trips.fare > 0]
trips = trips[trips.distance_km < 200]

trips["pickup_time"] = pd.to_datetime(trips["pickup_time"])
trips["hour"] = trips.pickup_time.dt.hour
trips["weekday"] = trips.pickup_time.dt.dayofweek
trips["is_weekend"] = (trips["weekday"] >= 5).astype(int)
trips["speed"] = trips.distance_km / (trips.duration_min / 60)
trips["tip_pct"] = trips.tip / trips.fare * 100

trips = pd.get_dummies(trips, columns=["payment", "zone"], dtype=float)
print(trips.columns)

# shuffle, then first 80% train / rest test
trips = trips.sample(frac=1, random_state=1).reset_index(drop=True)
n_train = int(len(trips) * 0.8)
train = trips[:n_train]
test = trips[n_train:]
print(len(train), len(test))

cols = [c for c in trips.columns if c.startswith("payment_") or c.startswith("zone_")]
cols = ["distance_km", "duration_min", "fare", "passengers", "hour", "weekday", "is_weekend", "speed"] + cols

X_train = train[cols].values
y_train = train["tip_pct"].values
X_test = test[cols].values
y_test = test["tip_pct"].values

gbr = GradientBoostingRegressor(n_estimators=120, max_depth=3, learning_rate=0.05, random_state=0)
gbr.fit(X_train, y_train)

pred = gbr.predict(X_test)
print("MAE (tip %):", mean_absolute_error(y_test, pred))
print("baseline:", mean_absolute_error(y_test, np.full(len(y_test), y_train.mean())))
