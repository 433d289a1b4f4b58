"""Encoders that hand-written feature code often amounts to but scikit-learn does not offer.

Each subclasses the scikit-learn encoder it varies and changes only what it learns in `fit`, so it
clones, pickles and reports its parameters like the original.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import LabelEncoder, OrdinalEncoder, StandardScaler


class SampleStandardScaler(StandardScaler):
    """Standardization by the sample standard deviation (ddof=1), as `(df - df.mean()) / df.std()`
    in pandas computes; scikit-learn's StandardScaler divides by the population one (ddof=0).
    `var_` stays the population variance; `scale_` is the sample standard deviation (a constant
    column keeps scale 1, as in StandardScaler)."""

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> SampleStandardScaler:
        super().fit(X, y, sample_weight)
        if self.with_std:
            n = np.asarray(self.n_samples_seen_, dtype=np.float64)
            factor = np.sqrt(n / np.maximum(n - 1, 1))
            self.scale_ = np.where(self.var_ > 0, self.scale_ * factor, self.scale_)
        return self


class LabelCodes(OrdinalEncoder):
    """`LabelEncoder`'s codes, column by column: the positions of the sorted distinct values,
    a missing value coded as one more value sorted last. `LabelEncoder` cannot sit in a
    ColumnTransformer (it takes no X), and OrdinalEncoder, whose codes are otherwise the same,
    leaves a missing value missing."""

    def transform(self, X: Any) -> np.ndarray:
        codes = super().transform(X)
        for index, categories in enumerate(self.categories_):
            if len(categories) and pd.isna(categories[-1]):
                column = codes[:, index]
                column[np.isnan(column)] = len(categories) - 1
        return codes


def label_codes(values: Any) -> np.ndarray:
    """`LabelEncoder().fit_transform(values)`: the positions of the sorted distinct values, a
    missing value coded last. It is the form of a column function for a script's
    `df[c] = le.fit_transform(<an expression of df[c]>)`, whose codes the encoder cannot give
    (`LabelCodes` takes the column as it stands): `project(c, c, lambda s:
    lt.label_codes(s.astype(str)), rowwise=False)`, whole-column since the codes depend on
    every value of the column."""
    return LabelEncoder().fit_transform(values)


class PlainIdfTfidfVectorizer(TfidfVectorizer):
    """TF-IDF with the textbook idf, `log(n / df)` (`log((1 + n) / (1 + df))` with `smooth_idf`),
    without the `+ 1` scikit-learn adds, so a term found in every document weighs 0.

    Hand-written TF-IDF loops usually compute this weighting.
    """

    def fit(self, raw_documents: Any, y: Any = None) -> PlainIdfTfidfVectorizer:
        super().fit(raw_documents, y)
        if self.use_idf:
            self.idf_ = self.idf_ - 1
        return self

    def fit_transform(self, raw_documents: Any, y: Any = None) -> Any:
        return self.fit(raw_documents, y).transform(raw_documents)
