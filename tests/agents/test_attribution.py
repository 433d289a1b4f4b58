"""Stage attribution followed into the script's functions and methods (issue 14): a script that
works in `main()`, class methods and helpers gives each step its own lines, and the preparation
names the columns later prompts carry when no feature or label line is known."""

from __future__ import annotations

import ast
import textwrap
from types import SimpleNamespace

from lester.agents.attribution import attributed, with_trace
from lester.agents.oracle import slicing
from lester.agents.requests import FEATURES_LINE, LABEL_LINE, columns_read, stated_columns
from lester.agents.step_lines import in_classes, own_lines, shown_whole, split_note, step_lines

IN_FUNCTIONS = textwrap.dedent(
    """\
    import pandas as pd
    from sklearn.tree import DecisionTreeClassifier

    LIMIT = 3


    def read(path):
        table = pd.read_csv(path)
        return table[table.weight > 0]


    class Shape:
        def __init__(self, cols):
            self.cols = cols

        def matrix(self, table):
            def ratio(t):
                return t["w"] / t["h"]

            out = table[self.cols].copy()
            out["ratio"] = ratio(out)
            return out


    def target(table):
        return (table["kind"] == "big").astype(int)


    def main():
        table = read("data/parts.csv")
        shape = Shape(["w", "h"])
        X = shape.matrix(table)
        y = target(table)
        tree = DecisionTreeClassifier(max_depth=LIMIT)
        tree.fit(X, y)


    if __name__ == "__main__":
        main()
    """
)


def _lines(source: str, text: str) -> set[int]:
    """The numbers of the lines holding `text`."""
    return {n for n, line in enumerate(source.splitlines(), 1) if text in line}


def _stages(source: str) -> dict[str, list[int]]:
    tree = ast.parse(source)
    fit = min(_lines(source, ".fit("))
    return attributed(tree, fit, slicing.stage_lines(tree, fit))


def test_work_in_main_methods_and_nested_helpers_is_attributed_to_the_stages_it_feeds():
    stages = _stages(IN_FUNCTIONS)
    source = IN_FUNCTIONS
    prepare, features, label = (set(stages[s]) for s in ("data_preparation", "features", "label"))
    assert _lines(source, "pd.read_csv") | _lines(source, "table.weight > 0") <= prepare
    assert _lines(source, 'out["ratio"]') | _lines(source, 'return t["w"]') <= features
    assert _lines(source, "self.cols = cols") <= features
    assert _lines(source, '(table["kind"] == "big")') <= label
    assert not (features & label) and not (prepare & (features | label))
    assert _lines(source, "max_depth=LIMIT") <= set(stages["model"])


def test_a_helper_that_feeds_both_sides_is_preparation():
    source = textwrap.dedent(
        """\
        import pandas as pd
        from sklearn.linear_model import LinearRegression


        def clean(t):
            return t.dropna()


        for season in [1, 2]:
            t = clean(pd.read_csv("data/s.csv"))
            X = t[["a"]]
            y = t["b"]
            LinearRegression().fit(X, y)
        """
    )
    stages = _stages(source)
    assert _lines(source, "return t.dropna()") <= set(stages["data_preparation"])
    assert _lines(source, 'X = t[["a"]]') <= set(stages["features"])
    assert _lines(source, 'y = t["b"]') <= set(stages["label"])


def test_a_top_level_script_without_helpers_keeps_the_analysis_lines():
    source = "import x\nX = x.a()\ny = x.b()\nm.fit(X, y)\n"
    tree = ast.parse(source)
    assert attributed(tree, 4, slicing.stage_lines(tree, 4)) == slicing.stage_lines(tree, 4)


