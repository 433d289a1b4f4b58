"""Parking citations: will the ticket be paid on time?"""

import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DATA_PATH = "data/citations.csv"
NUMERIC = ["fine_usd", "vehicle_age", "prior_tickets"]
TARGET = "paid_on_time"


def load_data(path):
    df = pd.read_csv(path)
    df["issued_at"] = pd.to_datetime(df["issued_at"])
    return df


def add_time_features(df):
    df["hour"] = df["issued_at"].dt.hour
    df["weekday"] = df["issued_at"].dt.weekday
    df["month"] = df["issued_at"].dt.month
    df["is_weekend"] = (df["weekday"] >= 5).astype(int)
    df["morning"] = (df["hour"] < 12).astype(int)
    return df


def main():
    df = load_data(DATA_PATH)
    df = add_time_features(df)
    df["out_of_state"] = df["out_of_state"].astype(int)  # read as bool
    print(df[TARGET].value_counts(normalize=True))

    features = NUMERIC + ["hour", "weekday", "month", "is_weekend", "morning", "out_of_state"]
    X = df[features]
    y = df[TARGET]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=42, stratify=y
    )

    clf = make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        LogisticRegression(max_iter=1000),
    )
    clf.fit(X_train, y_train)
    print(classification_report(y_test, clf.predict(X_test)))


if __name__ == "__main__":
    main()
