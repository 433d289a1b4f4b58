"""The lifter's shared AST patterns."""

from __future__ import annotations

import ast

from lester.agents.lifter.syntax import column_hint


def test_column_hints_name_casts_by_their_field_and_calls_by_their_function():
    def hint(code: str) -> str:
        return column_hint(ast.parse(code, mode="eval").body, "x_0")

    assert hint('float(r["Fare"])') == "Fare"
    assert hint("int(score)") == "score"
    assert hint('age_group(r["Age"])') == "age_group"
    assert hint("math.log(sqft)") == "sqft"
    assert hint("1 if a else 0") == "x_0"
