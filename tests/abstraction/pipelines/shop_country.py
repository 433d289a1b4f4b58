"""Order statistics per country and order size after a left join: forget recomputes only the
affected groups, then filters and projects the recomputed groups only."""

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import lester as lt

KEEP = ["DE", "FR", "NL"]


@lt.source
def customers(data_dir):
    return lt.read_csv(f"{data_dir}/customers.csv", header=None, names=["cid", "country", "age"])


@lt.source
def orders(data_dir):
    return lt.read_csv(f"{data_dir}/orders.csv")


@lt.step
def kept_customers(customers):
    return customers.filter("country in @KEEP")


@lt.step
def orders_with_customer(orders, kept_customers):
    return orders.join(kept_customers, on="cid", how="left")


@lt.prepare
def per_country_and_size(orders_with_customer):
    sized = orders_with_customer.project("size", "amount", lambda a: a // 100)
    groups = sized.aggregate(
        ["country", "size"],
        n_orders=("amount", "count"),
        mean_age=("age", "mean"),
        total=("amount", "sum"),
    )
    return groups.filter("n_orders >= 2").project(
        "mean_amount", ["total", "n_orders"], lambda t, n: t / n
    )


@lt.split
def split():
    return lt.random_split(test_size=0.25, random_state=3)


@lt.encode(fit_on="all")
def features():
    return ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["n_orders", "mean_age"]),
            ("country", OneHotEncoder(handle_unknown="ignore"), ["country"]),
        ]
    )


@lt.label
def mean_amount(data):
    return data["mean_amount"]


@lt.model
def model():
    return Ridge(alpha=1.0)
