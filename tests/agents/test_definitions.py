"""The original's definitions a step needs include those inside a loop's or a function's body that
mean the same at module level (issue 14: real scripts keep their tables in a loop over seeds and
their helpers inside a method)."""

from __future__ import annotations

import ast
import textwrap
from types import SimpleNamespace

from lester.agents.oracle import definitions as defs
from lester.agents.preamble import complete
from lester.agents.step_lines import copied_elsewhere, own_lines

SCRIPT = textwrap.dedent(
    """\
    import pandas as pd

    for seed in [42]:
        BIN_MAP = {"Ex": 5, "Gd": 4}
        df = pd.read_csv("data.csv")

        def graded(v):
            return BIN_MAP.get(v, 0)

        df["q"] = df["qual"].map(graded)


    class Loader:
        def load(self, path):
            titles = [" Mr. ", " Mrs. "]
            rows = pd.read_csv(path)
            n = len(rows)

            def title_of(name):
                return next(t for t in titles if t in name)

            def scaled(v):
                return v / n

            def clean(v):
                return v.strip()

            return rows


    def other():
        def clean(v):
            return v.lower()

        return clean
    """
)


def _by_name() -> dict[str, defs.Definition]:
    return {name: d for d in defs.definitions(SCRIPT) for name in d.names}


def test_literal_tables_and_helpers_inside_loops_and_methods_are_definitions():
    found = _by_name()
    assert found["BIN_MAP"].kind == "constant" and found["BIN_MAP"].line == 4
    assert found["graded"].code.startswith("def graded(v):\n    return BIN_MAP")
    assert found["titles"].code == 'titles = [" Mr. ", " Mrs. "]'
    assert found["title_of"].kind == "function"  # reads only a lifted table


def test_what_would_mean_something_else_at_module_level_is_left_out():
    found = _by_name()
    assert "n" not in found and "rows" not in found  # computed from the data, not literals
    assert "scaled" not in found  # reads the method's local `n`
    assert "clean" not in found  # defined twice
    assert "load" not in found  # a method, not a helper


def test_a_step_using_a_nested_helper_needs_its_table_too():
    tree_lines = [10]  # df["q"] = df["qual"].map(graded)
    needed = [d.names for d in defs.needed(SCRIPT, tree_lines)]
    assert ("graded",) in needed and ("BIN_MAP",) in needed


def test_a_nested_definition_among_a_steps_lines_is_shown_as_the_rewrite_hoists_it():
    """Round 27's greenhouse notes: a method's own table, among the step's lines, was missing
    from the definitions while the table its nested helper read was there."""
    lines = list(range(14, 29))  # Loader.load, whose title_of reads its `titles`
    needed = {d.names for d in defs.needed(SCRIPT, lines)}
    assert ("titles",) in needed  # nested: the rewrite makes it a module-level constant
    top = textwrap.dedent(SCRIPT).splitlines().index("import pandas as pd") + 1
    assert ("pd",) not in {d.names for d in defs.needed(SCRIPT, [top, *lines])}  # top level: shown


def test_a_class_shown_whole_brings_the_definitions_its_methods_hold():
    """Round 28's greenhouse notes: a method's own table, read as a local, never came along
    with its class, while the table its nested helper read did."""
    needed = {d.names for d in defs.needed(SCRIPT, [], ["Loader"])}
    assert {("Loader",), ("titles",), ("title_of",)} <= needed
    assert ("graded",) not in needed and ("BIN_MAP",) not in needed  # another statement's