def test_without_feature_or_label_lines_the_preparation_states_the_columns_in_a_fixed_form():
    class Unattributed:
        stages: dict = {"data_preparation": [2], "features": [], "label": []}
        model = None
        dataflow = None

    text = " ".join(columns_read(Unattributed(), None, ast.parse("X, y = f()\n")).split())
    assert "attributed no feature or label lines" in text
    assert "a slot of an array it fills by position" in text  # round 28, iotdb with the lifter
    # round 39's iotdb notes: a copied slot keeps its column's name, and extra columns may stay
    assert (
        "a slot that copies a column's value (`x[0] = age`) is that column under its own name"
        in text
    )
    assert "Other columns may stay in the prepared frame beside these" in text
    # round 43's iotdb note: whether the encode step would scale the prepared columns again
    assert "a column it states as scaled here is passed through, not scaled again" in text
    assert (
        f"`{FEATURES_LINE} <column names in full, comma-separated>` and `{LABEL_LINE} <columns>`"
        in text
    )
    prepare = textwrap.dedent(
        '''\
        @lt.prepare
        def prepared(parts):
            """Rows per part.

            features: w, h, ratio
            label: kind
            ratio stands for the original's overwritten h/w.
            """
            return parts
        '''
    )
    assert stated_columns(prepare) == (
        "Rows per part.\n\nfeatures: w, h, ratio\nlabel: kind\n"
        "ratio stands for the original's overwritten h/w."
    )
    assert (
        stated_columns(prepare.replace("features: w, h, ratio\n", "").replace("label", "y")) == ""
    )
    assert stated_columns("def broken(:") == ""


def test_a_fit_on_parameters_is_traced_to_the_callers_arguments():
    source = textwrap.dedent(
        """\
        import numpy as np
        from sklearn.svm import SVC


        def build():
            table = np.loadtxt("data/t.csv", delimiter=",")
            return table[:, :2], table[:, 2]


        def widen(xs):
            return np.hstack([xs, xs ** 2])


        def validate(x, y, model):
            for fold in range(2):
                part_x = x[fold::2]
                part_y = y[fold::2]
                model.fit(part_x, part_y)


        if __name__ == "__main__":
            xs, ys = build()
            wide = widen(xs)
            labels = ys > 0
            svc = SVC(C=2.0)
            validate(wide, labels, model=svc)
        """
    )
    stages = _stages(source)
    assert _lines(source, "xs, ys = build()") <= set(stages["data_preparation"])
    assert _lines(source, "np.loadtxt") <= set(stages["data_preparation"])
    assert _lines(source, "wide = widen(xs)") | _lines(source, "xs ** 2") <= set(stages["features"])
    assert _lines(source, "labels = ys > 0") <= set(stages["label"])
    assert _lines(source, "part_x = x[fold::2]") <= set(stages["features"])
    assert _lines(source, "part_y = y[fold::2]") <= set(stages["label"])
    # the estimator passed in (by keyword here) is built by the model's lines
    assert _lines(source, "svc = SVC(C=2.0)") <= set(stages["model"])
    assert not _lines(source, "svc = SVC(C=2.0)") & set(stages["data_preparation"])


def test_the_sources_step_shows_its_reads_at_the_top_and_inside_a_method():
    source = textwrap.dedent(
        """\
        import pandas as pd
        LIMIT = 3
        df = pd.read_csv(
            "data.csv"
        )


        class Loader:
            def load(self):
                for part in ["a.csv"]:
                    frame = pd.read_csv(part)
                return frame
        """
    )
    tree = ast.parse(source)
    analysis = SimpleNamespace(sources=[SimpleNamespace(line=3), SimpleNamespace(line=11)])
    assert step_lines(source, tree, analysis, "sources") == [3, 4, 5, 11]
    looped = "rows = []\nfor line in open('a.jsonl'):\n    rows.append(json.loads(line))\n"
    read_at = SimpleNamespace(sources=[SimpleNamespace(line=2)])
    assert step_lines(looped, ast.parse(looped), read_at, "sources") == [2]
    # the read is a data statement, no definition: it stays a line; the class is shown whole
    assert own_lines(source, tree, [3, 4, 5, 11], set()) == [3, 4, 5]


