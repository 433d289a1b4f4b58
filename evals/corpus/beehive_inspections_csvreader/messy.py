# Beehive inspection sheets, exported from the field tablet as plain CSV.
# Everything stays a string until scikit-learn gets it; the grade is the part of
# the verdict code after the slash.
import csv

import numpy as np
from sklearn.tree import DecisionTreeClassifier

HOLDOUT = 40

with open("data/inspections.csv", newline="") as sheet:
    reader = csv.reader(sheet)
    header = next(reader)
    print("columns:", header)
    inspections = [record for record in reader]
    measurements = [record[1:-1] for record in inspections]
    grades = [record[-1].split("/")[1] for record in inspections]

print(len(inspections), "inspections;", len(set(grades)), "grades")
print("first row:", measurements[0], grades[0])

X = np.array(measurements, dtype=float)
tree = DecisionTreeClassifier(max_depth=5, random_state=3)
tree.fit(X[:-HOLDOUT], grades[:-HOLDOUT])

held_out = X[-HOLDOUT:]
guessed = tree.predict(held_out)
hits = sum(1 for g, t in zip(guessed, grades[-HOLDOUT:]) if g == t)
print("held-out hits:", hits, "of", HOLDOUT)
for row, grade in zip(held_out[:5], guessed[:5]):
    print(" ", row, "->", grade)
if hits < HOLDOUT // 2:
    print("the tree is no better than guessing")
weak = [m for m, g in zip(measurements, grades) if g == "weak"]
print("weak hives:", len(weak))
mite_counts = sorted(int(m[2]) for m in measurements)
print("median mites per 100 bees:", mite_counts[len(mite_counts) // 2])
heavy = max(float(m[3]) for m in measurements)
print("heaviest hive:", heavy, "kg")
print("done")
