# velocity features for card fraud -- train on the first 3 weeks, test on the rest (by time)
from collections import deque
from datetime import datetime

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier

FRAUD_STATUS = {"chargeback": 1, "confirmed_fraud": 1, "ok": 0, "disputed_rejected": 0}
CHANNEL = {"pos": 0, "ecom": 1, "atm": 2, "contactless": 3}

tx = pd.read_csv("data/card_tx.csv")
tx["ts"] = pd.to_datetime(tx["ts"])
tx = tx.sort_values(["ts", "tx_id"]).reset_index(drop=True)
print(tx["status"].value_counts())

recent = {}      # card -> deque of timestamps in the last hour
last_seen = {}   # card -> last timestamp
amt_sum, amt_n = {}, {}

feats = []
for i in range(len(tx)):
    card = tx.loc[i, "card"]
    ts = tx.loc[i, "ts"].to_pydatetime()
    amount = tx.loc[i, "amount"]
    q = recent.setdefault(card, deque())
    while q and (ts - q[0]).total_seconds() > 3600:
        q.popleft()
    n_last_hour = len(q)
    gap = (ts - last_seen[card]).total_seconds() / 60.0 if card in last_seen else 60 * 24 * 7
    avg_before = amt_sum[card] / amt_n[card] if card in amt_n else amount
    ch = [0, 0, 0, 0]
    ch[CHANNEL[tx.loc[i, "channel"]]] = 1
    feats.append([amount, amount / avg_before, n_last_hour, min(gap, 60 * 24 * 7), ts.hour, ts.weekday()] + ch)
    # update state
    q.append(ts)
    last_seen[card] = ts
    amt_sum[card] = amt_sum.get(card, 0.0) + amount
    amt_n[card] = amt_n.get(card, 0) + 1

X = np.array(feats, dtype=float)
y = tx["status"].map(FRAUD_STATUS).to_numpy()

split_at = datetime(2024, 3, 22)
n_train = int((tx["ts"] < split_at).sum())   # rows are sorted by time
X_train, y_train = X[:n_train], y[:n_train]
X_test, y_test = X[n_train:], y[n_train:]
print("train", X_train.shape, "test", X_test.shape, "fraud share train", y_train.mean())

gbm = GradientBoostingClassifier(n_estimators=120, max_depth=3, random_state=11)
gbm.fit(X_train, y_train)
pred = gbm.predict(X_test)
print("test precision", ((pred == 1) & (y_test == 1)).sum() / max(1, (pred == 1).sum()))
