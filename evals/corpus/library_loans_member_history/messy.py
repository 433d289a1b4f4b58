# Will a library loan come back late? Trained on the loans of members who joined before 2022.
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

members = pd.read_csv("data/members.csv")
loans = pd.read_csv("data/loans.csv")

# the members we have a long history of (joined before 2022);
# their loans (and only theirs) are the training loans
long_standing = members[members.joined_year < 2022]
loans = loans[loans.member_id.isin(long_standing.member_id.unique())]

# each member's borrowing history (how many loans, how long kept, most renewals),
# merged back onto their loans: one row per member
history = (
    loans.groupby("member_id")
    .agg(n_loans=("loan_id", "count"), mean_days=("days_kept", "mean"), max_renewals=("renewals", "max"))
    .reset_index()
)
data = loans.merge(history, on="member_id", how="left")
data = data.merge(members[["member_id", "branch", "birth_year", "student"]], on="member_id", how="left")

# member features: age at the 2024 snapshot, student flag, share of renewals in their loans
data["age"] = 2024 - data.birth_year
data["is_student"] = (data.student == "yes").astype(int)
data["renewal_share"] = data.renewals / data.n_loans

# the matrix: numbers as they are, the genre one-hot beside them; the label popped off
features = ["days_kept", "renewals", "n_loans", "mean_days", "max_renewals", "age", "is_student", "renewal_share"]
dummies = pd.get_dummies(data["genre"], prefix="genre").astype(float)
table = pd.concat([data[features + ["returned_late"]], dummies], axis=1)
y = table.pop("returned_late").values
X = table.values

# hold out a fifth of the encoded loans to check the model
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=11)
clf = LogisticRegression(max_iter=1000)
clf.fit(X_train, y_train)
print("accuracy:", round(clf.score(X_test, y_test), 3))
