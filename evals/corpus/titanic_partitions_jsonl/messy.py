import json

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

OUTCOME = {"survived": 1, "rescued": 1, "lost": 0, "missing": 0}

passengers = []
for port in ["C", "Q", "S"]:
    with open(f"data/passengers_{port}.jsonl") as fh:
        for line in fh:
            p = json.loads(line)
            p["port"] = port
            passengers.append(p)
passengers.sort(key=lambda p: p["id"])

tickets = {}
with open("data/tickets.csv") as fh:
    next(fh)
    for line in fh:
        ticket, fare, cabin = line.rstrip("\n").split(",")
        tickets[ticket] = {"fare": float(fare) if fare else None, "deck": cabin[:1] if cabin else "U"}

# median fare per class for tickets without a fare
fares = {1: [], 2: [], 3: []}
for p in passengers:
    f = tickets[p["ticket"]]["fare"]
    if f is not None:
        fares[p["pclass"]].append(f)
fare_median = {k: float(np.median(v)) for k, v in fares.items()}
ages = [p["age"] for p in passengers if p["age"] is not None]
age_mean = sum(ages) / len(ages)

decks = ["A", "B", "C", "D", "E", "F", "U"]
ports = ["C", "Q", "S"]
X, y = [], []
for p in passengers:
    t = tickets[p["ticket"]]
    fare = t["fare"] if t["fare"] is not None else fare_median[p["pclass"]]
    age = p["age"] if p["age"] is not None else age_mean
    row = [p["pclass"], p["sex"] == "female", age, p["age"] is None, p["sibsp"], p["parch"], np.log1p(fare)]
    row += [t["deck"] == d for d in decks]
    row += [p["port"] == q for q in ports]
    X.append(row)
    y.append(OUTCOME[p["outcome"]])

X = np.array(X, dtype=float)
y = np.array(y)
print(X.shape, "survival rate", y.mean())
model = GradientBoostingClassifier(n_estimators=100, learning_rate=0.1, random_state=0)
model.fit(X, y)
