"""Maintaining a preparation when source rows are deleted: operation by operation, along its lineage.

Every frame an operation makes records its lineage (`frame.Lineage`: the operation, the arguments
that re-apply it, its input frames), except frames made by deletion-safe operations only: those
are leaves, like the sources, because deleting their derived rows maintains them. `maintain` walks
the lineage of a prepared frame from the leaves up and computes, for every frame, the frame a full
re-run without the deleted rows gives and how it differs from the old one (a `Change`: which old
rows are gone or replaced, which rows are new and where they sit). Each operation derives its
change from its inputs' changes:

- Deletion-safe operations (filter, project, select, rename, inner join, union, explode, sort):
  when their inputs only lost rows, they lose exactly the rows whose provenance holds a deleted id.
- aggregate: the groups whose members changed are recomputed from the updated input rows with
  those keys, groups left empty are dropped, and the result is spliced back in key order (the
  order `groupby` gives).
- drop_duplicates: likewise per affected set of duplicates, keeping the first or last as asked.
- joins (left, inner, self-joins) whose left input only lost rows: the left rows whose right
  matches changed are joined again (in a left join, a row left without matches becomes an
  unmatched row, with nulls).
- project, select, rename and filter after such a change apply themselves to the new rows only.
- Anything else (a project of whole columns, rows taken by position, a sort or explode or union
  after an aggregate changed, a join whose left input gained rows, a change of dtypes) is
  re-applied to its updated inputs, and so is everything above it; the steps say so.

The result keeps a re-run's row order and dtypes, so it equals a re-run (the tests check this on
random pipelines). Updated frames keep their lineage, so a later deletion is incremental too.
Operations are replayed with their recorded arguments: a step that passes values computed from
data outside frame operations is outside the contract, as it is for deletion by provenance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.column_ops import ALIGNED_KINDS, recompute_aligned
from lester.abstraction.frame import (
    DELETION_SAFE_OPS,
    CodeUnavailable,
    Frame,
    _group_ids,
    _join_keys,
    derived_frame,
    prov_column,
)
from lester.abstraction.provenance import rows_derived_from

NONE = np.empty(0, dtype=np.int64)


class NotMaintainable(Exception):
    """The lineage cannot be maintained (a leaf that is no plain source, or an operation that
    cannot be re-applied to other rows); the caller recomputes the whole preparation."""


@dataclass(frozen=True)
class Deletion:
    """The source rows being deleted."""

    source: str
    ids: np.ndarray

    def derived(self, frame: Frame) -> np.ndarray:
        """Which rows of `frame` have a deleted id in their provenance."""
        if self.source not in frame.sources:
            return np.zeros(len(frame), dtype=bool)
        return rows_derived_from(frame.df[prov_column(self.source)].to_numpy(), self.ids)


@dataclass(frozen=True)
class Change:
    """A frame before (`old`) and after (`new`) the deletion.

    `new` is `old` without the `removed` rows, with new rows at the positions `added_at`. Both are
    None when the operation was re-applied as a whole and the difference is not known.
    """

    old: Frame
    new: Frame
    removed: np.ndarray | None
    added_at: np.ndarray | None

    @classmethod
    def nothing(cls, frame: Frame) -> Change:
        return cls(frame, frame, np.zeros(len(frame), dtype=bool), NONE)

    @property
    def unchanged(self) -> bool:
        return self.new is self.old

    @property
    def known(self) -> bool:
        return self.removed is not None

    @property
    def deletion_only(self) -> bool:
        return self.added_at is not None and len(self.added_at) == 0

    @property
    def dtypes_kept(self) -> bool:
        return self.new.df.dtypes.equals(self.old.df.dtypes)

    def rows(self, positions: np.ndarray) -> Frame:
        """Rows of the new frame, as a frame of their own (the input an operation is replayed on)."""
        df = self.new.df.iloc[positions].reset_index(drop=True)
        return Frame(df, self.new.colprov, self.new.ops)

    def touched_keys(self, keys: Sequence[str]) -> pd.DataFrame:
        """The key values of the rows that changed: removed old rows and new rows."""
        parts = [self.old.df.loc[self.removed, keys], self.new.df.iloc[self.added_at][keys]]
        return _concat([p for p in parts if len(p)], self.old.df[list(keys)].iloc[:0])

    def origins(self) -> np.ndarray:
        """For each row of the new frame, its position in the old frame (-1 for a new row)."""
        out = np.full(len(self.new), -1, dtype=np.int64)
        out[~_at(len(self.new), self.added_at)] = np.flatnonzero(~self.removed)
        return out


@dataclass
class _Walk:
    deletion: Deletion
    sources: Mapping[int, Frame]
    steps: list[dict[str, Any]] = field(default_factory=list)

    def report(self, op: str, method: str, **counts: int) -> None:
        self.steps.append({"op": op, "method": method, **counts})


# A rule maintains one kind of operation from its inputs' changes; it returns the frame's change,
# or the reason why the operation must be re-applied instead.
Rule = Callable[[Frame, list[Change], _Walk], "Change | str"]


def maintain(
    frame: Frame, deletion: Deletion, sources: Mapping[int, Frame] | None = None
) -> tuple[Change, list[dict[str, Any]]]:
    """The change of `frame` when `deletion`'s rows leave the sources, and the steps taken.

    `sources` maps `id()` of old source frames to their updated frames, which the result then
    shares. Raises `NotMaintainable` when the lineage cannot be followed.
    """
    if frame.lineage is None:
        raise NotMaintainable("the frame has no lineage")
    walk = _Walk(deletion, sources or {})
    changes: dict[int, Change] = {}
    try:
        for node in _bottom_up(frame, deletion.source):
            changes[id(node)] = _change(node, changes, walk)
    except CodeUnavailable as exc:
        raise NotMaintainable(str(exc)) from None
    return changes[id(frame)], walk.steps


def _bottom_up(root: Frame, source: str) -> list[Frame]:
    """The frames of the lineage, inputs before the frames made from them (without recursion, so
    that long chains of unions do not hit the recursion limit). Frames that carry no rows of the
    source are not entered: nothing below them changes."""
    order: list[Frame] = []
    seen: set[int] = set()
    stack: list[tuple[Frame, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        if node.lineage is not None and source in node.sources:
            stack.extend((f, False) for f in reversed(node.lineage.inputs))
    return order


def _change(node: Frame, changes: dict[int, Change], walk: _Walk) -> Change:
    if walk.deletion.source not in node.sources:
        return Change.nothing(node)
    if node.lineage is None:
        return _leaf(node, walk)
    inputs = [changes[id(f)] for f in node.lineage.inputs]
    if all(c.unchanged for c in inputs):
        return Change.nothing(node)
    kind = node.lineage.kind
    if kind in DELETION_SAFE_OPS and all(c.deletion_only for c in inputs):
        return _delete_derived(node, inputs, walk)
    if not all(c.known for c in inputs):
        return _reapply(node, inputs, None)
    rule = RULES.get(kind)
    outcome = rule(node, inputs, walk) if rule else _why_not(kind)
    if isinstance(outcome, Change):
        return outcome
    walk.report(kind, f"re-applied with everything above it ({outcome})")
    return _reapply(node, inputs, outcome)


def _why_not(kind: str) -> str:
    if kind == "project:columns":
        return "its function uses whole columns"
    return "its input changed beyond a deletion"


def _leaf(frame: Frame, walk: _Walk) -> Change:
    """A source, or a frame made by deletion-safe operations only: it loses its derived rows."""
    removed = walk.deletion.derived(frame)
    if not removed.any():
        return Change.nothing(frame)
    if not frame.ops <= DELETION_SAFE_OPS:
        raise NotMaintainable(
            f"a frame without lineage was made by {', '.join(sorted(frame.ops - DELETION_SAFE_OPS))}"
        )
    new = walk.sources.get(id(frame))
    if new is None:
        new = Frame(frame.df[~removed].reset_index(drop=True), frame.colprov, frame.ops)
    return Change(frame, new, removed, NONE)


def _delete_derived(node: Frame, inputs: list[Change], walk: _Walk) -> Change:
    """A deletion-safe operation on inputs that only lost rows loses the rows derived from them."""
    removed = walk.deletion.derived(node)
    lineage = node.lineage
    kept = None if lineage.kept is None else lineage.kept[~inputs[0].removed]
    new_lineage = lineage.with_inputs([c.new for c in inputs], kept)
    df = node.df[~removed] if removed.any() else node.df
    return Change(node, derived_frame(df, node.colprov, new_lineage), removed, NONE)


def _reapply(node: Frame, inputs: list[Change], reason: str | None) -> Change:
    lineage = node.lineage
    missing = lineage.missing_code()
    if missing is not None:
        raise NotMaintainable(f"{lineage.kind}: re-applying it needs {missing.description}")
    if not lineage.replayable:
        raise NotMaintainable(
            f"{lineage.kind} by a precomputed mask cannot be re-applied ({reason or 'input changed'})"
        )
    return Change(node, lineage.replay([c.new for c in inputs]), None, None)


# ---- rules ------------------------------------------------------------------------------------


def _aligned(node: Frame, inputs: list[Change], walk: _Walk) -> Change | str:
    """project, select, rename: one output row per input row, so new rows map to new rows."""
    (change,) = inputs
    if not change.dtypes_kept:
        return "its input's dtypes changed"
    patch = node.lineage.replay([change.rows(change.added_at)])
    df = _splice(node.df[~change.removed], patch.df, change.added_at)
    new = derived_frame(df, node.colprov, node.lineage.with_inputs([change.new]))
    return Change(node, new, change.removed, change.added_at)


def _filter(node: Frame, inputs: list[Change], walk: _Walk) -> Change | str:
    """Old rows keep their verdict (the recorded mask); the predicate runs on the new rows only."""
    (change,) = inputs
    lineage = node.lineage
    if not lineage.replayable:
        return "a precomputed mask"
    if not change.dtypes_kept:
        return "its input's dtypes changed"
    patch = lineage.replay([change.rows(change.added_at)])
    kept = _interleave(lineage.kept[~change.removed], patch.lineage.kept, change.added_at)
    is_new = _at(len(change.new), change.added_at)
    new_lineage = lineage.with_inputs([change.new], kept)
    new = derived_frame(change.new.df[kept], node.colprov, new_lineage)
    return Change(node, new, change.removed[lineage.kept], np.flatnonzero(is_new[kept]))


def _aggregate(node: Frame, inputs: list[Change], walk: _Walk) -> Change | str:
    """Recompute the groups whose members changed; splice them back in key order."""
    (change,) = inputs
    if not change.dtypes_kept:
        return "its input's dtypes changed"
    keys = node.lineage.args[0]
    touched = change.touched_keys(keys)
    removed = _rows_with_keys(node.df, keys, touched)
    members = np.flatnonzero(_rows_with_keys(change.new.df, keys, touched))
    patch = node.lineage.replay([change.rows(members)]).df if len(members) else node.df.iloc[:0]
    kept = node.df[~removed]
    added_at = _sorted_positions(kept[keys], patch[keys], keys)
    df = _splice(kept, patch, added_at)
    new = derived_frame(df, node.colprov, node.lineage.with_inputs([change.new]))
    _report_groups(walk, "aggregate", "groups", node, removed, patch, df)
    return Change(node, new, removed, added_at)


def _drop_duplicates(node: Frame, inputs: list[Change], walk: _Walk) -> Change | str:
    """Recompute the sets of duplicates whose members changed, keeping the first or last."""
    (change,) = inputs
    if not change.dtypes_kept:
        return "its input's dtypes changed"
    subset, _ = node.lineage.args
    keys = subset if subset is not None else change.new.columns
    touched = change.touched_keys(keys)
    removed = _rows_with_keys(node.df, keys, touched)
    in_groups = _rows_with_keys(change.new.df, keys, touched)
    members = np.flatnonzero(in_groups)
    unknown = np.zeros(len(change.added_at), dtype=bool)
    kept = _interleave(node.lineage.kept[~change.removed], unknown, change.added_at)
    patch = node.df.iloc[:0]
    if len(members):
        recomputed = node.lineage.replay([change.rows(members)])
        no_duplicates = len(recomputed) == len(members)
        kept[members] = True if no_duplicates else recomputed.lineage.kept
        patch = _as_id_sets(recomputed)
    if kept.all():
        return "no duplicates are left, so a re-run keeps plain ids"
    added_at = np.flatnonzero(in_groups[kept])
    df = _splice(node.df[~removed], patch, added_at)
    new = derived_frame(df, node.colprov, node.lineage.with_inputs([change.new], kept))
    _report_groups(walk, "drop_duplicates", "duplicate groups", node, removed, patch, df)
    return Change(node, new, removed, added_at)


def _report_groups(
    walk: _Walk,
    op: str,
    what: str,
    node: Frame,
    removed: np.ndarray,
    patch: pd.DataFrame,
    df: pd.DataFrame,
) -> None:
    affected = int(removed.sum())
    walk.report(
        op,
        f"affected {what} recomputed ({affected} of {len(node)} groups)",
        groups=len(node),
        groups_affected=affected,
        groups_recomputed=len(patch),
        groups_after=len(df),
    )


def _join(node: Frame, inputs: list[Change], walk: _Walk) -> Change | str:
    """A join whose left input only lost rows: rows of deleted left rows go, and left rows whose
    right matches changed are joined again (in a left join, a row that lost all its matches
    becomes an unmatched row). pandas keeps the left rows' order, each with its matches in right
    order (or one unmatched row), which is where the new rows go."""
    left, right = inputs
    if not left.deletion_only:
        return "its left input changed beyond a deletion"
    if not right.dtypes_kept:
        return "its right input's dtypes changed"
    kwargs = node.lineage.kwargs
    keys = _join_keys(kwargs["on"], kwargs["left_on"], kwargs["right_on"])
    outer = kwargs["how"] == "left"
    counts = _match_counts(left.old, right.old, keys)
    owner = np.repeat(np.arange(len(left.old)), np.maximum(counts, 1) if outer else counts)
    if len(owner) != len(node):
        return "its rows could not be traced to left rows"
    touched = right.touched_keys(keys[1]).set_axis(keys[0], axis=1)
    relink = np.flatnonzero(_rows_with_keys(left.new.df, keys[0], touched))
    lost = np.zeros(len(left.old), dtype=bool)
    lost[np.flatnonzero(~left.removed)[relink]] = True
    removed = (left.removed | lost)[owner]
    partners = np.flatnonzero(
        _rows_with_keys(right.new.df, keys[1], touched.set_axis(keys[1], axis=1))
    )
    left_part, right_part = left.rows(relink), right.rows(partners)
    patch = node.lineage.replay([left_part, right_part]).df if len(relink) else node.df.iloc[:0]
    patch_counts = _match_counts(left_part, right_part, keys)
    patch_owner = np.repeat(relink, np.maximum(patch_counts, 1) if outer else patch_counts)
    if len(patch_owner) != len(patch):
        return "its rows could not be traced to left rows"
    unmatched_before = counts == 0
    unmatched_after = (unmatched_before & ~left.removed & ~lost).any() or (patch_counts == 0).any()
    if outer and unmatched_before.any() != unmatched_after:
        return "unmatched rows appear or vanish, which changes the right columns' dtypes"
    new_left = np.cumsum(~left.removed) - 1
    owners = np.concatenate([new_left[owner[~removed]], patch_owner])
    added_at = np.flatnonzero(np.argsort(owners, kind="stable") >= len(owners) - len(patch))
    if len(relink):
        walk.report(
            node.lineage.kind,
            f"left rows joined again ({len(relink)} of {len(left.new)} left rows)",
            left_rows=len(left.new),
            left_rows_joined=len(relink),
        )
    df = _splice(node.df[~removed], patch, added_at)
    new = derived_frame(df, node.colprov, node.lineage.with_inputs([left.new, right.new]))
    return Change(node, new, removed, added_at)


RULES: dict[str, Rule] = {
    "project": _aligned,
    "select": _aligned,
    "rename": _aligned,
    "filter": _filter,
    "aggregate": _aggregate,
    "dedup": _drop_duplicates,
    "join:inner": _join,
    "join:left": _join,
    "join:self:inner": _join,
    "join:self:left": _join,
    **dict.fromkeys(ALIGNED_KINDS, recompute_aligned),
}


# ---- vectorized helpers -----------------------------------------------------------------------


def _at(n: int, positions: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    return mask


def _splice(kept: pd.DataFrame, added: pd.DataFrame, added_at: np.ndarray) -> pd.DataFrame:
    """`kept` rows in their order, with the `added` rows placed at positions `added_at`."""
    if not len(added):
        return kept
    if not len(kept):
        return added
    order = _interleave(np.arange(len(kept)), len(kept) + np.arange(len(added)), added_at)
    return pd.concat([kept, added], ignore_index=True).iloc[order]


def _interleave(kept: np.ndarray, added: np.ndarray, added_at: np.ndarray) -> np.ndarray:
    out = np.empty(len(kept) + len(added), dtype=np.result_type(kept, added))
    is_added = _at(len(out), added_at)
    out[~is_added] = kept
    out[is_added] = added
    return out


def _concat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else empty


def _key_codes(frames: list[pd.DataFrame], keys: Sequence[str]) -> np.ndarray:
    """One integer per row and key value, shared across the frames. A missing key value equals
    another missing one, as in pandas' groupby (dropna=False) and merge."""
    both = _concat([f for f in frames if len(f)], frames[0].iloc[:0])
    return both.groupby(list(keys), sort=False, dropna=False).ngroup().to_numpy()


