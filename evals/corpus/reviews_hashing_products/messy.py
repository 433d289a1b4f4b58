import zlib

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

N_HASH = 128
RATING_TO_LABEL = {1: 0, 2: 0, 4: 1, 5: 1}   # 3 stars = neutral -> not used

reviews = pd.read_csv("data/reviews.tsv", sep="\t")
products = pd.read_csv("data/products.csv")
print(len(reviews), "reviews,", len(products), "products")

# join reviews with the product catalogue (delisted products drop out)
rev_records = reviews.to_dict("records")
prod_records = products.to_dict("records")
joined = [
    {**r, "category": p["category"], "brand": p["brand"]}
    for r in rev_records
    for p in prod_records
    if r["product_id"] == p["product_id"]
]
joined = [j for j in joined if j["rating"] in RATING_TO_LABEL]
df = pd.DataFrame(joined)
print("joined + filtered:", df.shape)


def hash_words(text, n=N_HASH):
    vec = np.zeros(n)
    for tok in text.lower().split():
        vec[zlib.crc32(tok.encode("utf-8")) % n] = 1.0   # presence, not counts
    return vec


text_feats = np.vstack([hash_words(t) for t in df["review_text"]])
cats = pd.get_dummies(df[["category", "brand"]], dtype=float)
n_words = df["review_text"].str.split().str.len().to_numpy(dtype=float).reshape(-1, 1)

X = np.hstack([text_feats, cats.to_numpy(), n_words])
y = df["rating"].map(RATING_TO_LABEL).to_numpy()
print("X", X.shape, "positive share", y.mean().round(3))

forest = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0)
forest.fit(X, y)
print("oob-ish sanity, train acc:", forest.score(X, y))
