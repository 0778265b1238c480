"""Sparse features joined column-wise as scipy's hstack joins them
(bot/rasa_speedups/sparse_features.py)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features

from bot.rasa_speedups import sparse_features
from bot.rasa_speedups.registry import install, uninstall
from bot.rasa_speedups.sparse_features import RASA_COMBINE, join_columns


@pytest.mark.parametrize("left_format", ["coo", "csr"])
@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.float32, np.float64)])
def test_the_join_is_scipys_hstack(left_format: str, dtypes: tuple[type, type]) -> None:
    left = scipy.sparse.random(
        5, 40, density=0.2, format=left_format, dtype=dtypes[0], random_state=1
    )
    right = scipy.sparse.random(5, 300, density=0.05, format="coo", dtype=dtypes[1], random_state=2)
    expected = scipy.sparse.hstack([left, right])
    joined = join_columns(left, right)
    assert joined.format == expected.format == "coo"
    assert joined.shape == expected.shape and joined.dtype == expected.dtype
    assert np.array_equal(joined.row, expected.row) and np.array_equal(joined.col, expected.col)
    assert np.array_equal(joined.data, expected.data)


def test_features_combine_as_in_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    def features(matrix: scipy.sparse.spmatrix, origin: str) -> Features:
        return Features(matrix, "sequence", "text", origin)

    left = scipy.sparse.random(3, 7, density=0.5, format="coo", random_state=3)
    right = scipy.sparse.random(3, 11, density=0.5, format="coo", random_state=4)
    ours, rasas = features(left, "a"), features(left, "a")
    monkeypatch.setattr(Features, "_combine_sparse_features", RASA_COMBINE)
    rasas.combine_with_features(features(right, "b"))
    install([sparse_features.PATCH])
    try:
        ours.combine_with_features(features(right, "b"))
        assert (ours.features != rasas.features).nnz == 0
        assert ours.features.shape == (3, 18)
        with pytest.raises(ValueError, match="sequence dimensions"):
            ours.combine_with_features(features(scipy.sparse.coo_matrix((4, 2)), "c"))
    finally:
        uninstall([sparse_features.PATCH])
    assert Features._combine_sparse_features is RASA_COMBINE
