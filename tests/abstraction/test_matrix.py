"""Row selections that replace copies: matrices of shared blocks and provenance indexes behave
like the arrays and scans they stand for."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lester.abstraction.frame import object_array
from lester.abstraction.matrix import Block, Matrix
from lester.abstraction.provenance import ProvenanceIndex, rows_derived_from


def matrices(seed: int) -> tuple[Matrix, np.ndarray]:
    """A matrix after two deletions and a vanished column, and the dense array it stands for."""
    rng = np.random.default_rng(seed)
    base = np.asfortranarray(rng.standard_normal((50, 7)))
    matrix = Matrix.of(base, [2, 3, 2])
    expected = base.copy()
    for _ in range(2):
        kept = np.sort(rng.choice(matrix.n_rows, matrix.n_rows - 4, replace=False))
        matrix, expected = matrix.take(kept), expected[kept]
    fresh = rng.standard_normal((matrix.n_rows, 1))
    matrix = matrix.with_block(0, Block(fresh))
    expected = np.hstack([fresh, expected[:, 2:]])
    keep = np.array([True, False, True])
    matrix = matrix.with_block(1, matrix.blocks[1].keep_columns(keep))
    expected = np.delete(expected, 2, axis=1)
    return matrix, expected


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_matrix_of_blocks_is_the_array_it_stands_for(seed):
    matrix, expected = matrices(seed)
    assert matrix.shape == expected.shape
    assert np.array_equal(matrix.dense(), expected)
    v, r = np.arange(expected.shape[1], dtype=float), np.arange(expected.shape[0], dtype=float)
    np.testing.assert_allclose(matrix.matvec(v), expected @ v)
    np.testing.assert_allclose(matrix.rmatvec(r), expected.T @ r)
    rows = np.array([3, 1, 4])
    assert np.array_equal(matrix.take(rows).dense(), expected[rows])
    assert np.array_equal(np.concatenate(list(matrix.column_pieces())), expected.ravel(order="F"))


def test_blocks_over_one_array_keep_sharing_it():
    base = np.asfortranarray(np.ones((10, 4)))
    taken = Matrix.of(base, [1, 3]).take(np.arange(1, 9))
    assert taken.blocks[0].rows is taken.blocks[1].rows
    assert all(b.array is base for b in taken.blocks)


@pytest.mark.parametrize("sets", [False, True])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_index_lookups_equal_provenance_scans(sets, data):
    n = data.draw(st.integers(1, 60))
    ids = data.draw(st.lists(st.integers(-1, 30), min_size=n, max_size=n))
    if sets:
        prov = object_array(
            [np.array(sorted(set(ids[i : i + 3])), dtype=np.int64) for i in range(n)]
        )
    else:
        prov = np.array(ids, dtype=np.int64)
    index = ProvenanceIndex.build(prov)
    wanted = np.array(data.draw(st.lists(st.integers(0, 35), min_size=1, max_size=5)))
    assert np.array_equal(index.mask(wanted), rows_derived_from(prov, wanted))
    kept = np.flatnonzero(~index.mask(wanted[:1]))
    after = index.after(kept)
    rebuilt = ProvenanceIndex.build(prov[kept])
    assert np.array_equal(after.mask(wanted), rebuilt.mask(wanted))
    assert after.agrees_with(prov[kept])


def test_an_index_that_does_not_describe_its_frame_is_caught():
    prov = np.array([5, 3, 9, 3], dtype=np.int64)
    index = ProvenanceIndex.build(prov)
    assert index.agrees_with(prov)
    lying = ProvenanceIndex(index.ids, index.rows[::-1].copy(), index.n_rows)
    assert not lying.agrees_with(prov)
    assert not ProvenanceIndex(index.ids[::-1].copy(), index.rows, 4).agrees_with(prov)
