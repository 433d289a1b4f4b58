import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split

jobs = pd.read_csv("data/postings.csv")
print(jobs.info())

jobs = jobs.dropna(subset=["salary"])
jobs["city"] = jobs["city"].str.strip().str.title()

# too many small towns -> lump them together
city_counts = jobs["city"].value_counts()
print(city_counts.tail(15))
jobs["city"] = jobs["city"].where(jobs["city"].map(city_counts) >= 20, "Other")

# same for industries nobody hires in
ind_counts = jobs["industry"].value_counts()
rare = ind_counts[ind_counts < 25].index
jobs.loc[jobs["industry"].isin(rare), "industry"] = "other"
print(jobs["industry"].value_counts())

jobs["years_required"] = jobs["years_required"].fillna(jobs["years_required"].median())
seniority_rank = {"junior": 0, "mid": 1, "senior": 2, "lead": 3}
jobs["seniority_rank"] = jobs["seniority"].map(seniority_rank)

cat = pd.get_dummies(jobs[["city", "industry", "remote"]], dtype=float)
num = jobs[["years_required", "benefits_count", "seniority_rank"]]
X = pd.concat([num, cat], axis=1).values
y = np.log(jobs["salary"].values)

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=5)
model = Ridge(alpha=0.5)
model.fit(X_train, y_train)
pred = model.predict(X_test)
print("MAE EUR:", mean_absolute_error(np.exp(y_test), np.exp(pred)))

coef = pd.Series(model.coef_, index=["years_required", "benefits_count", "seniority_rank"] + list(cat.columns))
print(coef.sort_values())
resid = y_test - pred
print("worst residuals:", np.sort(np.abs(resid))[-5:])
