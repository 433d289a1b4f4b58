# star rating regression with a small neural net
# text weighting: sublinear tf (1+log tf) * log(N/df), no normalisation -- what worked in the 2019 notebook
import math

import numpy as np
from sklearn.neural_network import MLPRegressor

users = []
for line in open("data/users.csv"):
    uid, signup_year, country, verified = line.strip().split(",")
    users.append((uid, int(signup_year), country, verified == "1"))

reviews = []
with open("data/reviews.psv") as fh:
    fh.readline()
    for line in fh:
        uid, stars, body = line.rstrip("\n").split("|")
        reviews.append((uid, float(stars), body.lower()))

# attach user info to each review
data = []
for uid, stars, body in reviews:
    for u in users:
        if u[0] == uid:
            data.append({"stars": stars, "body": body, "tenure": 2024 - u[1],
                         "verified": 1.0 if u[3] else 0.0, "country": u[2]})
            break
print("rows:", len(data))

docs = [d["body"].split() for d in data]
N = len(docs)
df_count = {}
for toks in docs:
    for t in set(toks):
        df_count[t] = df_count.get(t, 0) + 1
vocab = sorted(df_count)
pos = {t: i for i, t in enumerate(vocab)}

T = np.zeros((N, len(vocab)))
for i, toks in enumerate(docs):
    counts = {}
    for t in toks:
        counts[t] = counts.get(t, 0) + 1
    for t, c in counts.items():
        T[i, pos[t]] = (1 + math.log(c)) * math.log(N / df_count[t])

countries = ["br", "de", "in", "uk", "us"]
C = np.array([[1.0 if d["country"] == c else 0.0 for c in countries] for d in data])
extra = np.array([[d["tenure"] / 10.0, d["verified"], len(d["body"]) / 100.0] for d in data])

X = np.hstack([T, C, extra])
y = np.array([d["stars"] for d in data])

net = MLPRegressor(hidden_layer_sizes=(32,), max_iter=400, random_state=1)
net.fit(X, y)
print("train R2 %.3f" % net.score(X, y))
