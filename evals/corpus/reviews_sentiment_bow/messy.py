import csv
import re

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

data = []
with open("data/reviews.csv", newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    header = next(reader)
    for row in reader:
        review_id, product, rating, title, text = row
        rating = int(rating)
        if rating == 3:   # neutral reviews are ambiguous, drop them
            continue
        data.append((text, 1 if rating >= 4 else 0))

print("reviews kept:", len(data))


def tokenize(s):
    s = s.lower()
    s = re.sub(r"[^a-z0-9\s]", " ", s)
    return s.split()


train, test = train_test_split(data, test_size=0.25, random_state=7)

# vocabulary: words in at least 2 training reviews
doc_freq = {}
for text, _ in train:
    for w in set(tokenize(text)):
        doc_freq[w] = doc_freq.get(w, 0) + 1
vocab = sorted(w for w, c in doc_freq.items() if c >= 2)
word_index = {w: i for i, w in enumerate(vocab)}
print("vocab size", len(vocab))


def vectorize(rows):
    M = np.zeros((len(rows), len(vocab)))
    for i, (text, _) in enumerate(rows):
        for w in tokenize(text):
            j = word_index.get(w)
            if j is not None:
                M[i, j] += 1
    return M


X_train = vectorize(train)
y_train = np.array([lab for _, lab in train])
X_test = vectorize(test)
y_test = np.array([lab for _, lab in test])

model = LogisticRegression(C=0.5, max_iter=2000)
model.fit(X_train, y_train)
acc = (model.predict(X_test) == y_test).mean()
print(f"test accuracy {acc:.3f}")
