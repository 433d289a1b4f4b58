import csv
from datetime import date

import numpy as np
from sklearn.ensemble import RandomForestClassifier

CUTOFF = date(2024, 1, 1)       # features from usage before this date
HORIZON = date(2024, 6, 30)     # churn = cancelled by end of June

plans = {"basic": 0, "plus": 1, "family": 2, "business": 3}

customers = []
with open("data/customers.csv") as f:
    for r in csv.DictReader(f):
        customers.append(r)

# per-customer usage counters
usage = {}
with open("data/events.csv") as f:
    for cust, day, kind, amount in csv.reader(f):
        d = date.fromisoformat(day)
        if d >= CUTOFF:
            continue
        u = usage.setdefault(cust, {"calls": 0, "minutes": 0.0, "sms": 0.0, "mb": 0.0, "last": None})
        if kind == "call":
            u["calls"] += 1
            u["minutes"] += float(amount)
        elif kind == "sms":
            u["sms"] += float(amount)
        else:
            u["mb"] += float(amount)
        if u["last"] is None or d > u["last"]:
            u["last"] = d

empty = {"calls": 0, "minutes": 0.0, "sms": 0.0, "mb": 0.0, "last": None}
X, y = [], []
for c in customers:
    signup = date.fromisoformat(c["signup_date"])
    if signup >= CUTOFF:
        continue                    # too new to say anything
    u = usage.get(c["customer_id"], empty)
    days_idle = (CUTOFF - u["last"]).days if u["last"] else 365
    plan_vec = [0] * 4
    plan_vec[plans[c["plan"]]] = 1
    X.append([(CUTOFF - signup).days, u["calls"], u["minutes"], u["sms"], u["mb"], days_idle] + plan_vec)
    churned = c["cancel_date"] != "" and date.fromisoformat(c["cancel_date"]) <= HORIZON
    y.append(1 if churned else 0)

X = np.array(X, dtype=float)
y = np.array(y)
print(X.shape, "churn share", y.mean())

rf = RandomForestClassifier(n_estimators=200, max_features="sqrt", random_state=2024)
rf.fit(X, y)
