"""The credit card complaints pipeline, declared: the hand-written equivalent of messy.py.

Mails from 2022 on about a use case, joined with customers from the target countries; the title's
length standardized, the country one-hot encoded, a hashed bag of words of the cleaned text; the label
says whether the text's sentiment is positive.
"""

import string

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import lester as lt

TARGET_COUNTRIES = ["DE", "FR", "UK", "NL"]
USE_CASES = ["credit card", "loan", "mortgage", "account"]
POSITIVE = {
    "good",
    "great",
    "happy",
    "thanks",
    "excellent",
    "love",
    "helpful",
    "fast",
    "easy",
    "satisfied",
}
NEGATIVE = {
    "bad",
    "terrible",
    "angry",
    "slow",
    "problem",
    "fraud",
    "disappointed",
    "broken",
    "refund",
    "unhappy",
}
PUNCTUATION = "[" + "".join("\\" + c for c in string.punctuation) + "]"


@lt.source
def customers(data_dir: str) -> lt.Frame:
    names = ["id", "email", "bank", "country", "level"]
    return lt.read_csv(f"{data_dir}/data/customers.csv", header=None, names=names)


@lt.source
def mails(data_dir: str) -> lt.Frame:
    names = ["mail_id", "email", "date", "subject", "text"]
    return lt.read_csv(f"{data_dir}/data/mails.csv", header=None, names=names)


def mentions_use_case(subject: pd.Series) -> pd.Series:
    lowered = subject.str.lower()
    return pd.concat([lowered.str.contains(uc, regex=False) for uc in USE_CASES], axis=1).any(
        axis=1
    )


def sanitize(text: pd.Series) -> pd.Series:
    cleaned = text.str.lower().str.replace(PUNCTUATION, "", regex=True)
    return cleaned.str.replace(" {2,}", " ", regex=True).str.strip()


def sentiment(text: str) -> int:
    words = text.split()
    return sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)


@lt.step
def target_customers(customers: lt.Frame) -> lt.Frame:
    return customers.filter("country in @TARGET_COUNTRIES")


@lt.step
def relevant_mails(mails: lt.Frame) -> lt.Frame:
    dated = mails.project("year", "date", lambda d: pd.to_datetime(d, format="%Y-%m-%d").dt.year)
    recent = dated.filter("year >= 2022")
    return recent.project("about_use_case", "subject", mentions_use_case).filter("about_use_case")


@lt.prepare
def complaints(relevant_mails: lt.Frame, target_customers: lt.Frame) -> lt.Frame:
    joined = relevant_mails.join(target_customers, on="email")
    cleaned = joined.project("text", "text", sanitize)
    scored = cleaned.project("sentiment", "text", sentiment, vectorized=False)
    titled = scored.project("title_length", "subject", lambda s: s.str.len())
    return titled.select(
        ["mail_id", "email", "country", "subject", "title_length", "text", "sentiment"]
    )


@lt.encode
def features() -> ColumnTransformer:
    words = HashingVectorizer(
        n_features=64,
        alternate_sign=False,
        norm=None,
        lowercase=False,
        token_pattern=r"(?u)\b\w+\b",
    )
    return ColumnTransformer(
        [
            ("title_length", StandardScaler(), ["title_length"]),
            ("country", OneHotEncoder(categories=[TARGET_COUNTRIES]), ["country"]),
            ("words", words, "text"),
        ]
    )


@lt.label
def positive(data: pd.DataFrame) -> pd.Series:
    return (data["sentiment"] > 0).astype(int)


@lt.model
def model() -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=1000)
