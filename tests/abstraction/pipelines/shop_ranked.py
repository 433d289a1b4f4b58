"""Customers ranked by their order total: a sort after an aggregate, which forget cannot maintain
row by row, so it re-applies the sort (and what follows) after recomputing the affected groups."""

from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import lester as lt


@lt.source
def customers(data_dir):
    return lt.read_csv(f"{data_dir}/customers.csv", header=None, names=["cid", "country", "age"])


@lt.source
def orders(data_dir):
    return lt.read_csv(f"{data_dir}/orders.csv")


@lt.prepare
def ranked(customers, orders):
    joined = orders.join(customers, on="cid")
    totals = joined.aggregate(["cid", "country"], total=("amount", "sum"), age=("age", "first"))
    return totals.sort("total", ascending=False).project("big", "total", lambda t: t > 500)


@lt.split
def split():
    return lt.head_split(0.75)


@lt.encode
def features():
    return ColumnTransformer(
        [
            ("age", StandardScaler(), ["age"]),
            ("country", OneHotEncoder(handle_unknown="ignore"), ["country"]),
        ]
    )


@lt.label
def total(data):
    return data["total"] * 1.0


@lt.model
def model():
    return Ridge(alpha=1.0)
