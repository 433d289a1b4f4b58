import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

BLOCKBUSTER_THEMES = ["Dinosaurs", "Ancient Egypt", "Space"]


class VisitorForecaster:
    def __init__(self, path, seed=0):
        self.path = path
        self.seed = seed
        self.scaler = StandardScaler()
        self.model = GradientBoostingRegressor(n_estimators=150, max_depth=3, random_state=seed)

    def load(self):
        self.df = pd.read_csv(self.path)
        print("loaded", self.df.shape)

    def preprocess(self):
        df = self.df
        df["gallery"] = df["gallery"].str.strip().str.title()
        df["price"] = df["ticket_price"].str.replace(r"[^0-9.]", "", regex=True)
        df["price"] = pd.to_numeric(df["price"], errors="coerce").fillna(0.0)
        df["area"] = df["floor_area"].str.replace(r"[,\s]|sqm", "", regex=True).astype(float)
        df["press_mentions"] = df["press_mentions"].fillna(0)
        df["school"] = (df["school_program"] == "yes").astype(int)
        df["theme"] = df["curator_note"].str.split(" - ").str[0]
        df["blockbuster"] = df["theme"].isin(BLOCKBUSTER_THEMES).astype(int)
        df["east"] = (df["gallery"] == "East Wing").astype(int)
        df["sqrt_press"] = np.sqrt(df["press_mentions"])
        self.features = ["area", "price", "duration_days", "school", "sqrt_press", "blockbuster", "east"]
        X = df[self.features].values
        # scale everything up front
        X = self.scaler.fit_transform(X)
        y = df["visitors"].values
        return X, y

    def train(self, X, y):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=self.seed)
        self.model.fit(X_tr, y_tr)
        print("R2 test:", round(r2_score(y_te, self.model.predict(X_te)), 3))
        return self.model


forecaster = VisitorForecaster("data/exhibitions.csv", seed=4)
forecaster.load()
X, y = forecaster.preprocess()
model = forecaster.train(X, y)
print(dict(zip(forecaster.features, model.feature_importances_.round(3))))
