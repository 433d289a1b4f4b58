import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder

df = pd.read_csv("data/appointments.csv")
print(df.shape)
print(df.head())
print(df.isnull().sum())
print("no-show rate:", df["no_show"].mean())

# --- missing values ---
df.loc[df["age"].isnull(), "age"] = df["age"].mean()
# wait time not logged for some bookings, assume about half the lead time
df.loc[df["wait_days"].isna(), "wait_days"] = df["lead_days"] / 2
df["distance_km"] = df["distance_km"].fillna(df["distance_km"].median())

df["neighbourhood"] = df["neighbourhood"].fillna("unknown")
df["insurance"] = df["insurance"].fillna(df["insurance"].mode()[0])
df["gender"] = df["gender"].fillna("U")
print(df.isnull().sum().sum(), "missing left")

# --- encode text columns ---
le = LabelEncoder()
for col in df.select_dtypes(include="object").columns:
    df[col] = le.fit_transform(df[col])
    print(col, le.classes_)

# age groups
df["age_group"] = pd.cut(df["age"], bins=[0, 12, 18, 35, 50, 65, 100],
                         labels=[0, 1, 2, 3, 4, 5]).astype(int)
print(df["age_group"].value_counts().sort_index())
print(df.groupby("age_group")["no_show"].mean())

# first column is the appointment id
X = df.iloc[:, 1:].drop("no_show", axis=1).values
y = df["no_show"].values
print(X.shape)

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)

rf = RandomForestClassifier(n_estimators=50, random_state=0)
rf.fit(X_train, y_train)

preds = rf.predict(X_test)
print("accuracy:", accuracy_score(y_test, preds))
print(classification_report(y_test, preds))
cols = df.iloc[:, 1:].drop("no_show", axis=1).columns
for name, imp in sorted(zip(cols, rf.feature_importances_), key=lambda t: t[1], reverse=True):
    print(f"{name:15s} {imp:.3f}")
