import numpy as np
from sklearn.ensemble import RandomForestClassifier

customers = []
for line in open("data/customers.csv"):
    cid, segment, since = line.strip().split(",")
    customers.append((cid, segment, int(since)))

orders = []
for line in open("data/orders.csv"):
    oid, cid, amount, returned = line.strip().split(",")
    if float(amount) <= 0:
        continue
    orders.append((oid, cid, float(amount), returned))

# join orders to customers (slow but it works)
rows = []
for o in orders:
    for c in customers:
        if o[1] == c[0]:
            rows.append((o[2], c[1], 2024 - c[2], o[3]))

segments = {"consumer": 0, "business": 1, "student": 2}
X = np.zeros((len(rows), 2 + len(segments)))
for i, r in enumerate(rows):
    X[i, 0] = r[0]
    X[i, 1] = r[2]
    X[i, 2 + segments[r[1]]] = 1
y = np.array([1 if r[3] == "yes" else 0 for r in rows])
model = RandomForestClassifier(n_estimators=50, random_state=0)
model.fit(X, y)
