"""People and their orders, each person with a unique name: the saved-run tests look for a
forgotten person's name in every byte of every file, so the name must survive into the prepared
data. Logistic regression, so that the influence update has a certificate to check."""

from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import lester as lt


@lt.source
def people(data_dir):
    return lt.read_csv(f"{data_dir}/people.csv")


@lt.source
def orders(data_dir):
    return lt.read_csv(f"{data_dir}/orders.csv")


@lt.prepare
def prepared(people, orders):
    joined = orders.join(people.filter("age >= 18"), on="pid")
    return joined.project("words", "note", lambda n: n.str.count(" ") + 1)


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
def big(data):
    return (data["amount"] > 250).astype(int)


@lt.model
def model():
    return LogisticRegression(max_iter=500)
