"""The statements that make the fit's y, followed through shuffles, tuples and the script's own
loader functions (issue 14: the label conversions of decai's and greenhouse's loaders were not
among the label step's lines)."""

from __future__ import annotations

import ast
import textwrap

from lester.agents.label_bindings import y_bindings

LOADER = textwrap.dedent(
    """\
    import numpy as np
    import pandas as pd
    from sklearn.utils import shuffle


    class Batches:
        def load(self):
            frame = pd.read_csv("data/b.csv")
            labels = np.array(frame["ok"], dtype=np.int64)
            rows = np.array(frame[["a", "b"]], dtype=float)
            rows, labels = shuffle(rows, labels, random_state=3)
            cut = int(len(rows) * 0.75)
            return (rows[:cut], labels[:cut]), (rows[cut:], labels[cut:])


    def scores(frame):
        marks = frame["mark"] > 5
        return marks


    (X_train, y_train), (X_test, y_test) = Batches().load()
    model.fit(X_train, y_train)
    flags = scores(pd.read_csv("data/m.csv"))
    other.fit(X_train[: len(flags)], flags)
    """
)


def _shown(fit_text: str) -> list[str]:
    lines = LOADER.splitlines()
    fit = next(n for n, line in enumerate(lines, 1) if fit_text in line)
    return [lines[n - 1].strip() for n in sorted(y_bindings(ast.parse(LOADER), fit))]


def test_a_loaders_returned_labels_are_followed_into_it_through_its_shuffle():
    shown = _shown("model.fit(")
    assert 'labels = np.array(frame["ok"], dtype=np.int64)' in shown
    assert "rows, labels = shuffle(rows, labels, random_state=3)" in shown
    assert "(X_train, y_train), (X_test, y_test) = Batches().load()" in shown
    assert not any(line.startswith("rows = ") for line in shown)  # X's own line is not y's


def test_a_function_returning_one_name_is_followed_and_no_fit_shows_nothing():
    assert _shown("other.fit(") == [
        'marks = frame["mark"] > 5',
        'flags = scores(pd.read_csv("data/m.csv"))',
    ]
    assert y_bindings(ast.parse(LOADER), None) == set()
