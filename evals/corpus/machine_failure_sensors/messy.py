# Predictive maintenance: from one day's sensor summary, will the machine break down tomorrow?
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def load_readings(path):
    df = pd.read_json(path, lines=True)
    df["ts"] = pd.to_datetime(df["ts"])
    df = df[df["status"] != "calibration"]        # technicians testing, not production
    df["date"] = df["ts"].dt.normalize()
    return df


def daily_summary(readings):
    daily = readings.groupby(["machine_id", "date"]).agg(
        temp_mean=("temp_c", "mean"),
        temp_max=("temp_c", "max"),
        vib_mean=("vibration", "mean"),
        vib_std=("vibration", "std"),
        pressure_min=("pressure", "min"),
        rpm_mean=("rpm", "mean"),
        n_warn=("status", lambda s: (s == "warn").sum()),
        n_readings=("ts", "count"),
    ).reset_index()
    return daily


def add_baseline(daily):
    # compare each day with the machine's own normal level
    base = daily.groupby("machine_id")[["vib_mean", "temp_mean"]].median().add_suffix("_base").reset_index()
    daily = daily.merge(base, on="machine_id", how="left")
    daily["vib_ratio"] = daily["vib_mean"] / daily["vib_mean_base"]
    daily["temp_delta"] = daily["temp_mean"] - daily["temp_mean_base"]
    return daily


readings = load_readings("data/sensor_readings.jsonl")
print(readings.shape, readings["machine_id"].nunique(), "machines")
print(readings.describe())

daily = daily_summary(readings)
daily = add_baseline(daily)

# a single reading gives no std; a day where vibration was never read gets the baseline
daily.loc[daily["vib_std"].isna(), "vib_std"] = 0.0
daily.loc[daily["vib_mean"].isna(), "vib_ratio"] = 1.0
daily.loc[daily["temp_mean"].isna(), "temp_delta"] = 0.0

machines = pd.read_csv("data/machines.csv")
daily = daily.merge(machines, on="machine_id", how="left")
daily["age"] = daily["date"].dt.year - daily["install_year"]
daily["model_code"] = daily["model"].astype("category").cat.codes

# label: a failure logged the next day
failures = pd.read_csv("data/failures.csv", parse_dates=["date"])
failures["date"] = failures["date"] - pd.Timedelta(days=1)
failures["fails_tomorrow"] = 1
daily = daily.merge(failures[["machine_id", "date", "fails_tomorrow"]], on=["machine_id", "date"], how="left")
daily["fails_tomorrow"] = daily["fails_tomorrow"].fillna(0).astype(int)
print(daily["fails_tomorrow"].value_counts())

num_cols = ["vib_ratio", "vib_std", "temp_delta", "temp_max", "pressure_min", "rpm_mean", "n_warn", "age"]
daily[["temp_max", "pressure_min"]] = daily[["temp_max", "pressure_min"]].fillna(daily[["temp_max", "pressure_min"]].mean())
line_onehot = pd.get_dummies(daily["line"], prefix="line").astype(int)

X = np.column_stack([daily[num_cols].to_numpy(), daily["model_code"].to_numpy(), line_onehot.to_numpy()])
y = daily["fails_tomorrow"].to_numpy()
print("X", X.shape, "positives", y.sum())

rf = RandomForestClassifier(n_estimators=200, min_samples_leaf=3, class_weight="balanced",
                            oob_score=True, random_state=0)
rf.fit(X, y)
print("OOB score:", round(rf.oob_score_, 3))
names = num_cols + ["model_code"] + list(line_onehot.columns)
print(sorted(zip(rf.feature_importances_.round(3), names), reverse=True)[:6])
