"""Provenance of every frame operation."""

import numpy as np
import pandas as pd
import pytest
from lester.abstraction.errors import OperationError

import lester as lt


def people() -> lt.Frame:
    df = pd.DataFrame(
        {
            "email": ["a", "b", "c", "d"],
            "country": ["DE", "FR", "DE", "UK"],
            "age": [30, 40, 50, 60],
        }
    )
    return lt.from_pandas(df, "people")


def mails() -> lt.Frame:
    df = pd.DataFrame(
        {"email": ["a", "a", "c", "x", "b"], "text": ["hi", "yo", "hey", "spam", "ok"]}
    )
    return lt.from_pandas(df, "mails")


def test_source_ids_are_positions_or_key():
    assert people().provenance["people"].tolist() == [0, 1, 2, 3]
    keyed = lt.from_pandas(pd.DataFrame({"k": [10, 20]}), "s", ids=[10, 20])
    assert keyed.provenance["s"].tolist() == [10, 20]
    with pytest.raises(OperationError, match="not unique"):
        lt.from_pandas(pd.DataFrame({"k": [1, 1]}), "s", ids=[1, 1])


def test_an_index_column_read_is_not_a_column_and_rows_stay_numbered_by_position(tmp_path):
    """As `read_csv`'s docstring says (round 19's used_cars notes asked)."""
    path = tmp_path / "cars.csv"
    path.write_text(",price,make\n7,100,vw\n9,200,bmw\n")
    frame = lt.read_csv(str(path), index_col=0)
    assert list(frame.data.columns) == ["price", "make"] and frame.data.index.tolist() == [0, 1]
    assert frame.provenance["cars"].tolist() == [0, 1]


def test_filter_query_with_local_variable_keeps_ids():
    targets = ["DE"]  # noqa: F841 (used by the query as @targets)
    out = people().filter("country in @targets")
    assert out.data["email"].tolist() == ["a", "c"]
    assert out.provenance["people"].tolist() == [0, 2]


def test_filter_callable_and_mask_and_empty_result():
    assert people().filter(lambda d: d["age"] > 45).provenance["people"].tolist() == [2, 3]
    empty = people().filter("age > 100")
    assert len(empty) == 0 and empty.columns == ["email", "country", "age"]
    with pytest.raises(OperationError, match="boolean"):
        people().filter(lambda d: d["age"])


def test_filter_unknown_column_names_the_columns():
    with pytest.raises(OperationError, match="available|columns: email, country, age"):
        people().filter("salary > 3")


def test_inner_join_one_to_many_duplicates_rows_with_both_ids():
    out = mails().join(people(), on="email")
    assert len(out) == 4
    prov = out.provenance
    assert sorted(zip(prov["mails"], prov["people"], strict=True)) == [
        (0, 0),
        (1, 0),
        (2, 2),
        (4, 1),
    ]
    assert out.colprov["country"] == frozenset({("people", "country")})
    assert out.colprov["email"] == frozenset({("people", "email"), ("mails", "email")})


def test_left_join_marks_missing_rows():
    out = mails().join(people(), on="email", how="left")
    missing = out.provenance["people"][out.data["email"] == "x"]
    assert missing.tolist() == [-1]
    assert out.provenance["people"].dtype == np.int64


def test_many_to_many_join():
    left = lt.from_pandas(pd.DataFrame({"k": [1, 1], "a": [0, 1]}), "l")
    right = lt.from_pandas(pd.DataFrame({"k": [1, 1, 1], "b": [0, 1, 2]}), "r")
    out = left.join(right, on="k")
    assert len(out) == 6
    assert sorted(zip(out.provenance["l"], out.provenance["r"], strict=True)) == [
        (i, j) for i in range(2) for j in range(3)
    ]


def test_join_name_clash_gets_suffix_and_provenance():
    left = lt.from_pandas(pd.DataFrame({"k": [1], "v": [1]}), "l")
    right = lt.from_pandas(pd.DataFrame({"k": [1], "v": [2]}), "r")
    out = left.join(right, on="k")
    assert out.columns == ["k", "v", "v_right"]
    assert out.colprov["v_right"] == frozenset({("r", "v")})


