import numpy as np # linear algebra
import pandas as pd # data processing, CSV file I/O (e.g. pd.read_csv)
from sklearn.preprocessing import LabelEncoder
from sklearn.model_selection import train_test_split
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score, roc_auc_score

ks = pd.read_csv("data/ks-projects-201801.csv")
print(ks.shape)
print(ks.head(10))
ks.info()
print(ks.describe())
print(ks.isnull().sum())

print(ks['state'].value_counts())
# only keep finished projects
ks = ks.query('state == "successful" or state == "failed"')
ks = ks.drop_duplicates(subset=['ID'], keep='first')
ks['outcome'] = (ks['state'] == 'successful').astype(int)
print(ks['outcome'].mean())

# dates
ks['launched'] = pd.to_datetime(ks['launched'])
ks['deadline'] = pd.to_datetime(ks['deadline'])
ks['duration'] = (ks['deadline'] - ks['launched']).dt.days
ks['launch_year'] = ks['launched'].dt.year
ks['launch_month'] = ks['launched'].dt.month
ks['launch_weekday'] = ks['launched'].dt.weekday
ks['launch_hour'] = ks['launched'].dt.hour
ks['launch_quarter'] = ks['launched'].dt.quarter

# name features
ks['name'] = ks['name'].fillna('')
ks['name_len'] = ks['name'].apply(len)
ks['name_words'] = ks['name'].apply(lambda x: len(str(x).split(' ')))
ks['name_exclaim'] = ks['name'].str.contains('!', regex=False).astype(int)
ks['name_question'] = ks['name'].str.contains(r'\?').astype(int)
ks['name_upper_words'] = ks['name'].apply(lambda x: sum(1 for w in x.split() if w.isupper()))

# clean main_category
print(ks['main_category'].unique())
ks['main_category'] = ks['main_category'].str.strip().str.title()
ks['country'] = ks['country'].fillna(ks['country'].mode()[0])

# goal
ks['log_goal'] = np.log1p(ks['usd_goal_real'])
ks['goal_range'] = pd.cut(ks['usd_goal_real'], bins=[0, 1000, 5000, 10000, 50000, 100000, np.inf],
                          labels=[0, 1, 2, 3, 4, 5]).astype(int)
ks['goal_per_day'] = ks['usd_goal_real'] / ks['duration']

# median goal per category, merged back
cat_goal = ks.groupby('category')['usd_goal_real'].median().reset_index()
cat_goal.columns = ['category', 'cat_median_goal']
ks = ks.merge(cat_goal, on='category', how='left')
ks['goal_vs_category'] = ks['usd_goal_real'] / ks['cat_median_goal']
ks['projects_in_main_cat'] = ks.groupby('main_category')['ID'].transform('count')

# group small categories
cat_counts = ks['category'].value_counts()
ks['category'] = ks['category'].apply(lambda c: c if cat_counts[c] >= 10 else 'Other')
print(ks['category'].nunique())

ks = ks.drop(columns=['pledged', 'usd pledged', 'usd_pledged_real', 'backers', 'goal', 'state'])

cat_cols = ['category', 'main_category', 'currency', 'country']
for col in cat_cols:
    le = LabelEncoder()
    ks[col] = le.fit_transform(ks[col])

features = ['category', 'main_category', 'currency', 'country', 'duration', 'launch_year', 'launch_month',
            'launch_weekday', 'launch_hour', 'launch_quarter', 'name_len', 'name_words', 'name_exclaim',
            'name_question', 'name_upper_words', 'log_goal', 'goal_range', 'goal_per_day', 'goal_vs_category',
            'projects_in_main_cat']
X = ks[features].values
y = ks['outcome'].values
print(X.shape, y.shape)

X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.25, random_state=2018, stratify=y)

gbm = GradientBoostingClassifier(n_estimators=150, learning_rate=0.1, max_depth=4, random_state=2018)
gbm.fit(X_train, y_train)
pred = gbm.predict(X_valid)
print('Accuracy:', accuracy_score(y_valid, pred))
print('AUC:', roc_auc_score(y_valid, gbm.predict_proba(X_valid)[:, 1]))
imp = pd.Series(gbm.feature_importances_, index=features).sort_values(ascending=False)
print(imp.head(10))
