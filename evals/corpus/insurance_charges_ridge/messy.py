import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

ins = pd.read_csv("data/insurance.csv")
print(ins.head(10))

# messy categorical spellings
ins["smoker"] = ins["smoker"].apply(lambda s: 1 if str(s).strip().lower() in ("yes", "y") else 0)
ins["region"] = ins["region"].str.strip().str.lower()
ins["sex"] = ins["sex"].map({"female": 0, "male": 1})

# missing bmi -> median bmi of same sex
for sex in [0, 1]:
    med = ins.loc[ins["sex"] == sex, "bmi"].median()
    ins.loc[(ins["sex"] == sex) & (ins["bmi"].isna()), "bmi"] = med

print(ins.groupby("smoker")["charges"].agg(["mean", "median", "count"]))
print(ins.groupby("region")["charges"].mean())

ins["obese"] = (ins["bmi"] >= 30).astype(int)
ins["smoker_obese"] = ins["smoker"] * ins["obese"]
ins["bmi_band"] = pd.cut(ins["bmi"], bins=[0, 18.5, 25, 30, 35, 100], labels=False)
ins["age_sq"] = ins["age"] ** 2

region_dummies = pd.get_dummies(ins["region"], prefix="reg", dtype=float)
band_dummies = pd.get_dummies(ins["bmi_band"], prefix="band", dtype=float)

cols = ["age", "age_sq", "sex", "bmi", "children", "smoker", "obese", "smoker_obese"]
feature_names = cols + list(region_dummies.columns) + list(band_dummies.columns)
X = pd.concat([ins[cols].astype(float), region_dummies, band_dummies], axis=1).to_numpy()
y = np.log(ins["charges"].to_numpy())

X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=1)
ridge = Ridge(alpha=0.5)
ridge.fit(X_tr, y_tr)
pred = np.exp(ridge.predict(X_te))
print("MAE in dollars:", np.abs(pred - np.exp(y_te)).mean().round(0))
for name, coef in zip(feature_names, ridge.coef_):
    print(f"{name:>14s} {coef:+.3f}")
