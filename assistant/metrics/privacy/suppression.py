"""Hiding small groups inside one answer: the groups themselves, and enough others."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from assistant.metrics.privacy.rules import Count


def _size(row: dict[str, Any], size_column: str) -> int | None:
    n = row.get(size_column)
    return n if isinstance(n, int) and not isinstance(n, bool) else None


def complementary_suppression(
    rows: list[dict[str, Any]],
    size_column: str,
    min_size: int,
    value_columns: Iterable[str],
    partition_columns: Sequence[str] = (),
    same_across: str | None = None,
    overlapping: bool = False,
) -> int:
    """Suppress small groups, then enough others that no small group can be worked out.

    Primary: a group with 0 < size < min_size is suppressed. Complementary: a person can
    take the total (the same metric without the breakdown) and subtract every visible
    group, which yields the *combined* figures of the suppressed groups. So while the
    suppressed groups of one breakdown add up to fewer than `min_size` people, the
    smallest visible group is suppressed too. This covers the one-suppressed-group case
    (the brief's rule: hide the next-smallest as well) and also two or more tiny groups
    whose sum would still be a small group. Groups are only additive inside one breakdown,
    so rows are handled per `partition_columns` value (e.g. per segment of a heatmap).

    With `same_across` (e.g. "segment"), a value of that column hidden in one partition is
    hidden in every partition: a segment shown on D7 but hidden on D1 would give away its
    size (and the D1 figures by subtraction) through the D7 row.

    With `overlapping` (days or weeks of a trend), one person can be in several groups, so
    a sum of hidden sizes says nothing about how many people they are; the range's total
    (user-days, minutes ...) minus the visible days still gives the hidden days' figures.
    There the gap closes only once a hidden group of at least `min_size` people covers it.

    Suppressing blanks `value_columns` and the size column and sets row["suppressed"] = True.
    Rows already marked suppressed must still carry their size. Returns how many rows were
    suppressed in all (primary and complementary).
    """
    values = [c for c in value_columns if c != "suppressed"]
    parts: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        parts.setdefault(tuple(row.get(c) for c in partition_columns), []).append(row)
    hidden: dict[int, dict[str, Any]] = {}

    def hide(row: dict[str, Any]) -> None:
        # one segment hidden anywhere is hidden everywhere, so no partition shows it
        key = row.get(same_across) if same_across else None
        for r in [x for x in rows if x.get(same_across) == key] if same_across else [row]:
            hidden[id(r)] = r

    for row in rows:
        n = _size(row, size_column)
        if row.get("suppressed") or (n is not None and 0 < n < min_size):
            hide(row)
    while True:
        # the first partition whose hidden groups still add up to a small group takes its
        # smallest visible group (the least information that closes the gap); hiding it may
        # already close the gap elsewhere through `same_across`, so look again from the top
        for group in parts.values():
            sizes = [_size(r, size_column) or 0 for r in group if id(r) in hidden]
            if _closed(sizes, min_size, overlapping):
                continue
            visible = sorted(
                (n, i) for i, r in enumerate(group)
                if id(r) not in hidden and (n := _size(r, size_column)) is not None and n > 0
            )
            if visible:
                hide(group[visible[0][1]])
                break
        else:
            break
    for row in hidden.values():
        for c in values:
            if c in row:
                row[c] = None
        row[size_column] = None
        row["suppressed"] = True
    return len(hidden)


def _closed(hidden_sizes: list[int], min_size: int, overlapping: bool) -> bool:
    """Whether what subtraction yields from these hidden groups is no small group."""
    if not hidden_sizes:
        return True
    if overlapping:
        return max(hidden_sizes) >= min_size
    return sum(hidden_sizes) >= min_size


def withhold_counts(
    rows: list[dict[str, Any]],
    original: list[dict[str, Any]],
    counts: Sequence[Count],
    min_size: int,
    value_columns: Iterable[str],
    partition_columns: Sequence[str] | None,
    overlapping: bool = False,
) -> int:
    """Hide rows whose people counts are, or would reveal, a small group.

    A count is small when 0 < count < min_size, or when the rest of its base is
    (0 < base - count < min_size: "all but 2 of the active users paid"). In a breakdown or
    a trend (`partition_columns` not None) the hidden counts of a partition — including
    those of rows hidden whole before — must add up, by `_closed`, to no small group, or
    the total asked next would give them away: then the smallest visible count goes too.
    A row is hidden whole (like a small group), so no reader takes a missing payer count
    for zero payers. `original` holds the rows as they were before any blanking. Returns
    how many more rows were hidden.
    """
    values = [c for c in value_columns if c != "suppressed"]
    hidden_now = 0
    for count in counts:
        parts: dict[tuple, list[int]] = {}
        for i, row in enumerate(rows):
            if count.unit is None or row.get("unit") == count.unit:
                key = (i,) if partition_columns is None else tuple(
                    row.get(c) for c in partition_columns)
                parts.setdefault(key, []).append(i)
        people = {i: _people(original[i], count) for ids in parts.values() for i in ids}
        hidden = {
            i for i, (n, rest) in people.items()
            if rows[i].get("suppressed") or _small(n, min_size) or _small(rest, min_size)
        }
        while partition_columns is not None:
            # a segment hidden in one partition (D1) is hidden in all (D7), as for sizes
            segments = {rows[i].get("segment") for i in hidden}
            hidden |= {i for i in people if rows[i].get("segment") in segments}
            for ids in parts.values():
                if _close_gap(ids, hidden, people, rows, min_size, overlapping):
                    break
            else:
                break
        for i in hidden:
            if not rows[i].get("suppressed"):
                for c in values:
                    if c in rows[i]:
                        rows[i][c] = None
                rows[i]["suppressed"] = True
                hidden_now += 1
    return hidden_now


def _small(n: int | None, min_size: int) -> bool:
    return n is not None and 0 < n < min_size


def _people(row: dict[str, Any], count: Count) -> tuple[int | None, int | None]:
    """(people counted, people of the base not counted) in a row, None when unknown."""
    n, base = row.get(count.column), row.get(count.within) if count.within else None
    if n is None:
        return None, None
    if count.rate:
        n = round(n * base) if base is not None else None
    rest = base - n if base is not None and n is not None else None
    return n, rest


def _close_gap(
    ids: list[int], hidden: set[int], people: dict[int, tuple[int | None, int | None]],
    rows: list[dict[str, Any]], min_size: int, overlapping: bool,
) -> bool:
    """Hide one more count of this partition if its hidden counts are still a small group."""
    in_part = [i for i in ids if i in hidden]
    if not in_part:
        return False
    for side in (0, 1):  # the counted people, then the rest of the base
        sizes = [people[i][side] or 0 for i in in_part]
        if sum(sizes) == 0 or _closed(sizes, min_size, overlapping):
            continue
        visible = sorted(
            (people[i][side], i) for i in ids
            if i not in hidden and (people[i][side] or 0) > 0
        )
        if visible:
            hidden.add(visible[0][1])
            return True
    return False
