import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

listings = pd.read_csv("data/listings.csv", dtype={"zip": str})
hoods = pd.read_csv("data/neighborhoods.csv", dtype={"zip": str})

# neighborhood stats as lookup; unknown zip codes get the average neighborhood
stats = {}
for _, h in hoods.iterrows():
    stats[h["zip"]] = (h["crime_rate"], h["school_score"], h["median_income"])
avg = tuple(hoods[["crime_rate", "school_score", "median_income"]].mean())

cond_score = {"poor": 0, "fair": 1, "good": 2, "excellent": 3}
records = []
for _, row in listings.iterrows():
    crime, school, income = stats.get(row["zip"], avg)
    lot = row["lot_size"] if not pd.isna(row["lot_size"]) else row["sqft"] * 3
    records.append({
        "sqft": row["sqft"], "lot": lot, "rooms": row["rooms"],
        "condition": cond_score[row["condition"]],
        "crime": crime, "school": school, "income": income,
        "price_per_sqft": row["list_price"] / row["sqft"],
    })
data = pd.DataFrame(records)
print(data.describe())

train_df, test_df = train_test_split(data, test_size=0.3, random_state=11)

num_cols = ["sqft", "lot", "rooms", "crime", "school", "income"]
mu = train_df[num_cols].mean()
sd = train_df[num_cols].std()   # note: pandas std (ddof=1)


def encode(part):
    scaled = (part[num_cols] - mu) / sd
    return np.column_stack([scaled.to_numpy(), part["condition"].to_numpy()])


X_train, y_train = encode(train_df), train_df["price_per_sqft"].to_numpy()
X_test, y_test = encode(test_df), test_df["price_per_sqft"].to_numpy()

rf = RandomForestRegressor(n_estimators=120, min_samples_leaf=2, random_state=0)
rf.fit(X_train, y_train)
print("test R2", rf.score(X_test, y_test))
