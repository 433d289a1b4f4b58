import csv

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

seen = set()
records = []
dups = 0
with open("data/heart.psv", newline="") as fh:
    for row in csv.reader(fh, delimiter="|"):
        key = tuple(row)
        if key in seen:          # double entries from the ward sheets
            dups += 1
            continue
        seen.add(key)
        records.append(row)
print(len(records), "records,", dups, "duplicates removed")


def clean_sex(s):
    s = s.strip().lower()
    return 1 if s in ("m", "male") else 0


cp_index = {"typical": 0, "atypical": 1, "non-anginal": 2, "asymptomatic": 3}
label_map = {"yes": 1, "y": 1, "no": 0, "n": 0}

ages, bps, chols, hrs, sexes, angina, cps, labels = [], [], [], [], [], [], [], []
for rid, age, sex, cp, bp, chol, hr, ang, disease in records:
    ages.append(float(age))
    bps.append(float(bp))
    chols.append(float(chol))
    hrs.append(float(hr))
    sexes.append(clean_sex(sex))
    angina.append(int(ang))
    cps.append(cp_index[cp.strip().lower()])
    labels.append(label_map[disease.strip().lower()])

num = np.column_stack([ages, bps, chols, hrs])
num = (num - num.min(axis=0)) / (num.max(axis=0) - num.min(axis=0))
cp_oh = np.eye(4)[cps]
X = np.column_stack([num, sexes, angina, cp_oh])
y = np.array(labels)

X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
svc = SVC(C=2.0, kernel="rbf", gamma="scale")
svc.fit(X_tr, y_tr)
print("test acc:", svc.score(X_te, y_te))
