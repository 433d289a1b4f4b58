"""Daily energy use per building, from hourly meter dumps.

A day counts only when at least 20 of its 24 hourly readings arrived; the daily total is
scaled up to 24 hours. Train on July-September, evaluate on October.
"""
import csv
import glob
import math
import os
from datetime import date

import numpy as np
from sklearn.ensemble import RandomForestRegressor

buildings = {}
with open("data/buildings.csv") as f:
    for r in csv.DictReader(f):
        buildings[r["building_id"]] = r
weather = {}
with open("data/weather.csv") as f:
    for r in csv.DictReader(f):
        weather[r["date"]] = (float(r["temp_mean"]), float(r["temp_max"]), float(r["humidity"]))

uses = sorted({b["use"] for b in buildings.values()})

daily = {}   # (building, day) -> [sum, n_readings]
for path in sorted(glob.glob("data/meters/building_*.csv")):
    bid = os.path.basename(path)[len("building_"):-4]
    with open(path) as f:
        for ts, kwh in csv.reader(f):
            if kwh == "NA":
                continue
            key = (bid, ts[:10])
            acc = daily.setdefault(key, [0.0, 0])
            acc[0] += float(kwh)
            acc[1] += 1

samples = []
for (bid, day), (total, n) in sorted(daily.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    if n < 20:
        continue
    d = date.fromisoformat(day)
    b = buildings[bid]
    t_mean, t_max, hum = weather[day]
    feats = [t_mean, t_max, hum, max(0.0, t_mean - 18.0), d.weekday(), 1 if d.weekday() >= 5 else 0,
             d.month, math.log(float(b["floor_area_m2"])), 2023 - int(b["year_built"])]
    feats += [1 if b["use"] == u else 0 for u in uses]
    samples.append((day, feats, total * 24.0 / n))
print("building-days:", len(samples))

X = np.array([s[1] for s in samples], dtype=float)
y = np.array([s[2] for s in samples])
n_train = sum(1 for s in samples if s[0] < "2023-10-01")   # samples are sorted by day
X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]

rf = RandomForestRegressor(n_estimators=100, max_depth=12, random_state=0)
rf.fit(X_train, y_train)
print("October R2:", round(rf.score(X_test, y_test), 3))
