"""Running pipelines: artifacts, provenance, saving and loading, and clear errors for bad input."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lester.abstraction.errors import LesterError, PipelineDefinitionError, SourceError, StageError

import lester as lt

from .conftest import PIPELINES


def test_run_materializes_train_test_and_provenance(shop_dir):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    orders = pd.read_csv(shop_dir / "orders.csv")
    customers = pd.read_csv(
        shop_dir / "customers.csv", header=None, names=["cid", "country", "age"]
    )
    kept = customers[customers["country"].isin(["DE", "FR", "NL"])]
    assert len(run.prepared) == orders["cid"].isin(kept["cid"]).sum()
    assert len(run.X_train) + len(run.X_test) == len(run.prepared)
    assert run.X_train.shape[1] == 1 + 3 + 8
    assert not any(c.startswith("__prov__") for c in run.prepared.columns)
    # row provenance: every training row's order id and customer id agree with the source rows
    prov = run.train_provenance
    assert list(prov.columns) == ["orders", "customers"]
    assert (
        orders["cid"].to_numpy()[prov["orders"]] == customers["cid"].to_numpy()[prov["customers"]]
    ).all()
    assert np.allclose(run.y_train, orders["amount"].to_numpy()[prov["orders"]])


def test_random_split_selects_what_train_test_split_selects(shop_dir):
    from sklearn.model_selection import train_test_split

    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    X_all = np.vstack([run.X_train, run.X_test])[np.argsort(np.r_[run.train_index, run.test_index])]
    X_tr, X_te, y_tr, _ = train_test_split(X_all, run.y_all, test_size=0.25, random_state=7)
    assert np.array_equal(X_tr, run.X_train) and np.array_equal(X_te, run.X_test)
    assert np.array_equal(y_tr, run.y_train)


def test_column_provenance_offsets_each_block(shop_dir):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    prov = run.column_provenance
    assert [p["transformer"] for p in prov] == ["age"] + ["country"] * 3 + ["note"] * 8
    assert prov[0]["sources"] == [["customers", "age"]]
    assert prov[1]["sources"] == [["customers", "country"]] and prov[1]["index"] == 1
    assert prov[4]["sources"] == [["orders", "note"]] and prov[4]["index"] == 4


def test_one_hot_columns_map_to_their_own_input():
    from lester.abstraction.features import column_provenance
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    data = pd.DataFrame({"a": ["x", "y", "x"], "b": ["p", "q", "r"]})
    ct = ColumnTransformer([("oh", OneHotEncoder(), ["a", "b"])]).fit(data)
    colprov = {"a": frozenset({("s", "a")}), "b": frozenset({("s", "b")})}
    inputs = [p["inputs"] for p in column_provenance(ct, data, colprov)]
    assert inputs == [["a"], ["a"], ["b"], ["b"], ["b"]]


def test_save_and_load_round_trip(shop_dir, tmp_path):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    target = run.save(tmp_path / "run")
    loaded = lt.load_run(target)
    for name in ("X_train", "X_test", "y_train", "y_test", "predictions"):
        assert np.array_equal(getattr(loaded, name), getattr(run, name)), name
    pd.testing.assert_frame_equal(loaded.prepared, run.prepared)
    pd.testing.assert_frame_equal(loaded.train_provenance, run.train_provenance)
    assert np.allclose(loaded.model.predict(loaded.X_test), run.predictions)
    assert loaded.column_provenance == run.column_provenance


def test_save_refuses_to_overwrite(shop_dir, tmp_path):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    target = tmp_path / "run"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(LesterError, match="already exists"):
        run.save(target)
    assert (target / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "run"]


def test_missing_source_file_names_the_source(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(StageError, match="customers.*file not found"):
        lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=tmp_path / "data")


def test_malformed_csv_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('a,b\n1,2\n3,"unterminated\n')
    with pytest.raises(SourceError, match="cannot parse"):
        lt.read_csv(bad)


def test_stage_returning_the_wrong_type_is_named(tmp_path, shop_dir):
    source = (
        (PIPELINES / "shop.py").read_text().replace("return Ridge(alpha=0.5)", "return 'ridge'")
    )
    module = tmp_path / "wrong.py"
    module.write_text(source)
    with pytest.raises(StageError, match="stage 'model'.*estimator"):
        lt.load_pipeline(module).run(data_dir=shop_dir)


def test_unknown_column_in_a_query_names_the_stage(tmp_path, shop_dir):
    source = (PIPELINES / "shop.py").read_text().replace("country in @KEEP", "land in @KEEP")
    module = tmp_path / "query.py"
    module.write_text(source)
    with pytest.raises(StageError, match="stage 'kept_customers'.*land"):
        lt.load_pipeline(module).run(data_dir=shop_dir)


def test_module_without_stages_is_rejected(tmp_path):
    module = tmp_path / "empty.py"
    module.write_text("x = 1\n")
    with pytest.raises(PipelineDefinitionError, match="no @lester.source"):
        lt.load_pipeline(module)


def test_filter_that_drops_everything_is_reported(tmp_path, shop_dir):
    source = (PIPELINES / "shop.py").read_text().replace('KEEP = ["DE", "FR", "NL"]', "KEEP = []")
    module = tmp_path / "none.py"
    module.write_text(source)
    with pytest.raises(StageError, match="no rows"):
        lt.load_pipeline(module).run(data_dir=shop_dir)


def test_cli_run_and_forget(tmp_path, shop_dir):
    from typer.testing import CliRunner

    from lester.cli import app

    pipeline = tmp_path / "shop.py"
    shutil.copy(PIPELINES / "shop.py", pipeline)
    runner = CliRunner()
    result = runner.invoke(
        app, ["run", str(pipeline), "--data-dir", str(shop_dir), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            "forget",
            str(tmp_path / "r"),
            "--source",
            "customers",
            "--ids",
            "1,2",
            "--out",
            str(tmp_path / "f"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "deleted-by-provenance" in result.output
    assert lt.load_run(tmp_path / "f").forget_report["n_ids"] == 2
    bad = runner.invoke(app, ["forget", str(tmp_path / "r"), "--source", "customers", "--ids", "x"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["run", str(Path(tmp_path / "nope.py"))])
    assert missing.exit_code == 2 and "no such pipeline file" in missing.output


def test_a_column_split_keeps_the_prepared_order_in_both_sets():
    """As its docstring says (round 21's notes asked)."""
    data = pd.DataFrame({"is_test": [False, True, False, True, False]})
    train, test = lt.column_split("is_test", [True]).indices(data, np.zeros(5))
    assert train.tolist() == [0, 2, 4] and test.tolist() == [1, 3]
