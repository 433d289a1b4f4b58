import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.tree import DecisionTreeClassifier

df = pd.read_csv("data/mushrooms.csv")
print(df.shape)
print(df.head())
print(df.isnull().sum())

# same specimen typed in twice
df = df.drop_duplicates()
df = df.drop("specimen", axis=1)

df["stem_height"] = df["stem_height"].fillna(df["stem_height"].mean())

# target: 1 = poisonous
df["poisonous"] = np.where(df["class"] == "p", 1, 0)
print(df["poisonous"].value_counts())

cat_cols = ["cap_shape", "cap_color", "odor", "gill_size", "habitat"]
encoders = {}
for c in cat_cols:
    le = LabelEncoder()
    df[c] = le.fit_transform(df[c].astype(str))
    encoders[c] = le
    print(c, list(le.classes_))

# season: missing stays its own code (-1)
df["season"] = df["season"].astype("category").cat.codes

features = cat_cols + ["season", "ring_count", "stem_height"]
X = df[features].values
y = df["poisonous"].values

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)

tree = DecisionTreeClassifier(max_depth=6, min_samples_leaf=5, random_state=0)
tree.fit(X_train, y_train)

pred = tree.predict(X_test)
print("accuracy", accuracy_score(y_test, pred))
print(confusion_matrix(y_test, pred))
for name, imp in sorted(zip(features, tree.feature_importances_), key=lambda t: -t[1]):
    print(f"{name:12s} {imp:.3f}")
