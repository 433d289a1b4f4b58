import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, classification_report, roc_auc_score
from sklearn.preprocessing import LabelEncoder

df = pd.read_csv("data/claims.csv")
print(df.shape)
print(df.head())
print(df["fraud"].value_counts())

# text columns are typed by hand in the branches: " Theft", "TOYOTA", "premium  "
text_cols = ["policy_type", "region", "incident_type", "vehicle_make", "police_report", "witness_present"]
for col in text_cols:
    df[col] = df[col].str.strip().str.lower()

print(df.isnull().sum())

# numeric gaps -> median
num_cols = ["driver_age", "vehicle_age", "claim_amount", "days_to_report"]
for col in num_cols:
    df[col] = df[col].fillna(df[col].median())

yes_no = {"yes": 1, "no": 0}
df["police_report"] = df["police_report"].map(yes_no)
df["police_report"] = df["police_report"].fillna(0)
df["witness_present"] = df["witness_present"].map(yes_no).fillna(0)

df["high_claim"] = (df["claim_amount"] > 8000).astype(int)

cat_cols = ["policy_type", "region", "incident_type", "vehicle_make"]
le = LabelEncoder()
for col in cat_cols:
    df[col] = le.fit_transform(df[col].astype(str))

# ---- class imbalance: only ~14% of claims are fraud -> undersample the majority
minority = df[df["fraud"] == 1]
majority = df[df["fraud"] == 0]
print("minority:", len(minority), "majority:", len(majority))

majority_down = majority.sample(n=len(minority), random_state=27)
df = pd.concat([minority, majority_down])
print(df["fraud"].value_counts())

# shuffle
df = df.sample(frac=1, random_state=27).reset_index(drop=True)

features = ["policy_type", "region", "incident_type", "vehicle_make", "driver_age", "vehicle_age",
            "annual_premium", "claim_amount", "prior_claims", "days_to_report", "police_report",
            "witness_present", "high_claim"]

cut = int(len(df) * 0.8)
train = df[:cut]
test = df[cut:]
print("train:", train.shape, "test:", test.shape)

X_train = train[features].values
y_train = train["fraud"].values
X_test = test[features].values
y_test = test["fraud"].values

clf = RandomForestClassifier(n_estimators=200, max_depth=6, random_state=27)
clf.fit(X_train, y_train)

pred = clf.predict(X_test)
proba = clf.predict_proba(X_test)[:, 1]
print("Accuracy:", accuracy_score(y_test, pred))
print("ROC AUC:", roc_auc_score(y_test, proba))
print(classification_report(y_test, pred))

importances = pd.Series(clf.feature_importances_, index=features).sort_values(ascending=False)
print(importances)
print("mean predicted fraud rate:", np.mean(pred))
