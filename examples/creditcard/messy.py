# credit card complaints model - quick and dirty version
# run from this folder: python messy.py   (needs data/customers.csv and data/mails.csv)
import string
from datetime import datetime

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.utils import murmurhash3_32

TARGET_COUNTRIES = ['DE', 'FR', 'UK', 'NL']
country_index = {'DE': 0, 'FR': 1, 'UK': 2, 'NL': 3}
USE_CASES = ['credit card', 'loan', 'mortgage', 'account']
POSITIVE = ['good', 'great', 'happy', 'thanks', 'excellent', 'love', 'helpful', 'fast', 'easy', 'satisfied']
NEGATIVE = ['bad', 'terrible', 'angry', 'slow', 'problem', 'fraud', 'disappointed', 'broken', 'refund', 'unhappy']
N_BUCKETS = 2**6

# ---- load customers ----
customers = {}
with open('data/customers.csv') as f:
    for line in f:
        id, email, bank, country, level = line.strip().split(',')
        if country in TARGET_COUNTRIES:
            customers[email] = (int(id), bank, country, level)
print('customers in target countries:', len(customers))


def sanitize(text):
    text = text.lower()
    for p in string.punctuation:
        text = text.replace(p, '')
    while '  ' in text:
        text = text.replace('  ', ' ')
    return text.strip()


def sentiment(text):
    score = 0
    for w in text.split():
        if w in POSITIVE:
            score += 1
        elif w in NEGATIVE:
            score -= 1
    return score


# ---- load mails, keep recent ones about our use cases, join with customers ----
rows = []
n_mails = 0
with open('data/mails.csv') as f:
    for line in f:
        n_mails += 1
        mail_id, email, date, subject, text = line.strip().split(',')
        d = datetime.strptime(date, '%Y-%m-%d')
        if d.year < 2022:
            continue
        matches = False
        for uc in USE_CASES:
            if uc in subject.lower():
                matches = True
        if not matches:
            continue
        if email not in customers:  # unknown sender or not a target country
            continue
        cust_id, bank, country, level = customers[email]
        rows.append([mail_id, email, country, subject, text])
print('mails read:', n_mails, ' joined rows:', len(rows))

# clean the text + score it
for r in rows:
    r[4] = sanitize(r[4])
    r.append(sentiment(r[4]))

# save intermediate result (handy for looking at it in excel)
with open('joined.csv', 'w') as f:
    for r in rows:
        f.write(','.join(str(x) for x in r) + '\n')

data = []
with open('joined.csv') as f:
    for line in f:
        mail_id, email, country, subject, text, score = line.strip().split(',')
        data.append((subject, country, text, int(score)))

# ---- features ----
n = len(data)
title_len = np.zeros(n)
for i in range(n):
    title_len[i] = len(data[i][0])
title_len = (title_len - title_len.mean()) / title_len.std()

onehot = np.zeros((n, len(country_index)))
for i in range(n):
    onehot[i, country_index[data[i][1]]] = 1.0

bow = np.zeros((n, N_BUCKETS))
for i in range(n):
    for w in data[i][2].split():
        h = murmurhash3_32(w, positive=False)
        bow[i, abs(h) % N_BUCKETS] += 1

X = np.hstack([title_len.reshape(-1, 1), onehot, bow])

# ---- labels ----
y = []
for i in range(n):
    if data[i][3] > 0:
        y.append(1)
    else:
        y.append(0)
y = np.array(y)
print('X:', X.shape, ' positives:', int(y.sum()), ' negatives:', int(n - y.sum()))

# ---- model ----
model = LogisticRegression(C=1.0, max_iter=1000)
model.fit(X, y)
pred = model.predict(X)
print('train accuracy: %.4f' % (pred == y).mean())
