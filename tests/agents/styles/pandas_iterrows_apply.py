import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

df = pd.read_csv("data/patients.csv")
print("patients:", len(df))
df = df[df["age"] >= 18]
df["bmi"] = df.apply(lambda r: r["weight"] / (r["height"] / 100) ** 2, axis=1)
df["smoker"] = df["smoker"].apply(lambda s: 1 if s == "yes" else 0)

rows = []
for i, row in df.iterrows():
    if row["visits"] > 0:
        rows.append((row["bmi"], row["smoker"], row["age"], row["outcome"]))

X = np.array([[r[0], r[1], r[2]] for r in rows])
y = np.array([r[3] for r in rows])
clf = LogisticRegression(max_iter=500)
clf.fit(X, y)
print("accuracy", (clf.predict(X) == y).mean())
