from reconciler.pairs import BestPairs, GroupOf, PairList, PairTotals, pack, unpack

TOP = 2**31 - 1   # the largest claim id an Integer column holds


def test_pack_keeps_both_ids_apart():
    assert pack(1, 2) == 4294967298   # 1 * 2**32 + 2
    for a, b in ((0, 0), (1, TOP), (TOP, 1), (TOP, TOP), (7, 0)):
        assert unpack(pack(a, b)) == (a, b)
    assert pack(1, 2) != pack(2, 1)


def test_pair_totals_read_and_write_like_a_dict_of_tuples():
    totals = PairTotals()
    totals[(3, 9)] = 5.5
    totals[(1, TOP)] = 3.5
    totals[(3, 9)] = 6.0   # written again: the last total
    assert len(totals) == 2
    assert totals[(3, 9)] == 6.0 and totals.get((1, TOP)) == 3.5
    assert totals.get((9, 3)) is None and totals.get((9, 3), 0.0) == 0.0   # (a, b) is not (b, a)
    assert (3, 9) in totals and (9, 3) not in totals and "3,9" not in totals
    assert list(totals.items()) == [((3, 9), 6.0), ((1, TOP), 3.5)]   # in the order first written
    assert list(totals) == [(3, 9), (1, TOP)]
    assert totals == {(3, 9): 6.0, (1, TOP): 3.5} and totals == PairTotals({(1, TOP): 3.5, (3, 9): 6.0})
    assert totals != {(3, 9): 6.0}


def test_pair_list_keeps_pairs_in_the_order_added():
    pairs = PairList([(2, 8)])
    pairs.add(TOP - 1, TOP)
    pairs.add(2, 8)   # a pair added twice is there twice
    assert list(pairs) == [(2, 8), (TOP - 1, TOP), (2, 8)] and len(pairs) == 3


def test_group_of_dense_and_sparse_ids_alike():
    groups = [[3, 9], [1], [4, 5, 6]]
    dense = GroupOf(groups)
    assert dense._slots is not None   # ids up to 9 for 6 claims: an array
    sparse = GroupOf(groups + [[10**9]])
    assert sparse._dict is not None   # one id of a billion: a dict, not a billion slots
    for found in (dense, sparse):
        assert [found.get(c) for c in (1, 3, 4, 5, 6, 9)] == [1, 0, 2, 2, 2, 0]
        assert found.get(0) is None and found.get(2) is None and found.get(7) is None   # in no group
        assert found.get(10**12) is None and found.get(-1) is None
    assert sparse.get(10**9) == 3 and dense.get(10**9) is None
    assert GroupOf([]).get(0) is None
    negative = GroupOf([[-1, 5], [3]])   # never a claim id, but kept apart all the same (a dict)
    assert (negative.get(-1), negative.get(5), negative.get(3)) == (0, 0, 1) and negative._dict is not None


def test_best_pairs_keep_the_highest_total_then_the_lower_pair():
    # Claims 1, 2, 3 (dense: arrays) and the same ids far apart (sparse: dicts) give the same.
    for top, count in ((3, 3), (TOP, 3)):
        best = BestPairs(top, count)
        best.offer(1, pack(1, 3), 4.0)
        best.offer(3, pack(1, 3), 4.0)
        best.offer(1, pack(1, 2), 6.5)   # higher: replaces (1, 3) for claim 1
        best.offer(2, pack(1, 2), 6.5)
        best.offer(2, pack(2, 3), 6.5)   # equal total, higher pair: (1, 2) stays for claim 2
        best.offer(3, pack(2, 3), 6.5)   # higher than 4.0: (2, 3) for claim 3
        best.offer(3, pack(0, 3), 6.5)   # equal, lower pair: (0, 3) for claim 3
        assert [best.get(c) for c in (1, 2, 3)] == [pack(1, 2), pack(1, 2), pack(0, 3)], top
        assert best.get(0) is None and best.get(99) is None and best.get(-1) is None
    # A negative id (never a stored claim's) is kept apart, not in the array's last slot.
    best = BestPairs(5, 3, low=-1)
    best.offer(-1, 7, 1.0)
    assert (best.get(-1), best.get(5)) == (7, None)