def test_project_vectorized_and_rowwise():
    frame = people()
    doubled = frame.project("age2", "age", lambda a: a * 2)
    assert doubled.data["age2"].tolist() == [60, 80, 100, 120]
    upper = frame.project("up", ["email", "country"], lambda e, c: f"{e}-{c}".upper())
    assert upper.data["up"].tolist() == ["A-DE", "B-FR", "C-DE", "D-UK"]
    assert upper.colprov["up"] == frozenset({("people", "email"), ("people", "country")})


def test_project_of_no_columns_is_a_constant_without_provenance():
    out = people().project("flag", [], lambda: 0)
    assert out.data["flag"].tolist() == [0, 0, 0, 0]
    assert out.colprov["flag"] == frozenset()


def test_project_detects_functions_that_slice_rows_on_a_column():
    frame = lt.from_pandas(pd.DataFrame({"d": ["2021-01", "2022-02", "2023-03"]}), "s")
    out = frame.project("year", "d", lambda d: d[:4])
    assert out.data["year"].tolist() == ["2021", "2022", "2023"]


def test_select_rename_drop_keep_provenance():
    out = people().select(["age", "email"]).rename({"age": "years"})
    assert out.columns == ["years", "email"]
    assert out.colprov["years"] == frozenset({("people", "age")})
    assert out.provenance["people"].tolist() == [0, 1, 2, 3]
    with pytest.raises(OperationError, match="unknown column"):
        people().select(["nope"])


def test_union_of_sources_fills_absent_ids():
    a = lt.from_pandas(pd.DataFrame({"x": [1, 2]}), "a")
    b = lt.from_pandas(pd.DataFrame({"x": [3]}), "b")
    out = lt.union(a, b)
    assert out.provenance.to_dict("list") == {"a": [0, 1, -1], "b": [-1, -1, 0]}


def test_explode_copies_provenance():
    frame = lt.from_pandas(pd.DataFrame({"tags": [["x", "y"], ["z"]]}), "s")
    out = frame.explode("tags")
    assert out.data["tags"].tolist() == ["x", "y", "z"]
    assert out.provenance["s"].tolist() == [0, 0, 1]


def test_take_rows_repeats_rows_with_their_provenance():
    frame = lt.from_pandas(pd.DataFrame({"v": list("abcd"), "y": [0, 1, 0, 1]}), "s")
    positives = lambda d: np.flatnonzero(d["y"] == 1)  # noqa: E731
    out = frame.take_rows(lambda d: np.concatenate([np.arange(len(d)), np.resize(positives(d), 3)]))
    assert out.data["v"].tolist() == ["a", "b", "c", "d", "b", "d", "b"]
    assert out.provenance["s"].tolist() == [0, 1, 2, 3, 1, 3, 1]
    assert out.data.dtypes.to_dict() == frame.data.dtypes.to_dict()


def test_take_rows_shuffle_is_pandas_sample():
    data = pd.DataFrame({"v": range(20)})
    frame = lt.from_pandas(data, "s")
    out = frame.take_rows(lambda d: np.random.RandomState(7).permutation(len(d)))
    assert out.data["v"].tolist() == data.sample(frac=1, random_state=7)["v"].tolist()


def test_take_rows_reads_the_sizes_of_the_frames_it_uses():
    frame = lt.from_pandas(pd.DataFrame({"v": range(10), "y": [1, 1, 1] + [0] * 7}), "s")
    yes, no = frame.filter(lambda d: d["y"] == 1), frame.filter(lambda d: d["y"] == 0)
    draw = lambda d, m: np.random.RandomState(1).choice(len(d), len(m), replace=False)  # noqa: E731
    out = no.take_rows(draw, using=[yes])
    expected = no.data.sample(n=3, random_state=1)["v"].tolist()
    assert out.data["v"].tolist() == expected
    assert out.lineage.inputs == (no, yes)
    again = out.lineage.replay([frame, yes.filter(lambda d: d["v"] > 0)])  # drawn again
    assert again.data["v"].tolist() == frame.data.sample(n=2, random_state=1)["v"].tolist()


