import pandas as pd
from sklearn.feature_selection import SelectKBest, VarianceThreshold, f_regression
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

readings = pd.read_csv("data/readings.csv", parse_dates=["date"])
print(readings.shape)
print(readings.isna().mean())

# sensor outages
readings = readings.dropna(subset=["irradiance"])
readings["month"] = readings["date"].dt.month
readings["summer"] = readings["month"].isin([5, 6, 7, 8]).astype(int)

num_cols = ["panel_kw", "tilt_deg", "azimuth_dev", "irradiance", "cloud_cover", "temp_c", "humidity",
            "wind_ms", "dust_index", "firmware", "summer"]
X = readings[num_cols]
y = readings["output_kwh"]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=17)

pipe = Pipeline([
    ("drop_constant", VarianceThreshold()),
    ("scale", StandardScaler()),
    ("poly", PolynomialFeatures(degree=2, include_bias=False)),
    ("select", SelectKBest(score_func=f_regression, k=15)),
    ("ridge", Ridge(alpha=3.0)),
])
pipe.fit(X_train, y_train)

pred = pipe.predict(X_test)
print("R2", r2_score(y_test, pred))
print("MAE", mean_absolute_error(y_test, pred))

names = pipe.named_steps["poly"].get_feature_names_out(pipe.named_steps["drop_constant"].get_feature_names_out())
kept = names[pipe.named_steps["select"].get_support()]
print("kept features:", list(kept))
