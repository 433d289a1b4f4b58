"""A small pipeline over customers and orders: filter, inner join, project, random split."""

from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import Ridge
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


@lt.prepare
def prepared(kept_customers, orders):
    joined = orders.join(kept_customers, on="cid")
    return joined.project("words", "note", lambda n: len(n.split()))


@lt.split
def split():
    return lt.random_split(test_size=0.25, random_state=7)


@lt.encode
def features():
    return ColumnTransformer(
        [
            ("age", StandardScaler(), ["age"]),
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
