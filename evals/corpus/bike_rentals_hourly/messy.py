from datetime import datetime

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor

bikes = pd.read_csv("data/rentals.csv")
print(bikes.shape, bikes["count"].describe())

hours, weekdays, months, years = [], [], [], []
for _, r in bikes.iterrows():
    t = datetime.strptime(r["datetime"], "%m/%d/%Y %H:%M")
    hours.append(t.hour)
    weekdays.append(t.weekday())
    months.append(t.month)
    years.append(t.year - 2022)
bikes["hour"] = hours
bikes["weekday"] = weekdays
bikes["month"] = months
bikes["year"] = years

# rush hour flag on working days
bikes["rush"] = 0
for i in bikes.index:
    if bikes.at[i, "workingday"] == 1 and bikes.at[i, "hour"] in (7, 8, 17, 18):
        bikes.at[i, "rush"] = 1

print(bikes.groupby("hour")["count"].mean().round(1))
print(bikes.groupby(["workingday", "rush"])["count"].mean())

# weather 4 is so rare that we fold it into 3
bikes["weather"] = bikes["weather"].replace(4, 3)
weather_dummies = pd.get_dummies(bikes["weather"], prefix="w", dtype=float)

cols = ["season", "holiday", "workingday", "temp", "humidity", "windspeed", "hour", "weekday", "month", "year", "rush"]
X = np.hstack([bikes[cols].to_numpy(dtype=float), weather_dummies.to_numpy()])
y = np.log1p(bikes["count"].to_numpy())
assert not np.isnan(X).any()

model = GradientBoostingRegressor(n_estimators=200, max_depth=4, random_state=0)
model.fit(X, y)
print("in-sample RMSLE:", np.sqrt(np.mean((model.predict(X) - y) ** 2)))
