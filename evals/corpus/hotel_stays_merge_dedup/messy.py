import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

bookings = pd.read_csv("data/bookings.csv")
guests = pd.read_csv("data/guests.csv")
print(len(bookings), "bookings,", len(guests), "guests")

data = bookings.merge(guests, on="guest_id", how="left")
before = len(data)
data = data.drop_duplicates(subset="booking_id", keep="first")
print("dropped", before - len(data), "duplicate exports")

# loyalty level -> number, new guests have none
level_map = {"bronze": 1, "silver": 2, "gold": 3, "platinum": 4}
data["loyalty"] = data["loyalty_level"].map(level_map).fillna(0)

room_map = {"standard": 0, "family": 1, "deluxe": 2, "suite": 3}
data["room_rank"] = data["room_type"].map(room_map)

# lump rare channels together
counts = data["channel"].value_counts()
rare = counts[counts < 30].index
data.loc[data["channel"].isin(rare), "channel"] = "other"
print(data["channel"].value_counts())

data["guests_total"] = data.apply(lambda r: r["adults"] + r["children"], axis=1)
data["long_lead"] = data["lead_days"].apply(lambda d: 1 if d > 90 else 0)
data["revenue"] = data.apply(lambda r: r["rate"] * r["nights"], axis=1)
data["domestic"] = (data["country"] == "PRT").astype(int)

data = pd.get_dummies(data, columns=["channel", "hotel"], drop_first=False, dtype=int)

cols = ["nights", "lead_days", "rate", "past_stays", "loyalty", "room_rank", "guests_total",
        "long_lead", "revenue", "domestic"]
cols += [c for c in data.columns if c.startswith("channel_") or c.startswith("hotel_")]

X = data[cols].to_numpy()
y = data["canceled"].to_numpy()

tree = DecisionTreeClassifier(max_depth=6, min_samples_leaf=10, random_state=1)
tree.fit(X, y)
print("train AUC", roc_auc_score(y, tree.predict_proba(X)[:, 1]))
print(dict(zip(cols, tree.feature_importances_.round(3))))
