import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

df = pd.read_csv("data/diabetes.csv")
print(df.describe().T[["mean", "min", "max"]])

# zeros mean "not measured" for these columns -> replace with the median of the non-zero values
for col in ["glucose", "blood_pressure", "bmi"]:
    med = df.loc[df[col] > 0, col].median()
    df[col] = df[col].apply(lambda v: med if v == 0 else v)

# insulin is zero too often; turn it into a flag
df["insulin_measured"] = df["insulin"].apply(lambda v: 1 if v > 0 else 0)


def bmi_class(b):
    if b < 25:
        return 0
    elif b < 30:
        return 1
    elif b < 35:
        return 2
    return 3


df["bmi_class"] = df["bmi"].apply(bmi_class)

num_cols = ["pregnancies", "glucose", "blood_pressure", "bmi", "pedigree", "age"]
X_num = df[num_cols].to_numpy(dtype=float)
# z-scores
X_num = (X_num - X_num.mean(axis=0)) / X_num.std(axis=0)

X = np.hstack([X_num, df[["insulin_measured", "bmi_class"]].to_numpy(dtype=float)])
y = df["outcome"].to_numpy()

# first 80% of the file = train (file is in intake order), rest = holdout
cut = int(len(X) * 0.8)
X_train, y_train = X[:cut], y[:cut]
X_hold, y_hold = X[cut:], y[cut:]

lr = LogisticRegression(C=1.0, max_iter=500)
lr.fit(X_train, y_train)
print("holdout accuracy", (lr.predict(X_hold) == y_hold).mean())
