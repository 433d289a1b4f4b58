"""Row selections: each recorded selection maps onto the `lt` split that replays it exactly."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from lester.agents.oracle import static
from lester.agents.oracle.splits import row_selection
from sklearn.model_selection import train_test_split
from sklearn.utils import shuffle

import lester as lt

N = 40
DATA = pd.DataFrame({"v": np.arange(N) * 10})


def _train(split: lt.Split) -> list[int]:
    train, test = split.indices(DATA, np.zeros(N))
    assert sorted([*train, *test]) == list(range(N))
    return list(train)


def test_permutation_split_replays_numpy_seeded_permutation_cut():
    np.random.seed(11)
    order = np.random.permutation(N)
    assert _train(lt.permutation_split(30, 11)) == list(order[:30])


def test_permutation_split_replays_an_in_place_numpy_shuffle():
    rows = np.arange(N)
    np.random.seed(4)
    np.random.shuffle(rows)
    assert _train(lt.permutation_split(N, 4)) == list(rows)


def test_shuffle_split_replays_sklearn_shuffle_then_slice():
    X = np.arange(N)
    assert _train(lt.shuffle_split(0.7, 231)) == list(shuffle(X, random_state=231)[: int(0.7 * N)])


def test_python_shuffle_split_replays_random_shuffle_of_a_list():
    rows = list(range(N))
    random.seed(9)
    random.shuffle(rows)
    assert _train(lt.python_shuffle_split(25, 9)) == rows[:25]


@pytest.mark.parametrize("holdout", [False, True])
def test_sample_split_replays_dataframe_sample_and_the_rest(holdout):
    sample = DATA.sample(frac=0.8, random_state=3)
    rest = DATA.drop(sample.index)
    expected = rest if holdout else sample
    assert _train(lt.sample_split(frac=0.8, random_state=3, holdout=holdout)) == list(
        expected.index
    )


def test_head_split_with_a_negative_count_holds_out_the_last_rows():
    assert _train(lt.head_split(-1)) == list(range(N - 1))


def test_random_split_replays_train_test_split():
    train, _ = train_test_split(np.arange(N), test_size=0.3, random_state=0)
    assert _train(lt.random_split(0.3, 0)) == list(train)


def _fit(n_fit: int, before: int = 1) -> dict:
    return {"X_shape": [n_fit, 3], "line": 9, "selections_before": before}


def test_the_recorded_selection_whose_output_is_fitted_is_the_split():
    tree = static.parse("m.fit(X, y)\n")
    unrelated = {
        "call": "train_test_split",
        "line": 2,
        "n": 50,
        "outputs": [25, 25, 25, 25],
        "args": {},
    }
    cut = {"call": "numpy.random.permutation", "line": 5, "n": 100, "outputs": [100],
           "args": {"random_state": 7, "reproducible": True}}  # fmt: skip
    later = {
        "call": "random.shuffle",
        "line": 12,
        "n": 100,
        "outputs": [100],
        "args": {"random_state": 1},
    }
    split = row_selection(tree, _fit(70, before=2), [unrelated, cut, later])
    assert (split["function"], split["args"]) == (
        "permutation_split",
        {"n_train": 70, "random_state": 7},
    )
    assert split["line"] == 5


def test_a_shuffle_no_fresh_generator_reproduces_leaves_the_selection_to_the_preparation():
    record = {"call": "numpy.random.permutation", "line": 5, "n": 100, "outputs": [100],
              "args": {"random_state": 7, "reproducible": False}}  # fmt: skip
    split = row_selection(static.parse("m.fit(X, y)\n"), _fit(70), [record])
    assert split["function"] is None
    assert "the preparation must select the training rows" in split["note"]


def test_sample_with_the_rest_trained_on_is_a_holdout_sample_split():
    record = {"call": "DataFrame.sample", "line": 3, "n": 100, "outputs": [20],
              "args": {"frac": 0.2, "random_state": 5}}  # fmt: skip
    split = row_selection(static.parse("m.fit(X, y)\n"), _fit(80), [record])
    assert split["args"] == {"frac": 0.2, "holdout": True, "random_state": 5}


def test_train_test_split_keeps_its_resolved_arguments():
    record = {"call": "train_test_split", "line": 4, "n": 100, "outputs": [70, 30, 70, 30],
              "args": {"test_size": 0.3, "random_state": 2, "shuffle": True, "stratify": True}}  # fmt: skip
    split = row_selection(static.parse("m.fit(X, y)\n"), _fit(70), [record])
    assert split["args"] == {"test_size": 0.3, "random_state": 2, "stratify": True}


@pytest.mark.parametrize(
    ("source", "n_train", "idiom"),
    [
        (
            "cut = int(len(X) * 0.8)\nX_tr, y_tr = X[:cut], y[:cut]\nm.fit(X_tr, y_tr)\n",
            80,
            "manual slicing",
        ),
        ("m.fit(X[:-1], y[:-1])\n", -1, "the last rows held out"),
    ],
)
def test_a_slice_of_the_fitted_matrix_is_a_head_split(source, n_train, idiom):
    tree = static.parse(source)
    fit = {"X_shape": [80, 3], "line": len(source.splitlines()), "selections_before": 0}
    split = row_selection(tree, fit, [])
    assert (split["function"], split["args"], split["idiom"]) == (
        "head_split",
        {"n_train": n_train},
        idiom,
    )
    # a held-out tail fixes how many rows were split; a head cut of 80 does not
    assert split.get("rows") == (81 if n_train < 0 else None)


def test_rows_deleted_by_computed_positions_are_left_to_the_preparation():
    source = "for r in picks:\n    X = np.delete(X, r, 0)\nm.fit(X, y)\n"
    split = row_selection(static.parse(source), {"X_shape": [5, 2], "line": 3}, [])
    assert split["function"] is None and split["idiom"] == "np.delete of computed rows"


def _deleted_by_hand(n: int, k: int, seed: int) -> tuple[list[int], list[int], list[int]]:
    """What `r = np.random.randint(len(rest)); rest = np.delete(rest, r, 0)` k times leaves."""
    np.random.seed(seed)
    rest, drawn, held = np.arange(n), [], []
    for _ in range(k):
        r = np.random.randint(len(rest))
        drawn.append(r)
        held.append(int(rest[r]))
        rest = np.delete(rest, r, 0)
    return list(rest), held, drawn


def test_deletion_split_replays_rows_deleted_one_at_a_time():
    rest, held, _ = _deleted_by_hand(N, 9, 3)
    train, test = lt.deletion_split(n_test=9, random_state=3).indices(DATA, np.zeros(N))
    assert (list(train), list(test)) == (rest, held)


@pytest.mark.parametrize(("seed", "replayed"), [(3, True), (4, False)])
def test_rows_the_dataflow_shows_deleted_by_seeded_draws_are_a_deletion_split(seed, replayed):
    _, _, drawn = _deleted_by_hand(N, 9, 3)
    dag = {
        "nodes": [
            {"id": 0, "op": "np.array", "inputs": [], "out": {"kind": "array", "shape": [N, 2]}},
            {"id": 1, "op": "np.delete", "inputs": [0], "args": [{"ref": 0}, drawn], "line": 6},
        ],
        "X": 1,
    }
    tree = static.parse(f"import numpy as np\nnp.random.seed({seed})\nm.fit(X, y)\n")
    split = row_selection(tree, _fit(N - 9), [], dag)
    if replayed:
        assert split["function"] == "deletion_split" and split["rows"] == N
        assert split["args"] == {"n_test": 9, "random_state": 3}
    else:
        assert split is None


def test_a_replayed_permutation_says_what_the_original_drew_and_which_rows_the_replay_keeps():
    record = {"call": "numpy.random.permutation", "line": 5, "n": 100, "outputs": [100],
              "args": {"random_state": 7, "reproducible": True}}  # fmt: skip
    note = row_selection(static.parse("m.fit(X, y)\n"), _fit(70), [record])["note"]
    assert "an order of its 100 rows from the global generator seeded with 7" in note
    assert "nothing else drew from the global generator between the seed and this draw" in note
    assert "keeps the first 70 of that order" in note
    assert "the model's last fit; in a loop of fits, the last one's" in note  # round 48 iotdb
    order = np.random.RandomState(7).permutation(N)
    assert _train(lt.permutation_split(30, 7)) == list(order[:30])
    own = {"call": "sklearn.utils.shuffle", "line": 5, "n": 100, "outputs": [100],
           "args": {"random_state": 3}}  # fmt: skip
    note = row_selection(static.parse("m.fit(X, y)\n"), _fit(70), [own])["note"]
    assert "from its own generator from random_state=3" in note and "global" not in note


@pytest.mark.parametrize("permutation", [True, False])
def test_a_shuffle_of_every_row_then_a_cut_is_a_permutation_cut(permutation):
    record = {"call": "DataFrame.sample", "line": 3, "n": 100, "outputs": [100],
              "args": {"frac": 1, "random_state": 4, "permutation": permutation}}  # fmt: skip
    split = row_selection(static.parse("m.fit(X, y)\n"), _fit(80), [record])
    if permutation:
        assert (split["function"], split["args"]) == (
            "permutation_split",
            {"n_train": 80, "random_state": 4},
        )
        shuffled = DATA.sample(frac=1, random_state=4).reset_index(drop=True)
        assert _train(lt.permutation_split(30, 4)) == list(shuffled["v"][:30] // 10)
    else:
        assert split["function"] is None
        assert "not a fresh RandomState permutation" in split["note"]


def test_the_sandbox_checks_a_samples_order_against_a_fresh_permutation():
    from lester.sandbox.selections import _is_permutation

    frame = DATA.set_index(DATA["v"] + 3)
    assert _is_permutation(frame, frame.sample(frac=1, random_state=9), 9)
    assert not _is_permutation(frame, frame.sample(frac=1, random_state=9), 8)
    assert not _is_permutation(frame, frame.sample(frac=0.5, random_state=9), 9)
    assert not _is_permutation(frame, frame.sample(frac=1, random_state=9), None)
