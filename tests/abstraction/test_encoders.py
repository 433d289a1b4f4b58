"""Lester's encoders: textbook TF-IDF, the ddof=1 scaler, and LabelEncoder's codes per column."""

import math
import pickle

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.preprocessing import LabelEncoder

import lester as lt

DOCS = ["red apple apple", "green apple", "red red pear pear pear"]


def test_weights_are_tf_times_log_n_over_df():
    vec = lt.PlainIdfTfidfVectorizer(norm=None, smooth_idf=False, sublinear_tf=True)
    X = vec.fit_transform(DOCS).toarray()
    vocab = vec.vocabulary_
    assert math.isclose(X[0, vocab["apple"]], (1 + math.log(2)) * math.log(3 / 2))
    assert math.isclose(X[2, vocab["pear"]], (1 + math.log(3)) * math.log(3 / 1))
    assert X[1, vocab["red"]] == 0


def test_a_term_in_every_document_weighs_zero_and_transform_matches_fit_transform():
    vec = lt.PlainIdfTfidfVectorizer(norm=None, smooth_idf=False)
    docs = [d + " common" for d in DOCS]
    X = vec.fit_transform(docs).toarray()
    assert not X[:, vec.vocabulary_["common"]].any()
    assert np.array_equal(vec.transform(docs).toarray(), X)


def test_clones_and_pickles_like_scikit_learns():
    vec = lt.PlainIdfTfidfVectorizer(norm=None, smooth_idf=False)
    assert clone(vec).get_params() == vec.get_params()
    fitted = vec.fit(DOCS)
    again = pickle.loads(pickle.dumps(fitted))
    assert np.array_equal(again.transform(DOCS).toarray(), fitted.transform(DOCS).toarray())


def test_sample_standard_scaler_divides_by_the_ddof_1_standard_deviation():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [4.0, 5.0], [9.0, 5.0]])
    out = lt.SampleStandardScaler().fit_transform(X)
    expected = (X[:, 0] - X[:, 0].mean()) / X[:, 0].std(ddof=1)
    assert np.allclose(out[:, 0], expected, rtol=1e-12)
    assert (out[:, 1] == 0).all()  # a constant column keeps scale 1, as in StandardScaler
    assert clone(lt.SampleStandardScaler(with_mean=False)).get_params()["with_mean"] is False


def test_label_codes_are_label_encoders_with_a_missing_value_coded_last():
    frame = pd.DataFrame({"a": ["b", None, "a", "c", "b"], "n": [3.0, 1.0, np.nan, 3.0, 2.0]})
    out = lt.LabelCodes().fit_transform(frame)
    for index, column in enumerate(frame):
        assert out[:, index].tolist() == LabelEncoder().fit_transform(frame[column]).tolist()
    fitted = pickle.loads(pickle.dumps(lt.LabelCodes().fit(frame[["a"]].dropna())))
    assert fitted.transform(pd.DataFrame({"a": ["c", "a"]})).ravel().tolist() == [2.0, 0.0]