def test_a_literal_stored_into_a_frame_is_a_step_line_not_a_constant():
    source = 'import pandas as pd\nCAP = 3\njobs = pd.read_csv("a.csv")\njobs.loc[jobs["n"] > CAP, "kind"] = "other"\n'
    tree = ast.parse(source)
    assert own_lines(source, tree, [2, 3, 4], set()) == [3, 4]  # CAP is shown as a definition


def test_an_abstract_method_is_not_followed_at_a_call_by_its_name():
    source = textwrap.dedent(
        """\
        import pandas as pd
        from sklearn.linear_model import LogisticRegression


        class Loader:
            def load(self):
                pass

            def scale(self):
                raise NotImplementedError()


        class Titanic(Loader):
            def load(self):
                return pd.read_csv("train.csv")


        data = Titanic().load()
        X, y = data[["a"]], data["b"]
        LogisticRegression().fit(X, y)
        """
    )
    from lester.agents.attribution import script_functions

    found = script_functions(ast.parse(source))
    assert [f.lineno for f in found[(True, "load")]] == [max(_lines(source, "def load"))]
    assert (True, "scale") not in found  # raises NotImplementedError: a subclass's to write


TRAINER_CLASS = textwrap.dedent(
    """\
    import pandas as pd
    from sklearn.linear_model import Ridge


    class Trainer:
        def __init__(self, path):
            self.path = path
            self.model = Ridge(alpha=2.0)

        def load(self):
            self.table = pd.read_csv(self.path)

        def matrices(self):
            table = self.table
            table["area"] = table["w"] * table["h"]
            X = table[["area"]].values
            y = table["price"].values
            return X, y

        def train(self, X, y):
            self.model.fit(X[:8], y[:8])


    trainer = Trainer("data/lots.csv")
    trainer.load()
    X, y = trainer.matrices()
    trainer.train(X, y)
    """
)


def test_a_method_fitting_an_attribute_takes_its_callers_arguments_and_its_built_model():
    source = TRAINER_CLASS
    stages = _stages(source)
    assert _lines(source, "X, y = trainer.matrices()") <= set(stages["data_preparation"])
    assert _lines(source, 'table["area"] =') <= set(stages["data_preparation"])
    assert _lines(source, "self.model = Ridge(alpha=2.0)") <= set(stages["model"])
    assert not _lines(source, "self.model = Ridge") & set(stages["data_preparation"])
    assert not _lines(source, "class Trainer") & set().union(*map(set, stages.values()))


def _node(i: int, op: str, line: int, inputs: list[int], **fields) -> dict:
    return {"id": i, "op": op, "line": line, "inputs": inputs, **fields}


def test_the_trace_gives_each_side_the_lines_its_values_came_from():
    """The slice gave the whole method to the preparation (its tuple feeds both sides); the
    trace tells the feature and label lines apart, and the split's parts each come from their
    own array."""
    source = TRAINER_CLASS
    line = {text: min(_lines(source, text)) for text in ("read_csv", '["area"]', "X = ", "y = ")}
    nodes = [
        _node(0, "pd.read_csv", line["read_csv"], []),
        _node(1, "DataFrame.__setitem__", line['["area"]'], [0]),
        _node(2, "DataFrame.values", line["X = "], [1]),
        _node(3, "Series.values", line["y = "], [1]),
        _node(4, "sklearn.train_test_split", 30, [2, 3], args=[{"ref": 2}, {"ref": 3}]),
        _node(5, "part", 30, [4], index=0),
        _node(6, "part", 30, [4], index=2),
    ]
    tree = ast.parse(source)
    fit = min(_lines(source, ".fit("))
    static = attributed(tree, fit, slicing.stage_lines(tree, fit))
    traced = with_trace(static, {"nodes": nodes, "X": 5, "y": 6}, fit)
    assert {line["X = "]} <= set(traced["features"]) and {line["y = "]} <= set(traced["label"])
    assert {line["read_csv"], line['["area"]'], 30} <= set(traced["data_preparation"])
    assert not {line["X = "], line["y = "]} & set(traced["data_preparation"])
    # X made by a hand loop: a line behind y alone may still feed X, so the slice's stage stays
    nodes[5] = _node(5, "opaque", 30, [])
    traced = with_trace(static, {"nodes": nodes, "X": 5, "y": 6}, fit)
    assert line["y = "] in traced["data_preparation"] and not traced["label"]
    assert with_trace(static, None, fit) == static


