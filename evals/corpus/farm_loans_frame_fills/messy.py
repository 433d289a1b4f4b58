import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, roc_auc_score
from sklearn.model_selection import train_test_split

loans = pd.read_csv("data/loans.csv")
print(loans.shape)
print(loans.isnull().sum())
print(loans.describe())

# ids and free text are no use for the model
loans = loans.drop(["loan_id", "officer_note"], axis=1)

# fill numbers with the median, categories with the most common value
loans = loans.fillna(loans.median(numeric_only=True))
loans = loans.fillna(loans.mode().iloc[0])
print("missing left:", loans.isnull().sum().sum())

loans["amount_per_ha"] = loans["amount"] / loans["farm_ha"]
loans["long_term"] = (loans["term_months"] >= 36).astype(int)
print(loans.groupby("crop")["defaulted"].mean())
print(loans.groupby("region")["defaulted"].mean())

loans = pd.get_dummies(loans, columns=["crop", "region", "irrigation"], drop_first=True)
print(loans.head())

X = loans.drop("defaulted", axis=1).astype(float)
y = loans["defaulted"]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=11, stratify=y)

logreg = LogisticRegression(max_iter=2000, C=0.3)
logreg.fit(X_train, y_train)

proba = logreg.predict_proba(X_test)[:, 1]
print("AUC:", roc_auc_score(y_test, proba))
print(classification_report(y_test, logreg.predict(X_test)))
coefs = pd.DataFrame({"feature": X.columns, "coef": logreg.coef_[0]}).sort_values("coef")
print(coefs)
print("default rate", y.mean())
