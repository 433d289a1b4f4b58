"""Orders with words and a tier: a vocabulary, TF-IDF weights and one-hot categories that the
data decide, so that forgetting a customer can make a term or a category disappear."""

from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler

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
            ("tier", OneHotEncoder(handle_unknown="ignore"), ["tier"]),
            ("words", CountVectorizer(), "note"),
            ("title", TfidfVectorizer(), "title"),
        ]
    )


@lt.label
def big(data):
    return (data["amount"] > 250).astype(int)


@lt.model
def model():
    return LogisticRegression(max_iter=1000)
