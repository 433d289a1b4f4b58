"""Stage lines by reaching definitions (oracle/slicing.py): a rebinding that always runs before the
read kills what came before it, a conditional one does not, a file written and read back ties the
reads to the writes, and X and y built side by side give each its own lines."""

from __future__ import annotations

import ast
import textwrap

from lester.agents.attribution import attributed
from lester.agents.label_bindings import y_bindings
from lester.agents.oracle import slicing


def _tree(source: str) -> ast.Module:
    return ast.parse(textwrap.dedent(source))


def _slice(source: str, name: str, before: int, nested: bool = True) -> set[int]:
    return slicing.backward_slice(_tree(source), {name}, before, nested=nested)


def _stages(source: str, fit: int) -> dict[str, list[int]]:
    return slicing.stage_lines(_tree(source), fit)


def test_a_rebinding_kills_the_definition_before_it():
    source = """\
        a = load("x")
        a = 2
        X = [a]
        """
    assert _slice(source, "X", 4) == {2, 3}
    assert _slice(source, "X", 4, nested=False) == {2, 3}


def test_a_conditional_rebinding_does_not_kill():
    source = """\
        a = load("x")
        if flag:
            a = 2
        X = [a]
        """
    assert _slice(source, "X", 5) == {1, 2, 3, 4}


def test_a_rebinding_in_both_branches_kills():
    source = """\
        a = load("x")
        if flag:
            a = 2
        else:
            a = 3
        X = [a]
        """
    assert _slice(source, "X", 7) == {2, 3, 5, 6}


def test_a_loop_body_rebinding_a_name_before_reading_it_kills_the_one_before_the_loop():
    source = """\
        n = 99
        X = []
        for row in rows:
            n = len(row)
            X.append(n)
        """
    assert _slice(source, "X", 6) == {2, 3, 4, 5}


def test_what_an_iteration_reads_from_the_one_before_is_followed():
    source = """\
        total = 0
        X = []
        for v in values:
            X.append(total)
            total += v
        last = {}
        for k in keys:
            if k in last:
                X.append(last[k])
            last[k] = k
        """
    assert _slice(source, "X", 11) == set(range(1, 11))


def test_a_definition_after_the_loop_body_is_left_reads_the_one_after_a_continue():
    source = """\
        X = []
        for v in values:
            a = 1
            if v:
                continue
            a = 2
        X.append(a)
        """
    assert _slice(source, "X", 8) == {1, 2, 3, 4, 5, 6, 7}


def test_a_file_written_through_a_handle_and_read_back_is_a_dependency():
    source = """\
        rows = load()
        with open("mid.csv", "w") as out:
            for r in rows:
                out.write(f"{r}\\n")
        X = []
        for line in open("mid.csv"):
            X.append(float(line))
        """
    assert _slice(source, "X", 8) == set(range(1, 8))
    assert _slice(source, "X", 8, nested=False) == set(range(1, 8))


def test_a_csv_writer_on_a_handle_writes_its_file_and_paths_compare_normalized():
    source = """\
        import csv
        rows = load()
        f = open("./mid.csv", "w")
        w = csv.writer(f)
        w.writerows(rows)
        f.close()
        X = list(csv.reader(open("mid.csv")))
        """
    assert _slice(source, "X", 8) == {2, 3, 4, 5, 7}


def test_a_frame_written_with_to_csv_and_read_back_is_prepared_data():
    source = """\
        import pandas as pd
        raw = pd.read_csv("data/a.csv")
        raw["z"] = raw.a * 2
        raw.to_csv("clean.csv", index=False)
        other = pd.read_csv("data/a.csv")
        df = pd.read_csv("clean.csv")
        X = df[["z"]].values
        y = df["t"].values
        m.fit(X, y)
        """
    assert _stages(source, 9) == {
        "data_preparation": [2, 3, 4, 6],
        "features": [7],
        "label": [8],
        "model": [9],
    }


def test_same_named_variables_of_a_step_that_writes_a_file_stay_with_that_step():
    source = """\
        with open("feats.csv", "w") as out:
            for r in rows:
                n = len(r)
                share = r.count("a") / max(n, 1)
                out.write(f"{n},{share},{r[0]}\\n")
        X, y = [], []
        for line in open("feats.csv"):
            n, share, label = line.split(",")
            X.append([float(n), float(share)])
            y.append(int(label))
        m.fit(X, y)
        """
    assert _stages(source, 11) == {
        "data_preparation": [1, 2, 3, 4, 5, 6, 7, 8],
        "features": [9],
        "label": [10],
        "model": [11],
    }


