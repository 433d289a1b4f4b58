# Flight Price Prediction - EDA + Random Forest
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split
from sklearn import metrics

train_data = pd.read_csv("data/Data_Train.csv")
test_data = pd.read_csv("data/Test_set.csv")
pd.set_option('display.max_columns', None)
print(train_data.head())
train_data.info()
print(train_data["Duration"].value_counts().head())

print(train_data.isnull().sum())
train_data.dropna(inplace=True)
train_data.drop_duplicates(keep="first", inplace=True)
print(train_data.shape)

# business class outliers
train_data = train_data[train_data["Price"] < 40000]


def preprocess(df):
    df = df.copy()
    # Date_of_Journey -> day / month (all flights are 2019)
    df["Journey_day"] = pd.to_datetime(df.Date_of_Journey, format="%d/%m/%Y").dt.day
    df["Journey_month"] = pd.to_datetime(df["Date_of_Journey"], format="%d/%m/%Y").dt.month
    df.drop(["Date_of_Journey"], axis=1, inplace=True)

    # Departure time
    df["Dep_hour"] = pd.to_datetime(df["Dep_Time"], format="%H:%M").dt.hour
    df["Dep_min"] = pd.to_datetime(df["Dep_Time"], format="%H:%M").dt.minute
    df.drop(["Dep_Time"], axis=1, inplace=True)

    # Arrival time sometimes carries the arrival date ("01:10 22 Mar")
    df["Arrival_Time"] = df["Arrival_Time"].apply(lambda x: x.split(" ")[0])
    df["Arrival_hour"] = df["Arrival_Time"].str.split(":").str[0].astype(int)
    df["Arrival_min"] = df["Arrival_Time"].str.split(":").str[1].astype(int)
    df.drop(["Arrival_Time"], axis=1, inplace=True)

    # Duration "2h 50m" / "19h"
    df["Duration_hours"] = df["Duration"].str.extract(r"(\d+)h", expand=False).fillna(0).astype(int)
    df["Duration_mins"] = df["Duration"].str.extract(r"(\d+)m", expand=False).fillna(0).astype(int)
    df["Duration_total"] = df["Duration_hours"] * 60 + df["Duration_mins"]

    df["Total_Stops"] = df["Total_Stops"].map({"non-stop": 0, "1 stop": 1, "2 stops": 2, "3 stops": 3, "4 stops": 4})
    df["Destination"] = df["Destination"].replace("New Delhi", "Delhi")

    df["Additional_Info"] = df["Additional_Info"].str.lower()
    df["No_meal"] = np.where(df["Additional_Info"] == "in-flight meal not included", 1, 0)
    df["No_baggage"] = np.where(df["Additional_Info"] == "no check-in baggage included", 1, 0)

    # Route and Total_Stops carry the same information
    df.drop(["Route", "Additional_Info", "Duration"], axis=1, inplace=True)
    return df


train_df = preprocess(train_data)
test_df = preprocess(test_data)

Airline = pd.get_dummies(train_df[["Airline"]], drop_first=True, dtype=int)
Source = pd.get_dummies(train_df[["Source"]], drop_first=True, dtype=int)
Destination = pd.get_dummies(train_df[["Destination"]], drop_first=True, dtype=int)
data_train = pd.concat([train_df, Airline, Source, Destination], axis=1)
data_train.drop(["Airline", "Source", "Destination"], axis=1, inplace=True)
print(data_train.head())

test_dummies = pd.get_dummies(test_df[["Airline", "Source", "Destination"]], drop_first=True, dtype=int)
data_test = pd.concat([test_df, test_dummies], axis=1).drop(["Airline", "Source", "Destination"], axis=1)

features = [c for c in data_train.columns if c != "Price"]
print(len(features), features)
X = data_train.loc[:, features].values
y = data_train["Price"].values

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

reg_rf = RandomForestRegressor(n_estimators=100, random_state=42)
reg_rf.fit(X_train, y_train)

y_pred = reg_rf.predict(X_test)
print("R2 train:", reg_rf.score(X_train, y_train))
print("R2 test:", reg_rf.score(X_test, y_test))
print("MAE:", metrics.mean_absolute_error(y_test, y_pred))
print("RMSE:", np.sqrt(metrics.mean_squared_error(y_test, y_pred)))

test_pred = reg_rf.predict(data_test[features].values)
pd.DataFrame({"Price": test_pred.round(2)}).to_csv("submission.csv", index=False)
