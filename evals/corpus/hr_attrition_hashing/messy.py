# voluntary attrition model (people analytics)
# job titles are hashed because there are too many spellings to maintain a list
from datetime import date

import numpy as np
from sklearn.svm import SVC
from sklearn.utils import murmurhash3_32

N_TITLE_BUCKETS = 32
AS_OF = date(2024, 1, 1)


def read_rows(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    return [l.split(",") for l in lines[1:] if l]


employees = read_rows("data/employees.csv")
budgets = read_rows("data/departments.csv")
reviews = read_rows("data/reviews.csv")

# average review score per employee
score_sum, score_cnt = {}, {}
for emp_id, year, score in reviews:
    score_sum[emp_id] = score_sum.get(emp_id, 0) + int(score)
    score_cnt[emp_id] = score_cnt.get(emp_id, 0) + 1


def clean_title(t):
    t = t.strip().lower().replace(".", "")
    t = t.replace("sr ", "senior ").replace("jr ", "junior ")
    return t


def title_hash_vector(title):
    vec = [0.0] * N_TITLE_BUCKETS
    for tok in title.split():
        h = murmurhash3_32(tok, seed=0)
        sign = 1.0 if h >= 0 else -1.0
        vec[abs(h) % N_TITLE_BUCKETS] += sign
    return vec


X, y = [], []
for emp_id, title, dept, hire_date, salary, status, reason in employees:
    budget = [float(b) for d, b in budgets if d == dept]
    budget = budget[0] if budget else 0.0            # legal has no budget line
    tenure = (AS_OF - date.fromisoformat(hire_date)).days / 365.25
    avg_score = score_sum[emp_id] / score_cnt[emp_id] if emp_id in score_cnt else 3.0
    X.append([float(salary), tenure, budget, avg_score, score_cnt.get(emp_id, 0)]
             + title_hash_vector(clean_title(title)))
    y.append(1 if status == "terminated" and reason in ("resigned", "better offer") else 0)

X = np.array(X)
y = np.array(y)
# standardize the first five (numeric) columns, leave the hashed ones
mu = X[:, :5].mean(axis=0)
sigma = X[:, :5].std(axis=0)
X[:, :5] = (X[:, :5] - mu) / sigma
print("employees:", len(y), "voluntary leavers:", int(y.sum()))

svm = SVC(kernel="linear", C=0.5)
svm.fit(X, y)
print("train accuracy", svm.score(X, y))
