"""Text encoders for weightings that scikit-learn does not offer but hand-written code often uses."""

from __future__ import annotations

from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer


class PlainIdfTfidfVectorizer(TfidfVectorizer):
    """TF-IDF with the textbook idf, `log(n / df)` (`log((1 + n) / (1 + df))` with `smooth_idf`),
    without the `+ 1` scikit-learn adds, so a term found in every document weighs 0.

    Hand-written TF-IDF loops usually compute this weighting. Every parameter is
    TfidfVectorizer's, so the object clones, pickles and reports its parameters like it.
    """

    def fit(self, raw_documents: Any, y: Any = None) -> PlainIdfTfidfVectorizer:
        super().fit(raw_documents, y)
        if self.use_idf:
            self.idf_ = self.idf_ - 1
        return self

    def fit_transform(self, raw_documents: Any, y: Any = None) -> Any:
        return self.fit(raw_documents, y).transform(raw_documents)
