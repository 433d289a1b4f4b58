"""Each customer's latest order with the customer's fields from a left join: forget maintains the
left join (orders of a forgotten customer stay, without a customer) and the deduplication (only
the affected customers' latest orders are recomputed)."""

from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import HashingVectorizer
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
def latest(orders_with_customer):
    last = orders_with_customer.drop_duplicates(["cid"], keep="last")
    return last.project("words", "note", lambda n: len(n.split()))


@lt.split
def split():
    return lt.random_split(test_size=0.25, random_state=7)


@lt.encode
def features():
    return ColumnTransformer(
        [
            ("age", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), ["age"]),
            ("country", OneHotEncoder(handle_unknown="ignore"), ["country"]),
            ("note", HashingVectorizer(n_features=8, alternate_sign=False, norm=None), "note"),
        ]
    )


@lt.label
def amount(data):
    return data["amount"] * 1.0


@lt.model
def model():
    return Ridge(alpha=0.5)
