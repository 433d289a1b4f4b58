"""The check of a candidate's use of the Frame API, before anything runs (issue 14, defect 7)."""

from __future__ import annotations

import re
import textwrap

from lester.agents.oracle.api_use import SourceFile
from lester.agents.oracle.form import check_form

from ..conftest import EXAMPLE

FILES = [
    SourceFile("data/sales.csv", ["shop", "units", "price"], True),
    SourceFile("data/shops.csv", ["shop", "region"], True),
]
HEAD = """
import lester as lt
from sklearn.compose import ColumnTransformer

LIMIT = 3


@lt.source
def sales(data_dir: str) -> lt.Frame:
    return lt.read_csv(f"{data_dir}/data/sales.csv")


@lt.source
def shops(data_dir: str) -> lt.Frame:
    return lt.read_csv(f"{data_dir}/data/shops.csv")
"""


def problems(body: str, **options: object) -> list[str]:
    """The check's findings on the module (without their line numbers)."""
    module = HEAD + textwrap.dedent(body)
    found = check_form(module, files=FILES, **options)
    return [re.sub(r"^line \d+: ", "", p) for p in found if "missing stage" not in p]


def test_the_hand_written_pipeline_uses_the_api_as_documented():
    files = [SourceFile("data/customers.csv", ["id", "email", "country", "age"], False)]
    assert check_form((EXAMPLE / "pipeline.py").read_text(), files=files) == []


def test_a_filter_of_no_columns_whose_lambda_reads_the_frame_is_flagged():
    found = problems(
        """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            return sales.filter_by([], lambda: sales.units > 0)
        """
    )
    assert any("filter_by with no columns" in p for p in found)
    assert any("reads the frame(s) ['sales']" in p for p in found)


def test_argument_kinds_and_unknown_methods_are_flagged():
    found = problems(
        """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            kept = sales.select(lambda c: c)
            return kept.assign(total=1)
        """
    )
    assert any("Frame.select's 'columns' takes Sequence[str], got a lambda" in p for p in found)
    assert any("lt.Frame has no method 'assign'" in p for p in found)
    assert problems(
        """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            return sales.project("x", "units", lambda u: u, bogus=1)
        """
    ) == [
        "Frame.project(target, columns, func, vectorized, rowwise): got an unexpected keyword argument 'bogus'"
    ]


def test_columns_are_checked_against_the_files_and_through_the_operations():
    found = problems(
        """
        @lt.prepare
        def sold(sales: lt.Frame, shops: lt.Frame) -> lt.Frame:
            joined = sales.join(shops, on="shop")
            priced = joined.project("value", ["units", "price"], lambda u, p: u * p)
            named = priced.rename({"region": "area"})
            return named.project("bad", "region", lambda r: r)
        """
    )
    assert found == [
        "Frame.project reads column(s) ['region'], which the frame does not have "
        "(its columns: ['shop', 'units', 'price', 'area', 'value'])"
    ]


def test_lambdas_take_one_parameter_per_column():
    found = problems(
        """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            return sales.project("value", ["units", "price"], lambda u: u)
        """
    )
    assert found == [
        "Frame.project passes 2 column(s) ['units', 'price'] to a lambda of 1 "
        "parameter(s) ['u']: one parameter per column"
    ]


def test_query_strings_name_columns_and_at_names_that_exist():
    found = problems(
        """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            local = 2
            return sales.filter("units > @LIMIT and price < @local and unitz > 0 and x == @NOPE")
        """
    )
    assert len(found) == 2
    assert (
        "refers to @NOPE, which is neither a variable of the step nor a module constant" in found[0]
    )
    assert "refers to ['unitz', 'x'], not columns of the frame" in found[1]


def test_encoder_and_label_columns_are_checked_against_the_prepared_frame():
    body = """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            return sales.project("value", ["units", "price"], lambda u, p: u * p)


        @lt.encode
        def features() -> ColumnTransformer:
            return ColumnTransformer([("num", "passthrough", ["value", "weight"])])


        @lt.label
        def label(data):
            return data["margin"] > 0
    """
    found = problems(body)
    assert any("the encoder reads column(s) ['weight']" in p for p in found)
    assert any("the label reads column(s) ['margin']" in p for p in found)
    # the columns the sandbox reported for the preparation win over what the code suggests
    known = problems(body, known={"sold": ["value", "weight", "margin"]})
    assert known == []


def test_frames_of_unknown_shape_turn_the_column_checks_off():
    assert (
        problems(
            """
            @lt.source
            def wide(data_dir: str) -> lt.Frame:
                return lt.read_csv(f"{data_dir}/data/wide.csv", usecols=[0, 1])


            @lt.prepare
            def sold(wide: lt.Frame) -> lt.Frame:
                return wide.project("value", "anything", lambda a: a)
            """
        )
        == []
    )


def test_a_slot_loops_computed_targets_turn_the_column_checks_off():
    """Round 40's iotdb model was told the encoder read columns `job_0`... that its own slot
    loop made with f-string targets: a computed target is a column the check cannot name."""
    body = """
        @lt.prepare
        def sold(sales: lt.Frame) -> lt.Frame:
            for k, unit in enumerate(["a", "b"]):
                sales = sales.project(f"unit_{k}", "units", lambda u, unit=unit: u == unit)
            return sales


        @lt.encode
        def features() -> ColumnTransformer:
            return ColumnTransformer([("num", "passthrough", ["unit_0", "unit_1"])])
    """
    assert problems(body) == []
    literal = body.replace('f"unit_{k}"', '"unit"')
    assert any("the encoder reads column(s) ['unit_0', 'unit_1']" in p for p in problems(literal))
