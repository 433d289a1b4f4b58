# Which couriers get top ratings in a zone? Per courier and zone, their drops summarised.
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

couriers = pd.read_csv("data/couriers.csv")
drops = pd.read_csv("data/drops.csv")


SLOW_MINUTES = 35  # a drop slower than this counts as slow


def slow_share(minutes):
    """Share of a courier's drops in a zone that took longer than SLOW_MINUTES."""
    return (minutes > SLOW_MINUTES).mean()


# one row per courier and zone: how many drops, slowest, fastest, parcels per drop, share of slow drops
per_shift = drops.groupby(["courier_id", "zone"])
stats = per_shift.minutes.count().reset_index()
stats.rename(columns={"minutes": "n_drops"}, inplace=True)
stats["slowest"] = per_shift.minutes.max().reset_index()["minutes"]
stats["fastest"] = drops.groupby(["courier_id", "zone"]).minutes.min().values
stats["parcels_avg"] = per_shift.parcels.mean().reset_index()["parcels"]
stats["slow_share"] = per_shift.minutes.agg(slow_share).values
stats["range"] = stats.slowest - stats.fastest

# couriers without drops in a zone keep their row (left merge), with zero stats
data = couriers.merge(stats, on=["courier_id", "zone"], how="left")
for col in ["n_drops", "slowest", "fastest", "parcels_avg", "slow_share", "range"]:
    data[col] = data[col].fillna(0)
data["is_van"] = (data.vehicle == "van").astype(int)
print("courier-zone rows:", len(data), "with drops:", int((data.n_drops > 0).sum()))

features = ["years_active", "n_drops", "slowest", "fastest", "parcels_avg", "slow_share", "range", "is_van"]
X = data[features].values
y = data["top_rated"].values

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=3)
clf = LogisticRegression(max_iter=1000)
clf.fit(X_train, y_train)
print("accuracy:", round(clf.score(X_test, y_test), 3))
for name, weight in zip(features, clf.coef_[0]):
    print(f"  {name:>12}: {weight:+.3f}")
