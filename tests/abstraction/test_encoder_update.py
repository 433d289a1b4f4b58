"""Encoder blocks updated from their statistics equal a refit on the remaining rows."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import lester as lt

from .conftest import PIPELINES

TEXT = PIPELINES / "shop_text.py"


def write_text_shop(directory: Path, drop: list[int] = ()) -> Path:
    """Customer 0 alone has the 'platinum' tier, the word 'zebra' and the title word 'unique'."""
    rng = np.random.default_rng(11)
    n_customers, n_orders = 30, 150
    customers = pd.DataFrame(
        {"cid": np.arange(n_customers), "tier": rng.choice(["gold", "silver"], n_customers)}
    )
    customers.loc[0, "tier"] = "platinum"
    words = np.array(["fast", "slow", "gift", "card", "late", "ok"])
    orders = pd.DataFrame(
        {
            "oid": np.arange(n_orders),
            "cid": np.r_[[0, 0, 0], rng.integers(1, n_customers, n_orders - 3)],
            "amount": rng.integers(1, 500, n_orders),
            "year": rng.choice([2023, 2024], n_orders, p=[0.8, 0.2]),
            "note": [" ".join(rng.choice(words, rng.integers(1, 5))) for _ in range(n_orders)],
            "title": [" ".join(rng.choice(words, 2)) for _ in range(n_orders)],
        }
    )
    orders.loc[:2, ["note", "year"]] = [["zebra gift", 2023]] * 3
    orders.loc[:2, "title"] = "unique card"
    directory.mkdir(parents=True, exist_ok=True)
    customers[~customers["cid"].isin(drop)].to_csv(directory / "customers.csv", index=False)
    orders.to_csv(directory / "orders.csv", index=False)
    return directory


@pytest.fixture
def text_run(tmp_path: Path) -> lt.Run:
    return lt.load_pipeline(TEXT).run(data_dir=write_text_shop(tmp_path / "data"))


def test_vanishing_category_and_terms_match_a_refit(text_run, tmp_path):
    updated = text_run.forget("customers", ids=[0])
    reference = lt.load_pipeline(TEXT).run(data_dir=write_text_shop(tmp_path / "rerun", drop=[0]))
    blocks = updated.forget_report["artifacts"]["X_train"]["blocks"]
    assert blocks["amount"] == "refitted"
    assert blocks["tier"] == "1 category gone (category counts)"
    assert blocks["words"] == "1 term gone (document frequencies)"
    assert blocks["title"] == "1 term gone, reweighted (document frequencies)"
    assert updated.X_train.shape == reference.X_train.shape
    names = updated.column_provenance
    assert [c["name"] for c in names] == [c["name"] for c in reference.column_provenance]
    tfidf = [i for i, c in enumerate(names) if c["transformer"] == "title"]
    exact = [i for i, c in enumerate(names) if c["transformer"] != "title"]
    for name in ("X_train", "X_test"):
        a, b = getattr(updated, name), getattr(reference, name)
        assert np.array_equal(a[:, exact], b[:, exact]), name
        np.testing.assert_allclose(a[:, tfidf], b[:, tfidf], rtol=1e-12, atol=1e-14)
    transformer = dict((n, t) for n, t, _ in updated.encoder.transformers_)
    assert "platinum" not in transformer["tier"].categories_[0]
    assert "zebra" not in transformer["words"].vocabulary_


def test_unchanged_categories_keep_the_block(text_run):
    blocks = text_run.forget("customers", ids=[5]).forget_report["artifacts"]["X_train"]["blocks"]
    assert blocks["tier"] == "unchanged (category counts)"
    assert blocks["words"] == "unchanged (document frequencies)"


def test_repeated_deletions_keep_the_statistics_exact(text_run, tmp_path):
    twice = text_run.forget("customers", ids=[0]).forget("customers", ids=[3, 4])
    reference = lt.load_pipeline(TEXT).run(
        data_dir=write_text_shop(tmp_path / "rerun", drop=[0, 3, 4])
    )
    np.testing.assert_allclose(twice.X_train, reference.X_train, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(twice.X_test, reference.X_test, rtol=1e-12, atol=1e-14)
    loaded = lt.load_run(twice.save(tmp_path / "saved"))
    assert {n: s.counts.tolist() for n, s in loaded.statistics.items()} == {
        n: s.counts.tolist() for n, s in twice.statistics.items()
    }


SCALED = PIPELINES / "shop_scaled.py"


def write_scaled_shop(directory: Path, drop: list[int] = ()) -> Path:
    """Customer 0 holds the largest amount and the smallest weight: deleting it moves every
    scaler. Weights have gaps (NaN), which the scalers leave as they are."""
    rng = np.random.default_rng(5)
    n_customers, n_orders = 25, 120
    customers = pd.DataFrame({"cid": np.arange(n_customers)})
    orders = pd.DataFrame(
        {
            "oid": np.arange(n_orders),
            "cid": np.r_[[0, 0], rng.integers(1, n_customers, n_orders - 2)],
            "amount": rng.integers(1, 500, n_orders),
            "weight": rng.normal(10.0, 3.0, n_orders),
            "year": rng.choice([2023, 2024], n_orders, p=[0.8, 0.2]),
        }
    )
    orders.loc[:1, ["amount", "weight", "year"]] = [[900, -5.0, 2023]] * 2
    orders.loc[[7, 30], "weight"] = np.nan
    directory.mkdir(parents=True, exist_ok=True)
    customers[~customers["cid"].isin(drop)].to_csv(directory / "customers.csv", index=False)
    orders.to_csv(directory / "orders.csv", index=False)
    return directory


def test_refitted_scalers_equal_a_rerun_to_the_bit(tmp_path):
    """The scalers are refitted on arrays, not frames (`_refit_numeric`): the matrix, the fitted
    scalers and the names they learned are the re-run's, in memory and on a saved run."""
    run = lt.load_pipeline(SCALED).run(data_dir=write_scaled_shop(tmp_path / "data"))
    reference = lt.load_pipeline(SCALED).run(data_dir=write_scaled_shop(tmp_path / "re", drop=[0]))
    saved = lt.load_run(run.save(tmp_path / "saved"))
    for updated in (run.forget("customers", ids=[0]), saved.forget("customers", ids=[0])):
        blocks = updated.forget_report["artifacts"]["X_train"]["blocks"]
        assert set(blocks.values()) == {"refitted"}
        for name in ("X_train", "X_test"):
            np.testing.assert_array_equal(getattr(updated, name), getattr(reference, name))
        fitted = {n: t for n, t, _ in updated.encoder.transformers_}
        for name, expected, _ in reference.encoder.transformers_[:3]:  # not the remainder
            got = vars(fitted[name])
            assert got.keys() == vars(expected).keys(), name
            for attribute, value in vars(expected).items():
                np.testing.assert_array_equal(got[attribute], value, err_msg=attribute)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # fitted on arrays, it still knows its column names
            updated.encoder.transform(reference.prepared)
