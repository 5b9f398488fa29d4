"""Disjoint sets (union-find): which items a set of links joins into groups.

Each set is named by one of its items, its root. With ``key``, the root of two joined sets is
the lesser root by key, so that the names do not depend on the order of the links; without,
the root of the first item given to :meth:`UnionFind.union` stays the root.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Hashable, Iterable, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Sets over ``items``, each item alone at first; :meth:`union` joins two sets."""

    def __init__(self, items: Iterable[T], key: Callable[[T], Any] | None = None):
        self._parent: dict[T, T] = {item: item for item in items}
        self._key = key

    def __contains__(self, item: object) -> bool:
        return item in self._parent

    def find(self, item: T) -> T:
        """The root of ``item``'s set (KeyError for an item not given)."""
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]   # path halving: later finds take fewer steps
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> bool:
        """Join the sets of ``a`` and ``b``; False if they were one set already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self._key is not None and self._key(rb) < self._key(ra):
            ra, rb = rb, ra
        self._parent[rb] = ra
        return True

    def groups(self) -> dict[T, list[T]]:
        """Each set by its root: its items in the order given, the sets in the order of their first item."""
        found: dict[T, list[T]] = {}
        for item in self._parent:
            found.setdefault(self.find(item), []).append(item)
        return found
