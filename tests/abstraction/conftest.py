from pathlib import Path

import numpy as np
import pandas as pd
import pytest

PIPELINES = Path(__file__).parent / "pipelines"


def write_shop(directory: Path, customers: pd.DataFrame, orders: pd.DataFrame) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    customers.to_csv(directory / "customers.csv", header=False, index=False)
    orders.to_csv(directory / "orders.csv", index=False)
    return directory


def make_shop(n_customers: int, n_orders: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    customers = pd.DataFrame(
        {
            "cid": np.arange(n_customers),
            "country": rng.choice(["DE", "FR", "NL", "UK"], n_customers),
            "age": rng.integers(18, 90, n_customers),
        }
    )
    words = np.array(["fast", "slow", "gift", "card", "late", "ok"])
    orders = pd.DataFrame(
        {
            "oid": np.arange(n_orders),
            "cid": rng.integers(0, n_customers, n_orders),
            "amount": rng.integers(1, 500, n_orders),
            "note": [" ".join(rng.choice(words, rng.integers(1, 5))) for _ in range(n_orders)],
        }
    )
    return customers, orders


@pytest.fixture
def shop_dir(tmp_path: Path) -> Path:
    return write_shop(tmp_path / "data", *make_shop(60, 200, seed=1))
