"""Predicates from untrusted text: the accepted forms select what pandas would, the rest is refused."""

import numpy as np
import pandas as pd
import pytest
from lester.abstraction.predicate import PredicateError, parse

DATA = pd.DataFrame(
    {
        "cid": [1, 2, 3, None, 5],
        "country": ["DE", "FR", None, "NL", "DE"],
        "first name": ["Ada", "Bob", "Cy", "Di", "Ed"],
        "vip": [True, False, True, False, False],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cid == 2", [False, True, False, False, False]),
        ("2 < cid <= 5", [False, False, True, False, True]),
        ("-1.5 < cid", [True, True, True, False, True]),
        ("country in ['DE', 'NL']", [True, False, False, True, True]),
        ("country not in ('DE',)", [False, True, False, True, False]),
        ("country.isin(['FR'])", [False, True, False, False, False]),
        ("not cid == 1", [False, True, True, True, True]),
        ("~(cid == 1) & (country != 'FR')", [False, False, False, True, True]),
        ("cid == 1 or country == 'NL' and vip == False", [True, False, False, True, False]),
        ("`first name` == 'Cy'", [False, False, True, False, False]),
        ("vip == True", [True, False, True, False, False]),
        ("country in @targets", [True, True, False, False, True]),
    ],
)
def test_accepted_predicates_select_the_rows_pandas_would(text, expected):
    mask = parse(text, {"targets": ["DE", "FR"]}).mask(DATA)
    assert mask.dtype == bool
    assert mask.tolist() == expected


def test_missing_values_match_no_comparison():
    assert parse("cid != 1").mask(DATA).tolist() == [False, True, True, False, True]
    assert parse("country != 'DE'").mask(DATA).tolist() == [False, True, False, True, False]


@pytest.mark.parametrize(
    "text",
    [
        "cid",
        "cid + 1",
        "cid == cid",
        "@frame.df.to_csv('x')",
        "__import__('os').system('id')",
        "country.str.len() > 2",
        "country.isin(open('x'))",
        "cid == 1 if vip else 0",
        "lambda: 1",
        "[c for c in 'ab']",
        "cid == (1).__class__",
        "cid == @missing",
        "cid.isin([1], extra=1)",
        "cid in ['a', []]",
        "",
        "cid ==",
    ],
)
def test_everything_else_is_refused(text):
    with pytest.raises(PredicateError):
        parse(text).mask(DATA)


def test_unknown_columns_and_type_clashes_are_errors_not_rows():
    with pytest.raises(PredicateError, match="unknown column"):
        parse("salary > 1").mask(DATA)
    with pytest.raises(PredicateError, match="cannot compare"):
        parse("country < 3").mask(DATA)


def test_huge_predicates_are_refused():
    with pytest.raises(PredicateError, match="longer"):
        parse("cid == 1 or " * 2000 + "cid == 2")


def test_redaction_keeps_the_shape_and_hides_the_literals():
    predicate = parse("`first name` == 'Ada' or country in ['DE', 'FR']")
    text = predicate.redacted(lambda v: "#")
    assert text == "(`first name` == # or `country` in [#, #])"
    assert "Ada" not in text
    assert np.array_equal(parse(predicate.to_json()["text"]).mask(DATA), predicate.mask(DATA))
