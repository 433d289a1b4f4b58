# Titanic - feature engineering by hand (titles, age groups, family)
import numpy as np
from sklearn.ensemble import RandomForestClassifier

rows = []
with open("data/passengers.csv", encoding="utf-8") as f:
    cols = f.readline().strip().split(";")
    for line in f:
        rows.append(dict(zip(cols, line.rstrip("\n").split(";"))))
print(len(rows), "passengers")

# title from "Surname, Title. First"
for r in rows:
    r["Title"] = r["Name"].split(",")[1].split(".")[0].strip()
    if r["Title"] not in ("Mr", "Mrs", "Miss", "Master"):
        r["Title"] = "Rare"

# median age per title, used to fill in missing ages
ages_by_title = {}
for r in rows:
    if r["Age"] != "":
        ages_by_title.setdefault(r["Title"], []).append(float(r["Age"]))
median_age = {t: float(np.median(v)) for t, v in ages_by_title.items()}
for r in rows:
    r["Age"] = float(r["Age"]) if r["Age"] != "" else median_age[r["Title"]]

title_idx = {"Mr": 0, "Mrs": 1, "Miss": 2, "Master": 3, "Rare": 4}
port_idx = {"S": 0, "C": 1, "Q": 2}


def age_group(a):
    if a < 12:
        return 0
    if a < 18:
        return 1
    if a < 35:
        return 2
    if a < 60:
        return 3
    return 4


X = []
y = []
for r in rows:
    fam = int(r["SibSp"]) + int(r["Parch"]) + 1
    t = [0] * 5
    t[title_idx[r["Title"]]] = 1
    e = [0] * 3
    e[port_idx.get(r["Embarked"], 0)] = 1      # 2 passengers without port -> S
    X.append([int(r["Pclass"]), 1 if r["Sex"] == "female" else 0, age_group(r["Age"]),
              fam, 1 if fam == 1 else 0, float(r["Fare"]), 1 if r["Cabin"] else 0] + t + e)
    y.append(int(r["Survived"]))

X = np.array(X, dtype=float)
y = np.array(y)
clf = RandomForestClassifier(n_estimators=200, max_depth=6, random_state=1)
clf.fit(X, y)
print("train accuracy:", clf.score(X, y))
