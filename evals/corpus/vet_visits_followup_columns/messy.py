import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, OrdinalEncoder

visits = pd.read_csv("data/visits.csv")
print(visits.shape)
print(visits.isna().sum())

# a weight of 0 is a typo at the front desk, not a weightless pet
visits.loc[visits["weight_kg"] == 0, "weight_kg"] = np.nan
visits["species"] = visits["species"].str.lower()
visits["age_years"] = visits["age_months"] / 12
visits["fever"] = (visits["temp_c"] > 39.3).astype(int)

NUMERIC = ["age_years", "weight_kg", "temp_c", "heart_rate"]
CATEGORIES = ["species", "reason"]

numeric = Pipeline([
    ("impute", SimpleImputer(strategy="median", add_indicator=True)),
    ("scale", MinMaxScaler(feature_range=(-1, 1))),
])
encode = ColumnTransformer([
    ("numeric", numeric, NUMERIC),
    ("categories", OneHotEncoder(handle_unknown="ignore", min_frequency=40), CATEGORIES),
    ("vaccinated", OrdinalEncoder(categories=[["no", "yes"]]), ["vaccinated"]),
    ("fever", "passthrough", ["fever"]),
])

# every pet the clinics ever saw is known up front, so the encoders see all visits
X_all = encode.fit_transform(visits)
y_all = (visits["follow_up"] == "yes").astype(int).to_numpy()
print("features:", X_all.shape[1])

X_train, X_test, y_train, y_test = train_test_split(
    X_all, y_all, test_size=0.25, random_state=13, stratify=y_all
)

forest = RandomForestClassifier(n_estimators=60, max_depth=6, random_state=0)
forest.fit(X_train, y_train)
print("test accuracy", round(forest.score(X_test, y_test), 3))
names = encode.get_feature_names_out()
ranked = sorted(zip(forest.feature_importances_, names), reverse=True)
print("top features:", [n for _, n in ranked[:5]])
