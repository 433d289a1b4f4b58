"""The running example's data, aggregated per customer (the `forget` benchmark's grouped pipeline).

Mails from 2022 on, joined with customers from the target countries and aggregated per customer:
how many mails, how long they are, the latest year. Forgetting a customer touches one group, which
`forget` recomputes from that customer's rows only; the label says whether a customer wrote twice.
"""

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import lester as lt

TARGET_COUNTRIES = ["DE", "FR", "UK", "NL"]


@lt.source
def customers(data_dir: str) -> lt.Frame:
    names = ["id", "email", "bank", "country", "level"]
    return lt.read_csv(f"{data_dir}/data/customers.csv", header=None, names=names)


@lt.source
def mails(data_dir: str) -> lt.Frame:
    names = ["mail_id", "email", "date", "subject", "text"]
    return lt.read_csv(f"{data_dir}/data/mails.csv", header=None, names=names)


@lt.step
def target_customers(customers: lt.Frame) -> lt.Frame:
    return customers.filter("country in @TARGET_COUNTRIES")


@lt.step
def recent_mails(mails: lt.Frame) -> lt.Frame:
    dated = mails.project("year", "date", lambda d: pd.to_datetime(d, format="%Y-%m-%d").dt.year)
    return dated.filter("year >= 2022")


@lt.prepare
def per_customer(recent_mails: lt.Frame, target_customers: lt.Frame) -> lt.Frame:
    joined = recent_mails.join(target_customers, on="email")
    counted = joined.project("words", "text", lambda t: t.str.count(" ") + 1)
    return counted.aggregate(
        ["email", "country", "level"],
        mails=("mail_id", "count"),
        words=("words", "mean"),
        latest=("year", "max"),
    )


@lt.encode
def features() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("numbers", StandardScaler(), ["words", "latest"]),
            ("categories", OneHotEncoder(handle_unknown="ignore"), ["country", "level"]),
        ]
    )


@lt.label
def wrote_twice(data: pd.DataFrame) -> pd.Series:
    return (data["mails"] > 1).astype(int)


@lt.model
def model() -> LogisticRegression:
    return LogisticRegression(max_iter=1000)
