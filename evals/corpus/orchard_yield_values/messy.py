"""Orchard yield per plot (tonnes) from the field logger's export."""

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge

np.random.seed(2024)

NAMES = ["plot_id", "sunshine_h", "rainfall_mm", "soil_ph", "tree_age", "n_trees", "pruned", "tonnes"]


def load_logger_file(path):
    # the logger writes its own codes as the first line and a count footer as the last one
    raw = pd.read_csv(path, header=None)
    n_plots = len(raw) - 2
    body = raw.loc[1:n_plots]
    table = pd.DataFrame(body.to_numpy(), columns=NAMES)
    return table


plots = load_logger_file("data/orchard_plots.csv")
print(f"{len(plots)} plots, columns: {', '.join(plots.columns)}")

# the plot code is an identifier, not a feature
plots = plots.drop(columns=["plot_id"])

# validation plots drawn at random without replacement, one at a time
values = plots.values
kept = values
for _ in range(180):
    kept = np.delete(kept, np.random.randint(kept.shape[0]), axis=0)

print("plots left for fitting:", kept.shape[0])

# back to a frame with the same names, everything still as text from the logger
fitting = pd.DataFrame(kept, columns=plots.columns)
features = fitting.drop(columns=["tonnes"]).astype(float)
target = fitting["tonnes"].astype(float)

reg = Ridge(alpha=0.5)
reg.fit(features, target)
print("R^2 on the fitting plots:", reg.score(features, target))
for name, weight in zip(features.columns, reg.coef_):
    print(f"  {name:>12}: {weight:+.4f}")
