import numpy as np
from sklearn.ensemble import RandomForestClassifier

# ---------------- read patients ----------------
patients = []
with open("data/patients.csv") as f:
    header = f.readline().strip().split(",")
    for line in f:
        vals = line.rstrip("\n").split(",")
        patients.append(dict(zip(header, vals)))

# ---------------- read labs (long format) ----------------
hba1c = {}
with open("data/labs.csv") as f:
    f.readline()
    for line in f:
        pid, test, value = line.strip().split(",")
        if test == "hba1c":
            hba1c[pid] = float(value)

known = list(hba1c.values())
mean_hba1c = sum(known) / len(known)
print("patients", len(patients), "with hba1c", len(hba1c), "mean %.2f" % mean_hba1c)

adm_types = sorted(set(p["admission_type"] for p in patients))

X, y = [], []
for p in patients:
    lab = hba1c.get(p["patient_id"])
    missing = 1 if lab is None else 0
    if lab is None:
        lab = mean_hba1c
    row = [int(p["age"]), 1 if p["sex"] == "F" else 0, int(p["num_medications"]), lab, missing]
    for a in adm_types:
        row.append(1 if p["admission_type"] == a else 0)
    X.append(row)
    # readmitted within 30 days (empty = never readmitted)
    days = p["readmit_days"]
    y.append(1 if days != "" and int(days) <= 30 else 0)

X = np.array(X, dtype=float)
y = np.array(y)
print("X", X.shape, "readmission rate", round(y.mean(), 3))

rf = RandomForestClassifier(n_estimators=150, min_samples_leaf=3, random_state=42)
rf.fit(X, y)
importances = sorted(zip(rf.feature_importances_, range(X.shape[1])), reverse=True)
print("top features:", importances[:3])
