"""Customers with their country's order statistics: a per-group statistic joined back to the rows
it came from (a self-join). forget recomputes the affected countries and joins their customers
again."""

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


@lt.step
def per_country(customers, orders):
    joined = orders.join(customers, on="cid")
    return joined.aggregate("country", country_orders=("amount", "count"))


@lt.prepare
def customers_with_country_stats(customers, per_country):
    return customers.join(per_country, on="country", how="left")


@lt.encode
def features():
    return ColumnTransformer(
        [
            ("num", StandardScaler(), ["country_orders"]),
            ("country", OneHotEncoder(handle_unknown="ignore"), ["country"]),
        ]
    )


@lt.label
def age(data):
    return data["age"] * 1.0


@lt.model
def model():
    return Ridge(alpha=1.0)