def _rows_with_keys(df: pd.DataFrame, keys: Sequence[str], wanted: pd.DataFrame) -> np.ndarray:
    """Which rows of `df` have one of the key values in `wanted`.

    A hash lookup of the first key column (missing values always kept: `isin` does not equate
    None and NaN, groupby does) narrows the rows down before the exact comparison of all keys.
    """
    found = np.zeros(len(df), dtype=bool)
    if not len(df) or not len(wanted):
        return found
    first = df[keys[0]]
    candidates = np.flatnonzero((first.isin(wanted[keys[0]]) | first.isna()).to_numpy())
    codes = _key_codes([df.iloc[candidates][list(keys)], wanted[list(keys)]], keys)
    found[candidates[np.isin(codes[: len(candidates)], codes[len(candidates) :])]] = True
    return found


def _match_counts(left: Frame, right: Frame, keys: tuple[list[str], list[str]]) -> np.ndarray:
    """How many rows of `right` each row of `left` matches."""
    left_keys, right_keys = keys
    if not len(left):
        return NONE
    right_values = right.df[right_keys].set_axis(left_keys, axis=1)
    codes = _key_codes([left.df[left_keys], right_values], left_keys)
    per_key = np.bincount(codes[len(left) :], minlength=int(codes.max()) + 1)
    return per_key[codes[: len(left)]]


def _sorted_positions(kept: pd.DataFrame, added: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Where the `added` groups go among the `kept` ones in `groupby`'s sorted key order."""
    if not len(added) or not len(kept):
        return np.arange(len(added))
    ranks = _concat([kept, added], kept).groupby(list(keys), sort=True, dropna=False).ngroup()
    return ranks.to_numpy()[len(kept) :]


def _as_id_sets(frame: Frame) -> pd.DataFrame:
    """Deduplicated rows with plain ids as sets of one id, as a deduplication with duplicates has."""
    columns = {
        prov_column(s): _group_ids(frame.df[prov_column(s)].to_numpy(), np.arange(len(frame)))
        for s in frame.sources
    }
    return frame.df.assign(**columns)
