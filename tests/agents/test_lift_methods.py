"""What a script runs: the main guard opened, methods of script classes inlined at their calls,
and the row loops inside them lifted like top-level ones."""

from __future__ import annotations

import ast
import textwrap

import pytest
from lester.agents.lifter.prepare import Unsupported, lift_prepare
from lester.agents.lifter.proposer import _function_around
from lester.agents.oracle import slicing
from lester.agents.oracle.methods import script_body

from .test_lift_prepare import lift, source, steps


def body(code: str) -> tuple[str, list[str]]:
    tree, notes = script_body(ast.parse(textwrap.dedent(code)))
    return ast.unparse(tree), notes


def test_main_guard_body_is_the_script_and_other_ifs_stay():
    code, notes = body(
        """
        import sys
        if len(sys.argv) > 3:
            x = 1
        if __name__ == "__main__":
            rows = [1, 2]
        else:
            rows = []
        """
    )
    assert "if __name__" not in code and "rows = [1, 2]" in code and "rows = []" not in code
    assert "if len(sys.argv) > 3:" in code
    assert notes == ["line 5: the main guard's body is the script (main guard)"]


def test_dataclass_method_inlined_with_fields_defaults_and_tuple_return_distributed():
    code, notes = body(
        """
        from dataclasses import dataclass, field
        @dataclass
        class Loader:
            path: str
            seed: int = field(default=7, init=False)
            def load(self, limit=None):
                rows = read(self.path)
                if limit is not None:
                    rows = rows[:limit]
                rows = self.clean(rows)
                return rows, self.seed
            def clean(self, rows):
                return [r for r in rows if r]
        rows = []
        loader = Loader(make_path("a.csv"))
        data, seed = loader.load()
        """
    )
    assert "loader_arg = make_path('a.csv')\nloader = Loader(loader_arg)" in code
    assert "rows_2 = read(loader_arg)" in code
    assert "limit" not in code.split("class Loader")[0] + code.split("return (rows, self.seed)")[-1]
    assert "clean_result = [r for r in rows_2 if r]\nrows_2 = clean_result" in code
    assert "data = rows_2\nseed = 7" in code
    assert notes[-1] == "line 17: loader.load() inlined (method of a script class)"


def test_nested_helper_keeps_its_own_scope_and_sees_the_renamed_locals():
    code, _ = body(
        """
        class Prep:
            def __init__(self, scale):
                self.scale = scale
            def run(self, frame):
                factor = 2
                def helper(row):
                    row = row * factor
                    return row
                out = [helper(row) for row in frame]
                return out
        row = 0
        factor = 5
        p = Prep(3)
        xs = p.run(frame)
        """
    )
    assert "def helper(row):\n    row = row * factor_2\n    return row" in code
    assert "factor_2 = 2" in code and "out = [helper(row_2) for row_2 in frame]" in code
    assert "xs = out" in code


def test_instances_used_otherwise_and_methods_touching_self_are_left_alone():
    code, notes = body(
        """
        class A:
            def __init__(self, n):
                self.n = n
            def grow(self):
                self.n = self.n + 1
                return self.n
            def get(self):
                return self.n
        a = A(1)
        b = A(2)
        print(b)
        x = a.grow()
        y = b.get()
        """
    )
    assert notes == [] and "x = a.grow()" in code and "y = b.get()" in code


def test_a_class_statement_writes_only_its_name_in_the_slice():
    tree = ast.parse(
        textwrap.dedent(
            """
            class Unused:
                def m(self):
                    X = 1
                    return X
            X = [[1.0], [2.0]]
            y = [0, 1]
            model.fit(X, y)
            """
        )
    )
    assert slicing.stage_lines(tree, 8)["data_preparation"] == []
    assert slicing.stage_lines(tree, 8)["features"] == [6]


def test_loader_class_with_iterrows_helpers_and_label_column_lifts():
    plan = lift(
        """
        import numpy as np
        import pandas as pd
        import os
        class Loader:
            folder = "data"
            def features(self, data):
                def size_band(row):
                    return 0 if row["rooms"] < 3 else 1
                out = []
                for _, row in data.iterrows():
                    out.append([row["area"], size_band(row)])
                return out
            def load(self):
                frame = pd.read_csv(os.path.join(self.folder, "flats.csv"))
                y = np.array(frame["price"])
                X = np.array(self.features(frame))
                return X, y
        if __name__ == "__main__":
            X, y = Loader().load()
        """,
        source("data/flats.csv", ["area", "rooms", "price"]),
    )
    code = steps(plan)
    assert "project('size_band', ['rooms'], lambda rooms: size_band({'rooms': rooms}))" in code
    assert plan.columns == ["area", "size_band", "price"]
    assert any("size_band" in h for h in plan.helpers)


def test_label_column_does_not_ride_along_when_the_loop_drops_rows():
    plan = lift(
        """
        import numpy as np
        import pandas as pd
        frame = pd.read_csv("data/flats.csv")
        y = np.array(frame["price"])
        out = []
        for _, row in frame.iterrows():
            if row["rooms"] > 1:
                out.append([row["area"]])
        """,
        source("data/flats.csv", ["area", "rooms", "price"]),
    )
    assert "price" not in plan.columns


def test_rows_read_in_a_with_block_keep_their_fields_for_the_features_and_the_label():
    code = textwrap.dedent(
        """
        import csv
        with open("data/s.csv") as fh:
            reader = csv.reader(fh)
            next(reader)
            rows = [r for r in reader]
            feats = [r[1:-1] for r in rows]
            grades = [r[-1].split("/")[1] for r in rows]
        """
    ).strip()
    plan = lift_prepare(  # lines 6 and 7 feed only X and only y: features and label
        code + "\n",
        [source("data/s.csv", ["id", "a", "b", "code"], idiom="csv.reader")],
        list(range(1, 8)),
        [6, 7],
    )
    assert plan.columns == ["id", "a", "b", "code", "grades"]
    assert "lambda code: code.split('/')[1]" in steps(plan)


