import csv

import numpy as np
from sklearn.linear_model import Ridge

texts, prices, scores = [], [], []
with open("data/listings.csv") as f:
    for rec in csv.DictReader(f):
        if rec["title"] == "":
            continue
        texts.append(rec["title"])
        prices.append(float(rec["price"]))
        scores.append(float(rec["score"]))

# min-max scale the price by hand
prices = np.array(prices)
prices = (prices - prices.min()) / (prices.max() - prices.min())

# bag of words by hand
vocab = sorted({w for t in texts for w in t.lower().split()})
index = {w: i for i, w in enumerate(vocab)}
bow = np.zeros((len(texts), len(vocab)))
for i, t in enumerate(texts):
    for w in t.lower().split():
        bow[i, index[w]] += 1

X = np.hstack([prices.reshape(-1, 1), bow])
y = np.array(scores)
model = Ridge(alpha=0.3)
model.fit(X, y)