def test_a_nested_definition_is_labelled_with_where_it_stands_in_the_original():
    import ast

    from lester.agents.step_lines import defined_at

    source = (
        "class G:\n    def enc(self):\n        cuts = (1, 2)\n        def band(r):\n"
        "            return r\nfor seed in [1]:\n    T = {'a': 1}\nX = 1\n"
    )
    tree, original = ast.parse(source), SimpleNamespace(where="line {}".format)
    nested = "in the original (a module-level definition in the rewrite"
    copy = ", for code that no longer has G.enc; a copy of it keeps its own)"  # round 28, taxi
    assert defined_at(original, tree, 3) == f"line 3, inside G.enc {nested}{copy}"
    assert defined_at(original, tree, 4) == f"line 4, inside G.enc {nested}{copy}"
    assert defined_at(original, tree, 7) == f"line 7, inside the loop at line 6 {nested})"
    assert defined_at(original, tree, 8) == "line 8"


def test_the_helpers_a_copy_can_run_are_named_where_another_step_shows_them():
    """Round 29's scrabble and relay notes: the model doubted that a helper shown with another
    step (defined inside a loop) or among its own lines would be copied, and wrote its own."""
    source = textwrap.dedent(
        """\
        import pandas as pd
        VOCAB = sorted(pd.read_csv("words.csv").word)

        def load(path):
            return pd.read_csv(path)

        def known(w):
            return w in VOCAB

        for seed in [1]:
            def winner(row):
                return row.score > 0

        def tidy(v):
            return v.strip()

        def distance(a, b):
            R = 6371
            return R * abs(a - b)

        LIMITS = (1, 2)
        from sklearn.linear_model import Ridge
        model = Ridge(alpha=LIMITS[0])
        """
    )
    names = [d.names[0] for d in defs.copyable(source, shown=set())]
    # `load` reads a file, `known` the data; `R` comes with its function; `model` is built
    assert names == ["seed", "winner", "tidy", "distance", "LIMITS"]
    shown = [d for d in defs.definitions(source) if d.names == ("tidy",)]
    original = SimpleNamespace(source=source, where="line {}".format)
    reached = {11, 12, 14, 15}
    assert copied_elsewhere(original, [11, 12], shown, reached) == "`winner` (among these lines)"
    both = "`winner` (line 11), `tidy` (among these lines)"
    assert copied_elsewhere(original, [14, 15], [], reached) == both
    assert copied_elsewhere(original, [14, 15], [], {14}) == "`tidy` (among these lines)"


def test_a_loop_over_one_literal_is_a_constant_the_agent_copies():
    """Round 30's ferry notes: `for seed in [11]:` left the step that needed `seed` to define
    it, and nothing showed it among the definitions."""
    assert _by_name()["seed"].code == "seed = 42"
    source = textwrap.dedent(
        """\
        import pandas as pd
        for seed in [11]:
            df = pd.read_csv('a.csv')
            m = R(random_state=seed)
        for k in [1, 2]:
            pass
        """
    )
    found = {name: d for d in defs.definitions(source) for name in d.names}
    assert "k" not in found and found["seed"].line == 2
    counted = "for round_no, seed in enumerate([11]):\n    pass\nfor a, b in enumerate([1, 2]):\n    pass\n"
    assert [d.code for d in defs.definitions(counted)] == ["round_no = 0", "seed = 11"]  # round 32
    assert [d.names for d in defs.needed(source, [4])] == [("seed",)]  # not the loop's body
    model = "@lt.model\ndef model():\n    return Ridge(random_state=seed)"
    preamble = "import lester as lt\nfrom sklearn.linear_model import Ridge"
    completed, _ = complete({"preamble": preamble, "model": model}, source)
    assert completed["preamble"].endswith("seed = 11")
    assert own_lines(source, ast.parse(source), [3, 4], set()) == [3, 4]  # the body stays


def test_a_loops_constant_is_shown_though_the_steps_lines_hold_the_loops_header():
    """Round 31's ferry notes: the split read `seed`, the step's lines held `for seed in [11]:`,
    and no definition showed `seed = 11`."""
    source = "for seed in [11]:\n    m = R(random_state=seed)\n"
    assert [d.code for d in defs.needed(source, [1, 2])] == ["seed = 11"]


