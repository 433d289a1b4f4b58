# Credit default model v2 (Marta, 2023-03)
# predicts whether an account goes >30 days late. run from this folder.
import numpy as np
from sklearn.linear_model import LogisticRegression

# --- customers: cust_id,name,age,region,income (no header) ---
customers = {}
f = open("data/customers.csv")
for line in f:
    parts = line.strip().split(",")
    cust_id = parts[0]
    customers[cust_id] = {"age": int(parts[2]), "region": parts[3], "income": float(parts[4])}
f.close()
print("customers:", len(customers))

# --- accounts: acct_id,cust_id,product,balance,credit_limit,days_late ---
rows = []
skipped = 0
f = open("data/accounts.csv")
for line in f:
    acct_id, cust_id, product, balance, limit, days_late = line.strip().split(",")
    if cust_id not in customers:
        skipped += 1
        continue
    c = customers[cust_id]
    rows.append([c["age"], c["income"], c["region"], product,
                 float(balance), float(limit), int(days_late)])
f.close()
print("joined accounts:", len(rows), "skipped (unknown customer):", skipped)

region_idx = {"north": 0, "south": 1, "east": 2, "west": 3, "central": 4}
product_idx = {"card": 0, "overdraft": 1, "personal_loan": 2}

n = len(rows)
age = np.array([r[0] for r in rows], dtype=float)
income = np.array([r[1] for r in rows], dtype=float)
utilization = np.array([r[4] / r[5] for r in rows])

# standardize the numeric ones
age = (age - age.mean()) / age.std()
income = (income - income.mean()) / income.std()

region_oh = np.zeros((n, len(region_idx)))
product_oh = np.zeros((n, len(product_idx)))
for i, r in enumerate(rows):
    region_oh[i, region_idx[r[2]]] = 1
    product_oh[i, product_idx[r[3]]] = 1

X = np.column_stack([age, income, utilization, region_oh, product_oh])
y = np.array([1 if r[6] > 30 else 0 for r in rows])
print("X shape", X.shape, "default rate %.3f" % y.mean())

clf = LogisticRegression(max_iter=1000)
clf.fit(X, y)
print("train acc", (clf.predict(X) == y).mean())
