"""Keeping the rows of a frame whose key appears among another frame's keys (a semi-join).

pandas code writes it `df[df["k"].isin(other["k"].unique())]`: the kept keys are not constants
but the keys of other rows, often of a selection of the same source (the games of the players
drawn for training, the orders of the customers who churned). Mixed into `Frame`.

Row provenance: a kept row derives from its own row only; `other` decides whether it is kept but
contributes no values. Sources only `other` carries get NO_ROW, so that the frame still names
them and `forget` visits it when one of their rows is deleted.

Deleting a row of `other` can take a key out of `other` and so drop rows of `self` that do not
derive from the deleted row: deletion by provenance is not exact, so the kind `semi_join` is not
deletion-safe and `forget` re-applies the operation to its updated inputs (its lineage keeps both).
Column provenance is `self`'s: like a filter, the operation chooses rows and changes no value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from lester.abstraction.frame import Frame


class KeyOps:
    """The operation; `self` is a `Frame`."""

    def semi_join(
        self: Frame,
        other: Frame,
        on: str | Sequence[str] | None = None,
        *,
        left_on: str | Sequence[str] | None = None,
        right_on: str | Sequence[str] | None = None,
    ) -> Frame:
        """The rows of this frame, in order, whose key values appear in `other`'s key columns
        (as `df[df[k].isin(other[k])]`; missing values match missing values, as in `isin`)."""
        import lester.abstraction.frame as frames

        left_keys, right_keys = frames._join_keys(on, left_on, right_on)
        self._require(left_keys, "semi_join (left side)")
        other._require(right_keys, "semi_join (right side)")
        mask = _keys_in(self.df[left_keys], other.df[right_keys])
        kept = self.df[mask]
        missing = [s for s in other.sources if s not in self.sources]
        kept = frames._fill_missing_prov(kept, missing) if missing else kept
        keys = {"on": on, "left_on": left_on, "right_on": right_on}
        lineage = frames.Lineage("semi_join", "semi_join", (self, other), kwargs=keys, kept=mask)
        return self._derive(kept, self.colprov, lineage)


def _keys_in(keys: pd.DataFrame, wanted: pd.DataFrame) -> np.ndarray:
    if keys.shape[1] == 1:
        return keys.iloc[:, 0].isin(wanted.iloc[:, 0]).to_numpy()
    index = pd.MultiIndex.from_frame(keys)
    return np.asarray(index.isin(pd.MultiIndex.from_frame(wanted)))