def test_a_row_slice_is_collected_field_by_field():
    plan = lift(
        """
        import csv
        out = []
        with open("data/s.csv") as fh:
            for r in csv.reader(fh):
                out.append(r[1:3])
        """,
        source("data/s.csv", ["id", "a", "b", "code"], idiom="csv.reader", header=False),
    )
    assert plan.columns == ["a", "b"]


def test_a_read_path_joined_from_constants_names_the_source():
    plan = lift(
        """
        import os
        import pandas as pd
        FOLDER = "data"
        df = pd.read_csv(os.path.join(FOLDER, "sub", "p.csv"))
        df["b"] = df["a"] * 2
        """,
        source("data/sub/p.csv", ["a"]),
    )
    assert plan.sources[0].path == "data/sub/p.csv" and plan.columns == ["a", "b"]


def test_a_row_slice_of_the_fit_arguments_slices_from_their_base():
    tree = ast.parse(
        textwrap.dedent(
            """
            rows = load()
            X = [r[:-1] for r in rows]
            y = [r[-1] for r in rows]
            model.fit(X[:-10], y[:-10])
            """
        )
    )
    stages = slicing.stage_lines(tree, 5)
    assert stages["data_preparation"] == [2] and stages["features"] == [3]
    assert stages["label"] == [4]


def test_a_returned_tuple_that_reads_the_targets_stays_one_assignment():
    code, _ = body(
        """
        class Pair:
            def swap(self, a, b):
                return b, a
        p = Pair()
        a, b = p.swap(a, b)
        """
    )
    assert "swap_result = (b, a)\na, b = swap_result" in code


def test_a_rebound_parameter_and_a_mutable_attribute_are_not_substituted():
    code, _ = body(
        """
        class Cleaner:
            seen = []
            def clean(self, rows):
                rows = [r for r in rows if r]
                return rows
            def remember(self, r):
                self.seen.append(r)
        c = Cleaner()
        kept = c.clean(raw)
        c.remember(1)
        """
    )
    assert "rows = raw\nrows = [r for r in rows if r]\nkept = rows" in code
    assert "c.remember(1)" in code and "[].append" not in code


def test_an_instance_made_for_one_call_is_named_only_where_the_call_is_the_statement():
    code, notes = body(
        """
        class Reader:
            def rows(self):
                return [1, 2]
        data = Reader().rows()
        late = [Reader().rows() for _ in range(2)]
        """
    )
    assert "reader = Reader()\ndata = [1, 2]" in code
    assert "late = [Reader().rows() for _ in range(2)]" in code and len(notes) == 1


def test_preparation_inside_a_function_with_an_early_exit_stops_with_the_function_named():
    with pytest.raises(Unsupported, match="inside build, a function of the script"):
        lift(
            """
            import pandas as pd
            def build(path):
                df = pd.read_csv(path)
                if df.empty:
                    return None
                return df[["a"]].values
            X = build("data/p.csv")
            """,
            source("data/p.csv", ["a"]),
        )


TUTORIAL = """
import numpy as np
SCALE = 2.0
def to_float(s):
    return float(s) if s else 0.0
def build_features(rows, scale=SCALE):
    X = [[to_float(v) * scale for v in r[1:]] for r in rows]
    y = [int(r[0]) for r in rows]
    return np.array(X), np.array(y)
def main():
    rows = [line.split(",") for line in ["1,2,3", "0,4,"]]
    X, y = build_features(rows)
    for r in rows:
        print(to_float(r[1]))
    model.fit(X, y)
if __name__ == "__main__":
    main()
"""


def test_a_main_function_and_the_functions_it_calls_as_statements_are_inlined():
    code, notes = body(TUTORIAL)
    tail = code[code.rindex("rows = [line") :]
    assert "main()" not in tail and "build_features(" not in tail
    assert "X_2 = [[to_float(v) * SCALE for v in r_2[1:]] for r_2 in rows]" in tail
    assert "X = np.array(X_2)" in tail and "model.fit(X, y)" in tail
    assert "print(to_float(r[1]))" in tail  # a row helper stays a call where it runs
    assert [n.split(":")[1].strip() for n in notes[1:]] == [
        "main() inlined (function of the script)",
        "build_features(rows) inlined (function of the script)",
    ]
    scope: dict = {"model": _Recorder()}
    exec(compile(script_body(ast.parse(TUTORIAL))[0], "<inlined>", "exec"), scope)
    original: dict = {"model": _Recorder(), "__name__": "__main__"}
    exec(TUTORIAL, original)
    assert scope["model"].seen == original["model"].seen


class _Recorder:
    def fit(self, X, y):
        self.seen = (X.tolist(), y.tolist())


def test_a_function_whose_lambda_shadows_its_locals_stays_a_call():
    code, notes = body(
        """
        def prep(df):
            x = df.a
            return df.apply(lambda x: x + 1)
        out = prep(frame)
        """
    )
    assert code.endswith("out = prep(frame)") and notes == []


def test_a_fit_inside_a_function_is_found_there():
    tree = ast.parse("def evaluate(m, X, y):\n    m.fit(X, y)\n\nevaluate(model, X, y)\n")
    assert _function_around(tree, 2) == "evaluate" and _function_around(tree, 4) is None
