import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder

URGENT = ("blocker", "major")

summaries = []
components = []
urgent = []
skipped = 0
with open("data/reports.tsv", encoding="utf-8") as f:
    next(f)  # header
    for line in f:
        report_id, component, severity, summary = line.rstrip("\n").split("\t")
        if severity == "duplicate" or not summary:
            skipped += 1
            continue
        summaries.append(summary)
        components.append(component)
        urgent.append(1 if severity in URGENT else 0)

print(len(summaries), "reports kept,", skipped, "skipped,", sum(urgent), "urgent")
for component in sorted(set(components)):
    print(f"  {component:8s} {components.count(component)}")

docs_train, docs_test, comp_train, comp_test, y_train, y_test = train_test_split(
    summaries, components, urgent, test_size=0.2, random_state=5
)

# identifiers such as sync_worker and versions like 2.10 are kept as one token
tfidf = TfidfVectorizer(
    token_pattern=r"[A-Za-z_][A-Za-z0-9_.]+",
    ngram_range=(1, 2),
    min_df=3,
    sublinear_tf=True,
    lowercase=True,
)
# the component helps: sync and auth bugs are rarely cosmetic
onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)

X_train = np.hstack([
    tfidf.fit_transform(docs_train).toarray(),
    onehot.fit_transform([[c] for c in comp_train]),
])
X_test = np.hstack([
    tfidf.transform(docs_test).toarray(),
    onehot.transform([[c] for c in comp_test]),
])
print("vocabulary", len(tfidf.vocabulary_), "components", len(onehot.categories_[0]))

clf = LogisticRegression(C=4.0, max_iter=1000)
clf.fit(X_train, y_train)
print("test accuracy", round(clf.score(X_test, y_test), 3))

terms = tfidf.get_feature_names_out()
weights = sorted(zip(clf.coef_[0][: len(terms)], terms), reverse=True)
print("most urgent terms:", [t for _, t in weights[:8]])
