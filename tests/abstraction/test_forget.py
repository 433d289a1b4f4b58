"""`forget` equals a full re-run on the sources without the deleted rows."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lester.abstraction.errors import LesterError

import lester as lt

from .conftest import PIPELINES, make_shop, write_shop


def rerun_without(pipeline: Path, data_dir: Path, out: Path, customer_ids: list[int]) -> lt.Run:
    """The reference: rewrite the customer file without those rows and run from scratch."""
    customers = pd.read_csv(data_dir / "customers.csv", header=None)
    orders = pd.read_csv(data_dir / "orders.csv")
    keep = ~customers.index.isin(customer_ids)
    write_shop(out, customers[keep], orders)
    return lt.load_pipeline(pipeline).run(data_dir=out)


def assert_same_artifacts(updated: lt.Run, reference: lt.Run) -> None:
    pd.testing.assert_frame_equal(updated.prepared, reference.prepared)
    for name in ("X_train", "X_test", "y_train", "y_test"):
        np.testing.assert_allclose(
            getattr(updated, name), getattr(reference, name), rtol=1e-9, atol=1e-9, err_msg=name
        )
    np.testing.assert_allclose(updated.predictions, reference.predictions, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("pipeline", ["shop.py", "shop_grouped.py"])
def test_forget_ids_equals_full_rerun(tmp_path, shop_dir, pipeline):
    run = lt.load_pipeline(PIPELINES / pipeline).run(data_dir=shop_dir)
    updated = run.forget("customers", ids=[0, 3, 5, 17])
    reference = rerun_without(PIPELINES / pipeline, shop_dir, tmp_path / "rerun", [0, 3, 5, 17])
    assert_same_artifacts(updated, reference)
    method = updated.forget_report["artifacts"]["prepared"]["method"]
    assert method == (
        "deleted-by-provenance" if pipeline == "shop.py" else "recomputed (aggregate, join:left)"
    )


def test_forget_reuses_stateless_blocks_and_refits_stateful(shop_dir):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    blocks = run.forget("customers", ids=[1]).forget_report["artifacts"]["X_train"]["blocks"]
    assert blocks == {"age": "refitted", "country": "refitted", "note": "reused"}


def test_forget_where_matches_ids(shop_dir):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    by_where = run.forget("customers", where="cid == 4 or cid == 9")
    by_ids = run.forget("customers", ids=[4, 9])
    assert np.array_equal(by_where.X_train, by_ids.X_train)
    assert by_where.forget_report["n_ids"] == 2


def test_forget_removes_the_rows_from_every_artifact(shop_dir, tmp_path):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    target = int(run.train_provenance["customers"].iloc[0])
    assert len(run.rows_from("customers", [target])["train"]) >= 1
    updated = run.forget("customers", ids=[target])
    assert target not in updated.sources["customers"].provenance["customers"].to_numpy()
    assert target not in updated.train_provenance["customers"].to_numpy()
    assert target not in updated.test_provenance["customers"].to_numpy()
    saved = lt.load_run(updated.save(tmp_path / "after"))
    assert target not in saved.prepared_frame.provenance["customers"].to_numpy()
    assert saved.forget_report["artifacts"]["model"]["method"] == "retrained"


def test_influence_update_is_exact_for_ridge(shop_dir):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    exact = run.forget("customers", ids=[2, 8, 11])
    approx = run.forget("customers", ids=[2, 8, 11], model_update="influence")
    assert approx.forget_report["artifacts"]["model"]["method"].startswith("influence-update")
    np.testing.assert_allclose(approx.model.coef_, exact.model.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(approx.predictions, exact.predictions, rtol=1e-6, atol=1e-6)


def test_influence_update_is_close_for_logistic_regression(shop_dir):
    run = lt.load_pipeline(PIPELINES / "shop_grouped.py").run(data_dir=shop_dir)
    exact = run.forget("customers", ids=[2, 8])
    approx = run.forget("customers", ids=[2, 8], model_update="influence")
    assert approx.forget_report["artifacts"]["model"]["method"].startswith("influence-update")
    exact_p = exact.model.predict_proba(exact.X_train)[:, 1]
    approx_p = approx.model.predict_proba(approx.X_train)[:, 1]
    assert np.max(np.abs(exact_p - approx_p)) < 0.02


def test_forget_rejects_bad_requests(shop_dir):
    run = lt.load_pipeline(PIPELINES / "shop.py").run(data_dir=shop_dir)
    with pytest.raises(LesterError, match="unknown source"):
        run.forget("nobody", ids=[1])
    with pytest.raises(LesterError, match="either ids or where"):
        run.forget("customers")
    with pytest.raises(LesterError, match="cannot evaluate"):
        run.forget("customers", where="salary > 1")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n_customers=st.integers(min_value=12, max_value=40),
    seed=st.integers(min_value=0, max_value=10_000),
    data=st.data(),
)
def test_forget_equals_rerun_for_random_deletions(tmp_path_factory, n_customers, seed, data):
    root = tmp_path_factory.mktemp("prop")
    data_dir = write_shop(root / "data", *make_shop(n_customers, n_customers * 4, seed))
    pipeline = data.draw(st.sampled_from(["shop.py", "shop_grouped.py"]))
    deleted = data.draw(
        st.lists(st.integers(0, n_customers - 1), min_size=1, max_size=4, unique=True)
    )
    try:
        reference = rerun_without(PIPELINES / pipeline, data_dir, root / "rerun", deleted)
    except lt.StageError:
        return  # the re-run itself is impossible (e.g. no rows or a single class left)
    run = lt.load_pipeline(PIPELINES / pipeline).run(data_dir=data_dir)
    assert_same_artifacts(run.forget("customers", ids=deleted), reference)


def test_forget_recomputes_a_preparation_with_column_wide_projections(tmp_path, shop_dir):
    source = (
        (PIPELINES / "shop.py")
        .read_text()
        .replace(
            'return joined.project("words", "note", lambda n: len(n.split()))',
            'return joined.project("age", "age", lambda a: a - a.mean(), rowwise=False)'
            '.project("words", "note", lambda n: len(n.split()))',
        )
    )
    module = tmp_path / "centered.py"
    module.write_text(source)
    run = lt.load_pipeline(module).run(data_dir=shop_dir)
    updated = run.forget("customers", ids=[0, 3, 5])
    assert updated.forget_report["artifacts"]["prepared"]["method"].startswith("recomputed")
    reference = rerun_without(module, shop_dir, tmp_path / "rerun", [0, 3, 5])
    assert_same_artifacts(updated, reference)
