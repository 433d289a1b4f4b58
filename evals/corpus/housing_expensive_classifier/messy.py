# Ist die Wohnung teuer fuer ihren Bezirk? (price per m2 above the district median)
import csv

import numpy as np
from sklearn.svm import SVC


def parse_euro(s):
    # "245.000,00" -> 245000.0
    return float(s.replace(".", "").replace(",", "."))


def parse_decimal(s):
    return float(s.replace(",", "."))


flats = []
with open("data/wohnungen.csv", encoding="utf-8") as f:
    reader = csv.reader(f, delimiter=";")
    next(reader)
    for row in reader:
        flats.append({
            "bezirk": row[1].strip(),
            "flaeche": parse_decimal(row[2]),
            "zimmer": int(row[3]),
            "etage": int(row[4]),
            "balkon": 1 if row[5] == "ja" else 0,
            "baujahr": int(row[6]),
            "preis": parse_euro(row[7]),
        })

for fl in flats:
    fl["ppm"] = fl["preis"] / fl["flaeche"]

# median price per m2 per district
per_district = {}
for fl in flats:
    per_district.setdefault(fl["bezirk"], []).append(fl["ppm"])
median_ppm = {b: float(np.median(v)) for b, v in per_district.items()}
print({b: round(m) for b, m in median_ppm.items()})

bezirke = sorted(per_district)
numeric = np.array([[fl["flaeche"], fl["zimmer"], fl["etage"], fl["baujahr"]] for fl in flats], dtype=float)
mins, maxs = numeric.min(axis=0), numeric.max(axis=0)
numeric = (numeric - mins) / (maxs - mins)

onehot = np.array([[1 if fl["bezirk"] == b else 0 for b in bezirke] for fl in flats])
balkon = np.array([fl["balkon"] for fl in flats]).reshape(-1, 1)

X = np.hstack([numeric, balkon, onehot]).astype(float)
y = np.array([1 if fl["ppm"] > median_ppm[fl["bezirk"]] else 0 for fl in flats])
print("teuer:", y.sum(), "von", len(y))

svm = SVC(kernel="rbf", C=5.0, gamma="scale")
svm.fit(X, y)
print("train acc", svm.score(X, y))
