# How many months does a subscriber stay? (only subscribers that already cancelled)
import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

subs = pd.read_json("data/subscriptions.jsonl", lines=True)
print(len(subs), "subscriptions")

subs = subs[subs["cancel_date"].notna()].copy()
subs["signup_date"] = pd.to_datetime(subs["signup_date"])
subs["cancel_date"] = pd.to_datetime(subs["cancel_date"])
print(len(subs), "cancelled")

# tenure in months (30.4 days)
subs["tenure_months"] = subs.apply(lambda r: (r["cancel_date"] - r["signup_date"]).days / 30.4, axis=1)

# date parts of the signup
subs["signup_month"] = subs["signup_date"].dt.month
subs["signup_dow"] = subs["signup_date"].dt.dayofweek
subs["holiday_signup"] = subs["signup_month"].apply(lambda m: 1 if m in (11, 12) else 0)
print(subs.groupby("channel")["tenure_months"].describe())

channel_index = {"organic": 0, "paid_search": 1, "social": 2, "referral": 3, "partner": 4}
channel_onehot = np.zeros((len(subs), len(channel_index)))
for i, ch in enumerate(subs["channel"]):
    channel_onehot[i, channel_index[ch]] = 1

numeric = subs[["monthly_price", "trial_days", "referrals", "signup_month", "signup_dow", "holiday_signup"]].to_numpy(dtype=float)

X = np.hstack([numeric, channel_onehot])
y = subs["tenure_months"].to_numpy()

reg = LinearRegression()
reg.fit(X, y)
print("R2:", reg.score(X, y))
print(dict(zip(["price", "trial", "referrals", "month", "dow", "holiday"], reg.coef_[:6].round(2))))

# what-if: referral signup in December, 9.99/month, 14 trial days, 1 referral, on a Monday
example = [9.99, 14, 1, 12, 0, 1, 0, 0, 0, 1, 0]
print("expected tenure for example: %.1f months" % reg.predict(np.array([example]))[0])
