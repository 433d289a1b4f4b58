import csv

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import train_test_split

sms = pd.read_csv("data/SMSSpamCollection", sep="\t", header=None, names=["label", "text"],
                  quoting=csv.QUOTE_NONE, encoding="utf-8")
print(sms.shape)
print(sms["label"].value_counts())
print(sms.sample(5, random_state=1))

# chain letters get forwarded around, keep one copy
sms = sms.drop_duplicates(subset=["text"]).reset_index(drop=True)
sms["label"] = sms["label"].map({"ham": 0, "spam": 1})

# hand-made features
sms["n_chars"] = sms["text"].str.len()
sms["n_upper"] = sms["text"].str.count(r"[A-Z]")
sms["upper_ratio"] = sms["n_upper"] / sms["n_chars"]
sms["has_url"] = sms["text"].str.contains(r"www\.|http", case=False, regex=True).astype(int)
sms["has_money"] = sms["text"].str.contains(r"£|\$|cash|prize", case=False, regex=True).astype(int)
sms["has_phone"] = sms["text"].str.contains(r"\d{5,}", regex=True).astype(int)
print(sms.groupby("label")[["n_chars", "upper_ratio", "has_url", "has_money", "has_phone"]].mean())

# numbers are all different, replace them by a token
sms["clean"] = (sms["text"].str.lower()
                .str.replace(r"\d{5,}", " phonenumber ", regex=True)
                .str.replace(r"[!?.,:;()]", " ", regex=True))

train, test = train_test_split(sms, test_size=0.25, random_state=21, stratify=sms["label"])
print(len(train), "train /", len(test), "test")

# keep £ and $ as part of tokens, single letters like 'u' are noise
vec = CountVectorizer(token_pattern=r"(?u)\b[a-z£$][a-z0-9£$']+\b", min_df=3, max_df=0.9,
                      ngram_range=(1, 2), binary=True, max_features=400)
W_train = vec.fit_transform(train["clean"])
W_test = vec.transform(test["clean"])
print("vocabulary:", len(vec.vocabulary_))

extra = ["upper_ratio", "has_url", "has_money", "has_phone"]
X_train = np.hstack([W_train.toarray(), np.log1p(train[["n_chars"]].to_numpy()), train[extra].to_numpy()])
X_test = np.hstack([W_test.toarray(), np.log1p(test[["n_chars"]].to_numpy()), test[extra].to_numpy()])
y_train = train["label"].to_numpy()
y_test = test["label"].to_numpy()

clf = LogisticRegression(C=2.0, max_iter=2000)
clf.fit(X_train, y_train)
pred = clf.predict(X_test)
print("F1 spam:", round(f1_score(y_test, pred), 3))
print(confusion_matrix(y_test, pred))

words = np.array(vec.get_feature_names_out())
print("spammiest words:", words[np.argsort(clf.coef_[0][: len(words)])[-15:]])
