import numpy as np
from sklearn.linear_model import LogisticRegression

customers = []
for line in open("data/customers.csv"):
    cid, segment, since = line.strip().split(",")
    customers.append({"cid": cid, "segment": segment, "since": int(since)})

# orders per customer, and the amount of the returned ones
n_orders, returned_amount = {}, {}
for line in open("data/orders.csv"):
    oid, cid, amount, returned = line.strip().split(",")
    n_orders[cid] = n_orders.get(cid, 0) + 1
    if returned == "yes":
        returned_amount[cid] = returned_amount.get(cid, 0.0) + float(amount)

# median tenure per segment
tenures = {}
for c in customers:
    tenures.setdefault(c["segment"], []).append(2024 - c["since"])
median_tenure = {s: float(np.median(v)) for s, v in tenures.items()}

X, y = [], []
for c in customers:
    n = n_orders.get(c["cid"], 0)
    share = returned_amount[c["cid"]] / n if c["cid"] in returned_amount else 0.0
    X.append([n, share, 2024 - c["since"] - median_tenure[c["segment"]]])
    y.append(1 if c["segment"] == "business" else 0)
X = np.array(X, dtype=float)
y = np.array(y)
model = LogisticRegression(max_iter=500)
model.fit(X, y)
