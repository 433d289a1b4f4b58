import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error
from sklearn.tree import DecisionTreeRegressor

movies = pd.read_csv("data/movies.csv", parse_dates=["release_date"])
cast = pd.read_csv("data/cast.csv")
print(movies.shape, cast.shape)

# re-releases show up as a second row with the same title: keep the first run
movies = (
    movies.sort_values("release_date")
    .drop_duplicates(subset=["title"], keep="first")
    .query("revenue > 0")
    .reset_index(drop=True)
)
print("films:", len(movies))

movies["budget"] = movies["budget"].replace(0, np.nan)
print("unknown budget:", movies["budget"].isna().sum())
movies["budget"] = movies["budget"].fillna(movies["budget"].mean())
movies["log_budget"] = np.log(movies["budget"])

movies["year"] = movies["release_date"].dt.year
movies["month"] = movies["release_date"].dt.month
movies["summer"] = movies["month"].isin([5, 6, 7]).astype(int)
movies["holidays"] = movies["month"].isin([11, 12]).astype(int)

genre_list = ["Action", "Adventure", "Comedy", "Drama", "Horror", "Animation", "Sci-Fi", "Romance"]
for g in genre_list:
    movies["is_" + g.lower().replace("-", "")] = movies["genres"].str.contains(g, regex=False).astype(int)
movies["n_genres"] = movies["genres"].str.count(r"\|") + 1

# star power = popularity of the top-billed three
leads = cast[cast["order"] < 3]
star = leads.groupby("movie_id").agg(star_power=("popularity", "mean"), top_star=("popularity", "max")).reset_index()
cast_size = cast.groupby("movie_id").size().reset_index(name="cast_size")
movies = movies.merge(star, on="movie_id", how="left").merge(cast_size, on="movie_id", how="left")
movies[["star_power", "top_star"]] = movies[["star_power", "top_star"]].fillna(0)
movies["cast_size"] = movies["cast_size"].fillna(movies["cast_size"].median())

movies["rating"] = movies["rating"].map({"G": 0, "PG": 1, "PG-13": 2, "R": 3})
movies["major_studio"] = movies["studio"].isin(["Paramount", "Universal", "Warner Bros.", "Disney", "Sony"]).astype(int)

features = (["log_budget", "runtime", "year", "month", "summer", "holidays", "n_genres", "star_power",
             "top_star", "cast_size", "rating", "major_studio"]
            + ["is_" + g.lower().replace("-", "") for g in genre_list])
X = movies[features].to_numpy(dtype=float)
y = np.log1p(movies["revenue"].to_numpy())

# time-based holdout: fit on the older 80%, test on the most recent releases
cut = int(len(movies) * 0.8)
X_train, X_test = X[:cut], X[cut:]
y_train, y_test = y[:cut], y[cut:]
print("train until", movies.loc[cut - 1, "release_date"].date())

tree = DecisionTreeRegressor(max_depth=6, min_samples_leaf=15, random_state=0)
tree.fit(X_train, y_train)
pred = tree.predict(X_test)
print("MAE log revenue:", round(mean_absolute_error(y_test, pred), 3))
print(pd.Series(tree.feature_importances_, index=features).sort_values(ascending=False).head())
