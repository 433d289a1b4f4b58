import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

train = pd.read_csv("data/train.csv")
print(train.shape)
print(train.dtypes)
print(train.head())
print(train.isnull().sum())

# --- cleaning ---
train["Age"] = train["Age"].fillna(train["Age"].median())
train["Embarked"] = train["Embarked"].fillna("S")
train = train.drop(columns=["Cabin", "Ticket", "Name"])

train["FamilySize"] = train["SibSp"] + train["Parch"] + 1
train["IsAlone"] = 0
train.loc[train["FamilySize"] == 1, "IsAlone"] = 1

# --- encoding ---
train = pd.get_dummies(train, columns=["Sex", "Embarked", "Pclass"], drop_first=False)
train["Fare"] = np.log1p(train["Fare"])

features = [c for c in train.columns if c not in ("PassengerId", "Survived")]
print("features:", features)
X = train[features].astype(float).values
y = train["Survived"].values

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=42)

logreg = LogisticRegression(max_iter=1000)
logreg.fit(X_train, y_train)
acc = round(logreg.score(X_val, y_val) * 100, 2)
print("validation accuracy:", acc)

# survival by sex, for the slide
for col in ["Sex_female", "Sex_male"]:
    mask = train[col] == 1
    print(col, train.loc[mask, "Survived"].mean())
