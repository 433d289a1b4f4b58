import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/telco.csv")
print(df.shape)

# TotalCharges is object because of blank strings -> numeric, drop the blanks (new customers)
df["TotalCharges"] = pd.to_numeric(df["TotalCharges"], errors="coerce")
print("blank TotalCharges:", df["TotalCharges"].isna().sum())
df = df.dropna(subset=["TotalCharges"])
df = df.drop(columns=["customerID"])

df["Churn"] = df["Churn"].map({"Yes": 1, "No": 0})
df["gender"] = df["gender"].map({"Female": 1, "Male": 0})

# quick look before encoding
print(df.groupby("Contract")["Churn"].mean())
print(df.groupby("InternetService")["Churn"].mean())
for col in ["tenure", "MonthlyCharges", "TotalCharges"]:
    print(col, "churned mean:", round(df.loc[df["Churn"] == 1, col].mean(), 2),
          "stayed mean:", round(df.loc[df["Churn"] == 0, col].mean(), 2))

for col in ["tenure", "MonthlyCharges", "TotalCharges"]:
    df[col] = (df[col] - df[col].mean()) / df[col].std()

df = pd.get_dummies(df, columns=["Contract", "InternetService", "PaymentMethod"], dtype=int)

y = df["Churn"].values
X = df.drop(columns=["Churn"]).values.astype(float)
print("churn rate: %.3f" % y.mean())

X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=101, stratify=y
)
model = LogisticRegression(max_iter=2000, C=0.8)
model.fit(X_train, y_train)
y_pred = model.predict(X_test)
print("accuracy:", (y_pred == y_test).mean())
print("churners caught:", int(((y_pred == 1) & (y_test == 1)).sum()), "of", int(y_test.sum()))
