# Wine quality: which wines does the panel rate 7 or higher? Red and white vinho verde data,
# both files ';'-separated as they come from the lab.
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

red = pd.read_csv("data/winequality-red.csv", sep=";")
white = pd.read_csv("data/winequality-white.csv", sep=";")
print(red.shape, white.shape)

red["is_red"] = 1
white["is_red"] = 0
wine = pd.concat([red, white], ignore_index=True)
wine.columns = [c.strip().replace(" ", "_") for c in wine.columns]
print(wine.head())
print(wine.isna().sum())

# this dataset has a lot of exact duplicate rows
print("duplicates:", wine.duplicated().sum())
wine = wine.drop_duplicates().reset_index(drop=True)

# a few missing lab readings
for col in ["pH", "sulphates"]:
    wine[col] = wine[col].fillna(wine[col].median())

# skewed columns -> log1p
skewed = ["residual_sugar", "chlorides", "free_sulfur_dioxide", "total_sulfur_dioxide"]
for col in skewed:
    print(col, "skew before:", round(wine[col].skew(), 2))
    wine[col] = np.log1p(wine[col])

wine["good"] = (wine["quality"] >= 7).astype(int)
print(wine["good"].value_counts(normalize=True))
print(wine.groupby("is_red")["good"].mean())

# print(wine.corr()["quality"].sort_values())   # alcohol on top, volatile acidity at the bottom

num = wine.select_dtypes(include="number").drop(columns=["quality", "good", "is_red"])
feature_cols = list(num.columns)
print("features:", feature_cols)

scaler = StandardScaler()
wine[feature_cols] = scaler.fit_transform(wine[feature_cols])

X = wine[feature_cols + ["is_red"]].values
y = wine["good"].values

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=7, stratify=y)

rf = RandomForestClassifier(n_estimators=150, max_depth=10, min_samples_leaf=2, random_state=0)
rf.fit(X_train, y_train)
print(classification_report(y_test, rf.predict(X_test)))

importances = pd.Series(rf.feature_importances_, index=feature_cols + ["is_red"])
print(importances.sort_values(ascending=False).head(8))
