import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

# the export from the CRM uses ; as separator
df = pd.read_csv("data/applicants.csv", sep=";")
print(df.shape)
print(df.isna().sum())

# median income of the ones we know -> used for missing incomes
known = [v for v in df["income"] if not pd.isna(v)]
median_income = float(np.median(known))

emp_types = sorted(set(df["employment"]))
emp_index = {e: i for i, e in enumerate(emp_types)}

features = []
targets = []
for idx, row in df.iterrows():
    income = row["income"]
    if pd.isna(income):
        income = median_income
    debt_ratio = row["debt"] / income if income > 0 else 0.0
    onehot = [0.0] * len(emp_types)
    onehot[emp_index[row["employment"]]] = 1.0
    features.append([
        row["age"],
        np.log(income + 1),
        debt_ratio,
        row["years_employed"],
        row["open_lines"],
    ] + onehot)
    targets.append(row["credit_limit"])

X = np.array(features, dtype=float)
y = np.array(targets, dtype=float)

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

reg = Ridge(alpha=1.0)
reg.fit(X_train, y_train)
print("R2 test:", reg.score(X_test, y_test))
preds = reg.predict(X_test)
print("first preds", preds[:5])
