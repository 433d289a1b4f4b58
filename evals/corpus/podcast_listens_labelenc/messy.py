import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder

df = pd.read_csv("data/episodes.csv")

# tidy up the export's headers
df.columns = df.columns.str.strip().str.lower().str.replace(" ", "_")
df = df.rename(columns={"length_(min)": "length_min"})
print(df.columns.tolist())

df["length_min"] = pd.to_numeric(df["length_min"], errors="coerce")
df["length_min"] = df["length_min"].fillna(df["length_min"].mean())

# title stats
df["title_len"] = df["episode_title"].str.len()
df["title_words"] = df["episode_title"].str.split().str.len()
df["has_number"] = df["episode_title"].str.contains(r"\d", regex=True).astype(int)

df["sweet_spot"] = df["length_min"].between(30, 60).astype(int)
df["guest"] = df["guest"].replace({"Yes": 1, "No": 0}).astype(int)
df["early_week"] = df["release_day"].isin(["Monday", "Tuesday"]).astype(int)

# encode the text categories
cat_cols = ["show_name", "genre", "release_day"]
for col in cat_cols:
    le = LabelEncoder()
    df[col] = le.fit_transform(df[col])

df = df.drop(["episode_id", "episode_title"], axis=1)

y = np.log1p(df["listens"])
X = df.drop("listens", axis=1)
print(X.dtypes)

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
reg = Ridge(alpha=0.3)
reg.fit(X_train, y_train)
rmse = mean_squared_error(y_test, reg.predict(X_test)) ** 0.5
print("RMSE (log listens):", round(rmse, 4))
print(pd.Series(reg.coef_, index=X.columns))
