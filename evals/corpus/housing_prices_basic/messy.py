import csv
import math

import numpy as np
from sklearn.linear_model import LinearRegression

CURRENT_YEAR = 2024
NEIGHBORHOODS = {"Oakwood": 0, "Riverside": 1, "Downtown": 2, "Hillcrest": 3, "Meadows": 4, "Old Town": 5}

feature_rows = []
prices = []
with open("data/houses.csv") as f:
    for rec in csv.DictReader(f):
        sqft = float(rec["sqft"])
        age = CURRENT_YEAR - int(rec["year_built"])
        hood = [0.0] * len(NEIGHBORHOODS)
        hood[NEIGHBORHOODS[rec["neighborhood"]]] = 1.0
        feature_rows.append(
            [
                math.log(sqft),
                sqft,
                int(rec["bedrooms"]),
                float(rec["bathrooms"]),
                age,
                int(rec["garage"]),
            ]
            + hood
        )
        prices.append(float(rec["price"]))

X = np.array(feature_rows)
y = np.array(prices)
print("houses:", X.shape[0])
print("mean price: %.0f" % y.mean())

lin = LinearRegression()
lin.fit(X, y)
print("coefficients:", np.round(lin.coef_, 1))
print("R2:", lin.score(X, y))

# sanity check: a 1500 sqft 3 bed / 2 bath house from 1990 with garage in Downtown
example = [math.log(1500), 1500, 3, 2.0, CURRENT_YEAR - 1990, 1, 0, 0, 1, 0, 0, 0]
print("example prediction: %.0f" % lin.predict(np.array([example]))[0])
