# Which parcels will arrive late? The shipments sheet was exported with its header as the
# first data line and the sheet's row numbers as the first column.
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

np.random.seed(7)

sheet = pd.read_csv("data/shipments_export.csv", header=None)

# first line = column names, first column = row numbers from the sheet
shipments = pd.DataFrame(sheet.iloc[1:, 1:])
shipments.index = sheet.iloc[1:, 0]
shipments.columns = sheet.iloc[0, 1:]
print(shipments.shape)

# the weekend flag was filled in by hand and is unreliable
shipments = shipments.drop("weekend", axis=1)

# hold out a quarter of the parcels, picked at random one by one
pool = np.asarray(shipments)
n_holdout = len(pool) // 4
holdout = []
for i in range(n_holdout):
    pick = np.random.randint(len(pool))
    holdout.append(pool[pick])
    pool = np.delete(pool, pick, 0)
holdout = np.array(holdout)

train = pd.DataFrame(pool, columns=shipments.columns)
test = pd.DataFrame(holdout, columns=shipments.columns)

X_train = train.drop("late", axis=1).astype(float)
y_train = train["late"].astype(int)

clf = LogisticRegression(max_iter=1000)
clf.fit(X_train, y_train)

X_test = test.drop("late", axis=1).astype(float)
y_test = test["late"].astype(int)
print("holdout accuracy:", clf.score(X_test, y_test))
