# Length of stay (days) model for bed planning
from datetime import datetime

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor

CHRONIC = {"I10", "E11", "J44", "N18", "I50"}
WARDS = {"cardio": 0, "ortho": 1, "general": 2, "neuro": 3, "onco": 4}


def read_table(path):
    with open(path) as fh:
        cols = fh.readline().strip().split(",")
        return [dict(zip(cols, l.strip().split(","))) for l in fh if l.strip()]


patients = {p["patient_id"]: p for p in read_table("data/patients.csv")}
admissions = read_table("data/admissions.csv")

# count diagnoses per admission (and chronic ones)
n_diag, n_chronic = {}, {}
for d in read_table("data/diagnoses.csv"):
    a = d["admission_id"]
    n_diag[a] = n_diag.get(a, 0) + 1
    if d["icd_code"] in CHRONIC:
        n_chronic[a] = n_chronic.get(a, 0) + 1

# previous admissions per patient (all years)
prior = {}
for a in admissions:
    prior[a["patient_id"]] = prior.get(a["patient_id"], 0) + 1

X, y = [], []
for a in admissions:
    admit = datetime.strptime(a["admit_date"], "%Y-%m-%d")
    if admit < datetime(2021, 1, 1):   # coding changed in 2021
        continue
    discharge = datetime.strptime(a["discharge_date"], "%Y-%m-%d")
    pat = patients[a["patient_id"]]
    age = admit.year - int(pat["birth_year"])
    ward = [0.0] * 5
    ward[WARDS[a["ward"]]] = 1.0
    X.append([age, 1.0 if pat["sex"] == "F" else 0.0,
              n_diag.get(a["admission_id"], 0), n_chronic.get(a["admission_id"], 0),
              prior[a["patient_id"]], admit.weekday(), admit.month] + ward)
    y.append((discharge - admit).days)

X = np.array(X)
y = np.array(y, dtype=float)
print("admissions used:", len(y), "mean LOS %.2f" % y.mean())

gbr = GradientBoostingRegressor(n_estimators=150, learning_rate=0.05, max_depth=3, random_state=7)
gbr.fit(X, y)
print("train R2:", round(gbr.score(X, y), 3))
