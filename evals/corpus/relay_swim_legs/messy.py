# How fast will a relay swimmer be at the next meet? One row per leg swum, with the swimmer's
# record joined in; each leg compared with the other legs of its own relay.
import pandas as pd
from sklearn.linear_model import Ridge

legs = pd.read_csv("data/legs.csv")
swimmers = pd.read_csv("data/swimmers.csv")

relays = legs.merge(swimmers, on="swimmer_id", how="left")
relays["years_training"] = relays["years_training"].fillna(0)
relays["age"] = 2024 - relays["birth_year"].fillna(2000)


def compare_to_team(leg, frame):
    """Mark the leg fastest (1), slowest (-1) or neither (0) among the legs of its relay, and
    keep how far it was from the team-mates' mean split."""
    mates = frame.loc[(frame.relay_id == leg.loc["relay_id"]) & (frame.leg != leg.loc["leg"])]
    if (leg.loc["split_s"] < mates["split_s"].values).all():
        leg.loc["rank_in_team"] = 1
    elif (leg.loc["split_s"] > mates["split_s"].values).all():
        leg.loc["rank_in_team"] = -1
    else:
        leg.loc["rank_in_team"] = 0
    leg.loc["gap_to_mates"] = leg.loc["split_s"] - mates["split_s"].mean()
    return leg


def mark_anchor(leg):
    """The last leg is the anchor: 1 for it, 0 for the others."""
    leg.loc["anchor"] = 1 if leg.loc["leg"] == 4 else 0
    return leg


def against_team(frame):
    def compare(leg):
        leg = compare_to_team(leg, frame)
        leg = mark_anchor(leg)
        return leg

    return compare


table = relays.apply(against_team(relays), axis=1)

pools = pd.get_dummies(table["pool"], prefix="pool", dtype=float)
features = ["split_s", "years_training", "age", "rank_in_team", "gap_to_mates", "anchor"]
matrix = pd.concat([table[features + ["next_split_s"]], pools], axis=1)
y = matrix.pop("next_split_s")
X = matrix.values

model = Ridge(alpha=1.0)
model.fit(X, y.values)
print("R^2 on the training legs:", round(model.score(X, y.values), 3))