def test_a_step_whose_lines_are_in_a_class_shown_whole_names_them():
    source = TRAINER_CLASS
    tree, fit = ast.parse(source), min(_lines(source, ".fit("))
    x_line = min(_lines(source, "X = table"))
    nodes = [_node(0, "pd.read_csv", 11, []), _node(1, "DataFrame.values", x_line, [0])]
    nodes.append(_node(2, "Series.values", x_line + 1, [0]))
    analysis = SimpleNamespace(
        model=SimpleNamespace(line=fit),
        stages=slicing.stage_lines(tree, fit),
        dataflow={"nodes": nodes, "X": 1, "y": 2},
        split=None,
    )
    original = SimpleNamespace(where_lines=lambda lines: f"lines {lines}")
    lines = step_lines(source, tree, analysis, "encode")
    assert lines == [] and shown_whole(tree, analysis, "encode", lines) == {"Trainer"}
    assert in_classes(original, analysis, tree, "encode", lines) == (
        f"\n# lines [{x_line}] inside the class Trainer, shown whole among the definitions"
    )


SPLIT_AT_THE_END = textwrap.dedent(
    """\
    import pandas as pd
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split

    df = pd.read_csv("data/trips.csv")
    df = df[df.fare > 2.5]
    X = df[["km", "hour"]]
    y = df["fare"]
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=42
    )
    LinearRegression().fit(X_train, y_train)
    """
)


def test_the_statement_a_split_replays_is_the_encode_steps_alone():
    """Round 30's taxi and museum notes: the slice gave `train_test_split(X, y)` to the
    preparation and the label, whose prompts then said the split was another step's."""
    source, tree = SPLIT_AT_THE_END, ast.parse(SPLIT_AT_THE_END)
    fit = min(_lines(source, ".fit("))
    split_at = min(_lines(source, "train_test_split("))
    analysis = SimpleNamespace(
        model=SimpleNamespace(line=fit),
        stages=slicing.stage_lines(tree, fit),
        dataflow=None,
        split={"line": split_at, "function": "random_split"},
    )
    statement = {split_at, split_at + 1, split_at + 2}
    for step in ("prepare", "label_model"):
        assert not statement & set(step_lines(source, tree, analysis, step)), step
    assert statement <= set(step_lines(source, tree, analysis, "encode"))
    original = SimpleNamespace(where_lines=lambda lines: f"lines {lines[0]}-{lines[-1]}")
    note = "\n# lines 9-11: the split, which this step's `@lt.split` replays"
    assert split_note(original, analysis, tree, "encode") == note
    left = "\n# lines 9-11, the split, left out: the encode step's `@lt.split` replays it"
    assert split_note(original, analysis, tree, "prepare") == left
    assert split_note(original, analysis, tree, "sources") == ""
    analysis.split = {"line": split_at, "function": None}  # the preparation draws the rows
    assert not statement & set(step_lines(source, tree, analysis, "encode"))


def test_the_stated_columns_are_the_docstring_as_its_author_wrote_it():
    """Round 40's notes: a `'\\t'` in a plain docstring reached the later prompts as a real tab
    and a line break, garbling what the preparation said."""
    prepare = textwrap.dedent(
        '''\
        @lt.prepare
        def prepared(parts):
            """Rows of the file split on '\\t'; lines end with '\\n'.

            features: a, b
            label: y
            """
            return parts
        '''
    )
    stated = stated_columns(prepare)
    assert "split on '\\t'; lines end with '\\n'." in stated
    assert stated.splitlines()[-1] == f"{LABEL_LINE} y" and "\t" not in stated
