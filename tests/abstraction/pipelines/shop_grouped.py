"""Per-customer order aggregates after a left join: forget must recompute the preparation."""

from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

import lester as lt


@lt.source
def customers(data_dir):
    return lt.read_csv(f"{data_dir}/customers.csv", header=None, names=["cid", "country", "age"])


@lt.source
def orders(data_dir):
    return lt.read_csv(f"{data_dir}/orders.csv")


@lt.step
def totals(orders):
    return orders.aggregate("cid", total=("amount", "sum"), n_orders=("amount", "count"))


@lt.prepare
def prepared(customers, totals):
    joined = customers.join(totals, on="cid", how="left")
    return joined.project("total", "total", lambda t: t.fillna(0.0)).project(
        "n_orders", "n_orders", lambda n: n.fillna(0)
    )


@lt.encode(fit_on="all")
def features():
    return ColumnTransformer(
        [
            ("num", MinMaxScaler(), ["age", "total", "n_orders"]),
            ("country", OneHotEncoder(), ["country"]),
        ]
    )


@lt.label
def big_spender(data):
    return (data["total"] > 700).astype(int)


@lt.model
def model():
    return LogisticRegression(C=0.5)