@pytest.mark.parametrize(
    ("positions", "message"),
    [
        (np.array([0, 1]), "not the positions themselves"),
        (lambda d: np.array([0.0, 1.0]), "integer positions"),
        (lambda d: np.array([[0]]), "1-D"),
        (lambda d: np.array([0, 4]), "0..3"),
    ],
)
def test_take_rows_refuses_bad_positions(positions, message):
    frame = lt.from_pandas(pd.DataFrame({"v": list("abcd")}), "s")
    with pytest.raises(OperationError, match=message):
        frame.take_rows(positions)


def test_aggregate_keeps_sets_of_ids():
    out = mails().aggregate("email", n=("text", "count"))
    by_email = dict(zip(out.data["email"], out.provenance["mails"], strict=True))
    assert by_email["a"].tolist() == [0, 1]
    assert by_email["x"].tolist() == [3]
    assert out.data["n"].tolist() == [2, 1, 1, 1]


def test_aggregate_groups_of_equal_size():
    frame = lt.from_pandas(pd.DataFrame({"k": [1, 1, 2, 2], "v": [1, 2, 3, 4]}), "s")
    out = frame.aggregate("k", total=("v", "sum"))
    assert [ids.tolist() for ids in out.provenance["s"]] == [[0, 1], [2, 3]]


def test_drop_duplicates_keeps_first_order_and_all_ids():
    frame = lt.from_pandas(pd.DataFrame({"k": ["b", "a", "b"], "v": [1, 2, 3]}), "s")
    out = frame.drop_duplicates(["k"])
    assert out.data.to_dict("list") == {"k": ["b", "a"], "v": [1, 2]}
    assert [ids.tolist() for ids in out.provenance["s"]] == [[0, 2], [1]]
    assert "dedup" in out.ops


def test_drop_duplicates_without_duplicates_stays_deletion_safe():
    from lester.abstraction.frame import DELETION_SAFE_OPS

    out = people().drop_duplicates(["email"], keep="last")
    assert out.provenance["people"].tolist() == [0, 1, 2, 3]
    assert out.ops <= DELETION_SAFE_OPS


def test_union_of_frames_with_other_columns_is_pandas_concat():
    train = pd.DataFrame({"k": [1, 2], "sales": [5.0, 6.0]})
    test = pd.DataFrame({"id": [9], "k": [3]})
    out = lt.union(lt.from_pandas(train, "train"), lt.from_pandas(test, "test"))
    expected = pd.concat([train, test], ignore_index=True)
    pd.testing.assert_frame_equal(out.data, expected)
    assert out.colprov["id"] == frozenset({("test", "id")})


def test_sort_takes_a_flag_per_key():
    frame = lt.from_pandas(pd.DataFrame({"a": [1, 1, 2], "b": [1, 2, 3]}), "s")
    out = frame.sort(["a", "b"], ascending=[True, False])
    assert out.data["b"].tolist() == [2, 1, 3]
    with pytest.raises(OperationError, match="one `ascending` flag per key"):
        frame.sort(["a", "b"], ascending=[True])


def test_a_projected_category_keeps_its_categories_and_their_order():
    frame = lt.from_pandas(pd.DataFrame({"w": [1.0, 5.0, 9.0]}), "s")
    bins = frame.project("b", "w", lambda w: pd.cut(w, [0, 4, 8, 12], labels=["lo", "mid", "hi"]))
    assert list(bins.data["b"].cat.categories) == ["lo", "mid", "hi"]
    assert list(bins.get_dummies(["b"]).data.columns) == ["w", "b_lo", "b_mid", "b_hi"]


def test_a_statistic_asked_per_row_is_refused():
    frame = lt.from_pandas(pd.DataFrame({"v": [1.0, 3.0]}), "s")
    with pytest.raises(OperationError, match="contradicts it"):
        frame.project("c", "v", lambda v: v - v.mean(), rowwise=False, vectorized=False)
    assert frame.project("c", "v", lambda v: v - v.mean(), rowwise=False).data["c"].tolist() == [
        -1.0,
        1.0,
    ]


