# Switch-risk model for households on our electricity plans. Train and test are cleaned
# together so that both get the same dummies, then the training rows are cut back out.
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
ntrain = train.shape[0]
target = train["switched"].values
print("train:", train.shape, "test:", test.shape)
print("switch rate:", round(target.mean(), 3))
print("missing per column:")
print(train.isnull().sum())

allhh = pd.concat([train.drop("switched", axis=1), test], axis=0, ignore_index=True)


def clean_region(col):
    # the CRM exports some regions in capitals or with a leading blank
    return col.str.strip().str.capitalize()


allhh["region"] = clean_region(allhh["region"])
print(allhh["region"].value_counts())
allhh["kwh_month"] = allhh["kwh_month"].fillna(allhh["kwh_month"].median())
allhh["signup_month"] = pd.to_datetime(allhh["signup"]).dt.month
allhh["winter_signup"] = np.where(allhh["signup_month"].isin([11, 12, 1, 2]), 1, 0)
allhh["kwh_per_outage"] = allhh["kwh_month"] / (allhh["outages"] + 1)
allhh = allhh.drop(["household", "signup"], axis=1)
allhh = pd.get_dummies(allhh, columns=["region", "tariff", "heating"])

train_x = allhh[:ntrain]
test_x = allhh[ntrain:]

X_tr, X_val, y_tr, y_val = train_test_split(
    train_x.values.astype(float), target, test_size=0.2, random_state=11
)
sc = StandardScaler()
X_tr = sc.fit_transform(X_tr)
X_val = sc.transform(X_val)

lr = LogisticRegression(C=0.5, max_iter=1000)
lr.fit(X_tr, y_tr)
print("validation accuracy:", round(lr.score(X_val, y_val), 4))
for name, coef in sorted(zip(train_x.columns, lr.coef_[0]), key=lambda t: -abs(t[1]))[:5]:
    print(f"  {name:24s} {coef:+.3f}")
print("test households scored:", len(test_x))
