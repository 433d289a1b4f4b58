import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import GridSearchCV, train_test_split

data = pd.read_csv("data/inspections.csv")
print(data.shape)
print(data.grade.value_counts())

# unfinished inspections have no score
data = data[data["score"].notnull()]
data["prior_violations"] = data["prior_violations"].fillna(0)

data["critical_share"] = data["critical_flags"] / (data["prior_violations"] + 1)
data["big_place"] = (data["seats"] > 80).astype(int)
data["new_place"] = (data["years_open"] < 2).astype(int)

dummies = pd.get_dummies(data[["borough", "cuisine"]], dtype=int)
data = pd.concat([data, dummies], axis=1)

target = (data["grade"] != "A").astype(int)
feature_names = ["seats", "years_open", "prior_violations", "critical_flags", "days_since_last",
                 "critical_share", "big_place", "new_place"] + list(dummies.columns)
X = data[feature_names]
y = target

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=21, stratify=y)

params = {
    "n_estimators": [40, 80],
    "max_depth": [4, 8],
    "min_samples_leaf": [1, 5],
}
grid = GridSearchCV(RandomForestClassifier(random_state=0), params, cv=3, scoring="f1", n_jobs=1)
grid.fit(X_train, y_train)

print("best params:", grid.best_params_)
print("best cv f1: %.3f" % grid.best_score_)

best = grid.best_estimator_
pred = best.predict(X_test)
print("test f1", f1_score(y_test, pred))
print(classification_report(y_test, pred))
imp = pd.Series(best.feature_importances_, index=feature_names).sort_values(ascending=False)
print(imp.head(10))
