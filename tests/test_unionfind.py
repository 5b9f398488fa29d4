"""Union-find: which items links join, and which item names each group."""

import pytest

from reconciler.pairs import PairList
from reconciler.runs import _components, _Graph
from reconciler.unionfind import UnionFind


def test_groups_keep_the_order_items_were_given_in():
    sets = UnionFind([5, 3, 9, 1, 7])
    assert sets.union(3, 9) and sets.union(1, 7) and sets.union(9, 1)
    assert not sets.union(7, 3)   # one set already
    # Without a key the first item's root stays the root: 3 names the joined set.
    assert sets.groups() == {5: [5], 3: [3, 9, 1, 7]}
    assert sets.find(7) == 3 and sets.find(5) == 5


def test_with_a_key_the_least_item_names_the_set_whatever_the_order_of_links():
    rank = {"x": 2, "y": 1, "z": 3}
    for links in ([("x", "z"), ("z", "y")], [("y", "z"), ("x", "z")], [("z", "x"), ("y", "x")]):
        sets = UnionFind(["x", "y", "z"], key=rank.__getitem__)
        for a, b in links:
            sets.union(a, b)
        assert sets.groups() == {"y": ["x", "y", "z"]}


def test_a_long_chain_is_one_group_and_unknown_items_are_refused():
    sets = UnionFind(range(10))
    for i in range(9):
        sets.union(i + 1, i)
    assert sets.groups() == {9: list(range(10))}
    assert 4 in sets and 10 not in sets
    with pytest.raises(KeyError):
        sets.find(10)


def test_strong_link_components_come_by_first_id_each_in_id_order():
    graph = _Graph(nodes={8, 2, 5, 4, 1}, strong=PairList([(2, 8), (2, 4)]))
    assert _components(graph) == [[1], [2, 4, 8], [5]]
