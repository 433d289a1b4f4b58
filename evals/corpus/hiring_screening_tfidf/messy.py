# resume screening prototype -- DO NOT DEPLOY without the fairness review
import json
import math
import re

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

DECISION = {"hired": 1, "offer_declined": 1, "rejected": 0}   # withdrawn -> unknown, skip
DEGREE_LEVEL = {"none": 0, "bachelor": 1, "master": 2, "phd": 3}

apps = []
with open("data/applications.jsonl", encoding="utf-8") as fh:
    for line in fh:
        a = json.loads(line)
        if a["decision"] not in DECISION:
            continue
        a["tokens"] = re.findall(r"[a-z0-9]+", a["resume"].lower())
        apps.append(a)
print("usable applications:", len(apps))

train_apps, test_apps = train_test_split(apps, test_size=0.3, random_state=0)

# ---- tf-idf fitted on the training resumes (same formula as sklearn's default) ----
n_docs = len(train_apps)
doc_freq = {}
for a in train_apps:
    for tok in set(a["tokens"]):
        doc_freq[tok] = doc_freq.get(tok, 0) + 1
vocabulary = sorted(doc_freq)
col_of = {tok: j for j, tok in enumerate(vocabulary)}
idf = [math.log((1 + n_docs) / (1 + doc_freq[t])) + 1.0 for t in vocabulary]


def tfidf_row(tokens):
    v = np.zeros(len(vocabulary))
    for tok in tokens:
        if tok in col_of:
            v[col_of[tok]] += 1.0
    v = v * np.array(idf)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def featurize(batch):
    rows = []
    for a in batch:
        extra = [DEGREE_LEVEL[a["degree"]], math.log1p(a["years_experience"])]
        rows.append(np.concatenate([tfidf_row(a["tokens"]), extra]))
    return np.vstack(rows)


X_train = featurize(train_apps)
X_test = featurize(test_apps)
y_train = np.array([DECISION[a["decision"]] for a in train_apps])
y_test = np.array([DECISION[a["decision"]] for a in test_apps])

screen = LogisticRegression(C=2.0, max_iter=1000)
screen.fit(X_train, y_train)
print("holdout accuracy: %.3f" % (screen.predict(X_test) == y_test).mean())
