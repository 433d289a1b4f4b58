# Return prediction. Step 1 builds order-level features and saves them (the BI team reads
# order_features.csv too), step 2 trains on that file.
import math
from datetime import date

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

# ------------------------------------------------------------------ step 1
orders = {}
for line in open("data/orders.csv"):
    order_id, customer_id, order_date, channel, total, return_flag = line.rstrip("\n").split(",")
    orders[order_id] = [order_date, channel, float(total), return_flag == "R"]

lines_per_order = {}
with open("data/items.csv") as f:
    f.readline()
    for line in f:
        order_id, sku, category, price, qty, size = line.rstrip("\n").split(",")
        lines_per_order.setdefault(order_id, []).append((sku, category, size))

with open("order_features.csv", "w") as out:
    for order_id, (order_date, channel, total, returned) in orders.items():
        lines = lines_per_order.get(order_id, [])
        n_lines = len(lines)
        fashion = sum(1 for l in lines if l[1] in ("fashion", "shoes"))
        sizes_per_sku = {}
        for sku, cat, size in lines:
            if size:
                sizes_per_sku.setdefault(sku, set()).add(size)
        bracketing = 1 if any(len(s) > 1 for s in sizes_per_sku.values()) else 0
        weekday = date.fromisoformat(order_date).weekday()
        out.write(f"{order_id},{channel},{n_lines},{fashion / max(n_lines, 1):.4f},{bracketing},"
                  f"{math.log1p(total):.6f},{weekday},{int(returned)}\n")

# ------------------------------------------------------------------ step 2
channel_idx = {"web": 0, "app": 1, "marketplace": 2}
X, y = [], []
for line in open("order_features.csv"):
    oid, channel, n_lines, fashion_share, bracketing, log_total, weekday, returned = line.strip().split(",")
    ch = [0.0, 0.0, 0.0]
    ch[channel_idx[channel]] = 1.0
    X.append([float(n_lines), float(fashion_share), float(bracketing), float(log_total),
              1.0 if int(weekday) >= 5 else 0.0] + ch)
    y.append(int(returned))
X = np.array(X)
y = np.array(y)
print("orders:", len(y), "return rate: %.3f" % y.mean())

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=3)
clf = LogisticRegression(C=0.3, max_iter=1000)
clf.fit(X_train, y_train)
print("test accuracy %.3f" % clf.score(X_test, y_test))
