"""House price model on recent sales (2020+), latest sale per house only."""
import glob
import math
from datetime import date

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor

TYPE_IDX = {"detached": 0, "semi": 1, "terraced": 2, "flat": 3}

houses = {}
with open("data/houses.csv") as fh:
    fh.readline()
    for line in fh:
        hid, htype, sqft, built, lat, lon = line.strip().split(",")
        houses[hid] = (htype, float(sqft), int(built), float(lat), float(lon))

sales = []
for path in sorted(glob.glob("data/sales/sales_*.csv")):
    with open(path) as fh:
        for line in fh:
            sale_id, hid, sale_date, price = line.strip().split(",")
            sales.append((sale_id, hid, date.fromisoformat(sale_date), float(price)))
print("sales read:", len(sales))

# drop family transfers and old sales
sales = [s for s in sales if s[3] >= 10000 and s[2] >= date(2020, 1, 1)]
# latest sale per house (ties -> larger sale id)
sales.sort(key=lambda s: (s[2], s[0]))
latest = {}
for s in sales:
    latest[s[1]] = s
print("houses with a recent sale:", len(latest))

X, y = [], []
for hid in sorted(latest):
    sale_id, _, d, price = latest[hid]
    htype, sqft, built, lat, lon = houses[hid]
    onehot = [0, 0, 0, 0]
    onehot[TYPE_IDX[htype]] = 1
    X.append([math.log(sqft), d.year - built, lat, lon, d.month, (d.month - 1) // 3 + 1,
              (d - date(2020, 1, 1)).days] + onehot)
    y.append(math.log(price))

X = np.array(X, dtype=float)
y = np.array(y)
gb = GradientBoostingRegressor(n_estimators=200, max_depth=3, learning_rate=0.05, subsample=0.8, random_state=3)
gb.fit(X, y)
print("train R2 %.3f" % gb.score(X, y))
