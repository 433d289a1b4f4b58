import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/animals.csv")
print(df.sample(5, random_state=0))

# breed is in brackets in the listing, the name before it
df["breed"] = df["listing"].str.extract(r"\((.+?)\)", expand=False)
df["is_mix"] = df["breed"].str.contains("mix").astype(int)
df["tag"] = df.listing.str.extract(r"\)\. (\w+)")

# '3 years' / '8 months' -> months
df["age_num"] = df["age_text"].str.extract(r"(\d+)", expand=False).astype(float)
df["age_unit"] = df["age_text"].str.extract(r"\d+ (year|month)", expand=False)
df["age_months"] = np.where(df["age_unit"] == "year", df["age_num"] * 12, df["age_num"])
df["age_months"] = df["age_months"].fillna(df["age_months"].median())

df["vaccinated"] = df["description"].str.contains("vaccinated", case=False).astype(int)
df["good_with_kids"] = df["description"].str.contains("kids|children", case=False, regex=True).astype(int)
df["trained"] = df.description.str.lower().str.contains("house trained").astype(int)
df["n_words"] = df["description"].str.split().str.len()

df["weight_kg"] = df["weight_kg"].fillna(df.groupby("species")["weight_kg"].transform("mean"))
df["is_dog"] = (df["species"] == "dog").astype(int)
df["female"] = (df["sex"] == "F").astype(int)

tags = pd.get_dummies(df["tag"], prefix="tag", dtype=int)
df = df.join(tags)

df["fast_adoption"] = (df["days_to_adoption"] <= 21).astype(int)
print(df.fast_adoption.mean())

features = ["age_months", "is_mix", "vaccinated", "good_with_kids", "trained", "n_words", "weight_kg",
            "is_dog", "female", "photos"] + list(tags.columns)
X = df[features].to_numpy()
y = df["fast_adoption"].to_numpy()

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=8)
rf = RandomForestClassifier(n_estimators=100, max_depth=7, random_state=0)
rf.fit(X_train, y_train)
print("AUC", roc_auc_score(y_test, rf.predict_proba(X_test)[:, 1]))
