"""Churn from support-ticket text. Tickets are concatenated per subscriber."""
import json

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

subs = pd.read_csv("data/subscribers.csv")

texts = {}
n_tickets = {}
with open("data/tickets.jsonl") as f:
    for line in f:
        t = json.loads(line)
        sid = t["sub_id"]
        clean = t["text"].lower().replace("!", "")
        texts[sid] = (texts.get(sid, "") + " " + clean).strip()
        n_tickets[sid] = n_tickets.get(sid, 0) + 1

subs["all_text"] = subs["sub_id"].apply(lambda s: texts.get(s, ""))
subs["n_tickets"] = subs["sub_id"].apply(lambda s: n_tickets.get(s, 0))
subs["text_len"] = subs["all_text"].apply(len)
subs["label"] = subs["churned"].map({True: 1, False: 0, "True": 1, "False": 0})
subs["is_lite"] = (subs["plan"] == "lite").astype(int)
print(subs[["n_tickets", "text_len", "label"]].describe())

train, test = train_test_split(subs, test_size=0.2, random_state=5)

vec = CountVectorizer(max_features=40)
T_train = vec.fit_transform(train["all_text"]).toarray()
T_test = vec.transform(test["all_text"]).toarray()

num_cols = ["monthly_fee", "months_active", "n_tickets", "text_len"]
scaler = StandardScaler()
N_train = scaler.fit_transform(train[num_cols])
N_test = scaler.transform(test[num_cols])

X_train = np.hstack([T_train, N_train, train[["is_lite"]].to_numpy()])
X_test = np.hstack([T_test, N_test, test[["is_lite"]].to_numpy()])
y_train = train["label"].to_numpy()
y_test = test["label"].to_numpy()

mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=500, random_state=0)
mlp.fit(X_train, y_train)
print("test accuracy:", mlp.score(X_test, y_test))
