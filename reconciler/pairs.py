"""Pairs of claims kept by a run, in compact form.

A run on a million claims keeps several million scored pairs. A dict keyed by ``(a, b)`` tuples
costs about 180 bytes a pair (the tuple, its two integers, the float, the dict's slot); keyed
by one integer ``a << 32 | b`` it costs about 100, and a strong link kept in an array of such
integers 8. Claim ids are below 2**31 (an ``Integer`` column on both stores).
"""

from __future__ import annotations

from array import array
from typing import Iterator

# A pair (a, b) as one integer: a << SHIFT | b; b is key & LOW. Hot loops elsewhere
# (reconciler.scoring) write this inline with these names rather than call pack and unpack.
SHIFT = 32
LOW = (1 << SHIFT) - 1


def pack(a: int, b: int) -> int:
    """One integer for the pair (a, b)."""
    return a << SHIFT | b


def unpack(key: int) -> tuple[int, int]:
    return key >> SHIFT, key & LOW


class PairTotals:
    """A mapping of pairs ``(a, b)`` to their totals, stored under :func:`pack` keys. It reads
    and writes like a dict keyed by tuples; ``items`` gives the pairs back in insertion order."""

    __slots__ = ("_totals",)

    def __init__(self, pairs: dict[tuple[int, int], float] | None = None) -> None:
        self._totals: dict[int, float] = {}
        for (a, b), total in (pairs or {}).items():
            self._totals[a << SHIFT | b] = total

    def __setitem__(self, pair: tuple[int, int], total: float) -> None:
        self._totals[pair[0] << SHIFT | pair[1]] = total

    def __getitem__(self, pair: tuple[int, int]) -> float:
        return self._totals[pair[0] << SHIFT | pair[1]]

    def __contains__(self, pair: object) -> bool:
        return isinstance(pair, tuple) and (pair[0] << SHIFT | pair[1]) in self._totals

    def get(self, pair: tuple[int, int], default: float | None = None) -> float | None:
        return self._totals.get(pair[0] << SHIFT | pair[1], default)

    def __len__(self) -> int:
        return len(self._totals)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for key in self._totals:
            yield key >> SHIFT, key & LOW

    def items(self) -> Iterator[tuple[tuple[int, int], float]]:
        for key, total in self._totals.items():
            yield (key >> SHIFT, key & LOW), total

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PairTotals):
            return self._totals == other._totals
        if isinstance(other, dict):
            return dict(self.items()) == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"PairTotals({dict(self.items())!r})"


class PairList:
    """Pairs ``(a, b)`` in an array of :func:`pack` keys (8 bytes a pair), in the order added."""

    __slots__ = ("_keys",)

    def __init__(self, pairs: list[tuple[int, int]] | None = None) -> None:
        self._keys = array("q", (a << SHIFT | b for a, b in pairs or ()))

    def add(self, a: int, b: int) -> None:
        self._keys.append(a << SHIFT | b)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for key in self._keys:
            yield key >> SHIFT, key & LOW


def dense_enough(low: int, top: int, count: int) -> bool:
    """Whether ``count`` claims with ids from ``low`` to ``top`` are kept best in an array indexed
    by id (8 bytes a slot up to the largest id) rather than a dict (about 100 bytes an entry):
    when no id is negative and the ids fill at least a quarter of the slots."""
    return 0 <= low and top < 4 * count + 1024


class GroupOf:
    """Which of ``groups`` (lists of claim ids) each claim is in, by :meth:`get`: the group's
    index, or None for a claim in none. Kept in an array indexed by claim id where the ids are
    dense enough (8 bytes a slot up to the largest id: a million claims, 8 MB, where a dict takes
    about 100), else (or for negative ids) in a dict."""

    __slots__ = ("_slots", "_dict")

    def __init__(self, groups: list[list[int]]) -> None:
        top = max((max(group) for group in groups if group), default=-1)
        count = sum(len(group) for group in groups)
        self._slots: array | None = None
        self._dict: dict[int, int] | None = None
        low = min((min(group) for group in groups if group), default=0)
        if dense_enough(low, top, count):
            slots = array("l", [-1]) * (top + 1)
            for i, group in enumerate(groups):
                for claim in group:
                    slots[claim] = i
            self._slots = slots
        else:
            self._dict = {claim: i for i, group in enumerate(groups) for claim in group}

    def get(self, claim: int) -> int | None:
        if self._slots is None:
            return self._dict.get(claim)
        if 0 <= claim < len(self._slots):
            found = self._slots[claim]
            return found if found >= 0 else None
        return None


class BestPairs:
    """For each claim, the best pair offered for it (:meth:`offer`): the highest total, and
    among equal totals the lower pair; :meth:`get` gives it packed, or None. Kept in two arrays
    indexed by claim id where the ids up to ``top`` are dense enough (16 bytes a slot: a million
    claims, 16 MB, where two dicts took about 200), else in dicts."""

    __slots__ = ("_totals", "_keys", "_dense")

    def __init__(self, top: int, count: int, low: int = 0) -> None:
        """``top`` and ``low``: the largest and smallest claim id that will be offered; ``count``
        how many claims (negative ids are kept in dicts, as in GroupOf)."""
        self._dense = dense_enough(low, top, count)
        if self._dense:
            self._totals: array | dict[int, float] = array("d", [float("-inf")]) * (top + 1)
            self._keys: array | dict[int, int] = array("q", [-1]) * (top + 1)
        else:
            self._totals, self._keys = {}, {}

    def offer(self, claim: int, key: int, total: float) -> None:
        """``key`` (a packed pair holding ``claim``) with ``total``: kept if it beats the best so far."""
        if self._dense:
            current = self._totals[claim]
            if total > current or (total == current and key < self._keys[claim]):
                self._totals[claim], self._keys[claim] = total, key
            return
        current = self._totals.get(claim)
        if current is None or total > current or (total == current and key < self._keys[claim]):
            self._totals[claim], self._keys[claim] = total, key

    def get(self, claim: int) -> int | None:
        if not self._dense:
            return self._keys.get(claim)
        if 0 <= claim < len(self._keys):
            key = self._keys[claim]
            return key if key >= 0 else None
        return None
