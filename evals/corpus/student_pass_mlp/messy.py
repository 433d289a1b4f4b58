import numpy as np
import pandas as pd
from sklearn.neural_network import MLPClassifier

# Portuguese school data, semicolon separated
df = pd.read_csv("data/student-mat.csv", sep=";")
print(df.shape)
print(df.columns.tolist())

# yes/no columns -> 1/0
for col in df.columns:
    if set(df[col].unique()) <= {"yes", "no"}:
        df[col] = (df[col] == "yes").astype(int)

df["sex"] = (df["sex"] == "F").astype(int)
df["urban"] = (df["address"] == "U").astype(int)
df["school_gp"] = (df["school"] == "GP").astype(int)
df["parent_edu"] = df[["Medu", "Fedu"]].max(axis=1)
df["grade_trend"] = df["G2"] - df["G1"]

print(df["failures"].value_counts())
print(df.groupby("school")["G3"].mean())
print(df[["G1", "G2", "G3"]].corr())

# pass/fail on the final grade
df["passed"] = np.where(df["G3"] >= 10, 1, 0)

jobs = pd.get_dummies(df["Mjob"], prefix="mjob", dtype=float)

numeric = ["age", "parent_edu", "studytime", "failures", "absences", "G1", "G2", "grade_trend"]
num = df[numeric].to_numpy(dtype=float)
num = (num - num.min(axis=0)) / (num.max(axis=0) - num.min(axis=0))

flags = df[["sex", "urban", "school_gp", "schoolsup", "internet", "romantic"]].to_numpy(dtype=float)
X = np.hstack([num, flags, jobs.to_numpy()])
y = df["passed"].to_numpy()
print("pass rate:", y.mean())

net = MLPClassifier(hidden_layer_sizes=(20, 10), activation="relu", max_iter=800, random_state=42)
net.fit(X, y)
print("train acc", net.score(X, y))