def test_a_data_statement_is_no_definition_the_prompts_show_or_the_agent_copies():
    """Round 31's taxi notes: `X = train_df[features]` and the split's assignment were shown
    among the definitions a step's lines use."""
    source = textwrap.dedent(
        """\
        import pandas as pd
        FEATURES = ["km"]
        train = pd.read_csv("t.csv")
        X = train[FEATURES]
        X_tr = X[:10]
        """
    )
    runs = defs.running(source)
    assert {1, 2} <= runs and not {3, 4, 5} & runs
    assert own_lines(source, ast.parse(source), [4, 5], set()) == [4, 5]  # they stay lines


def test_a_dataclass_field_is_a_constant_unless_another_takes_its_name():
    """Round 31's greenhouse notes: `holdout` and `seed`, a loader dataclass's fields, were
    shown with the class only, and the model defined them itself."""
    source = textwrap.dedent(
        """\
        from dataclasses import dataclass

        @dataclass
        class Loader:
            holdout: float = 0.2
            seed: int = 11
            path: str

            def split(self):
                return self.holdout

        class Other:
            seed = 3
        """
    )
    found = {name: d for d in defs.definitions(source) for name in d.names}
    assert found["holdout"].code == "holdout: float = 0.2"
    assert "seed" not in found and "path" not in found  # two classes bind it; no value
    assert "holdout: float = 0.2" in [d.code for d in defs.needed(source, [], ["Loader"])]


def test_a_dataclass_field_with_a_written_default_is_the_constant_it_holds():
    """Round 43's greenhouse notes: `holdout: float = field(default=0.25, init=False)` was not
    among the constants shown, as `data_dir: str = "data"` was."""
    source = textwrap.dedent(
        """\
        from dataclasses import dataclass, field

        @dataclass
        class Loader:
            holdout: float = field(default=0.25, init=False)
            rows: list = field(default_factory=list)
        """
    )
    found = {name: d for d in defs.definitions(source) for name in d.names}
    assert found["holdout"].code == "holdout: float = 0.25"
    assert "rows" not in found  # a factory holds no written value
    # round 45's greenhouse split: a method's line reading `self.holdout` needs the constant
    source += "\n    def cut(self, n):\n        return int(n * (1 - self.holdout))\n"
    line = source.splitlines().index("        return int(n * (1 - self.holdout))") + 1
    assert "holdout: float = 0.25" in [d.code for d in defs.needed(source, [line])]


def test_a_helper_returning_its_own_inner_function_is_copyable():
    """Round 32's relay notes: `against_team`, which defines and returns `compare`, read as
    using an unbound `compare` and was left out of the definitions the agent copies."""
    source = textwrap.dedent(
        """\
        def mark(leg):
            return leg

        def against_team(frame):
            def compare(leg):
                return mark(leg)

            return compare
        """
    )
    assert [d.names[0] for d in defs.copyable(source, shown=set())] == ["mark", "against_team"]
    assert "compare" not in defs.definitions(source)[1].uses


def test_a_standard_library_value_of_written_arguments_is_named_as_copied():
    """Round 39's churn model wrote `CUTOFF = date(2024, 1, 1)` again, unsure whether a
    constant among its own lines is copied: a date, decimal, path or pattern of written
    arguments is named like a literal; a built model, a NumPy array or a clock's reading is not."""
    source = textwrap.dedent(
        """\
        import datetime as dt
        import time
        from datetime import date
        import numpy as np
        from sklearn.linear_model import Ridge
        CUTOFF = date(2024, 1, 1)
        START = dt.datetime(2023, 5, 1, hour=2)
        WEIGHTS = np.array([1, 2])
        model = Ridge(alpha=0.5)
        LATER = date(2024, 1, WEIGHTS[0])
        STARTED = time.time()
        """
    )
    names = [d.names[0] for d in defs.copyable(source, shown=set())]
    assert names == ["CUTOFF", "START"]
    original = SimpleNamespace(source=source, where="line {}".format)
    assert copied_elsewhere(original, [6], [], {6, 7}) == (
        "`CUTOFF` (among these lines), `START` (line 7)"
    )
