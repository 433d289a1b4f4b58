"""Reader functions inlined at their calls, so the lifter sees the reading loops themselves."""

from __future__ import annotations

import ast
import textwrap

from lester.agents.oracle.inline import inline_readers

from .test_lift_prepare import lift, source, steps


def inline(code: str) -> tuple[str, list[str]]:
    tree, notes = inline_readers(ast.parse(textwrap.dedent(code)))
    return ast.unparse(tree), notes


def test_reader_is_inlined_with_its_argument_and_fresh_locals_and_leaves_the_module():
    code, notes = inline(
        """
        fh = None
        def read_table(path):
            with open(path) as fh:
                cols = fh.readline().strip().split(",")
                return [dict(zip(cols, l.split(","))) for l in fh]
        a = read_table("data/a.csv")
        b = {r["id"]: r for r in read_table("data/b.csv")}
        """
    )
    assert "def read_table" not in code
    assert "with open('data/a.csv') as fh_2:" in code
    assert "read_table_rows = [dict(zip(cols_2, l_2.split(','))) for l_2 in fh_2]" in code
    assert "a = read_table_rows\n" in code
    assert "with open('data/b.csv') as fh_3:" in code
    assert "b = {r['id']: r for r in read_table_rows_2}" in code
    assert notes == [
        "line 7: read_table('data/a.csv') inlined (reader function)",
        "line 8: read_table('data/b.csv') inlined (reader function)",
    ]


def test_functions_that_are_not_plain_readers_stay():
    code, notes = inline(
        """
        def early(path):
            if not path:
                return []
            return open(path).read().split()
        def no_file(x):
            return x + 1
        def computed(path):
            rows = open(path).read().split()
            return rows
        v = early("a.txt") + [no_file(1)]
        w = computed(PREFIX + "b.txt")
        """
    )
    assert (
        "def early" in code and "def no_file" in code and notes[0].startswith("line 12: computed")
    )
    assert "path_2 = PREFIX + 'b.txt'" in code and "w = computed_rows" in code


def test_a_reader_function_and_a_dict_comprehension_index_lift_to_a_join():
    plan = lift(
        """
        def read_table(path):
            with open(path) as fh:
                cols = fh.readline().strip().split(",")
                return [dict(zip(cols, l.strip().split(","))) for l in fh if l.strip()]
        people = {p["pid"]: p for p in read_table("data/p.csv")}
        rows = []
        for v in read_table("data/v.csv"):
            person = people[v["pid"]]
            rows.append((v["n"], person["age"]))
        """,
        source("data/p.csv", ["pid", "age"], idiom="open"),
        source("data/v.csv", ["pid", "n"], idiom="open"),
    )
    body = steps(plan)
    assert "drop_duplicates(['pid'], keep='last')" in body
    assert ".join(people, on='pid', how='inner')" in body
    assert any("inlined (reader function)" in t for t in plan.trail)
    assert any("dict comprehension people as a loop" in t for t in plan.trail)
