import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, precision_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import KBinsDiscretizer, OrdinalEncoder

batches = pd.read_csv("data/batches.csv")
print(batches.head())
print(batches["product"].unique())

batches["product"] = batches["product"].str.title()
batches["weekend"] = batches["weekday"].isin(["Sat", "Sun"]).astype(int)

train_df, test_df = train_test_split(batches, test_size=0.25, random_state=4)

cat_cols = ["product", "weekday", "channel", "shop"]
oe = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
train_cat = oe.fit_transform(train_df[cat_cols])
test_cat = oe.transform(test_df[cat_cols])
print(oe.categories_)

# temperature and batch size in quantile bins, the tree does not need more detail
kb = KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="quantile")
train_bins = kb.fit_transform(train_df[["temp_c", "batch_size"]])
test_bins = kb.transform(test_df[["temp_c", "batch_size"]])
print(kb.bin_edges_)

train_num = train_df[["price", "promo", "weekend"]].values
test_num = test_df[["price", "promo", "weekend"]].values

X_train = np.hstack([train_cat, train_bins, train_num])
X_test = np.hstack([test_cat, test_bins, test_num])
y_train = (train_df["sold_out"] == "Y").astype(int).values
y_test = (test_df["sold_out"] == "Y").astype(int).values

forest = RandomForestClassifier(n_estimators=60, min_samples_leaf=3, random_state=0)
forest.fit(X_train, y_train)
pred = forest.predict(X_test)
print("accuracy", accuracy_score(y_test, pred), "precision", precision_score(y_test, pred))
