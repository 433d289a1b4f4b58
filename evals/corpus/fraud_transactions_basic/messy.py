import csv
import math

import numpy as np
from sklearn.linear_model import LogisticRegression

merchant = {}
with open("data/merchants.csv") as f:
    r = csv.reader(f)
    next(r)
    for mid, category, country in r:
        merchant[mid] = (category, country)

cat_index = {"grocery": 0, "electronics": 1, "travel": 2, "gaming": 3, "fuel": 4, "fashion": 5}

X_list = []
y_list = []
with open("data/transactions.csv") as f:
    r = csv.reader(f)
    header = next(r)
    for tx_id, card_id, mid, amount, card_country, hour, is_fraud in r:
        category, m_country = merchant[mid]
        cat_vec = [0] * len(cat_index)
        cat_vec[cat_index[category]] = 1
        hour = int(hour)
        X_list.append([
            math.log(float(amount) + 1),
            1 if m_country != card_country else 0,   # cross-border
            1 if hour < 5 else 0,                    # night
            hour,
        ] + cat_vec)
        y_list.append(int(is_fraud))

X = np.array(X_list, dtype=float)
y = np.array(y_list)
print("transactions:", len(y), "fraud:", y.sum())

clf = LogisticRegression(class_weight="balanced", max_iter=1000)
clf.fit(X, y)
scores = clf.predict_proba(X)[:, 1]
print("mean fraud score of frauds %.3f vs others %.3f" % (scores[y == 1].mean(), scores[y == 0].mean()))
