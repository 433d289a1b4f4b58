import warnings

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

warnings.filterwarnings("ignore")

cols = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
        "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss",
        "hours_per_week", "native_country", "income"]
df = pd.read_csv("data/adult.data", header=None, names=cols, na_values=["?"], skipinitialspace=True)
print(df.shape)
print(df.isnull().sum())

# the label is written two ways ('>50K' and '>50K.')
print(df["income"].value_counts())
df["income"] = df["income"].str.strip().str.replace(".", "", regex=False)
df["high_income"] = df["income"].str.contains(">50K").astype(int)

# drop rows where we don't know the job at all, fill country with the most common one
df.dropna(subset=["workclass", "occupation"], inplace=True)
df["native_country"] = df["native_country"].fillna(df["native_country"].mode()[0])
df.drop_duplicates(inplace=True)
df.drop(columns=["fnlwgt", "education", "income"], inplace=True)
print("after cleaning:", df.shape)

# collapse marital status
marital_map = {
    "Married-civ-spouse": "married", "Married-spouse-absent": "married",
    "Never-married": "single", "Divorced": "separated", "Separated": "separated",
    "Widowed": "widowed",
}
df["marital_status"] = df["marital_status"].map(marital_map)
df["sex"] = df["sex"].map({"Male": 1, "Female": 0})
df["us_born"] = (df["native_country"] == "United-States").astype(int)
df.drop("native_country", axis=1, inplace=True)

# cap outliers: 99999 is a code for "more than that", 99 hours is not real
df.loc[df["capital_gain"] >= 99999, "capital_gain"] = 50000
df.loc[df["hours_per_week"] > 80, "hours_per_week"] = 80
df["has_capital"] = 0
df.loc[(df["capital_gain"] > 0) | (df["capital_loss"] > 0), "has_capital"] = 1

df["workclass"] = df["workclass"].str.lower()
print(df.groupby("marital_status")["high_income"].mean())

cat_cols = ["workclass", "marital_status", "occupation", "relationship", "race"]
df = pd.get_dummies(df, columns=cat_cols, dtype=int)
print(df.columns.tolist())

y = df["high_income"].values
X = df.drop(columns=["high_income"]).values

tree = DecisionTreeClassifier(max_depth=7, min_samples_leaf=20, random_state=0)
tree.fit(X, y)
print("train accuracy:", round(tree.score(X, y), 4))

feat_names = df.drop(columns=["high_income"]).columns
top = np.argsort(tree.feature_importances_)[::-1][:10]
for i in top:
    print(f"{feat_names[i]:<35} {tree.feature_importances_[i]:.3f}")