def test_x_and_y_built_in_one_loop_and_cut_in_one_statement_get_their_own_lines():
    source = """\
        X, y = [], []
        for r in rows:
            f = r[0] * 2
            X.append([f])
            y.append(r[1])
        n = len(rows) // 2
        X_tr, y_tr = X[:n], y[:n]
        m.fit(X_tr, y_tr)
        """
    assert _stages(source, 8) == {
        "data_preparation": [1, 2, 6, 7],
        "features": [3, 4],
        "label": [5],
        "model": [8],
    }


def test_a_side_encoded_after_the_split_keeps_its_encoder_lines():
    source = """\
        rows = read()
        y, x = zip(*rows)
        y = [v == "spam" for v in y]
        x_tr, x_te, y_tr, y_te = train_test_split(x, y, random_state=0, stratify=y)
        enc = CountVectorizer()
        x_tr = enc.fit_transform(x_tr)
        m.fit(x_tr, y_tr)
        """
    assert _stages(source, 7) == {
        "data_preparation": [1, 2, 4],
        "features": [5, 6],
        "label": [3],
        "model": [7],
    }
    assert slicing.stage_lines(_tree(source), 7, nested=False) == _stages(source, 7)


def test_a_mutated_element_of_a_dict_changes_the_dict():
    source = """\
        recent = {}
        X = []
        for card, t in events:
            q = recent.setdefault(card, [])
            X.append(len(q))
            q.append(t)
        """
    assert _slice(source, "X", 7) == {1, 2, 3, 4, 5, 6}


def test_a_skipped_header_line_belongs_with_the_loop_reading_the_file():
    source = """\
        with open("data/a.csv") as f:
            f.readline()
            X = [line.split(",") for line in f]
        """
    assert _slice(source, "X", 4) == {1, 2, 3}


def test_helpers_and_methods_are_followed_from_the_lines_that_call_them():
    source = textwrap.dedent(
        """\
        def build(rows):
            return [[r[0]] for r in rows]


        class Scale:
            def __init__(self, k):
                self.k = k

            def apply(self, X):
                return [[v * self.k for v in x] for x in X]


        def main():
            rows = load()
            n = 5
            n = len(rows)
            X = Scale(2).apply(build(rows))
            y = [r[1] for r in rows]
            X, y = X[:n], y[:n]
            m = LogisticRegression()
            m.fit(X, y)
        """
    )
    tree = ast.parse(source)
    assert attributed(tree, 21, slicing.stage_lines(tree, 21)) == {
        "data_preparation": [14, 16, 19],
        "features": [1, 2, 6, 7, 9, 10, 17],
        "label": [18],
        "model": [20, 21],
    }


def test_a_fit_in_a_function_takes_each_sides_lines_from_the_callers_argument():
    source = textwrap.dedent(
        """\
        def train(X, y):
            m = LogisticRegression()
            m.fit(X, y)


        rows = load()
        feats = [[r[0]] for r in rows]
        labels = [r[1] for r in rows]
        train(feats, labels)
        """
    )
    tree = ast.parse(source)
    assert attributed(tree, 3, slicing.stage_lines(tree, 3)) == {
        "data_preparation": [6],
        "features": [7],
        "label": [8],
        "model": [2, 3],
    }


def test_a_method_called_in_place_changes_its_frame():
    source = """\
        df = load("x")
        df.dropna(subset=["a"], inplace=True)
        df["b"].fillna(0, inplace=True)
        df.drop(columns=["c"], inplace=False)
        X = df.values
        """
    assert _slice(source, "X", 6) == {1, 2, 3, 5}


def test_a_call_of_the_scripts_function_reads_the_tables_its_body_reads():
    source = """\
        store = load("store")
        store = store.fillna(0)
        unused = load("other")

        def with_store(df):
            return add_more(df.merge(store, on="k"))

        def add_more(df):
            return df.merge(regions, on="r")

        regions = load("regions")
        full = with_store(load("sales"))
        X = full.values
        """
    assert _slice(source, "X", 14) == {1, 2, 11, 12, 13}  # not the unused table


def test_a_conversion_of_y_at_the_fit_keeps_its_lines_in_the_label_stage():
    for fitted in ("y.values", "np.asarray(y)", "y.to_numpy().ravel()", "y[:-1].values"):
        source = f"""\
            t = load()
            y = t["target"] > 0
            X = t[["a"]].values
            m.fit(X, {fitted})
            """
        stages = _stages(source, 4)
        assert stages["label"] == [2], fitted
        assert stages["data_preparation"] == [1]
        popped = source.replace('t["target"] > 0', 't.pop("target")')
        assert y_bindings(_tree(popped), 4) == {2}, fitted  # shown with the label step
    assert slicing.fit_arguments(_tree("m.fit(f(X), y.mean())\n"), 1) == (None, None)
