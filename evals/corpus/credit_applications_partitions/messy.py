"""Charge-off model on the 2023 application book.

Applications come as one file per quarter. Some applications were resubmitted
later (same app_id), we keep only the most recent submission.
"""
import csv
import glob

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

DEFAULT_SCORE = 600   # thin-file applicants, risk team said to use 600
SCORE_BINS = [580, 670, 740, 800]
TERM_INDEX = {12: 0, 24: 1, 36: 2, 60: 3}


def load_bureau(path):
    scores = {}
    with open(path, newline="") as fh:
        for rec in csv.DictReader(fh):
            scores[rec["applicant_id"]] = (int(rec["score"]), int(rec["inquiries"]))
    return scores


def load_applications(pattern):
    latest = {}
    for path in sorted(glob.glob(pattern)):
        with open(path, newline="") as fh:
            for rec in csv.DictReader(fh):
                prev = latest.get(rec["app_id"])
                if prev is None or rec["submitted"] > prev["submitted"]:
                    latest[rec["app_id"]] = rec
    # keep a stable order
    return [latest[k] for k in sorted(latest)]


bureau = load_bureau("data/bureau.csv")
apps = load_applications("data/applications/applications_2023_q*.csv")
print("unique applications:", len(apps))

X_rows, y_rows = [], []
for app in apps:
    score, inquiries = bureau.get(app["applicant_id"], (DEFAULT_SCORE, 0))
    amount = float(app["amount"])
    income = float(app["income"])
    # score band as one-hot (5 bands)
    band = np.digitize(score, SCORE_BINS)
    band_oh = [0, 0, 0, 0, 0]
    band_oh[band] = 1
    term_oh = [0, 0, 0, 0]
    term_oh[TERM_INDEX[int(app["term_months"])]] = 1
    X_rows.append([amount / income, inquiries, np.log1p(amount)] + band_oh + term_oh)

    bad = app["status"] == "charged_off" or (app["status"] == "late" and int(app["days_past_due"]) > 60)
    y_rows.append(int(bad))

X = np.array(X_rows, dtype=float)
y = np.array(y_rows)
print("bad rate:", y.mean())

gbc = GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=0)
gbc.fit(X, y)
print("in-sample acc", gbc.score(X, y))
