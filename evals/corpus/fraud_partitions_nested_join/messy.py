import os
from datetime import date

import numpy as np
from sklearn.ensemble import RandomForestClassifier

TX_DIR = "data/tx"
AMOUNT_BINS = [10, 50, 200, 1000]

# devices (small table)
devices = []
with open("data/devices.tsv") as f:
    f.readline()
    for line in f:
        device_id, os_name, rooted, first_seen = line.rstrip("\n").split("\t")
        devices.append([device_id, os_name, int(rooted), first_seen])

# daily partitions; the ingestion job sometimes replays transactions into the next day
seen_ids = set()
txs = []
for fname in sorted(os.listdir(TX_DIR)):
    if not fname.endswith(".tsv"):
        continue
    day = fname[:-4]
    for line in open(os.path.join(TX_DIR, fname)):
        tx_id, device_id, amount, hhmm, chargeback, review = line.rstrip("\n").split("\t")
        if tx_id in seen_ids:
            continue
        seen_ids.add(tx_id)
        txs.append([tx_id, device_id, float(amount), int(hhmm[:2]), day, chargeback, review])
print("unique transactions:", len(txs))

os_list = sorted(set(d[1] for d in devices))

rows, labels = [], []
for t in txs:
    for d in devices:
        if d[0] == t[1]:
            age_days = (date.fromisoformat(t[4]) - date.fromisoformat(d[3])).days
            amount_band = [0] * (len(AMOUNT_BINS) + 1)
            amount_band[int(np.digitize(t[2], AMOUNT_BINS))] = 1
            os_oh = [1 if d[1] == o else 0 for o in os_list]
            rows.append([t[2], t[3], d[2], age_days] + amount_band + os_oh)
            labels.append(1 if t[5] == "1" or t[6] == "fraud" else 0)

X = np.array(rows, dtype=float)
y = np.array(labels)
print("X:", X.shape, "fraud:", int(y.sum()))

forest = RandomForestClassifier(n_estimators=100, class_weight="balanced", random_state=0)
forest.fit(X, y)
