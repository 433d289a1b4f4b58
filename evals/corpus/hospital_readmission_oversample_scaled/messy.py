import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, roc_auc_score
from sklearn.model_selection import train_test_split

admissions = pd.read_csv("data/admissions.csv")
patients = pd.read_csv("data/patients.csv")
print(admissions.shape, patients.shape)

df = admissions.merge(patients, on="patient_id", how="inner")
print("after merge:", df.shape)

df["department"] = df["department"].str.strip().str.title()
df["insurance"] = df["insurance"].str.strip().str.title()
df["sex"] = df["sex"].str.upper()

# derived columns
df["admit_date"] = pd.to_datetime(df["admit_date"])
df["discharge_date"] = pd.to_datetime(df["discharge_date"])
df["length_of_stay"] = (df["discharge_date"] - df["admit_date"]).dt.days
df["age"] = df["admit_date"].dt.year - df["birth_year"]

df["length_of_stay"] = df["length_of_stay"].fillna(df["length_of_stay"].median())
df["num_medications"] = df["num_medications"].fillna(df["num_medications"].median())
df["lab_tests"] = df["lab_tests"].fillna(df["lab_tests"].median())
df["chronic_conditions"] = df["chronic_conditions"].fillna(0)
df["meds_per_day"] = df["num_medications"] / (df["length_of_stay"] + 1)

print(df.describe())

# standardise
num_cols = ["age", "length_of_stay", "num_procedures", "num_medications", "lab_tests",
            "prior_visits", "chronic_conditions", "meds_per_day"]
df[num_cols] = (df[num_cols] - df[num_cols].mean()) / df[num_cols].std()

df = df.drop(columns=["admission_id", "patient_id", "admit_date", "discharge_date", "birth_year"])
df = pd.get_dummies(df, columns=["department", "insurance", "sex"], dtype=int)
print(df.columns.tolist())

# imbalance: ~12% readmitted -> oversample the positives (x3)
print(df["readmitted"].value_counts())
minority = df[df["readmitted"] == 1]
extra = minority.sample(n=2 * len(minority), replace=True, random_state=7)
df = pd.concat([df, extra], ignore_index=True)
print(df["readmitted"].value_counts())

X = df.drop(columns=["readmitted"]).values
y = df["readmitted"].values

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7, stratify=y)
print(X_train.shape, X_test.shape)

model = LogisticRegression(max_iter=1000, C=0.5)
model.fit(X_train, y_train)

pred = model.predict(X_test)
print("F1:", f1_score(y_test, pred))
print("AUC:", roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
print(confusion_matrix(y_test, pred))
coefs = pd.Series(model.coef_[0], index=df.drop(columns=["readmitted"]).columns)
print(coefs.sort_values())
print("positive rate in test:", np.mean(y_test))
