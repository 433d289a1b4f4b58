# How helpful will a review be? (log of helpful votes)
# TF-IDF is done by hand because the vectorizer did not exist in our old env.
import json
import math

import numpy as np
from sklearn.linear_model import Ridge

prices = {}
with open("data/products.csv") as f:
    next(f)  # header
    for line in f:
        pid, cat, price = line.rstrip("\n").split(",")
        prices[pid] = float(price)

reviews = []
with open("data/reviews.jsonl") as f:
    for line in f:
        r = json.loads(line)
        if r["date"] < "2020-01-01":   # old site version, votes not comparable
            continue
        if r["product_id"] not in prices:
            continue
        r["price"] = prices[r["product_id"]]
        r["tokens"] = r["text"].lower().split()
        reviews.append(r)
print("reviews after filter:", len(reviews))

N = len(reviews)
df = {}
for r in reviews:
    for t in set(r["tokens"]):
        df[t] = df.get(t, 0) + 1
terms = sorted(t for t in df if df[t] >= 3)
col = {t: j for j, t in enumerate(terms)}
idf = np.array([math.log((1 + N) / (1 + df[t])) + 1 for t in terms])

tfidf = np.zeros((N, len(terms)))
for i, r in enumerate(reviews):
    for t in r["tokens"]:
        if t in col:
            tfidf[i, col[t]] += 1
tfidf = tfidf * idf
norms = np.sqrt((tfidf ** 2).sum(axis=1))
norms[norms == 0] = 1.0
tfidf = tfidf / norms[:, None]

n_words = np.array([len(r["tokens"]) for r in reviews], dtype=float)
stars = np.array([r["stars"] for r in reviews], dtype=float)
log_price = np.log(np.array([r["price"] for r in reviews]))

X = np.column_stack([tfidf, n_words, stars, log_price])
y = np.log1p(np.array([r["helpful_votes"] for r in reviews], dtype=float))

ridge = Ridge(alpha=2.0)
ridge.fit(X, y)
print("R^2 (train) = %.3f" % ridge.score(X, y))
