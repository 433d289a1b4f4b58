"""Orders with per-column scalers of an int column, a float column with gaps and two columns at
once: every one is refitted after a deletion, and must equal a re-run's to the bit."""

from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier

import lester as lt


@lt.source
def customers(data_dir):
    return lt.read_csv(f"{data_dir}/customers.csv")


@lt.source
def orders(data_dir):
    return lt.read_csv(f"{data_dir}/orders.csv")


@lt.prepare
def prepared(customers, orders):
    return orders.join(customers, on="cid")


@lt.split
def split():
    return lt.column_split("year", [2024])


@lt.encode
def features():
    return ColumnTransformer(
        [
            ("amount", StandardScaler(), ["amount"]),
            ("weight", MinMaxScaler(), ["weight"]),
            ("both", MaxAbsScaler(), ["amount", "weight"]),
        ]
    )


@lt.label
def big(data):
    return (data["amount"] > 250).astype(int)


@lt.model
def model():
    return DecisionTreeClassifier(max_depth=3, random_state=0)  # it accepts the gaps
