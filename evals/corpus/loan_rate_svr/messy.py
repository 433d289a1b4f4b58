# interest rate model for the pricing dashboard
import json

import numpy as np
from sklearn.svm import SVR

loans = []
with open("data/loans.jsonl") as fh:
    for line in fh:
        line = line.strip()
        if not line:
            continue
        loans.append(json.loads(line))
print(len(loans), "loans")

grade_map = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4, "F": 5, "G": 6}

# emp_length is not always there -> fill with the mean of the known values
known_emp = [l["emp_length"] for l in loans if "emp_length" in l]
emp_fill = sum(known_emp) / len(known_emp)

purposes = sorted({l["purpose"] for l in loans})


def minmax(col):
    col = np.asarray(col, dtype=float)
    lo, hi = col.min(), col.max()
    return (col - lo) / (hi - lo)


amount = minmax([l["amount"] for l in loans])
income = minmax([l["annual_income"] for l in loans])
dti = minmax([l["dti"] for l in loans])
emp = minmax([l.get("emp_length", emp_fill) for l in loans])
grade = np.array([grade_map[l["grade"]] for l in loans], dtype=float)

purpose_cols = np.array([[1.0 if l["purpose"] == p else 0.0 for p in purposes] for l in loans])

X = np.hstack([np.column_stack([grade, amount, income, dti, emp]), purpose_cols])
y = np.array([l["interest_rate"] for l in loans])

svr = SVR(kernel="rbf", C=10.0, epsilon=0.2)
svr.fit(X, y)
print("train R2:", svr.score(X, y))
