import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

members = pd.read_csv("data/members.csv", parse_dates=["joined"])
print(members.describe())

# drop the impossible ages
members = members[(members["age"] > 15) & (members["age"] < 100)]

members["tenure_days"] = (pd.Timestamp("2024-06-30") - members["joined"]).dt.days
members["visits_per_week"] = members["visits_90d"] / 13.0
members["pt_sessions"] = members["pt_sessions"].fillna(0)
members["has_trainer"] = (members["pt_sessions"] > 0).astype(int)
members = pd.get_dummies(members, columns=["plan"], prefix="plan", dtype=int)

feature_cols = ["age", "tenure_days", "visits_per_week", "classes_90d", "pt_sessions", "has_trainer",
                "monthly_fee", "plan_basic", "plan_plus", "plan_premium", "plan_student"]
X = members[feature_cols].values
y = (members["cancelled"] == "yes").astype(int).values
print("churn rate", y.mean())

scaler = StandardScaler()
X = scaler.fit_transform(X)

clf = LogisticRegression(C=0.5, max_iter=1000)

# quick sanity check with 5-fold cv
scores = cross_val_score(clf, X, y, cv=5, scoring="roc_auc")
print("cv auc: %.3f +- %.3f" % (scores.mean(), scores.std()))

# and by hand, to look at each fold
skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
fold_auc = []
for fold, (tr_idx, va_idx) in enumerate(skf.split(X, y)):
    m = LogisticRegression(C=0.5, max_iter=1000)
    m.fit(X[tr_idx], y[tr_idx])
    p = m.predict_proba(X[va_idx])[:, 1]
    fold_auc.append(roc_auc_score(y[va_idx], p))
    print(f"fold {fold}: auc {fold_auc[-1]:.3f}")
print("mean fold auc", np.mean(fold_auc))

# final model on everything
clf.fit(X, y)
print(dict(zip(feature_cols, np.round(clf.coef_[0], 3))))
print("train auc", roc_auc_score(y, clf.predict_proba(X)[:, 1]))
