"""Orders whose features are chosen against the label: a selector and a target encoder in the
ColumnTransformer are fitted with `y`, as scikit-learn passes it, in a run and after a deletion."""

from sklearn.compose import ColumnTransformer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler, TargetEncoder

import lester as lt


@lt.source
def customers(data_dir):
    return lt.read_csv(f"{data_dir}/customers.csv", header=None, names=["cid", "country", "age"])


@lt.source
def orders(data_dir):
    return lt.read_csv(f"{data_dir}/orders.csv")


@lt.prepare
def prepared(customers, orders):
    return orders.join(customers, on="cid")


@lt.split
def split():
    return lt.random_split(test_size=0.25, random_state=0)


@lt.encode
def features():
    chosen = make_pipeline(PolynomialFeatures(2), StandardScaler(), SelectKBest(f_classif, k=2))
    return ColumnTransformer(
        [
            ("chosen", chosen, ["amount", "age"]),
            ("country", TargetEncoder(), ["country"]),
        ]
    )


@lt.label
def big(data):
    return (data["amount"] > 250).astype(int)


@lt.model
def model():
    return LogisticRegression()