def test_an_aggregate_of_no_rows_has_no_groups():
    frame = lt.from_pandas(pd.DataFrame({"grp": ["a", "b"], "age": [29, 52]}), "people")
    out = frame.filter("age > 60").aggregate("grp", n=("age", "size"))
    assert len(out.data) == 0 and list(out.data.columns) == ["grp", "n"]


def test_a_filter_keeps_rows_by_position_as_its_docstring_says():
    frame = lt.from_pandas(pd.DataFrame({"a": [5, 6, 7, 8]}), "t").filter("a != 6")
    kept = frame.filter(lambda d: d.index >= 1)  # df.iloc[1:] of what the frame holds now
    assert kept.data["a"].tolist() == [7, 8]
    loc = frame.data.loc[0:1, "a"].tolist()  # loc includes its end
    assert frame.filter(lambda d: (d.index >= 0) & (d.index <= 1)).data["a"].tolist() == loc
    assert kept.provenance["t"].tolist() == [2, 3]
    assert frame.columns == ["a"]


def test_row_and_column_operations_behave_as_their_docstrings_say():
    frame = lt.from_pandas(
        pd.DataFrame({"k": ["b", "a", "b", "a"], "s": [1, 2, 3, 4], "t": ["x", None, "x", "y"]}),
        "f",
    )
    gaps = frame.apply_rows_by_group(lambda g: lambda r: int(g["s"].max() - r["s"]), "k", "gap")
    assert gaps.data["gap"].tolist() == [2, 2, 0, 0] and gaps.data["gap"].dtype == "int64"
    assert gaps.data["s"].tolist() == [1, 2, 3, 4]  # the frame's order, not the groups'

    def tenfold(group):
        def row_of(row):
            row.loc["s"] = row["s"] * 10
            return row

        return row_of

    assert frame.apply_rows_by_group(tenfold, "k").data["s"].tolist() == [10, 20, 30, 40]
    assert frame.data["s"].tolist() == [1, 2, 3, 4]  # each row was a copy
    assert frame.fill_na("t", statistic="mode").data["t"].tolist() == ["x", "x", "x", "y"]
    both = frame.select(["k"]).concat_columns(frame.select(["s"]))
    assert both.data.equals(frame.data[["k", "s"]])
    missing = lt.from_pandas(pd.DataFrame({"a": [1, None, None], "b": ["x", None, None]}), "m")
    assert len(missing.drop_duplicates()) == 2


def test_aggregate_fill_na_and_row_dtypes_are_as_their_docstrings_say(tmp_path):
    days = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    frame = lt.from_pandas(
        pd.DataFrame({"k": ["a", "a", "b"], "d": days, "n": [1, 2, 3], "m": [1.0, None, 3.0]}),
        "f",
    )
    out = frame.aggregate("k", last=("d", "max"), kind=("d", lambda s: type(s).__name__)).data
    assert (
        str(out["last"].dtype).startswith("datetime64") and out["kind"].tolist() == ["Series"] * 2
    )
    filled = frame.fill_na(["m", "n"], value={"m": 0.5}).data
    assert filled["m"].tolist() == [1.0, 0.5, 3.0] and filled["n"].dtype == "int64"

    def ranked(group):
        def row_of(row):
            row["rank"], row["share"] = 1, 0.5
            return row

        return row_of

    rows = frame.apply_rows_by_group(ranked, "k").data
    assert (rows["rank"].dtype, rows["share"].dtype) == ("int64", "float64")
    (tmp_path / "b.csv").write_text("a,b\n1,2\n", encoding="utf-8-sig")
    assert lt.read_csv(str(tmp_path / "b.csv")).columns == ["a", "b"]


def test_select_and_drop_keep_the_dtypes_of_the_columns_they_keep():
    data = pd.DataFrame({"t": pd.Series(["1.5", "2"], dtype="str"), "n": [1, 2], "x": [0.5, 1.0]})
    frame = lt.from_pandas(data, "s")
    assert frame.select(["t", "x"]).data.dtypes.to_dict() == data[["t", "x"]].dtypes.to_dict()
    assert frame.drop(["n"]).data.dtypes.to_dict() == data[["t", "x"]].dtypes.to_dict()
